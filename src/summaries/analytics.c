/*
 * analytics.c
 *		The order of the summaries stage.  Contacts come first (the flights'
 *		aggregates carry the contact state on to the next snapshot), and the
 *		summaries last (they read what the snapshot has just closed).  The
 *		aggregates themselves advance in the store stage, on the flights row
 *		(src/store/store_stitch.c).
 */
#include "postgres.h"

#include "analytics.h"

void
vi_analytics_process(const AnalyticsInput *in)
{
	vi_contacts_process(in);
	vi_flight_contact_state_process(in);
	vi_movements_process(in);
	vi_controller_summaries_process(in);
	vi_flight_summaries_process(in);
}
