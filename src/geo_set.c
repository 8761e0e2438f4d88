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
