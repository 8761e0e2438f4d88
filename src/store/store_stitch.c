/*
 * store_stitch.c
 *		Flight identity across reconnects, and the flight's running
 *		aggregates advanced on the same row (the flights row is rewritten
 *		once per snapshot, not twice).
 *
 * Three statements per snapshot whatever the number of pilots:
 *	1. candidates: for each pilot the newest flight of the same (cid,
 *	   callsign), when it continues: the same connection (same logon_time),
 *	   or departure and arrival unchanged and seen after the grace cutoff
 *	   (strictly after).  Only the newest flight is a candidate: an older
 *	   one never revives.  The newest is the highest flight_id (only the
 *	   newest is ever continued), which the index (cid, callsign,
 *	   flight_id) gives without a sort.  The row comes with its aggregates;
 *	2. one UPDATE of the continuing flights: last_seen, connection and plan
 *	   fields, and the aggregates advanced in C (flight_stats_step.c);
 *	3. one INSERT of the new flights (usually a handful), returning ids.
 *
 * The aggregates attribute the time since the flight's previous snapshot
 * to its state then, so this step needs nothing of the current snapshot
 * but the pilot: last_in_contact (the contact state at the previous
 * snapshot) is left as it is, and the analytics step sets it once the
 * snapshot's contacts are known (src/summaries/flight_summaries.c).
 *
 * IS [NOT] DISTINCT FROM cannot be schema-qualified: it is safe only under
 * the pinned search_path that vi_ingest_document sets (search_path.c).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"

#include "columns.h"
#include "flight_stats_step.h"
#include "store.h"
#include "vatsim_ingest.h"

static const char candidates_sql[] =
"WITH inc AS ("
"  SELECT pg_catalog.unnest($1::pg_catalog.text[]) AS callsign,"
"    pg_catalog.unnest($2::pg_catalog.int4[]) AS cid,"
"    pg_catalog.unnest($3::pg_catalog.timestamptz[]) AS logon_time,"
"    pg_catalog.unnest($4::pg_catalog.text[]) AS departure,"
"    pg_catalog.unnest($5::pg_catalog.text[]) AS arrival,"
"    pg_catalog.generate_series(1, pg_catalog.cardinality($1::pg_catalog.text[])) AS idx"
") "
"SELECT i.idx, f.flight_id, f.plan_hash, f.logon_time OPERATOR(pg_catalog.=) i.logon_time,"
"  f.snapshots, f.stats_first_ts, f.last_seen, f.last_latitude, f.last_longitude,"
"  f.last_groundspeed, f.last_in_contact, f.slow_polls, f.max_altitude, f.distance_nm,"
"  f.airborne_us, f.contact_us, f.airborne_contact_us "
"FROM inc i CROSS JOIN LATERAL ("
"  SELECT f.* FROM vatsim.flights f"
"  WHERE f.cid OPERATOR(pg_catalog.=) i.cid AND f.callsign OPERATOR(pg_catalog.=) i.callsign"
"  ORDER BY f.flight_id DESC LIMIT 1) f "
"WHERE f.logon_time OPERATOR(pg_catalog.=) i.logon_time"
"  OR (f.departure IS NOT DISTINCT FROM i.departure"
"      AND f.arrival IS NOT DISTINCT FROM i.arrival"
"      AND f.last_seen OPERATOR(pg_catalog.>) $6)";

/* The columns of candidates_sql, 0-based */
enum
{
	CA_IDX, CA_FLIGHT_ID, CA_PLAN_HASH, CA_SAME_LOGON, CA_SNAPSHOTS,
	CA_FIRST_TS, CA_LAST_SEEN, CA_LAST_LAT, CA_LAST_LON, CA_LAST_GS,
	CA_LAST_IN_CONTACT, CA_SLOW_POLLS, CA_MAX_ALTITUDE, CA_DISTANCE,
	CA_AIRBORNE_US, CA_CONTACT_US, CA_AIRBORNE_CONTACT_US
};

