/*-------------------------------------------------------------------------
 *
 * test_flight_stats.c
 *		Unit tests of src/store/flight_stats_step.c (a flight's running
 *		aggregates), a TAP producer with the harness of tap.h.
 *
 * The great-circle distance against known values; the time rule at its
 * edges (exactly airborne_speed_kt, one below; a gap of exactly
 * stale_after, one microsecond more); maximum altitude with a missing one;
 * the slow count and the landed rule; a snapshot that is not newer.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../src/store/flight_stats_step.h"
#include "tap.h"

#define SEC INT64_C(1000000)

static const FlightStatsRules rules = {60, 300 * SEC, 30, 2};

static FlightSample
sample(int64_t t_s, double lat, double lon, int alt, int gs, bool contact)
{
	FlightSample s;

	s.ts_us = t_s * SEC;
	s.lat = lat;
	s.lon = lon;
	s.has_altitude = alt != INT32_MIN;
	s.altitude = s.has_altitude ? alt : 0;
	s.gs = gs;
	s.in_contact = contact;
	return s;
}

int
main(void)
{
	FlightStats st;
	FlightSample s;
	double		deg_nm = FS_EARTH_RADIUS_NM * FS_PI / 180;

	/* distance */
	ok(fabs(fs_great_circle_nm(0, 0, 1, 0) - deg_nm) < 1e-9, "one degree of a meridian: %.9f nm", deg_nm);
	ok(fabs(fs_great_circle_nm(0, 0, 0, 180) - FS_PI * FS_EARTH_RADIUS_NM) < 1e-6, "half the equator");
	ok(fs_great_circle_nm(10, 20, 10, 20) == 0, "no move: 0");
	ok(fabs(fs_great_circle_nm(0, 179.5, 0, -179.5) - deg_nm) < 1e-9, "across the antimeridian: the short way");

	/* airborne at exactly 60 kt, not at 59; contact by the state at prev */
	s = sample(0, 0, 0, 1000, 60, true);
	fs_start(&st, &rules, &s);
	ok(st.snapshots == 1 && st.airborne_us == 0 && st.distance_nm == 0, "start: nothing counted");
	s = sample(15, 1, 0, 35000, 59, false);
	ok(fs_step(&st, &rules, &s), "a newer snapshot steps");
	ok(st.airborne_us == 15 * SEC && st.contact_us == 15 * SEC && st.airborne_contact_us == 15 * SEC,
	   "60 kt and in contact at t=0: (0, 15] airborne and in contact");
	ok(fabs(st.distance_nm - deg_nm) < 1e-9, "the leg is added");
	s = sample(30, 1, 0, INT32_MIN, 200, true);
	fs_step(&st, &rules, &s);
	ok(st.airborne_us == 15 * SEC && st.contact_us == 15 * SEC, "59 kt, no contact at t=15: (15, 30] adds nothing");
	ok(st.has_altitude && st.max_altitude == 35000, "a missing altitude leaves the maximum");

	/* a gap of exactly stale_after counts; one microsecond more does not */
	s = sample(330, 1, 0, 1000, 200, true);
	fs_step(&st, &rules, &s);
	ok(st.airborne_us == 315 * SEC && st.contact_us == 315 * SEC, "a gap of exactly stale_after counts");
	s = sample(630, 2, 0, 1000, 200, true);
	s.ts_us += 1;
	fs_step(&st, &rules, &s);
	ok(st.airborne_us == 315 * SEC && st.contact_us == 315 * SEC, "one microsecond more: not counted");
	ok(fabs(st.distance_nm - 2 * deg_nm) < 1e-9, "but its leg is distance");

	/* not newer: nothing changes */
	s = sample(630, 5, 5, 50000, 0, false);
	s.ts_us += 1;
	ok(!fs_step(&st, &rules, &s) && st.max_altitude == 35000 && st.snapshots == 5, "the same time again: no step");

	/* slow count: below 30 kt, exit_polls 2; 30 kt resets */
	ok(!fs_landed(&st, &rules), "fast: not landed");
	s = sample(645, 2, 0, 0, 29, false);
	fs_step(&st, &rules, &s);
	ok(st.slow_polls == 1 && !fs_landed(&st, &rules), "one slow snapshot: not landed");
	s = sample(660, 2, 0, 0, 30, false);
	fs_step(&st, &rules, &s);
	ok(st.slow_polls == 0, "30 kt is not slow: the count resets");
	s = sample(675, 2, 0, 0, 0, false);
	fs_step(&st, &rules, &s);
	s = sample(690, 2, 0, 0, 0, false);
	fs_step(&st, &rules, &s);
	ok(st.slow_polls == 2 && fs_landed(&st, &rules), "two slow snapshots: landed when absent next");
	s = sample(705, 2, 0, 0, 0, false);
	fs_step(&st, &rules, &s);
	ok(st.slow_polls == 2, "the count stops at exit_polls");
	ok(st.airborne_us == 315 * SEC + 15 * SEC - 1, "200 kt at t=630 (+1 us): airborne until t=645; 29 kt and 30 kt are not");

	return tap_done();
}
