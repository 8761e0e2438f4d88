/*
 * pack_read.c
 *		Reading the position history from both its forms: the packs of
 *		vatsim.position_packs (closed hours) and the rows of vatsim.positions
 *		(the recent ones).  A position is in exactly one of them.
 *
 *	vatsim.flight_positions(flight_id, since, until)	one flight, in ts order
 *	vatsim.unpack_positions(data)						one pack's positions
 *														(vatsim.position_history)
 *	vatsim.pack_window_stats(data, since, until)		flight_analytics' sums of a pack
 *
 * Both statements of flight_positions run in the caller's snapshot
 * (read-only SPI), so a pack_positions() committing between them cannot
 * make a position vanish or appear twice.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "columns.h"
#include "ingest.h"
#include "packing.h"

PG_FUNCTION_INFO_V1(vatsim_flight_positions);
PG_FUNCTION_INFO_V1(vatsim_unpack_positions);
PG_FUNCTION_INFO_V1(vatsim_pack_window_stats);

#define HOUR_US INT64CONST(3600000000)

TimestampTz
vi_pack_hour(TimestampTz ts)
{
	int64		r;

	if (TIMESTAMP_NOT_FINITE(ts))
		return ts;
	r = ts % HOUR_US;
	return ts - (r < 0 ? r + HOUR_US : r);
}

PackPosition *
vi_pack_decode(const bytea *data, int64 flight_id, TimestampTz hour, int *n)
{
	const uint8 *bytes = (const uint8 *) VARDATA_ANY(data);
	size_t		len = VARSIZE_ANY_EXHDR(data);
	const char *error = NULL;
	int64		count = pack_count(bytes, len, &error);
	PackPosition *out = NULL;

	if (count >= 0)
	{
		int64	   *scratch = palloc(sizeof(int64) * Max(count, 1));

		out = palloc(sizeof(PackPosition) * Max(count, 1));
		if (!pack_decode(bytes, len, out, (size_t) count, (int64_t *) scratch, &error))
			count = -1;
		pfree(scratch);
	}
	if (count < 0)
		ereport(ERROR,
				errcode(ERRCODE_DATA_CORRUPTED),
				flight_id >= 0 ?
				errmsg("position pack of flight %lld for the hour from %s is corrupt",
					   (long long) flight_id, vi_utc_str(hour)) :
				errmsg("position pack is corrupt"),
				errdetail("%s (%zu bytes).", error, len),
				errhint("The pack's positions cannot be read; restore vatsim.position_packs from a backup."));
	*n = (int) count;
	return out;
}

void
vi_pack_position_datums(const PackPosition *p, Datum *values, bool *nulls)
{
	memset(nulls, 0, sizeof(bool) * PACK_NCOLUMNS);
	values[0] = TimestampTzGetDatum(p->ts);
	values[1] = Float8GetDatum(p->latitude);
	values[2] = Float8GetDatum(p->longitude);
	values[3] = Int32GetDatum(p->altitude);
	nulls[3] = p->altitude_null;
	values[4] = Int32GetDatum(p->groundspeed);
	nulls[4] = p->groundspeed_null;
	values[5] = Int32GetDatum(p->heading);
	nulls[5] = p->heading_null;
	nulls[6] = p->transponder == NULL;
	if (!nulls[6])
		values[6] = PointerGetDatum(cstring_to_text_with_len(p->transponder,
															 (int) p->transponder_len));
	values[7] = Float8GetDatum(p->qnh_i_hg);
	nulls[7] = p->qnh_i_hg_null;
	values[8] = Int32GetDatum(p->qnh_mb);
	nulls[8] = p->qnh_mb_null;
}

/* Emit one position (with flight_id first when flight_id >= 0). */
static void
put_position(ReturnSetInfo *rsinfo, int64 flight_id, const PackPosition *p)
{
	Datum		values[PACK_NCOLUMNS + 1];
	bool		nulls[PACK_NCOLUMNS + 1];
	int			off = flight_id >= 0 ? 1 : 0;

	values[0] = Int64GetDatum(flight_id);
	nulls[0] = false;
	vi_pack_position_datums(p, values + off, nulls + off);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

static SPIPlanPtr packs_plan;
static SPIPlanPtr rows_plan;

/*
 * vatsim.flight_positions(flight_id, since, until): the flight's positions
 * with since <= ts <= until (NULL: unbounded), in ts order.  The packs are
 * found by their hour on the primary key (flight_id, period_start), the rows
 * on (flight_id, ts).
 */
Datum
vatsim_flight_positions(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		flight_id;
	TimestampTz since = PG_ARGISNULL(1) ? DT_NOBEGIN : PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz until = PG_ARGISNULL(2) ? DT_NOEND : PG_GETARG_TIMESTAMPTZ(2);
	Datum		values[3];
	uint64		row;
	TimestampTz last = DT_NOBEGIN;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || since > until)
		PG_RETURN_NULL();
	flight_id = PG_GETARG_INT64(0);

	SPI_connect();
	vi_store_prepare(&packs_plan,
					 "SELECT k.period_start, k.data FROM vatsim.position_packs k "
					 "WHERE k.flight_id OPERATOR(pg_catalog.=) $1 "
					 "AND k.period_start OPERATOR(pg_catalog.>=) $2 "
					 "AND k.period_start OPERATOR(pg_catalog.<=) $3 ORDER BY k.period_start",
					 lengthof(types), types);
	vi_store_prepare(&rows_plan,
					 "SELECT p.flight_id, p.ts, p.latitude, p.longitude, p.altitude, p.groundspeed, "
					 "p.heading, p.transponder, p.qnh_i_hg, p.qnh_mb FROM vatsim.positions p "
					 "WHERE p.flight_id OPERATOR(pg_catalog.=) $1 "
					 "AND p.ts OPERATOR(pg_catalog.>=) $2 AND p.ts OPERATOR(pg_catalog.<=) $3 "
					 "ORDER BY p.ts",
					 lengthof(types), types);
	values[0] = Int64GetDatum(flight_id);
	values[1] = TimestampTzGetDatum(vi_pack_hour(since));
	values[2] = TimestampTzGetDatum(until);
	if (SPI_execute_plan(packs_plan, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read vatsim.position_packs");
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		TimestampTz hour = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[row],
															 SPI_tuptable->tupdesc, 1, &isnull));
		bytea	   *data = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[row],
														 SPI_tuptable->tupdesc, 2, &isnull));
		int			n;
		int			i;
		PackPosition *pos = vi_pack_decode(data, flight_id, hour, &n);

		for (i = 0; i < n; i++)
		{
			if (pos[i].ts < since || pos[i].ts > until)
				continue;
			/* packs hold disjoint hours, each in ts order: checked anyway */
			if (pos[i].ts <= last && last != DT_NOBEGIN)
				ereport(ERROR,
						errcode(ERRCODE_DATA_CORRUPTED),
						errmsg("position pack of flight %lld for the hour from %s is out of order",
							   (long long) flight_id, vi_utc_str(hour)),
						errdetail("Its position at %s is not after the one before it.",
								  vi_utc_str(pos[i].ts)),
						errhint("Restore vatsim.position_packs from a backup."));
			last = pos[i].ts;
			put_position(rsinfo, flight_id, &pos[i]);
		}
		pfree(pos);
	}
	SPI_freetuptable(SPI_tuptable);

	/* the rows: newer than every pack, as pack_positions() moves whole hours */
	values[1] = TimestampTzGetDatum(since);
	if (SPI_execute_plan(rows_plan, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read vatsim.positions");
	/* the rows have the result's columns: copied as they are */
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		bool		isnull;
		TimestampTz ts = DatumGetTimestampTz(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));

		if (ts <= last && last != DT_NOBEGIN)
			ereport(ERROR,
					errcode(ERRCODE_DATA_CORRUPTED),
					errmsg("flight %lld has a position at %s both packed and as a row, or a row older than its packs",
						   (long long) flight_id, vi_utc_str(ts)),
					errdetail("vatsim.pack_positions() moves whole hours; a row was added to an hour already packed."),
					errhint("Run vatsim.pack_positions() again: it merges such rows into their pack."));
		tuplestore_puttuple(rsinfo->setResult, tup);
	}
	SPI_finish();
	PG_RETURN_NULL();
}