/* The rows statements 2 and 3 write, as arrays */
enum
{
	FR_PILOT, FR_FLIGHT_ID, FR_CALLSIGN, FR_CID, FR_LOGON_TIME, FR_DEPARTURE,
	FR_ARRIVAL, FR_AIRCRAFT, FR_PLAN_HASH, FR_RECONNECTED, FR_FIRST_TS,
	FR_LAST_LAT, FR_LAST_LON, FR_LAST_GS, FR_SLOW_POLLS, FR_MAX_ALTITUDE,
	FR_DISTANCE, FR_AIRBORNE_US, FR_CONTACT_US, FR_AIRBORNE_CONTACT_US,
	FR_SNAPSHOTS, FR_NCOLUMNS
};

static const TableColumn row_columns[FR_NCOLUMNS] = {
	{"pilot", COL_INT4},
	{"flight_id", COL_INT8},
	{"callsign", COL_TEXT},
	{"cid", COL_INT4},
	{"logon_time", COL_TSTZ},
	{"departure", COL_TEXT},
	{"arrival", COL_TEXT},
	{"aircraft", COL_TEXT},
	{"plan_hash", COL_INT8},
	{"reconnected", COL_INT4},
	{"stats_first_ts", COL_TSTZ},
	{"last_latitude", COL_FLOAT8},
	{"last_longitude", COL_FLOAT8},
	{"last_groundspeed", COL_INT4},
	{"slow_polls", COL_INT4},
	{"max_altitude", COL_INT4},
	{"distance_nm", COL_FLOAT8},
	{"airborne_us", COL_INT8},
	{"contact_us", COL_INT8},
	{"airborne_contact_us", COL_INT8},
	{"snapshots", COL_INT4},
};

/* The aggregates' columns, set alike by the UPDATE and the INSERT */
#define FIRST_STATS_COLUMN FR_FIRST_TS

static SPIPlanPtr candidates_plan;
static SPIPlanPtr update_plan;
static SPIPlanPtr insert_plan;

/* A continuing flight, as statement 1 found it */
typedef struct Candidate
{
	bool		found;
	int64		flight_id;
	bool		has_plan_hash;
	int64		plan_hash;
	bool		same_logon;
	bool		has_stats;
	TimestampTz first_ts;
	FlightStats st;
} Candidate;

static Datum
get_col(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	return SPI_getbinval(tup, desc, col + 1, isnull);
}

static void
read_candidate(HeapTuple tup, TupleDesc desc, Candidate *c)
{
	bool		isnull;
	Datum		d;

	c->found = true;
	c->flight_id = DatumGetInt64(get_col(tup, desc, CA_FLIGHT_ID, &isnull));
	d = get_col(tup, desc, CA_PLAN_HASH, &isnull);
	c->has_plan_hash = !isnull;
	c->plan_hash = isnull ? 0 : DatumGetInt64(d);
	c->same_logon = DatumGetBool(get_col(tup, desc, CA_SAME_LOGON, &isnull));
	d = get_col(tup, desc, CA_SNAPSHOTS, &isnull);
	c->has_stats = !isnull;
	if (!c->has_stats)
		return;
	c->st.snapshots = DatumGetInt32(d);
	c->first_ts = DatumGetTimestampTz(get_col(tup, desc, CA_FIRST_TS, &isnull));
	c->st.last_us = DatumGetTimestampTz(get_col(tup, desc, CA_LAST_SEEN, &isnull));
	c->st.last_lat = DatumGetFloat8(get_col(tup, desc, CA_LAST_LAT, &isnull));
	c->st.last_lon = DatumGetFloat8(get_col(tup, desc, CA_LAST_LON, &isnull));
	c->st.last_gs = DatumGetInt32(get_col(tup, desc, CA_LAST_GS, &isnull));
	d = get_col(tup, desc, CA_LAST_IN_CONTACT, &isnull);
	c->st.last_in_contact = !isnull && DatumGetBool(d);
	c->st.slow_polls = DatumGetInt32(get_col(tup, desc, CA_SLOW_POLLS, &isnull));
	d = get_col(tup, desc, CA_MAX_ALTITUDE, &isnull);
	c->st.has_altitude = !isnull;
	c->st.max_altitude = isnull ? 0 : DatumGetInt32(d);
	c->st.distance_nm = DatumGetFloat8(get_col(tup, desc, CA_DISTANCE, &isnull));
	c->st.airborne_us = DatumGetInt64(get_col(tup, desc, CA_AIRBORNE_US, &isnull));
	c->st.contact_us = DatumGetInt64(get_col(tup, desc, CA_CONTACT_US, &isnull));
	c->st.airborne_contact_us = DatumGetInt64(get_col(tup, desc, CA_AIRBORNE_CONTACT_US, &isnull));
}

