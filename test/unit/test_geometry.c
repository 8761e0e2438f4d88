/*-------------------------------------------------------------------------
 *
 * test_geometry.c
 *		Unit tests of the geometry (src/geometry/geo_*.c), written as a TAP
 *		producer with the harness of tap.h (as test_feed_parse.c).
 *
 * Prints "ok N - name" or "not ok N - name" per test, diagnostics as
 * "# ..." lines, and the plan "1..N" at the end; exits non-zero when a test
 * failed.  Run through prove(1), see the Makefile.
 *
 * Covers point in polygon (squares, concave shapes, holes, multipolygons,
 * a bow tie, a ring winding twice, both orientations, rings built by hand),
 * the half-open boundary rule (shared vertical, horizontal and slanted
 * edges, a vertex shared by 4 squares), the antimeridian (170..190, two
 * pieces, a 179 -> -179 jump, holes across it), altitude bands, every
 * error and repair of geo_read_geojson with its exact message, strict
 * mode, allocation failure at every allocation (also with the arena's block
 * boundaries moved over the allocation sites), the index against brute
 * force, and the real VAT-Spy boundaries in $VATSPY_BOUNDARIES (failing
 * those checks when unset or missing): repairs, strict mode, sector count, 200,000
 * random points plus every vertex through the index and brute force,
 * airports of Australia and the Pacific, the Australian pilots of the
 * 2021-08-02 feed snapshot in $FIXTURE_DIR, and lookup speed (printed,
 * not asserted).  Every read uses an exactly sized heap copy of the text
 * (no NUL terminator), so the ASan build sees any over-read.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../../src/parse/feed.h"
#include "../../src/geometry/geometry.h"
#include "tap.h"

/* ------------------------------------------------------------------------
 * Building GeoJSON text
 * ------------------------------------------------------------------------
 */

/* Comma-joined arguments up to NULL. */
static char *
join(const char *first,...)
{
	va_list		ap;
	const char *s;
	size_t		len = 0;
	bool		more = false;
	char	   *out;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		len += strlen(s) + 1;
	va_end(ap);
	out = keep(malloc(len + 1));
	out[0] = '\0';
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
	{
		if (more)
			strcat(out, ",");
		strcat(out, s);
		more = true;
	}
	va_end(ap);
	return out;
}

