/*
 * store_flights.c
 *		Pilots of a snapshot: flight identity across reconnects, the current
 *		pilots table, position history and flight-plan versions.
 *
 * Statements per snapshot whatever the number of pilots:
 *	1. stitch: find or start each pilot's flight and advance its running
 *	   aggregates (store_stitch.c: three statements);
 *	2. positions: one row per flight at the snapshot time;
 *	3. pilots: upsert current state, delete pilots that left;
 *	4. plans: a version row for each flight whose plan digest changed
 *	   (usually a handful), plus marking vanished flights offline.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"

#include "columns.h"
#include "sectors.h"
#include "store.h"
#include "vatsim_ingest.h"

enum
{
	PC_CALLSIGN, PC_CID, PC_NAME, PC_SERVER, PC_PILOT_RATING,
	PC_MILITARY_RATING, PC_LATITUDE, PC_LONGITUDE, PC_ALTITUDE,
	PC_GROUNDSPEED, PC_TRANSPONDER, PC_HEADING, PC_QNH_I_HG, PC_QNH_MB,
	PC_HAS_PLAN, PC_PLAN, PC_LOGON_TIME = PC_PLAN + FP_NFIELDS + 1,
	PC_LAST_UPDATED, PC_FLIGHT_ID, PC_NCOLUMNS
};

static const TableColumn pilot_columns[PC_NCOLUMNS] = {
	{"callsign", COL_TEXT},
	{"cid", COL_INT4},
	{"name", COL_TEXT},
	{"server", COL_TEXT},
	{"pilot_rating", COL_INT4},
	{"military_rating", COL_INT4},
	{"latitude", COL_FLOAT8},
	{"longitude", COL_FLOAT8},
	{"altitude", COL_INT4},
	{"groundspeed", COL_INT4},
	{"transponder", COL_TEXT},
	{"heading", COL_INT4},
	{"qnh_i_hg", COL_FLOAT8},
	{"qnh_mb", COL_INT4},
	{"has_flight_plan", COL_BOOL},
	PLAN_TABLE_COLUMNS,
	{"logon_time", COL_TSTZ},
	{"last_updated", COL_TSTZ},
	{"flight_id", COL_INT8},
};
static TableSpec pilots_spec = {"vatsim.pilots", pilot_columns, PC_NCOLUMNS};

static SPIPlanPtr positions_plan;
static SPIPlanPtr plans_plan;
static SPIPlanPtr offline_plan;

static const char positions_sql[] =
"INSERT INTO vatsim.positions (flight_id, ts, latitude, longitude, altitude,"
"  groundspeed, heading, transponder, qnh_i_hg, qnh_mb) "
"SELECT u.flight_id, $1, u.latitude, u.longitude, u.altitude, u.groundspeed,"
"  u.heading, u.transponder, u.qnh_i_hg, u.qnh_mb "
"FROM (SELECT pg_catalog.unnest($2::pg_catalog.int8[]) AS flight_id,"
"  pg_catalog.unnest($3::pg_catalog.float8[]) AS latitude,"
"  pg_catalog.unnest($4::pg_catalog.float8[]) AS longitude,"
"  pg_catalog.unnest($5::pg_catalog.int4[]) AS altitude,"
"  pg_catalog.unnest($6::pg_catalog.int4[]) AS groundspeed,"
"  pg_catalog.unnest($7::pg_catalog.int4[]) AS heading,"
"  pg_catalog.unnest($8::pg_catalog.text[]) AS transponder,"
"  pg_catalog.unnest($9::pg_catalog.float8[]) AS qnh_i_hg,"
"  pg_catalog.unnest($10::pg_catalog.int4[]) AS qnh_mb) AS u";

/*
 * A plain INSERT, no ON CONFLICT: the order check (ingest.c) admits only a
 * snapshot newer than every stored one and a flight has one pilot per
 * snapshot, so (flight_id, ts) is always new; a speculative insertion
 * would probe the key index once more per row for nothing.
 */
