/*
 * pack_store.c
 *		Moving closed hours of position history from the rows of
 *		vatsim.positions into packs (vatsim.position_packs): the SQL function
 *		vatsim.pack_positions(older_than, max_rows), the worker's step that
 *		calls it, and their settings.
 *
 * A pack holds one flight's positions of one UTC hour (period_start): small
 * enough to read a piece of a long flight without the rest, large enough
 * (up to 240 positions at 15 s) that the per-row and per-index-entry costs
 * vanish, and always inside one UTC day (for daily partitions).  Only whole
 * hours before the cutoff are packed, and the cutoff stays at least
 * max(stale_after, reconnect_grace) behind the newest snapshot: occupancy
 * and movements read a flight's newest row before a snapshot, and only
 * within that window (a flight absent longer is closed, or compared with
 * nothing).
 *
 * One call is one transaction's work, a fixed number of statements: read at
 * most max_rows rows in (flight_id, ts) order, merge them with the packs
 * their hours already have (a batch can end inside an hour, and the next
 * call completes it), write the packs, delete exactly those rows.  A crash
 * rolls all of it back, so nothing is lost or doubled; a second call finds
 * nothing left to move.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "columns.h"
#include "ingest.h"
#include "packing.h"
#include "vatsim_ingest.h"

PG_FUNCTION_INFO_V1(vatsim_pack_positions);

int			vi_pack_after_s = 3600;
int			vi_pack_batch_rows = 20000;

void
vi_packing_define_settings(void)
{
	DefineCustomIntVariable("vatsim_ingest.pack_after",
							"Age after which the worker packs positions into vatsim.position_packs.",
							"Whole UTC hours older than this (behind the newest snapshot, and never "
							"less than stale_after or reconnect_grace) are packed; 0 never packs.",
							&vi_pack_after_s, 3600, 0, 365 * 24 * 3600, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.pack_batch",
							"Most positions the worker packs after one snapshot.",
							"Bounds the time a cycle spends packing; a backlog is packed over the next cycles.",
							&vi_pack_batch_rows, 20000, 100, 10000000, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
}

/* One (flight, hour) of the batch: rows[first..first+nrows) */
typedef struct PackGroup
{
	int64		flight_id;
	TimestampTz hour;
	int			first;
	int			nrows;
	int			nold;			/* positions already in its pack */
	PackPosition *old;
} PackGroup;

static SPIPlanPtr newest_plan;
static SPIPlanPtr rows_plan;
static SPIPlanPtr existing_plan;
static SPIPlanPtr upsert_plan;
static SPIPlanPtr delete_plan;

/*
 * The cutoff: older_than, at most min_age behind the newest snapshot,
 * floored to the hour.  DT_NOBEGIN: nothing to pack.
 */
static TimestampTz
pack_cutoff(TimestampTz older_than, int64 min_age_us)
{
	bool		isnull;
	TimestampTz newest;

	vi_store_prepare(&newest_plan,
					 "SELECT pg_catalog.max(update_timestamp) FROM vatsim.snapshots", 0, NULL);
	vi_store_execute(newest_plan, NULL, SPI_OK_SELECT);
	newest = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
											   1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!isnull && !TIMESTAMP_NOT_FINITE(newest) && newest - min_age_us < older_than)
		older_than = newest - min_age_us;
	return vi_pack_hour(older_than);
}

static int
compare_ts(const void *a, const void *b)
{
	const PackPosition *x = a;
	const PackPosition *y = b;

	return x->ts < y->ts ? -1 : (x->ts > y->ts ? 1 : 0);
}

