/*
 * store.h
 *		The store stage (fetch -> parse -> filter -> STORE -> sectors ->
 *		summaries): write one parsed snapshot through SPI.
 *
 * The caller has connected SPI, taken the snapshot lock and checked that the
 * snapshot is newer than every stored one.  Each function issues a fixed
 * number of statements, independent of the number of records.
 */
#ifndef VATSIM_STORE_H
#define VATSIM_STORE_H

#include "postgres.h"

#include "utils/timestamp.h"

#include "feed.h"

/* Flight-plan columns, in FeedPlanField order, as pilots and prefiles name them. */
#define PLAN_TABLE_COLUMNS \
	{"plan_flight_rules", COL_TEXT}, \
	{"plan_aircraft", COL_TEXT}, \
	{"plan_aircraft_faa", COL_TEXT}, \
	{"plan_aircraft_short", COL_TEXT}, \
	{"plan_departure", COL_TEXT}, \
	{"plan_arrival", COL_TEXT}, \
	{"plan_alternate", COL_TEXT}, \
	{"plan_cruise_tas", COL_TEXT}, \
	{"plan_altitude", COL_TEXT}, \
	{"plan_deptime", COL_TEXT}, \
	{"plan_enroute_time", COL_TEXT}, \
	{"plan_fuel_time", COL_TEXT}, \
	{"plan_remarks", COL_TEXT}, \
	{"plan_route", COL_TEXT}, \
	{"plan_assigned_transponder", COL_TEXT}, \
	{"plan_revision_id", COL_INT4}

/* Reference tables, servers, controllers, ATIS, prefiles. */
extern void vi_store_current_state(const FeedDocument *doc, TimestampTz ts);

/* Controller sessions across reconnects (store_sessions.c). */
extern void vi_store_controller_sessions(const FeedDocument *doc, TimestampTz ts,
										 int grace_s);

/* What the store stage tells the later ones about each pilot's flight */
typedef struct PilotFlights
{
	int64	   *flight_ids;		/* -1: no flight (outside the region, filtered) */
	bool	   *plan_changed;	/* a plan version row is due */
	/* the airborne state changed since the flight's previous snapshot, or no aggregates yet */
	bool	   *movement_candidates;
	bool	   *was_in_contact; /* the flight's stored last_in_contact */
} PilotFlights;

/*
 * Flights (identity across reconnects, running aggregates), pilots,
 * positions, plan versions.  Fills *out for every pilot of doc and sets
 * *positions to the number of positions written.
 */
extern void vi_store_pilots(const FeedDocument *doc, TimestampTz ts,
							int reconnect_grace_s, int *positions, PilotFlights *out);

/* The key columns of the pilots to stitch, as column buffers */
struct ColumnBuf;
typedef struct StitchKeys
{
	const struct ColumnBuf *callsign;
	const struct ColumnBuf *cid;
	const struct ColumnBuf *logon_time;
	const struct ColumnBuf *departure;
	const struct ColumnBuf *arrival;
} StitchKeys;

/*
 * store_stitch.c: find or start each pilot's flight and advance its
 * aggregates; fills out[0..doc->n_pilots-1] (arrays allocated by the caller).
 */
extern void vi_stitch_flights(const FeedDocument *doc, const StitchKeys *keys,
							  TimestampTz ts, int grace_s, PilotFlights *out);

/*
 * Daily partitions (partitions.c): the UTC day of ts has a partition in every
 * registered history table, created if missing; no statement when the day is
 * already known to this backend.
 */
extern void vi_partitions_ready(TimestampTz ts);

/* Transceivers feed, current state; returns the rows stored. */
struct TransceiversDocument;
extern int	vi_store_transceivers(const struct TransceiversDocument *doc);

#endif							/* VATSIM_STORE_H */
