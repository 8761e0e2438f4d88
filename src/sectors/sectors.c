/*
 * sectors.c
 *		Sector sets in tables, and the in-memory index every lookup uses.
 *
 *	vatsim.load_sectors()	read a GeoJSON FeatureCollection (geo_read.c),
 *							replace the set in one transaction
 *	vatsim.sectors_at()		every sector containing a point
 *							(sectors_points.c: many points at once)
 *	vatsim.sectors_changed()	trigger: any change to the sector tables
 *							invalidates the index in every backend
 *
 * The index is built once per backend from the tables, on first use after
 * a change, and shared by every call; a relcache invalidation that the
 * trigger sends to all backends at commit marks it stale.  It is built from
 * a fresh snapshot, not the caller's: a REPEATABLE READ transaction that
 * began before a change would otherwise consume the invalidation, build
 * the old sectors and keep them for the backend's life.  The sets are
 * parsed in a scratch context and only a compact copy is kept.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "columns.h"
#include "geometry.h"
#include "search_path.h"
#include "sectors.h"
#include "standby.h"

PG_FUNCTION_INFO_V1(vatsim_load_sectors);
PG_FUNCTION_INFO_V1(vatsim_sectors_at);
PG_FUNCTION_INFO_V1(vatsim_sectors_changed);

/* The backend's index: every set, built together. */
typedef struct SectorCache
{
	bool		built;
	uint64		built_at;		/* sectors_changes before its snapshot */
	MemoryContext cxt;
	int			nsets;
	char	  **set_names;		/* tag of an index entry = position here */
	GeoSectorSet *sets;
	GeoSetCost *costs;			/* by set, for the load-time cap */
	GeoIndex   *index;
	int			nentries;
	/* sectors_at's result rows, formed once: (set name, sector name) */
	HeapTuple **rows;			/* by set, then by sector */
	/* sectors_at_points' (0, set name, sector name): sectors_points.c */
	HeapTuple **point_rows;		/* by set, then by sector */
} SectorCache;

static SectorCache cache;
static Oid	features_relid = InvalidOid;

/*
 * Invalidations of vatsim.sector_features seen by this backend.  The cache
 * is current when no invalidation arrived since just before the snapshot
 * it was built from: one arriving during the build makes the next call
 * rebuild.
 */
static uint64 sectors_changes = 0;

static SPIPlanPtr delete_set_plan;
static SPIPlanPtr insert_set_plan;
static SPIPlanPtr insert_sectors_plan;
static SPIPlanPtr insert_features_plan;
static SPIPlanPtr count_features_plan;
static SPIPlanPtr load_all_plan;

/* Relcache callback: a change to vatsim.sector_features (or a reset). */
static void
sectors_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == features_relid)
		sectors_changes++;
}

void
vi_sectors_init(void)
{
	CacheRegisterRelcacheCallback(sectors_invalidate, (Datum) 0);
}

static Oid
lookup_features_relid(void)
{
	Oid			nsp = get_namespace_oid("vatsim", false);
	Oid			relid = get_relname_relid("sector_features", nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_TABLE),
				errmsg("table vatsim.sector_features does not exist"),
				errhint("Run ALTER EXTENSION vatsim_ingest UPDATE."));
	return relid;
}

Datum
vatsim_sectors_changed(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("vatsim.sectors_changed() must be called as a trigger"));
	CacheInvalidateRelcacheByRelid(lookup_features_relid());
	return PointerGetDatum(NULL);
}

static void
report_geo_error(const GeoMessage *err, const char *sector_set)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("cannot load sector set \"%s\"", sector_set),
			err->feature >= 0 ?
			errdetail("Feature %d%s%s%s: %s.", err->feature,
					  err->name[0] ? " (\"" : "", err->name,
					  err->name[0] ? "\")" : "", err->text) :
			errdetail("%s.", err->text),
			errhint("Nothing was loaded; the set keeps its previous sectors."));
}

