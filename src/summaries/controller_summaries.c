/*
 * controller_summaries.c
 *		Controller summaries: a row in vatsim.controller_summaries, and one in
 *		vatsim.controller_summary_hours per UTC hour, for each controller
 *		session that ended.
 *
 * One statement per snapshot, whatever the number of sessions.  The
 * sessions due a summary carry summary_due, set by the session store when
 * it ends them and cleared here: a partial index holds only them, so a
 * snapshot in which no session ends costs one empty index scan.  The state
 * is in the tables only: a restart between two snapshots, or a snapshot
 * whose analytics step failed, leaves the session due, and the next
 * snapshot writes its summary.  A session reopened and ended again is due
 * again, and its summary is replaced (its span only grows, so the new hours
 * are a superset of the old ones: an upsert replaces them all).
 *
 * The session's span is [started_at, ended_at] with both cut to the whole
 * second, so that duration_s is the sum of the hours' staffed_seconds.  A
 * flight's contact is the union of its vatsim.atc_contacts intervals with
 * the session (all frequencies; an interval still open lasts to the end),
 * cut to the span.  The span is closed at ended_at:
 * contacts close at the first snapshot without the match, one snapshot
 * after the session's last_seen, and a contact opened in the session's last
 * snapshot is then a single instant (in contact, for no time).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/guc.h"

#include "analytics.h"
#include "columns.h"

/*
 * $1: the snapshot's update_timestamp (summarised_at).
 *
 * peak: +1 at each contact range's start, -1 at its end, in time order with
 * an exclusive end before a start at the same instant (half-open intervals
 * that meet do not overlap) and an inclusive end (the span's closing
 * instant) after it; the peak is the running sum's maximum, peak_at the
 * first instant it reaches it.
 */
