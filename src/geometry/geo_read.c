/*
 * geo_read.c
 *		geo_read_geojson(): a FeatureCollection of Polygon / MultiPolygon
 *		features into a GeoSectorSet.  The document's shape, each feature's
 *		properties (name, floor, ceiling) and geometry, and the grouping of
 *		features by name into sectors.
 *
 * Every error names the feature (index and name) and says what is wrong in
 * one sentence; the one repair (closing an unclosed ring, geo_read_ring.c)
 * is listed in set->repairs, or is an error in strict mode.  The JSON
 * document checks (empty input, UTF-8, depth, syntax, a top-level object)
 * and the helpers that word messages are the feed parser's (feed_json.c,
 * feed_prescan.c; declared in feed.h).  When an
 * allocation returns NULL the reader fails with "out of memory" and frees
 * what it had.  Pure C: no Postgres headers.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "geo_internal.h"

/* One feature as read, before features are grouped by name. */
typedef struct FeatureRec
{
	int			index;
	const char *name;			/* in the arena */
	int32_t		floor_ft;
	int32_t		ceiling_ft;
	int			npolygons;
	GeoPolygon *polygons;
} FeatureRec;

static const char *const other_geometry_types[] = {
	"Point", "MultiPoint", "LineString", "MultiLineString",
	"GeometryCollection"
};

/* An optional integer property in feet; none when absent or null. */
static bool
read_bound(GeoReadCtx *c, const cJSON *props, const char *key, const char *what,
		   int32_t none, int32_t *out)
{
	const cJSON *v;
	double		d;

	*out = none;
	if (key == NULL || props == NULL)
		return true;
	v = geo_member(props, key);
	if (v == NULL || J_IS_NULL(v))
		return true;
	if (!J_IS_NUMBER(v))
		return geo_fail(c, "%s property \"%s\" is %s, not an integer",
						what, key, feed_json_type_phrase(v));
	d = v->valuedouble;
	switch (feed_check_int32(d))
	{
		case FEED_INT32_NOT_INTEGER:
			return geo_fail(c, "%s property \"%s\" is %.15g, not an integer",
							what, key, d);
		case FEED_INT32_OUT_OF_RANGE:
			return geo_fail(c, "%s property \"%s\" is %.15g, outside the range of int32",
							what, key, d);
		case FEED_INT32_OK:
			break;
	}

	/*
	 * INT32_MIN / INT32_MAX are GEO_NO_FLOOR / GEO_NO_CEILING: taken as a
	 * bound they would silently mean none.
	 */
	if ((int32_t) d == none)
		return geo_fail(c, "%s property \"%s\" is %.15g, the value that means no %s: leave it out or null instead",
						what, key, d, what);
	*out = (int32_t) d;
	return true;
}

/* The feature's name, floor and ceiling into *rec. */
static bool
read_properties(GeoReadCtx *c, const cJSON *f, FeatureRec *rec)
{
	const cJSON *props;
	const cJSON *v;

	props = geo_member(f, "properties");
	if (props != NULL && J_IS_NULL(props))
		props = NULL;
	if (props != NULL && !J_IS_OBJECT(props))
		return geo_fail(c, "properties is %s, not an object",
						feed_json_type_phrase(props));
	v = props ? geo_member(props, c->name_key) : NULL;
	if (v == NULL)
		return geo_fail(c, "name property \"%s\" is missing", c->name_key);
	if (!J_IS_STRING(v))
		return geo_fail(c, "name property \"%s\" is %s, not a string",
						c->name_key, feed_json_type_phrase(v));
	if (v->valuestring[0] == '\0')
		return geo_fail(c, "name property \"%s\" is empty", c->name_key);
	rec->name = geo_arena_strdup(c->arena, v->valuestring);
	if (rec->name == NULL)
		return geo_fail(c, "out of memory");
	c->name = rec->name;
	if (!read_bound(c, props, c->floor_key, "floor", GEO_NO_FLOOR,
					&rec->floor_ft) ||
		!read_bound(c, props, c->ceiling_key, "ceiling", GEO_NO_CEILING,
					&rec->ceiling_ft))
		return false;
	if (rec->floor_ft != GEO_NO_FLOOR && rec->ceiling_ft != GEO_NO_CEILING &&
		rec->floor_ft >= rec->ceiling_ft)
		return geo_fail(c, "floor %d ft is not below ceiling %d ft",
						(int) rec->floor_ft, (int) rec->ceiling_ft);
	return true;
}

