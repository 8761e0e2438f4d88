/*
 * geo_internal.h
 *		What the geometry files (geo_*.c) share and nobody else sees: the
 *		arena a sector set lives in, a ring's latitude bands, and the
 *		GeoJSON reader's state and message helpers.  Pure C, like
 *		geometry.h, the public header.
 */
#ifndef VATSIM_GEO_INTERNAL_H
#define VATSIM_GEO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "geometry.h"
#include "json_util.h"

/* geo_set.c: blocks from cJSON_malloc, bump allocation, freed whole */
typedef struct GeoArena GeoArena;

extern GeoArena *geo_arena_create(size_t first_size);
extern void geo_arena_destroy(GeoArena *a);
extern void *geo_arena_alloc(GeoArena *a, size_t n);
extern void *geo_arena_array(GeoArena *a, size_t count, size_t size);
extern char *geo_arena_strdup(GeoArena *a, const char *s);

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

/* geo_index.c: how many entries the index holds */
extern int	geo_index_nentries(const GeoIndex *index);

/* geo_ring.c: the ring's bands, in the arena; false when out of memory */
extern bool geo_ring_build_edges(GeoArena *arena, GeoRing *ring);

/* The GeoJSON reader's state (geo_read.c, geo_read_ring.c). */
typedef struct GeoRepairNode
{
	struct GeoRepairNode *next;
	GeoMessage	msg;
} GeoRepairNode;

typedef struct GeoReadCtx
{
	GeoArena   *arena;
	const char *name_key;
	const char *floor_key;
	const char *ceiling_key;
	bool		strict;
	GeoMessage *err;
	int			feature;		/* being read; -1 the document */
	const char *name;			/* its name when known */
	GeoRepairNode *repairs;		/* oldest first */
	GeoRepairNode **repairs_tail;
	int			nrepairs;
} GeoReadCtx;

/* geo_read_ring.c */
extern bool geo_fail(GeoReadCtx *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern bool geo_repair(GeoReadCtx *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern const cJSON *geo_member(const cJSON *obj, const char *key);
extern size_t geo_array_size(const cJSON *arr);
extern bool geo_read_polygon(GeoReadCtx *c, const cJSON *arr, int polygon,
							 GeoPolygon *poly);

#endif							/* VATSIM_GEO_INTERNAL_H */
