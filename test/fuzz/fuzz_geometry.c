/*-------------------------------------------------------------------------
 *
 * fuzz_geometry.c
 *		libFuzzer target for the sector-set reader geo_read_geojson() and
 *		the point lookup on what it read (test/fuzz/Makefile).
 *
 * Each input is read twice, lenient and strict (name "id", bounds "floor"
 * and "ceiling", as in VAT-Spy's Boundaries.geojson): strict succeeding
 * implies lenient succeeding with the same sectors and no repairs.  A
 * refused set is empty with a NUL-terminated sentence; a kept one has
 * sectors sorted by unique non-empty names, closed rings of at least 4
 * points, and boxes that hold their outer rings.  Then the grid index's
 * answer for probe points (each sector's first vertex and box centre, and
 * a point taken from the input's last bytes), with and without an
 * altitude, must equal a linear scan with geo_sector_contains_3d(), and a
 * compact copy (geo_copy_set) must answer alike.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>

#include "../../src/geometry/geometry.h"
#include "fuzz_common.h"

#define MAX_ENTRIES 64
#define MAX_PROBED 16

static void
check_set(const GeoSectorSet *set)
{
	int			i;
	int			p;
	int			r;
	int			k;

	CHECK(set->nsectors >= 0 && set->nrepairs >= 0);
	for (i = 0; i < set->nrepairs; i++)
		CHECK(memchr(set->repairs[i].text, '\0', sizeof(set->repairs[i].text)) != NULL);
	for (i = 0; i < set->nsectors; i++)
	{
		const GeoSector *s = &set->sectors[i];

		CHECK(s->name != NULL && s->name[0] != '\0');
		check_string(s->name);
		CHECK(i == 0 || strcmp(set->sectors[i - 1].name, s->name) < 0);
		CHECK(s->npolygons >= 1);
		for (p = 0; p < s->npolygons; p++)
		{
			const GeoPolygon *poly = &s->polygons[p];

			CHECK(poly->nrings >= 1);
			CHECK(poly->min_lon >= s->min_lon && poly->max_lon <= s->max_lon);
			CHECK(poly->min_lat >= s->min_lat && poly->max_lat <= s->max_lat);
			for (r = 0; r < poly->nrings; r++)
			{
				const GeoRing *ring = &poly->rings[r];

				CHECK(ring->npoints >= 4);
				CHECK(ring->points[0].lon == ring->points[ring->npoints - 1].lon);
				CHECK(ring->points[0].lat == ring->points[ring->npoints - 1].lat);
			}
			for (k = 0; k < poly->rings[0].npoints; k++)
			{
				const GeoPoint *pt = &poly->rings[0].points[k];

				CHECK(pt->lon >= poly->min_lon && pt->lon <= poly->max_lon);
				CHECK(pt->lat >= poly->min_lat && pt->lat <= poly->max_lat);
			}
		}
	}
}

/* The index's answer for one probe equals a scan of the entries. */
static void
check_probe(const GeoIndex *index, const GeoSectorSet *set,
			const GeoSectorSet *copy, int n, double lon, double lat)
{
	const GeoIndexEntry *out[MAX_ENTRIES];
	int			alt;

	if (!isfinite(lon) || !isfinite(lat) || lat < -90 || lat > 90)
		return;
	lon = fmod(lon, 360.0);		/* into -180..180, the lookup's domain */
	if (lon >= 180)
		lon -= 360;
	else if (lon < -180)
		lon += 360;
	for (alt = 0; alt < 2; alt++)
	{
		int			got = geo_index_lookup(index, lon, lat, alt, 5000, out, MAX_ENTRIES);
		int			want = 0;
		int			i;

		for (i = 0; i < n; i++)
		{
			bool		in = geo_sector_contains_3d(&set->sectors[i], lon, lat, alt, 5000);

			CHECK(in == geo_sector_contains_3d(&copy->sectors[i], lon, lat, alt, 5000));
			if (!in)
				continue;
			CHECK(want < got && out[want]->tag == i);
			want++;
		}
		CHECK(got == want);
	}
}

static void
check_lookups(const GeoSectorSet *set, const uint8_t *data, size_t size)
{
	GeoIndexEntry entries[MAX_ENTRIES];
	GeoSectorSet copy;
	GeoIndex   *index;
	int			n = set->nsectors < MAX_ENTRIES ? set->nsectors : MAX_ENTRIES;
	int			i;

	for (i = 0; i < n; i++)
	{
		entries[i].sector = &set->sectors[i];
		entries[i].tag = i;
	}
	index = geo_index_build(entries, n);
	CHECK(index != NULL);
	CHECK(geo_copy_set(set, &copy));
	CHECK(copy.nsectors == set->nsectors);
	(void) geo_set_cost(set);
	for (i = 0; i < n && i < MAX_PROBED; i++)
	{
		const GeoSector *s = &set->sectors[i];
		const GeoPoint *v = &s->polygons[0].rings[0].points[0];

		check_probe(index, set, &copy, n, v->lon, v->lat);
		check_probe(index, set, &copy, n, (s->min_lon + s->max_lon) / 2,
					(s->min_lat + s->max_lat) / 2);
	}
	if (size >= 2 * sizeof(double))
	{
		double		xy[2];

		memcpy(xy, data + size - sizeof(xy), sizeof(xy));
		check_probe(index, set, &copy, n, xy[0], xy[1]);
	}
	geo_index_free(index);
	geo_free_set(&copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GeoSectorSet set;
	GeoSectorSet strict;
	GeoMessage	err;
	char	   *copy = fuzz_copy(data, size);
	bool		ok;
	bool		strict_ok;

	ok = geo_read_geojson(copy, size, "id", "floor", "ceiling", false, &set, &err);
	if (!ok)
	{
		CHECK(set.nsectors == 0 && set.arena == NULL);
		CHECK(memchr(err.text, '\0', sizeof(err.text)) != NULL && err.text[0] != '\0');
		CHECK(memchr(err.name, '\0', sizeof(err.name)) != NULL);
		CHECK(err.feature >= -1);
	}
	strict_ok = geo_read_geojson(copy, size, "id", "floor", "ceiling", true,
								 &strict, &err);
	CHECK(!strict_ok || (ok && set.nrepairs == 0 &&
						 strict.nsectors == set.nsectors));
	if (strict_ok)
		geo_free_set(&strict);
	if (ok)
	{
		check_set(&set);
		check_lookups(&set, data, size);
		geo_free_set(&set);
	}
	free(copy);
	return 0;
}