static bool
read_feature(GeoReadCtx *c, const cJSON *f, FeatureRec *rec)
{
	const cJSON *v;
	const cJSON *geom;
	const cJSON *type;
	const cJSON *coords;
	char		q[FEED_QUOTE_BUF];
	size_t		n;
	size_t		i;

	rec->name = NULL;
	rec->npolygons = 0;
	rec->polygons = NULL;
	if (!J_IS_OBJECT(f))
		return geo_fail(c, "feature is %s, not an object",
						feed_json_type_phrase(f));
	if (!read_properties(c, f, rec))
		return false;

	geom = geo_member(f, "geometry");
	if (geom == NULL)
		return geo_fail(c, "geometry is missing");
	if (J_IS_NULL(geom))
		return geo_fail(c, "geometry is null");
	if (!J_IS_OBJECT(geom))
		return geo_fail(c, "geometry is %s, not an object",
						feed_json_type_phrase(geom));
	type = geo_member(geom, "type");
	if (type == NULL)
		return geo_fail(c, "geometry has no type");
	if (!J_IS_STRING(type))
		return geo_fail(c, "geometry type is %s, not a string",
						feed_json_type_phrase(type));
	if (strcmp(type->valuestring, "Polygon") != 0 &&
		strcmp(type->valuestring, "MultiPolygon") != 0)
	{
		for (i = 0; i < sizeof(other_geometry_types) / sizeof(char *); i++)
		{
			if (strcmp(type->valuestring, other_geometry_types[i]) == 0)
				return geo_fail(c, "geometry is a %s, not a Polygon or MultiPolygon",
								other_geometry_types[i]);
		}
		return geo_fail(c, "geometry type \"%s\" is not Polygon or MultiPolygon",
						feed_quote_text(type->valuestring, q));
	}
	coords = geo_member(geom, "coordinates");
	if (coords == NULL)
		return geo_fail(c, "geometry has no coordinates");
	if (!J_IS_ARRAY(coords))
		return geo_fail(c, "coordinates is %s, not an array",
						feed_json_type_phrase(coords));

	if (strcmp(type->valuestring, "Polygon") == 0)
	{
		rec->polygons = geo_arena_alloc(c->arena, sizeof(GeoPolygon));
		if (rec->polygons == NULL)
			return geo_fail(c, "out of memory");
		if (!geo_read_polygon(c, coords, 0, &rec->polygons[0]))
			return false;
		rec->npolygons = 1;
		return true;
	}

	n = geo_array_size(coords);
	if (n == 0)
		return geo_fail(c, "MultiPolygon has no polygons");
	if (n > INT_MAX)
		return geo_fail(c, "MultiPolygon has too many polygons");
	rec->polygons = geo_arena_array(c->arena, n, sizeof(GeoPolygon));
	if (rec->polygons == NULL)
		return geo_fail(c, "out of memory");
	for (v = coords->child, i = 0; v != NULL; v = v->next, i++)
	{
		if (!geo_read_polygon(c, v, (int) i, &rec->polygons[i]))
			return false;
	}
	rec->npolygons = (int) n;
	return true;
}

/* By name (strcmp), then by feature index. */
static int
cmp_feature(const void *a, const void *b)
{
	const FeatureRec *fa = *(const FeatureRec *const *) a;
	const FeatureRec *fb = *(const FeatureRec *const *) b;
	int			r = strcmp(fa->name, fb->name);

	if (r != 0)
		return r;
	return (fa->index > fb->index) - (fa->index < fb->index);
}

