/*
 * occupancy_aggregates.c
 *		The sector counts by hour (vatsim.sector_count_hours) and the
 *		transitions by hour (vatsim.sector_transition_hours), kept in the
 *		occupancy step's transaction so that sector_counts(at) reads one row
 *		per sector instead of every interval that overlaps `at`, and
 *		sector_transitions a row per hour and set of the window.
 *
 * A row (hour, set, sector) holds n_base, the intervals entered before the
 * hour and not exited before it, and the sorted entry and exit times within
 * the hour; the count at an instant of the hour is n_base + entries up to
 * it - exits up to it.  Rows exist for every hour up to the newest
 * snapshot's in which the count is above zero at some instant or changes.
 * Three statements at most per snapshot:
 *
 *	1. extend: when the snapshot starts a new hour, carry every sector whose
 *	   count at the end of the newest stored hour is above zero into each
 *	   hour since, at most MAX_CARRY_HOURS of them (before this snapshot's
 *	   events, which belong to its hour);
 *	2. record the events in their hour's row (creating it with n_base 0:
 *	   a missing row means nobody was inside at the hour's start);
 *	3. only when an exit lies in an earlier hour (a gone flight closes at its
 *	   last-seen time, up to stale_after ago): take it out of n_base of the
 *	   later hours, and drop rows left with nothing.
 *
 * Then, only when intervals opened, one statement appends their transitions
 * (an interval whose predecessor is in another sector) to the hour's row of
 * vatsim.sector_transition_hours: per (UTC hour, set), parallel arrays of
 * pair id, entry_time, prev_entry_time and prev_pair_entry_time, so that
 * sector_transitions() applies its exact per-interval rule to every
 * transition of the window in C, reading one row per hour and set (see
 * history.c).
 *
 * Everything is in the tables, so a restart between two snapshots continues
 * exactly, and vatsim.rebuild_sector_aggregates() builds the same rows from
 * the intervals.  Interval of one flight in one sector never overlap, so
 * counting intervals counts distinct flights.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"

#include "columns.h"
#include "occupancy_aggregates.h"

#define UTC_HOUR(x) "pg_catalog.date_trunc('hour', " x ", 'UTC')"

/*
 * The extend step carries open sectors into at most this many hours before
 * the snapshot's own.  A longer gap between stored snapshots (a worker
 * started after a backfill of old archives: years) would otherwise write a
 * row per sector for every hour since, millions of them in one snapshot;
 * no network connection, so no interval, lasts that long.  The hours of
 * such a gap further back get no rows: sector_counts() inside them counts
 * nothing (vatsim.rebuild_sector_aggregates() writes them).  GREATEST is
 * a construct: its comparison comes from the pinned search_path.
 */
#define MAX_CARRY_HOURS "48"

static SPIPlanPtr extend_plan;
static SPIPlanPtr events_plan;
static SPIPlanPtr retro_plan;
static SPIPlanPtr cleanup_plan;
static SPIPlanPtr transitions_plan;

void
vi_occupancy_events_init(OccupancyEvents *ev)
{
	vi_col_init(&ev->set, COL_TEXT, 64);
	vi_col_init(&ev->sector, COL_TEXT, 64);
	vi_col_init(&ev->time, COL_TSTZ, 64);
	vi_col_init(&ev->delta, COL_INT4, 64);
	ev->min_time = DT_NOEND;
	ev->nentries = 0;
}

void
vi_occupancy_event(OccupancyEvents *ev, const char *set, const char *sector,
				   TimestampTz when, int delta)
{
	vi_col_text(&ev->set, set);
	vi_col_text(&ev->sector, sector);
	vi_col_tstz(&ev->time, when);
	vi_col_int(&ev->delta, delta);
	ev->min_time = Min(ev->min_time, when);
	if (delta > 0)
		ev->nentries++;
}

/* Start of the UTC hour of t (hours are whole multiples of an hour). */
static TimestampTz
utc_hour(TimestampTz t)
{
	TimestampTz h = t - t % USECS_PER_HOUR;

	return h > t ? h - USECS_PER_HOUR : h;
}

/*
 * The transitions of the intervals this snapshot opened (all entered at ts;
 * their predecessors are already recorded on them) appended to the hour's
 * row of vatsim.sector_transition_hours, one element per transition in four
 * parallel arrays, the (set, from, to) as an id of
 * vatsim.sector_transition_pairs (new pairs get one here; NOT EXISTS rather
 * than ON CONFLICT, which would use up an identity value per known pair and
 * spread the ids that sector_transitions() counts into an array by id).
 * Every array is ordered by occupancy_id, so the four stay aligned.  A
 * prev_pair_entry_time of NULL is stored as -infinity (before every window).
 */
