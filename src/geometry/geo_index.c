/*
 * geo_index.c
 *		GeoIndex: a spatial index over the sectors of one or more sets.
 *
 * A 1 x 1 degree grid over -180..180 x -90..90 of the entries whose
 * polygons' bounding boxes touch each cell (boxes beyond +-180 wrap
 * around); a lookup looks at the cells of lon, lon + 360 and lon - 360 and
 * runs geo_sector_contains_3d on each candidate, so it returns exactly
 * what a loop over all entries would.
 *
 * A sector whose polygons' boxes cover more than GEO_INDEX_BIG_CELLS cells
 * (a whole ocean, the globe) is not put in the grid but in a list of big
 * entries that every lookup also checks: so the grid holds at most that
 * many cells per entry, and its memory follows what is covered, whatever
 * the sectors' size (in 0.3.0 3,000 whole-globe features took 800 MB).
 * geo_index_sector_bytes() is what one entry costs, for the load-time cap
 * (geometry.h).  Pure C: no Postgres headers.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "geo_internal.h"

/* The index grid: 1 degree cells. */
#define GRID_COLS 360
#define GRID_ROWS 180
#define GRID_CELLS (GRID_COLS * GRID_ROWS)

struct GeoIndex
{
	int			nentries;
	GeoIndexEntry *entries;		/* copies of the caller's */
	int32_t    *cell_start;		/* GRID_CELLS + 1, cell = row * 360 + col */
	int32_t    *items;			/* entry numbers, ascending in each cell */
	int			nbig;
	int32_t    *big;			/* entries not in the grid, ascending */
	size_t		bytes;			/* of the block the index is */
};

/* Column of a floor()ed x + 180, wrapped into 0..359. */
static inline int
wrap_col(double c)
{
	if (!isfinite(c))
		return 0;
	/* c is whole (a floor): one turn either way is exact, and no fmod */
	if (c >= 0 && c < GRID_COLS)
		return (int) c;
	if (c >= GRID_COLS && c < 2 * GRID_COLS)
		return (int) (c - GRID_COLS);
	if (c < 0 && c >= -GRID_COLS)
		return (int) (c + GRID_COLS);
	c = fmod(c, (double) GRID_COLS);
	if (c < 0)
		c += GRID_COLS;
	return (int) c;
}

static inline int
row_of(double lat)
{
	double		r = floor(lat + 90.0);

	if (!(r > 0))
		return 0;
	if (r >= GRID_ROWS - 1)
		return GRID_ROWS - 1;
	return (int) r;
}

/*
 * The cells of a polygon's box: rows r0..r1, columns c0 .. c0 + ncols - 1
 * (mod 360).  False when the box is empty (NaN, min > max): the polygon
 * can contain no point.  A point t with min_lon <= t <= max_lon has
 * floor(t + 180) between floor(min_lon + 180) and floor(max_lon + 180)
 * (rounding and floor are monotonic), so its column is among these.
 */
static bool
polygon_cells(const GeoPolygon *p, int *r0, int *r1, int *c0, int *ncols)
{
	double		a;
	double		b;

	if (!(p->min_lat <= p->max_lat) || !(p->min_lon <= p->max_lon))
		return false;
	*r0 = row_of(p->min_lat);
	*r1 = row_of(p->max_lat);
	a = floor(p->min_lon + 180.0);
	b = floor(p->max_lon + 180.0);
	if (!isfinite(a) || !isfinite(b) || b - a >= GRID_COLS - 1)
	{
		*c0 = 0;
		*ncols = GRID_COLS;
	}
	else
	{
		*c0 = wrap_col(a);
		*ncols = (int) (b - a) + 1;
	}
	return true;
}

/*
 * The grid cells a sector's polygons cover, counting a cell once per
 * polygon touching it; stops counting past GEO_INDEX_BIG_CELLS.
 */
static size_t
sector_cells(const GeoSector *s)
{
	size_t		cells = 0;
	int			p;

	for (p = 0; p < s->npolygons && cells <= GEO_INDEX_BIG_CELLS; p++)
	{
		int			r0,
					r1,
					c0,
					ncols;

		if (polygon_cells(&s->polygons[p], &r0, &r1, &c0, &ncols))
			cells += (size_t) (r1 - r0 + 1) * (size_t) ncols;
	}
	return cells;
}

static inline bool
sector_is_big(const GeoSector *s)
{
	return sector_cells(s) > GEO_INDEX_BIG_CELLS;
}

size_t
geo_index_sector_bytes(const GeoSector *sector)
{
	size_t		cells = sector_cells(sector);

	if (cells > GEO_INDEX_BIG_CELLS)
		cells = 1;				/* its place in the big list */
	return sizeof(GeoIndexEntry) + cells * sizeof(int32_t);
}

size_t
geo_index_bytes(const GeoIndex *index)
{
	return index == NULL ? 0 : index->bytes;
}

int
geo_index_nentries(const GeoIndex *index)
{
	return index == NULL ? 0 : index->nentries;
}

/*
 * Visit the cells of each entry's polygons once per entry: with fill NULL
 * counts into counts[cell], else appends the entry number at
 * fill[counts[cell]++].  stamp (GRID_CELLS) holds the last entry + 1 seen
 * in each cell.  Big entries are skipped.  Returns the number of (cell,
 * entry) pairs.
 */
