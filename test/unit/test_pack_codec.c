/*-------------------------------------------------------------------------
 *
 * test_pack_codec.c
 *		Unit tests of src/packing/pack_codec.c (the packed position
 *		history), a TAP producer with the harness of tap.h.
 *
 * Round trips compare every field bit for bit: one position; a steady
 * track (its size a position); coordinates that are not short decimals,
 * -0.0, NaN, infinities, huge and tiny doubles (escaped); the int64 and
 * int32 extremes (differences that overflow); NULLs in every nullable
 * column, all or some; an empty transponder against a NULL one; random
 * tracks.  Corrupt input: every truncation of a pack, a byte after it, an
 * unknown version, a count larger than the data, and every single-byte
 * change of a pack must be rejected or decode without reading outside it
 * (the _san build checks the latter).
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/packing/pack_codec.h"
#include "tap.h"

#define SEC INT64_C(1000000)
#define MAXN 4096

static PackPosition in[MAXN];
static PackPosition out[MAXN];
static int64_t scratch[MAXN];
static uint8_t buf[MAXN * 256];

static bool
same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static bool
same_position(const PackPosition *a, const PackPosition *b)
{
	if (a->ts != b->ts || !same_double(a->latitude, b->latitude) ||
		!same_double(a->longitude, b->longitude))
		return false;
	if (a->altitude_null != b->altitude_null || (!a->altitude_null && a->altitude != b->altitude))
		return false;
	if (a->groundspeed_null != b->groundspeed_null ||
		(!a->groundspeed_null && a->groundspeed != b->groundspeed))
		return false;
	if (a->heading_null != b->heading_null || (!a->heading_null && a->heading != b->heading))
		return false;
	if (a->qnh_mb_null != b->qnh_mb_null || (!a->qnh_mb_null && a->qnh_mb != b->qnh_mb))
		return false;
	if (a->qnh_i_hg_null != b->qnh_i_hg_null ||
		(!a->qnh_i_hg_null && !same_double(a->qnh_i_hg, b->qnh_i_hg)))
		return false;
	if ((a->transponder == NULL) != (b->transponder == NULL))
		return false;
	return a->transponder == NULL ||
		(a->transponder_len == b->transponder_len &&
		 memcmp(a->transponder, b->transponder, a->transponder_len) == 0);
}

static PackPosition
position(int64_t ts, double lat, double lon, int alt, int gs, int hdg)
{
	PackPosition p;

	memset(&p, 0, sizeof(p));
	p.ts = ts;
	p.latitude = lat;
	p.longitude = lon;
	p.altitude = alt;
	p.groundspeed = gs;
	p.heading = hdg;
	p.transponder = "2000";
	p.transponder_len = 4;
	p.qnh_i_hg = 29.92;
	p.qnh_mb = 1013;
	return p;
}

/* Encode in[0..n), decode, compare; returns the encoded size (0: failed). */
static size_t
round_trip(size_t n, const char *name)
{
	size_t		len;
	const char *error = NULL;
	int64_t		count;
	size_t		i;

	if (pack_encode_bound(in, n) > sizeof(buf))
	{
		ok(false, "%s: fits the test buffer", name);
		return 0;
	}
	len = pack_encode(in, n, buf, scratch);
	if (len > pack_encode_bound(in, n))
	{
		ok(false, "%s: within the bound", name);
		return 0;
	}
	count = pack_count(buf, len, &error);
	if (count != (int64_t) n || !pack_decode(buf, len, out, n, scratch, &error))
	{
		ok(false, "%s: decodes (%s)", name, error ? error : "count");
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!same_position(&in[i], &out[i]))
		{
			ok(false, "%s: position %zu comes back bit for bit", name, i);
			return 0;
		}
	ok(true, "%s: %zu positions in %zu bytes come back bit for bit", name, n, len);
	return len;
}

/* A steady climb-out and cruise every 15 s, coordinates with 5 decimals. */
static void
steady_track(size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		lat = round((51.47083 + 0.0123 * (double) i) * 1e5) / 1e5;
		double		lon = round((-0.45389 + 0.02071 * (double) i) * 1e5) / 1e5;

		in[i] = position(INT64_C(744000000) * SEC + (int64_t) i * 15 * SEC + (int64_t) (i % 3) * 1000,
						 lat, lon, (int) (i < 40 ? i * 900 : 36000), (int) (i < 40 ? 120 + i * 8 : 450),
						 (int) (90 + i % 2));
	}
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
random_track(size_t n)
{
	static const char *squawks[] = {"2000", "7000", "", "1200"};
	size_t		i;

	for (i = 0; i < n; i++)
	{
		uint64_t	r = next_random();
		uint64_t	bits = next_random();

		in[i] = position((int64_t) next_random(), 0, 0, (int32_t) next_random(),
						 (int32_t) (r % 600), (int32_t) (r % 361));
		if (r % 5 == 0)
			memcpy(&in[i].latitude, &bits, sizeof(double));	/* any bit pattern */
		else
			in[i].latitude = (double) (int64_t) (next_random() % 1800000000) / 1e7 - 90;
		in[i].longitude = (double) (next_random() % 100000) / 3.0;
		in[i].altitude_null = r % 7 == 0;
		in[i].groundspeed_null = r % 11 == 0;
		in[i].heading_null = r % 13 == 0;
		in[i].qnh_mb_null = r % 17 == 0;
		in[i].qnh_i_hg_null = r % 19 == 0;
		if (r % 23 == 0)
			in[i].transponder = NULL;
		else
		{
			in[i].transponder = squawks[(r >> 8) % 4];
			in[i].transponder_len = (uint32_t) strlen(in[i].transponder);
		}
		if (r % 29 == 0)
			in[i].qnh_mb = (int32_t) next_random();
	}
}