/* Statement 1: the continuing flight of each pilot, by pilot index. */
static Candidate *
find_candidates(const StitchKeys *keys, int n, TimestampTz ts, int grace_s)
{
	static const Oid types[] = {
		TEXTARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TIMESTAMPTZOID
	};
	Candidate  *found = palloc0(sizeof(Candidate) * Max(n, 1));
	Datum		values[6];
	uint64		row;

	vi_store_prepare(&candidates_plan, candidates_sql, lengthof(types), types);
	values[0] = vi_col_array(keys->callsign);
	values[1] = vi_col_array(keys->cid);
	values[2] = vi_col_array(keys->logon_time);
	values[3] = vi_col_array(keys->departure);
	values[4] = vi_col_array(keys->arrival);
	values[5] = TimestampTzGetDatum(ts - (int64) grace_s * USECS_PER_SEC);
	vi_store_execute(candidates_plan, values, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		bool		isnull;
		int32		idx = DatumGetInt32(get_col(tup, SPI_tuptable->tupdesc, CA_IDX, &isnull));

		if (idx < 1 || idx > n || found[idx - 1].found)
			elog(ERROR, "flight stitching returned index %d", idx);
		read_candidate(tup, SPI_tuptable->tupdesc, &found[idx - 1]);
	}
	SPI_freetuptable(SPI_tuptable);
	return found;
}

/* The flight's aircraft type: the ICAO designator, else the full string. */
static const char *
plan_aircraft(const FeedPilot *p)
{
	const char *s;

	if (!p->has_plan)
		return NULL;
	s = p->plan.field[FP_AIRCRAFT_SHORT];
	if (s != NULL && *s != '\0')
		return s;
	s = p->plan.field[FP_AIRCRAFT];
	return (s != NULL && *s != '\0') ? s : NULL;
}

/*
 * plan_hash: feed_plan_hash() of p's plan, computed once by the caller (it
 * reads every field of the plan, routes included).
 */
static void
push_row(ColumnBuf *rows, int pilot, const FeedPilot *p, int64 plan_hash,
		 const Candidate *c, TimestampTz first_ts, const FlightStats *st)
{
	vi_col_int(&rows[FR_PILOT], pilot);
	if (c->found)
		vi_col_int8(&rows[FR_FLIGHT_ID], c->flight_id);
	else
		vi_col_null(&rows[FR_FLIGHT_ID]);
	vi_col_text(&rows[FR_CALLSIGN], p->callsign);
	vi_col_int(&rows[FR_CID], p->cid);
	vi_col_time(&rows[FR_LOGON_TIME], p->logon_time);
	vi_col_text(&rows[FR_DEPARTURE], p->has_plan ? p->plan.field[FP_DEPARTURE] : NULL);
	vi_col_text(&rows[FR_ARRIVAL], p->has_plan ? p->plan.field[FP_ARRIVAL] : NULL);
	vi_col_text(&rows[FR_AIRCRAFT], plan_aircraft(p));
	if (p->has_plan)
		vi_col_int8(&rows[FR_PLAN_HASH], plan_hash);
	else
		vi_col_null(&rows[FR_PLAN_HASH]);
	vi_col_int(&rows[FR_RECONNECTED], c->found && !c->same_logon);
	vi_col_tstz(&rows[FR_FIRST_TS], first_ts);
	vi_col_float(&rows[FR_LAST_LAT], st->last_lat);
	vi_col_float(&rows[FR_LAST_LON], st->last_lon);
	vi_col_int(&rows[FR_LAST_GS], st->last_gs);
	vi_col_int(&rows[FR_SLOW_POLLS], st->slow_polls);
	if (st->has_altitude)
		vi_col_int(&rows[FR_MAX_ALTITUDE], st->max_altitude);
	else
		vi_col_null(&rows[FR_MAX_ALTITUDE]);
	vi_col_float(&rows[FR_DISTANCE], st->distance_nm);
	vi_col_int8(&rows[FR_AIRBORNE_US], st->airborne_us);
	vi_col_int8(&rows[FR_CONTACT_US], st->contact_us);
	vi_col_int8(&rows[FR_AIRBORNE_CONTACT_US], st->airborne_contact_us);
	vi_col_int(&rows[FR_SNAPSHOTS], st->snapshots);
}

