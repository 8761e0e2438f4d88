/*
 * controller_summaries.c
 *		Controller summaries: a row for each controller session that ended (not built yet)
 */
#include "postgres.h"

#include "analytics.h"

void
vi_controller_summaries_process(const AnalyticsInput *in)
{
}
