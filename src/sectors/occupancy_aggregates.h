/*
 * occupancy_aggregates.h
 *		The sector history aggregates kept by the occupancy step
 *		(occupancy_aggregates.c).
 */
#ifndef VATSIM_OCCUPANCY_AGGREGATES_H
#define VATSIM_OCCUPANCY_AGGREGATES_H

#include "postgres.h"

#include "utils/timestamp.h"

#include "columns.h"

/* The entries (+1) and exits (-1) of one snapshot, as column buffers. */
typedef struct OccupancyEvents
{
	ColumnBuf	set;
	ColumnBuf	sector;
	ColumnBuf	time;
	ColumnBuf	delta;
	TimestampTz min_time;		/* earliest event time (gone: last seen) */
	int			nentries;		/* intervals opened (delta +1) */
} OccupancyEvents;

extern void vi_occupancy_events_init(OccupancyEvents *ev);
extern void vi_occupancy_event(OccupancyEvents *ev, const char *set,
							   const char *sector, TimestampTz when, int delta);

/*
 * Bring vatsim.sector_count_hours up to this snapshot (time ts) with its
 * events, and append the transitions of the intervals it opened to
 * vatsim.sector_transition_hours.  Runs inside the occupancy step's SPI
 * connection, after the intervals are written.
 */
extern void vi_occupancy_aggregates(const OccupancyEvents *ev, TimestampTz ts);

#endif							/* VATSIM_OCCUPANCY_AGGREGATES_H */
