/*-------------------------------------------------------------------------
 *
 * geometry.c
 *		Stage 5 of the pipeline: airspace sectors read from GeoJSON,
 *		point-in-polygon and a spatial index (see geometry.h for the rules).
 *
 * This file owns:
 *	- geo_read_geojson(): a FeatureCollection of Polygon / MultiPolygon
 *	  features into a GeoSectorSet.  Every error names the feature (index
 *	  and name) and says what is wrong in one sentence; the one repair
 *	  (closing an unclosed ring) is listed in set->repairs, or is an error
 *	  in strict mode.  Polygons and rings are numbered from 0 in messages,
 *	  as JSON array positions are: "polygon 1" is coordinates[1] of a
 *	  MultiPolygon, "hole 1" is the first hole (ring 1 of its polygon).
 *	- longitude unwrapping: each ring is walked so that no step is longer
 *	  than 180 degrees (adding multiples of 360), holes are moved by a
 *	  multiple of 360 next to their outer ring, and each polygon is moved so
 *	  that its west edge lies in -180..180.  A point is then tested at lon,
 *	  lon + 360 and lon - 360.  A ring whose longitudes turn by 360 degrees
 *	  (it goes around a pole) cannot be made continuous and is an error.
 *	- point in polygon: the winding number of each ring, as signed
 *	  crossings of the ray going east from the point.  An edge counts when
 *	  its lower end <= lat < its upper end and the point is strictly west of
 *	  it: so a point on a vertical or slanted edge belongs to the polygon to
 *	  its east, and a point on a horizontal edge to the polygon to its north
 *	  (geometry.h, "Boundary rule").  Each edge is evaluated from its lower
 *	  end to its upper end whatever the ring's direction, so two sectors
 *	  sharing an edge compute bit for bit the same crossing for it and a
 *	  point on it lands in exactly one of them.
 *	- per ring, at read time, its edges bucketed into latitude bands
 *	  (struct GeoRingEdges): a test reads only the edges of the point's
 *	  band, upward ones first, then downward ones.  A ring built by hand
 *	  (edges NULL) is scanned point by point with the same arithmetic.
 *	- GeoIndex: a 1 x 1 degree grid over -180..180 x -90..90 of the entries
 *	  whose polygons' bounding boxes touch each cell (boxes beyond +-180
 *	  wrap around); a lookup looks at the cells of lon, lon + 360 and
 *	  lon - 360 and runs geo_sector_contains_3d on each candidate, so it
 *	  returns exactly what a loop over all entries would.
 *
 * The JSON document checks (empty input, UTF-8, depth, syntax, a top-level
 * object) and the helpers that word messages are feed_parse.c's (feed.h).
 *
 * Pure C11 + cJSON + libm: no Postgres headers.  Every allocation goes
 * through cJSON_malloc / cJSON_free, so the hooks installed with
 * cJSON_InitHooks (palloc in the extension, malloc by default) serve it
 * all.  A sector set lives in a few big arena blocks (set->arena); an index
 * is one block.  When an allocation returns NULL the reader fails with "out
 * of memory" and frees what it had.
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "feed.h"
#include "geometry.h"

/* cJSON type tests without a function call each */
#define JTYPE(v)		((v)->type & 0xFF)
#define J_IS_NULL(v)	(JTYPE(v) == cJSON_NULL)
#define J_IS_NUMBER(v)	(JTYPE(v) == cJSON_Number)
#define J_IS_STRING(v)	(JTYPE(v) == cJSON_String)
#define J_IS_ARRAY(v)	(JTYPE(v) == cJSON_Array)
#define J_IS_OBJECT(v)	(JTYPE(v) == cJSON_Object)

/* The index grid: 1 degree cells. */
#define GRID_COLS 360
#define GRID_ROWS 180
#define GRID_CELLS (GRID_COLS * GRID_ROWS)


/* ------------------------------------------------------------------------
 * Arena: a list of blocks from cJSON_malloc, bump allocation, freed whole
 * ------------------------------------------------------------------------
 */

#define ARENA_ALIGN 8
#define ARENA_FIRST_BLOCK ((size_t) 64 * 1024)
#define ARENA_MAX_BLOCK ((size_t) 16 * 1024 * 1024)

typedef struct ArenaBlock
{
	struct ArenaBlock *next;
	size_t		size;			/* bytes of data after the header */
	size_t		used;
} ArenaBlock;

#define ARENA_HEADER \
	((sizeof(ArenaBlock) + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1))

typedef struct Arena
{
	ArenaBlock *blocks;			/* newest first */
	size_t		next_size;
} Arena;

static Arena *
arena_create(size_t first_size)
{
	Arena	   *a = cJSON_malloc(sizeof(Arena));

	if (a == NULL)
		return NULL;
	a->blocks = NULL;
	a->next_size = first_size < ARENA_FIRST_BLOCK ? ARENA_FIRST_BLOCK :
		first_size > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : first_size;
	return a;
}

static void
arena_destroy(Arena *a)
{
	ArenaBlock *b;
	ArenaBlock *next;

	if (a == NULL)
		return;
	for (b = a->blocks; b != NULL; b = next)
	{
		next = b->next;
		cJSON_free(b);
	}
	cJSON_free(a);
}

/*
 * n bytes aligned to ARENA_ALIGN, or NULL when out of memory.  A request of
 * half a block or more gets a block of its own, linked behind the current
 * one, which goes on serving small requests.
 */