/* Replace the set's rows: sector_sets, sectors, sector_features. */
static void
store_sector_set(const char *name, text *geojson, const char *name_key,
				 const char *floor_key, const char *ceiling_key,
				 const GeoSectorSet *set)
{
	static const Oid set_types[] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID, INT4OID};
	static const Oid sector_types[] = {
		TEXTOID, TEXTARRAYOID, INT4ARRAYOID, INT4ARRAYOID, INT4ARRAYOID,
		FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID
	};
	static const Oid feature_types[] = {TEXTOID, TEXTOID, TEXTOID};
	static const Oid delete_types[] = {TEXTOID};
	ColumnBuf	cols[8];
	Datum		values[9];
	char		nulls[9];
	int			i;

	vi_store_prepare(&delete_set_plan,
				  "DELETE FROM vatsim.sector_sets WHERE sector_set OPERATOR(pg_catalog.=) $1",
				  1, delete_types);
	values[0] = CStringGetTextDatum(name);
	vi_store_execute(delete_set_plan, values, SPI_OK_DELETE);

	vi_store_prepare(&insert_set_plan,
				  "INSERT INTO vatsim.sector_sets (sector_set, name_key, floor_key, ceiling_key, "
				  "features, sectors, repairs) VALUES ($1, $2, $3, $4, $5, $6, $7)",
				  lengthof(set_types), set_types);
	memset(nulls, ' ', sizeof(nulls));
	values[1] = CStringGetTextDatum(name_key);
	values[2] = floor_key ? CStringGetTextDatum(floor_key) : (Datum) 0;
	nulls[2] = floor_key ? ' ' : 'n';
	values[3] = ceiling_key ? CStringGetTextDatum(ceiling_key) : (Datum) 0;
	nulls[3] = ceiling_key ? ' ' : 'n';
	values[4] = Int32GetDatum(set->nfeatures);
	values[5] = Int32GetDatum(set->nsectors);
	values[6] = Int32GetDatum(set->nrepairs);
	if (SPI_execute_plan(insert_set_plan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record sector set \"%s\"", name);

	/* sector, floor, ceiling, features, then the bounding box */
	for (i = 0; i < 8; i++)
		vi_col_init(&cols[i], i == 0 ? COL_TEXT : i < 4 ? COL_INT4 : COL_FLOAT8,
				 set->nsectors);
	for (i = 0; i < set->nsectors; i++)
	{
		const GeoSector *s = &set->sectors[i];

		vi_col_text(&cols[0], s->name);
		vi_col_int(&cols[1], s->floor_ft == GEO_NO_FLOOR ? FEED_NULL_INT : s->floor_ft);
		vi_col_int(&cols[2], s->ceiling_ft == GEO_NO_CEILING ? FEED_NULL_INT : s->ceiling_ft);
		vi_col_int(&cols[3], 0);	/* counted from sector_features below */
		vi_col_float(&cols[4], s->min_lon);
		vi_col_float(&cols[5], s->min_lat);
		vi_col_float(&cols[6], s->max_lon);
		vi_col_float(&cols[7], s->max_lat);
	}
	vi_store_prepare(&insert_sectors_plan,
				  "INSERT INTO vatsim.sectors (sector_set, sector, floor_ft, ceiling_ft, features, "
				  "min_lon, min_lat, max_lon, max_lat) "
				  "SELECT $1, u.* FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), "
				  "pg_catalog.unnest($3::pg_catalog.int4[]), pg_catalog.unnest($4::pg_catalog.int4[]), "
				  "pg_catalog.unnest($5::pg_catalog.int4[]), pg_catalog.unnest($6::pg_catalog.float8[]), "
				  "pg_catalog.unnest($7::pg_catalog.float8[]), pg_catalog.unnest($8::pg_catalog.float8[]), "
				  "pg_catalog.unnest($9::pg_catalog.float8[])) AS u",
				  lengthof(sector_types), sector_types);
	for (i = 0; i < 8; i++)
		values[i + 1] = vi_col_array(&cols[i]);
	vi_store_execute(insert_sectors_plan, values, SPI_OK_INSERT);

	/*
	 * Features keep their exact text: PostgreSQL's json type splits the
	 * collection without re-serialising anything.
	 */
	vi_store_prepare(&insert_features_plan,
				  "INSERT INTO vatsim.sector_features (sector_set, feature_index, sector, feature) "
				  "SELECT $1, (e.ord OPERATOR(pg_catalog.-) 1)::pg_catalog.int4, "
				  "(e.f OPERATOR(pg_catalog.->) 'properties') OPERATOR(pg_catalog.->>) $3, e.f "
				  "FROM pg_catalog.json_array_elements(($2::pg_catalog.json) OPERATOR(pg_catalog.->) 'features') "
				  "WITH ORDINALITY AS e(f, ord)",
				  lengthof(feature_types), feature_types);
	values[1] = PointerGetDatum(geojson);
	values[2] = CStringGetTextDatum(name_key);
	vi_store_execute(insert_features_plan, values, SPI_OK_INSERT);

	vi_store_prepare(&count_features_plan,
				  "UPDATE vatsim.sectors s SET features = c.n FROM "
				  "(SELECT f.sector, pg_catalog.count(*)::pg_catalog.int4 AS n FROM vatsim.sector_features f "
				  "WHERE f.sector_set OPERATOR(pg_catalog.=) $1 GROUP BY f.sector) c "
				  "WHERE s.sector_set OPERATOR(pg_catalog.=) $1 AND s.sector OPERATOR(pg_catalog.=) c.sector",
				  1, delete_types);
	vi_store_execute(count_features_plan, values, SPI_OK_UPDATE);
}

