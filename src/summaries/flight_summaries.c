/*
 * flight_summaries.c
 *		Flight summaries: running aggregates per flight, and a summary row when it ends (not built yet)
 */
#include "postgres.h"

#include "analytics.h"

void
vi_flight_stats_process(const AnalyticsInput *in)
{
}

void
vi_flight_summaries_process(const AnalyticsInput *in)
{
}