static void
test_round_trips(void)
{
	static const double odd[] = {
		0.1 + 0.2, -0.0, 0.0, 1e300, -1e-300, 5e-324, 123456789.123456789,
		51.123456789012, 180.0, -180.0, 90.0, 1.0 / 3.0, 9007199254.740993
	};
	size_t		i;
	size_t		len;

	in[0] = position(0, 51.47083, -0.45389, -12, 0, 360);
	round_trip(1, "one position, negative altitude");

	steady_track(240);
	len = round_trip(240, "an hour of steady flight at 15 s");
	ok(len > 0 && len <= 240 * 12, "a steady hour packs into at most 12 bytes a position (%.1f)",
	   (double) len / 240);

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		in[i] = position((int64_t) i * 15 * SEC, odd[i], odd[sizeof(odd) / sizeof(odd[0]) - 1 - i],
						 100, 200, 300);
	round_trip(sizeof(odd) / sizeof(odd[0]), "doubles that are not short decimals, -0.0, huge, tiny");

	in[0] = position(0, NAN, INFINITY, 1, 2, 3);
	in[1] = position(1, -INFINITY, -NAN, 1, 2, 3);
	in[2] = position(2, 45.0, 7.5, 1, 2, 3);
	in[1].qnh_i_hg = NAN;
	round_trip(3, "NaN and infinities are escaped, not lost");

	in[0] = position(INT64_MIN, 1, 2, INT32_MIN, INT32_MAX, INT32_MIN);
	in[1] = position(INT64_MAX, 3, 4, INT32_MAX, INT32_MIN, INT32_MAX);
	in[2] = position(INT64_MIN, 5, 6, INT32_MIN, INT32_MAX, 0);
	in[3] = position(0, 7, 8, 0, 0, INT32_MAX);
	in[0].qnh_mb = INT32_MIN;
	in[1].qnh_mb = INT32_MAX;
	round_trip(4, "int64 and int32 extremes (differences overflow)");

	steady_track(20);
	for (i = 0; i < 20; i++)
	{
		in[i].altitude_null = true;
		in[i].groundspeed_null = i % 2 == 0;
		in[i].heading_null = i == 19;
		in[i].qnh_mb_null = i > 5;
		in[i].qnh_i_hg_null = i < 3;
		in[i].transponder = i == 4 ? NULL : (i == 5 ? "" : "7000");
		in[i].transponder_len = i == 5 ? 0 : 4;
	}
	round_trip(20, "NULLs: all, every other, the last; empty transponder against NULL");

	for (i = 0; i < 50; i++)
	{
		size_t		n = 1 + next_random() % 300;

		random_track(n);
		if (round_trip(n, "random track") == 0)
			break;
	}
	random_track(MAXN);
	round_trip(MAXN, "a long random track");
}

static bool
rejected(const uint8_t *data, size_t len)
{
	const char *error = NULL;
	int64_t		n = pack_count(data, len, &error);

	if (n < 0)
		return error != NULL;
	if (n > MAXN)
		return false;
	return !pack_decode(data, len, out, (size_t) n, scratch, &error) && error != NULL;
}

static void
test_corrupt(void)
{
	size_t		len;
	size_t		cut;
	size_t		i;
	bool		all = true;
	int			decoded = 0;
	uint8_t		copy[4096];

	steady_track(100);
	in[7].transponder = NULL;
	in[9].altitude_null = true;
	in[3].latitude = 0.1 + 0.2;
	len = pack_encode(in, 100, buf, scratch);
	for (cut = 0; cut < len && all; cut++)
		all = rejected(buf, cut);
	ok(all, "every truncation of a pack is rejected");

	buf[len] = 0;
	ok(rejected(buf, len + 1), "a byte after the last column is rejected");

	memcpy(copy, buf, len);
	copy[0] = 2;
	ok(rejected(copy, len), "an unknown format version is rejected");

	{
		const uint8_t big[] = {1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0};
		const uint8_t long_varint[] = {1, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
		const char *error = NULL;

		ok(pack_count(big, sizeof(big), &error) < 0 && error != NULL,
		   "a count larger than the data is rejected before any allocation");
		ok(rejected(long_varint, sizeof(long_varint)), "a number longer than 64 bits is rejected");
		ok(rejected((const uint8_t *) "", 0), "an empty pack is rejected");
	}

	/* every byte changed to a few values: rejected, or decoded within bounds */
	for (i = 0; i < len; i++)
	{
		static const uint8_t values[] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xff};
		size_t		v;

		for (v = 0; v < sizeof(values); v++)
		{
			const char *error = NULL;
			int64_t		n;

			memcpy(copy, buf, len);
			if (copy[i] == values[v])
				continue;
			copy[i] = values[v];
			n = pack_count(copy, len, &error);
			if (n >= 0 && n <= MAXN && pack_decode(copy, len, out, (size_t) n, scratch, &error))
				decoded++;
		}
	}
	ok(true, "every single-byte change is rejected or decoded in bounds (%d decoded)", decoded);
}

int
main(void)
{
	test_round_trips();
	test_corrupt();
	return tap_done();
}
