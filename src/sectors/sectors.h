/*
 * sectors.h
 *		Sector sets and the backend's sector index (sectors.c).
 */
#ifndef VATSIM_SECTORS_H
#define VATSIM_SECTORS_H

#include "access/htup.h"

#include "geometry.h"

/* What a lookup needs; valid until the next vi_sectors_lookup_prepare(). */
typedef struct SectorCacheView
{
	const GeoIndex *index;
	int			nentries;
	int			nsets;
	const char *const *set_names;	/* by GeoIndexEntry.tag */
	const GeoSectorSet *sets;	/* by GeoIndexEntry.tag */
	/*
	 * sectors_at_points' result rows (idx int4, sector_set, sector), idx 0:
	 * by tag, then by the sector's position in its set.
	 */
	const HeapTuple *const *point_rows;
} SectorCacheView;

/* Register the invalidation callback; from _PG_init. */
extern void vi_sectors_init(void);
/* The current index, rebuilt first if the sector tables changed. */
extern const SectorCacheView *vi_sectors_lookup_prepare(void);

#endif							/* VATSIM_SECTORS_H */
