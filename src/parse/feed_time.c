/*-------------------------------------------------------------------------
 *
 * feed_time.c
 *		Timestamps and flight-plan digests of the v3 feed.
 *
 * This file owns:
 *	- feed_read_time() / feed_parse_time(): the feed's ISO-8601 UTC
 *	  timestamps to microseconds, rounding fractional seconds exactly as
 *	  PostgreSQL's timestamptz input does, within the years 1900 to 9999
 *	  (after rounding: 9999-12-31T23:59:59.9999999Z would round into the
 *	  year 10000 and is refused);
 *	- feed_plan_hash(), a stable digest of a flight plan.
 *
 * Pure C11, no Postgres headers.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>

#include "feed.h"

/* The years a timestamp may fall in. */
#define FEED_YEAR_MIN 1900
#define FEED_YEAR_MAX 9999

/* n decimal digits at s into *val; false if any is not a digit */
static inline bool
read_digits(const char *s, int n, int *val)
{
	int			v = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;
	int64_t		doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * ".f{1,9}" at *p (if any) to microseconds, rounded as PostgreSQL's
 * timestamptz input does it, rint(strtod("0.<digits>") * 1e6): the digits
 * as an integer D < 10^9 and 10^n are both exact doubles, so D / 10^n is
 * the correctly rounded value strtod would return, without strtod's
 * locale dependence.  A result of 1000000 carries into the seconds.
 * Advances *p; false when malformed.
 */
static bool
read_fraction(const char **p, int64_t *usec)
{
	static const double pow10[10] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
	};
	const char *s = *p;
	int			ndig = 0;
	int			frac = 0;

	*usec = 0;
	if (*s != '.')
		return true;
	s++;
	while (s[ndig] >= '0' && s[ndig] <= '9')
	{
		if (ndig == 9)
			return false;
		frac = frac * 10 + (s[ndig] - '0');
		ndig++;
	}
	if (ndig == 0)
		return false;
	*usec = (int64_t) rint(((double) frac / pow10[ndig]) * 1000000.0);
	*p = s + ndig;
	return true;
}

/*
 * "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (nothing else, nothing after) to
 * microseconds since the epoch.
 */
FeedTimeCheck
feed_read_time(const char *s, FeedTime *out)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			year;
	int			mon;
	int			day;
	int			hour;
	int			min;
	int			sec;
	int			dim;
	int64_t		usec;
	int64_t		t;
	const char *p;

	if (s == NULL)
		return FEED_TIME_MALFORMED;
	if (!read_digits(s, 4, &year) || s[4] != '-' ||
		!read_digits(s + 5, 2, &mon) || s[7] != '-' ||
		!read_digits(s + 8, 2, &day) || s[10] != 'T' ||
		!read_digits(s + 11, 2, &hour) || s[13] != ':' ||
		!read_digits(s + 14, 2, &min) || s[16] != ':' ||
		!read_digits(s + 17, 2, &sec))
		return FEED_TIME_MALFORMED;
	p = s + 19;
	if (!read_fraction(&p, &usec) || p[0] != 'Z' || p[1] != '\0')
		return FEED_TIME_MALFORMED;

	if (mon < 1 || mon > 12 || hour > 23 || min > 59 || sec > 59)
		return FEED_TIME_MALFORMED;
	dim = mdays[mon - 1];
	if (mon == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		dim = 29;
	if (day < 1 || day > dim)
		return FEED_TIME_MALFORMED;

	t = (days_from_civil(year, mon, day) * 86400 +
		 hour * 3600 + min * 60 + sec) * 1000000 + usec;
	/* rounding may carry past 9999-12-31T23:59:59.999999 */
	if (year < FEED_YEAR_MIN ||
		t >= days_from_civil(FEED_YEAR_MAX + 1, 1, 1) * 86400 * 1000000)
		return FEED_TIME_OUT_OF_RANGE;
	*out = t;
	return FEED_TIME_OK;
}

bool
feed_parse_time(const char *s, FeedTime *out)
{
	return feed_read_time(s, out) == FEED_TIME_OK;
}

#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

/*
 * FNV-1a (64 bit) over the plan's content.  Stable across versions and
 * platforms (values are stored by it): for each field in FeedPlanField
 * order a tag byte (0 NULL, 1 present), the string's bytes and a 0xFF
 * separator; then a tag byte for revision_id (0 FEED_NULL_INT, 1 present)
 * and the 8 bytes of the stored int64 value, little-endian.
 */
uint64_t
feed_plan_hash(const FeedPlan *plan)
{
	uint64_t	h = FNV_OFFSET;
	const unsigned char *p;
	uint64_t	rev;
	int			i;

	for (i = 0; i < FP_NFIELDS; i++)
	{
		const char *f = plan ? plan->field[i] : NULL;

		h = (h ^ (f != NULL ? 1 : 0)) * FNV_PRIME;
		if (f != NULL)
		{
			for (p = (const unsigned char *) f; *p; p++)
				h = (h ^ *p) * FNV_PRIME;
		}
		h = (h ^ 0xFF) * FNV_PRIME;
	}
	rev = (uint64_t) (plan ? plan->revision_id : FEED_NULL_INT);
	h = (h ^ (rev != (uint64_t) FEED_NULL_INT ? 1 : 0)) * FNV_PRIME;
	for (i = 0; i < 8; i++)
		h = (h ^ ((rev >> (8 * i)) & 0xFF)) * FNV_PRIME;
	return h;
}
