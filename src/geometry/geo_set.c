/*
 * geo_set.c
 *		Where a sector set lives: the arena (a list of blocks from
 *		cJSON_malloc, bump allocation, freed whole), freeing a set, a
 *		compact copy of one, and what a set costs a backend (vertices,
 *		index bytes) for the load-time cap.
 *
 * Every allocation goes through cJSON_malloc / cJSON_free, so the hooks
 * installed with cJSON_InitHooks (palloc in the extension, malloc by
 * default) serve it all.  Pure C: no Postgres headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "geo_internal.h"


#define ARENA_ALIGN 8
#define ARENA_FIRST_BLOCK ((size_t) 64 * 1024)
#define ARENA_MAX_BLOCK ((size_t) 16 * 1024 * 1024)

typedef struct GeoArenaBlock
{
	struct GeoArenaBlock *next;
	size_t		size;			/* bytes of data after the header */
	size_t		used;
} GeoArenaBlock;

#define ARENA_HEADER \
	((sizeof(GeoArenaBlock) + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1))

struct GeoArena
{
	GeoArenaBlock *blocks;			/* newest first */
	size_t		next_size;
};

GeoArena *
geo_arena_create(size_t first_size)
{
	GeoArena	   *a = cJSON_malloc(sizeof(GeoArena));

	if (a == NULL)
		return NULL;
	a->blocks = NULL;
	a->next_size = first_size < ARENA_FIRST_BLOCK ? ARENA_FIRST_BLOCK :
		first_size > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : first_size;
	return a;
}

