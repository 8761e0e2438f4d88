/*-------------------------------------------------------------------------
 *
 * test_contact_match.c
 *		Unit tests of src/contacts/contact_match.c (who is talking to whom),
 *		a TAP producer with the harness of tap.h.
 *
 * Each rule at its edge: 5000 Hz apart matches, 5001 does not (both
 * sides); exactly at range matches, just beyond does not; UNICOM,
 * 199.998 and the ignored list at 5000/5001 Hz from them, on either side;
 * no position; the rounding of frequency_khz; duplicates collapsed; an
 * allocation failure; and a larger random set against the n*m brute force.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/contacts/contact_match.h"
#include "tap.h"

#define PI 3.14159265358979323846

static void *
grow(void *ptr, size_t size)
{
	return realloc(ptr, size);
}

static void *
fail_grow(void *ptr, size_t size)
{
	(void) ptr;
	(void) size;
	return NULL;
}

static CmTransceiver
tr(int station, long long hz, double lat, double lon, double range_nm)
{
	CmTransceiver t = {station, hz, lat, lon, range_nm};

	return t;
}

/* Matches of one pilot transceiver against one controller transceiver. */
static int
one(CmTransceiver atc, CmTransceiver pilot, const int64_t *ignored, int n_ignored,
	CmContact *first)
{
	CmContact  *out;
	int			n = cm_match(&atc, 1, &pilot, 1, ignored, n_ignored, grow, &out);

	if (n > 0 && first)
		*first = out[0];
	free(out);
	return n;
}

static void
test_frequency_edges(void)
{
	CmContact	c;

	ok(one(tr(0, 118700000, 50, 8, 15), tr(0, 118705000, 50, 8, 0), NULL, 0, &c) == 1,
	   "5000 Hz above matches");
	ok(c.khz == 118700, "frequency_khz is the controller transceiver's (118700)");
	ok(one(tr(0, 118700000, 50, 8, 15), tr(0, 118695000, 50, 8, 0), NULL, 0, NULL) == 1,
	   "5000 Hz below matches");
	ok(one(tr(0, 118700000, 50, 8, 15), tr(0, 118705001, 50, 8, 0), NULL, 0, NULL) == 0,
	   "5001 Hz above does not match");
	ok(one(tr(0, 118700000, 50, 8, 15), tr(0, 118694999, 50, 8, 0), NULL, 0, NULL) == 0,
	   "5001 Hz below does not match");
	ok(one(tr(0, 118700499, 50, 8, 15), tr(0, 118700000, 50, 8, 0), NULL, 0, &c) == 1 &&
	   c.khz == 118700, "118700499 Hz rounds to 118700 kHz");
	ok(one(tr(0, 118700500, 50, 8, 15), tr(0, 118700000, 50, 8, 0), NULL, 0, &c) == 1 &&
	   c.khz == 118701, "118700500 Hz rounds to 118701 kHz");
	/* off-grid values as in the real feed */
	ok(one(tr(0, 122800020 - 200000, 50, 8, 15), tr(0, 122600000, 50, 8, 0), NULL, 0, &c) == 1 &&
	   c.khz == 122600, "off-grid 122600020 Hz matches 122.600 and rounds to 122600");
}

/* Both on one frequency at one point: only the exclusions can refuse. */
static void
test_excluded(void)
{
	static const struct
	{
		long long	hz;
		bool		use_ignored;
		int			expect;
		const char *what;
	}			cases[] = {
		{122800000, false, 0, "122.800 (UNICOM) never matches"},
		{122805000, false, 0, "5000 Hz above UNICOM is UNICOM"},
		{122795000, false, 0, "5000 Hz below UNICOM is UNICOM"},
		{122805001, false, 1, "5001 Hz above UNICOM matches"},
		{199998000, false, 0, "199.998 never matches"},
		{199993000, false, 0, "5000 Hz below 199.998 is 199.998"},
		{199992999, false, 1, "5001 Hz below 199.998 matches"},
		{121500000, false, 1, "121.500 matches when not ignored"},
		{121500000, true, 0, "121.500 ignored does not match"},
		{121505000, true, 0, "5000 Hz from an ignored frequency is ignored"},
		{121505001, true, 1, "5001 Hz from an ignored frequency matches"},
	};
	int64_t		ignored[] = {121500000};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(one(tr(0, cases[i].hz, 50, 8, 15), tr(0, cases[i].hz, 50, 8, 0),
			   ignored, cases[i].use_ignored ? 1 : 0, NULL) == cases[i].expect,
		   "%s", cases[i].what);
	ok(one(tr(0, 122794999, 50, 8, 15), tr(0, 122799999, 50, 8, 0), NULL, 0, NULL) == 0,
	   "pilot on UNICOM, controller 5001 Hz below it: no match (either side excludes)");
	ok(one(tr(0, 122799999, 50, 8, 15), tr(0, 122794999, 50, 8, 0), NULL, 0, NULL) == 0,
	   "controller on UNICOM, pilot 5001 Hz below it: no match");
}

