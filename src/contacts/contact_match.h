/*
 * contact_match.h
 *		Who is talking to whom in one snapshot: pilot transceivers matched to
 *		controller transceivers by frequency and radio range.  Pure C (no
 *		Postgres headers), unit-tested alone (test/unit/test_contact_match.c).
 *
 * A pilot transceiver matches a controller transceiver when
 *	- their frequencies are at most CM_TOLERANCE_HZ apart (inclusive: 5000 Hz
 *	  matches, 5001 Hz does not);
 *	- neither frequency is within CM_TOLERANCE_HZ of an excluded frequency:
 *	  122.800 MHz (UNICOM), 199.998 MHz (no frequency) and the caller's
 *	  ignored list;
 *	- both have a position, and the great-circle distance between them (on a
 *	  sphere of CM_EARTH_RADIUS_NM) is at most the controller's range
 *	  (inclusive).
 * Each match gives the triple (pilot station, controller station,
 * controller transceiver's frequency rounded to the nearest kHz); the result
 * holds each triple once, sorted.
 *
 * Cost: the controller transceivers are sorted by frequency and each pilot
 * transceiver binary-searches its window, so O((n + m) log m + k log k) for n
 * pilot and m controller transceivers and k matches, not n * m.
 */
#ifndef VATSIM_CONTACT_MATCH_H
#define VATSIM_CONTACT_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define CM_TOLERANCE_HZ INT64_C(5000)
#define CM_UNICOM_HZ INT64_C(122800000)
#define CM_NO_FREQUENCY_HZ INT64_C(199998000)
#define CM_EARTH_RADIUS_NM 3440.065

typedef struct CmTransceiver
{
	int			station;		/* the caller's index of the station */
	int64_t		hz;
	double		lat;			/* degrees; NaN: no position */
	double		lon;
	double		range_nm;		/* controllers only */
} CmTransceiver;

typedef struct CmContact
{
	int			pilot;			/* pilot station */
	int			controller;		/* controller station */
	int32_t		khz;			/* controller transceiver's Hz, rounded */
} CmContact;

/*
 * realloc-like: (NULL, n) allocates, (p, n) grows; returns NULL on failure
 * (or does not return, as palloc).
 */
typedef void *(*CmRealloc) (void *ptr, size_t size);

/*
 * Match; reorders atc[] (sorted by frequency).  ignored[0..n_ignored-1] are
 * extra excluded frequencies in Hz.  Returns the number of distinct
 * triples, *out allocated with grow (NULL when none), or -1 when grow failed.
 */
extern int	cm_match(CmTransceiver *atc, int n_atc,
					 const CmTransceiver *pilots, int n_pilots,
					 const int64_t *ignored, int n_ignored,
					 CmRealloc grow, CmContact **out);

/* Whether hz is within CM_TOLERANCE_HZ of an excluded frequency. */
extern int	cm_excluded(int64_t hz, const int64_t *ignored, int n_ignored);

/*
 * Great-circle distance in nm, the haversine formula written as
 * vatsim.nearest_airport() computes it in SQL (same operations in the same
 * order), so that a distance exactly at a range agrees in both.
 */
extern double cm_distance_nm(double lat1, double lon1, double lat2, double lon2);

#endif							/* VATSIM_CONTACT_MATCH_H */
