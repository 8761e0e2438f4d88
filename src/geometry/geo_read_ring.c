/*
 * geo_read_ring.c
 *		Reading GeoJSON polygons: positions, rings (closed as a repair,
 *		checked for 3 distinct points) and longitude unwrapping, plus the
 *		messages every reader error and repair goes through.
 *
 * Unwrapping: each ring is walked so that no step is longer than 180
 * degrees (adding multiples of 360), holes are moved by a multiple of 360
 * next to their outer ring, and each polygon is moved so that its west
 * edge lies in -180..180.  A point is then tested at lon, lon + 360 and
 * lon - 360.  A ring whose longitudes turn by 360 degrees (it goes around
 * a pole) cannot be made continuous and is an error.  Polygons and rings
 * are numbered from 0 in messages, as JSON array positions are: "polygon
 * 1" is coordinates[1] of a MultiPolygon, "hole 1" is the first hole (ring
 * 1 of its polygon).  Pure C: no Postgres headers.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "feed.h"
#include "geo_internal.h"


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

/* Fill *c->err about the current feature; always returns false. */
bool
geo_fail(GeoReadCtx *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	fill_message(c->err, c->feature, c->name, fmt, ap);
	va_end(ap);
	return false;
}

/* Record a repair of the current feature; false when out of memory. */
bool
geo_repair(GeoReadCtx *c, const char *fmt,...)
{
	GeoRepairNode *r = geo_arena_alloc(c->arena, sizeof(GeoRepairNode));
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
const cJSON *
geo_member(const cJSON *obj, const char *key)
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

size_t
geo_array_size(const cJSON *arr)
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
read_position(GeoReadCtx *c, const cJSON *pos, int k, const char *label,
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
read_ring(GeoReadCtx *c, const cJSON *arr, int polygon, int r, GeoRing *ring)
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
	n = geo_array_size(arr);
	if (n >= INT_MAX - 1)
		return geo_fail(c, "%s has too many positions", label);
	pts = geo_arena_array(c->arena, n + 1, sizeof(GeoPoint));
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
bool
geo_read_polygon(GeoReadCtx *c, const cJSON *arr, int polygon, GeoPolygon *poly)
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
	n = geo_array_size(arr);
	if (n == 0)
		return geo_fail(c, "polygon %d has no rings", polygon);
	if (n > INT_MAX)
		return geo_fail(c, "polygon %d has too many rings", polygon);
	poly->rings = geo_arena_array(c->arena, n, sizeof(GeoRing));
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
		if (!geo_ring_build_edges(c->arena, &poly->rings[i]))
			return geo_fail(c, "out of memory");
	}
	return true;
}