/* The packs the batch's hours already have, decoded into their groups. */
static void
load_existing(PackGroup *groups, int ngroups)
{
	static const Oid types[] = {INT8ARRAYOID, TIMESTAMPTZARRAYOID};
	ColumnBuf	flight,
				hour;
	Datum		values[2];
	uint64		row;
	int			g = 0;

	vi_col_init(&flight, COL_INT8, ngroups);
	vi_col_init(&hour, COL_TSTZ, ngroups);
	for (g = 0; g < ngroups; g++)
	{
		vi_col_int8(&flight, groups[g].flight_id);
		vi_col_tstz(&hour, groups[g].hour);
	}
	vi_store_prepare(&existing_plan,
					 "SELECT k.flight_id, k.period_start, k.data "
					 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					 "pg_catalog.unnest($2::pg_catalog.timestamptz[])) AS u(f, h) "
					 "JOIN vatsim.position_packs k ON k.flight_id OPERATOR(pg_catalog.=) u.f "
					 "AND k.period_start OPERATOR(pg_catalog.=) u.h ORDER BY k.flight_id, k.period_start",
					 lengthof(types), types);
	values[0] = vi_col_array(&flight);
	values[1] = vi_col_array(&hour);
	vi_store_execute(existing_plan, values, SPI_OK_SELECT);
	/* both in (flight_id, hour) order: one merge pass */
	g = 0;
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		bool		isnull;
		int64		f = DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		TimestampTz h = DatumGetTimestampTz(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));

		while (g < ngroups && (groups[g].flight_id < f ||
							   (groups[g].flight_id == f && groups[g].hour < h)))
			g++;
		Assert(g < ngroups && groups[g].flight_id == f && groups[g].hour == h);
		groups[g].old = vi_pack_decode(DatumGetByteaPP(SPI_getbinval(tup, SPI_tuptable->tupdesc,
																	 3, &isnull)),
									   f, h, &groups[g].nold);
	}
}

/* A group's pack: its old positions and its rows, in ts order, encoded. */
static bytea *
encode_group(const PackGroup *g, const PackPosition *rows, TimestampTz *first,
			 TimestampTz *last, int *n)
{
	int			total = g->nold + g->nrows;
	PackPosition *all = palloc(sizeof(PackPosition) * total);
	int64	   *scratch = palloc(sizeof(int64) * total);
	bytea	   *out;
	size_t		len;
	int			i;

	if (g->nold > 0)
		memcpy(all, g->old, sizeof(PackPosition) * g->nold);
	memcpy(all + g->nold, rows + g->first, sizeof(PackPosition) * g->nrows);
	if (g->nold > 0)
		qsort(all, total, sizeof(PackPosition), compare_ts);
	for (i = 1; i < total; i++)
		if (all[i].ts == all[i - 1].ts)
			ereport(ERROR,
					errcode(ERRCODE_UNIQUE_VIOLATION),
					errmsg("cannot pack the position of flight %lld at %s",
						   (long long) g->flight_id, vi_utc_str(all[i].ts)),
					errdetail("Its pack for the hour from %s already holds a position at that time.",
							  vi_utc_str(g->hour)),
					errhint("Delete the row from vatsim.positions, or the pack, whichever is wrong; nothing was packed."));
	len = pack_encode_bound(all, total);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("cannot pack %d positions of flight %lld in one hour", total,
					   (long long) g->flight_id),
				errdetail("A pack would exceed 1 GB."),
				errhint("Nothing was packed."));
	out = palloc(VARHDRSZ + len);
	len = pack_encode(all, total, (uint8_t *) VARDATA(out), (int64_t *) scratch);
	SET_VARSIZE(out, VARHDRSZ + len);
	*first = all[0].ts;
	*last = all[total - 1].ts;
	*n = total;
	pfree(all);
	pfree(scratch);
	return out;
}

static Datum
bytea_array(Datum *values, int n)
{
	return PointerGetDatum(construct_array(values, n, BYTEAOID, -1, false, TYPALIGN_INT));
}