/* "none" or the number, for messages */
static const char *
bound_text(char *buf, size_t size, int32_t v, int32_t none)
{
	if (v == none)
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%d", (int) v);
	return buf;
}

/*
 * Group the features by name into set->sectors.  Features of one name must
 * have the same floor and ceiling: the first feature (by index) that
 * differs from the first of its name is the error.
 */
static bool
build_sectors(GeoReadCtx *c, FeatureRec *recs, int nrecs, GeoSectorSet *set)
{
	FeatureRec **order;
	const FeatureRec *bad = NULL;
	const FeatureRec *bad_first = NULL;
	int			nsectors = 0;
	int			i;
	int			j;
	int			s;

	order = geo_arena_array(c->arena, (size_t) nrecs, sizeof(FeatureRec *));
	if (nrecs > 0 && order == NULL)
		return geo_fail(c, "out of memory");
	for (i = 0; i < nrecs; i++)
		order[i] = &recs[i];
	if (nrecs > 1)
		qsort(order, (size_t) nrecs, sizeof(FeatureRec *), cmp_feature);

	for (i = 0; i < nrecs; i = j)
	{
		nsectors++;
		for (j = i + 1; j < nrecs && strcmp(order[j]->name, order[i]->name) == 0; j++)
		{
			if ((order[j]->floor_ft != order[i]->floor_ft ||
				 order[j]->ceiling_ft != order[i]->ceiling_ft) &&
				(bad == NULL || order[j]->index < bad->index))
			{
				bad = order[j];
				bad_first = order[i];
			}
		}
	}
	if (bad != NULL)
	{
		char		f1[16],
					c1[16],
					f2[16],
					c2[16];

		c->feature = bad->index;
		c->name = bad->name;
		return geo_fail(c, "floor/ceiling %s/%s differ from feature %d of the same name (%s/%s)",
						bound_text(f1, sizeof(f1), bad->floor_ft, GEO_NO_FLOOR),
						bound_text(c1, sizeof(c1), bad->ceiling_ft, GEO_NO_CEILING),
						bad_first->index,
						bound_text(f2, sizeof(f2), bad_first->floor_ft, GEO_NO_FLOOR),
						bound_text(c2, sizeof(c2), bad_first->ceiling_ft, GEO_NO_CEILING));
	}

	set->sectors = NULL;
	if (nsectors > 0)
	{
		set->sectors = geo_arena_array(c->arena, (size_t) nsectors,
								   sizeof(GeoSector));
		if (set->sectors == NULL)
			return geo_fail(c, "out of memory");
	}
	for (i = 0, s = 0; i < nrecs; i = j, s++)
	{
		GeoSector  *sec = &set->sectors[s];
		size_t		npoly = 0;
		int			k;
		int			p;

		for (j = i; j < nrecs && strcmp(order[j]->name, order[i]->name) == 0; j++)
			npoly += (size_t) order[j]->npolygons;
		if (npoly > INT_MAX)
			return geo_fail(c, "sector %s has too many polygons", order[i]->name);
		sec->name = (char *) order[i]->name;
		sec->floor_ft = order[i]->floor_ft;
		sec->ceiling_ft = order[i]->ceiling_ft;
		sec->npolygons = (int) npoly;
		if (j == i + 1)
			sec->polygons = order[i]->polygons;
		else
		{
			sec->polygons = geo_arena_array(c->arena, npoly, sizeof(GeoPolygon));
			if (sec->polygons == NULL)
				return geo_fail(c, "out of memory");
			npoly = 0;
			for (k = i; k < j; k++)
			{
				memcpy(&sec->polygons[npoly], order[k]->polygons,
					   (size_t) order[k]->npolygons * sizeof(GeoPolygon));
				npoly += (size_t) order[k]->npolygons;
			}
		}
		for (p = 0; p < sec->npolygons; p++)
		{
			const GeoPolygon *poly = &sec->polygons[p];

			if (p == 0 || poly->min_lon < sec->min_lon)
				sec->min_lon = poly->min_lon;
			if (p == 0 || poly->max_lon > sec->max_lon)
				sec->max_lon = poly->max_lon;
			if (p == 0 || poly->min_lat < sec->min_lat)
				sec->min_lat = poly->min_lat;
			if (p == 0 || poly->max_lat > sec->max_lat)
				sec->max_lat = poly->max_lat;
		}
	}
	set->nsectors = nsectors;
	return true;
}