static void
append_transitions(TimestampTz ts)
{
	static const Oid types[] = {TIMESTAMPTZOID};
	Datum		values[1];

#define PAIR_MATCHES(p, t) \
	p ".sector_set OPERATOR(pg_catalog.=) " t ".sector_set AND " \
	p ".from_sector OPERATOR(pg_catalog.=) " t ".prev_sector AND " \
	p ".to_sector OPERATOR(pg_catalog.=) " t ".sector"
#define AGG(col) "pg_catalog.array_agg(" col " ORDER BY k.occupancy_id)"

	vi_store_prepare(&transitions_plan,
					 "WITH t AS (SELECT o.occupancy_id, o.sector_set, o.prev_sector, o.sector, o.entry_time, "
					 "o.prev_entry_time, COALESCE(o.prev_pair_entry_time, '-infinity') AS prev_pair_entry_time "
					 "FROM vatsim.sector_occupancy o WHERE o.entry_time OPERATOR(pg_catalog.=) $1 "
					 "AND o.prev_sector OPERATOR(pg_catalog.<>) o.sector), "
					 "n AS (INSERT INTO vatsim.sector_transition_pairs (sector_set, from_sector, to_sector) "
					 "SELECT DISTINCT t.sector_set, t.prev_sector, t.sector FROM t "
					 "WHERE NOT EXISTS (SELECT FROM vatsim.sector_transition_pairs p WHERE " PAIR_MATCHES("p", "t") ") "
					 "RETURNING pair_id, sector_set, from_sector, to_sector), "
					 "k AS (SELECT t.*, COALESCE(p.pair_id, n.pair_id) AS pair_id FROM t "
					 "LEFT JOIN vatsim.sector_transition_pairs p ON " PAIR_MATCHES("p", "t") " "
					 "LEFT JOIN n ON " PAIR_MATCHES("n", "t") ") "
					 "INSERT INTO vatsim.sector_transition_hours AS h (hour, sector_set, pair_ids, entry_times, "
					 "prev_entry_times, prev_pair_entry_times) "
					 "SELECT " UTC_HOUR("$1") ", k.sector_set, " AGG("k.pair_id") ", " AGG("k.entry_time") ", "
					 AGG("k.prev_entry_time") ", " AGG("k.prev_pair_entry_time") " FROM k GROUP BY k.sector_set "
					 "ON CONFLICT (hour, sector_set) DO UPDATE SET "
					 "pair_ids = h.pair_ids OPERATOR(pg_catalog.||) EXCLUDED.pair_ids, "
					 "entry_times = h.entry_times OPERATOR(pg_catalog.||) EXCLUDED.entry_times, "
					 "prev_entry_times = h.prev_entry_times OPERATOR(pg_catalog.||) EXCLUDED.prev_entry_times, "
					 "prev_pair_entry_times = h.prev_pair_entry_times OPERATOR(pg_catalog.||) EXCLUDED.prev_pair_entry_times",
					 lengthof(types), types);
#undef AGG
#undef PAIR_MATCHES
	values[0] = TimestampTzGetDatum(ts);
	vi_store_execute(transitions_plan, values, SPI_OK_INSERT);
}