/* Write the groups' packs and delete their rows; returns the rows deleted. */
static int64
write_groups(const PackGroup *groups, int ngroups, const PackPosition *rows,
			 const int64 *row_flight, int nrows)
{
	static const Oid types[] = {INT8ARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID,
	TIMESTAMPTZARRAYOID, INT4ARRAYOID, BYTEAARRAYOID};
	static const Oid del_types[] = {INT8ARRAYOID, TIMESTAMPTZARRAYOID};
	ColumnBuf	flight,
				hour,
				first,
				last,
				count,
				del_flight,
				del_ts;
	Datum	   *data = palloc(sizeof(Datum) * ngroups);
	Datum		values[6];
	int			g;
	int			i;

	vi_col_init(&flight, COL_INT8, ngroups);
	vi_col_init(&hour, COL_TSTZ, ngroups);
	vi_col_init(&first, COL_TSTZ, ngroups);
	vi_col_init(&last, COL_TSTZ, ngroups);
	vi_col_init(&count, COL_INT4, ngroups);
	for (g = 0; g < ngroups; g++)
	{
		TimestampTz f,
					l;
		int			n;

		data[g] = PointerGetDatum(encode_group(&groups[g], rows, &f, &l, &n));
		vi_col_int8(&flight, groups[g].flight_id);
		vi_col_tstz(&hour, groups[g].hour);
		vi_col_tstz(&first, f);
		vi_col_tstz(&last, l);
		vi_col_int(&count, n);
	}
	vi_store_prepare(&upsert_plan,
					 "INSERT INTO vatsim.position_packs (flight_id, period_start, first_ts, last_ts, n, data) "
					 "SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					 "pg_catalog.unnest($2::pg_catalog.timestamptz[]), pg_catalog.unnest($3::pg_catalog.timestamptz[]), "
					 "pg_catalog.unnest($4::pg_catalog.timestamptz[]), pg_catalog.unnest($5::pg_catalog.int4[]), "
					 "pg_catalog.unnest($6::pg_catalog.bytea[])) "
					 "ON CONFLICT (flight_id, period_start) DO UPDATE SET first_ts = excluded.first_ts, "
					 "last_ts = excluded.last_ts, n = excluded.n, data = excluded.data",
					 lengthof(types), types);
	values[0] = vi_col_array(&flight);
	values[1] = vi_col_array(&hour);
	values[2] = vi_col_array(&first);
	values[3] = vi_col_array(&last);
	values[4] = vi_col_array(&count);
	values[5] = bytea_array(data, ngroups);
	vi_store_execute(upsert_plan, values, SPI_OK_INSERT);

	/* exactly the rows read: one probe of the primary key each */
	vi_col_init(&del_flight, COL_INT8, nrows);
	vi_col_init(&del_ts, COL_TSTZ, nrows);
	for (i = 0; i < nrows; i++)
	{
		vi_col_int8(&del_flight, row_flight[i]);
		vi_col_tstz(&del_ts, rows[i].ts);
	}
	vi_store_prepare(&delete_plan,
					 "DELETE FROM vatsim.positions p "
					 "WHERE (p.flight_id, p.ts) OPERATOR(pg_catalog.=) ANY (SELECT u.f, u.t "
					 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					 "pg_catalog.unnest($2::pg_catalog.timestamptz[])) AS u(f, t))",
					 lengthof(del_types), del_types);
	values[0] = vi_col_array(&del_flight);
	values[1] = vi_col_array(&del_ts);
	vi_store_execute(delete_plan, values, SPI_OK_DELETE);
	return (int64) SPI_processed;
}

/*
 * Pack at most max_rows positions older than older_than (and than min_age
 * behind the newest snapshot), whole hours; returns the positions packed.
 * Runs inside SPI_connect.
 */