/* A closed axis-aligned rectangle ring, counter-clockwise or clockwise. */
static char *
rect(double x0, double y0, double x1, double y1, bool cw)
{
	if (cw)
		return fmt("[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g]]",
				   x0, y0, x0, y1, x1, y1, x1, y0, x0, y0);
	return fmt("[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g]]",
			   x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

/* A ring from n (lon, lat) pairs, written as given (no closing added). */
static char *
ring(int n, const double *xy)
{
	char	   *s = fmt("[");
	int			i;

	for (i = 0; i < n; i++)
		s = fmt("%s%s[%.17g,%.17g]", s, i ? "," : "", xy[2 * i], xy[2 * i + 1]);
	return fmt("%s]", s);
}

/* The same ring reversed. */
static char *
ring_rev(int n, const double *xy)
{
	char	   *s = fmt("[");
	int			i;

	for (i = n - 1; i >= 0; i--)
		s = fmt("%s%s[%.17g,%.17g]", s, i < n - 1 ? "," : "", xy[2 * i],
				xy[2 * i + 1]);
	return fmt("%s]", s);
}

static char *
polygon(const char *rings)
{
	return fmt("{\"type\":\"Polygon\",\"coordinates\":[%s]}", rings);
}

static char *
multi(const char *polys)
{
	return fmt("{\"type\":\"MultiPolygon\",\"coordinates\":[%s]}", polys);
}

/* A feature with properties {"name": name} (name: JSON text) plus extra */
static char *
feature_x(const char *name_json, const char *extra_props, const char *geom)
{
	return fmt("{\"type\":\"Feature\",\"properties\":{\"name\":%s%s%s},\"geometry\":%s}",
			   name_json, extra_props ? "," : "", extra_props ? extra_props : "",
			   geom);
}

static char *
feature(const char *name, const char *geom)
{
	return feature_x(fmt("\"%s\"", name), NULL, geom);
}

static char *
fc(const char *features)
{
	return fmt("{\"type\":\"FeatureCollection\",\"features\":[%s]}",
			   features ? features : "");
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------
 */

/* Read from an exactly sized heap copy (no NUL). */
static bool
read_len(const char *text, size_t len, const char *name_key,
		 const char *floor_key, const char *ceiling_key, bool strict,
		 GeoSectorSet *set, GeoMessage *err)
{
	char	   *copy = malloc(len ? len : 1);
	bool		r;

	if (copy == NULL)
		exit(2);
	memcpy(copy, text, len);
	r = geo_read_geojson(copy, len, name_key, floor_key, ceiling_key, strict,
						 set, err);
	free(copy);
	return r;
}

static bool
read_text(const char *text, bool strict, GeoSectorSet *set, GeoMessage *err)
{
	return read_len(text, strlen(text), "name", "floor", "ceiling", strict,
					set, err);
}

static bool
set_is_zero(const GeoSectorSet *s)
{
	return s->sectors == NULL && s->nsectors == 0 && s->nfeatures == 0 &&
		s->repairs == NULL && s->nrepairs == 0 && s->arena == NULL;
}

static const GeoSector *
find_sector(const GeoSectorSet *s, const char *name)
{
	int			i;

	for (i = 0; i < s->nsectors; i++)
	{
		if (strcmp(s->sectors[i].name, name) == 0)
			return &s->sectors[i];
	}
	return NULL;
}

/* Read a document that must load; on failure says why and returns false. */
static bool
must_read(const char *what, const char *text, GeoSectorSet *set)
{
	GeoMessage	err;

	if (read_text(text, false, set, &err))
		return true;
	ok(false, "%s: reads", what);
	diag("feature %d (%s): %s", err.feature, err.name, err.text);
	return false;
}

/* A point and whether it is expected inside. */
typedef struct Probe
{
	double		lon;
	double		lat;
	bool		inside;
} Probe;

/* Every probe as expected for the sector; names the first that is not. */
static bool
probes_ok(const GeoSector *s, const Probe *p, int n)
{
	int			i;
	bool		good = true;

	for (i = 0; i < n; i++)
	{
		if (geo_sector_contains(s, p[i].lon, p[i].lat) != p[i].inside)
		{
			diag("%s: (%.17g, %.17g) should be %s", s->name, p[i].lon,
				 p[i].lat, p[i].inside ? "inside" : "outside");
			good = false;
		}
	}
	return good;
}

#define NPROBES(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* Deterministic random numbers (splitmix64): same points everywhere. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* uniform in [lo, hi) */
static double
rng_uniform(double lo, double hi)
{
	return lo + (hi - lo) * ((double) (rng_next() >> 11) * (1.0 / 9007199254740992.0));
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------
 * Point in polygon
 * ------------------------------------------------------------------------
 */

/* Same answers in both orientations over a lattice (boundaries included). */
static bool
same_both_ways(const GeoSector *a, const GeoSector *b, double x0, double y0,
			   double x1, double y1, double step)
{
	double		x;
	double		y;

	for (x = x0; x <= x1; x += step)
	{
		for (y = y0; y <= y1; y += step)
		{
			if (geo_sector_contains(a, x, y) != geo_sector_contains(b, x, y))
			{
				diag("(%g, %g): %s says %d, %s says %d", x, y, a->name,
					 geo_sector_contains(a, x, y), b->name,
					 geo_sector_contains(b, x, y));
				return false;
			}
		}
	}
	return true;
}

static void
test_shapes(void)
{
	GeoSectorSet set;
	const GeoSector *s;
	const GeoSector *r;
	static const double u[] = {0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3, 0, 0};
	static const double bow[] = {0, 0, 2, 2, 2, 0, 0, 2, 0, 0};
	static const double twice[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 10, 0,
	10, 10, 0, 10, 0, 0};
	static const double loops[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 2, 2, 8, 2,
	8, 8, 2, 8, 2, 2, 0, 0};
	static const Probe sq_probes[] = {
		{5, 5, true}, {0, 5, true}, {10, 5, false}, {5, 0, true},
		{5, 10, false}, {0, 0, true}, {10, 0, false}, {0, 10, false},
		{10, 10, false}, {-1, 5, false}, {11, 5, false}, {5, -1e-9, false},
		{9.999999, 9.999999, true}, {5, 11, false}, {NAN, 5, false},
		{5, NAN, false}, {INFINITY, 5, false}
	};
	static const Probe u_probes[] = {
		{0.5, 2, true}, {2.5, 2, true}, {1.5, 2, false}, {1.5, 0.5, true},
		{1.5, 1, false}, {1.5, 0.999, true}, {1, 2, false}, {2, 2, true},
		{1.5, 3, false}, {0.5, 3, false}
	};
	static const Probe hole_probes[] = {
		{5, 5, false}, {2, 2, true}, {4, 5, false}, {6, 5, true},
		{5, 4, false}, {5, 6, true}, {8.5, 8.5, false}, {7.5, 8.5, true},
		{0, 0, true}
	};
	static const Probe multi_probes[] = {
		{0.5, 0.5, true}, {2.5, 0.5, true}, {1.5, 0.5, false},
		{1, 0.5, false}, {2, 0.5, true}, {4.5, 0.5, true}, {5.5, 0.5, false},
		{6.5, 0.5, true}
	};
	static const Probe bow_probes[] = {
		{0.5, 1, true}, {1.5, 1, true}, {1, 0.5, false}, {1, 1.5, false},
		{0.05, 0.1, true}, {1.95, 0.1, true}, {0.1, 0.05, false},
		{1.9, 0.05, false}, {-0.1, 1, false}, {0, 1, true}, {2, 1, false}
	};
	static const Probe twice_probes[] = {
		{5, 5, true}, {1, 1, true}, {0, 5, true}, {10, 5, false},
		{11, 5, false}
	};
	static const Probe loops_probes[] = {
		{5, 5, true}, {1, 1, true}, {9, 5, true}, {2, 5, true}, {8, 5, true},
		{10, 5, false}
	};
	const char *doc;

	doc = fc(join(feature("sq", polygon(rect(0, 0, 10, 10, false))),
				  feature("sq-cw", polygon(rect(0, 0, 10, 10, true))),
				  feature("u", polygon(ring(9, u))),
				  feature("u-rev", polygon(ring_rev(9, u))),
				  feature("hole", polygon(join(rect(0, 0, 10, 10, false),
											   rect(4, 4, 6, 6, false),
											   rect(8, 8, 9, 9, true), NULL))),
				  feature("hole-rev", polygon(join(rect(0, 0, 10, 10, true),
												   rect(4, 4, 6, 6, true),
												   rect(8, 8, 9, 9, false), NULL))),
				  feature("multi", multi(join(fmt("[%s]", rect(0, 0, 1, 1, false)),
											  fmt("[%s]", rect(2, 0, 3, 1, true)),
											  fmt("[%s,%s]", rect(4, 0, 7, 1, false),
												  rect(5, 0, 6, 1, false)), NULL))),
				  feature("bow", polygon(ring(5, bow))),
				  feature("bow-rev", polygon(ring_rev(5, bow))),
				  feature("twice", polygon(ring(9, twice))),
				  feature("loops", polygon(ring(11, loops))),
				  feature("loops-rev", polygon(ring_rev(11, loops))),
				  NULL));
	if (!must_read("shapes", doc, &set))
		return;

	s = find_sector(&set, "sq");
	ok(s && probes_ok(s, sq_probes, NPROBES(sq_probes)),
	   "square: interior in; west and south edges in, east and north edges out; only the SW corner; NaN/inf out");
	r = find_sector(&set, "sq-cw");
	ok(r && probes_ok(r, sq_probes, NPROBES(sq_probes)) &&
	   same_both_ways(s, r, -1, -1, 11, 11, 0.25),
	   "square clockwise: the same answers (lattice of 0.25 incl. boundaries)");
	ok(s && s->npolygons == 1 && s->min_lon == 0 && s->max_lon == 10 &&
	   s->min_lat == 0 && s->max_lat == 10 && s->polygons[0].min_lon == 0 &&
	   s->polygons[0].max_lat == 10 && s->polygons[0].nrings == 1 &&
	   s->polygons[0].rings[0].npoints == 5 &&
	   s->floor_ft == GEO_NO_FLOOR && s->ceiling_ft == GEO_NO_CEILING,
	   "square: one polygon, one ring of 5 points, bounding boxes, no bounds");
	ok(s && geo_polygon_contains(&s->polygons[0], 5, 5) &&
	   geo_polygon_contains(&s->polygons[0], 0, 0) &&
	   !geo_polygon_contains(&s->polygons[0], 10, 5) &&
	   !geo_polygon_contains(&s->polygons[0], 5, 10) &&
	   !geo_polygon_contains(&s->polygons[0], 5 + 360, 5 + 360),
	   "geo_polygon_contains on the square");

	s = find_sector(&set, "u");
	r = find_sector(&set, "u-rev");
	ok(s && probes_ok(s, u_probes, NPROBES(u_probes)),
	   "concave U: arms in, notch out, notch floor (horizontal edge) belongs to the notch");
	ok(r && probes_ok(r, u_probes, NPROBES(u_probes)) &&
	   same_both_ways(s, r, -0.5, -0.5, 3.5, 3.5, 0.125),
	   "concave U reversed: the same answers (lattice of 0.125)");

	s = find_sector(&set, "hole");
	r = find_sector(&set, "hole-rev");
	ok(s && probes_ok(s, hole_probes, NPROBES(hole_probes)),
	   "holes: hole out; on a hole's west/south edge out, east/north edge in");
	ok(r && probes_ok(r, hole_probes, NPROBES(hole_probes)) &&
	   same_both_ways(s, r, -1, -1, 11, 11, 0.25),
	   "holes, every ring reversed: the same answers");

	s = find_sector(&set, "multi");
	ok(s && s->npolygons == 3 && s->polygons[2].nrings == 2 &&
	   s->min_lon == 0 && s->max_lon == 7 &&
	   probes_ok(s, multi_probes, NPROBES(multi_probes)),
	   "multipolygon of 3 (one with a hole): each part in, gaps and the hole out");

	s = find_sector(&set, "bow");
	r = find_sector(&set, "bow-rev");
	ok(s && r && probes_ok(s, bow_probes, NPROBES(bow_probes)) &&
	   probes_ok(r, bow_probes, NPROBES(bow_probes)) &&
	   same_both_ways(s, r, -0.5, -0.5, 2.5, 2.5, 0.125),
	   "self-crossing bow tie: both lobes in (windings +1 and -1), the rest out, both ways");

	s = find_sector(&set, "twice");
	ok(s && probes_ok(s, twice_probes, NPROBES(twice_probes)),
	   "a ring going twice around a square: inside (winding 2; even-odd would say out)");
	s = find_sector(&set, "loops");
	r = find_sector(&set, "loops-rev");
	ok(s && r && probes_ok(s, loops_probes, NPROBES(loops_probes)) &&
	   probes_ok(r, loops_probes, NPROBES(loops_probes)),
	   "a ring looping around an inner square inside an outer one: both areas in, both ways");

	geo_free_set(&set);
}

/* The polygon rebuilt by hand: same points, edges NULL (scanned). */
static GeoPolygon *
hand_copy(const GeoPolygon *p)
{
	GeoPolygon *q = keep(malloc(sizeof(GeoPolygon)));
	int			i;

	*q = *p;
	q->rings = keep(malloc(sizeof(GeoRing) * (size_t) p->nrings));
	for (i = 0; i < p->nrings; i++)
	{
		q->rings[i].npoints = p->rings[i].npoints;
		q->rings[i].points = p->rings[i].points;
		q->rings[i].edges = NULL;
	}
	return q;
}

static void
test_hand_built(void)
{
	GeoPoint	pts[] = {{0, 0}, {4, 0}, {4, 4}, {2, 1}, {0, 4}, {0, 0}};
	GeoRing		rg = {6, pts, NULL};
	GeoPolygon	poly = {1, &rg, 0, 0, 4, 4};
	GeoSector	sec = {"hand", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &poly, 0, 0, 4, 4};
	GeoSectorSet set;
	const GeoSector *s;
	const GeoPolygon *hp;
	double		x;
	double		y;
	bool		good = true;

	ok(geo_polygon_contains(&poly, 1, 1) && geo_polygon_contains(&poly, 3, 1) &&
	   !geo_polygon_contains(&poly, 2, 2) && geo_polygon_contains(&poly, 0, 2) &&
	   !geo_polygon_contains(&poly, 4, 2) && geo_sector_contains(&sec, 0.5, 3) &&
	   !geo_sector_contains(&sec, 2, 3.9),
	   "a polygon built by hand (no bands): point in polygon works");

	if (!must_read("hand", fc(feature("m", polygon(ring(6, (const double *) pts)))), &set))
		return;
	s = find_sector(&set, "m");
	hp = hand_copy(&s->polygons[0]);
	for (x = -0.5; x <= 4.5; x += 0.0625)
		for (y = -0.5; y <= 4.5; y += 0.0625)
			good = good && geo_polygon_contains(hp, x, y) ==
				geo_polygon_contains(&s->polygons[0], x, y);
	ok(good, "banded and hand-built copies of a polygon agree on a lattice of 0.0625");
	geo_free_set(&set);
}

static void
test_boundary_rule(void)
{
	GeoSectorSet set;
	const GeoSector *q[4];
	const GeoSector *a;
	const GeoSector *b;
	GeoIndexEntry entries[4];
	GeoIndex   *index;
	const GeoIndexEntry *out[4];
	double		x;
	double		y;
	int			i;
	int			bad = 0;
	int			bad_index = 0;

	/* 4 unit squares around (1, 1), orientations mixed */
	if (!must_read("4 squares",
				   fc(join(feature("SW", polygon(rect(0, 0, 1, 1, false))),
						   feature("SE", polygon(rect(1, 0, 2, 1, true))),
						   feature("NW", polygon(rect(0, 1, 1, 2, true))),
						   feature("NE", polygon(rect(1, 1, 2, 2, false))),
						   NULL)), &set))
		return;
	q[0] = find_sector(&set, "SW");
	q[1] = find_sector(&set, "SE");
	q[2] = find_sector(&set, "NW");
	q[3] = find_sector(&set, "NE");
	for (i = 0; i < 4; i++)
	{
		entries[i].sector = q[i];
		entries[i].tag = i;
	}
	index = geo_index_build(entries, 4);

	ok(geo_sector_contains(q[1], 1, 0.5) && !geo_sector_contains(q[0], 1, 0.5) &&
	   !geo_sector_contains(q[2], 1, 0.5) && !geo_sector_contains(q[3], 1, 0.5),
	   "shared vertical edge: (1, 0.5) is in SE only (the sector to its east)");
	ok(geo_sector_contains(q[2], 0.5, 1) && !geo_sector_contains(q[0], 0.5, 1) &&
	   !geo_sector_contains(q[1], 0.5, 1) && !geo_sector_contains(q[3], 0.5, 1),
	   "shared horizontal edge: (0.5, 1) is in NW only (the sector to its north)");
	ok(geo_sector_contains(q[3], 1, 1) && !geo_sector_contains(q[0], 1, 1) &&
	   !geo_sector_contains(q[1], 1, 1) && !geo_sector_contains(q[2], 1, 1),
	   "vertex shared by 4 squares: (1, 1) is in NE only");

	/* square (i, j) holds exactly [i, i+1) x [j, j+1) */
	for (x = -0.5; x <= 2.5; x += 0.125)
	{
		for (y = -0.5; y <= 2.5; y += 0.125)
		{
			int			n = 0;
			int			which = -1;
			int			want = -1;
			int			got;

			for (i = 0; i < 4; i++)
			{
				if (geo_sector_contains(q[i], x, y))
				{
					n++;
					which = i;
				}
			}
			if (x >= 0 && x < 2 && y >= 0 && y < 2)
				want = (x >= 1 ? 1 : 0) + (y >= 1 ? 2 : 0);
			if ((want < 0 && n != 0) || (want >= 0 && (n != 1 || which != want)))
			{
				if (bad++ < 5)
					diag("(%g, %g): in %d squares, last %d, want %d", x, y, n,
						 which, want);
			}
			got = geo_index_lookup(index, x, y, false, 0, out, 4);
			if (got != (want >= 0) || (got == 1 && out[0]->tag != want))
				bad_index++;
		}
	}
	ok(bad == 0, "every point of a 0.125 lattice over the 4 squares is in exactly the square [i, i+1) x [j, j+1) holding it, none outside");
	ok(bad_index == 0, "the index agrees at every lattice point");
	geo_index_free(index);
	geo_free_set(&set);

	/* a slanted shared edge: two triangles of the unit square */
	if (!must_read("triangles",
				   fc(join(feature("A", polygon("[[0,0],[1,0],[0,1],[0,0]]")),
						   feature("B", polygon("[[1,1],[0,1],[1,0],[1,1]]")),
						   NULL)), &set))
		return;
	a = find_sector(&set, "A");
	b = find_sector(&set, "B");
	bad = 0;
	for (i = 0; i < 20000; i++)
	{
		double		t = rng_uniform(0.001, 0.999);
		double		px = t;
		double		py = 1 - t;

		/* on (or within rounding of) the diagonal, and slightly off it */
		if (i % 3 == 1)
			py = nextafter(py, 2);
		else if (i % 3 == 2)
			px = nextafter(px, -1);
		if (geo_sector_contains(a, px, py) + geo_sector_contains(b, px, py) != 1)
		{
			if (bad++ < 5)
				diag("(%.17g, %.17g): A %d B %d", px, py,
					 geo_sector_contains(a, px, py),
					 geo_sector_contains(b, px, py));
		}
	}
	ok(bad == 0 && geo_sector_contains(b, 0.5, 0.5) &&
	   !geo_sector_contains(a, 0.5, 0.5),
	   "shared slanted edge: 20000 points on and next to it are each in exactly one triangle; (0.5, 0.5) in the eastern one");
	geo_free_set(&set);
}

static void
test_antimeridian(void)
{
	GeoSectorSet set;
	const char *names[] = {"W1", "W2", "W3", "W4"};
	static const double jump[] = {170, -10, 179, -10, -179, -10, -170, -10,
	-170, 10, -179, 10, 179, 10, 170, 10, 170, -10};
	static const double west_first[] = {-170, -10, -170, 10, 170, 10,
	170, -10, -170, -10};
	static const Probe probes[] = {
		{175, 0, true}, {-175, 0, true}, {180, 0, true}, {-180, 0, true},
		{170, 0, true}, {-170, 0, false}, {165, 0, false}, {-165, 0, false},
		{185, 0, true}, {190, 0, false}, {-185, 0, true}, {175, -10, true},
		{175, 10, false}, {-175, 9.999, true}, {180, -10, true},
		{-180, 10, false}, {179.99999999, 5, true}, {-179.99999999, 5, true}
	};
	static const Probe hole_probes[] = {
		{178, 0, true}, {-177, 0, false}, {183, 0, false}, {-174, 0, true},
		{-176, 0, true}, {-178, 0, false}
	};
	const GeoSector *s;
	const GeoSector *e;
	const GeoSector *f;
	GeoIndexEntry entries[8];
	GeoIndex   *index;
	const GeoIndexEntry *out[8];
	bool		good = true;
	int			i;
	int			n;

	if (!must_read("antimeridian",
				   fc(join(feature("W1", polygon(rect(170, -10, 190, 10, false))),
						   feature("W2", multi(join(fmt("[%s]", rect(170, -10, 180, 10, false)),
													fmt("[%s]", rect(-180, -10, -170, 10, true)),
													NULL))),
						   feature("W3", polygon(ring(9, jump))),
						   feature("W4", polygon(ring(5, west_first))),
						   feature("E", polygon(rect(170, -10, 180, 10, false))),
						   feature("F", polygon(rect(-180, -10, -170, 10, false))),
						   feature("H1", polygon(join(ring(9, jump),
													  rect(-178, -1, -176, 1, false), NULL))),
						   feature("H2", polygon(join(ring(5, west_first),
													  rect(182, -1, 184, 1, true), NULL))),
						   NULL)), &set))
		return;

	for (i = 0; i < 4; i++)
	{
		s = find_sector(&set, names[i]);
		good = good && s != NULL && probes_ok(s, probes, NPROBES(probes));
	}
	ok(good, "one area as 170..190, as two pieces at +-180, as a 179 -> -179 jump and as -170 -> 170: 175, -175, 180, -180 in; 170 in, -170 out (west/east edges)");

	s = find_sector(&set, "W1");
	ok(s && s->min_lon == 170 && s->max_lon == 190,
	   "170..190 keeps its bounding box 170..190");
	s = find_sector(&set, "W3");
	ok(s && s->min_lon == 170 && s->max_lon == 190 &&
	   s->polygons[0].rings[0].points[2].lon == 181 &&
	   s->polygons[0].rings[0].points[4].lon == 190,
	   "the 179 -> -179 ring is unwrapped to 170..190 (-179 becomes 181)");
	s = find_sector(&set, "W4");
	ok(s && s->min_lon == 170 && s->max_lon == 190 &&
	   s->polygons[0].rings[0].points[0].lon == 190,
	   "a ring unwrapped to -190..-170 is moved by 360 so that its west edge is in -180..180");
	s = find_sector(&set, "W2");
	ok(s && s->npolygons == 2 && s->min_lon == -180 && s->max_lon == 180 &&
	   s->polygons[0].min_lon == 170 && s->polygons[0].max_lon == 180 &&
	   s->polygons[1].min_lon == -180 && s->polygons[1].max_lon == -170,
	   "two pieces keep their own boxes (170..180, -180..-170)");

	e = find_sector(&set, "E");
	f = find_sector(&set, "F");
	ok(e && f && !geo_sector_contains(e, 180, 0) && geo_sector_contains(f, 180, 0) &&
	   !geo_sector_contains(e, -180, 0) && geo_sector_contains(f, -180, 0) &&
	   geo_sector_contains(e, 179.999, 0) && !geo_sector_contains(f, 179.999, 0) &&
	   geo_sector_contains(f, -179.999, 0) && !geo_sector_contains(e, -179.999, 0),
	   "adjacent sectors across the antimeridian: 180 and -180 are in the eastern one only");

	good = true;
	for (i = 0; i < 2; i++)
	{
		s = find_sector(&set, i == 0 ? "H1" : "H2");
		good = good && s != NULL && probes_ok(s, hole_probes, NPROBES(hole_probes));
	}
	ok(good, "a hole across from its outer ring (-178..-176 in a 170..190 ring, 182..184 in a -170 -> 170 ring) is moved next to it");

	for (i = 0; i < set.nsectors; i++)
	{
		entries[i].sector = &set.sectors[i];
		entries[i].tag = i;
	}
	index = geo_index_build(entries, set.nsectors);
	good = index != NULL;
	for (i = 0; good && i < 4000; i++)
	{
		double		lon = (i % 4 == 0) ? 180.0 : (i % 4 == 1) ? -180.0 :
			rng_uniform(160, 200) - (i % 2 ? 360 : 0);
		double		lat = rng_uniform(-11, 11);
		int			j;
		int			k = 0;

		if (i % 8 < 2)
			lat = floor(lat);
		n = geo_index_lookup(index, lon, lat, false, 0, out, 8);
		for (j = 0; j < set.nsectors; j++)
		{
			if (geo_sector_contains(&set.sectors[j], lon, lat))
			{
				good = good && k < n && out[k]->sector == &set.sectors[j];
				k++;
			}
		}
		good = good && k == n;
		if (!good)
			diag("index and brute force differ at (%.17g, %.17g)", lon, lat);
	}
	ok(good, "index over the antimeridian sectors = brute force at 4000 points (incl. +-180 and whole latitudes)");
	geo_index_free(index);
	geo_free_set(&set);
}

static void
test_altitude(void)
{
	GeoSectorSet set;
	const GeoSector *b;
	const GeoSector *u;
	const GeoSector *fl;
	const GeoSector *cl;
	GeoIndexEntry entries[4];
	GeoIndex   *index;
	const GeoIndexEntry *out[4];
	int			i;
	int			n;
	int			n2;

	if (!must_read("bands",
				   fc(join(feature_x("\"B\"", "\"floor\":10000,\"ceiling\":24500",
									 polygon(rect(0, 0, 1, 1, false))),
						   feature_x("\"U\"", "\"floor\":null", polygon(rect(0, 0, 1, 1, false))),
						   feature_x("\"F\"", "\"floor\":5000", polygon(rect(0, 0, 1, 1, false))),
						   feature_x("\"C\"", "\"ceiling\":3000,\"floor\":null",
									 polygon(rect(0, 0, 1, 1, false))),
						   NULL)), &set))
		return;
	b = find_sector(&set, "B");
	u = find_sector(&set, "U");
	fl = find_sector(&set, "F");
	cl = find_sector(&set, "C");
	ok(b && b->floor_ft == 10000 && b->ceiling_ft == 24500 &&
	   u && u->floor_ft == GEO_NO_FLOOR && u->ceiling_ft == GEO_NO_CEILING &&
	   fl && fl->floor_ft == 5000 && fl->ceiling_ft == GEO_NO_CEILING &&
	   cl && cl->floor_ft == GEO_NO_FLOOR && cl->ceiling_ft == 3000,
	   "floor and ceiling read (absent or null: no bound)");
	if (!b || !u || !fl || !cl)
	{
		geo_free_set(&set);
		return;
	}
	ok(!geo_sector_contains_3d(b, 0.5, 0.5, true, 9999) &&
	   geo_sector_contains_3d(b, 0.5, 0.5, true, 10000) &&
	   geo_sector_contains_3d(b, 0.5, 0.5, true, 24499) &&
	   !geo_sector_contains_3d(b, 0.5, 0.5, true, 24500) &&
	   !geo_sector_contains_3d(b, 0.5, 0.5, false, 0) &&
	   !geo_sector_contains_3d(b, 1.5, 0.5, true, 12000),
	   "band 10000..24500: floor inclusive, ceiling exclusive, NULL altitude never, outside the area never");
	ok(geo_sector_contains_3d(u, 0.5, 0.5, false, 0) &&
	   geo_sector_contains_3d(u, 0.5, 0.5, true, -1000) &&
	   geo_sector_contains_3d(u, 0.5, 0.5, true, INT32_MAX) &&
	   geo_sector_contains_3d(u, 0.5, 0.5, true, INT32_MIN),
	   "unbanded: NULL and every altitude match");
	ok(!geo_sector_contains_3d(fl, 0.5, 0.5, true, 4999) &&
	   geo_sector_contains_3d(fl, 0.5, 0.5, true, 5000) &&
	   geo_sector_contains_3d(fl, 0.5, 0.5, true, INT32_MAX) &&
	   !geo_sector_contains_3d(fl, 0.5, 0.5, false, 0),
	   "floor only: from 5000 up, NULL never");
	ok(geo_sector_contains_3d(cl, 0.5, 0.5, true, INT32_MIN) &&
	   geo_sector_contains_3d(cl, 0.5, 0.5, true, 2999) &&
	   !geo_sector_contains_3d(cl, 0.5, 0.5, true, 3000) &&
	   !geo_sector_contains_3d(cl, 0.5, 0.5, false, 0),
	   "ceiling only: below 3000, NULL never");

	/* entries in the order B, U, F, C */
	entries[0].sector = b;
	entries[1].sector = u;
	entries[2].sector = fl;
	entries[3].sector = cl;
	for (i = 0; i < 4; i++)
		entries[i].tag = 10 + i;
	index = geo_index_build(entries, 4);
	n = geo_index_lookup(index, 0.5, 0.5, true, 2000, out, 4);
	ok(n == 2 && out[0]->tag == 11 && out[1]->tag == 13,
	   "index at 2000 ft: U, C");
	n = geo_index_lookup(index, 0.5, 0.5, true, 10000, out, 4);
	ok(n == 3 && out[0]->tag == 10 && out[1]->tag == 11 && out[2]->tag == 12,
	   "index at 10000 ft: B, U, F (entry order)");
	n = geo_index_lookup(index, 0.5, 0.5, false, 0, out, 4);
	n2 = geo_index_lookup(index, 0.5, 0.5, true, 10000, out, 1);
	ok(n == 1 && n2 == 3 && out[0]->tag == 10 &&
	   geo_index_lookup(index, 0.5, 0.5, true, 10000, NULL, 0) == 3,
	   "index with NULL altitude: U only; max 1 writes 1 and returns 3; max 0 writes nothing");
	geo_index_free(index);
	geo_free_set(&set);
}

/* ------------------------------------------------------------------------
 * Reading: shape of the result
 * ------------------------------------------------------------------------
 */

static void
test_read_result(void)
{
	GeoSectorSet set;
	GeoMessage	err;
	const GeoSector *s;
	const char *doc;
	bool		r;

	/* names out of order, one shared by features 1 and 3 */
	doc = fc(join(feature("b", polygon(rect(0, 0, 1, 1, false))),
				  feature("a", polygon(rect(10, 10, 11, 11, false))),
				  feature("\xc3\xa9t\xc3\xa9", polygon(rect(0, 0, 1, 1, false))),
				  feature("a", multi(join(fmt("[%s]", rect(20, -5, 21, -4, false)),
										  fmt("[%s]", rect(-30, 2, -29, 3, false)),
										  NULL))),
				  feature("Z", polygon(rect(0, 0, 1, 1, false))),
				  NULL));
	r = read_text(doc, true, &set, &err);
	ok(r && set.nfeatures == 5 && set.nsectors == 4 && set.nrepairs == 0 &&
	   set.repairs == NULL &&
	   strcmp(set.sectors[0].name, "Z") == 0 &&
	   strcmp(set.sectors[1].name, "a") == 0 &&
	   strcmp(set.sectors[2].name, "b") == 0 &&
	   strcmp(set.sectors[3].name, "\xc3\xa9t\xc3\xa9") == 0,
	   "sectors sorted by name (strcmp: Z < a < b < UTF-8), unique");
	s = r ? find_sector(&set, "a") : NULL;
	ok(s && s->npolygons == 3 && s->polygons[0].min_lon == 10 &&
	   s->polygons[1].min_lon == 20 && s->polygons[2].min_lon == -30 &&
	   s->min_lon == -30 && s->max_lon == 21 && s->min_lat == -5 &&
	   s->max_lat == 11 && geo_sector_contains(s, 10.5, 10.5) &&
	   geo_sector_contains(s, -29.5, 2.5) && !geo_sector_contains(s, 0, 0),
	   "features sharing a name form one sector: polygons in feature order, box of all");
	if (r)
		geo_free_set(&set);
	ok(set_is_zero(&set), "geo_free_set empties the set");
	geo_free_set(&set);

	/* the empty collection; other members ignored; a third coordinate */
	r = read_text("{\"features\":[],\"type\":\"FeatureCollection\",\"name\":\"x\"}",
				  false, &set, &err);
	ok(r && set.nsectors == 0 && set.nfeatures == 0 && set.sectors == NULL,
	   "an empty FeatureCollection: no sectors");
	geo_free_set(&set);
	r = read_text(fc(feature_x("\"p\"", "\"id\":7,\"floor\":null",
							   polygon("[[0,0,100],[1,0,100,5],[1,1,7],[0,0,0]]"))),
				  true, &set, &err);
	ok(r && set.nsectors == 1 && set.sectors[0].polygons[0].rings[0].npoints == 4 &&
	   set.sectors[0].polygons[0].rings[0].points[1].lon == 1 &&
	   set.sectors[0].polygons[0].rings[0].points[1].lat == 0,
	   "a third (and fourth) coordinate is ignored; a closed ring of 3 distinct points");
	geo_free_set(&set);

	/* duplicate keys: the last wins; floor keys not asked for are ignored */
	r = read_text(fc("{\"properties\":{\"name\":\"x\",\"name\":\"y\"},\"geometry\":{\"type\":\"LineString\",\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}"),
				  false, &set, &err);
	ok(r && set.nsectors == 1 && strcmp(set.sectors[0].name, "y") == 0,
	   "a repeated key: the last one counts");
	geo_free_set(&set);
	doc = fc(feature_x("\"q\"", "\"floor\":\"x\",\"ceiling\":1.5",
					   polygon(rect(0, 0, 1, 1, false))));
	r = read_len(doc, strlen(doc), "name", NULL, NULL, false, &set, &err);
	ok(r && set.sectors[0].floor_ft == GEO_NO_FLOOR &&
	   set.sectors[0].ceiling_ft == GEO_NO_CEILING,
	   "floor_key / ceiling_key NULL: those properties are not read");
	geo_free_set(&set);
	doc = fc(feature_x("\"q\"", "\"lo\":-1000,\"hi\":6000",
					   polygon(rect(0, 0, 1, 1, false))));
	r = read_len(doc, strlen(doc), "name", "lo", "hi", false, &set, &err);
	ok(r && set.sectors[0].floor_ft == -1000 && set.sectors[0].ceiling_ft == 6000,
	   "floor and ceiling under caller-chosen keys, negative floor");
	geo_free_set(&set);

	/* features of one name with the same band */
	r = read_text(fc(join(feature_x("\"d\"", "\"floor\":100,\"ceiling\":200",
									polygon(rect(0, 0, 1, 1, false))),
						  feature_x("\"d\"", "\"ceiling\":200,\"floor\":100",
									polygon(rect(2, 0, 3, 1, false))), NULL)),
				  false, &set, &err);
	ok(r && set.nsectors == 1 && set.sectors[0].npolygons == 2 &&
	   set.sectors[0].floor_ft == 100 && set.sectors[0].ceiling_ft == 200,
	   "features of one name with equal floors and ceilings: one banded sector");
	geo_free_set(&set);
}

/* ------------------------------------------------------------------------
 * Reading: repairs and errors
 * ------------------------------------------------------------------------
 */

static void
test_repairs(void)
{
	GeoSectorSet set;
	GeoMessage	err;
	const char *doc;
	const GeoRing *rg;
	bool		r;

	doc = fc(join(feature("ok", polygon(rect(0, 0, 1, 1, false))),
				  feature("R", multi(join(fmt("[%s,%s]", rect(0, 0, 10, 10, false),
											  "[[4,4],[6,4],[6,6],[4,6]]"),
										  fmt("[%s]", rect(20, 0, 21, 1, false)),
										  "[[[30,0],[31,0],[31,1],[30,1]]]",
										  NULL))),
				  NULL));
	r = read_text(doc, false, &set, &err);
	ok(r && set.nrepairs == 2 &&
	   set.repairs[0].feature == 1 && strcmp(set.repairs[0].name, "R") == 0 &&
	   strcmp(set.repairs[0].text, "hole 1 of polygon 0 not closed: closed it") == 0 &&
	   set.repairs[1].feature == 1 && strcmp(set.repairs[1].name, "R") == 0 &&
	   strcmp(set.repairs[1].text, "outer ring of polygon 2 not closed: closed it") == 0,
	   "unclosed rings are closed and listed: \"outer ring of polygon 2 not closed: closed it\", feature 1, name R");
	if (r)
	{
		const GeoSector *s = find_sector(&set, "R");

		rg = &s->polygons[2].rings[0];
		ok(rg->npoints == 5 && rg->points[4].lon == 30 && rg->points[4].lat == 0 &&
		   s->polygons[0].rings[1].npoints == 5 &&
		   geo_sector_contains(s, 30.5, 0.5) && !geo_sector_contains(s, 5, 5) &&
		   geo_sector_contains(s, 3, 3),
		   "the closed rings end with their first point and work");
		geo_free_set(&set);
	}
	else
		ok(false, "the closed rings end with their first point and work");

	r = read_text(doc, true, &set, &err);
	ok(!r && err.feature == 1 && strcmp(err.name, "R") == 0 &&
	   strcmp(err.text, "hole 1 of polygon 0 not closed") == 0 && set_is_zero(&set),
	   "strict: the first unclosed ring is an error (\"hole 1 of polygon 0 not closed\")");
}

typedef struct ErrCase
{
	const char *what;
	const char *doc;			/* NULL: built in test_errors */
	int			feature;
	const char *name;
	const char *text;
} ErrCase;

static bool
expect_error(const char *what, const char *doc, size_t len, bool strict,
			 int feature, const char *name, const char *text)
{
	GeoSectorSet set;
	GeoMessage	err;
	bool		r;

	memset(&set, 0x7F, sizeof(set));
	r = read_len(doc, len, "name", "floor", "ceiling", strict, &set, &err);
	if (!ok(!r && err.feature == feature && strcmp(err.name, name) == 0 &&
			strcmp(err.text, text) == 0 && set_is_zero(&set),
			"error, %s: feature %d%s%s%s: %s", what, feature,
			*name ? " (" : "", name, *name ? ")" : "", text))
	{
		if (r)
		{
			diag("read succeeded");
			geo_free_set(&set);
		}
		else
			diag("got feature %d (%s): %s", err.feature, err.name, err.text);
		return false;
	}
	return true;
}

static void
test_errors(void)
{
	const char *good = feature("g", polygon(rect(0, 0, 1, 1, false)));
	const char *sq = rect(0, 0, 1, 1, false);
	const char *longname;
	const char *doc;
	char		bad_utf8[64];
	GeoSectorSet set;
	GeoMessage	err;
	int			i;

#define FEAT(geom) fc(join(good, feature("n", geom), NULL))
#define POLY(rings) FEAT(polygon(rings))
#define RING(positions) POLY(positions)
	const ErrCase cases[] = {
		/* the document */
		{"empty", "", -1, "", "document is empty"},
		{"white space", " \n\t ", -1, "", "document contains only white space"},
		{"truncated", "{\"type\":\"FeatureCollection\",\"features\":[", -1, "",
		"unexpected end of input (truncated document?)"},
		{"not JSON", "{\"type\": FeatureCollection}", -1, "",
		"invalid JSON at byte 9"},
		{"trailing data", "{} x", -1, "", "unexpected data after the JSON value at byte 3"},
		{"an array", "[1]", -1, "", "top level is an array, not an object"},
		{"a string", "\"FeatureCollection\"", -1, "", "top level is a string, not an object"},
		{"no type", "{\"features\":[]}", -1, "", "top level has no type: not a FeatureCollection"},
		{"type not a string", "{\"type\":1,\"features\":[]}", -1, "",
		"type is a number, not \"FeatureCollection\""},
		{"a Feature", "{\"type\":\"Feature\",\"features\":[]}", -1, "",
		"type is \"Feature\", not \"FeatureCollection\""},
		{"no features", "{\"type\":\"FeatureCollection\"}", -1, "", "features is missing"},
		{"features an object", "{\"type\":\"FeatureCollection\",\"features\":{}}", -1, "",
		"features is an object, not an array"},
		{"features null", "{\"type\":\"FeatureCollection\",\"features\":null}", -1, "",
		"features is null, not an array"},

		/* a feature */
		{"feature not an object", fc(join(good, "7", NULL)), 1, "",
		"feature is a number, not an object"},
		{"feature an array", fc(join(good, good, "[]", NULL)), 2, "",
		"feature is an array, not an object"},
		{"properties an array", fc(join(good, "{\"properties\":[],\"geometry\":null}", NULL)),
		1, "", "properties is an array, not an object"},
		{"no properties", fc(fmt("{\"geometry\":%s}", polygon(sq))), 0, "",
		"name property \"name\" is missing"},
		{"properties null", fc(fmt("{\"properties\":null,\"geometry\":%s}", polygon(sq))),
		0, "", "name property \"name\" is missing"},
		{"name missing", fc(fmt("{\"properties\":{\"id\":\"x\"},\"geometry\":%s}", polygon(sq))),
		0, "", "name property \"name\" is missing"},
		{"name a number", fc(join(good, feature_x("5", NULL, polygon(sq)), NULL)), 1, "",
		"name property \"name\" is a number, not a string"},
		{"name null", fc(join(good, feature_x("null", NULL, polygon(sq)), NULL)), 1, "",
		"name property \"name\" is null, not a string"},
		{"name empty", fc(join(good, feature_x("\"\"", NULL, polygon(sq)), NULL)), 1, "",
		"name property \"name\" is empty"},
		{"floor a string", fc(join(good, feature_x("\"f\"", "\"floor\":\"1000\"", polygon(sq)), NULL)),
		1, "f", "floor property \"floor\" is a string, not an integer"},
		{"floor not integral", fc(join(good, feature_x("\"f\"", "\"floor\":1000.5", polygon(sq)), NULL)),
		1, "f", "floor property \"floor\" is 1000.5, not an integer"},
		{"ceiling a boolean", fc(join(good, feature_x("\"f\"", "\"ceiling\":true", polygon(sq)), NULL)),
		1, "f", "ceiling property \"ceiling\" is a boolean, not an integer"},
		{"ceiling beyond int32", fc(join(good, feature_x("\"f\"", "\"ceiling\":1e12", polygon(sq)), NULL)),
		1, "f", "ceiling property \"ceiling\" is 1000000000000, outside the range of int32"},
		{"floor INT32_MIN", fc(join(good, feature_x("\"f\"", "\"floor\":-2147483648", polygon(sq)), NULL)),
		1, "f", "floor property \"floor\" is -2147483648, the value that means no floor: leave it out or null instead"},
		{"ceiling INT32_MAX", fc(join(good, feature_x("\"f\"", "\"ceiling\":2147483647", polygon(sq)), NULL)),
		1, "f", "ceiling property \"ceiling\" is 2147483647, the value that means no ceiling: leave it out or null instead"},
		{"floor = ceiling", fc(join(good, feature_x("\"f\"", "\"floor\":5000,\"ceiling\":5000", polygon(sq)), NULL)),
		1, "f", "floor 5000 ft is not below ceiling 5000 ft"},
		{"floors differ", fc(join(feature_x("\"d\"", "\"floor\":1000", polygon(sq)), good,
								  feature_x("\"d\"", "\"floor\":2000", polygon(sq)),
								  feature_x("\"e\"", "\"ceiling\":9000", polygon(sq)),
								  feature_x("\"e\"", NULL, polygon(sq)), NULL)),
		2, "d", "floor/ceiling 2000/none differ from feature 0 of the same name (1000/none)"},
		{"ceilings differ", fc(join(feature_x("\"e\"", "\"ceiling\":9000", polygon(sq)), good,
									feature_x("\"e\"", "\"floor\":null", polygon(sq)), NULL)),
		2, "e", "floor/ceiling none/none differ from feature 0 of the same name (none/9000)"},

		/* geometry */
		{"geometry missing", fc(join(good, "{\"properties\":{\"name\":\"n\"}}", NULL)), 1, "n",
		"geometry is missing"},
		{"geometry null", FEAT("null"), 1, "n", "geometry is null"},
		{"geometry an array", FEAT("[]"), 1, "n", "geometry is an array, not an object"},
		{"geometry without type", FEAT("{\"coordinates\":[]}"), 1, "n", "geometry has no type"},
		{"geometry type a number", FEAT("{\"type\":3}"), 1, "n",
		"geometry type is a number, not a string"},
		{"a LineString", FEAT("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}"), 1, "n",
		"geometry is a LineString, not a Polygon or MultiPolygon"},
		{"a Point", FEAT("{\"type\":\"Point\",\"coordinates\":[0,0]}"), 1, "n",
		"geometry is a Point, not a Polygon or MultiPolygon"},
		{"a GeometryCollection", FEAT("{\"type\":\"GeometryCollection\",\"geometries\":[]}"), 1, "n",
		"geometry is a GeometryCollection, not a Polygon or MultiPolygon"},
		{"an unknown type", FEAT("{\"type\":\"Circle\",\"radius\":5}"), 1, "n",
		"geometry type \"Circle\" is not Polygon or MultiPolygon"},
		{"no coordinates", FEAT("{\"type\":\"Polygon\"}"), 1, "n", "geometry has no coordinates"},
		{"coordinates a string", FEAT("{\"type\":\"MultiPolygon\",\"coordinates\":\"x\"}"), 1, "n",
		"coordinates is a string, not an array"},
		{"Polygon without rings", FEAT("{\"type\":\"Polygon\",\"coordinates\":[]}"), 1, "n",
		"polygon 0 has no rings"},
		{"MultiPolygon without polygons", FEAT(multi("")), 1, "n", "MultiPolygon has no polygons"},
		{"polygon a number", FEAT(multi(join(fmt("[%s]", sq), "7", NULL))), 1, "n",
		"polygon 1 is a number, not an array of rings"},
		{"polygon empty", FEAT(multi(join(fmt("[%s]", sq), "[]", NULL))), 1, "n",
		"polygon 1 has no rings"},

		/* rings and positions */
		{"ring a string", POLY(join(sq, "\"x\"", NULL)), 1, "n",
		"hole 1 of polygon 0 is a string, not an array of positions"},
		{"ring an object", FEAT(multi(join(fmt("[%s]", sq), "[{}]", NULL))), 1, "n",
		"outer ring of polygon 1 is an object, not an array of positions"},
		{"position a string", RING("[[0,0],[1,0],\"x\",[0,0]]"), 1, "n",
		"position 2 of outer ring of polygon 0 is a string, not an array of 2 numbers"},
		{"position of 1", RING("[[0,0],[1,0],[1],[0,0]]"), 1, "n",
		"position 2 of outer ring of polygon 0 has 1 coordinate, not 2"},
		{"position empty", RING("[[0,0],[1,0],[1,1],[],[0,0]]"), 1, "n",
		"position 3 of outer ring of polygon 0 has 0 coordinates, not 2"},
		{"longitude a string", RING("[[0,0],[1,0],[\"1\",1],[0,0]]"), 1, "n",
		"longitude of position 2 of outer ring of polygon 0 is a string, not a number"},
		{"latitude null", RING("[[0,0],[1,0],[1,null],[0,0]]"), 1, "n",
		"latitude of position 2 of outer ring of polygon 0 is null, not a number"},
		{"third coordinate a string", RING("[[0,0],[1,0],[1,1,\"x\"],[0,0]]"), 1, "n",
		"coordinate 2 of position 2 of outer ring of polygon 0 is a string, not a number"},
		{"latitude beyond 90", POLY(join(sq, "[[0,0],[1,0],[1,90.5],[0,0]]", NULL)), 1, "n",
		"latitude 90.5 of position 2 of hole 1 of polygon 0 is outside -90..90"},
		{"latitude below -90", RING("[[0,-90],[1,-90.000001],[1,1],[0,-90]]"), 1, "n",
		"latitude -90.000001 of position 1 of outer ring of polygon 0 is outside -90..90"},
		{"longitude below -360", RING("[[0,0],[-360.5,0],[1,1],[0,0]]"), 1, "n",
		"longitude -360.5 of position 1 of outer ring of polygon 0 is outside -360..360"},
		{"longitude infinite", RING("[[0,0],[1e400,0],[1,1],[0,0]]"), 1, "n",
		"longitude inf of position 1 of outer ring of polygon 0 is outside -360..360"},
		{"2 distinct points", RING("[[0,0],[1,1],[0,0]]"), 1, "n",
		"outer ring of polygon 0 has 2 distinct points, fewer than 3"},
		{"2 distinct points, unclosed", RING("[[0,0],[1,1],[1,1],[0,0],[1,1]]"), 1, "n",
		"outer ring of polygon 0 has 2 distinct points, fewer than 3"},
		{"1 distinct point", POLY(join(sq, "[[5,5],[5,5],[5,5],[5,5]]", NULL)), 1, "n",
		"hole 1 of polygon 0 has 1 distinct point, fewer than 3"},
		{"empty ring", RING("[]"), 1, "n", "outer ring of polygon 0 is empty"},
		{"around a pole", RING("[[0,80],[120,80],[-120,80],[0,80]]"), 1, "n",
		"outer ring of polygon 0 goes around a pole (its longitudes turn by 360 degrees)"},
		{"around a pole westward", FEAT(multi(join(fmt("[%s]", sq),
												   "[[[0,-80],[-120,-80],[120,-80],[0,-80]]]", NULL))),
		1, "n", "outer ring of polygon 1 goes around a pole (its longitudes turn by -360 degrees)"},

		/* the first bad feature wins; strict repairs come in feature order */
		{"first of two errors", fc(join(good, feature("x", "null"), "7", NULL)), 1, "x",
		"geometry is null"},
	};
#undef FEAT
#undef POLY
#undef RING

	for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
		expect_error(cases[i].what, cases[i].doc, strlen(cases[i].doc), false,
					 cases[i].feature, cases[i].name, cases[i].text);

	/* invalid UTF-8, a NUL byte */
	snprintf(bad_utf8, sizeof(bad_utf8), "{\"type\":\"Feat\xff\"}");
	expect_error("invalid UTF-8", bad_utf8, strlen(bad_utf8), false, -1, "",
				 "invalid UTF-8 at byte 13 (invalid byte)");
	expect_error("a NUL byte", "{\"type\":\"F\0\"}", 13, false, -1, "",
				 "NUL byte at byte 10");

	/* strict: the first repair in document order is the error */
	doc = fc(join(good, feature("s", multi(join(fmt("[%s]", sq),
												"[[[5,5],[6,5],[6,6]]]", NULL))),
				  feature("t", polygon("[[0,0],[1,0],[1,1]]")), NULL));
	expect_error("strict, unclosed outer ring", doc, strlen(doc), true, 1, "s",
				 "outer ring of polygon 1 not closed");

	/* a long name is cut on a character boundary in messages */
	longname = fmt("\xc3\xa9%0124d\xc3\xa9zzz", 0);
	if (read_text(fc(feature(longname, "null")), false, &set, &err))
		geo_free_set(&set);
	ok(strlen(longname) == 131 && strlen(err.name) == 126 &&
	   strncmp(err.name, longname, 126) == 0,
	   "a 131-byte name is cut to 126 bytes in the message (not inside the 2-byte character at 126..127)");
	doc = fc(join(good, feature("n", "{\"type\":\"\\u0007Circle of a rather long and verbose type name\"}"), NULL));
	expect_error("a long unknown type with a control character", doc, strlen(doc),
				 false, 1, "n",
				 "geometry type \"?Circle of a rather long and verbose typ...\" is not Polygon or MultiPolygon");

	/* no name key */
	ok(!geo_read_geojson("{}", 2, NULL, NULL, NULL, false, &set, &err) &&
	   strcmp(err.text, "no name property given") == 0 && err.feature == -1 &&
	   !geo_read_geojson("{}", 2, "", NULL, NULL, false, &set, NULL) &&
	   set_is_zero(&set),
	   "no name key: an error (err may be NULL)");
}

/* ------------------------------------------------------------------------
 * The index
 * ------------------------------------------------------------------------
 */

static void
test_index(void)
{
	GeoSectorSet a;
	GeoSectorSet b;
	GeoIndexEntry entries[9];
	GeoIndex   *index;
	GeoIndex   *empty;
	const GeoIndexEntry *out[8];
	GeoPoint	pts[] = {{-200, -1}, {200, -1}, {200, 1}, {-200, 1}, {-200, -1}};
	GeoRing		rg = {5, pts, NULL};
	GeoPolygon	wide = {1, &rg, -200, -1, 200, 1};
	GeoSector	wide_sector = {"wide", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &wide,
	-200, -1, 200, 1};
	GeoPolygon	nan_box = {1, &rg, NAN, -1, NAN, 1};
	GeoSector	nan_sector = {"nan", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &nan_box,
	-200, -1, 200, 1};
	int			n;
	int			i;
	int			bad = 0;

	if (!must_read("index set a",
				   fc(join(feature("big", polygon(rect(-10, -10, 10, 10, false))),
						   feature("small", polygon(rect(-1, -1, 1, 1, false))),
						   feature("far", polygon(rect(100, 50, 101.5, 51.5, false))),
						   feature("flat", polygon("[[-5,0],[5,0],[0,0],[-5,0]]")),
						   NULL)), &a))
		return;
	if (!must_read("index set b",
				   fc(feature("other", polygon(rect(0, 0, 20, 20, false)))), &b))
	{
		geo_free_set(&a);
		return;
	}
	/* small, big, other (set b), small again with another tag, wide, far */
	entries[0].sector = find_sector(&a, "small");
	entries[0].tag = 1;
	entries[1].sector = find_sector(&a, "big");
	entries[1].tag = 1;
	entries[2].sector = &b.sectors[0];
	entries[2].tag = 2;
	entries[3].sector = find_sector(&a, "small");
	entries[3].tag = 3;
	entries[4].sector = &wide_sector;
	entries[4].tag = 4;
	entries[5].sector = find_sector(&a, "far");
	entries[5].tag = 1;
	entries[6].sector = find_sector(&a, "flat");
	entries[6].tag = 5;
	entries[7].sector = &nan_sector;
	entries[7].tag = 6;
	entries[8].sector = NULL;	/* never matches */
	entries[8].tag = 7;
	index = geo_index_build(entries, 9);

	n = geo_index_lookup(index, 0.5, 0.5, false, 0, out, 8);
	ok(index && n == 5 && out[0] != &entries[0] &&
	   out[0]->sector == entries[0].sector && out[0]->tag == 1 &&
	   out[1]->sector == entries[1].sector && out[2]->tag == 2 &&
	   out[3]->sector == entries[0].sector && out[3]->tag == 3 &&
	   out[4]->sector == &wide_sector,
	   "lookup: every matching entry in entry order, the same sector twice under two tags, two sets, a box wider than 360, an entry without sector skipped");
	ok(geo_index_lookup(index, 0.5, 0.5, false, 0, out, 2) == 5 &&
	   out[0]->tag == 1 && out[1]->sector == entries[1].sector,
	   "lookup with max 2: writes 2, returns 5");
	ok(geo_index_lookup(index, 100.75, 50.75, false, 0, out, 8) == 1 &&
	   out[0]->sector == entries[5].sector &&
	   geo_index_lookup(index, 101.5, 50.75, false, 0, out, 8) == 0 &&
	   geo_index_lookup(index, 50, 50, false, 0, out, 8) == 0 &&
	   geo_index_lookup(index, NAN, 0, false, 0, out, 8) == 0 &&
	   geo_index_lookup(index, 0, NAN, false, 0, out, 8) == 0 &&
	   geo_index_lookup(NULL, 0, 0, false, 0, out, 8) == 0 &&
	   geo_index_lookup(index, INFINITY, 0, false, 0, out, 8) == 0 &&
	   geo_index_lookup(index, 0, -INFINITY, false, 0, out, 8) == 0,
	   "lookup: one match, none on an east edge, none in the open, NaN, infinite, NULL index");
	ok(!geo_sector_contains(entries[6].sector, 0, 0) &&
	   !geo_sector_contains(entries[6].sector, 0, 1e-9) &&
	   !geo_sector_contains(entries[6].sector, 0, -1e-9) &&
	   !geo_sector_contains(&nan_sector, 0, 0),
	   "a ring of only horizontal edges holds no point; nor does a polygon with a NaN box");

	/* brute force over random points, some on whole degrees */
	for (i = 0; i < 20000; i++)
	{
		double		lon = rng_uniform(-30, 30);
		double		lat = rng_uniform(-15, 25);
		int			j;
		int			k = 0;

		if (i % 4 == 0)
			lon = floor(lon);
		if (i % 3 == 0)
			lat = floor(lat * 2) / 2;
		n = geo_index_lookup(index, lon, lat, false, 0, out, 8);
		for (j = 0; j < 8; j++)
		{
			if (geo_sector_contains(entries[j].sector, lon, lat))
			{
				if (k >= n || out[k] == NULL || out[k]->tag != entries[j].tag ||
					out[k]->sector != entries[j].sector)
					bad++;
				k++;
			}
		}
		if (k != n)
			bad++;
	}
	ok(bad == 0, "index = brute force at 20000 points (some on whole degrees)");

	empty = geo_index_build(NULL, 0);
	ok(empty != NULL && geo_index_lookup(empty, 0, 0, false, 0, out, 8) == 0 &&
	   geo_index_build(NULL, -1) == NULL,
	   "an index of no entries finds nothing; a negative count is refused");
	geo_index_free(empty);
	geo_index_free(index);
	geo_index_free(NULL);
	geo_free_set(NULL);
	geo_free_set(&a);
	geo_free_set(&b);
}

/* ------------------------------------------------------------------------
 * Allocation failure
 * ------------------------------------------------------------------------
 */

/* A ring of n points zigzagging along y = 1..2, then closed via (10, 10). */
static char *
zigzag_ring(int n)
{
	char	   *s = keep(malloc((size_t) n * 40 + 64));
	size_t		len = 0;
	int			i;

	len += (size_t) sprintf(s + len, "[[0,0]");
	for (i = 1; i < n; i++)
		len += (size_t) sprintf(s + len, ",[%.6f,%.1f]", 10.0 * i / n,
								(i % 2) ? 1.0 : 2.0);
	sprintf(s + len, ",[10,10],[0,10],[0,0]]");
	return s;
}

/* A read under an allocation budget (see read_attempt). */
typedef struct ReadAttempt
{
	const char *text;
	size_t		len;
	const char *floor_key;
	long		parse_calls;	/* allocations of the JSON parse */
	int			nsectors;		/* to check on success, -1: don't */
	int			nrepairs;
} ReadAttempt;

/*
 * One geo_read_geojson of the ReadAttempt arg: "out of memory", or within
 * the JSON parse cJSON's error, and the set zeroed, or success.
 */
static AllocResult
read_attempt(void *arg, long budget)
{
	const ReadAttempt *a = arg;
	GeoSectorSet set;
	GeoMessage	err;
	bool		right;

	if (read_len(a->text, a->len, "name", a->floor_key, a->floor_key ? "ceiling" : NULL,
				 false, &set, &err))
	{
		right = a->nsectors < 0 ||
			(set.nsectors == a->nsectors && set.nrepairs == a->nrepairs);
		geo_free_set(&set);
		return right ? ALLOC_SUCCEEDED : ALLOC_WRONG;
	}
	if (!set_is_zero(&set))
		return ALLOC_WRONG;
	if (strcmp(err.text, "out of memory") == 0)
		return ALLOC_OUT_OF_MEMORY;
	if (budget < a->parse_calls &&
		(strncmp(err.text, "invalid JSON", 12) == 0 ||
		 strncmp(err.text, "unexpected end", 14) == 0))
		return ALLOC_OTHER_FAILURE;
	diag("budget %ld: %s", budget, err.text);
	return ALLOC_WRONG;
}

/*
 * Sectors too big for the grid: whole-globe features cost the index a few
 * bytes each (0.3.0: 259 kB each, 800 MB for 3,000), and lookups over a
 * mix of big and small sectors still equal brute force.
 */
static void
test_index_bounded(void)
{
	enum
	{
		NGLOBE = 3000, NMIX = 600
	};
	static GeoPoint globe_pts[] = {{-180, -90}, {180, -90}, {180, 90}, {-180, 90}, {-180, -90}};
	static GeoRing globe_ring = {5, globe_pts, NULL};
	static GeoPolygon globe = {1, &globe_ring, -180, -90, 180, 90};
	static GeoSector sectors[NGLOBE];
	static GeoIndexEntry entries[NGLOBE];
	static GeoPoint mix_pts[NMIX][5];
	static GeoRing mix_rings[NMIX];
	static GeoPolygon mix_polys[NMIX];
	static const GeoIndexEntry *out[NGLOBE];
	GeoIndex   *index;
	int			i;
	int			n;
	int			bad = 0;

	for (i = 0; i < NGLOBE; i++)
	{
		GeoSector	s = {"globe", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &globe, -180, -90, 180, 90};

		sectors[i] = s;
		entries[i].sector = &sectors[i];
		entries[i].tag = i;
	}
	index = geo_index_build(entries, NGLOBE);
	n = geo_index_lookup(index, 12.5, 47.25, false, 0, out, NGLOBE);
	ok(index != NULL && geo_index_bytes(index) < (size_t) 1024 * 1024 &&
	   n == NGLOBE && out[0]->tag == 0 && out[NGLOBE - 1]->tag == NGLOBE - 1,
	   "3000 whole-globe sectors: an index under 1 MB (%zu bytes), every one found in order",
	   geo_index_bytes(index));
	ok(geo_index_sector_bytes(&sectors[0]) == sizeof(GeoIndexEntry) + sizeof(int32_t),
	   "a whole-globe sector costs the index one entry and one list slot");
	geo_index_free(index);

	/*
	 * A mix: every third whole-globe, the rest rectangles from 1 to 240
	 * degrees wide and 1 to 100 high (some over GEO_INDEX_BIG_CELLS), some
	 * across the antimeridian, some banded.
	 */
	for (i = 0; i < NMIX; i++)
	{
		GeoSector  *s = &sectors[i];

		if (i % 3 == 0)
		{
			GeoSector	g = {"globe", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &globe, -180, -90, 180, 90};

			*s = g;
		}
		else
		{
			double		w = rng_uniform(1, 240);
			double		h = rng_uniform(1, 100);
			double		x0 = rng_uniform(-180, 180);
			double		y0 = rng_uniform(-90, 90 - h);
			GeoPoint	r[5] = {{x0, y0}, {x0 + w, y0}, {x0 + w, y0 + h}, {x0, y0 + h}, {x0, y0}};
			GeoPolygon	p = {1, &mix_rings[i], x0, y0, x0 + w, y0 + h};
			GeoSector	t = {"rect", GEO_NO_FLOOR, GEO_NO_CEILING, 1, &mix_polys[i], x0, y0, x0 + w, y0 + h};

			memcpy(mix_pts[i], r, sizeof(r));
			mix_rings[i].npoints = 5;
			mix_rings[i].points = mix_pts[i];
			mix_rings[i].edges = NULL;
			mix_polys[i] = p;
			*s = t;
			if (i % 5 == 1)
			{
				s->floor_ft = 10000;
				s->ceiling_ft = 20000;
			}
		}
		entries[i].sector = s;
		entries[i].tag = i;
	}
	index = geo_index_build(entries, NMIX);
	for (i = 0; i < 3000 && index != NULL; i++)
	{
		double		lon = rng_uniform(-180, 180);
		double		lat = rng_uniform(-90, 90);
		bool		has_alt = i % 2 == 0;
		int32_t		alt = (int32_t) rng_uniform(0, 30000);
		int			j;
		int			k = 0;

		if (i % 4 == 0)
			lon = floor(lon);
		n = geo_index_lookup(index, lon, lat, has_alt, alt, out, NMIX);
		for (j = 0; j < NMIX; j++)
		{
			if (geo_sector_contains_3d(entries[j].sector, lon, lat, has_alt, alt))
			{
				if (k >= n || out[k]->tag != j)
					bad++;
				k++;
			}
		}
		if (k != n)
			bad++;
	}
	ok(index != NULL && bad == 0,
	   "index over big and small sectors = brute force at 3000 points");
	geo_index_free(index);
}

/* A compact copy answers as the original; a set's cost counts vertices. */
static void
test_copy_and_cost(void)
{
	GeoSectorSet set;
	GeoSectorSet copy;
	GeoSetCost	cost;
	const GeoSector *d;
	int			i;
	int			bad = 0;

	if (!must_read("copy",
				   fc(join(feature("A", polygon(rect(0, 0, 10, 10, false))),
						   feature("D", polygon(fmt("%s,%s", rect(20, 20, 30, 30, false),
													rect(22, 22, 28, 28, true)))),
						   feature("A", polygon(rect(170, 0, 190, 10, false))),
						   NULL)), &set))
		return;
	cost = geo_set_cost(&set);
	ok(cost.vertices == 20 && cost.index_bytes > 2 * sizeof(GeoIndexEntry),
	   "cost: 20 vertices (two rectangles, a square with a hole), index bytes counted (%zu)",
	   cost.index_bytes);
	if (!geo_copy_set(&set, &copy))
	{
		ok(false, "geo_copy_set");
		geo_free_set(&set);
		return;
	}
	for (i = 0; i < 2000; i++)
	{
		double		lon = rng_uniform(-180, 180);
		double		lat = rng_uniform(-5, 35);
		int			s;

		for (s = 0; s < set.nsectors; s++)
		{
			if (geo_sector_contains(&set.sectors[s], lon, lat) !=
				geo_sector_contains(&copy.sectors[s], lon, lat))
				bad++;
		}
	}
	geo_free_set(&set);
	d = find_sector(&copy, "D");
	ok(bad == 0 && copy.nsectors == 2 && copy.nfeatures == 3 && d != NULL &&
	   geo_sector_contains(d, 21, 21) && !geo_sector_contains(d, 25, 25) &&
	   geo_sector_contains(&copy.sectors[0], -175, 5),
	   "a copy answers as the original at 2000 points, and still after the original is freed");
	geo_free_set(&copy);
}

/*
 * Fail each allocation in turn: the first few (inside cJSON's parser), and
 * every one after the parse (the geometry's own), up to success.
 */
static void
test_allocation_failure(void)
{
	cJSON_Hooks hooks = {counting_malloc, counting_free};
	const char *doc;
	GeoSectorSet set;
	GeoMessage	err;
	FeedError	ferr;
	cJSON	   *root;
	GeoIndexEntry entry;
	GeoIndex   *index = NULL;
	ReadAttempt ra;
	AllocStats	st = {0};
	long		parse_calls;
	long		n;
	int			leaks = 0;
	bool		r = false;

	/* a ring of 20000 points: its points and bands need blocks of their own */
	doc = fc(join(feature("b", polygon(rect(0, 0, 1, 1, false))),
				  feature("a", polygon("[[0,0],[1,0],[1,1]]")),
				  feature("b", multi(fmt("[%s,%s]", rect(2, 2, 3, 3, true),
										 rect(2.2, 2.2, 2.8, 2.8, false)))),
				  feature("big", polygon(zigzag_ring(20000))),
				  NULL));

	cJSON_InitHooks(&hooks);
	alloc_calls = 0;
	root = feed_parse_root(doc, strlen(doc), 0, false, &ferr);
	parse_calls = alloc_calls;
	cJSON_Delete(root);

	ra = (ReadAttempt) {doc, strlen(doc), "floor", parse_calls, 3, 1};
	for (n = 0; n < 10000000; n = (n == 3) ? parse_calls - 2 : n + 1)
	{
		if ((r = alloc_try(n, read_attempt, &ra, &st)))
			break;
	}
	ok(root != NULL && r && st.leaks == 0 && st.wrong == 0 && st.nomem >= 4 &&
	   n - parse_calls >= 4,
	   "geo_read_geojson failing allocation 0..3, %ld..%ld (the last 2 of the JSON parse, then each of the geometry's %ld): nothing leaked, \"out of memory\" (a JSON error inside cJSON), set zeroed",
	   parse_calls - 2, n - 1, n - parse_calls);
	if (st.leaks || st.wrong || st.nomem < 4)
		diag("tried %ld: leaks %d wrong %d nomem %d", st.tried, st.leaks,
			 st.wrong, st.nomem);

	/*
	 * The arena's first block is as long as the document (at least 64 kB):
	 * padding the document with spaces moves the block boundaries over the
	 * allocation sites.  A document of many small features, 40 paddings,
	 * each allocation after the parse failing in turn.
	 */
	{
		const char *feats = "";
		size_t		base;
		size_t		step;
		char	   *padded;
		int			pad;
		AllocStats	st2 = {0};

		for (n = 0; n < 60; n++)
		{
			const char *geom = (n % 3 == 0) ?
				polygon(fmt("%s,%s", zigzag_ring(20 + (int) n),
							rect(4, 4, 5, 5, true))) :
				(n % 3 == 1) ?
				multi(fmt("[%s],[[[20,20],[21,20],[21,21]]]",
						  rect(0, 0, 1 + (double) n, 1, false))) :
				polygon(rect(-1, -1, (double) n, 1, false));

			feats = fmt("%s%s%s", feats, n ? "," : "",
						feature(fmt("s%ld", n % 50), geom));
		}
		doc = fc(feats);
		base = strlen(doc);
		step = base / 16;
		padded = keep(malloc(65536 + 40 * step));
		memcpy(padded, doc, base);
		memset(padded + base, ' ', 65536 + 40 * step - base);
		alloc_budget = -1;
		alloc_calls = 0;
		root = feed_parse_root(padded, base, 0, false, &ferr);
		parse_calls = alloc_calls;
		cJSON_Delete(root);
		/* every attempt fails after the parse: only "out of memory" is right */
		ra = (ReadAttempt) {padded, 0, NULL, parse_calls, -1, 0};
		for (pad = 0; pad < 40; pad++)
		{
			ra.len = 65536 + (size_t) pad * step;
			for (n = parse_calls; n < parse_calls + 100; n++)
			{
				if (alloc_try(n, read_attempt, &ra, &st2))
					break;
			}
		}
		ok(st2.leaks == 0 && st2.wrong == 0 && st2.nomem >= 3 * 40,
		   "the same for a %zu-byte document of 60 features padded to 40 lengths from 64 kB: %ld reads, %d out of memory, nothing leaked",
		   base, st2.tried, st2.nomem);
	}

	/* the index */
	doc = fc(feature("b", polygon(rect(0, 0, 1, 1, false))));
	r = read_text(doc, false, &set, &err);
	entry.sector = r ? &set.sectors[0] : NULL;
	entry.tag = 0;
	leaks = 0;
	for (n = 0; n < 10; n++)
	{
		alloc_budget = n;
		alloc_live = 0;
		index = geo_index_build(&entry, 1);
		if (index != NULL)
			break;
		if (alloc_live != 0)
			leaks++;
	}
	alloc_budget = -1;
	ok(r && index != NULL && n == 2 && leaks == 0,
	   "geo_index_build returns NULL without leaking when an allocation fails (2 allocations)");

	/* many points at once: every allocation failing in turn */
	{
		static double plon[3000];
		static double plat[3000];
		int64_t		got = -1;
		long		live = alloc_live;
		int			fails = 0;
		int			i;

		for (i = 0; i < 3000; i++)
		{
			plon[i] = 0.01 + (i % 60) / 61.0;
			plat[i] = 0.01 + (i / 60) / 51.0;
		}
		leaks = 0;
		for (n = 0; index != NULL && n < 100; n++)
		{
			GeoMatch   *m = (GeoMatch *) &set;

			live = alloc_live;
			alloc_budget = n;
			got = geo_index_lookup_many(index, 3000, plon, plat, NULL, NULL, &m);
			alloc_budget = -1;
			if (got >= 0)
			{
				geo_free_matches(m);
				break;
			}
			fails++;
			if (alloc_live != live || m != NULL)
				leaks++;
		}
		ok(got == 3000 && fails >= 5 && leaks == 0 && alloc_live == live,
		   "geo_index_lookup_many returns -1 without leaking when any of its %d allocations fails (the cell sort, the growing matches, the point order)",
		   fails);
		if (got != 3000 || leaks != 0)
			diag("got %lld, leaks %d, live %ld -> %ld", (long long) got, leaks, live, alloc_live);
	}
	geo_index_free(index);
	if (r)
		geo_free_set(&set);
	cJSON_InitHooks(NULL);
}

/* ------------------------------------------------------------------------
 * The real VAT-Spy boundaries
 * ------------------------------------------------------------------------
 */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Distinct features[].properties.id, counted with cJSON alone. */
static int
count_distinct_ids(const char *text, size_t len)
{
	cJSON	   *root = cJSON_ParseWithLength(text, len);
	const cJSON *f;
	const char **ids;
	int			n = 0;
	int			distinct = 0;
	int			i;

	if (root == NULL)
		return -1;
	ids = malloc(sizeof(char *) * (size_t) cJSON_GetArraySize(cJSON_GetObjectItem(root, "features")));
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(root, "features"))
		ids[n++] = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "properties"), "id"));
	qsort(ids, (size_t) n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++)
		distinct += (i == 0 || strcmp(ids[i], ids[i - 1]) != 0);
	free(ids);
	cJSON_Delete(root);
	return distinct;
}

