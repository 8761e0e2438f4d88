/*
 * store_sessions.c
 *		Controller sessions across reconnects (vatsim.controller_sessions).
 *
 * A session is one row per controller (cid, callsign) stint, which may span
 * several network connections.  Two statements per snapshot whatever the
 * number of controllers, and no state outside the table (so a restart
 * between any two snapshots changes nothing):
 *	1. merge: each controller of the snapshot continues the newest session of
 *	   its (cid, callsign) when it is the same connection (the logon_time
 *	   of the session's first or newest connection), or when its connection
 *	   logged on at most vatsim_ingest.controller_reconnect_grace after the
 *	   session was last seen (then connections + 1); otherwise a session
 *	   starts.  A continued session is open again (ended_at NULL).
 *	2. close: a session last seen more than the grace before this snapshot
 *	   ends at its last_seen, and is due its summary.
 * Only tracked positions get a session (vatsim.tracked_positions, empty:
 * all; the filter of statement 1); vatsim.controllers keeps everyone.
 *
 * The grace is measured from the session's last_seen to the new
 * connection's logon_time, not to the snapshot that first shows it: a gap in
 * the stored snapshots (the worker down, a sparse backfill) neither hides a
 * quick reconnect nor merges a slow one.  "At most" is inclusive, as in the
 * replaced system (logon_time <= session end + threshold).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/timestamp.h"

#include "columns.h"
#include "store.h"

/*
 * The tracked-positions filter (vatsim.tracked_positions; empty: every
 * position): a controller of the snapshot is kept when its callsign equals a
 * row or matches one holding '*'.  The patterns are turned into LIKE
 * patterns once per statement (trk; '_' escaped, so it stays literal).
 */
#define TRACKED_PATTERNS_SQL \
	"SELECT pg_catalog.replace(pg_catalog.replace(t.pattern, '_', E'\\\\_'), '*', '%') AS p" \
	" FROM vatsim.tracked_positions t WHERE pg_catalog.strpos(t.pattern, '*') OPERATOR(pg_catalog.>) 0"
#define TRACKED_SQL(callsign) \
	"(NOT EXISTS (SELECT FROM vatsim.tracked_positions)" \
	" OR EXISTS (SELECT FROM vatsim.tracked_positions t WHERE t.pattern OPERATOR(pg_catalog.=) " callsign ")" \
	" OR EXISTS (SELECT FROM trk WHERE " callsign " OPERATOR(pg_catalog.~~) trk.p))"

/*
 * Statement 1.  Only the newest session of a (cid, callsign), by its first
 * logon_time (an index prefix: the UNIQUE key), is a candidate: an older one
 * never revives.  A logon_time before the session's last_seen (a new
 * connection that overlaps the old one) counts as within the grace.  The
 * flags are true while every snapshot of the session had facility 0 / the
 * frequency 199.998; frequencies gains each new primary frequency at its
 * first use (199.998 left out); the other columns keep the newest values.  ON CONFLICT
 * only guards against a connection that an older session already started
 * (logon times out of order; never seen in the real feed): it refreshes that
 * row rather than failing the snapshot.
 */