/*
 * vatsim.unpack_positions(data bytea): one pack's positions, in its order
 * (the packed half of vatsim.position_history).
 */
Datum
vatsim_unpack_positions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	PackPosition *pos;
	int			n;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	pos = vi_pack_decode(data, -1, 0, &n);
	for (i = 0; i < n; i++)
		put_position(rsinfo, -1, &pos[i]);
	PG_RETURN_NULL();
}

/*
 * vatsim.pack_window_stats(data, since, until): what flight_analytics needs
 * of one pack's positions with since <= ts <= until (count, groundspeed sum
 * and count, maximum altitude), without a row per position.
 */
Datum
vatsim_pack_window_stats(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	TimestampTz since = PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz until = PG_GETARG_TIMESTAMPTZ(2);
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, true};
	int64		n = 0,
				gs_sum = 0,
				gs_n = 0;
	int32		max_alt = 0;
	PackPosition *pos;
	int			count;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "pack_window_stats must return a record");
	pos = vi_pack_decode(data, -1, 0, &count);
	for (i = 0; i < count; i++)
	{
		if (pos[i].ts < since || pos[i].ts > until)
			continue;
		n++;
		if (!pos[i].groundspeed_null)
		{
			gs_sum += pos[i].groundspeed;
			gs_n++;
		}
		if (!pos[i].altitude_null && (nulls[3] || pos[i].altitude > max_alt))
		{
			max_alt = pos[i].altitude;
			nulls[3] = false;
		}
	}
	values[0] = Int64GetDatum(n);
	values[1] = Int64GetDatum(gs_sum);
	values[2] = Int64GetDatum(gs_n);
	values[3] = Int32GetDatum(max_alt);
	nulls[1] = gs_n == 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