/* Index lookups = brute force (geo_sector_contains) at one point? */
static bool
oracle_point(const GeoIndex *index, const GeoSectorSet *set, double lon,
			 double lat, int *nhits)
{
	const GeoIndexEntry *out[64];
	int			n = geo_index_lookup(index, lon, lat, false, 0, out, 64);
	int			k = 0;
	int			j;

	if (n > 64)
		return false;
	for (j = 0; j < set->nsectors; j++)
	{
		if (geo_sector_contains(&set->sectors[j], lon, lat))
		{
			if (k >= n || out[k]->sector != &set->sectors[j])
				return false;
			k++;
		}
	}
	*nhits += n;
	return k == n;
}

/*
 * geo_index_lookup_many against geo_index_lookup one point at a time:
 * the same entries, in point order then entry order.  *nmatches gets how
 * many.
 */
static bool
many_matches_single(const GeoIndex *index, int npoints, const double *lon,
					const double *lat, const int32_t *alt, const bool *has_alt,
					int64_t *nmatches)
{
	GeoMatch   *m = NULL;
	int64_t		n = geo_index_lookup_many(index, npoints, lon, lat, alt, has_alt, &m);
	int64_t		k = 0;
	bool		same = n >= 0;
	int			i;

	for (i = 0; same && i < npoints; i++)
	{
		const GeoIndexEntry *out[256];
		bool		h = alt != NULL && (has_alt == NULL || has_alt[i]);
		int			c = geo_index_lookup(index, lon[i], lat[i], h, h ? alt[i] : 0, out, 256);
		int			j;

		for (j = 0; same && j < c && j < 256; j++, k++)
			same = k < n && m[k].point == i && m[k].entry == out[j];
	}
	same = same && k == n;
	*nmatches = n;
	geo_free_matches(m);
	return same;
}

