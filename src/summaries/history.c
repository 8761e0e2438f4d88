/*
 * history.c
 *		Summaries: sector history as set-returning functions.
 *
 *	vatsim.sector_history(callsign | flight_id, since, until)
 *	vatsim.sector_traffic(sector, since, until, sector_set)
 *	vatsim.sector_counts(at, sector_set)
 *	vatsim.sector_transitions(since, until, sector_set)
 *
 * Each runs one prepared, parameterised statement on a B-tree index (two for
 * sector_transitions) and materialises the rows; none scans the whole history.  sector_history reads
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
 *	- sector_transitions: the transitions kept by hour
 *	  (vatsim.sector_transition_hours): each interval entered in the window
 *	  whose predecessor (prev_sector, prev_entry_time) was entered in it
 *	  too, each flight's first of a transition only (prev_pair_entry_time),
 *	  counted in C over one row per hour and set.
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
#include "utils/array.h"
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

/* Prepare sql once per backend (kept across calls). */
static SPIPlanPtr
prepare_once(SPIPlanPtr *cache, const char *sql, int nargs, const Oid *types,
			 int cursor_options)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, (Oid *) types, cursor_options);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare history query: %s",
				 SPI_result_code_string(SPI_result));
		*cache = plan;
	}
	return *cache;
}

