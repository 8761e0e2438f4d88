/*
 * geo_ring.c
 *		Point in polygon (the winding number of each ring, as signed
 *		crossings of the ray going east from the point) and, at read time,
 *		each ring's edges bucketed into latitude bands.
 *
 * An edge counts when its lower end <= lat < its upper end and the point
 * is strictly west of it: so a point on a vertical or slanted edge belongs
 * to the polygon to its east, and a point on a horizontal edge to the
 * polygon to its north (geometry.h, "Boundary rule").  Each edge is
 * evaluated from its lower end to its upper end whatever the ring's
 * direction, so two sectors sharing an edge compute bit for bit the same
 * crossing for it and a point on it lands in exactly one of them.
 *
 * A test reads only the edges of the point's band, upward ones first,
 * then downward ones.  A ring built by hand (edges NULL) is scanned point
 * by point with the same arithmetic.  Pure C: no Postgres headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "geo_internal.h"

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
 * Each non-horizontal edge of the ring into the bands it touches, segment
 * 2 * band + down (down: the edge goes south in the ring's direction).
 * With edges NULL, counts into start[seg + 1]; else writes the edge at
 * edges[start[seg]++].
 */
static void
bucket_edges(const struct GeoRingEdges *e, const GeoRing *ring,
			 int32_t *start, GeoEdge *edges)
{
	int			i;
	int			s;

	for (i = 0; i + 1 < ring->npoints; i++)
	{
		const GeoPoint *a = &ring->points[i];
		const GeoPoint *b = &ring->points[i + 1];
		const GeoPoint *lo;
		const GeoPoint *hi;
		int			down;

		if (a->lat == b->lat)
			continue;
		down = a->lat > b->lat;
		lo = down ? b : a;
		hi = down ? a : b;
		for (s = band_of(e, lo->lat); s <= band_of(e, hi->lat); s++)
		{
			GeoEdge    *g;

			if (edges == NULL)
			{
				start[2 * s + down + 1]++;
				continue;
			}
			g = &edges[start[2 * s + down]++];
			g->xl = lo->lon;
			g->yl = lo->lat;
			g->xu = hi->lon;
			g->yu = hi->lat;
		}
	}
}

/*
 * About 4 edges per band; fewer bands when long edges would be copied into
 * too many of them.
 */
bool
geo_ring_build_edges(GeoArena *arena, GeoRing *ring)
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

	e = geo_arena_alloc(arena, sizeof(*e));
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
	start = geo_arena_array(arena, (size_t) nseg + 1, sizeof(int32_t));
	edges = geo_arena_array(arena, total, sizeof(GeoEdge));
	if (start == NULL || edges == NULL)
		return false;
	memset(start, 0, ((size_t) nseg + 1) * sizeof(int32_t));

	/* count into start[seg + 1], then prefix sums: start[seg] = its first */
	bucket_edges(e, ring, start, NULL);
	for (s = 0; s < nseg; s++)
		start[s + 1] += start[s];
	/* fill, using start[seg] as the cursor: afterwards it is seg's end */
	bucket_edges(e, ring, start, edges);
	for (s = nseg; s > 0; s--)
		start[s] = start[s - 1];
	start[0] = 0;
	e->start = start;
	e->edges = edges;
	return true;
}