static size_t
index_pass(const GeoIndexEntry *entries, int nentries, int32_t *stamp,
		   int32_t *counts, int32_t *fill)
{
	size_t		total = 0;
	int			e;

	memset(stamp, 0, GRID_CELLS * sizeof(int32_t));
	for (e = 0; e < nentries; e++)
	{
		const GeoSector *s = entries[e].sector;
		int			p;

		if (s == NULL || sector_is_big(s))
			continue;
		for (p = 0; p < s->npolygons; p++)
		{
			int			r0,
						r1,
						c0,
						ncols,
						r,
						k;

			if (!polygon_cells(&s->polygons[p], &r0, &r1, &c0, &ncols))
				continue;
			for (r = r0; r <= r1; r++)
			{
				for (k = 0; k < ncols; k++)
				{
					int			cell = r * GRID_COLS + (c0 + k) % GRID_COLS;

					if (stamp[cell] == e + 1)
						continue;
					stamp[cell] = e + 1;
					total++;
					if (fill != NULL)
						fill[counts[cell]++] = e;
					else
						counts[cell]++;
				}
			}
		}
	}
	return total;
}

GeoIndex *
geo_index_build(const GeoIndexEntry *entries, int nentries)
{
	GeoIndex   *index;
	int32_t    *tmp;
	size_t		total;
	size_t		head;
	size_t		size;
	char	   *mem;
	int			nbig = 0;
	int			i;

	if (nentries < 0 || nentries == INT32_MAX)
		return NULL;
	for (i = 0; i < nentries; i++)
	{
		if (entries[i].sector != NULL && sector_is_big(entries[i].sector))
			nbig++;
	}
	tmp = cJSON_malloc(2 * (size_t) GRID_CELLS * sizeof(int32_t));
	if (tmp == NULL)
		return NULL;
	memset(tmp + GRID_CELLS, 0, GRID_CELLS * sizeof(int32_t));
	total = index_pass(entries, nentries, tmp, tmp + GRID_CELLS, NULL);
	if (total > INT32_MAX)
	{
		cJSON_free(tmp);
		return NULL;
	}

	head = (sizeof(GeoIndex) + 7) & ~(size_t) 7;
	size = head + (size_t) nentries * sizeof(GeoIndexEntry) +
		((size_t) GRID_CELLS + 1 + total + (size_t) nbig) * sizeof(int32_t);
	mem = cJSON_malloc(size);
	if (mem == NULL)
	{
		cJSON_free(tmp);
		return NULL;
	}
	index = (GeoIndex *) mem;
	index->bytes = size;
	index->nentries = nentries;
	index->entries = (GeoIndexEntry *) (mem + head);
	index->cell_start = (int32_t *) (index->entries + nentries);
	index->items = index->cell_start + GRID_CELLS + 1;
	index->big = index->items + total;
	index->nbig = nbig;
	if (nentries > 0)
		memcpy(index->entries, entries,
			   (size_t) nentries * sizeof(GeoIndexEntry));
	for (i = 0, nbig = 0; i < nentries; i++)
	{
		if (entries[i].sector != NULL && sector_is_big(entries[i].sector))
			index->big[nbig++] = i;
	}

	/* cell_start from the counts; the fill cursor is a copy */
	index->cell_start[0] = 0;
	for (i = 0; i < GRID_CELLS; i++)
		index->cell_start[i + 1] = index->cell_start[i] + tmp[GRID_CELLS + i];
	memcpy(tmp + GRID_CELLS, index->cell_start, GRID_CELLS * sizeof(int32_t));
	index_pass(entries, nentries, tmp, tmp + GRID_CELLS, index->items);
	cJSON_free(tmp);
	return index;
}

void
geo_index_free(GeoIndex *index)
{
	if (index != NULL)
		cJSON_free(index);
}

/*
 * The candidate lists of a point: the cells of lon, lon + 360 and lon - 360
 * (the same shifted longitudes as geo_sector_contains tests), each once,
 * then the big entries if any.  Returns how many lists (at most 4).
 */
static int
candidate_lists(const GeoIndex *index, double lon, double lat,
				const int32_t **it, const int32_t **end)
{
	int			cols[3];
	int			ncols = 0;
	int			row = row_of(lat);
	int			i;
	int			j;

	for (i = 0; i < 3; i++)
	{
		double		t = i == 0 ? lon : i == 1 ? lon + 360.0 : lon - 360.0;
		int			c = wrap_col(floor(t + 180.0));

		for (j = 0; j < ncols; j++)
		{
			if (cols[j] == c)
				break;
		}
		if (j == ncols)
			cols[ncols++] = c;
	}
	for (i = 0; i < ncols; i++)
	{
		int			cell = row * GRID_COLS + cols[i];

		it[i] = index->items + index->cell_start[cell];
		end[i] = index->items + index->cell_start[cell + 1];
	}
	if (index->nbig == 0)
		return ncols;
	it[ncols] = index->big;
	end[ncols] = index->big + index->nbig;
	return ncols + 1;
}

int
geo_index_lookup(const GeoIndex *index, double lon, double lat,
				 bool has_altitude, int32_t altitude_ft,
				 const GeoIndexEntry **out, int max)
{
	const int32_t *it[4];
	const int32_t *end[4];
	int			nlists;
	int			count = 0;
	int			i;

	if (index == NULL || isnan(lat) || isnan(lon))
		return 0;
	nlists = candidate_lists(index, lon, lat, it, end);

	/* merge the (ascending) candidate lists: entry order, each once */
	for (;;)
	{
		const GeoIndexEntry *e;
		int32_t		best = INT32_MAX;

		for (i = 0; i < nlists; i++)
		{
			if (it[i] < end[i] && *it[i] < best)
				best = *it[i];
		}
		if (best == INT32_MAX)
			break;
		for (i = 0; i < nlists; i++)
		{
			if (it[i] < end[i] && *it[i] == best)
				it[i]++;
		}
		e = &index->entries[best];
		if (geo_sector_contains_3d(e->sector, lon, lat, has_altitude,
								   altitude_ft))
		{
			if (count < max && out != NULL)
				out[count] = e;
			count++;
		}
	}
	return count;
}
