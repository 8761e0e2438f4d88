/*
 * movements.c
 *		Movements: departures and arrivals at the nearest airport (not built yet)
 */
#include "postgres.h"

#include "analytics.h"

void
vi_movements_process(const AnalyticsInput *in)
{
}
