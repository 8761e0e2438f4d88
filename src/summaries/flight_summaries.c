/*
 * flight_summaries.c
 *		Flight summaries: the contact state that a flight's running
 *		aggregates carry to its next snapshot, and a summary row when a
 *		flight ends (vatsim.flight_summaries).
 *
 * The aggregates themselves (distance, maximum altitude, airborne and
 * contact time, the slow count: flight_stats_step.c) live on the flights
 * row and advance in the store stage (src/store/store_stitch.c), which
 * attributes the time since a flight's previous snapshot to its state then.
 * The state "in contact" is only known once this snapshot's contacts are
 * (src/contacts/contacts.c), so vi_flight_contact_state_process sets
 * last_in_contact on the flights whose state changed: usually a handful.
 *
 * vi_flight_summaries_process (last) finds the flights that end now among
 * those with open aggregates that are absent from the snapshot:
 *
 *	landed: its last snapshot was slow per the occupancy rule (slow count at
 *	        exit_polls), and it is absent now;
 *	gone:   absent longer than stale_after (exactly stale_after is not gone,
 *	        as in occupancy);
 *
 * and writes their summaries with vatsim.summarise_flights(), which closes
 * their aggregates.  A flight that a reconnect continues reopens them and is
 * summarised again (the row replaced) when it ends again.  At most three
 * statements per snapshot; nothing kept between snapshots but the tables and
 * the prepared plans.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"

#include "analytics.h"
#include "columns.h"
#include "vatsim_ingest.h"

static SPIPlanPtr contacts_plan;
static SPIPlanPtr flip_plan;
static SPIPlanPtr summaries_plan;

/* The flights with an open contact (after the contacts step), as a set. */
static HTAB *
flights_in_contact(void)
{
	HASHCTL		ctl;
	HTAB	   *h;
	uint64		row;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(int64);
	ctl.hcxt = CurrentMemoryContext;
	h = hash_create("vatsim_ingest flights in contact", 1024, &ctl,
					HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	vi_store_prepare(&contacts_plan,
					 "SELECT DISTINCT flight_id FROM vatsim.atc_contacts WHERE ended_at IS NULL",
					 0, NULL);
	vi_store_execute(contacts_plan, NULL, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row],
													 SPI_tuptable->tupdesc, 1, &isnull));

		(void) hash_search(h, &id, HASH_ENTER, NULL);
	}
	SPI_freetuptable(SPI_tuptable);
	return h;
}

void
vi_flight_contact_state_process(const AnalyticsInput *in)
{
	static const Oid types[] = {INT8ARRAYOID, BOOLARRAYOID};
	HTAB	   *h = flights_in_contact();
	ColumnBuf	ids;
	ColumnBuf	now;
	Datum		values[2];
	int			i;

	vi_col_init(&ids, COL_INT8, 64);
	vi_col_init(&now, COL_BOOL, 64);
	for (i = 0; i < in->doc->n_pilots; i++)
	{
		bool		in_contact;

		if (in->flight_ids[i] < 0)
			continue;
		in_contact = hash_search(h, &in->flight_ids[i], HASH_FIND, NULL) != NULL;
		if (in_contact == in->was_in_contact[i])
			continue;
		vi_col_int8(&ids, in->flight_ids[i]);
		vi_col_bool(&now, in_contact);
	}
	hash_destroy(h);
	if (ids.n == 0)
		return;
	vi_store_prepare(&flip_plan,
					 "UPDATE vatsim.flights AS f SET last_in_contact = u.now "
					 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					 "pg_catalog.unnest($2::pg_catalog.bool[])) AS u(flight_id, now) "
					 "WHERE f.flight_id OPERATOR(pg_catalog.=) u.flight_id",
					 lengthof(types), types);
	values[0] = vi_col_array(&ids);
	values[1] = vi_col_array(&now);
	vi_store_execute(flip_plan, values, SPI_OK_UPDATE);
}

/*
 * One statement: the flights that end now (the partial index
 * flights_summary_due_idx holds exactly the candidates), summarised when
 * there are any.
 */
void
vi_flight_summaries_process(const AnalyticsInput *in)
{
	static const Oid types[] = {TIMESTAMPTZOID, INT4OID, TIMESTAMPTZOID};
	Datum		values[3];

	vi_store_prepare(&summaries_plan,
					 "SELECT vatsim.summarise_flights("
					 "  pg_catalog.array_agg(e.flight_id ORDER BY e.flight_id),"
					 "  pg_catalog.array_agg(e.reason ORDER BY e.flight_id), $1) "
					 "FROM (SELECT f.flight_id,"
					 "        CASE WHEN f.slow_polls OPERATOR(pg_catalog.>=) $2 THEN 'landed'"
					 "             WHEN f.last_seen OPERATOR(pg_catalog.<) $3 THEN 'gone' END AS reason"
					 "      FROM vatsim.flights f"
					 "      WHERE f.stats_open AND f.status OPERATOR(pg_catalog.=) 'offline') e "
					 "WHERE e.reason IS NOT NULL "
					 "HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0",
					 lengthof(types), types);
	values[0] = TimestampTzGetDatum(in->ts);
	values[1] = Int32GetDatum(vi_exit_polls);
	values[2] = TimestampTzGetDatum(in->ts - (int64) vi_stale_after_s * USECS_PER_SEC);
	vi_store_execute(summaries_plan, values, SPI_OK_SELECT);
}