static void
store_positions(const ColumnBuf *cols, TimestampTz ts)
{
	static const Oid types[] = {
		TIMESTAMPTZOID, INT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID,
		INT4ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, TEXTARRAYOID,
		FLOAT8ARRAYOID, INT4ARRAYOID
	};
	Datum		values[10];

	vi_store_prepare(&positions_plan, positions_sql, lengthof(types), types);
	values[0] = TimestampTzGetDatum(ts);
	values[1] = vi_col_array(&cols[PC_FLIGHT_ID]);
	values[2] = vi_col_array(&cols[PC_LATITUDE]);
	values[3] = vi_col_array(&cols[PC_LONGITUDE]);
	values[4] = vi_col_array(&cols[PC_ALTITUDE]);
	values[5] = vi_col_array(&cols[PC_GROUNDSPEED]);
	values[6] = vi_col_array(&cols[PC_HEADING]);
	values[7] = vi_col_array(&cols[PC_TRANSPONDER]);
	values[8] = vi_col_array(&cols[PC_QNH_I_HG]);
	values[9] = vi_col_array(&cols[PC_QNH_MB]);
	vi_store_execute(positions_plan, values, SPI_OK_INSERT);
}

/* Statement 4: plan versions for the flights whose digest changed. */
static void
store_plan_versions(const FeedDocument *doc, const int64 *flight_ids,
					const bool *plan_changed, TimestampTz ts)
{
	ColumnBuf	ids;
	ColumnBuf	plan[FP_NFIELDS + 1];
	ColumnBuf	hash;
	Datum		values[FP_NFIELDS + 4];
	int			i;

	vi_col_init(&ids, COL_INT8, 16);
	vi_col_init(&hash, COL_INT8, 16);
	for (i = 0; i <= FP_NFIELDS; i++)
		vi_col_init(&plan[i], i < FP_NFIELDS ? COL_TEXT : COL_INT4, 16);
	for (i = 0; i < doc->n_pilots; i++)
	{
		const FeedPilot *p = &doc->pilots[i];

		if (!plan_changed[i] || !p->has_plan)
			continue;
		vi_col_int8(&ids, flight_ids[i]);
		vi_col_plan(plan, &p->plan, true);
		vi_col_int8(&hash, (int64) feed_plan_hash(&p->plan));
	}
	if (ids.n == 0)
		return;

	if (plans_plan == NULL)
	{
		StringInfoData sql;
		Oid			types[FP_NFIELDS + 4];

		initStringInfo(&sql);
		appendStringInfoString(&sql, "INSERT INTO vatsim.flight_plans (flight_id, seen_at");
		for (i = 0; i < FP_NFIELDS; i++)
			appendStringInfo(&sql, ", %s", feed_plan_keys[i]);
		appendStringInfoString(&sql, ", revision_id, plan_hash) SELECT u.flight_id, $1");
		for (i = 0; i < FP_NFIELDS; i++)
			appendStringInfo(&sql, ", u.%s", feed_plan_keys[i]);
		appendStringInfoString(&sql, ", u.revision_id, u.plan_hash FROM ROWS FROM "
							   "(pg_catalog.unnest($2::pg_catalog.int8[])");
		for (i = 0; i < FP_NFIELDS; i++)
			appendStringInfo(&sql, ", pg_catalog.unnest($%d::pg_catalog.text[])", i + 3);
		appendStringInfo(&sql, ", pg_catalog.unnest($%d::pg_catalog.int4[]), "
						 "pg_catalog.unnest($%d::pg_catalog.int8[])) AS u(flight_id",
						 FP_NFIELDS + 3, FP_NFIELDS + 4);
		for (i = 0; i < FP_NFIELDS; i++)
			appendStringInfo(&sql, ", %s", feed_plan_keys[i]);
		appendStringInfoString(&sql, ", revision_id, plan_hash) ON CONFLICT (flight_id, seen_at) DO NOTHING");

		types[0] = TIMESTAMPTZOID;
		types[1] = INT8ARRAYOID;
		for (i = 0; i < FP_NFIELDS; i++)
			types[i + 2] = TEXTARRAYOID;
		types[FP_NFIELDS + 2] = INT4ARRAYOID;
		types[FP_NFIELDS + 3] = INT8ARRAYOID;
		vi_store_prepare(&plans_plan, sql.data, FP_NFIELDS + 4, types);
		pfree(sql.data);
	}
	values[0] = TimestampTzGetDatum(ts);
	values[1] = vi_col_array(&ids);
	for (i = 0; i <= FP_NFIELDS; i++)
		values[i + 2] = vi_col_array(&plan[i]);
	values[FP_NFIELDS + 3] = vi_col_array(&hash);
	vi_store_execute(plans_plan, values, SPI_OK_INSERT);
}

