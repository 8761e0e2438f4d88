/*
 * sectors_points.c
 *		vatsim.sectors_at_points(): every sector containing each of many
 *		points, in one call (README, "Point in sector").
 *
 * The set-based form of sectors_at (sectors.c): arrays of latitudes,
 * longitudes and optionally altitudes in, (1-based point number, set,
 * sector) rows out, by point number and then in sectors_at's order.  It
 * looks points up in the same cached index, by the same rules, a chunk of
 * points at a time through geo_index_lookup_many (which visits them in
 * grid-cell order), and writes every row into one materialised tuplestore
 * in a single pass: a row is a
 * copy of a tuple formed once per index build (sectors.c) with only its
 * point number patched in, so a point costs its lookup and a copy per
 * sector found, and the call costs one SRF call whatever the number of
 * points.
 *
 * Element rules (the single form's, element by element):
 *	- a NULL latitude or longitude: the point is skipped (no rows), as
 *	  sectors_at(NULL, ...) returns none;
 *	- NaN or out of range (latitude beyond +-90, longitude beyond +-180):
 *	  an error naming the point's number;
 *	- a NULL altitude, or no altitudes array: no altitude (only sectors
 *	  without a band match).
 * The arrays are read as one-dimensional and numbered from 1 whatever
 * their lower bound; arrays of different lengths are an error.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "geometry.h"
#include "sectors.h"

PG_FUNCTION_INFO_V1(vatsim_sectors_at_points);

/* One argument array, read in place: elements and NULL bitmap. */
typedef struct PointColumn
{
	const char *data;			/* the non-NULL elements, packed */
	const bits8 *nulls;			/* NULL when the array has none */
	int			n;
} PointColumn;

/*
 * The array argument argno as a PointColumn (float8[] or int4[]: fixed
 * width, aligned elements).  A NULL argument gives n = -1.
 */
static PointColumn
point_column(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	PointColumn col = {NULL, NULL, -1};
	ArrayType  *a;

	if (PG_ARGISNULL(argno))
		return col;
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				errmsg("%s must be a one-dimensional array", argname),
				errdetail("It has %d dimensions.", ARR_NDIM(a)),
				errhint("Pass one element a point."));
	col.n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	/* ARR_DATA_PTR spelt out: its ?: mixes signedness (-Wsign-compare) */
	col.data = (const char *) a + (ARR_HASNULL(a) ? (size_t) a->dataoffset :
								   ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
	col.nulls = ARR_NULLBITMAP(a);
	return col;
}

/*
 * Element i of the column (width bytes), advancing past it; NULL for a
 * NULL element.  Called for every i in order.
 */
static inline const char *
next_element(PointColumn *col, int i, size_t width)
{
	const char *p = col->data;

	if (col->nulls != NULL && att_isnull(i, col->nulls))
		return NULL;
	col->data += width;
	return p;
}

/* The tag of the set named only_set, or -1 when no set has that name. */
static int
set_tag(const SectorCacheView *view, text *only_set)
{
	int			s;

	for (s = 0; s < view->nsets; s++)
	{
		const char *name = view->set_names[s];

		if (strlen(name) == VARSIZE_ANY_EXHDR(only_set) &&
			memcmp(name, VARDATA_ANY(only_set), VARSIZE_ANY_EXHDR(only_set)) == 0)
			return s;
	}
	return -1;
}

/*
 * The points of one chunk, NULLs left out: what geo_index_lookup_many
 * takes, and each one's number (1-based).
 */
typedef struct PointChunk
{
	int			n;
	double	   *lon;
	double	   *lat;
	int32	   *alt;
	bool	   *has_alt;
	int32	   *idx;
} PointChunk;

/*
 * Read points first..first+count-1 (0-based) of the arrays into *chunk,
 * refusing any outside the globe.
 */
