/*
 * history.c
 *		Summaries: sector history as set-returning functions.
 *
 *	vatsim.sector_history(callsign | flight_id, since, until)
 *	vatsim.sector_traffic(sector, since, until, sector_set)
 *	vatsim.sector_counts(at, sector_set)
 *	vatsim.sector_transitions(since, until, sector_set)
 *
 * Each runs one prepared, parameterised statement on a B-tree index and
 * materialises the rows; none scans the whole history.  sector_history reads
 * the intervals by flight or callsign; the other three read what the
 * occupancy step keeps for them (occupancy_aggregates.c, occupancy.c):
 *
 *	- sector_traffic: closed intervals that overlap [since, until] entered at
 *	  most the sector's longest closed interval (vatsim.sector_bounds) before
 *	  since, so (sector, entry_time) bounds the scan; open ones come from
 *	  their partial index;
 *	- sector_counts: one vatsim.sector_count_hours row per sector for the
 *	  hour of `at`: n_base + entries up to `at` - exits up to `at`
 *	  (width_bucket counts them by binary search in the sorted arrays);
 *	- sector_transitions: the intervals entered in the window whose
 *	  predecessor (prev_sector, prev_entry_time) was entered in it too, each
 *	  flight's first of a transition only (prev_pair_entry_time).
 *
 * An interval [entry, exit) with exit = entry is empty: it overlaps nothing
 * and is never counted (as the range operators of 0.3.0 to 0.5.0 had it).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"


PG_FUNCTION_INFO_V1(vatsim_sector_history_callsign);
PG_FUNCTION_INFO_V1(vatsim_sector_history_flight);
PG_FUNCTION_INFO_V1(vatsim_sector_traffic);
PG_FUNCTION_INFO_V1(vatsim_sector_counts);
PG_FUNCTION_INFO_V1(vatsim_sector_transitions);

#define OCCUPANCY_COLUMNS \
	"o.flight_id, o.callsign::pg_catalog.text, o.sector_set, o.sector, o.entry_time, " \
	"o.exit_time, o.duration, o.entry_lat, o.entry_lon, o.entry_altitude, " \
	"o.exit_lat, o.exit_lon, o.exit_altitude, o.exit_reason"

static SPIPlanPtr history_callsign_plan;
static SPIPlanPtr history_flight_plan;
static SPIPlanPtr traffic_plan;
static SPIPlanPtr counts_plan;
static SPIPlanPtr transitions_plan;

/*
 * Run a kept plan with the function's arguments (a NULL argument is a NULL
 * parameter) and put every row into the function's tuplestore.
 * cursor_options: CURSOR_OPT_CUSTOM_PLAN where the best plan depends on the
 * arguments (a window that holds the whole table or a sliver of it), else 0.
 */
static Datum
materialize(FunctionCallInfo fcinfo, SPIPlanPtr *cache, const char *sql,
			int nargs, const Oid *types, int cursor_options)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[4];
	char		nulls[4];
	uint64		row;
	int			i;
	int			rc;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < nargs; i++)
	{
		values[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (*cache == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, (Oid *) types, cursor_options);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare history query: %s",
				 SPI_result_code_string(SPI_result));
		*cache = plan;
	}
	rc = SPI_execute_plan(*cache, values, nulls, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "history query failed: %s", SPI_result_code_string(rc));
	for (row = 0; row < SPI_processed; row++)
	{
		int			natts = rsinfo->setDesc->natts;
		Datum	   *v = palloc(sizeof(Datum) * natts);
		bool	   *n = palloc(sizeof(bool) * natts);

		for (i = 0; i < natts; i++)
			v[i] = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, i + 1, &n[i]);
		/* copies the values, so they may live in SPI's memory */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	SPI_finish();
	return (Datum) 0;
}

static void
check_window(FunctionCallInfo fcinfo, int since_arg, int until_arg)
{
	if (!PG_ARGISNULL(since_arg) && !PG_ARGISNULL(until_arg) &&
		PG_GETARG_TIMESTAMPTZ(since_arg) > PG_GETARG_TIMESTAMPTZ(until_arg))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("since must not be later than until"));
}

Datum
vatsim_sector_history_callsign(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID};

	check_window(fcinfo, 1, 2);
	return materialize(fcinfo, &history_callsign_plan,
					   "SELECT " OCCUPANCY_COLUMNS " FROM vatsim.sector_occupancy o "
					   "WHERE o.callsign OPERATOR(pg_catalog.=) $1 "
					   "AND ($2 IS NULL OR o.exit_time IS NULL OR o.exit_time OPERATOR(pg_catalog.>=) $2) "
					   "AND ($3 IS NULL OR o.entry_time OPERATOR(pg_catalog.<=) $3) "
					   "ORDER BY o.entry_time, o.sector_set, o.sector",
					   3, types, 0);
}