static void
mark_offline(TimestampTz ts)
{
	static const Oid types[] = {TIMESTAMPTZOID};
	Datum		values[1];

	vi_store_prepare(&offline_plan,
				  "UPDATE vatsim.flights SET status = 'offline' "
				  "WHERE status OPERATOR(pg_catalog.=) 'online' "
				  "AND last_seen OPERATOR(pg_catalog.<) $1",
				  1, types);
	values[0] = TimestampTzGetDatum(ts);
	vi_store_execute(offline_plan, values, SPI_OK_UPDATE);
}

static void
fill_pilot_columns(ColumnBuf *cols, const FeedPilot *pilots, int n)
{
	int			i;

	for (i = 0; i < PC_NCOLUMNS; i++)
		vi_col_init(&cols[i], pilot_columns[i].type, n);
	for (i = 0; i < n; i++)
	{
		const FeedPilot *p = &pilots[i];

		vi_col_text(&cols[PC_CALLSIGN], p->callsign);
		vi_col_int(&cols[PC_CID], p->cid);
		vi_col_text(&cols[PC_NAME], p->name);
		vi_col_text(&cols[PC_SERVER], p->server);
		vi_col_int(&cols[PC_PILOT_RATING], p->pilot_rating);
		vi_col_int(&cols[PC_MILITARY_RATING], p->military_rating);
		vi_col_float(&cols[PC_LATITUDE], p->latitude);
		vi_col_float(&cols[PC_LONGITUDE], p->longitude);
		vi_col_int(&cols[PC_ALTITUDE], p->altitude);
		vi_col_int(&cols[PC_GROUNDSPEED], p->groundspeed);
		vi_col_text(&cols[PC_TRANSPONDER], p->transponder);
		vi_col_int(&cols[PC_HEADING], p->heading);
		vi_col_float(&cols[PC_QNH_I_HG], p->qnh_i_hg);
		vi_col_int(&cols[PC_QNH_MB], p->qnh_mb);
		vi_col_bool(&cols[PC_HAS_PLAN], p->has_plan);
		vi_col_plan(&cols[PC_PLAN], &p->plan, p->has_plan);
		vi_col_time(&cols[PC_LOGON_TIME], p->logon_time);
		vi_col_time(&cols[PC_LAST_UPDATED], p->last_updated);
	}
}

/* NULL, empty or only blanks */
static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/*
 * History (flights, positions, plan versions) is kept only for pilots in
 * the region; the rest of the network is current state only.  tracked[i]
 * says which; returns how many.
 */
static int
region_filter(const FeedDocument *doc, bool *tracked)
{
	const SectorCacheView *view;
	const GeoIndexEntry **found;
	int			region_tag = -1;
	int			ntracked = 0;
	int			i;

	if (vi_region == NULL || vi_region[0] == '\0')
	{
		for (i = 0; i < doc->n_pilots; i++)
			tracked[i] = true;
		return doc->n_pilots;
	}
	view = vi_sectors_lookup_prepare();
	for (i = 0; i < view->nsets; i++)
		if (strcmp(view->set_names[i], vi_region) == 0)
			region_tag = i;
	if (region_tag < 0)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("vatsim_ingest.region names sector set \"%s\", which is not loaded", vi_region),
				errhint("Load it with vatsim.load_sectors(), or set vatsim_ingest.region to '' for the whole world."));
	found = palloc(sizeof(GeoIndexEntry *) * Max(view->nentries, 1));
	for (i = 0; i < doc->n_pilots; i++)
	{
		const FeedPilot *p = &doc->pilots[i];
		int			n = geo_index_lookup(view->index, p->longitude, p->latitude,
										 p->altitude != FEED_NULL_INT, (int32) p->altitude,
										 found, view->nentries);
		int			k;

		tracked[i] = false;
		for (k = 0; k < Min(n, view->nentries); k++)
			if (found[k]->tag == region_tag)
				tracked[i] = true;
		ntracked += tracked[i];
	}
	return ntracked;
}

