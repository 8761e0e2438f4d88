/*
 * sector_index_time.c
 *		The C sector index alone, without PostgreSQL: the ceiling for
 *		sectors_at and sectors_at_points in bench/sectors.sh.
 *
 * Usage: sector_index_time BOUNDARIES.geojson [POINTS [RUNS]]
 * Reads VATSpy's Boundaries.geojson (name key "id"), indexes its
 * Australian sectors (ids starting with Y) alone as set "au" and all of
 * them as set "vatspy", then times POINTS (200,000) random points, as
 * bench/sectors_lookup.sql draws them (Australia: latitude -45..-9,
 * longitude 110..160; the globe), through geo_index_lookup one at a time
 * and through geo_index_lookup_many at once: the median of RUNS (5) runs
 * after one warm-up.  Prints one line a case on stdout,
 * "au|vatspy one|many POINTS_PER_SECOND MATCHES", for bench/sectors.sh.
 * Build: see bench/sectors.sh (the geometry and feed parser sources, -O2).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "../test/timing.h"

static uint64_t rng = 20261130;

static double
uniform(double lo, double hi)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return lo + (hi - lo) * ((double) (rng >> 11) / 9007199254740992.0);
}

static char *
read_all(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
		fseek(f, 0, SEEK_SET) != 0)
	{
		perror(path);
		exit(2);
	}
	buf = malloc((size_t) n + 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		perror(path);
		exit(2);
	}
	fclose(f);
	*len = (size_t) n;
	return buf;
}

/* Time both ways over the points; prints the two lines. */
static void
time_case(const char *name, const GeoIndex *index, int npoints,
		  const double *lon, const double *lat, int runs)
{
	double	   *one = malloc(sizeof(double) * (size_t) runs);
	double	   *many = malloc(sizeof(double) * (size_t) runs);
	long		n_one = 0;
	int64_t		n_many = 0;
	int			r;

	for (r = -1; r < runs; r++)
	{
		const GeoIndexEntry *out[2048];
		GeoMatch   *m;
		double		t0 = now_ms();
		int			i;

		n_one = 0;
		for (i = 0; i < npoints; i++)
			n_one += geo_index_lookup(index, lon[i], lat[i], false, 0, out, 2048);
		if (r >= 0)
			one[r] = now_ms() - t0;
		t0 = now_ms();
		n_many = geo_index_lookup_many(index, npoints, lon, lat, NULL, NULL, &m);
		geo_free_matches(m);
		if (r >= 0)
			many[r] = now_ms() - t0;
	}
	printf("%s one %.0f %ld\n", name, npoints / median_ms(one, runs) * 1e3, n_one);
	printf("%s many %.0f %lld\n", name, npoints / median_ms(many, runs) * 1e3,
		   (long long) n_many);
	free(one);
	free(many);
}

int
main(int argc, char **argv)
{
	GeoSectorSet set;
	GeoMessage	err;
	GeoIndexEntry *all;
	GeoIndexEntry *au;
	GeoIndex   *index_all;
	GeoIndex   *index_au;
	size_t		len;
	char	   *text;
	int			npoints = argc > 2 ? atoi(argv[2]) : 200000;
	int			runs = argc > 3 ? atoi(argv[3]) : 5;
	int			nau = 0;
	double	   *lon;
	double	   *lat;
	int			i;

	if (argc < 2 || npoints < 1 || runs < 1)
	{
		fprintf(stderr, "usage: %s BOUNDARIES.geojson [POINTS [RUNS]]\n", argv[0]);
		return 2;
	}
	text = read_all(argv[1], &len);
	if (!geo_read_geojson(text, len, "id", NULL, NULL, false, &set, &err))
	{
		fprintf(stderr, "%s: feature %d: %s\n", argv[1], err.feature, err.text);
		return 1;
	}
	all = malloc(sizeof(GeoIndexEntry) * (size_t) set.nsectors);
	au = malloc(sizeof(GeoIndexEntry) * (size_t) set.nsectors);
	for (i = 0; i < set.nsectors; i++)
	{
		all[i].sector = &set.sectors[i];
		all[i].tag = 0;
		if (set.sectors[i].name[0] == 'Y')
			au[nau++] = all[i];
	}
	index_all = geo_index_build(all, set.nsectors);
	index_au = geo_index_build(au, nau);
	lon = malloc(sizeof(double) * (size_t) npoints);
	lat = malloc(sizeof(double) * (size_t) npoints);
	if (index_all == NULL || index_au == NULL || lon == NULL || lat == NULL)
		return 2;

	for (i = 0; i < npoints; i++)
	{
		lat[i] = uniform(-45, -9);
		lon[i] = uniform(110, 160);
	}
	time_case("au", index_au, npoints, lon, lat, runs);
	for (i = 0; i < npoints; i++)
	{
		lat[i] = uniform(-90, 90);
		lon[i] = uniform(-180, 180);
	}
	time_case("vatspy", index_all, npoints, lon, lat, runs);
	return 0;
}