/*
 * The caps of geometry.h over every loaded set with this one in place of
 * its namesake: refused here, at load, so that every set that loads can be
 * indexed in every backend.
 */
static void
check_index_cap(const char *name, const GeoSectorSet *set)
{
	GeoSetCost	total = geo_set_cost(set);
	int			s;

	vi_sectors_lookup_prepare();
	for (s = 0; s < cache.nsets; s++)
	{
		if (strcmp(cache.set_names[s], name) == 0)
			continue;
		total.vertices += cache.costs[s].vertices;
		total.index_bytes += cache.costs[s].index_bytes;
	}
	if (total.vertices > GEO_MAX_VERTICES || total.index_bytes > GEO_MAX_INDEX_BYTES)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("cannot load sector set \"%s\": the sector index would be too large", name),
				errdetail("With this set the sector sets would have %zu vertices and need %zu bytes of index; the limits are %zu vertices and %zu bytes.",
						  total.vertices, total.index_bytes,
						  GEO_MAX_VERTICES, GEO_MAX_INDEX_BYTES),
				errhint("Every backend that looks up sectors holds every set in memory: simplify the polygons, or delete sets that are not needed.  Nothing was loaded."));
}

static char *
text_arg_or_null(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

Datum
vatsim_load_sectors(PG_FUNCTION_ARGS)
{
	char	   *name = text_arg_or_null(fcinfo, 0);
	char	   *name_key = text_arg_or_null(fcinfo, 2);
	char	   *floor_key = text_arg_or_null(fcinfo, 3);
	char	   *ceiling_key = text_arg_or_null(fcinfo, 4);
	bool		strict = PG_ARGISNULL(5) ? false : PG_GETARG_BOOL(5);
	text	   *geojson;
	GeoSectorSet set;
	GeoMessage	err;
	MemoryContext cxt;
	MemoryContext old;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {0};
	bool		ok;
	int			i;

	vi_refuse_on_standby("vatsim.load_sectors()");
	if (name == NULL || name[0] == '\0' || PG_ARGISNULL(1) || name_key == NULL)
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("sector_set, geojson and name_key must not be null or empty"));
	geojson = PG_GETARG_TEXT_PP(1);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "vatsim_ingest sectors",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ok = geo_read_geojson(VARDATA_ANY(geojson), VARSIZE_ANY_EXHDR(geojson),
						  name_key, floor_key, ceiling_key, strict, &set, &err);
	MemoryContextSwitchTo(old);
	if (!ok)
		report_geo_error(&err, name);

	for (i = 0; i < set.nrepairs; i++)
		ereport(WARNING,
				errcode(ERRCODE_DATA_EXCEPTION),
				errmsg("sector set \"%s\": feature %d (\"%s\") repaired",
					   name, set.repairs[i].feature, set.repairs[i].name),
				errdetail("%s.", set.repairs[i].text),
				errhint("Pass strict => true to refuse such input instead."));

	check_index_cap(name, &set);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	store_sector_set(name, geojson, name_key, floor_key, ceiling_key, &set);
	SPI_finish();

	values[0] = CStringGetTextDatum(name);
	values[1] = Int32GetDatum(set.nfeatures);
	values[2] = Int32GetDatum(set.nsectors);
	values[3] = Int32GetDatum(set.nrepairs);
	MemoryContextDelete(cxt);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/*
 * Read every set from the tables into the cache: each set's features
 * re-read through the same GeoJSON reader (repairs re-applied silently)
 * in scratch, and a compact copy kept in the cache's context.  The
 * snapshot is a fresh one (see the header comment).
 */
static void
read_all_sets(MemoryContext scratch)
{
	MemoryContext old;
	uint64		row;
	int			rc;

	vi_store_prepare(&load_all_plan,
				  "SELECT s.sector_set, s.name_key, s.floor_key, s.ceiling_key, "
				  "pg_catalog.json_build_object('type', 'FeatureCollection', 'features', "
				  "pg_catalog.json_agg(f.feature ORDER BY f.feature_index))::pg_catalog.text "
				  "FROM vatsim.sector_sets s JOIN vatsim.sector_features f "
				  "ON f.sector_set OPERATOR(pg_catalog.=) s.sector_set "
				  "GROUP BY s.sector_set, s.name_key, s.floor_key, s.ceiling_key "
				  "ORDER BY s.sector_set",
				  0, NULL);
	AcceptInvalidationMessages();
	cache.built_at = sectors_changes;
	rc = SPI_execute_snapshot(load_all_plan, NULL, NULL, GetLatestSnapshot(),
							  InvalidSnapshot, true, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the sector sets: %s",
			 SPI_result_code_string(rc));

	old = MemoryContextSwitchTo(cache.cxt);
	cache.nsets = (int) SPI_processed;
	cache.set_names = palloc0(sizeof(char *) * Max(cache.nsets, 1));
	cache.sets = palloc0(sizeof(GeoSectorSet) * Max(cache.nsets, 1));
	cache.costs = palloc0(sizeof(GeoSetCost) * Max(cache.nsets, 1));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		GeoSectorSet parsed;
		GeoMessage	err;
		char	   *fc;
		bool		ok;

		cache.set_names[row] = SPI_getvalue(tup, desc, 1);
		MemoryContextSwitchTo(scratch);
		fc = SPI_getvalue(tup, desc, 5);
		ok = geo_read_geojson(fc, strlen(fc), SPI_getvalue(tup, desc, 2),
							  SPI_getvalue(tup, desc, 3), SPI_getvalue(tup, desc, 4),
							  false, &parsed, &err);
		MemoryContextSwitchTo(cache.cxt);
		if (!ok)
		{
			MemoryContextSwitchTo(old);
			report_geo_error(&err, cache.set_names[row]);
		}
		if (!geo_copy_set(&parsed, &cache.sets[row]))
			ereport(ERROR,
					errcode(ERRCODE_OUT_OF_MEMORY),
					errmsg("out of memory"),
					errdetail("Could not copy sector set \"%s\" into the sector index.",
							  cache.set_names[row]));
		cache.costs[row] = geo_set_cost(&cache.sets[row]);
		/* the parse tree, the reader's arena and the text */
		MemoryContextReset(scratch);
	}
	MemoryContextSwitchTo(old);
}