/*
 * vatsim_ingest.require_flight_plan: a pilot whose plan does not name both a
 * departure and an arrival keeps no history either (the replaced system's
 * "not a flight").  Clears tracked[i] for them; returns how many remain.
 */
static int
plan_filter(const FeedDocument *doc, bool *tracked, int ntracked)
{
	int			i;

	if (!vi_require_flight_plan)
		return ntracked;
	for (i = 0; i < doc->n_pilots; i++)
	{
		const FeedPilot *p = &doc->pilots[i];

		if (tracked[i] &&
			!(p->has_plan && !blank(p->plan.field[FP_DEPARTURE]) &&
			  !blank(p->plan.field[FP_ARRIVAL])))
		{
			tracked[i] = false;
			ntracked--;
		}
	}
	return ntracked;
}

/* out's arrays, for n pilots */
static void
alloc_pilot_flights(PilotFlights *out, int n)
{
	out->flight_ids = palloc(sizeof(int64) * Max(n, 1));
	out->plan_changed = palloc0(sizeof(bool) * Max(n, 1));
	out->movement_candidates = palloc0(sizeof(bool) * Max(n, 1));
	out->was_in_contact = palloc0(sizeof(bool) * Max(n, 1));
}

void
vi_store_pilots(const FeedDocument *doc, TimestampTz ts, int reconnect_grace_s,
				int *positions, PilotFlights *out)
{
	int			n = doc->n_pilots;
	ColumnBuf	cols[PC_NCOLUMNS];
	ColumnBuf	sub_cols[PC_NCOLUMNS];
	ColumnBuf  *hist = cols;
	FeedDocument sub = *doc;
	bool	   *tracked = palloc(sizeof(bool) * Max(n, 1));
	PilotFlights sub_out;
	StitchKeys	keys;
	int			ntracked = region_filter(doc, tracked);
	int			i;
	int			k;

	ntracked = plan_filter(doc, tracked, ntracked);
	fill_pilot_columns(cols, doc->pilots, n);
	if (ntracked < n)
	{
		/* the region's pilots, for flights and positions */
		FeedPilot  *in = palloc(sizeof(FeedPilot) * Max(ntracked, 1));

		for (i = 0, k = 0; i < n; i++)
			if (tracked[i])
				in[k++] = doc->pilots[i];
		sub.pilots = in;
		sub.n_pilots = ntracked;
		fill_pilot_columns(sub_cols, in, ntracked);
		hist = sub_cols;
	}
	alloc_pilot_flights(&sub_out, ntracked);
	keys.callsign = &hist[PC_CALLSIGN];
	keys.cid = &hist[PC_CID];
	keys.logon_time = &hist[PC_LOGON_TIME];
	keys.departure = &hist[PC_PLAN + FP_DEPARTURE];
	keys.arrival = &hist[PC_PLAN + FP_ARRIVAL];
	if (ntracked > 0)
		vi_stitch_flights(&sub, &keys, ts, reconnect_grace_s, &sub_out);
	for (i = 0; i < ntracked; i++)
		vi_col_int8(&hist[PC_FLIGHT_ID], sub_out.flight_ids[i]);
	store_positions(hist, ts);
	store_plan_versions(&sub, sub_out.flight_ids, sub_out.plan_changed, ts);
	mark_offline(ts);

	/* current state: every pilot, with its flight where it has one */
	alloc_pilot_flights(out, n);
	for (i = 0, k = 0; i < n; i++)
	{
		out->flight_ids[i] = -1;
		if (tracked[i])
		{
			out->flight_ids[i] = sub_out.flight_ids[k];
			out->plan_changed[i] = sub_out.plan_changed[k];
			out->movement_candidates[i] = sub_out.movement_candidates[k];
			out->was_in_contact[i] = sub_out.was_in_contact[k];
			k++;
		}
		if (hist != cols)
		{
			if (out->flight_ids[i] >= 0)
				vi_col_int8(&cols[PC_FLIGHT_ID], out->flight_ids[i]);
			else
				vi_col_null(&cols[PC_FLIGHT_ID]);
		}
	}
	vi_table_upsert(&pilots_spec, cols);
	vi_table_delete_absent(&pilots_spec, &cols[PC_CALLSIGN]);
	*positions = ntracked;
}