static void
read_chunk(PointColumn *lats, PointColumn *lons, PointColumn *alts,
		   int first, int count, PointChunk *chunk)
{
	int			i;

	chunk->n = 0;
	for (i = first; i < first + count; i++)
	{
		const char *plat = next_element(lats, i, sizeof(double));
		const char *plon = next_element(lons, i, sizeof(double));
		const char *palt = alts->n >= 0 ? next_element(alts, i, sizeof(int32)) : NULL;
		double		lat;
		double		lon;
		int			k = chunk->n;

		if (plat == NULL || plon == NULL)
			continue;
		lat = *(const double *) plat;
		lon = *(const double *) plon;
		if (!(lat >= -90.0 && lat <= 90.0) || !(lon >= -180.0 && lon <= 180.0))
			ereport(ERROR,
					errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					errmsg("point %d (%g, %g) is outside the globe", i + 1, lat, lon),
					errdetail("Point %d is element %d of latitudes and of longitudes, counting from 1.",
							  i + 1, i + 1),
					errhint("Latitude must be within -90..90 and longitude within -180..180."));
		chunk->lon[k] = lon;
		chunk->lat[k] = lat;
		chunk->has_alt[k] = palt != NULL;
		chunk->alt[k] = palt != NULL ? *(const int32 *) palt : 0;
		chunk->idx[k] = i + 1;
		chunk->n++;
	}
}

/* Points looked up together: bounds the memory of the matches. */
#define CHUNK_POINTS (1 << 20)

Datum
vatsim_sectors_at_points(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PointColumn lats;
	PointColumn lons;
	PointColumn alts;
	PointChunk	chunk;
	const SectorCacheView *view;
	int			only_tag = -1;
	int			chunk_cap;
	int			first;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	lats = point_column(fcinfo, 0, "latitudes");
	lons = point_column(fcinfo, 1, "longitudes");
	alts = point_column(fcinfo, 2, "altitudes_ft");
	if (lats.n < 0 || lons.n < 0)
		PG_RETURN_NULL();
	if (lats.n != lons.n || (alts.n >= 0 && alts.n != lats.n))
		ereport(ERROR,
				errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				errmsg("latitudes, longitudes and altitudes_ft must have the same length"),
				alts.n >= 0 ?
				errdetail("latitudes has %d elements, longitudes %d, altitudes_ft %d.",
						  lats.n, lons.n, alts.n) :
				errdetail("latitudes has %d elements, longitudes %d.", lats.n, lons.n),
				errhint("Element i of each array is point i; pass NULL as altitudes_ft for no altitudes."));

	view = vi_sectors_lookup_prepare();
	if (!PG_ARGISNULL(3))
	{
		only_tag = set_tag(view, PG_GETARG_TEXT_PP(3));
		if (only_tag < 0)
			view = NULL;		/* no such set: no rows, but check the points */
	}

	chunk_cap = Min(lats.n, CHUNK_POINTS);
	chunk.lon = palloc(sizeof(double) * Max(chunk_cap, 1));
	chunk.lat = palloc(sizeof(double) * Max(chunk_cap, 1));
	chunk.alt = palloc(sizeof(int32) * Max(chunk_cap, 1));
	chunk.has_alt = palloc(sizeof(bool) * Max(chunk_cap, 1));
	chunk.idx = palloc(sizeof(int32) * Max(chunk_cap, 1));
	for (first = 0; first < lats.n; first += chunk_cap)
	{
		GeoMatch   *matches;
		int64		n;
		int64		k;

		CHECK_FOR_INTERRUPTS();
		read_chunk(&lats, &lons, &alts, first, Min(chunk_cap, lats.n - first), &chunk);
		if (view == NULL || view->nentries == 0)
			continue;
		n = geo_index_lookup_many(view->index, chunk.n, chunk.lon, chunk.lat,
								  alts.n >= 0 ? chunk.alt : NULL, chunk.has_alt,
								  &matches);
		if (n < 0)
			ereport(ERROR,
					errcode(ERRCODE_OUT_OF_MEMORY),
					errmsg("out of memory"),
					errdetail("Could not look up %d points at once.", chunk.n));
		for (k = 0; k < n; k++)
		{
			const GeoIndexEntry *e = matches[k].entry;
			HeapTuple	row;

			if (only_tag >= 0 && e->tag != only_tag)
				continue;
			row = view->point_rows[e->tag][e->sector - view->sets[e->tag].sectors];
			/* idx is the first column: int4, never NULL, at the data's start */
			*(int32 *) ((char *) row->t_data + row->t_data->t_hoff) =
				chunk.idx[matches[k].point];
			tuplestore_puttuple(rsinfo->setResult, row);
		}
		geo_free_matches(matches);
	}
	PG_RETURN_NULL();
}