static void *
arena_alloc(Arena *a, size_t n)
{
	ArenaBlock *b = a->blocks;
	void	   *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = n == 0 ? ARENA_ALIGN : (n + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
	if (b != NULL && b->size - b->used >= n)
	{
		p = (char *) b + ARENA_HEADER + b->used;
		b->used += n;
		return p;
	}
	if (b != NULL && n >= a->next_size / 2)
	{
		b = cJSON_malloc(ARENA_HEADER + n);
		if (b == NULL)
			return NULL;
		b->size = n;
		b->used = n;
		b->next = a->blocks->next;
		a->blocks->next = b;
		return (char *) b + ARENA_HEADER;
	}
	b = cJSON_malloc(ARENA_HEADER + (a->next_size > n ? a->next_size : n));
	if (b == NULL)
		return NULL;
	b->size = a->next_size > n ? a->next_size : n;
	b->used = n;
	b->next = a->blocks;
	a->blocks = b;
	if (a->next_size < ARENA_MAX_BLOCK)
		a->next_size *= 2;
	return (char *) b + ARENA_HEADER;
}

static void *
arena_array(Arena *a, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / 2 / size)
		return NULL;
	return arena_alloc(a, count * size);
}

static char *
arena_strdup(Arena *a, const char *s)
{
	size_t		n = strlen(s) + 1;
	char	   *p = arena_alloc(a, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}


/* ------------------------------------------------------------------------
 * Point in polygon
 * ------------------------------------------------------------------------
 */

/* An edge from its lower end (xl, yl) to its upper end (xu, yu): yl < yu. */
typedef struct GeoEdge
{
	double		xl;
	double		yl;
	double		xu;
	double		yu;
} GeoEdge;

/*
 * A ring's non-horizontal edges, by latitude band: band b covers
 * min_lat + b / scale .. min_lat + (b + 1) / scale and holds every edge
 * whose latitude range touches it.  Its upward edges (in the ring's
 * direction) are edges[start[2b] .. start[2b+1]), its downward edges
 * edges[start[2b+1] .. start[2b+2]).  nbands 0: no such edge.
 */
struct GeoRingEdges
{
	double		min_lat;
	double		max_lat;
	double		scale;			/* bands per degree */
	int			nbands;
	const int32_t *start;		/* 2 * nbands + 1 */
	const GeoEdge *edges;
};

/*
 * Does the ray going east from (px, py) cross the edge (lower end first)?
 * Half-open in latitude; strictly west of the edge.  Written as a
 * comparison of two products (not their difference) so that no compiler
 * contracts it into a fused multiply-add at one call site and not at
 * another: every caller gets the same answer for the same edge.
 */
static inline bool
edge_crosses(double xl, double yl, double xu, double yu, double px, double py)
{
	return yl <= py && py < yu &&
		(xu - xl) * (py - yl) > (px - xl) * (yu - yl);
}

static inline int
band_of(const struct GeoRingEdges *e, double y)
{
	double		f = (y - e->min_lat) * e->scale;

	if (!(f > 0))
		return 0;
	if (f >= (double) e->nbands)
		return e->nbands - 1;
	return (int) f;
}

/* Winding number of the ring around (px, py), signed crossings. */
static int
ring_winding(const GeoRing *ring, double px, double py)
{
	const struct GeoRingEdges *e = ring->edges;
	int			wn = 0;
	int			i;

	if (e != NULL)
	{
		const GeoEdge *g;
		int			b;
		int			end;

		if (!(py >= e->min_lat && py < e->max_lat) || e->nbands == 0)
			return 0;
		b = band_of(e, py);
		end = e->start[2 * b + 1];
		for (i = e->start[2 * b]; i < end; i++)
		{
			g = &e->edges[i];
			if (edge_crosses(g->xl, g->yl, g->xu, g->yu, px, py))
				wn++;
		}
		end = e->start[2 * b + 2];
		for (; i < end; i++)
		{
			g = &e->edges[i];
			if (edge_crosses(g->xl, g->yl, g->xu, g->yu, px, py))
				wn--;
		}
		return wn;
	}

	for (i = 0; i + 1 < ring->npoints; i++)
	{
		const GeoPoint *a = &ring->points[i];
		const GeoPoint *b = &ring->points[i + 1];

		if (a->lat < b->lat)
		{
			if (edge_crosses(a->lon, a->lat, b->lon, b->lat, px, py))
				wn++;
		}
		else if (a->lat > b->lat)
		{
			if (edge_crosses(b->lon, b->lat, a->lon, a->lat, px, py))
				wn--;
		}
	}
	return wn;
}

/* The polygon at exactly (x, y), latitude already inside its box. */
static bool
polygon_contains_at(const GeoPolygon *poly, double x, double y)
{
	int			r;

	if (!(x >= poly->min_lon && x <= poly->max_lon) || poly->nrings < 1)
		return false;
	if (ring_winding(&poly->rings[0], x, y) == 0)
		return false;
	for (r = 1; r < poly->nrings; r++)
	{
		if (ring_winding(&poly->rings[r], x, y) != 0)
			return false;
	}
	return true;
}

bool
geo_polygon_contains(const GeoPolygon *poly, double lon, double lat)
{
	if (!(lat >= poly->min_lat && lat <= poly->max_lat))
		return false;
	return polygon_contains_at(poly, lon, lat) ||
		polygon_contains_at(poly, lon + 360.0, lat) ||
		polygon_contains_at(poly, lon - 360.0, lat);
}

bool
geo_sector_contains(const GeoSector *sector, double lon, double lat)
{
	double		t[3];
	int			i;
	int			p;

	if (!(lat >= sector->min_lat && lat <= sector->max_lat))
		return false;
	t[0] = lon;
	t[1] = lon + 360.0;
	t[2] = lon - 360.0;
	for (i = 0; i < 3; i++)
	{
		if (!(t[i] >= sector->min_lon && t[i] <= sector->max_lon))
			continue;
		for (p = 0; p < sector->npolygons; p++)
		{
			const GeoPolygon *poly = &sector->polygons[p];

			if (lat >= poly->min_lat && lat <= poly->max_lat &&
				polygon_contains_at(poly, t[i], lat))
				return true;
		}
	}
	return false;
}

static inline bool
band_contains(const GeoSector *sector, bool has_altitude, int32_t altitude_ft)
{
	if (!has_altitude)
		return sector->floor_ft == GEO_NO_FLOOR &&
			sector->ceiling_ft == GEO_NO_CEILING;
	if (sector->floor_ft != GEO_NO_FLOOR && altitude_ft < sector->floor_ft)
		return false;
	if (sector->ceiling_ft != GEO_NO_CEILING &&
		altitude_ft >= sector->ceiling_ft)
		return false;
	return true;
}

bool
geo_sector_contains_3d(const GeoSector *sector, double lon, double lat,
					   bool has_altitude, int32_t altitude_ft)
{
	return band_contains(sector, has_altitude, altitude_ft) &&
		geo_sector_contains(sector, lon, lat);
}


/* ------------------------------------------------------------------------
 * Building a ring's bands
 * ------------------------------------------------------------------------
 */

/* Total band entries for the ring's edges with e->nbands / e->scale set. */
static size_t
count_band_entries(const struct GeoRingEdges *e, const GeoRing *ring)
{
	size_t		total = 0;
	int			i;

	for (i = 0; i + 1 < ring->npoints; i++)
	{
		double		y0 = ring->points[i].lat;
		double		y1 = ring->points[i + 1].lat;

		if (y0 < y1)
			total += (size_t) (band_of(e, y1) - band_of(e, y0) + 1);
		else if (y0 > y1)
			total += (size_t) (band_of(e, y0) - band_of(e, y1) + 1);
	}
	return total;
}

/*
 * About 4 edges per band; fewer bands when long edges would be copied into
 * too many of them.
 */
static bool
build_ring_edges(Arena *arena, GeoRing *ring)
{
	struct GeoRingEdges *e;
	int32_t    *start;
	GeoEdge    *edges;
	size_t		total;
	int			nedges = 0;
	int			nbands;
	int			nseg;
	int			i;
	int			s;

	e = arena_alloc(arena, sizeof(*e));
	if (e == NULL)
		return false;
	e->min_lat = e->max_lat = ring->npoints > 0 ? ring->points[0].lat : 0;
	for (i = 0; i < ring->npoints; i++)
	{
		double		y = ring->points[i].lat;

		if (y < e->min_lat)
			e->min_lat = y;
		if (y > e->max_lat)
			e->max_lat = y;
		if (i > 0 && y != ring->points[i - 1].lat)
			nedges++;
	}
	e->nbands = 0;
	e->scale = 0;
	e->start = NULL;
	e->edges = NULL;
	ring->edges = e;
	if (nedges == 0)
		return true;

	nbands = nedges / 4;
	if (nbands < 1)
		nbands = 1;
	if (nbands > 65536)
		nbands = 65536;
	for (;;)
	{
		e->nbands = nbands;
		e->scale = (double) nbands / (e->max_lat - e->min_lat);
		total = count_band_entries(e, ring);
		if (nbands == 1 || total <= (size_t) nedges * 4 + (size_t) nbands)
			break;
		nbands /= 2;
	}
	if (total > INT32_MAX)
		return false;

	nseg = 2 * nbands;
	start = arena_array(arena, (size_t) nseg + 1, sizeof(int32_t));
	edges = arena_array(arena, total, sizeof(GeoEdge));
	if (start == NULL || edges == NULL)
		return false;
	memset(start, 0, ((size_t) nseg + 1) * sizeof(int32_t));

	/* count into start[seg + 1], then prefix sums: start[seg] = its first */
	for (i = 0; i + 1 < ring->npoints; i++)
	{
		const GeoPoint *a = &ring->points[i];
		const GeoPoint *b = &ring->points[i + 1];
		int			b0;
		int			b1;
		int			down;

		if (a->lat == b->lat)
			continue;
		down = a->lat > b->lat;
		b0 = band_of(e, down ? b->lat : a->lat);
		b1 = band_of(e, down ? a->lat : b->lat);
		for (s = b0; s <= b1; s++)
			start[2 * s + down + 1]++;
	}
	for (s = 0; s < nseg; s++)
		start[s + 1] += start[s];
	/* fill, using start[seg] as the cursor: afterwards it is seg's end */
	for (i = 0; i + 1 < ring->npoints; i++)
	{
		const GeoPoint *a = &ring->points[i];
		const GeoPoint *b = &ring->points[i + 1];
		const GeoPoint *lo;
		const GeoPoint *hi;
		int			b0;
		int			b1;
		int			down;

		if (a->lat == b->lat)
			continue;
		down = a->lat > b->lat;
		lo = down ? b : a;
		hi = down ? a : b;
		b0 = band_of(e, lo->lat);
		b1 = band_of(e, hi->lat);
		for (s = b0; s <= b1; s++)
		{
			GeoEdge    *g = &edges[start[2 * s + down]++];

			g->xl = lo->lon;
			g->yl = lo->lat;
			g->xu = hi->lon;
			g->yu = hi->lat;
		}
	}
	for (s = nseg; s > 0; s--)
		start[s] = start[s - 1];
	start[0] = 0;
	e->start = start;
	e->edges = edges;
	return true;
}


/* ------------------------------------------------------------------------
 * Reading GeoJSON: messages
 * ------------------------------------------------------------------------
 */

typedef struct RepairNode
{
	struct RepairNode *next;
	GeoMessage	msg;
} RepairNode;

/* One feature as read, before features are grouped by name. */
typedef struct FeatureRec
{
	int			index;
	const char *name;			/* in the arena */
	int32_t		floor_ft;
	int32_t		ceiling_ft;
	int			npolygons;
	GeoPolygon *polygons;
} FeatureRec;

typedef struct ReadCtx
{
	Arena	   *arena;
	const char *name_key;
	const char *floor_key;
	const char *ceiling_key;
	bool		strict;
	GeoMessage *err;
	int			feature;		/* being read; -1 the document */
	const char *name;			/* its name when known */
	RepairNode *repairs;		/* newest first */
	RepairNode **repairs_tail;
	int			nrepairs;
} ReadCtx;

/* Copy at most dstsize - 1 bytes of src, cut on a UTF-8 character start. */
static void
copy_utf8(char *dst, size_t dstsize, const char *src)
{
	size_t		n = strlen(src);

	if (n >= dstsize)
	{
		n = dstsize - 1;
		while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void fill_message(GeoMessage *m, int feature, const char *name,
						 const char *fmt, va_list ap)
			__attribute__((format(printf, 4, 0)));

static void
fill_message(GeoMessage *m, int feature, const char *name, const char *fmt,
			 va_list ap)
{
	m->feature = feature;
	copy_utf8(m->name, sizeof(m->name), name ? name : "");
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
}

static bool geo_fail(ReadCtx *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Fill *c->err about the current feature; always returns false. */
static bool
geo_fail(ReadCtx *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fill_message(c->err, c->feature, c->name, fmt, ap);
	va_end(ap);
	return false;
}

static bool geo_repair(ReadCtx *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Record a repair of the current feature; false when out of memory. */
static bool
geo_repair(ReadCtx *c, const char *fmt,...)
{
	RepairNode *r = arena_alloc(c->arena, sizeof(RepairNode));
	va_list		ap;

	if (r == NULL)
		return geo_fail(c, "out of memory");
	r->next = NULL;
	va_start(ap, fmt);
	fill_message(&r->msg, c->feature, c->name, fmt, ap);
	va_end(ap);
	*c->repairs_tail = r;
	c->repairs_tail = &r->next;
	c->nrepairs++;
	return true;
}

/* The last member named key (a repeated key: the last wins, as in jsonb). */
static const cJSON *
member(const cJSON *obj, const char *key)
{
	const cJSON *m;
	const cJSON *found = NULL;

	for (m = obj->child; m != NULL; m = m->next)
	{
		if (m->string != NULL && strcmp(m->string, key) == 0)
			found = m;
	}
	return found;
}

static size_t
array_size(const cJSON *arr)
{
	const cJSON *m;
	size_t		n = 0;

	for (m = arr->child; m != NULL; m = m->next)
		n++;
	return n;
}

/* "outer ring of polygon 0", "hole 2 of polygon 1" */
static const char *
ring_label(char *buf, size_t size, int polygon, int ring)
{
	if (ring == 0)
		snprintf(buf, size, "outer ring of polygon %d", polygon);
	else
		snprintf(buf, size, "hole %d of polygon %d", ring, polygon);
	return buf;
}


/* ------------------------------------------------------------------------
 * Reading GeoJSON: rings and polygons
 * ------------------------------------------------------------------------
 */

/*
 * Walk the ring adding multiples of 360 to longitudes so that no step is
 * longer than 180 degrees; point i gets 360 * (k_i + extra) where k_i
 * counts the wraps so far.  Longitudes are read as given (each within
 * -360..360, so a step needs at most two wraps).  Sets the bounding box
 * (min_lon, max_lon, min_lat, max_lat); with apply, writes the new
 * longitudes.  Returns k at the last point: for a closed ring it is 0
 * unless the ring goes around a pole.
 */
static int
ring_unwrap(GeoPoint *pts, int n, int extra, bool apply, double box[4])
{
	double		prev = pts[0].lon;
	int			k = 0;
	int			i;

	box[0] = box[1] = pts[0].lon + 360.0 * extra;
	box[2] = box[3] = pts[0].lat;
	for (i = 0; i < n; i++)
	{
		double		raw = pts[i].lon;
		double		lon;

		if (i > 0)
		{
			double		d = raw - prev;

			if (d > 180)
				k -= d > 540 ? 2 : 1;
			else if (d < -180)
				k += d < -540 ? 2 : 1;
		}
		prev = raw;
		lon = (k + extra == 0) ? raw : raw + 360.0 * (k + extra);
		if (lon < box[0])
			box[0] = lon;
		if (lon > box[1])
			box[1] = lon;
		if (pts[i].lat < box[2])
			box[2] = pts[i].lat;
		if (pts[i].lat > box[3])
			box[3] = pts[i].lat;
		if (apply)
			pts[i].lon = lon;
	}
	return k;
}

static inline bool
same_point(const GeoPoint *a, const GeoPoint *b)
{
	return a->lon == b->lon && a->lat == b->lat;
}

/* How many distinct points, counting up to 3. */
static int
distinct_points(const GeoPoint *pts, int n)
{
	const GeoPoint *seen[3];
	int			nseen = 0;
	int			i;
	int			j;

	for (i = 0; i < n && nseen < 3; i++)
	{
		for (j = 0; j < nseen; j++)
		{
			if (same_point(&pts[i], seen[j]))
				break;
		}
		if (j == nseen)
			seen[nseen++] = &pts[i];
	}
	return nseen;
}

/* One position into *pt; false with the error set. */
static bool
read_position(ReadCtx *c, const cJSON *pos, int k, const char *label,
			  GeoPoint *pt)
{
	const cJSON *v;
	size_t		n = 0;
	int			j;

	if (!J_IS_ARRAY(pos))
		return geo_fail(c, "position %d of %s is %s, not an array of 2 numbers",
						k, label, feed_json_type_phrase(pos));
	for (v = pos->child, j = 0; v != NULL; v = v->next, j++)
	{
		n++;
		if (J_IS_NUMBER(v))
			continue;
		if (j == 0)
			return geo_fail(c, "longitude of position %d of %s is %s, not a number",
							k, label, feed_json_type_phrase(v));
		if (j == 1)
			return geo_fail(c, "latitude of position %d of %s is %s, not a number",
							k, label, feed_json_type_phrase(v));
		return geo_fail(c, "coordinate %d of position %d of %s is %s, not a number",
						j, k, label, feed_json_type_phrase(v));
	}
	if (n < 2)
		return geo_fail(c, "position %d of %s has %zu coordinate%s, not 2",
						k, label, n, n == 1 ? "" : "s");
	pt->lon = pos->child->valuedouble;
	pt->lat = pos->child->next->valuedouble;
	if (!(pt->lon >= -360 && pt->lon <= 360))
		return geo_fail(c, "longitude %.15g of position %d of %s is outside -360..360",
						pt->lon, k, label);
	if (!(pt->lat >= -90 && pt->lat <= 90))
		return geo_fail(c, "latitude %.15g of position %d of %s is outside -90..90",
						pt->lat, k, label);
	return true;
}

/*
 * One ring: positions as given, closed (a repair), checked for 3 distinct
 * points and for going around a pole.  Longitudes are not unwrapped yet.
 */
static bool
read_ring(ReadCtx *c, const cJSON *arr, int polygon, int r, GeoRing *ring)
{
	char		label[64];
	const cJSON *pos;
	GeoPoint   *pts;
	double		box[4];
	size_t		n;
	int			k;
	int			nd;

	ring_label(label, sizeof(label), polygon, r);
	ring->npoints = 0;
	ring->points = NULL;
	ring->edges = NULL;
	if (!J_IS_ARRAY(arr))
		return geo_fail(c, "%s is %s, not an array of positions", label,
						feed_json_type_phrase(arr));
	n = array_size(arr);
	if (n >= INT_MAX - 1)
		return geo_fail(c, "%s has too many positions", label);
	pts = arena_array(c->arena, n + 1, sizeof(GeoPoint));
	if (pts == NULL)
		return geo_fail(c, "out of memory");
	for (pos = arr->child, k = 0; pos != NULL; pos = pos->next, k++)
	{
		if (!read_position(c, pos, k, label, &pts[k]))
			return false;
	}
	nd = distinct_points(pts, (int) n);
	if (nd == 0)
		return geo_fail(c, "%s is empty", label);
	if (nd < 3)
		return geo_fail(c, "%s has %d distinct point%s, fewer than 3", label,
						nd, nd == 1 ? "" : "s");
	if (!same_point(&pts[0], &pts[n - 1]))
	{
		if (c->strict)
			return geo_fail(c, "%s not closed", label);
		if (!geo_repair(c, "%s not closed: closed it", label))
			return false;
		pts[n++] = pts[0];
	}
	ring->npoints = (int) n;
	ring->points = pts;
	k = ring_unwrap(pts, (int) n, 0, false, box);
	if (k != 0)
		return geo_fail(c, "%s goes around a pole (its longitudes turn by %d degrees)",
						label, 360 * k);
	return true;
}

/*
 * One polygon (an array of rings): read, unwrapped, holes moved next to
 * the outer ring, the whole moved so that its west edge is in -180..180,
 * bounding box, bands.
 */
static bool
read_polygon(ReadCtx *c, const cJSON *arr, int polygon, GeoPolygon *poly)
{
	const cJSON *r;
	double		box[4];
	double		center;
	size_t		n;
	int			shift;
	int			i;

	poly->nrings = 0;
	poly->rings = NULL;
	if (!J_IS_ARRAY(arr))
		return geo_fail(c, "polygon %d is %s, not an array of rings", polygon,
						feed_json_type_phrase(arr));
	n = array_size(arr);
	if (n == 0)
		return geo_fail(c, "polygon %d has no rings", polygon);
	if (n > INT_MAX)
		return geo_fail(c, "polygon %d has too many rings", polygon);
	poly->rings = arena_array(c->arena, n, sizeof(GeoRing));
	if (poly->rings == NULL)
		return geo_fail(c, "out of memory");
	for (r = arr->child, i = 0; r != NULL; r = r->next, i++)
	{
		if (!read_ring(c, r, polygon, i, &poly->rings[i]))
			return false;
	}
	poly->nrings = (int) n;

	/* the outer ring, west edge into -180..180 */
	ring_unwrap(poly->rings[0].points, poly->rings[0].npoints, 0, false, box);
	shift = -(int) floor((box[0] + 180.0) / 360.0);
	ring_unwrap(poly->rings[0].points, poly->rings[0].npoints, shift, true,
				box);
	poly->min_lon = box[0];
	poly->max_lon = box[1];
	poly->min_lat = box[2];
	poly->max_lat = box[3];
	center = (box[0] + box[1]) / 2;

	/* holes: the multiple of 360 that brings them nearest the outer ring */
	for (i = 1; i < poly->nrings; i++)
	{
		GeoRing    *h = &poly->rings[i];

		ring_unwrap(h->points, h->npoints, 0, false, box);
		shift = (int) lround((center - (box[0] + box[1]) / 2) / 360.0);
		ring_unwrap(h->points, h->npoints, shift, true, box);
	}

	for (i = 0; i < poly->nrings; i++)
	{
		if (!build_ring_edges(c->arena, &poly->rings[i]))
			return geo_fail(c, "out of memory");
	}
	return true;
}


/* ------------------------------------------------------------------------
 * Reading GeoJSON: features
 * ------------------------------------------------------------------------
 */

static const char *const other_geometry_types[] = {
	"Point", "MultiPoint", "LineString", "MultiLineString",
	"GeometryCollection"
};

/* An optional integer property in feet; none when absent or null. */
static bool
read_bound(ReadCtx *c, const cJSON *props, const char *key, const char *what,
		   int32_t none, int32_t *out)
{
	const cJSON *v;
	double		d;

	*out = none;
	if (key == NULL || props == NULL)
		return true;
	v = member(props, key);
	if (v == NULL || J_IS_NULL(v))
		return true;
	if (!J_IS_NUMBER(v))
		return geo_fail(c, "%s property \"%s\" is %s, not an integer",
						what, key, feed_json_type_phrase(v));
	d = v->valuedouble;
	switch (feed_check_int32(d))
	{
		case FEED_INT32_NOT_INTEGER:
			return geo_fail(c, "%s property \"%s\" is %.15g, not an integer",
							what, key, d);
		case FEED_INT32_OUT_OF_RANGE:
			return geo_fail(c, "%s property \"%s\" is %.15g, outside the range of int32",
							what, key, d);
		case FEED_INT32_OK:
			break;
	}
	*out = (int32_t) d;
	return true;
}

static bool
read_feature(ReadCtx *c, const cJSON *f, FeatureRec *rec)
{
	const cJSON *props;
	const cJSON *v;
	const cJSON *geom;
	const cJSON *type;
	const cJSON *coords;
	char		q[FEED_QUOTE_BUF];
	size_t		n;
	size_t		i;

	rec->name = NULL;
	rec->npolygons = 0;
	rec->polygons = NULL;
	if (!J_IS_OBJECT(f))
		return geo_fail(c, "feature is %s, not an object",
						feed_json_type_phrase(f));

	/* name, floor, ceiling */
	props = member(f, "properties");
	if (props != NULL && J_IS_NULL(props))
		props = NULL;
	if (props != NULL && !J_IS_OBJECT(props))
		return geo_fail(c, "properties is %s, not an object",
						feed_json_type_phrase(props));
	v = props ? member(props, c->name_key) : NULL;
	if (v == NULL)
		return geo_fail(c, "name property \"%s\" is missing", c->name_key);
	if (!J_IS_STRING(v))
		return geo_fail(c, "name property \"%s\" is %s, not a string",
						c->name_key, feed_json_type_phrase(v));
	if (v->valuestring[0] == '\0')
		return geo_fail(c, "name property \"%s\" is empty", c->name_key);
	rec->name = arena_strdup(c->arena, v->valuestring);
	if (rec->name == NULL)
		return geo_fail(c, "out of memory");
	c->name = rec->name;
	if (!read_bound(c, props, c->floor_key, "floor", GEO_NO_FLOOR,
					&rec->floor_ft) ||
		!read_bound(c, props, c->ceiling_key, "ceiling", GEO_NO_CEILING,
					&rec->ceiling_ft))
		return false;
	if (rec->floor_ft != GEO_NO_FLOOR && rec->ceiling_ft != GEO_NO_CEILING &&
		rec->floor_ft >= rec->ceiling_ft)
		return geo_fail(c, "floor %d ft is not below ceiling %d ft",
						(int) rec->floor_ft, (int) rec->ceiling_ft);

	/* geometry */
	geom = member(f, "geometry");
	if (geom == NULL)
		return geo_fail(c, "geometry is missing");
	if (J_IS_NULL(geom))
		return geo_fail(c, "geometry is null");
	if (!J_IS_OBJECT(geom))
		return geo_fail(c, "geometry is %s, not an object",
						feed_json_type_phrase(geom));
	type = member(geom, "type");
	if (type == NULL)
		return geo_fail(c, "geometry has no type");
	if (!J_IS_STRING(type))
		return geo_fail(c, "geometry type is %s, not a string",
						feed_json_type_phrase(type));
	if (strcmp(type->valuestring, "Polygon") != 0 &&
		strcmp(type->valuestring, "MultiPolygon") != 0)
	{
		for (i = 0; i < sizeof(other_geometry_types) / sizeof(char *); i++)
		{
			if (strcmp(type->valuestring, other_geometry_types[i]) == 0)
				return geo_fail(c, "geometry is a %s, not a Polygon or MultiPolygon",
								other_geometry_types[i]);
		}
		return geo_fail(c, "geometry type \"%s\" is not Polygon or MultiPolygon",
						feed_quote_text(type->valuestring, q));
	}
	coords = member(geom, "coordinates");
	if (coords == NULL)
		return geo_fail(c, "geometry has no coordinates");
	if (!J_IS_ARRAY(coords))
		return geo_fail(c, "coordinates is %s, not an array",
						feed_json_type_phrase(coords));

	if (strcmp(type->valuestring, "Polygon") == 0)
	{
		rec->polygons = arena_alloc(c->arena, sizeof(GeoPolygon));
		if (rec->polygons == NULL)
			return geo_fail(c, "out of memory");
		if (!read_polygon(c, coords, 0, &rec->polygons[0]))
			return false;
		rec->npolygons = 1;
		return true;
	}

	n = array_size(coords);
	if (n == 0)
		return geo_fail(c, "MultiPolygon has no polygons");
	if (n > INT_MAX)
		return geo_fail(c, "MultiPolygon has too many polygons");
	rec->polygons = arena_array(c->arena, n, sizeof(GeoPolygon));
	if (rec->polygons == NULL)
		return geo_fail(c, "out of memory");
	for (v = coords->child, i = 0; v != NULL; v = v->next, i++)
	{
		if (!read_polygon(c, v, (int) i, &rec->polygons[i]))
			return false;
	}
	rec->npolygons = (int) n;
	return true;
}

/* By name (strcmp), then by feature index. */
static int
cmp_feature(const void *a, const void *b)
{
	const FeatureRec *fa = *(const FeatureRec *const *) a;
	const FeatureRec *fb = *(const FeatureRec *const *) b;
	int			r = strcmp(fa->name, fb->name);

	if (r != 0)
		return r;
	return (fa->index > fb->index) - (fa->index < fb->index);
}

/* "none" or the number, for messages */
static const char *
bound_text(char *buf, size_t size, int32_t v, int32_t none)
{
	if (v == none)
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%d", (int) v);
	return buf;
}

/*
 * Group the features by name into set->sectors.  Features of one name must
 * have the same floor and ceiling: the first feature (by index) that
 * differs from the first of its name is the error.
 */
static bool
build_sectors(ReadCtx *c, FeatureRec *recs, int nrecs, GeoSectorSet *set)
{
	FeatureRec **order;
	const FeatureRec *bad = NULL;
	const FeatureRec *bad_first = NULL;
	int			nsectors = 0;
	int			i;
	int			j;
	int			s;

	order = arena_array(c->arena, (size_t) nrecs, sizeof(FeatureRec *));
	if (nrecs > 0 && order == NULL)
		return geo_fail(c, "out of memory");
	for (i = 0; i < nrecs; i++)
		order[i] = &recs[i];
	if (nrecs > 1)
		qsort(order, (size_t) nrecs, sizeof(FeatureRec *), cmp_feature);

	for (i = 0; i < nrecs; i = j)
	{
		nsectors++;
		for (j = i + 1; j < nrecs && strcmp(order[j]->name, order[i]->name) == 0; j++)
		{
			if ((order[j]->floor_ft != order[i]->floor_ft ||
				 order[j]->ceiling_ft != order[i]->ceiling_ft) &&
				(bad == NULL || order[j]->index < bad->index))
			{
				bad = order[j];
				bad_first = order[i];
			}
		}
	}
	if (bad != NULL)
	{
		char		f1[16],
					c1[16],
					f2[16],
					c2[16];

		c->feature = bad->index;
		c->name = bad->name;
		return geo_fail(c, "floor/ceiling %s/%s differ from feature %d of the same name (%s/%s)",
						bound_text(f1, sizeof(f1), bad->floor_ft, GEO_NO_FLOOR),
						bound_text(c1, sizeof(c1), bad->ceiling_ft, GEO_NO_CEILING),
						bad_first->index,
						bound_text(f2, sizeof(f2), bad_first->floor_ft, GEO_NO_FLOOR),
						bound_text(c2, sizeof(c2), bad_first->ceiling_ft, GEO_NO_CEILING));
	}

	set->sectors = NULL;
	if (nsectors > 0)
	{
		set->sectors = arena_array(c->arena, (size_t) nsectors,
								   sizeof(GeoSector));
		if (set->sectors == NULL)
			return geo_fail(c, "out of memory");
	}
	for (i = 0, s = 0; i < nrecs; i = j, s++)
	{
		GeoSector  *sec = &set->sectors[s];
		size_t		npoly = 0;
		int			k;
		int			p;

		for (j = i; j < nrecs && strcmp(order[j]->name, order[i]->name) == 0; j++)
			npoly += (size_t) order[j]->npolygons;
		if (npoly > INT_MAX)
			return geo_fail(c, "sector %s has too many polygons", order[i]->name);
		sec->name = (char *) order[i]->name;
		sec->floor_ft = order[i]->floor_ft;
		sec->ceiling_ft = order[i]->ceiling_ft;
		sec->npolygons = (int) npoly;
		if (j == i + 1)
			sec->polygons = order[i]->polygons;
		else
		{
			sec->polygons = arena_array(c->arena, npoly, sizeof(GeoPolygon));
			if (sec->polygons == NULL)
				return geo_fail(c, "out of memory");
			npoly = 0;
			for (k = i; k < j; k++)
			{
				memcpy(&sec->polygons[npoly], order[k]->polygons,
					   (size_t) order[k]->npolygons * sizeof(GeoPolygon));
				npoly += (size_t) order[k]->npolygons;
			}
		}
		for (p = 0; p < sec->npolygons; p++)
		{
			const GeoPolygon *poly = &sec->polygons[p];

			if (p == 0 || poly->min_lon < sec->min_lon)
				sec->min_lon = poly->min_lon;
			if (p == 0 || poly->max_lon > sec->max_lon)
				sec->max_lon = poly->max_lon;
			if (p == 0 || poly->min_lat < sec->min_lat)
				sec->min_lat = poly->min_lat;
			if (p == 0 || poly->max_lat > sec->max_lat)
				sec->max_lat = poly->max_lat;
		}
	}
	set->nsectors = nsectors;
	return true;
}

bool
geo_read_geojson(const char *text, size_t len, const char *name_key,
				 const char *floor_key, const char *ceiling_key, bool strict,
				 GeoSectorSet *set, GeoMessage *err)
{
	GeoMessage	dummy;
	FeedError	ferr;
	ReadCtx		c;
	cJSON	   *root;
	const cJSON *type;
	const cJSON *features;
	const cJSON *f;
	FeatureRec *recs = NULL;
	RepairNode *r;
	char		q[FEED_QUOTE_BUF];
	size_t		n;
	int			i;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	err->feature = -1;
	memset(set, 0, sizeof(*set));
	memset(&c, 0, sizeof(c));
	c.name_key = name_key;
	c.floor_key = floor_key;
	c.ceiling_key = ceiling_key;
	c.strict = strict;
	c.err = err;
	c.feature = -1;				/* the document, until the features */
	c.repairs_tail = &c.repairs;

	if (name_key == NULL || name_key[0] == '\0')
		return geo_fail(&c, "no name property given");
	root = feed_parse_root(text, len, 0, false, &ferr);
	if (root == NULL)
		return geo_fail(&c, "%s", ferr.message);
	type = member(root, "type");
	if (type == NULL)
		geo_fail(&c, "top level has no type: not a FeatureCollection");
	else if (!J_IS_STRING(type))
		geo_fail(&c, "type is %s, not \"FeatureCollection\"",
				 feed_json_type_phrase(type));
	else if (strcmp(type->valuestring, "FeatureCollection") != 0)
		geo_fail(&c, "type is \"%s\", not \"FeatureCollection\"",
				 feed_quote_text(type->valuestring, q));
	else if ((features = member(root, "features")) == NULL)
		geo_fail(&c, "features is missing");
	else if (!J_IS_ARRAY(features))
		geo_fail(&c, "features is %s, not an array",
				 feed_json_type_phrase(features));
	else
		goto shape_ok;
	cJSON_Delete(root);
	return false;

shape_ok:
	n = array_size(features);
	if (n > INT_MAX)
	{
		cJSON_Delete(root);
		return geo_fail(&c, "too many features");
	}

	c.arena = arena_create(len);
	if (c.arena == NULL)
	{
		cJSON_Delete(root);
		return geo_fail(&c, "out of memory");
	}
	recs = arena_array(c.arena, n, sizeof(FeatureRec));
	if (n > 0 && recs == NULL)
	{
		geo_fail(&c, "out of memory");
		goto fail;
	}
	for (f = features->child, i = 0; f != NULL; f = f->next, i++)
	{
		c.feature = i;
		c.name = NULL;
		recs[i].index = i;
		if (!read_feature(&c, f, &recs[i]))
			goto fail;
	}
	c.feature = -1;
	c.name = NULL;
	if (!build_sectors(&c, recs, (int) n, set))
		goto fail;

	set->nfeatures = (int) n;
	set->nrepairs = c.nrepairs;
	if (c.nrepairs > 0)
	{
		set->repairs = arena_array(c.arena, (size_t) c.nrepairs,
								   sizeof(GeoMessage));
		if (set->repairs == NULL)
		{
			geo_fail(&c, "out of memory");
			goto fail;
		}
		for (r = c.repairs, i = 0; r != NULL; r = r->next, i++)
			set->repairs[i] = r->msg;
	}
	set->arena = c.arena;
	cJSON_Delete(root);
	return true;

fail:
	arena_destroy(c.arena);
	cJSON_Delete(root);
	memset(set, 0, sizeof(*set));
	return false;
}

void
geo_free_set(GeoSectorSet *set)
{
	if (set == NULL)
		return;
	arena_destroy((Arena *) set->arena);
	memset(set, 0, sizeof(*set));
}


/* ------------------------------------------------------------------------
 * The index
 * ------------------------------------------------------------------------
 */

struct GeoIndex
{
	int			nentries;
	GeoIndexEntry *entries;		/* copies of the caller's */
	int32_t    *cell_start;		/* GRID_CELLS + 1, cell = row * 360 + col */
	int32_t    *items;			/* entry numbers, ascending in each cell */
};

/* Column of a floor()ed x + 180, wrapped into 0..359. */
static inline int
wrap_col(double c)
{
	if (!isfinite(c))
		return 0;
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
 * Visit the cells of each entry's polygons once per entry: with fill NULL
 * counts into counts[cell], else appends the entry number at
 * fill[counts[cell]++].  stamp (GRID_CELLS) holds the last entry + 1 seen
 * in each cell.  Returns the number of (cell, entry) pairs.
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

		if (s == NULL)
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
	int			i;

	if (nentries < 0 || nentries == INT32_MAX)
		return NULL;
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
		((size_t) GRID_CELLS + 1) * sizeof(int32_t) + total * sizeof(int32_t);
	mem = cJSON_malloc(size);
	if (mem == NULL)
	{
		cJSON_free(tmp);
		return NULL;
	}
	index = (GeoIndex *) mem;
	index->nentries = nentries;
	index->entries = (GeoIndexEntry *) (mem + head);
	index->cell_start = (int32_t *) (index->entries + nentries);
	index->items = index->cell_start + GRID_CELLS + 1;
	if (nentries > 0)
		memcpy(index->entries, entries,
			   (size_t) nentries * sizeof(GeoIndexEntry));

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

int
geo_index_lookup(const GeoIndex *index, double lon, double lat,
				 bool has_altitude, int32_t altitude_ft,
				 const GeoIndexEntry **out, int max)
{
	const int32_t *it[3];
	const int32_t *end[3];
	int			cols[3];
	int			ncols = 0;
	int			row;
	int			count = 0;
	int			i;
	int			j;

	if (index == NULL || isnan(lat) || isnan(lon))
		return 0;
	row = row_of(lat);
	/* the same shifted longitudes as geo_sector_contains tests */
	{
		double		t[3];

		t[0] = lon;
		t[1] = lon + 360.0;
		t[2] = lon - 360.0;
		for (i = 0; i < 3; i++)
		{
			int			c = wrap_col(floor(t[i] + 180.0));

			for (j = 0; j < ncols; j++)
			{
				if (cols[j] == c)
					break;
			}
			if (j == ncols)
				cols[ncols++] = c;
		}
	}
	for (i = 0; i < ncols; i++)
	{
		int			cell = row * GRID_COLS + cols[i];

		it[i] = index->items + index->cell_start[cell];
		end[i] = index->items + index->cell_start[cell + 1];
	}

	/* merge the (ascending) candidate lists */
	for (;;)
	{
		const GeoIndexEntry *e;
		int32_t		best = INT32_MAX;

		for (i = 0; i < ncols; i++)
		{
			if (it[i] < end[i] && *it[i] < best)
				best = *it[i];
		}
		if (best == INT32_MAX)
			break;
		for (i = 0; i < ncols; i++)
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
