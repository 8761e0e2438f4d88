/*
 * flight_stats_step.h
 *		The running aggregates of one flight, advanced snapshot by snapshot
 *		(pure C, no Postgres headers: unit-tested alone in test/unit).
 *
 * The time between two consecutive snapshots of a flight, (prev, ts], is
 * attributed to the flight's state at prev: airborne when its groundspeed
 * at prev was at least airborne_speed_kt, in contact when it had an open
 * ATC contact at prev.  So a state that starts at snapshot a and ends at
 * snapshot b counts b - a, as the [start, end) intervals of contacts and
 * sectors do.  A gap longer than stale_after (the flight was absent that
 * long and then continued) counts neither as airborne nor as contact time;
 * its leg still counts in the distance (it was flown).
 */
#ifndef VATSIM_FLIGHT_STATS_STEP_H
#define VATSIM_FLIGHT_STATS_STEP_H

#include <stdbool.h>
#include <stdint.h>

/* Radius of the sphere for great-circle distances, nautical miles */
#define FS_EARTH_RADIUS_NM 3440.065
/* pi (M_PI is not ISO C) */
#define FS_PI 3.14159265358979323846

typedef struct FlightStatsRules
{
	int			airborne_speed_kt;	/* airborne at groundspeed >= this */
	int64_t		stale_after_us; /* a longer gap counts no time */
	int			exit_speed_kt;	/* slow below this (occupancy's rule) */
	int			exit_polls;		/* landed after this many slow snapshots */
} FlightStatsRules;

typedef struct FlightStats
{
	int64_t		last_us;		/* time of the newest snapshot, microseconds */
	double		last_lat;
	double		last_lon;
	int			last_gs;		/* groundspeed, knots (missing: 0) */
	bool		last_in_contact;
	int			slow_polls;		/* consecutive slow snapshots, up to exit_polls */
	bool		has_altitude;
	int			max_altitude;	/* feet; meaningful when has_altitude */
	double		distance_nm;
	int64_t		airborne_us;
	int64_t		contact_us;
	int64_t		airborne_contact_us;
	int			snapshots;
} FlightStats;

/* One snapshot of the flight (has_altitude false: altitude missing). */
typedef struct FlightSample
{
	int64_t		ts_us;
	double		lat;
	double		lon;
	bool		has_altitude;
	int			altitude;
	int			gs;
	bool		in_contact;
} FlightSample;

/* Haversine great-circle distance, nautical miles. */
extern double fs_great_circle_nm(double lat1, double lon1, double lat2, double lon2);

/* The flight's first snapshot. */
extern void fs_start(FlightStats *st, const FlightStatsRules *rules, const FlightSample *s);

/*
 * The next snapshot of the flight; returns false (and changes nothing) when
 * it is not newer than the last one.
 */
extern bool fs_step(FlightStats *st, const FlightStatsRules *rules, const FlightSample *s);

/* Slow per the occupancy rule at its last snapshot: absent now means landed. */
extern bool fs_landed(const FlightStats *st, const FlightStatsRules *rules);

#endif							/* VATSIM_FLIGHT_STATS_STEP_H */
