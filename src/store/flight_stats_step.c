/*
 * flight_stats_step.c
 *		Running aggregates of a flight: distance, maximum altitude, airborne
 *		and contact time, the slow count (see flight_stats_step.h for the
 *		time rule).  Pure C.
 */
#include <math.h>
#include <string.h>

#include "flight_stats_step.h"

#define FS_RADIANS(d) ((d) * (FS_PI / 180.0))

/*
 * The formula of vatsim.nearest_airport: 2 R asin(min(1, sqrt(hav))), so
 * that SQL and C agree to the last few bits.
 */
double
fs_great_circle_nm(double lat1, double lon1, double lat2, double lon2)
{
	double		a = sin(FS_RADIANS(lat2 - lat1) / 2);
	double		b = sin(FS_RADIANS(lon2 - lon1) / 2);
	double		h = a * a + cos(FS_RADIANS(lat1)) * cos(FS_RADIANS(lat2)) * b * b;

	return 2 * FS_EARTH_RADIUS_NM * asin(fmin(1.0, sqrt(h)));
}

static void
take_sample(FlightStats *st, const FlightStatsRules *rules, const FlightSample *s)
{
	st->last_us = s->ts_us;
	st->last_lat = s->lat;
	st->last_lon = s->lon;
	st->last_gs = s->gs;
	st->last_in_contact = s->in_contact;
	if (s->gs < rules->exit_speed_kt)
		st->slow_polls = st->slow_polls + 1 < rules->exit_polls ?
			st->slow_polls + 1 : rules->exit_polls;
	else
		st->slow_polls = 0;
	if (s->has_altitude && (!st->has_altitude || s->altitude > st->max_altitude))
	{
		st->has_altitude = true;
		st->max_altitude = s->altitude;
	}
	st->snapshots++;
}

void
fs_start(FlightStats *st, const FlightStatsRules *rules, const FlightSample *s)
{
	memset(st, 0, sizeof(*st));
	take_sample(st, rules, s);
}

bool
fs_step(FlightStats *st, const FlightStatsRules *rules, const FlightSample *s)
{
	int64_t		dt = s->ts_us - st->last_us;

	if (dt <= 0)
		return false;
	st->distance_nm += fs_great_circle_nm(st->last_lat, st->last_lon, s->lat, s->lon);
	if (dt <= rules->stale_after_us)
	{
		bool		airborne = st->last_gs >= rules->airborne_speed_kt;

		if (airborne)
			st->airborne_us += dt;
		if (st->last_in_contact)
			st->contact_us += dt;
		if (airborne && st->last_in_contact)
			st->airborne_contact_us += dt;
	}
	take_sample(st, rules, s);
	return true;
}

bool
fs_landed(const FlightStats *st, const FlightStatsRules *rules)
{
	return st->slow_polls >= rules->exit_polls;
}
