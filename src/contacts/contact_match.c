/*
 * contact_match.c
 *		The matching rule of ATC contacts (see contact_match.h).
 */
#include "contact_match.h"

#include <math.h>
#include <stdlib.h>

/* PostgreSQL's radians(): x * RADIANS_PER_DEGREE, this very constant */
#define CM_RADIANS_PER_DEGREE 0.0174532925199432957692

double
cm_distance_nm(double lat1, double lon1, double lat2, double lon2)
{
	double		dlat = sin(((lat2 - lat1) * CM_RADIANS_PER_DEGREE) / 2);
	double		dlon = sin(((lon2 - lon1) * CM_RADIANS_PER_DEGREE) / 2);
	double		h = dlat * dlat +
		cos(lat1 * CM_RADIANS_PER_DEGREE) * cos(lat2 * CM_RADIANS_PER_DEGREE) * (dlon * dlon);

	return 2 * CM_EARTH_RADIUS_NM * asin(fmin(1, sqrt(h)));
}

static int
near_hz(int64_t a, int64_t b)
{
	return llabs(a - b) <= CM_TOLERANCE_HZ;
}

int
cm_excluded(int64_t hz, const int64_t *ignored, int n_ignored)
{
	int			i;

	if (near_hz(hz, CM_UNICOM_HZ) || near_hz(hz, CM_NO_FREQUENCY_HZ))
		return 1;
	for (i = 0; i < n_ignored; i++)
		if (near_hz(hz, ignored[i]))
			return 1;
	return 0;
}

static int
has_position(const CmTransceiver *t)
{
	return !isnan(t->lat) && !isnan(t->lon);
}

static int
cmp_hz(const void *a, const void *b)
{
	int64_t		x = ((const CmTransceiver *) a)->hz;
	int64_t		y = ((const CmTransceiver *) b)->hz;

	return (x > y) - (x < y);
}

static int
cmp_contact(const void *a, const void *b)
{
	const CmContact *x = a;
	const CmContact *y = b;

	if (x->pilot != y->pilot)
		return (x->pilot > y->pilot) - (x->pilot < y->pilot);
	if (x->controller != y->controller)
		return (x->controller > y->controller) - (x->controller < y->controller);
	return (x->khz > y->khz) - (x->khz < y->khz);
}

/* First index of atc[0..n-1] (sorted) with hz >= lo. */
static int
lower_bound(const CmTransceiver *atc, int n, int64_t lo)
{
	int			a = 0;
	int			b = n;

	while (a < b)
	{
		int			mid = a + (b - a) / 2;

		if (atc[mid].hz < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

int
cm_match(CmTransceiver *atc, int n_atc,
		 const CmTransceiver *pilots, int n_pilots,
		 const int64_t *ignored, int n_ignored,
		 CmRealloc grow, CmContact **out)
{
	CmContact  *res = NULL;
	int			n = 0;
	int			cap = 0;
	int			i;
	int			j;

	*out = NULL;
	qsort(atc, (size_t) n_atc, sizeof(CmTransceiver), cmp_hz);
	for (i = 0; i < n_pilots; i++)
	{
		const CmTransceiver *p = &pilots[i];

		if (!has_position(p) || cm_excluded(p->hz, ignored, n_ignored))
			continue;
		for (j = lower_bound(atc, n_atc, p->hz - CM_TOLERANCE_HZ);
			 j < n_atc && atc[j].hz <= p->hz + CM_TOLERANCE_HZ; j++)
		{
			const CmTransceiver *c = &atc[j];

			if (!has_position(c) || cm_excluded(c->hz, ignored, n_ignored) ||
				!(cm_distance_nm(c->lat, c->lon, p->lat, p->lon) <= c->range_nm))
				continue;
			if (n == cap)
			{
				CmContact  *bigger;

				cap = cap ? cap * 2 : 64;
				bigger = grow(res, sizeof(CmContact) * (size_t) cap);
				if (bigger == NULL)
					return -1;
				res = bigger;
			}
			res[n].pilot = p->station;
			res[n].controller = c->station;
			/* Hz are never negative: round half up */
			res[n].khz = (int32_t) ((c->hz + 500) / 1000);
			n++;
		}
	}
	if (n > 1)
	{
		int			k = 1;

		qsort(res, (size_t) n, sizeof(CmContact), cmp_contact);
		for (i = 1; i < n; i++)
			if (cmp_contact(&res[i], &res[k - 1]) != 0)
				res[k++] = res[i];
		n = k;
	}
	*out = res;
	return n;
}