static void
test_range(void)
{
	double		d = cm_distance_nm(50, 8, 50.25, 8.1);

	ok(fabs(cm_distance_nm(0, 0, 1, 0) - 3440.065 * PI / 180) < 1e-9,
	   "a degree of latitude is R * pi / 180 nm");
	ok(fabs(cm_distance_nm(0, 179.5, 0, -179.5) - 3440.065 * PI / 180) < 1e-9,
	   "across the antimeridian the short way round");
	ok(cm_distance_nm(10, 20, 10, 20) == 0, "same point: 0 nm");
	ok(one(tr(0, 118700000, 50, 8, d), tr(0, 118700000, 50.25, 8.1, 0), NULL, 0, NULL) == 1,
	   "exactly at range (%.12f nm) matches", d);
	ok(one(tr(0, 118700000, 50, 8, nextafter(d, 0)), tr(0, 118700000, 50.25, 8.1, 0), NULL, 0, NULL) == 0,
	   "one ulp short of the distance does not match");
	ok(one(tr(0, 118700000, 50, 8, 0), tr(0, 118700000, 50, 8, 0), NULL, 0, NULL) == 1,
	   "range 0 at the same point matches");
	ok(one(tr(0, 118700000, NAN, 8, 1000), tr(0, 118700000, 50, 8, 0), NULL, 0, NULL) == 0,
	   "controller transceiver without a position never matches");
	ok(one(tr(0, 118700000, 50, 8, 1000), tr(0, 118700000, 50, NAN, 0), NULL, 0, NULL) == 0,
	   "pilot transceiver without a position never matches");
}

static void
test_sets(void)
{
	/* controller 7 has two transceivers on 118.7 and one on 121.8; pilot 3 two on 118.7 */
	CmTransceiver atc[] = {
		tr(7, 118700000, 50, 8, 15), tr(7, 118700010, 50.01, 8, 15),
		tr(7, 121800000, 50, 8, 15), tr(9, 118702000, 50, 8, 15)
	};
	CmTransceiver pilots[] = {
		tr(3, 118700000, 50, 8.1, 0), tr(3, 118701000, 50, 8.1, 0),
		tr(1, 121800000, 50, 8.1, 0), tr(1, 135000000, 50, 8.1, 0)
	};
	CmContact  *out;
	int			n = cm_match(atc, 4, pilots, 4, NULL, 0, grow, &out);

	ok(n == 3, "distinct triples: %d (3)", n);
	ok(n == 3 &&
	   out[0].pilot == 1 && out[0].controller == 7 && out[0].khz == 121800 &&
	   out[1].pilot == 3 && out[1].controller == 7 && out[1].khz == 118700 &&
	   out[2].pilot == 3 && out[2].controller == 9 && out[2].khz == 118702,
	   "sorted by pilot, controller, kHz; two transceivers on one frequency give one row");
	free(out);
	n = cm_match(atc, 4, pilots, 4, NULL, 0, fail_grow, &out);
	ok(n == -1 && out == NULL, "allocation failure: -1");
	n = cm_match(atc, 0, pilots, 4, NULL, 0, grow, &out);
	ok(n == 0 && out == NULL, "no controllers: nothing");
}

/* A random network against the plain n*m loop. */
static void
test_brute_force(void)
{
	enum
	{
		NA = 300, NP = 2000
	};
	static CmTransceiver atc[NA];
	static CmTransceiver pilots[NP];
	static const int64_t grid[] = {118700000, 118705000, 118710000, 121800000,
	122800000, 124350000, 199998000, 132600000};
	int64_t		ignored[] = {124350000};
	CmContact  *out;
	CmContact  *brute = NULL;
	int			nb = 0;
	int			n;
	int			i;
	int			j;
	bool		same = true;

	srand(42);
	for (i = 0; i < NA; i++)
		atc[i] = tr(i / 2, grid[rand() % 8] + (rand() % 13) - 6 + (rand() % 3) * 2500,
					45 + (rand() % 1000) / 100.0, 5 + (rand() % 1000) / 100.0,
					(double[]) {15, 60, 400}[rand() % 3]);
	for (i = 0; i < NP; i++)
		pilots[i] = tr(i / 2, grid[rand() % 8] + (rand() % 13) - 6 + (rand() % 3) * 2500,
					   45 + (rand() % 1000) / 100.0, 5 + (rand() % 1000) / 100.0, 0);
	for (i = 0; i < NP; i++)
		for (j = 0; j < NA; j++)
			if (llabs(pilots[i].hz - atc[j].hz) <= 5000 &&
				!cm_excluded(pilots[i].hz, ignored, 1) && !cm_excluded(atc[j].hz, ignored, 1) &&
				cm_distance_nm(atc[j].lat, atc[j].lon, pilots[i].lat, pilots[i].lon) <= atc[j].range_nm)
			{
				bool		dup = false;
				int			k;
				int			khz = (int) ((atc[j].hz + 500) / 1000);

				for (k = 0; k < nb; k++)
					dup |= brute[k].pilot == pilots[i].station &&
						brute[k].controller == atc[j].station && brute[k].khz == khz;
				if (dup)
					continue;
				brute = realloc(brute, sizeof(CmContact) * (nb + 1));
				brute[nb].pilot = pilots[i].station;
				brute[nb].controller = atc[j].station;
				brute[nb].khz = khz;
				nb++;
			}
	n = cm_match(atc, NA, pilots, NP, ignored, 1, grow, &out);
	ok(n == nb && nb > 100, "random network: %d triples, brute force %d", n, nb);
	for (i = 0; i < n && same; i++)
	{
		bool		found = false;

		for (j = 0; j < nb && !found; j++)
			found = brute[j].pilot == out[i].pilot && brute[j].controller == out[i].controller &&
				brute[j].khz == out[i].khz;
		same = found;
	}
	ok(same, "random network: the same triples as the brute force");
	free(out);
	free(brute);
}

int
main(void)
{
	test_frequency_edges();
	test_excluded();
	test_range();
	test_sets();
	test_brute_force();
	return tap_done();
}
