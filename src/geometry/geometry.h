/*
 * geometry.h
 *		Airspace sectors as planar lon/lat polygons, point-in-polygon and a
 *		spatial index: the geometry under sectors.c.  Pure C (C11, libm):
 *		no Postgres headers, so it can be unit-tested and fuzzed alone.
 *
 * Implemented by geo_read.c and geo_read_ring.c (GeoJSON), geo_ring.c
 * (point in polygon), geo_index.c (the grid), geo_index_many.c (many
 * points at once) and geo_set.c (memory);
 * geo_internal.h is what they share.
 *
 * Rules (documented in README, "Sectors"):
 *	- A point is in a polygon when it is inside the outer ring and inside
 *	  none of the holes, each ring judged alone by its winding number
 *	  (non-zero = inside, whatever the ring's orientation or
 *	  self-intersections).  For a point on a ring this matches PostGIS
 *	  ST_Covers except on the boundary itself.
 *	- Boundary rule: edges are half-open.  A point on an edge shared by two
 *	  adjacent sectors belongs to exactly one of them: the one to its east,
 *	  or for a horizontal edge the one to its north.
 *	- Longitudes: a ring may cross the antimeridian either as continuous
 *	  longitudes beyond +-180 (170 .. 190) or as a jump (179 -> -179); rings
 *	  are unwrapped to be continuous, and a point is tested at lon, lon+360
 *	  and lon-360, so both forms work.
 *	- Altitude bands: a sector with a floor and/or ceiling (feet) contains
 *	  a point only when floor <= altitude < ceiling; a NULL altitude never
 *	  matches a banded sector, and matches an unbanded one.  A floor of
 *	  INT32_MIN or a ceiling of INT32_MAX is refused when read: those are
 *	  GEO_NO_FLOOR / GEO_NO_CEILING.
 */
#ifndef VATSIM_GEOMETRY_H
#define VATSIM_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEO_NO_FLOOR INT32_MIN
#define GEO_NO_CEILING INT32_MAX

typedef struct GeoPoint
{
	double		lon;
	double		lat;
} GeoPoint;

/*
 * edges: private to geo_ring.c, the ring's edges bucketed into latitude
 * bands, built by geo_read_geojson.  A ring built by hand leaves it NULL
 * and every edge is scanned (same answers, slower).
 */
struct GeoRingEdges;

typedef struct GeoRing
{
	int			npoints;		/* closed: points[0] == points[npoints-1] */
	GeoPoint   *points;
	const struct GeoRingEdges *edges;	/* NULL when built by hand */
} GeoRing;

typedef struct GeoPolygon
{
	int			nrings;			/* rings[0] outer, the rest holes */
	GeoRing    *rings;
	double		min_lon, min_lat, max_lon, max_lat;	/* of the outer ring */
} GeoPolygon;

/* One sector: every feature with the same name, possibly several polygons. */
typedef struct GeoSector
{
	char	   *name;
	int32_t		floor_ft;		/* GEO_NO_FLOOR when none */
	int32_t		ceiling_ft;		/* GEO_NO_CEILING when none */
	int			npolygons;
	GeoPolygon *polygons;
	double		min_lon, min_lat, max_lon, max_lat;
} GeoSector;

/* Repairs and errors while reading GeoJSON name the feature. */
typedef struct GeoMessage
{
	int			feature;		/* index in "features"; -1: the document */
	char		name[128];		/* the feature's name, "" if unknown */
	char		text[256];		/* a sentence without trailing period */
} GeoMessage;

typedef struct GeoSectorSet
{
	GeoSector  *sectors;
	int			nsectors;		/* sorted by name, unique */
	int			nfeatures;
	GeoMessage *repairs;		/* e.g. "outer ring not closed: closed it" */
	int			nrepairs;
	void	   *arena;			/* owns everything above */
} GeoSectorSet;

/*
 * Read a GeoJSON FeatureCollection of Polygon/MultiPolygon features.
 * name_key names the property holding the sector name (required, non-empty
 * string); floor_key / ceiling_key (NULL: none) name integer properties in
 * feet (absent or null: no bound).  Features sharing a name form one
 * sector.  strict makes every repair an error.  On error returns false with
 * *err filled (feature index, name, sentence) and *set left empty.
 * Allocation with malloc (pure C users) or through the cJSON hooks: see
 * geo_set.c.
 */
