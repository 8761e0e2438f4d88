/*
 * sectors.h
 *		Sector sets and the backend's sector index (sectors.c).
 */
#ifndef VATSIM_SECTORS_H
#define VATSIM_SECTORS_H

#include "geometry.h"

/* What a lookup needs; valid until the next vi_sectors_lookup_prepare(). */
typedef struct SectorCacheView
{
	const GeoIndex *index;
	int			nentries;
	int			nsets;
	const char *const *set_names;	/* by GeoIndexEntry.tag */
} SectorCacheView;

/* Register the invalidation callback; from _PG_init. */
extern void vi_sectors_init(void);
/* The current index, rebuilt first if the sector tables changed. */
extern const SectorCacheView *vi_sectors_lookup_prepare(void);

#endif							/* VATSIM_SECTORS_H */