/* "name = u.name, ..." for the aggregates' columns */
static void
append_stats_assignments(StringInfo sql)
{
	int			i;

	for (i = FIRST_STATS_COLUMN; i < FR_NCOLUMNS; i++)
		appendStringInfo(sql, ", %s = u.%s", row_columns[i].name, row_columns[i].name);
}

/* Statements 2 and 3, prepared once */
static void
prepare_writes(void)
{
	StringInfoData sql;
	Oid			types[FR_NCOLUMNS + 1];
	int			i;

	types[0] = TIMESTAMPTZOID;
	if (update_plan == NULL)
	{
		initStringInfo(&sql);
		appendStringInfoString(&sql,
							   "UPDATE vatsim.flights AS f SET last_seen = $1, "
							   "logon_time = u.logon_time, departure = u.departure, "
							   "arrival = u.arrival, aircraft = COALESCE(u.aircraft, f.aircraft), "
							   "plan_hash = COALESCE(u.plan_hash, f.plan_hash), status = 'online', "
							   "connections = f.connections OPERATOR(pg_catalog.+) u.reconnected, "
							   "stats_open = true, "
							   "last_in_contact = COALESCE(f.last_in_contact, false)");
		append_stats_assignments(&sql);
		appendStringInfoString(&sql, " FROM ");
		vi_append_unnest_rows(&sql, row_columns, FR_NCOLUMNS, 2, "u", types + 1);
		appendStringInfoString(&sql, " WHERE f.flight_id OPERATOR(pg_catalog.=) u.flight_id");
		vi_store_prepare(&update_plan, sql.data, FR_NCOLUMNS + 1, types);
		pfree(sql.data);
	}
	if (insert_plan == NULL)
	{
		initStringInfo(&sql);
		appendStringInfoString(&sql, "WITH u AS (SELECT * FROM ");
		vi_append_unnest_rows(&sql, row_columns, FR_NCOLUMNS, 2, "u0", types + 1);
		appendStringInfoString(&sql,
							   "), ins AS (INSERT INTO vatsim.flights (cid, callsign, logon_time, "
							   "first_seen, last_seen, departure, arrival, aircraft, plan_hash, "
							   "stats_open, last_in_contact");
		for (i = FIRST_STATS_COLUMN; i < FR_NCOLUMNS; i++)
			appendStringInfo(&sql, ", %s", row_columns[i].name);
		appendStringInfoString(&sql, ") SELECT u.cid, u.callsign, u.logon_time, $1, $1, "
							   "u.departure, u.arrival, u.aircraft, u.plan_hash, true, false");
		for (i = FIRST_STATS_COLUMN; i < FR_NCOLUMNS; i++)
			appendStringInfo(&sql, ", u.%s", row_columns[i].name);
		appendStringInfoString(&sql, " FROM u RETURNING callsign, flight_id) "
							   "SELECT u.pilot, ins.flight_id FROM ins "
							   "JOIN u ON u.callsign OPERATOR(pg_catalog.=) ins.callsign");
		vi_store_prepare(&insert_plan, sql.data, FR_NCOLUMNS + 1, types);
		pfree(sql.data);
	}
}

