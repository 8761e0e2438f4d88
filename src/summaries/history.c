/*
 * history.c
 *		Summaries: sector history as set-returning functions.
 *
 *	vatsim.sector_history(callsign | flight_id, since, until)
 *	vatsim.sector_traffic(sector, since, until, sector_set)
 *	vatsim.sector_counts(at, sector_set)
 *	vatsim.sector_transitions(since, until, sector_set)
 *
 * Each runs one prepared, parameterised statement on a B-tree index (or,
 * sector_transitions, direct scans) and materialises the rows; none scans the whole history.  sector_history reads
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

#include "access/genam.h"
#include "access/heapam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"


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
 * The elements of array column attno of a transition hour row: a
 * one-dimensional array without NULLs of *n elements (*n < 0: of any
 * length, which is set), else the row is not what the occupancy step
 * writes.  *copy: the detoasted array to free after use, or NULL.
 */
static void *
hour_array(HeapTuple tuple, TupleDesc desc, int attno, int *n, void **copy)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attno, desc, &isnull);
	ArrayType  *a;
	int			len;

	if (isnull)
		elog(ERROR, "vatsim.sector_transition_hours: NULL array");
	a = DatumGetArrayTypeP(d);
	*copy = (Pointer) a != DatumGetPointer(d) ? a : NULL;
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
 * Open vatsim.<name> to read it directly, with the privilege check a query
 * would make (SELECT for the calling user).
 */
static Relation
open_vatsim_table(const char *name)
{
	Oid			relid = get_relname_relid(name, get_namespace_oid("vatsim", false));
	AclResult	acl;

	if (!OidIsValid(relid))
		elog(ERROR, "relation vatsim.%s does not exist", name);
	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, name);
	return table_open(relid, AccessShareLock);
}

/* Columns of vatsim.sector_transition_hours and _pairs (attribute numbers) */
#define TH_HOUR 1
#define TH_SET 2
#define TH_PAIRS 3
#define TH_ENTRY 4
#define TH_PREV 5
#define TH_PREV_PAIR 6
#define TP_ID 1
#define TP_SET 2
#define TP_FROM 3
#define TP_TO 4

typedef struct PairCount
{
	int64		n;
	text	   *set;
	text	   *from;
	text	   *to;
} PairCount;

static int
text_cmp(const text *a, const text *b)
{
	/* equal bytes are equal in every deterministic collation (one set) */
	if (VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0)
		return 0;
	return varstr_cmp(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
					  VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), DEFAULT_COLLATION_OID);
}

/* ORDER BY flights DESC, sector_set, from_sector, to_sector */
static int
pair_count_cmp(const void *x, const void *y)
{
	const PairCount *a = x;
	const PairCount *b = y;
	int			c;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if ((c = text_cmp(a->set, b->set)) != 0)
		return c;
	if ((c = text_cmp(a->from, b->from)) != 0)
		return c;
	return text_cmp(a->to, b->to);
}

/*
 * Count the transitions of [since, until] (set: NULL or one set) per pair
 * id, from the hour rows of the window read on the primary key (hour,
 * sector_set).  *ncounts: the array's length (ids are small: from 1, gaps
 * only where a snapshot rolled back or a standby was promoted).
 */
