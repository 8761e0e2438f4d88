/*
 * occupancy.h
 *		The occupancy state machine (occupancy.c).
 */
#ifndef VATSIM_OCCUPANCY_H
#define VATSIM_OCCUPANCY_H

#include "postgres.h"

#include "utils/timestamp.h"

#include "feed.h"

/*
 * Apply the rules for one snapshot; flight_ids[i] is pilot i's flight, or
 * -1 for a pilot outside the region (not tracked).  Runs inside the
 * caller's SPI connection and transaction.
 */
extern void vi_occupancy_process(const FeedDocument *doc, const int64 *flight_ids,
							  TimestampTz ts);

#endif							/* VATSIM_OCCUPANCY_H */
