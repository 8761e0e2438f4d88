/*
 * analytics.h
 *		The summaries stage (fetch -> parse -> filter -> store -> sectors ->
 *		SUMMARIES): what each snapshot adds to the analytics, in the ingest
 *		transaction, after occupancy.
 *
 * Each part issues a fixed number of prepared statements per snapshot and
 * keeps its state in tables, so a restart between two snapshots changes
 * nothing.  The caller has connected SPI and pinned search_path.
 */
#ifndef VATSIM_ANALYTICS_H
#define VATSIM_ANALYTICS_H

#include "postgres.h"

#include "utils/timestamp.h"

#include "feed.h"

struct TransceiversDocument;

/*
 * One snapshot: doc is the stored feed document, trx its transceivers
 * document (NULL when none came with it), flight_ids each pilot's flight
 * (-1: no flight), ts the snapshot's update_timestamp.
 */
typedef struct AnalyticsInput
{
	const FeedDocument *doc;
	const struct TransceiversDocument *trx;
	const int64 *flight_ids;
	TimestampTz ts;

	/*
	 * From the store stage (store_stitch.c), by pilot index: the pilot's
	 * airborne state (groundspeed >= airborne_speed_kt) differs from its
	 * flight's previous snapshot, or the flight had no aggregates yet (only
	 * these can be a departure or an arrival); and the flight's stored
	 * last_in_contact (its contact state at its previous snapshot).
	 */
	const bool *movement_candidates;
	const bool *was_in_contact;
} AnalyticsInput;

/* Runs the parts below in this order (analytics.c). */
extern void vi_analytics_process(const AnalyticsInput *in);

/* src/contacts/contacts.c: open and close vatsim.atc_contacts intervals. */
extern void vi_contacts_process(const AnalyticsInput *in);

/* flight_summaries.c: the contact state the flights' aggregates carry on. */
extern void vi_flight_contact_state_process(const AnalyticsInput *in);

/* movements.c: departures and arrivals. */
extern void vi_movements_process(const AnalyticsInput *in);

/* controller_summaries.c: a row for each controller session that ended. */
extern void vi_controller_summaries_process(const AnalyticsInput *in);

/* flight_summaries.c: a row for each flight that ended. */
extern void vi_flight_summaries_process(const AnalyticsInput *in);

#endif							/* VATSIM_ANALYTICS_H */