/*
 * The index over every set's sectors, and the result rows of sectors_at
 * and sectors_at_points, in the cache's context.
 */
static void
build_index(void)
{
	MemoryContext old = MemoryContextSwitchTo(cache.cxt);
	GeoIndexEntry *entries;
	TupleDesc	row_desc;
	TupleDesc	point_desc;
	int			nentries = 0;
	int			s;

	for (s = 0; s < cache.nsets; s++)
		nentries += cache.sets[s].nsectors;
	entries = palloc(sizeof(GeoIndexEntry) * Max(nentries, 1));
	cache.rows = palloc(sizeof(HeapTuple *) * Max(cache.nsets, 1));
	row_desc = CreateTemplateTupleDesc(2);
	TupleDescInitEntry(row_desc, 1, "sector_set", TEXTOID, -1, 0);
	TupleDescInitEntry(row_desc, 2, "sector", TEXTOID, -1, 0);
	cache.point_rows = palloc(sizeof(HeapTuple *) * Max(cache.nsets, 1));
	point_desc = CreateTemplateTupleDesc(3);
	TupleDescInitEntry(point_desc, 1, "idx", INT4OID, -1, 0);
	TupleDescInitEntry(point_desc, 2, "sector_set", TEXTOID, -1, 0);
	TupleDescInitEntry(point_desc, 3, "sector", TEXTOID, -1, 0);
	nentries = 0;
	for (s = 0; s < cache.nsets; s++)
	{
		int			i;

		cache.rows[s] = palloc(sizeof(HeapTuple) * Max(cache.sets[s].nsectors, 1));
		cache.point_rows[s] = palloc(sizeof(HeapTuple) * Max(cache.sets[s].nsectors, 1));
		for (i = 0; i < cache.sets[s].nsectors; i++)
		{
			Datum		values[3];
			bool		nulls[3] = {0};

			entries[nentries].sector = &cache.sets[s].sectors[i];
			entries[nentries].tag = s;
			values[0] = CStringGetTextDatum(cache.set_names[s]);
			values[1] = CStringGetTextDatum(cache.sets[s].sectors[i].name);
			cache.rows[s][i] = heap_form_tuple(row_desc, values, nulls);
			values[2] = values[1];
			values[1] = values[0];
			values[0] = Int32GetDatum(0);
			cache.point_rows[s][i] = heap_form_tuple(point_desc, values, nulls);
			nentries++;
		}
	}
	cache.index = geo_index_build(entries, nentries);
	cache.nentries = nentries;
	pfree(entries);
	MemoryContextSwitchTo(old);
	if (cache.index == NULL)
		ereport(ERROR,
				errcode(ERRCODE_OUT_OF_MEMORY),
				errmsg("could not build the sector index"));
}