bool
geo_read_geojson(const char *text, size_t len, const char *name_key,
				 const char *floor_key, const char *ceiling_key, bool strict,
				 GeoSectorSet *set, GeoMessage *err)
{
	GeoMessage	dummy;
	FeedError	ferr;
	GeoReadCtx		c;
	cJSON	   *root;
	const cJSON *type;
	const cJSON *features;
	const cJSON *f;
	FeatureRec *recs = NULL;
	GeoRepairNode *r;
	char		q[FEED_QUOTE_BUF];
	size_t		n;
	int			i;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	err->feature = -1;
	memset(set, 0, sizeof(*set));
	memset(&c, 0, sizeof(c));
	c.name_key = name_key;
	c.floor_key = floor_key;
	c.ceiling_key = ceiling_key;
	c.strict = strict;
	c.err = err;
	c.feature = -1;				/* the document, until the features */
	c.repairs_tail = &c.repairs;

	if (name_key == NULL || name_key[0] == '\0')
		return geo_fail(&c, "no name property given");
	root = feed_parse_root(text, len, 0, false, &ferr);
	if (root == NULL)
		return geo_fail(&c, "%s", ferr.message);
	type = geo_member(root, "type");
	if (type == NULL)
		geo_fail(&c, "top level has no type: not a FeatureCollection");
	else if (!J_IS_STRING(type))
		geo_fail(&c, "type is %s, not \"FeatureCollection\"",
				 feed_json_type_phrase(type));
	else if (strcmp(type->valuestring, "FeatureCollection") != 0)
		geo_fail(&c, "type is \"%s\", not \"FeatureCollection\"",
				 feed_quote_text(type->valuestring, q));
	else if ((features = geo_member(root, "features")) == NULL)
		geo_fail(&c, "features is missing");
	else if (!J_IS_ARRAY(features))
		geo_fail(&c, "features is %s, not an array",
				 feed_json_type_phrase(features));
	else
		goto shape_ok;
	cJSON_Delete(root);
	return false;

shape_ok:
	n = geo_array_size(features);
	if (n > INT_MAX)
	{
		cJSON_Delete(root);
		return geo_fail(&c, "too many features");
	}

	c.arena = geo_arena_create(len);
	if (c.arena == NULL)
	{
		cJSON_Delete(root);
		return geo_fail(&c, "out of memory");
	}
	recs = geo_arena_array(c.arena, n, sizeof(FeatureRec));
	if (n > 0 && recs == NULL)
	{
		geo_fail(&c, "out of memory");
		goto fail;
	}
	for (f = features->child, i = 0; f != NULL; f = f->next, i++)
	{
		c.feature = i;
		c.name = NULL;
		recs[i].index = i;
		if (!read_feature(&c, f, &recs[i]))
			goto fail;
	}
	c.feature = -1;
	c.name = NULL;
	if (!build_sectors(&c, recs, (int) n, set))
		goto fail;

	set->nfeatures = (int) n;
	set->nrepairs = c.nrepairs;
	if (c.nrepairs > 0)
	{
		set->repairs = geo_arena_array(c.arena, (size_t) c.nrepairs,
								   sizeof(GeoMessage));
		if (set->repairs == NULL)
		{
			geo_fail(&c, "out of memory");
			goto fail;
		}
		for (r = c.repairs, i = 0; r != NULL; r = r->next, i++)
			set->repairs[i] = r->msg;
	}
	set->arena = c.arena;
	cJSON_Delete(root);
	return true;

fail:
	geo_arena_destroy(c.arena);
	cJSON_Delete(root);
	memset(set, 0, sizeof(*set));
	return false;
}