static const char merge_sql[] =
"WITH trk AS MATERIALIZED (" TRACKED_PATTERNS_SQL "), inc AS ("
"  SELECT i.*, COALESCE(i.facility OPERATOR(pg_catalog.=) 0, false) AS observer,"
"    COALESCE(i.frequency OPERATOR(pg_catalog.=) '199.998', false) AS no_freq,"
"    CASE WHEN i.frequency IS NULL OR i.frequency OPERATOR(pg_catalog.=) '199.998'"
"      THEN '{}'::pg_catalog.text[] ELSE ARRAY[i.frequency] END AS freqs"
"  FROM (SELECT pg_catalog.unnest($1::pg_catalog.int4[]) AS cid,"
"    pg_catalog.unnest($2::pg_catalog.text[]) AS callsign,"
"    pg_catalog.unnest($3::pg_catalog.timestamptz[]) AS logon_time,"
"    pg_catalog.unnest($4::pg_catalog.text[]) AS frequency,"
"    pg_catalog.unnest($5::pg_catalog.int4[]) AS facility,"
"    pg_catalog.unnest($6::pg_catalog.int4[]) AS rating,"
"    pg_catalog.generate_series(1::pg_catalog.int8, pg_catalog.cardinality($1::pg_catalog.int4[])) AS idx) AS i"
"  WHERE " TRACKED_SQL("i.callsign")
"), prev AS ("
"  SELECT i.idx, s.session_id, s.same_connection,"
"    (s.same_connection OR i.logon_time OPERATOR(pg_catalog.<=)"
"      (s.last_seen OPERATOR(pg_catalog.+) $8)) AS continues"
"  FROM inc i CROSS JOIN LATERAL ("
"    SELECT s.session_id, s.last_seen,"
"      (s.logon_time OPERATOR(pg_catalog.=) i.logon_time"
"       OR s.last_logon_time OPERATOR(pg_catalog.=) i.logon_time) AS same_connection"
"    FROM vatsim.controller_sessions s"
"    WHERE s.cid OPERATOR(pg_catalog.=) i.cid AND s.callsign OPERATOR(pg_catalog.=) i.callsign"
"    ORDER BY s.logon_time DESC LIMIT 1) s"
"), upd AS ("
"  UPDATE vatsim.controller_sessions s SET last_seen = $7, last_logon_time = i.logon_time,"
"    frequency = i.frequency, facility = i.facility, rating = i.rating, ended_at = NULL,"
"    connections = s.connections OPERATOR(pg_catalog.+)"
"      CASE WHEN p.same_connection THEN 0 ELSE 1 END,"
"    is_observer = s.is_observer AND i.observer,"
"    no_frequency = s.no_frequency AND i.no_freq,"
"    frequencies = CASE WHEN i.freqs OPERATOR(pg_catalog.<@) s.frequencies THEN s.frequencies"
"      ELSE pg_catalog.array_cat(s.frequencies, i.freqs) END"
"  FROM inc i JOIN prev p ON p.idx OPERATOR(pg_catalog.=) i.idx"
"  WHERE p.continues AND s.session_id OPERATOR(pg_catalog.=) p.session_id"
") "
"INSERT INTO vatsim.controller_sessions AS s (cid, callsign, logon_time, last_logon_time,"
"  first_seen, last_seen, frequency, facility, rating, is_observer, no_frequency,"
"  frequencies) "
"SELECT i.cid, i.callsign, i.logon_time, i.logon_time, $7, $7, i.frequency, i.facility,"
"  i.rating, i.observer, i.no_freq, i.freqs "
"FROM inc i WHERE NOT EXISTS (SELECT 1 FROM prev p"
"  WHERE p.idx OPERATOR(pg_catalog.=) i.idx AND p.continues) "
"ON CONFLICT (cid, callsign, logon_time) DO UPDATE SET last_seen = EXCLUDED.last_seen,"
"  frequency = EXCLUDED.frequency, facility = EXCLUDED.facility, rating = EXCLUDED.rating,"
"  ended_at = NULL, is_observer = s.is_observer AND EXCLUDED.is_observer,"
"  no_frequency = s.no_frequency AND EXCLUDED.no_frequency,"
"  frequencies = CASE WHEN EXCLUDED.frequencies OPERATOR(pg_catalog.<@) s.frequencies"
"    THEN s.frequencies ELSE pg_catalog.array_cat(s.frequencies, EXCLUDED.frequencies) END";

/*
 * Statement 2: $1 is the snapshot time minus the grace.  An ended session is
 * due its summary (controller_summaries.c writes it and clears the flag).
 */
static const char close_sql[] =
"UPDATE vatsim.controller_sessions SET ended_at = last_seen, summary_due = true "
"WHERE ended_at IS NULL AND last_seen OPERATOR(pg_catalog.<) $1";

static SPIPlanPtr merge_plan;
static SPIPlanPtr close_plan;

void
vi_store_controller_sessions(const FeedDocument *doc, TimestampTz ts,
							 int grace_s)
{
	static const Oid merge_types[] = {
		INT4ARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID,
		INT4ARRAYOID, INT4ARRAYOID, TIMESTAMPTZOID, INTERVALOID
	};
	static const Oid close_types[] = {TIMESTAMPTZOID};
	int			n = doc->n_controllers;
	ColumnBuf	cid, callsign, logon, frequency, facility, rating;
	Interval   *grace = palloc0(sizeof(Interval));
	Datum		values[lengthof(merge_types)];
	int			i;

	vi_col_init(&cid, COL_INT4, n);
	vi_col_init(&callsign, COL_TEXT, n);
	vi_col_init(&logon, COL_TSTZ, n);
	vi_col_init(&frequency, COL_TEXT, n);
	vi_col_init(&facility, COL_INT4, n);
	vi_col_init(&rating, COL_INT4, n);
	for (i = 0; i < n; i++)
	{
		const FeedController *c = &doc->controllers[i];

		vi_col_int(&cid, c->cid);
		vi_col_text(&callsign, c->callsign);
		vi_col_time(&logon, c->logon_time);
		vi_col_text(&frequency, c->frequency);
		vi_col_int(&facility, c->facility);
		vi_col_int(&rating, c->rating);
	}
	grace->time = (int64) grace_s * USECS_PER_SEC;

	vi_store_prepare(&merge_plan, merge_sql, lengthof(merge_types), merge_types);
	values[0] = vi_col_array(&cid);
	values[1] = vi_col_array(&callsign);
	values[2] = vi_col_array(&logon);
	values[3] = vi_col_array(&frequency);
	values[4] = vi_col_array(&facility);
	values[5] = vi_col_array(&rating);
	values[6] = TimestampTzGetDatum(ts);
	values[7] = IntervalPGetDatum(grace);
	vi_store_execute(merge_plan, values, SPI_OK_INSERT);

	vi_store_prepare(&close_plan, close_sql, lengthof(close_types), close_types);
	values[0] = TimestampTzGetDatum(ts - (int64) grace_s * USECS_PER_SEC);
	vi_store_execute(close_plan, values, SPI_OK_UPDATE);
}
