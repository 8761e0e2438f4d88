/*
 * analytics.c
 *		The order of the summaries stage.  Contacts come first (the flight
 *		aggregates count time in contact), the flight aggregates before
 *		movements (they tell which flights changed between ground and air),
 *		and the summaries last (they read what the snapshot has just closed).
 */
#include "postgres.h"

#include "analytics.h"

void
vi_analytics_process(const AnalyticsInput *in)
{
	AnalyticsInput step = *in;

	step.movement_candidates = palloc0(sizeof(bool) * Max(in->doc->n_pilots, 1));
	in = &step;
	vi_contacts_process(in);
	vi_flight_stats_process(in);
	vi_movements_process(in);
	vi_controller_summaries_process(in);
	vi_flight_summaries_process(in);
}