void
vi_occupancy_aggregates(const OccupancyEvents *ev, TimestampTz ts)
{
	Datum		values[4];

	/* 1. extend (a no-op unless ts starts a new hour) */
	{
		static const Oid types[] = {TIMESTAMPTZOID};

		vi_store_prepare(&extend_plan,
						 "INSERT INTO vatsim.sector_count_hours (hour, sector_set, sector, n_base, entries, exits) "
						 "SELECT g.h, c.sector_set, c.sector, "
						 "c.n_base OPERATOR(pg_catalog.+) pg_catalog.cardinality(c.entries) "
						 "OPERATOR(pg_catalog.-) pg_catalog.cardinality(c.exits), '{}', '{}' "
						 "FROM (SELECT pg_catalog.max(m.hour) AS hmax FROM vatsim.sector_count_hours m) x "
						 "JOIN vatsim.sector_count_hours c ON c.hour OPERATOR(pg_catalog.=) x.hmax "
						 "CROSS JOIN pg_catalog.generate_series(GREATEST(x.hmax OPERATOR(pg_catalog.+) interval '1 hour', "
						 UTC_HOUR("$1") " OPERATOR(pg_catalog.-) interval '" MAX_CARRY_HOURS " hours' OPERATOR(pg_catalog.+) interval '1 hour'), "
						 UTC_HOUR("$1") ", interval '1 hour') AS g(h) "
						 "WHERE x.hmax OPERATOR(pg_catalog.<) " UTC_HOUR("$1") " "
						 "AND c.n_base OPERATOR(pg_catalog.+) pg_catalog.cardinality(c.entries) "
						 "OPERATOR(pg_catalog.-) pg_catalog.cardinality(c.exits) OPERATOR(pg_catalog.>) 0",
						 lengthof(types), types);
		values[0] = TimestampTzGetDatum(ts);
		vi_store_execute(extend_plan, values, SPI_OK_INSERT);
	}
	if (ev->set.n == 0)
		return;

	/*
	 * 2. events.  Times usually come after every one stored in the row
	 * (appended); a gone exit may not (merged and sorted).
	 */
	{
		static const Oid types[] = {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, INT4ARRAYOID};

#define MERGE(col) \
		"CASE WHEN EXCLUDED." col "[1] IS NULL THEN h." col " " \
		"WHEN pg_catalog.cardinality(h." col ") OPERATOR(pg_catalog.=) 0 " \
		"OR EXCLUDED." col "[1] OPERATOR(pg_catalog.>=) h." col "[pg_catalog.cardinality(h." col ")] " \
		"THEN h." col " OPERATOR(pg_catalog.||) EXCLUDED." col " " \
		"ELSE (SELECT pg_catalog.array_agg(z.t ORDER BY z.t) FROM pg_catalog.unnest(h." col \
		" OPERATOR(pg_catalog.||) EXCLUDED." col ") AS z(t)) END"

		vi_store_prepare(&events_plan,
						 "INSERT INTO vatsim.sector_count_hours AS h (hour, sector_set, sector, n_base, entries, exits) "
						 "SELECT " UTC_HOUR("e.t") ", e.s, e.x, 0, "
						 "COALESCE(pg_catalog.array_agg(e.t ORDER BY e.t) "
						 "FILTER (WHERE e.d OPERATOR(pg_catalog.>) 0), '{}'), "
						 "COALESCE(pg_catalog.array_agg(e.t ORDER BY e.t) "
						 "FILTER (WHERE e.d OPERATOR(pg_catalog.<) 0), '{}') "
						 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "
						 "pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.timestamptz[]), "
						 "pg_catalog.unnest($4::pg_catalog.int4[])) AS e(s, x, t, d) "
						 "GROUP BY 1, 2, 3 "
						 "ON CONFLICT (hour, sector_set, sector) DO UPDATE SET "
						 "entries = " MERGE("entries") ", exits = " MERGE("exits"),
						 lengthof(types), types);
#undef MERGE
		values[0] = vi_col_array(&ev->set);
		values[1] = vi_col_array(&ev->sector);
		values[2] = vi_col_array(&ev->time);
		values[3] = vi_col_array(&ev->delta);
		vi_store_execute(events_plan, values, SPI_OK_INSERT);
	}

	/* 3. exits in an earlier hour: out of the later hours' n_base */
	if (utc_hour(ev->min_time) < utc_hour(ts))
	{
		static const Oid types[] = {TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, INT4ARRAYOID};
		static const Oid cleanup_types[] = {TIMESTAMPTZOID};

		vi_store_prepare(&retro_plan,
						 "UPDATE vatsim.sector_count_hours h SET n_base = h.n_base OPERATOR(pg_catalog.-) r.n "
						 "FROM (SELECT c.hour, c.sector_set, c.sector, pg_catalog.count(*)::pg_catalog.int4 AS n "
						 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "
						 "pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.timestamptz[]), "
						 "pg_catalog.unnest($4::pg_catalog.int4[])) AS e(s, x, t, d) "
						 "JOIN vatsim.sector_count_hours c ON c.sector_set OPERATOR(pg_catalog.=) e.s "
						 "AND c.sector OPERATOR(pg_catalog.=) e.x AND c.hour OPERATOR(pg_catalog.>) " UTC_HOUR("e.t") " "
						 "WHERE e.d OPERATOR(pg_catalog.<) 0 "
						 "GROUP BY c.hour, c.sector_set, c.sector) r "
						 "WHERE h.hour OPERATOR(pg_catalog.=) r.hour AND h.sector_set OPERATOR(pg_catalog.=) r.sector_set "
						 "AND h.sector OPERATOR(pg_catalog.=) r.sector",
						 lengthof(types), types);
		vi_store_execute(retro_plan, values, SPI_OK_UPDATE);

		vi_store_prepare(&cleanup_plan,
						 "DELETE FROM vatsim.sector_count_hours h "
						 "WHERE h.hour OPERATOR(pg_catalog.>) " UTC_HOUR("$1") " "
						 "AND h.n_base OPERATOR(pg_catalog.=) 0 "
						 "AND pg_catalog.cardinality(h.entries) OPERATOR(pg_catalog.=) 0 "
						 "AND pg_catalog.cardinality(h.exits) OPERATOR(pg_catalog.=) 0",
						 lengthof(cleanup_types), cleanup_types);
		values[0] = TimestampTzGetDatum(ev->min_time);
		vi_store_execute(cleanup_plan, values, SPI_OK_DELETE);
	}

	if (ev->nentries > 0)
		append_transitions(ts);
}