void
geo_arena_destroy(GeoArena *a)
{
	GeoArenaBlock *b;
	GeoArenaBlock *next;

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
void *
geo_arena_alloc(GeoArena *a, size_t n)
{
	GeoArenaBlock *b = a->blocks;
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

void *
geo_arena_array(GeoArena *a, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / 2 / size)
		return NULL;
	return geo_arena_alloc(a, count * size);
}

char *
geo_arena_strdup(GeoArena *a, const char *s)
{
	size_t		n = strlen(s) + 1;
	char	   *p = geo_arena_alloc(a, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}


void
geo_free_set(GeoSectorSet *set)
{
	if (set == NULL)
		return;
	geo_arena_destroy((GeoArena *) set->arena);
	memset(set, 0, sizeof(*set));
}


/* ------------------------------------------------------------------------
 * A compact copy
 * ------------------------------------------------------------------------
 */

/*
 * n bytes as the arena hands them out (aligned): the copy's size must be
 * exact, or its last few allocations open a second block twice as big.
 */
static inline size_t
aligned(size_t n)
{
	return n == 0 ? ARENA_ALIGN : (n + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
}

/* Bytes of the points and bands of a ring, for sizing the copy's arena. */
static size_t
ring_bytes(const GeoRing *ring)
{
	size_t		n = aligned((size_t) ring->npoints * sizeof(GeoPoint));
	const struct GeoRingEdges *e = ring->edges;

	if (e != NULL)
	{
		n += aligned(sizeof(*e));
		if (e->nbands > 0)
			n += aligned((2 * (size_t) e->nbands + 1) * sizeof(int32_t)) +
				aligned((size_t) e->start[2 * e->nbands] * sizeof(GeoEdge));
	}
	return n;
}

static bool
copy_ring(GeoArena *a, const GeoRing *src, GeoRing *dst)
{
	const struct GeoRingEdges *e = src->edges;

	dst->npoints = src->npoints;
	dst->points = geo_arena_array(a, (size_t) src->npoints, sizeof(GeoPoint));
	dst->edges = NULL;
	if (dst->points == NULL)
		return false;
	memcpy(dst->points, src->points, (size_t) src->npoints * sizeof(GeoPoint));
	if (e != NULL)
	{
		struct GeoRingEdges *d = geo_arena_alloc(a, sizeof(*d));

		if (d == NULL)
			return false;
		*d = *e;
		if (e->nbands > 0)
		{
			size_t		nstart = 2 * (size_t) e->nbands + 1;
			size_t		nedges = (size_t) e->start[2 * e->nbands];
			int32_t    *start = geo_arena_array(a, nstart, sizeof(int32_t));
			GeoEdge    *edges = geo_arena_array(a, nedges, sizeof(GeoEdge));

			if (start == NULL || edges == NULL)
				return false;
			memcpy(start, e->start, nstart * sizeof(int32_t));
			memcpy(edges, e->edges, nedges * sizeof(GeoEdge));
			d->start = start;
			d->edges = edges;
		}
		dst->edges = d;
	}
	return true;
}

static bool
copy_sector(GeoArena *a, const GeoSector *src, GeoSector *dst)
{
	int			p;
	int			r;

	*dst = *src;
	dst->name = geo_arena_strdup(a, src->name);
	dst->polygons = geo_arena_array(a, (size_t) src->npolygons,
									sizeof(GeoPolygon));
	if (dst->name == NULL || dst->polygons == NULL)
		return false;
	for (p = 0; p < src->npolygons; p++)
	{
		const GeoPolygon *sp = &src->polygons[p];
		GeoPolygon *dp = &dst->polygons[p];

		*dp = *sp;
		dp->rings = geo_arena_array(a, (size_t) sp->nrings, sizeof(GeoRing));
		if (dp->rings == NULL)
			return false;
		for (r = 0; r < sp->nrings; r++)
		{
			if (!copy_ring(a, &sp->rings[r], &dp->rings[r]))
				return false;
		}
	}
	return true;
}

bool
geo_copy_set(const GeoSectorSet *src, GeoSectorSet *dst)
{
	GeoArena   *a;
	size_t		size = 0;
	int			s;
	int			p;
	int			r;

	memset(dst, 0, sizeof(*dst));
	for (s = 0; s < src->nsectors; s++)
	{
		const GeoSector *sec = &src->sectors[s];

		size += aligned(strlen(sec->name) + 1) +
			aligned((size_t) sec->npolygons * sizeof(GeoPolygon));
		for (p = 0; p < sec->npolygons; p++)
		{
			size += aligned((size_t) sec->polygons[p].nrings * sizeof(GeoRing));
			for (r = 0; r < sec->polygons[p].nrings; r++)
				size += ring_bytes(&sec->polygons[p].rings[r]);
		}
	}
	size += aligned((size_t) src->nsectors * sizeof(GeoSector)) +
		aligned((size_t) src->nrepairs * sizeof(GeoMessage));
	a = geo_arena_create(size);
	if (a == NULL)
		return false;
	*dst = *src;
	dst->arena = a;
	dst->sectors = geo_arena_array(a, (size_t) src->nsectors, sizeof(GeoSector));
	dst->repairs = geo_arena_array(a, (size_t) src->nrepairs, sizeof(GeoMessage));
	if (dst->sectors == NULL || dst->repairs == NULL)
		goto fail;
	if (src->nrepairs > 0)
		memcpy(dst->repairs, src->repairs,
			   (size_t) src->nrepairs * sizeof(GeoMessage));
	for (s = 0; s < src->nsectors; s++)
	{
		if (!copy_sector(a, &src->sectors[s], &dst->sectors[s]))
			goto fail;
	}
	return true;

fail:
	geo_arena_destroy(a);
	memset(dst, 0, sizeof(*dst));
	return false;
}

GeoSetCost
geo_set_cost(const GeoSectorSet *set)
{
	GeoSetCost	cost = {0, 0};
	int			s;
	int			p;
	int			r;

	for (s = 0; s < set->nsectors; s++)
	{
		const GeoSector *sec = &set->sectors[s];

		cost.index_bytes += geo_index_sector_bytes(sec);
		for (p = 0; p < sec->npolygons; p++)
		{
			for (r = 0; r < sec->polygons[p].nrings; r++)
				cost.vertices += (size_t) sec->polygons[p].rings[r].npoints;
		}
	}
	return cost;
}
