/*
 * history.c
 *		Summaries: sector history as set-returning functions.
 *
 *	vatsim.sector_history(callsign | flight_id, since, until)
 *	vatsim.sector_traffic(sector, since, until, sector_set)
 *	vatsim.sector_counts(at, sector_set)
 *	vatsim.sector_transitions(since, until, sector_set)
 *
 * Each runs one prepared, parameterised statement whose WHERE clause an
 * index of vatsim.sector_occupancy serves (by flight, by callsign, the GiST
 * index on the interval's time range, or entry_time), and materialises the
 * rows.  None scans the whole history.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "columns.h"

PG_FUNCTION_INFO_V1(vatsim_sector_history_callsign);
PG_FUNCTION_INFO_V1(vatsim_sector_history_flight);
PG_FUNCTION_INFO_V1(vatsim_sector_traffic);
PG_FUNCTION_INFO_V1(vatsim_sector_counts);
PG_FUNCTION_INFO_V1(vatsim_sector_transitions);

#define OCCUPANCY_COLUMNS \
	"o.flight_id, o.callsign::pg_catalog.text, o.sector_set, o.sector, o.entry_time, " \
	"o.exit_time, o.duration, o.entry_lat, o.entry_lon, o.entry_altitude, " \
	"o.exit_lat, o.exit_lon, o.exit_altitude, o.exit_reason"

/* The interval as a range: [entry, exit), open-ended while it is open. */
#define OCCUPANCY_RANGE \
	"pg_catalog.tstzrange(o.entry_time, o.exit_time, '[)')"

static SPIPlanPtr history_callsign_plan;
static SPIPlanPtr history_flight_plan;
static SPIPlanPtr traffic_plan;
static SPIPlanPtr counts_plan;
static SPIPlanPtr transitions_plan;

/*
 * Run a kept plan with the function's arguments (a NULL argument is a NULL
 * parameter) and put every row into the function's tuplestore.
 */
static Datum
materialize(FunctionCallInfo fcinfo, SPIPlanPtr *cache, const char *sql,
			int nargs, const Oid *types)
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
	vi_store_prepare(cache, sql, nargs, types);
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
					   3, types);
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
					   3, types);
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
					   "WHERE " OCCUPANCY_RANGE " OPERATOR(pg_catalog.&&) pg_catalog.tstzrange($2, $3, '[]') "
					   "AND o.sector OPERATOR(pg_catalog.=) $1 "
					   "AND ($4 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $4) "
					   "ORDER BY o.entry_time, o.callsign",
					   4, types);
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
					   "SELECT o.sector_set, o.sector, pg_catalog.count(DISTINCT o.flight_id) "
					   "FROM vatsim.sector_occupancy o "
					   "WHERE " OCCUPANCY_RANGE " OPERATOR(pg_catalog.@>) $1 "
					   "AND ($2 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $2) "
					   "GROUP BY o.sector_set, o.sector ORDER BY o.sector_set, o.sector",
					   2, types);
}

/*
 * A transition is a flight's next interval in the same set after another,
 * both entered inside the window; counted once per flight.
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
					   "SELECT t.sector_set, t.from_sector, t.to_sector, pg_catalog.count(DISTINCT t.flight_id) "
					   "FROM (SELECT o.flight_id, o.sector_set, o.sector AS to_sector, "
					   "pg_catalog.lag(o.sector) OVER (PARTITION BY o.flight_id, o.sector_set "
					   "ORDER BY o.entry_time, o.sector) AS from_sector "
					   "FROM vatsim.sector_occupancy o "
					   "WHERE o.entry_time OPERATOR(pg_catalog.>=) $1 AND o.entry_time OPERATOR(pg_catalog.<=) $2 "
					   "AND ($3 IS NULL OR o.sector_set OPERATOR(pg_catalog.=) $3)) t "
					   "WHERE t.from_sector IS NOT NULL AND t.from_sector OPERATOR(pg_catalog.<>) t.to_sector "
					   "GROUP BY t.sector_set, t.from_sector, t.to_sector "
					   "ORDER BY 4 DESC, 1, 2, 3",
					   3, types);
}