static int64
pack_batch(TimestampTz older_than, int64 min_age_us, int max_rows)
{
	static const Oid types[] = {TIMESTAMPTZOID, INT4OID};
	TimestampTz cutoff;
	Datum		values[2];
	PackPosition *rows;
	int64	   *row_flight;
	PackGroup  *groups;
	int			ngroups = 0;
	int			nrows;
	int			i;
	int64		deleted;

	/* one packer at a time; readers and ingest are not blocked */
	if (SPI_execute("LOCK TABLE vatsim.position_packs IN SHARE ROW EXCLUSIVE MODE", false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not lock vatsim.position_packs");
	cutoff = pack_cutoff(older_than, min_age_us);
	if (cutoff == DT_NOBEGIN)
		return 0;

	vi_store_prepare(&rows_plan,
					 "SELECT p.flight_id, p.ts, p.latitude, p.longitude, p.altitude, p.groundspeed, "
					 "p.heading, p.transponder, p.qnh_i_hg, p.qnh_mb FROM vatsim.positions p "
					 "WHERE p.ts OPERATOR(pg_catalog.<) $1 ORDER BY p.flight_id, p.ts LIMIT $2",
					 lengthof(types), types);
	values[0] = TimestampTzGetDatum(cutoff);
	values[1] = Int32GetDatum(max_rows);
	vi_store_execute(rows_plan, values, SPI_OK_SELECT);
	nrows = (int) SPI_processed;
	if (nrows == 0)
		return 0;
	rows = palloc0(sizeof(PackPosition) * nrows);
	row_flight = palloc(sizeof(int64) * nrows);
	groups = palloc0(sizeof(PackGroup) * nrows);
	for (i = 0; i < nrows; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		PackPosition *p = &rows[i];
		bool		isnull;
		Datum		d;
		TimestampTz hour;

		row_flight[i] = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		p->ts = DatumGetTimestampTz(SPI_getbinval(tup, desc, 2, &isnull));
		p->latitude = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		p->longitude = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		p->altitude = DatumGetInt32(SPI_getbinval(tup, desc, 5, &p->altitude_null));
		p->groundspeed = DatumGetInt32(SPI_getbinval(tup, desc, 6, &p->groundspeed_null));
		p->heading = DatumGetInt32(SPI_getbinval(tup, desc, 7, &p->heading_null));
		d = SPI_getbinval(tup, desc, 8, &isnull);
		if (!isnull)
		{
			text	   *t = DatumGetTextPP(d);

			p->transponder = VARDATA_ANY(t);
			p->transponder_len = VARSIZE_ANY_EXHDR(t);
		}
		p->qnh_i_hg = DatumGetFloat8(SPI_getbinval(tup, desc, 9, &p->qnh_i_hg_null));
		p->qnh_mb = DatumGetInt32(SPI_getbinval(tup, desc, 10, &p->qnh_mb_null));
		if (p->altitude_null)
			p->altitude = 0;
		if (p->groundspeed_null)
			p->groundspeed = 0;
		if (p->heading_null)
			p->heading = 0;
		if (p->qnh_i_hg_null)
			p->qnh_i_hg = 0;
		if (p->qnh_mb_null)
			p->qnh_mb = 0;

		hour = vi_pack_hour(p->ts);
		if (ngroups == 0 || groups[ngroups - 1].flight_id != row_flight[i] ||
			groups[ngroups - 1].hour != hour)
		{
			groups[ngroups].flight_id = row_flight[i];
			groups[ngroups].hour = hour;
			groups[ngroups].first = i;
			ngroups++;
		}
		groups[ngroups - 1].nrows++;
	}
	load_existing(groups, ngroups);
	deleted = write_groups(groups, ngroups, rows, row_flight, nrows);
	if (deleted != nrows)
		ereport(ERROR,
				errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				errmsg("cannot pack positions: %lld of the %d rows read were deleted",
					   (long long) deleted, nrows),
				errdetail("Another transaction changed vatsim.positions meanwhile."),
				errhint("Run vatsim.pack_positions() again; nothing was packed."));
	return nrows;
}

/*
 * vatsim.pack_positions(older_than, max_rows): move at most max_rows
 * positions of whole UTC hours before older_than (and at least
 * max(stale_after, reconnect_grace) before the newest snapshot) into packs.
 */
Datum
vatsim_pack_positions(PG_FUNCTION_ARGS)
{
	TimestampTz older_than = PG_GETARG_TIMESTAMPTZ(0);
	int32		max_rows = PG_GETARG_INT32(1);
	int64		packed;

	if (max_rows < 1)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("max_rows must be at least 1"),
				errdetail("It was %d.", max_rows),
				errhint("Pass the largest number of positions one call may pack, e.g. 50000."));
	SPI_connect();
	packed = pack_batch(older_than,
						(int64) Max(vi_stale_after_s, vi_reconnect_grace) * USECS_PER_SEC,
						max_rows);
	SPI_finish();
	PG_RETURN_INT64(packed);
}

/*
 * The worker's step.  Only when there is something to do: the cutoff hour
 * moved since this process last found nothing left, or its last batch was
 * full.  That memory is a cache: after a restart the first step looks once.
 */
void
vi_worker_pack_step(TimestampTz snapshot, char *errbuf, size_t errlen)
{
	static TimestampTz done_hour = DT_NOBEGIN;
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	int64		min_age;
	TimestampTz hour;

	if (vi_pack_after_s == 0 || TIMESTAMP_NOT_FINITE(snapshot))
		return;
	min_age = (int64) Max(vi_pack_after_s, Max(vi_stale_after_s, vi_reconnect_grace)) * USECS_PER_SEC;
	hour = vi_pack_hour(snapshot - min_age);
	if (hour == done_hour)
		return;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int64		packed;

		SPI_connect();
		packed = pack_batch(DT_NOEND, min_age, vi_pack_batch_rows);
		SPI_finish();
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (packed < vi_pack_batch_rows)
			done_hour = hour;
		if (packed > 0)
			elog(LOG, "vatsim_ingest: packed %lld positions older than %s",
				 (long long) packed, vi_utc_str(hour));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		/* a cancel is not a packing failure */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		if (errbuf[0] == '\0')
			snprintf(errbuf, errlen, "packing positions failed: %s", edata->message);
		ereport(WARNING,
				errcode(edata->sqlerrcode),
				errmsg("packing positions failed after VATSIM snapshot %s: %s",
					   vi_utc_str(snapshot), edata->message),
				errhint("The snapshot was stored; packing is tried again after the next one."));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}