/* Run a kept plan; every row it returns into the function's tuplestore. */
static void
execute_into(ReturnSetInfo *rsinfo, SPIPlanPtr plan, Datum *values, const char *nulls)
{
	int			natts = rsinfo->setDesc->natts;
	Datum	   *v = palloc(sizeof(Datum) * natts);
	bool	   *n = palloc(sizeof(bool) * natts);
	uint64		row;
	int			i;
	int			rc;

	rc = SPI_execute_plan(plan, values, nulls, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "history query failed: %s", SPI_result_code_string(rc));
	for (row = 0; row < SPI_processed; row++)
	{
		for (i = 0; i < natts; i++)
			v[i] = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, i + 1, &n[i]);
		/* copies the values, so they may live in SPI's memory */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
}

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
	Datum		values[4];
	char		nulls[4];
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < nargs; i++)
	{
		values[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	execute_into((ReturnSetInfo *) fcinfo->resultinfo,
				 prepare_once(cache, sql, nargs, types, cursor_options),
				 values, nulls);
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
 * The elements of one array column of a transition hour row: a
 * one-dimensional array without NULLs of *n elements (*n < 0: of any
 * length, which is set), else the row is not what the occupancy step
 * writes.
 */
static void *
hour_array(HeapTuple tuple, TupleDesc desc, int attno, int *n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, attno, &isnull);
	ArrayType  *a;
	int			len;

	if (isnull)
		elog(ERROR, "vatsim.sector_transition_hours: NULL array");
	a = DatumGetArrayTypeP(d);
	len = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (*n < 0)
		*n = len;
	if (ARR_HASNULL(a) || ARR_NDIM(a) > 1 || len != *n)
		ereport(ERROR,
				errcode(ERRCODE_DATA_CORRUPTED),
				errmsg("vatsim.sector_transition_hours holds arrays of different lengths or with NULLs"),
				errhint("Rebuild it with vatsim.rebuild_sector_aggregates()."));
	/* ARR_DATA_PTR without NULLs (its ?: trips -Wsign-compare) */
	return (char *) a + ARR_OVERHEAD_NONULLS(ARR_NDIM(a));
}

/*
 * A transition is a flight's next interval in the same set after another,
 * both entered inside the window; counted once per flight.  The window is a
 * range of entry_time, so an interval's predecessor within it is its
 * predecessor overall whenever that one was entered in the window.  A
 * flight counts once per transition: only its first in the window counts,
 * the one whose previous same transition (prev_pair_entry_time: that one's
 * predecessor entry) is absent or began before the window.
 *
 * So a transition (entry e, predecessor's entry p, previous same
 * transition's predecessor entry q) counts iff since <= p, e <= until and
 * q < since.  The occupancy step keeps every transition as (pair id, e, p,
 * q) in one row per UTC hour of e and set (vatsim.sector_transition_hours):
 * the rows of the window's hours are read (one statement, on the primary
 * key), the rule applied to each element here, counts summed per pair id
 * in a dense array, and a second statement names the pairs and sorts.
 * The partial hours at the window's edges need nothing else: each element
 * carries its own times.
 */
Datum
vatsim_sector_transitions(PG_FUNCTION_ARGS)
{
	static const Oid hour_types[] = {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID};
	static const Oid name_types[] = {INT4ARRAYOID, INT8ARRAYOID};
	static SPIPlanPtr names_plan;
	TimestampTz since;
	TimestampTz until;
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int64	   *counts = NULL;
	int			ncounts = 0;
	int			npairs = 0;
	Datum	   *ids;
	Datum	   *ns;
	uint64		row;
	int			i;
	int			rc;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("since and until must not be null"));
	check_window(fcinfo, 0, 1);
	since = PG_GETARG_TIMESTAMPTZ(0);
	until = PG_GETARG_TIMESTAMPTZ(1);
	InitMaterializedSRF(fcinfo, 0);
	values[0] = TimestampTzGetDatum(since);
	values[1] = TimestampTzGetDatum(until);
	values[2] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	nulls[2] = PG_ARGISNULL(2) ? 'n' : ' ';
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prepare_once(&transitions_plan,
				 "SELECT h.pair_ids, h.entry_times, h.prev_entry_times, h.prev_pair_entry_times "
				 "FROM vatsim.sector_transition_hours h "
				 "WHERE h.hour OPERATOR(pg_catalog.>=) pg_catalog.date_trunc('hour', $1, 'UTC') "
				 "AND h.hour OPERATOR(pg_catalog.<=) $2 "
				 "AND ($3 IS NULL OR h.sector_set OPERATOR(pg_catalog.=) $3)",
				 lengthof(hour_types), hour_types, 0);
	rc = SPI_execute_plan(transitions_plan, values, nulls, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "history query failed: %s", SPI_result_code_string(rc));

	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		int			n = -1;
		const int32 *pair = hour_array(tuple, desc, 1, &n);
		const TimestampTz *e = hour_array(tuple, desc, 2, &n);
		const TimestampTz *p = hour_array(tuple, desc, 3, &n);
		const TimestampTz *q = hour_array(tuple, desc, 4, &n);

		for (i = 0; i < n; i++)
		{
			if (p[i] < since || e[i] > until || q[i] >= since)
				continue;
			if (pair[i] <= 0)
				elog(ERROR, "vatsim.sector_transition_hours: bad pair id %d", pair[i]);
			if (pair[i] >= ncounts)
			{
				int			grown = Max(pair[i] + 1, ncounts * 2);

				counts = counts ? repalloc(counts, sizeof(int64) * grown)
					: palloc(sizeof(int64) * grown);
				memset(counts + ncounts, 0, sizeof(int64) * (grown - ncounts));
				ncounts = grown;
			}
			if (counts[pair[i]]++ == 0)
				npairs++;
		}
	}

	if (npairs > 0)
	{
		int			k = 0;

		ids = palloc(sizeof(Datum) * npairs);
		ns = palloc(sizeof(Datum) * npairs);
		for (i = 1; i < ncounts; i++)
			if (counts[i] > 0)
			{
				ids[k] = Int32GetDatum(i);
				ns[k++] = Int64GetDatum(counts[i]);
			}
		values[0] = PointerGetDatum(construct_array(ids, npairs, INT4OID, sizeof(int32), true, TYPALIGN_INT));
		values[1] = PointerGetDatum(construct_array(ns, npairs, INT8OID, sizeof(int64), true, TYPALIGN_DOUBLE));
		execute_into((ReturnSetInfo *) fcinfo->resultinfo,
					 prepare_once(&names_plan,
								  "SELECT p.sector_set, p.from_sector, p.to_sector, c.n "
								  "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int4[]), "
								  "pg_catalog.unnest($2::pg_catalog.int8[])) AS c(id, n) "
								  "JOIN vatsim.sector_transition_pairs p ON p.pair_id OPERATOR(pg_catalog.=) c.id "
								  "ORDER BY 4 DESC, 1, 2, 3",
								  lengthof(name_types), name_types, 0),
					 values, NULL);
	}
	SPI_finish();
	return (Datum) 0;
}