static void
write_rows(SPIPlanPtr plan, const ColumnBuf *rows, TimestampTz ts, int expected)
{
	Datum		values[FR_NCOLUMNS + 1];
	int			i;

	values[0] = TimestampTzGetDatum(ts);
	for (i = 0; i < FR_NCOLUMNS; i++)
		values[i + 1] = vi_col_array(&rows[i]);
	vi_store_execute(plan, values, expected);
}

static void
rules_now(FlightStatsRules *rules)
{
	rules->airborne_speed_kt = vi_airborne_speed_kt;
	rules->stale_after_us = (int64) vi_stale_after_s * USECS_PER_SEC;
	rules->exit_speed_kt = vi_exit_speed_kt;
	rules->exit_polls = vi_exit_polls;
}

void
vi_stitch_flights(const FeedDocument *doc, const StitchKeys *keys, TimestampTz ts,
				  int grace_s, PilotFlights *out)
{
	int			n = doc->n_pilots;
	Candidate  *cand = find_candidates(keys, n, ts, grace_s);
	ColumnBuf	upd[FR_NCOLUMNS];
	ColumnBuf	ins[FR_NCOLUMNS];
	FlightStatsRules rules;
	uint64		row;
	int			i;

	rules_now(&rules);
	for (i = 0; i < FR_NCOLUMNS; i++)
	{
		vi_col_init(&upd[i], row_columns[i].type, Max(n, 1));
		vi_col_init(&ins[i], row_columns[i].type, 16);
	}
	for (i = 0; i < n; i++)
	{
		const FeedPilot *p = &doc->pilots[i];
		Candidate  *c = &cand[i];
		FlightSample s;
		bool		has_hash = p->has_plan;
		int64		hash = has_hash ? (int64) feed_plan_hash(&p->plan) : 0;

		s.ts_us = ts;
		s.lat = p->latitude;
		s.lon = p->longitude;
		s.has_altitude = p->altitude != FEED_NULL_INT;
		s.altitude = s.has_altitude ? (int) p->altitude : 0;
		s.gs = p->groundspeed == FEED_NULL_INT ? 0 : (int) p->groundspeed;
		s.in_contact = c->has_stats && c->st.last_in_contact;	/* kept as it is */
		out->was_in_contact[i] = s.in_contact;
		out->plan_changed[i] = has_hash && (!c->found || !c->has_plan_hash || c->plan_hash != hash);
		/* only these can be a departure or an arrival (movements.c) */
		out->movement_candidates[i] = !c->has_stats ||
			(s.gs >= rules.airborne_speed_kt) != (c->st.last_gs >= rules.airborne_speed_kt);
		if (!c->has_stats)
		{
			/* a new flight, or one with no aggregates yet (made before 0.5.0) */
			c->first_ts = ts;
			fs_start(&c->st, &rules, &s);
		}
		else
			(void) fs_step(&c->st, &rules, &s); /* not newer: the order check prevents it */
		out->flight_ids[i] = c->found ? c->flight_id : -1;
		push_row(c->found ? upd : ins, i, p, hash, c, c->first_ts, &c->st);
	}

	prepare_writes();
	if (upd[FR_PILOT].n > 0)
		write_rows(update_plan, upd, ts, SPI_OK_UPDATE);
	if (ins[FR_PILOT].n == 0)
		return;
	write_rows(insert_plan, ins, ts, SPI_OK_SELECT);
	if (SPI_processed != (uint64) ins[FR_PILOT].n)
		elog(ERROR, "flight stitching inserted " UINT64_FORMAT " flights for %d pilots",
			 SPI_processed, ins[FR_PILOT].n);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		bool		isnull;
		int32		pilot = DatumGetInt32(get_col(tup, SPI_tuptable->tupdesc, 0, &isnull));

		if (pilot < 0 || pilot >= n || out->flight_ids[pilot] >= 0)
			elog(ERROR, "flight stitching returned pilot %d", pilot);
		out->flight_ids[pilot] = DatumGetInt64(get_col(tup, SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
}