extern bool geo_read_geojson(const char *text, size_t len,
							 const char *name_key, const char *floor_key,
							 const char *ceiling_key, bool strict,
							 GeoSectorSet *set, GeoMessage *err);
extern void geo_free_set(GeoSectorSet *set);

/*
 * A compact copy of *src into *dst (its own arena, sized to fit, through
 * cJSON_malloc like the reader): a set read with a parser's garbage around
 * it can be kept without that garbage.  False when out of memory (*dst
 * empty).
 */
extern bool geo_copy_set(const GeoSectorSet *src, GeoSectorSet *dst);

/*
 * What a set costs every backend that indexes it, and the caps a load
 * checks against the total of all sets (README, "Loading sectors"): the
 * vertices (each kept with its edges, about 70 bytes) and the index's
 * bytes (geo_index_sector_bytes of each sector; a fixed 260 kB grid
 * besides).  So a set that loads can always be indexed.
 */
typedef struct GeoSetCost
{
	size_t		vertices;
	size_t		index_bytes;
} GeoSetCost;

#define GEO_MAX_VERTICES ((size_t) 1000000)
#define GEO_MAX_INDEX_BYTES ((size_t) 64 * 1024 * 1024)

extern GeoSetCost geo_set_cost(const GeoSectorSet *set);

/* Point in one polygon / one sector (2-D; no altitude check). */
extern bool geo_polygon_contains(const GeoPolygon *poly, double lon, double lat);
extern bool geo_sector_contains(const GeoSector *sector, double lon, double lat);
/* With the altitude band; has_altitude false = NULL altitude. */
extern bool geo_sector_contains_3d(const GeoSector *sector, double lon,
								   double lat, bool has_altitude,
								   int32_t altitude_ft);

/*
 * A spatial index over sectors of one or more sets (a uniform grid of
 * candidate lists over bounding boxes; a sector whose boxes cover more than
 * GEO_INDEX_BIG_CELLS cells of 1 x 1 degree is checked for every point
 * instead).  The sectors must outlive it; the entries are copied.  NULL
 * when out of memory.
 */
#define GEO_INDEX_BIG_CELLS 16384
typedef struct GeoIndex GeoIndex;
typedef struct GeoIndexEntry
{
	const GeoSector *sector;
	int			tag;			/* the caller's, e.g. the sector set number */
} GeoIndexEntry;

extern GeoIndex *geo_index_build(const GeoIndexEntry *entries, int nentries);
extern void geo_index_free(GeoIndex *index);
/* The index's size in bytes; what one sector costs in an index. */
extern size_t geo_index_bytes(const GeoIndex *index);
extern size_t geo_index_sector_bytes(const GeoSector *sector);
/*
 * Every entry whose sector contains the point (and altitude, as
 * geo_sector_contains_3d), in entry order; returns how many, writing at most
 * max into out (pointers to the index's copies of the entries).
 */
extern int	geo_index_lookup(const GeoIndex *index, double lon, double lat,
							 bool has_altitude, int32_t altitude_ft,
							 const GeoIndexEntry **out, int max);

/*
 * Many points at once (geo_index_many.c): every entry containing point i
 * = (lon[i], lat[i]) and, when altitude_ft is not NULL and has_altitude is
 * NULL or has_altitude[i], altitude altitude_ft[i], exactly as
 * geo_index_lookup finds them.  The matches are ordered by point, then in
 * entry order; *matches (NULL when there are none) is freed with
 * geo_free_matches.  Returns how many, or -1 when out of memory.  Points
 * are looked up in the order of their grid cells, which keeps the sectors
 * of neighbouring points in the CPU's caches: about twice the speed of one
 * geo_index_lookup a point over random points.
 */
typedef struct GeoMatch
{
	int32_t		point;			/* i */
	const GeoIndexEntry *entry;
} GeoMatch;

extern int64_t geo_index_lookup_many(const GeoIndex *index, int npoints,
									 const double *lon, const double *lat,
									 const int32_t *altitude_ft,
									 const bool *has_altitude,
									 GeoMatch **matches);
extern void geo_free_matches(GeoMatch *matches);

#endif							/* VATSIM_GEOMETRY_H */