/* Lookups per second over npoints random points in a box. */
static double
lookup_rate(const GeoIndex *index, double lon0, double lon1, double lat0,
			double lat1, int npoints, double *hits)
{
	double	   *pts = keep(malloc(sizeof(double) * 2 * (size_t) npoints));
	const GeoIndexEntry *out[64];
	long		total = 0;
	double		t0;
	double		t;
	int			i;

	for (i = 0; i < npoints; i++)
	{
		pts[2 * i] = rng_uniform(lon0, lon1);
		pts[2 * i + 1] = rng_uniform(lat0, lat1);
	}
	t0 = now_seconds();
	for (i = 0; i < npoints; i++)
		total += geo_index_lookup(index, pts[2 * i], pts[2 * i + 1], false, 0,
								  out, 64);
	t = now_seconds() - t0;
	*hits = (double) total / npoints;
	return t > 0 ? npoints / t : 0;
}

/*
 * Every vertex of every ring of the set, longitudes beyond 180 brought
 * back by 360, into lon/lat (when not NULL); returns how many.
 */
static int
vertex_points(const GeoSectorSet *set, double *lon, double *lat)
{
	int			n = 0;
	int			i;

	for (i = 0; i < set->nsectors; i++)
	{
		const GeoSector *s = &set->sectors[i];
		int			p;
		int			r;
		int			k;

		for (p = 0; p < s->npolygons; p++)
			for (r = 0; r < s->polygons[p].nrings; r++)
				for (k = 0; k < s->polygons[p].rings[r].npoints; k++, n++)
				{
					const GeoPoint *pt = &s->polygons[p].rings[r].points[k];

					if (lon != NULL)
					{
						lon[n] = pt->lon > 180 ? pt->lon - 360 : pt->lon;
						lat[n] = pt->lat;
					}
				}
	}
	return n;
}