static int64 *
count_transitions(TimestampTz since, TimestampTz until, text *set, int *ncounts)
{
	Relation	rel = open_vatsim_table("sector_transition_hours");
	TupleDesc	desc = RelationGetDescr(rel);
	TimestampTz first_hour = since - since % USECS_PER_HOUR;
	int64	   *counts = NULL;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;

	/* the start of since's UTC hour (the modulo of a negative time is <= 0) */
	if (TIMESTAMP_NOT_FINITE(since))
		first_hour = since;
	else if (first_hour > since)
		first_hour -= USECS_PER_HOUR;
	*ncounts = 0;
	ScanKeyInit(&keys[0], TH_HOUR, BTGreaterEqualStrategyNumber, F_TIMESTAMPTZ_GE,
				TimestampTzGetDatum(first_hour));
	ScanKeyInit(&keys[1], TH_HOUR, BTLessEqualStrategyNumber, F_TIMESTAMPTZ_LE,
				TimestampTzGetDatum(until));
	scan = systable_beginscan(rel, RelationGetPrimaryKeyIndex(rel), true, GetActiveSnapshot(), 2, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		isnull;
		int			n = -1;
		const int32 *pair;
		const TimestampTz *e;
		const TimestampTz *p;
		const TimestampTz *q;
		void	   *copies[4];
		int			i;

		if (set != NULL &&
			text_cmp(DatumGetTextPP(heap_getattr(tuple, TH_SET, desc, &isnull)), set) != 0)
			continue;
		pair = hour_array(tuple, desc, TH_PAIRS, &n, &copies[0]);
		e = hour_array(tuple, desc, TH_ENTRY, &n, &copies[1]);
		p = hour_array(tuple, desc, TH_PREV, &n, &copies[2]);
		q = hour_array(tuple, desc, TH_PREV_PAIR, &n, &copies[3]);
		for (i = 0; i < n; i++)
		{
			/* q = -infinity: no same transition before (NULL) */
			if (p[i] < since || e[i] > until || (q[i] >= since && q[i] != DT_NOBEGIN))
				continue;
			if (pair[i] <= 0)
				elog(ERROR, "vatsim.sector_transition_hours: bad pair id %d", pair[i]);
			if (pair[i] >= *ncounts)
			{
				int			grown = Max(pair[i] + 1, *ncounts * 2);

				counts = counts ? repalloc(counts, sizeof(int64) * grown)
					: palloc(sizeof(int64) * grown);
				memset(counts + *ncounts, 0, sizeof(int64) * (grown - *ncounts));
				*ncounts = grown;
			}
			counts[pair[i]]++;
		}
		/* the next row's arrays reuse the memory (fewer page faults) */
		for (i = 0; i < (int) lengthof(copies); i++)
			if (copies[i] != NULL)
				pfree(copies[i]);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return counts;
}

/*
 * The counted pairs with their names (a scan of vatsim.sector_transition_pairs,
 * a few thousand short rows), in the function's order.
 */
static PairCount *
name_pairs(const int64 *counts, int ncounts, int *npairs)
{
	Relation	rel = open_vatsim_table("sector_transition_pairs");
	TupleDesc	desc = RelationGetDescr(rel);
	TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	PairCount  *out = palloc(sizeof(PairCount) * Max(ncounts, 1));
	HeapTuple	tuple;

	*npairs = 0;
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		int32		id = DatumGetInt32(heap_getattr(tuple, TP_ID, desc, &isnull));
		PairCount  *pc;

		if (id <= 0 || id >= ncounts || counts[id] == 0)
			continue;
		pc = &out[(*npairs)++];
		pc->n = counts[id];
		/* copies: the tuple lives in a shared buffer */
		pc->set = DatumGetTextPCopy(heap_getattr(tuple, TP_SET, desc, &isnull));
		pc->from = DatumGetTextPCopy(heap_getattr(tuple, TP_FROM, desc, &isnull));
		pc->to = DatumGetTextPCopy(heap_getattr(tuple, TP_TO, desc, &isnull));
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	qsort(out, *npairs, sizeof(PairCount), pair_count_cmp);
	return out;
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
 * q) in one row per UTC hour of e and set (vatsim.sector_transition_hours).
 * The rows of the window's hours are read on the primary key, the rule
 * applied to each element, counts summed per pair id in a dense array, the
 * pairs named from vatsim.sector_transition_pairs and sorted here.  The
 * partial hours at the window's edges need nothing else: each element
 * carries its own times.  No SPI: direct scans, so a new backend's first
 * call plans nothing (issue 12's first-call target).
 */
Datum
vatsim_sector_transitions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz since;
	TimestampTz until;
	int64	   *counts;
	int			ncounts;
	PairCount  *pairs;
	int			npairs;
	int			i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("since and until must not be null"));
	check_window(fcinfo, 0, 1);
	since = PG_GETARG_TIMESTAMPTZ(0);
	until = PG_GETARG_TIMESTAMPTZ(1);
	InitMaterializedSRF(fcinfo, 0);
	counts = count_transitions(since, until, PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2), &ncounts);
	pairs = name_pairs(counts, ncounts, &npairs);
	for (i = 0; i < npairs; i++)
	{
		Datum		v[4];
		bool		n[4] = {false, false, false, false};

		v[0] = PointerGetDatum(pairs[i].set);
		v[1] = PointerGetDatum(pairs[i].from);
		v[2] = PointerGetDatum(pairs[i].to);
		v[3] = Int64GetDatum(pairs[i].n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
	return (Datum) 0;
}