static const char summarise_sql[] =
"WITH due AS ("
"  SELECT s.session_id, s.cid, s.callsign, s.facility, s.rating, s.ended_at,"
"    s.connections, s.is_observer, s.no_frequency, s.frequencies,"
"    LEAST(s.logon_time, s.first_seen) AS started_at,"
"    pg_catalog.date_trunc('second', LEAST(s.logon_time, s.first_seen), 'UTC') AS lo,"
"    pg_catalog.date_trunc('second', s.ended_at, 'UTC') AS hi"
"  FROM vatsim.controller_sessions s"
"  WHERE s.summary_due AND s.ended_at IS NOT NULL"
"), ct AS ("
"  SELECT d.session_id, c.flight_id, d.lo, d.hi,"
"    pg_catalog.date_trunc('second', c.started_at, 'UTC') AS a,"
"    COALESCE(pg_catalog.date_trunc('second', c.ended_at, 'UTC'),"
"      'infinity'::pg_catalog.timestamptz) AS b"
"  FROM due d JOIN vatsim.atc_contacts c ON c.session_id OPERATOR(pg_catalog.=) d.session_id"
"), rg AS ("
"  SELECT f.session_id, f.flight_id, r.r"
"  FROM (SELECT ct.session_id, ct.flight_id,"
"          pg_catalog.range_agg(pg_catalog.tstzrange(ct.a, GREATEST(ct.a, ct.b),"
"            CASE WHEN ct.b OPERATOR(pg_catalog.>) ct.a THEN '[)' ELSE '[]' END))"
"          OPERATOR(pg_catalog.*)"
"          pg_catalog.tstzmultirange(pg_catalog.tstzrange(ct.lo, ct.hi, '[]')) AS mr"
"        FROM ct GROUP BY ct.session_id, ct.flight_id, ct.lo, ct.hi) f"
"  CROSS JOIN LATERAL pg_catalog.unnest(f.mr) AS r(r)"
"), tot AS ("
"  SELECT rg.session_id, pg_catalog.count(DISTINCT rg.flight_id)::pg_catalog.int4 AS aircraft,"
"    pg_catalog.sum(EXTRACT(epoch FROM pg_catalog.upper(rg.r) OPERATOR(pg_catalog.-)"
"      pg_catalog.lower(rg.r)))::pg_catalog.int8 AS contact_seconds"
"  FROM rg GROUP BY rg.session_id"
"), run AS ("
"  SELECT rg.session_id, e.t, pg_catalog.sum(e.delta) OVER (PARTITION BY rg.session_id"
"    ORDER BY e.t, e.k ROWS UNBOUNDED PRECEDING) AS n"
"  FROM rg CROSS JOIN LATERAL (VALUES (pg_catalog.lower(rg.r), 1, 1),"
"    (pg_catalog.upper(rg.r), CASE WHEN pg_catalog.upper_inc(rg.r) THEN 2 ELSE 0 END, -1))"
"    AS e(t, k, delta)"
"), pk AS ("
"  SELECT DISTINCT ON (run.session_id) run.session_id, run.n::pg_catalog.int4 AS peak,"
"    run.t AS peak_at"
"  FROM run ORDER BY run.session_id, run.n DESC, run.t"
"), hr AS ("
"  SELECT d.session_id, h.h, h.h OPERATOR(pg_catalog.+) '1 hour'::pg_catalog.interval AS h1,"
"    EXTRACT(epoch FROM LEAST(d.hi, h.h OPERATOR(pg_catalog.+) '1 hour'::pg_catalog.interval)"
"      OPERATOR(pg_catalog.-) GREATEST(d.lo, h.h))::pg_catalog.int4 AS staffed"
"  FROM due d CROSS JOIN LATERAL pg_catalog.generate_series("
"    pg_catalog.date_trunc('hour', d.lo, 'UTC'),"
"    pg_catalog.date_trunc('hour', GREATEST(d.lo,"
"      d.hi OPERATOR(pg_catalog.-) '1 second'::pg_catalog.interval), 'UTC'),"
"    '1 hour'::pg_catalog.interval) AS h(h)"
"), hc AS ("
"  SELECT hr.session_id, hr.h, pg_catalog.count(DISTINCT rg.flight_id)::pg_catalog.int4 AS aircraft,"
"    pg_catalog.sum(EXTRACT(epoch FROM pg_catalog.upper(x.x) OPERATOR(pg_catalog.-)"
"      pg_catalog.lower(x.x)))::pg_catalog.int8 AS contact_seconds"
"  FROM hr JOIN rg ON rg.session_id OPERATOR(pg_catalog.=) hr.session_id"
"    AND rg.r OPERATOR(pg_catalog.&&) pg_catalog.tstzrange(hr.h, hr.h1)"
"  CROSS JOIN LATERAL (SELECT rg.r OPERATOR(pg_catalog.*) pg_catalog.tstzrange(hr.h, hr.h1)) AS x(x)"
"  GROUP BY hr.session_id, hr.h"
"), summary AS ("
"  INSERT INTO vatsim.controller_summaries AS cs (session_id, cid, callsign, type, range_nm,"
"    facility, rating, started_at, ended_at, duration_s, connections, is_observer, no_frequency,"
"    frequencies, aircraft, peak_aircraft, peak_at, contact_seconds, summarised_at)"
"  SELECT d.session_id, d.cid, d.callsign, t.type, t.range_nm, d.facility, d.rating,"
"    d.started_at, d.ended_at,"
"    EXTRACT(epoch FROM d.hi OPERATOR(pg_catalog.-) d.lo)::pg_catalog.int4,"
"    d.connections, d.is_observer, d.no_frequency, d.frequencies,"
"    COALESCE(tot.aircraft, 0), COALESCE(pk.peak, 0), pk.peak_at,"
"    COALESCE(tot.contact_seconds, 0), $1"
"  FROM due d CROSS JOIN LATERAL vatsim.controller_type(d.callsign) t"
"  LEFT JOIN tot ON tot.session_id OPERATOR(pg_catalog.=) d.session_id"
"  LEFT JOIN pk ON pk.session_id OPERATOR(pg_catalog.=) d.session_id"
"  ON CONFLICT (session_id) DO UPDATE SET cid = EXCLUDED.cid, callsign = EXCLUDED.callsign,"
"    type = EXCLUDED.type, range_nm = EXCLUDED.range_nm, facility = EXCLUDED.facility,"
"    rating = EXCLUDED.rating, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,"
"    duration_s = EXCLUDED.duration_s, connections = EXCLUDED.connections,"
"    is_observer = EXCLUDED.is_observer, no_frequency = EXCLUDED.no_frequency,"
"    frequencies = EXCLUDED.frequencies, aircraft = EXCLUDED.aircraft,"
"    peak_aircraft = EXCLUDED.peak_aircraft, peak_at = EXCLUDED.peak_at,"
"    contact_seconds = EXCLUDED.contact_seconds, summarised_at = EXCLUDED.summarised_at"
"), hours AS ("
"  INSERT INTO vatsim.controller_summary_hours AS ch (session_id, hour, staffed_seconds,"
"    aircraft, contact_seconds)"
"  SELECT hr.session_id, hr.h, hr.staffed, COALESCE(hc.aircraft, 0),"
"    COALESCE(hc.contact_seconds, 0)"
"  FROM hr LEFT JOIN hc ON hc.session_id OPERATOR(pg_catalog.=) hr.session_id"
"    AND hc.h OPERATOR(pg_catalog.=) hr.h"
"  ON CONFLICT (session_id, hour) DO UPDATE SET staffed_seconds = EXCLUDED.staffed_seconds,"
"    aircraft = EXCLUDED.aircraft, contact_seconds = EXCLUDED.contact_seconds"
") "
"UPDATE vatsim.controller_sessions s SET summary_due = false "
"FROM due d WHERE s.session_id OPERATOR(pg_catalog.=) d.session_id";

static SPIPlanPtr summarise_plan;

void
vi_controller_summaries_process(const AnalyticsInput *in)
{
	static const Oid types[] = {TIMESTAMPTZOID};
	Datum		values[lengthof(types)];
	int			level;

	/*
	 * The planner cannot know how few sessions are due, nor how many hours
	 * and contact ranges each has: its estimates of the CTEs run to millions
	 * of rows, which would make every snapshot pay for JIT compilation (close
	 * to a second) of a statement that reads nothing.  So JIT is off for it,
	 * and its plan is generic from the first run ($1 only fills
	 * summarised_at).
	 */
	level = NewGUCNestLevel();
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (summarise_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(summarise_sql, lengthof(types),
											  (Oid *) types,
											  CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "could not prepare statement: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep prepared statement");
		summarise_plan = plan;
	}
	values[0] = TimestampTzGetDatum(in->ts);
	vi_store_execute(summarise_plan, values, SPI_OK_UPDATE);
	AtEOXact_GUC(true, level);
}
