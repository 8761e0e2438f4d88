/*
 * geo_index_many.c
 *		geo_index_lookup_many: many points through the GeoIndex at once,
 *		for set-based lookups (vatsim.sectors_at_points).
 *
 * Each point is looked up with geo_index_lookup, so the answers are
 * exactly its answers; only the order of the work changes.  Points in
 * random order touch a different grid cell, and so different sectors'
 * edges, each time: over VATSpy (5 MB of index) most of a lookup is cache
 * misses.  Visited by grid cell (a counting sort of the points on their
 * 1 x 1 degree cell, a few ms for 200,000 points), consecutive points
 * share their candidates and edge bands, which doubles the rate.  The
 * matches are then put back in point order with a second counting sort.
 * Few points gain nothing from the sort and skip it.  Pure C: no Postgres
 * headers; memory through cJSON_malloc like the rest of geometry/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "geo_internal.h"

/* cJSON_free of NULL is not safe with every hook (pfree). */
static void
free_if(void *p)
{
	if (p != NULL)
		cJSON_free(p);
}

/* Below this many points the lookups run in the given order. */
#define SORT_MIN_POINTS 1024

#define KEY_COLS 360
#define KEY_ROWS 180

/*
 * The sort key of a point: its 1 x 1 degree cell, row-major, clamped
 * (NaN to 0).  Only locality depends on it, not any answer.
 */
static inline int32_t
cell_key(double lon, double lat)
{
	double		r = lat + 90.0;
	double		c = lon + 180.0;
	int32_t		ri = r >= 0 ? (r < KEY_ROWS ? (int32_t) r : KEY_ROWS - 1) : 0;
	int32_t		ci = c >= 0 ? (c < KEY_COLS ? (int32_t) c : KEY_COLS - 1) : 0;

	return ri * KEY_COLS + ci;
}

/* A point as the lookups read it: copied, in cell order. */
typedef struct SortedPoint
{
	double		lon;
	double		lat;
	int32_t		altitude_ft;
	int32_t		i;				/* the point's number; -1 - i: no altitude */
} SortedPoint;

/*
 * The points, copied in cell order (a counting sort) so that the lookups
 * read them one after the other; NULL when out of memory.  Without the
 * copy, reading lon[order[k]] in that order is itself a cache miss a point.
 */
static SortedPoint *
cell_order(int npoints, const double *lon, const double *lat,
		   const int32_t *altitude_ft, const bool *has_altitude)
{
	int32_t    *start = cJSON_malloc(sizeof(int32_t) * (KEY_ROWS * KEY_COLS + 1));
	SortedPoint *sorted = cJSON_malloc(sizeof(SortedPoint) * (size_t) npoints);
	int			i;

	if (start == NULL || sorted == NULL)
	{
		free_if(start);
		free_if(sorted);
		return NULL;
	}
	memset(start, 0, sizeof(int32_t) * (KEY_ROWS * KEY_COLS + 1));
	for (i = 0; i < npoints; i++)
		start[cell_key(lon[i], lat[i]) + 1]++;
	for (i = 0; i < KEY_ROWS * KEY_COLS; i++)
		start[i + 1] += start[i];
	for (i = 0; i < npoints; i++)
	{
		SortedPoint *p = &sorted[start[cell_key(lon[i], lat[i])]++];
		bool		has_alt = altitude_ft != NULL &&
			(has_altitude == NULL || has_altitude[i]);

		p->lon = lon[i];
		p->lat = lat[i];
		p->altitude_ft = has_alt ? altitude_ft[i] : 0;
		p->i = has_alt ? i : -1 - i;
	}
	free_if(start);
	return sorted;
}

/* Room for n more matches in *buf (capacity *cap, *used used). */
static bool
reserve_matches(GeoMatch **buf, int64_t *cap, int64_t used, int64_t n)
{
	GeoMatch   *bigger;
	int64_t		newcap;

	if (used + n <= *cap)
		return true;
	newcap = *cap * 2 > used + n ? *cap * 2 : used + n;
	if ((uint64_t) newcap > SIZE_MAX / sizeof(GeoMatch))
		return false;
	bigger = cJSON_malloc(sizeof(GeoMatch) * (size_t) newcap);
	if (bigger == NULL)
		return false;
	if (used > 0)
		memcpy(bigger, *buf, sizeof(GeoMatch) * (size_t) used);
	free_if(*buf);
	*buf = bigger;
	*cap = newcap;
	return true;
}

int64_t
geo_index_lookup_many(const GeoIndex *index, int npoints,
					  const double *lon, const double *lat,
					  const int32_t *altitude_ft, const bool *has_altitude,
					  GeoMatch **matches)
{
	int			nentries = geo_index_nentries(index);
	const GeoIndexEntry **found = NULL;
	SortedPoint *order = NULL;
	int64_t    *start = NULL;	/* matches of each point, then where they go */
	GeoMatch   *got = NULL;		/* in the order of the work */
	GeoMatch   *sorted = NULL;
	int64_t		cap = 0;
	int64_t		first_cap = (int64_t) npoints + npoints / 2;
	int64_t		n = 0;
	int			k;

	*matches = NULL;
	if (npoints <= 0 || nentries == 0)
		return 0;
	found = cJSON_malloc(sizeof(GeoIndexEntry *) * (size_t) nentries);
	start = cJSON_malloc(sizeof(int64_t) * (size_t) npoints);
	if (npoints >= SORT_MIN_POINTS)
		order = cell_order(npoints, lon, lat, altitude_ft, has_altitude);
	if (found == NULL || start == NULL || (npoints >= SORT_MIN_POINTS && order == NULL))
		goto oom;

	for (k = 0; k < npoints; k++)
	{
		int			i;
		bool		has_alt;
		int			m;
		int			j;

		if (order != NULL)
		{
			const SortedPoint *p = &order[k];

			has_alt = p->i >= 0;
			i = has_alt ? p->i : -1 - p->i;
			m = geo_index_lookup(index, p->lon, p->lat, has_alt, p->altitude_ft,
								 found, nentries);
		}
		else
		{
			i = k;
			has_alt = altitude_ft != NULL &&
				(has_altitude == NULL || has_altitude[i]);
			m = geo_index_lookup(index, lon[i], lat[i], has_alt,
								 has_alt ? altitude_ft[i] : 0, found, nentries);
		}
		start[i] = m;
		if (m == 0)
			continue;
		/* room for 1.5 matches a point at first (VATSpy: 1.55 worldwide) */
		if (!reserve_matches(&got, &cap, n,
							 cap == 0 && m < first_cap ? first_cap : m))
			goto oom;
		for (j = 0; j < m; j++)
		{
			got[n].point = i;
			got[n].entry = found[j];
			n++;
		}
	}

	/* back in point order (each point's matches are together, in order) */
	if (order != NULL && n > 0)
	{
		int64_t		sum = 0;
		int64_t		j;

		sorted = cJSON_malloc(sizeof(GeoMatch) * (size_t) n);
		if (sorted == NULL)
			goto oom;
		for (k = 0; k < npoints; k++)
		{
			int64_t		c = start[k];

			start[k] = sum;
			sum += c;
		}
		for (j = 0; j < n; j++)
			sorted[start[got[j].point]++] = got[j];
		free_if(got);
		got = sorted;
	}
	free_if(found);
	free_if(start);
	free_if(order);
	*matches = got;
	return n;

oom:
	free_if(found);
	free_if(start);
	free_if(order);
	free_if(got);
	return -1;
}

void
geo_free_matches(GeoMatch *matches)
{
	if (matches != NULL)
		cJSON_free(matches);
}