/* An airport, the VATSpy.dat FIR of it and every id it lands in. */
typedef struct Airport
{
	const char *icao;
	double		lat;
	double		lon;
	const char *ids;			/* space-separated, sorted */
} Airport;

/* coordinates and FIRs from VATSpy.dat of the same data release */
static const Airport airports[] = {
	{"YSSY", -33.946111, 151.177222, "YBIK YGUN"},	/* FIR YGUN */
	{"YMML", -37.673333, 144.843333, "YBLA YELW"},	/* YBLA */
	{"YBBN", -27.384167, 153.117500, "YINL YNSA"},	/* YINL */
	{"YBCS", -16.885833, 145.755278, "YKEN"},
	{"YMHB", -42.836111, 147.510278, "YHUO"},
	{"YPAD", -34.945000, 138.530556, "YTBD"},
	{"YPDN", -12.414722, 130.876667, "YTRT"},	/* YTRT: an unclosed ring */
	{"YPPH", -31.940278, 115.966944, "YHYD YPIY"},	/* YHYD */
	{"YSCB", -35.306944, 149.195000, "YWOL"},
	{"YBAS", -23.806667, 133.902222, "YASP"},
	{"YSNF", -29.042500, 167.938056, "NZZO"},	/* split at +-180 */
	{"NFFN", -17.756389, 177.443611, "NFFJ"},	/* split at +-180 */
	{"NZAA", -37.019217, 174.770674, "NZAA NZZO"},	/* NZAA */
	{"PHNL", 21.318692, -157.922408, "KZAK PHZH"},	/* PHZH; KZAK split */
};