Datum
vatsim_sector_history_flight(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID};

	check_window(fcinfo, 1, 2);
	return materialize(fcinfo, &history_flight_plan,
					   "SELECT " OCCUPANCY_COLUMNS " FROM vatsim.sector_occupancy o "
					   "WHERE o.flight_id OPERATOR(pg_catalog.=) $1 "
					   "AND ($2 IS NULL OR o.exit_time IS NULL OR o.exit_time OPERATOR(pg_catalog.>=) $2) "
					   "AND ($3 IS NULL OR o.entry_time OPERATOR(pg_catalog.<=) $3) "
					   "ORDER BY o.entry_time, o.sector_set, o.sector",
					   3, types, 0);
}

Datum
vatsim_sector_traffic(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID};

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("since and until must not be null"));
	check_window(fcinfo, 1, 2);
	return materialize(fcinfo, &traffic_plan,
					   "SELECT " OCCUPANCY_COLUMNS " FROM vatsim.sector_occupancy o "
					   "WHERE o.sector OPERATOR(pg_catalog.=) $1 "
					   "AND o.entry_time OPERATOR(pg_catalog.>=) ($2 OPERATOR(pg_catalog.-) "
					   "(SELECT COALESCE(pg_catalog.max(b.max_duration), interval '0') "
					   "FROM vatsim.sector_bounds b WHERE b.sector OPERATOR(pg_catalog.=) $1 "
					   "AND ($4 IS NULL OR b.sector_set OPERATOR(pg_catalog.=) $4))) "
					   "AND o.entry_time OPERATOR(pg_catalog.<=) $3 "
					   "AND o.exit_time OPERATOR(pg_catalog.>) $2 "
					   "AND o.exit_time OPERATOR(pg_catalog.>) o.entry_time "
					   "AND ($4 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $4) "
					   "UNION ALL "
					   "SELECT " OCCUPANCY_COLUMNS " FROM vatsim.sector_occupancy o "
					   "WHERE o.exit_time IS NULL AND o.sector OPERATOR(pg_catalog.=) $1 "
					   "AND o.entry_time OPERATOR(pg_catalog.<=) $3 "
					   "AND ($4 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $4) "
					   "ORDER BY 5, 2",
					   4, types, 0);
}

Datum
vatsim_sector_counts(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {TIMESTAMPTZOID, TEXTOID};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("at must not be null"));
	return materialize(fcinfo, &counts_plan,
					   "SELECT c.sector_set, c.sector, c.n FROM ("
					   "SELECT h.sector_set, h.sector, (h.n_base OPERATOR(pg_catalog.+) "
					   "pg_catalog.width_bucket($1, h.entries) OPERATOR(pg_catalog.-) "
					   "pg_catalog.width_bucket($1, h.exits))::pg_catalog.int8 AS n "
					   "FROM vatsim.sector_count_hours h "
					   "WHERE h.hour OPERATOR(pg_catalog.=) LEAST("
					   "pg_catalog.date_trunc('hour', $1, 'UTC'), "
					   "(SELECT pg_catalog.max(m.hour) FROM vatsim.sector_count_hours m)) "
					   "AND ($2 IS NULL OR h.sector_set OPERATOR(pg_catalog.=) $2)) c "
					   "WHERE c.n OPERATOR(pg_catalog.>) 0 ORDER BY 1, 2",
					   2, types, 0);
}

/*
 * A transition is a flight's next interval in the same set after another,
 * both entered inside the window; counted once per flight.  The window is a
 * range of entry_time, so an interval's predecessor within it is its
 * predecessor overall whenever that one was entered in the window.  A
 * flight counts once per transition: only its first in the window counts,
 * the one whose previous same transition (prev_pair_entry_time: that one's
 * predecessor entry) is absent or began before the window.
 */
Datum
vatsim_sector_transitions(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("since and until must not be null"));
	check_window(fcinfo, 0, 1);
	return materialize(fcinfo, &transitions_plan,
					   "SELECT o.sector_set, o.prev_sector, o.sector, pg_catalog.count(*) "
					   "FROM vatsim.sector_occupancy o "
					   "WHERE o.entry_time OPERATOR(pg_catalog.>=) $1 AND o.entry_time OPERATOR(pg_catalog.<=) $2 "
					   "AND o.prev_entry_time OPERATOR(pg_catalog.>=) $1 "
					   "AND o.prev_sector OPERATOR(pg_catalog.<>) o.sector "
					   "AND (o.prev_pair_entry_time IS NULL OR o.prev_pair_entry_time OPERATOR(pg_catalog.<) $1) "
					   "AND ($3 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $3) "
					   "GROUP BY o.sector_set, o.prev_sector, o.sector "
					   "ORDER BY 4 DESC, 1, 2, 3",
					   3, types, CURSOR_OPT_CUSTOM_PLAN);
}