static void
build_cache(void)
{
	MemoryContext scratch;
	int			path_level;

	cache.built = false;
	if (cache.cxt == NULL)
		cache.cxt = AllocSetContextCreate(CacheMemoryContext, "vatsim_ingest sector index",
										  ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(cache.cxt);
	cache.nsets = 0;
	cache.set_names = NULL;
	cache.sets = NULL;
	cache.costs = NULL;
	cache.index = NULL;
	cache.nentries = 0;
	cache.rows = NULL;
	cache.point_rows = NULL;
	features_relid = lookup_features_relid();

	/* a child of the caller's context: an error mid-build frees it too */
	scratch = AllocSetContextCreate(CurrentMemoryContext,
									"vatsim_ingest sector parse",
									ALLOCSET_DEFAULT_SIZES);
	/*
	 * sectors_at has no SET clause (for speed), so this may run under the
	 * caller's search_path: pin it, here only, not on every call.
	 */
	path_level = vi_pin_search_path();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	read_all_sets(scratch);
	SPI_finish();
	vi_unpin_search_path(path_level);
	MemoryContextDelete(scratch);
	build_index();
	cache.built = true;
}

const SectorCacheView *
vi_sectors_lookup_prepare(void)
{
	static SectorCacheView view;

	if (!cache.built || cache.built_at != sectors_changes)
		build_cache();
	view.index = cache.index;
	view.nentries = cache.nentries;
	view.nsets = cache.nsets;
	view.set_names = (const char *const *) cache.set_names;
	view.sets = cache.sets;
	view.point_rows = (const HeapTuple *const *) cache.point_rows;
	return &view;
}

/*
 * The per-call cost matters here (one call per point): the result
 * descriptor comes from the call site, the result buffer is reused, and the
 * function has no SET clause (nothing in it resolves names).
 */
Datum
vatsim_sectors_at(PG_FUNCTION_ARGS)
{
	static const GeoIndexEntry **found = NULL;
	static int	found_cap = 0;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const SectorCacheView *view;
	double		lat;
	double		lon;
	bool		has_alt = !PG_ARGISNULL(2);
	int32		alt = has_alt ? PG_GETARG_INT32(2) : 0;
	text	   *only_set = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	int			n;
	int			i;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	lat = PG_GETARG_FLOAT8(0);
	lon = PG_GETARG_FLOAT8(1);
	if (!(lat >= -90.0 && lat <= 90.0) || !(lon >= -180.0 && lon <= 180.0))
		ereport(ERROR,
				errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				errmsg("point (%g, %g) is outside the globe", lat, lon),
				errhint("Latitude must be within -90..90 and longitude within -180..180."));

	view = vi_sectors_lookup_prepare();
	if (found_cap < view->nentries)
	{
		if (found != NULL)
			pfree(found);
		found = MemoryContextAlloc(TopMemoryContext,
								   sizeof(GeoIndexEntry *) * Max(view->nentries, 64));
		found_cap = Max(view->nentries, 64);
	}
	if (view->nentries == 0)
		PG_RETURN_NULL();
	n = geo_index_lookup(view->index, lon, lat, has_alt, alt, found, found_cap);
	for (i = 0; i < n && i < found_cap; i++)
	{
		int			set = found[i]->tag;
		const char *set_name = view->set_names[set];

		if (only_set != NULL &&
			(strlen(set_name) != VARSIZE_ANY_EXHDR(only_set) ||
			 memcmp(set_name, VARDATA_ANY(only_set), VARSIZE_ANY_EXHDR(only_set)) != 0))
			continue;
		tuplestore_puttuple(rsinfo->setResult,
							cache.rows[set][found[i]->sector - cache.sets[set].sectors]);
	}
	PG_RETURN_NULL();
}