#define REAL_TESTS 12

#ifdef __SANITIZE_ADDRESS__
#define SPEED_NOTE " [sanitizer build]"
#else
#define SPEED_NOTE ""
#endif

static void
test_real(const char *path, const char *fixture_dir)
{
	char	   *text = NULL;
	size_t		len = 0;
	GeoSectorSet set;
	GeoSectorSet strict_set;
	GeoMessage	err;
	GeoIndexEntry *all;
	GeoIndexEntry *au;
	GeoIndex   *index;
	GeoIndex   *index_au;
	int			nau = 0;
	int			distinct;
	int			i;
	int			j;
	int			bad;
	int			hits;
	int			nvertices;
	bool		good;
	double		t0;
	double		t;
	double		rate;
	double		avg;
	double	   *vlon;
	double	   *vlat;

	if (path != NULL && *path != '\0')
		text = read_file(path, &len);
	if (text == NULL)
	{
		fail_checks(0, REAL_TESTS, "VATSpy Boundaries.geojson",
					path && *path ? "VATSPY_BOUNDARIES file not found" :
					"VATSPY_BOUNDARIES not set");
		return;
	}

	t0 = now_seconds();
	if (!ok(read_len(text, len, "id", NULL, NULL, false, &set, &err),
			"VATSpy: loads (not strict)"))
	{
		diag("feature %d (%s): %s", err.feature, err.name, err.text);
		fail_checks(1, REAL_TESTS, "VATSpy", "not loaded");
		free(text);
		return;
	}
	diag("read %zu bytes, %d features in %.1f ms", len, set.nfeatures,
		 (now_seconds() - t0) * 1e3);
	ok(set.nrepairs == 2 &&
	   strcmp(set.repairs[0].name, "RJDG-W") == 0 &&
	   strcmp(set.repairs[0].text, "outer ring of polygon 0 not closed: closed it") == 0 &&
	   strcmp(set.repairs[1].name, "YTRT") == 0 &&
	   strcmp(set.repairs[1].text, "outer ring of polygon 0 not closed: closed it") == 0,
	   "VATSpy: exactly 2 repairs, the unclosed outer rings of RJDG-W (feature %d) and YTRT (feature %d)",
	   set.nrepairs > 0 ? set.repairs[0].feature : -1,
	   set.nrepairs > 1 ? set.repairs[1].feature : -1);

	good = !read_len(text, len, "id", NULL, NULL, true, &strict_set, &err);
	ok(good &&
	   (strcmp(err.name, "RJDG-W") == 0 || strcmp(err.name, "YTRT") == 0) &&
	   strcmp(err.text, "outer ring of polygon 0 not closed") == 0 &&
	   set_is_zero(&strict_set),
	   "VATSpy strict: fails on feature %d (%s): %s", err.feature, err.name,
	   err.text);

	distinct = count_distinct_ids(text, len);
	ok(set.nfeatures == 1102 && set.nsectors == distinct && distinct == 1096,
	   "VATSpy: 1102 features, %d sectors = %d distinct ids", set.nsectors,
	   distinct);

	/* the 12 features split at +-180: both halves of each sector */
	good = true;
	j = 0;
	for (i = 0; i < set.nsectors; i++)
	{
		const GeoSector *s = &set.sectors[i];
		int			p;
		bool		east = false;
		bool		west = false;

		for (p = 0; p < s->npolygons; p++)
		{
			east = east || s->polygons[p].max_lon == 180;
			west = west || s->polygons[p].min_lon == -180;
		}
		if (east && west)
			j++;
		for (p = 0; p < s->npolygons; p++)
			good = good && s->polygons[p].min_lon >= -180 &&
				s->polygons[p].min_lon < 180 &&
				s->polygons[p].max_lon - s->polygons[p].min_lon < 180;
	}
	ok(j == 12 && good,
	   "VATSpy: %d sectors have a piece ending at 180 and one starting at -180; every polygon narrower than 180 degrees, west edge in -180..180",
	   j);

	/* the index, over all sectors and over the Australian ones */
	all = keep(malloc(sizeof(GeoIndexEntry) * (size_t) set.nsectors));
	au = keep(malloc(sizeof(GeoIndexEntry) * (size_t) set.nsectors));
	for (i = 0; i < set.nsectors; i++)
	{
		all[i].sector = &set.sectors[i];
		all[i].tag = i;
		if (set.sectors[i].name[0] == 'Y')
			au[nau++] = all[i];
	}
	t0 = now_seconds();
	index = geo_index_build(all, set.nsectors);
	diag("index over %d sectors built in %.2f ms", set.nsectors,
		 (now_seconds() - t0) * 1e3);
	index_au = geo_index_build(au, nau);

	/* the oracle: 200,000 random points, then every vertex (boundaries) */
	bad = 0;
	hits = 0;
	rng_state = 20240807;
	for (i = 0; i < 200000; i++)
	{
		double		lon = rng_uniform(-180, 180);
		double		lat = rng_uniform(-90, 90);

		if (!oracle_point(index, &set, lon, lat, &hits) && bad++ < 5)
			diag("index and brute force differ at (%.17g, %.17g)", lon, lat);
	}
	ok(index != NULL && bad == 0,
	   "VATSpy: 200,000 random points (seed 20240807), index = brute force over all %d sectors (%d memberships)",
	   set.nsectors, hits);
	bad = 0;
	hits = 0;
	nvertices = vertex_points(&set, NULL, NULL);
	vlon = keep(malloc(sizeof(double) * (size_t) nvertices));
	vlat = keep(malloc(sizeof(double) * (size_t) nvertices));
	vertex_points(&set, vlon, vlat);
	for (i = 0; i < nvertices; i++)
	{
		if (!oracle_point(index, &set, vlon[i], vlat[i], &hits) && bad++ < 5)
			diag("index and brute force differ at (%.17g, %.17g)", vlon[i], vlat[i]);
	}
	ok(bad == 0, "VATSpy: at every one of %d vertices (on boundaries), index = brute force",
	   nvertices);

	/* bands vs scanning every edge */
	bad = 0;
	for (i = 0; i < 20000; i++)
	{
		const GeoSector *s = &set.sectors[i % set.nsectors];
		const GeoPolygon *p = &s->polygons[0];
		const GeoPolygon *h = hand_copy(p);
		double		lon = rng_uniform(p->min_lon - 1, p->max_lon + 1);
		double		lat = rng_uniform(p->min_lat - 1, p->max_lat + 1);

		if (geo_polygon_contains(p, lon, lat) != geo_polygon_contains(h, lon, lat))
			bad++;
	}
	ok(bad == 0, "VATSpy: banded rings and rings scanned edge by edge agree at 20000 points in the polygons' boxes");

	/* airports */
	good = true;
	for (i = 0; i < (int) (sizeof(airports) / sizeof(airports[0])); i++)
	{
		const GeoIndexEntry *out[16];
		char		ids[256] = "";
		int			n = geo_index_lookup(index, airports[i].lon, airports[i].lat,
										 false, 0, out, 16);

		for (j = 0; j < n && j < 16; j++)
		{
			strcat(ids, j ? " " : "");
			strcat(ids, out[j]->sector->name);
		}
		if (strcmp(ids, airports[i].ids) != 0)
		{
			good = false;
			diag("%s (%g, %g): in %s, expected %s", airports[i].icao,
				 airports[i].lat, airports[i].lon, ids, airports[i].ids);
		}
	}
	ok(good, "VATSpy: 14 airports land in their VATSpy.dat FIR (YSSY: YBIK YGUN, YMML: YBLA YELW, YBBN: YINL YNSA, YPDN: YTRT, NFFN: NFFJ, YSNF: NZZO, PHNL: KZAK PHZH, ...)");

	good = true;
	for (i = 0; i < 10; i++)
	{
		const GeoIndexEntry *out[16];
		char		ids[256] = "";
		int			n = geo_index_lookup(index_au, airports[i].lon,
										 airports[i].lat, false, 0, out, 16);

		for (j = 0; j < n && j < 16; j++)
		{
			strcat(ids, j ? " " : "");
			strcat(ids, out[j]->sector->name);
		}
		good = good && strcmp(ids, airports[i].ids) == 0;
	}
	ok(index_au != NULL && nau == 76 && good,
	   "VATSpy: %d Australian sectors (ids Y...); the index over them alone places the 10 Australian airports alike",
	   nau);

	/* many points at once: every random point and every vertex again */
	{
		double	   *mlon = keep(malloc(sizeof(double) * (200000 + (size_t) nvertices)));
		double	   *mlat = keep(malloc(sizeof(double) * (200000 + (size_t) nvertices)));
		int			np = 200000 + nvertices;
		int64_t		nm;

		rng_state = 20240807;
		for (i = 0; i < 200000; i++)
		{
			mlon[i] = rng_uniform(-180, 180);
			mlat[i] = rng_uniform(-90, 90);
		}
		memcpy(mlon + 200000, vlon, sizeof(double) * (size_t) nvertices);
		memcpy(mlat + 200000, vlat, sizeof(double) * (size_t) nvertices);
		good = many_matches_single(index, np, mlon, mlat, NULL, NULL, &nm);
		ok(good,
		   "VATSpy: lookup_many over the %d random points and vertices above = one lookup a point (%lld matches)",
		   np, (long long) nm);
		t0 = now_seconds();
		nm = 0;
		for (i = 0; i < 200000; i++)
		{
			const GeoIndexEntry *out[64];

			nm += geo_index_lookup(index, mlon[i], mlat[i], false, 0, out, 64);
		}
		t = now_seconds() - t0;
		diag("index over all %d sectors, the 200,000 random points: %.0f points/s one at a time%s",
			 set.nsectors, 200000 / t, SPEED_NOTE);
		t0 = now_seconds();
		{
			GeoMatch   *m;

			nm = geo_index_lookup_many(index, 200000, mlon, mlat, NULL, NULL, &m);
			geo_free_matches(m);
		}
		t = now_seconds() - t0;
		diag("index over all %d sectors, the same points: %.0f points/s with geo_index_lookup_many (%lld matches)%s",
			 set.nsectors, 200000 / t, (long long) nm, SPEED_NOTE);
	}

	/* speed (not asserted) */
	rng_state = 1;
	rate = lookup_rate(index, -180, 180, -90, 90, 200000, &avg);
	diag("index over all %d sectors: %.0f points/s (random points worldwide, %.2f matches each)%s",
		 set.nsectors, rate, avg, SPEED_NOTE);
	rate = lookup_rate(index, 110, 160, -45, -9, 200000, &avg);
	diag("index over all %d sectors: %.0f points/s (Australian box 110..160 E, 9..45 S, %.2f matches each)%s",
		 set.nsectors, rate, avg, SPEED_NOTE);
	rate = lookup_rate(index, -10, 30, 35, 60, 200000, &avg);
	diag("index over all %d sectors: %.0f points/s (Europe 10 W..30 E, 35..60 N, %.2f matches each)%s",
		 set.nsectors, rate, avg, SPEED_NOTE);
	rate = lookup_rate(index_au, 110, 160, -45, -9, 200000, &avg);
	diag("index over the %d Australian sectors: %.0f points/s (Australian box, %.2f matches each)%s",
		 nau, rate, avg, SPEED_NOTE);

	/* the Australian pilots of a real feed snapshot */
	{
		char	   *feed_text;
		size_t		feed_len = 0;
		FeedDocument doc;
		FeedError	ferr;
		int			counts[2048];
		int			npilots = 0;
		int			outside = 0;
		static const char *const expect =
			"YARA 1, YASH 1, YASP 3, YBIK 26, YBLA 14, YBUR 1, YDAL 1, YELW 8, YFOR 1, YGUN 29, YHUO 1, YHYD 1, YINL 2, YISA 1, YMNN 2, YMUN 1, YNSA 1, YOCN 2, YOXL 1, YTBD 1, YTRT 1, YWOL 5, YWRA 1";
		char		got[2048] = "";

		feed_text = read_fixture(fixture_dir, "v3-2021-08-02T1059Z-614p-au.json",
								 &feed_len);
		if (feed_text == NULL)
			ok(false, "VATSpy: the Australian pilots of the 2021-08-02 snapshot (%s)",
			   fixture_missing(fixture_dir));
		else if (!feed_parse(feed_text, feed_len, 0, &doc, &ferr))
			ok(false, "VATSpy: the 2021-08-02 snapshot parses (%s)", ferr.message);
		else
		{
			memset(counts, 0, sizeof(counts));
			for (i = 0; i < doc.n_pilots; i++)
			{
				const GeoIndexEntry *out[16];
				double		lat = doc.pilots[i].latitude;
				double		lon = doc.pilots[i].longitude;
				int			n;

				if (lat < -45 || lat > -9 || lon < 110 || lon > 160)
					continue;
				npilots++;
				n = geo_index_lookup(index_au, lon, lat, false, 0, out, 16);
				if (n == 0)
					outside++;
				for (j = 0; j < n && j < 16; j++)
					counts[out[j]->tag]++;
			}
			for (i = 0; i < set.nsectors && i < 2048; i++)
			{
				if (counts[i] > 0)
					snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s %d",
							 got[0] ? ", " : "", set.sectors[i].name, counts[i]);
			}
			ok(npilots == 61 && outside == 0 && strcmp(got, expect) == 0,
			   "VATSpy: the 61 pilots in the Australian box of the 2021-08-02 snapshot are all in Y sectors, as in fixtures/feeds/README.md");
			if (strcmp(got, expect) != 0)
				diag("got %s", got);
			feed_free(&doc);
		}
		free(feed_text);
	}

	geo_index_free(index);
	geo_index_free(index_au);
	geo_free_set(&set);
	free(text);
}


/*
 * Many points at once: the same answers as one lookup a point, in point
 * order, on both paths (few points: in order; many: sorted by cell),
 * with altitudes, NULL altitudes, NaN and points on shared edges.
 */
static void
test_lookup_many(void)
{
	GeoSectorSet set;
	GeoIndexEntry entries[8];
	GeoIndex   *index;
	GeoMatch   *m = (GeoMatch *) &set;
	double		lon[5000];
	double		lat[5000];
	int32_t		alt[5000];
	bool		has_alt[5000];
	int64_t		n;
	int64_t		n2;
	bool		same;
	int			i;

	if (!must_read("many",
				   fc(join(feature_x("\"B\"", "\"floor\":10000,\"ceiling\":24500",
									 polygon(rect(0, 0, 1, 1, false))),
						   feature("U", polygon(rect(0, 0, 1, 1, false))),
						   feature("E", polygon(rect(1, 0, 2, 1, false))),
						   feature("N", polygon(rect(0, 1, 2, 2, false))),
						   feature("W", polygon(rect(170, -10, 190, 10, false))),
						   NULL)), &set))
		return;
	for (i = 0; i < set.nsectors; i++)
	{
		entries[i].sector = &set.sectors[i];
		entries[i].tag = i;
	}
	index = geo_index_build(entries, set.nsectors);

	rng_state = 77;
	for (i = 0; i < 5000; i++)
	{
		/* on whole and half degrees often: vertices and shared edges */
		lon[i] = i % 3 == 0 ? floor(rng_uniform(-1, 3) * 2) / 2 : rng_uniform(-1, 3);
		lat[i] = i % 5 == 0 ? floor(rng_uniform(-1, 3) * 2) / 2 : rng_uniform(-1, 3);
		if (i % 7 == 0)
			lon[i] = rng_uniform(-180, 180);	/* some across the antimeridian */
		alt[i] = (int32_t) rng_uniform(0, 30000);
		has_alt[i] = i % 4 != 0;
	}
	lon[17] = NAN;
	lat[18] = NAN;
	lon[19] = 180;
	lon[20] = -180;
	same = many_matches_single(index, 5000, lon, lat, alt, has_alt, &n);
	ok(same && n > 1000,
	   "lookup_many = one lookup a point: 5,000 points sorted by cell, altitudes, NULL altitudes, NaN, edges, +-180 (%lld matches)",
	   (long long) n);
	same = many_matches_single(index, 1023, lon, lat, alt, has_alt, &n2);
	ok(same && n2 > 200,
	   "and 1,023 points, looked up in order (%lld matches)", (long long) n2);
	same = many_matches_single(index, 5000, lon, lat, alt, NULL, &n);
	same = many_matches_single(index, 5000, lon, lat, NULL, NULL, &n2) && same;
	ok(same && n2 < n,
	   "every altitude given, and none (no banded sector matches: %lld < %lld)",
	   (long long) n2, (long long) n);
	ok(geo_index_lookup_many(index, 0, lon, lat, NULL, NULL, &m) == 0 && m == NULL &&
	   geo_index_lookup_many(NULL, 10, lon, lat, NULL, NULL, &m) == 0 && m == NULL,
	   "no points, or no index: no matches");
	geo_index_free(index);
	geo_free_set(&set);
}

/* ------------------------------------------------------------------------
 */

int
main(void)
{
	test_shapes();
	test_hand_built();
	test_boundary_rule();
	test_antimeridian();
	test_altitude();
	test_read_result();
	test_repairs();
	test_errors();
	test_index();
	test_index_bounded();
	test_lookup_many();
	test_copy_and_cost();
	test_allocation_failure();
	test_real(getenv("VATSPY_BOUNDARIES"), getenv("FIXTURE_DIR"));

	return tap_done();
}
