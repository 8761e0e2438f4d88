/*-------------------------------------------------------------------------
 *
 * feed_map.c
 *		The records of a v3 document onto the structs of feed.h.
 *
 * This file owns:
 *	- the field table of each record kind (pilots, controllers and atis,
 *	  prefiles, servers, the reference tables, flight plans) and the
 *	  section table (feed_sections: what each top-level array holds and
 *	  where it goes in a FeedDocument);
 *	- mapping one record with per-record rejection: a bad record is
 *	  skipped and counted in the document's FeedRejects, the document goes
 *	  on.  A string holding FEED_MARK_BYTE (a \u0000 or unpaired surrogate
 *	  escape in the text, see feed_json.c) rejects its record;
 *	- mapping one section into a single allocation (controllers and atis
 *	  carry their text_atis pointer arrays in the tail of the same block),
 *	  then handing it to feed_dedupe.c.
 *
 * Records are mapped by walking an object's members once and looking the
 * key up in the field table (the lookup starts after the last match, so
 * keys in feed order cost one strcmp each).  When a key occurs twice in one
 * object, the last occurrence wins (as in jsonb).  Unknown keys are
 * ignored everywhere; so is a key holding a marked escape, which matches
 * no known key.
 *
 * Pure C11 + cJSON, no Postgres headers.
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "feed_internal.h"

const char *const feed_plan_keys[FP_NFIELDS] = {
	[FP_FLIGHT_RULES] = "flight_rules",
	[FP_AIRCRAFT] = "aircraft",
	[FP_AIRCRAFT_FAA] = "aircraft_faa",
	[FP_AIRCRAFT_SHORT] = "aircraft_short",
	[FP_DEPARTURE] = "departure",
	[FP_ARRIVAL] = "arrival",
	[FP_ALTERNATE] = "alternate",
	[FP_CRUISE_TAS] = "cruise_tas",
	[FP_ALTITUDE] = "altitude",
	[FP_DEPTIME] = "deptime",
	[FP_ENROUTE_TIME] = "enroute_time",
	[FP_FUEL_TIME] = "fuel_time",
	[FP_REMARKS] = "remarks",
	[FP_ROUTE] = "route",
	[FP_ASSIGNED_TRANSPONDER] = "assigned_transponder",
};


/* ------------------------------------------------------------------------
 * Field tables
 * ------------------------------------------------------------------------
 */

#define NFIELDS(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* In feed order (revision_id comes before assigned_transponder). */
#define PLF(i) (offsetof(FeedPlan, field) + (i) * sizeof(const char *))
static const FieldDesc plan_fields[] = {
	{"flight_rules", FK_STRING, false, PLF(FP_FLIGHT_RULES), 0},
	{"aircraft", FK_STRING, false, PLF(FP_AIRCRAFT), 0},
	{"aircraft_faa", FK_STRING, false, PLF(FP_AIRCRAFT_FAA), 0},
	{"aircraft_short", FK_STRING, false, PLF(FP_AIRCRAFT_SHORT), 0},
	{"departure", FK_STRING, false, PLF(FP_DEPARTURE), 0},
	{"arrival", FK_STRING, false, PLF(FP_ARRIVAL), 0},
	{"alternate", FK_STRING, false, PLF(FP_ALTERNATE), 0},
	{"cruise_tas", FK_STRING, false, PLF(FP_CRUISE_TAS), 0},
	{"altitude", FK_STRING, false, PLF(FP_ALTITUDE), 0},
	{"deptime", FK_STRING, false, PLF(FP_DEPTIME), 0},
	{"enroute_time", FK_STRING, false, PLF(FP_ENROUTE_TIME), 0},
	{"fuel_time", FK_STRING, false, PLF(FP_FUEL_TIME), 0},
	{"remarks", FK_STRING, false, PLF(FP_REMARKS), 0},
	{"route", FK_STRING, false, PLF(FP_ROUTE), 0},
	{"revision_id", FK_INT, false, offsetof(FeedPlan, revision_id), 0},
	{"assigned_transponder", FK_STRING, false, PLF(FP_ASSIGNED_TRANSPONDER), 0},
};

#define PIF(m) offsetof(FeedPilot, m)
static const FieldDesc pilot_fields[] = {
	{"cid", FK_CID, true, PIF(cid), 0},
	{"name", FK_STRING, false, PIF(name), 0},
	{"callsign", FK_CALLSIGN, true, PIF(callsign), 0},
	{"server", FK_STRING, false, PIF(server), 0},
	{"pilot_rating", FK_INT, false, PIF(pilot_rating), 0},
	{"military_rating", FK_INT, false, PIF(military_rating), 0},
	{"latitude", FK_LATITUDE, true, PIF(latitude), 0},
	{"longitude", FK_LONGITUDE, true, PIF(longitude), 0},
	{"altitude", FK_INT, false, PIF(altitude), 0},
	{"groundspeed", FK_INT, false, PIF(groundspeed), 0},
	{"transponder", FK_STRING, false, PIF(transponder), 0},
	{"heading", FK_INT, false, PIF(heading), 0},
	{"qnh_i_hg", FK_DOUBLE, false, PIF(qnh_i_hg), 0},
	{"qnh_mb", FK_INT, false, PIF(qnh_mb), 0},
	{"flight_plan", FK_PLAN, false, PIF(plan), PIF(has_plan)},
	{"logon_time", FK_TIME, true, PIF(logon_time), 0},
	{"last_updated", FK_TIME, false, PIF(last_updated), 0},
};

/* controllers and atis */
#define CF(m) offsetof(FeedController, m)
static const FieldDesc controller_fields[] = {
	{"cid", FK_CID, true, CF(cid), 0},
	{"name", FK_STRING, false, CF(name), 0},
	{"callsign", FK_CALLSIGN, true, CF(callsign), 0},
	{"frequency", FK_STRING, false, CF(frequency), 0},
	{"facility", FK_INT, false, CF(facility), 0},
	{"rating", FK_INT, false, CF(rating), 0},
	{"server", FK_STRING, false, CF(server), 0},
	{"visual_range", FK_INT, false, CF(visual_range), 0},
	{"atis_code", FK_STRING, false, CF(atis_code), 0},
	{"text_atis", FK_TEXT_ATIS, false, CF(text_atis), CF(n_text_atis)},
	{"last_updated", FK_TIME, false, CF(last_updated), 0},
	{"logon_time", FK_TIME, true, CF(logon_time), 0},
};

#define PRF(m) offsetof(FeedPrefile, m)
static const FieldDesc prefile_fields[] = {
	{"cid", FK_CID, true, PRF(cid), 0},
	{"name", FK_STRING, false, PRF(name), 0},
	{"callsign", FK_CALLSIGN, true, PRF(callsign), 0},
	{"flight_plan", FK_PLAN, false, PRF(plan), PRF(has_plan)},
	{"last_updated", FK_TIME, false, PRF(last_updated), 0},
};

#define SF(m) offsetof(FeedServer, m)
static const FieldDesc server_fields[] = {
	{"ident", FK_IDENT, true, SF(ident), 0},
	{"hostname_or_ip", FK_STRING, false, SF(hostname_or_ip), 0},
	{"location", FK_STRING, false, SF(location), 0},
	{"name", FK_STRING, false, SF(name), 0},
	{"clients_connection_allowed", FK_INT, false,
	SF(clients_connection_allowed), 0},
	{"client_connections_allowed", FK_BOOL, false,
	SF(client_connections_allowed), 0},
	{"is_sweatbox", FK_BOOL, false, SF(is_sweatbox), 0},
};

/* facilities, ratings */
static const FieldDesc ref_short_fields[] = {
	{"id", FK_REFID, true, offsetof(FeedRef, id), 0},
	{"short", FK_STRING, false, offsetof(FeedRef, short_name), 0},
	{"long", FK_STRING, false, offsetof(FeedRef, long_name), 0},
};

/* pilot_ratings, military_ratings */
static const FieldDesc ref_name_fields[] = {
	{"id", FK_REFID, true, offsetof(FeedRef, id), 0},
	{"short_name", FK_STRING, false, offsetof(FeedRef, short_name), 0},
	{"long_name", FK_STRING, false, offsetof(FeedRef, long_name), 0},
};

#define NULL_PLAN \
	{{NULL}, FEED_NULL_INT}

static const FeedPilot pilot_template = {
	.pilot_rating = FEED_NULL_INT,
	.military_rating = FEED_NULL_INT,
	.altitude = FEED_NULL_INT,
	.groundspeed = FEED_NULL_INT,
	.heading = FEED_NULL_INT,
	.qnh_i_hg = NAN,
	.qnh_mb = FEED_NULL_INT,
	.has_plan = false,
	.plan = NULL_PLAN,
	.logon_time = FEED_NULL_TIME,
	.last_updated = FEED_NULL_TIME,
};

static const FeedController controller_template = {
	.facility = FEED_NULL_INT,
	.rating = FEED_NULL_INT,
	.visual_range = FEED_NULL_INT,
	.n_text_atis = -1,
	.text_atis = NULL,
	.last_updated = FEED_NULL_TIME,
	.logon_time = FEED_NULL_TIME,
};

static const FeedPrefile prefile_template = {
	.has_plan = false,
	.plan = NULL_PLAN,
	.last_updated = FEED_NULL_TIME,
};

static const FeedServer server_template = {
	.clients_connection_allowed = FEED_NULL_INT,
	.client_connections_allowed = -1,
	.is_sweatbox = -1,
};

static const FeedRef ref_template = {0};

static const FeedPlan null_plan = NULL_PLAN;

/* Where a section goes in FeedDocument: its array, count and flag. */
#define DOC(arr) \
	offsetof(FeedDocument, arr), offsetof(FeedDocument, n_##arr)

/* A reference table: optional, de-duplicated on its id. */
#define REF_SECTION(arr, fields) \
	{#arr, fields, NFIELDS(fields), sizeof(FeedRef), &ref_template, \
	 false, 0, true, offsetof(FeedRef, id), "id", false, 0, false, \
	 false, DOC(arr), offsetof(FeedDocument, has_##arr)}

const SectionDesc feed_sections[] = {
	{"pilots", pilot_fields, NFIELDS(pilot_fields), sizeof(FeedPilot),
		&pilot_template, true, PIF(index), false, PIF(callsign), "callsign",
	true, PIF(last_updated), false, true, DOC(pilots), 0},
	{"controllers", controller_fields, NFIELDS(controller_fields),
		sizeof(FeedController), &controller_template, true, CF(index),
		false, CF(callsign), "callsign", true, CF(last_updated), true,
	true, DOC(controllers), 0},
	{"atis", controller_fields, NFIELDS(controller_fields),
		sizeof(FeedController), &controller_template, true, CF(index),
		false, CF(callsign), "callsign", true, CF(last_updated), true,
	true, DOC(atis), 0},
	{"prefiles", prefile_fields, NFIELDS(prefile_fields),
		sizeof(FeedPrefile), &prefile_template, true, PRF(index), false,
		PRF(callsign), "callsign", true, PRF(last_updated), false,
	true, DOC(prefiles), 0},
	{"servers", server_fields, NFIELDS(server_fields), sizeof(FeedServer),
		&server_template, true, SF(index), false, SF(ident), "ident",
	false, 0, false, true, DOC(servers), 0},
	REF_SECTION(facilities, ref_short_fields),
	REF_SECTION(ratings, ref_short_fields),
	REF_SECTION(pilot_ratings, ref_name_fields),
	REF_SECTION(military_ratings, ref_name_fields),
};


/* ------------------------------------------------------------------------
 * One value
 * ------------------------------------------------------------------------
 */

/*
 * Count one rejected record and keep its reason if there is room (see
 * feed_reject_va).  The path is section[index][.prefix][.key][[sub]].
 * Always returns false.
 */
bool
feed_rec_reject(MapCtx *ctx, const char *prefix, const char *key, int sub,
				const char *fmt,...)
{
	char		path[FEED_REASON_LEN];
	size_t		n;
	va_list		ap;

	n = (size_t) snprintf(path, sizeof(path), "%s[%d]%s%s%s%s",
						  ctx->section, ctx->index,
						  prefix ? "." : "", prefix ? prefix : "",
						  key ? "." : "", key ? key : "");
	if (sub >= 0 && n < sizeof(path))
		snprintf(path + n, sizeof(path) - n, "[%d]", sub);
	va_start(ap, fmt);
	feed_reject_va(ctx->rejects, path, fmt, ap);
	va_end(ap);
	return false;
}

static bool map_fields(MapCtx *ctx, const FieldDesc *fields, int nfields,
					   const cJSON *obj, char *base, const char *prefix);

/* A JSON null for field f: its "absent" value, or a rejection. */
static bool
map_null(MapCtx *ctx, const FieldDesc *f, char *base, const char *prefix)
{
	char	   *dst = base + f->offset;

	if (f->required)
		return feed_rec_reject(ctx, prefix, f->key, -1, "null");
	switch (f->kind)
	{
		case FK_STRING:
			*(const char **) dst = NULL;
			break;
		case FK_INT:
			*(FeedInt *) dst = FEED_NULL_INT;
			break;
		case FK_DOUBLE:
			*(double *) dst = NAN;
			break;
		case FK_TIME:
			*(FeedTime *) dst = FEED_NULL_TIME;
			break;
		case FK_BOOL:
			*(int *) dst = -1;
			break;
		case FK_PLAN:
			*(FeedPlan *) dst = null_plan;
			*(bool *) (base + f->offset2) = false;
			break;
		case FK_TEXT_ATIS:
			*(const char ***) dst = NULL;
			*(int *) (base + f->offset2) = -1;
			break;
		default:
			/* the other kinds are always required */
			return feed_rec_reject(ctx, prefix, f->key, -1, "null");
	}
	return true;
}

/*
 * v is a string without marked escapes (sub: its position in an array, or
 * -1); false (the record counted) when not.
 */
static bool
check_string(MapCtx *ctx, const FieldDesc *f, const cJSON *v,
			 const char *prefix, int sub)
{
	if (!J_IS_STRING(v))
		return feed_rec_reject(ctx, prefix, f->key, sub, "not a string (%s)",
							   feed_json_type_name(v));
	if (ctx->marked && feed_has_mark(v->valuestring))
		return feed_rec_reject(ctx, prefix, f->key, sub,
							   "contains \\u0000 or an unpaired UTF-16 surrogate");
	return true;
}

/* FK_STRING, FK_CALLSIGN, FK_IDENT, FK_TIME */
static bool
map_string(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *dst,
		   const char *prefix)
{
	const char *s;
	size_t		len;
	char		q[FEED_QUOTE_BUF];

	if (!check_string(ctx, f, v, prefix, -1))
		return false;
	s = v->valuestring;
	if (f->kind == FK_TIME)
	{
		switch (feed_read_time(s, (FeedTime *) dst))
		{
			case FEED_TIME_OK:
				return true;
			case FEED_TIME_OUT_OF_RANGE:
				return feed_rec_reject(ctx, prefix, f->key, -1,
									   "\"%s\" is outside the years 1900 to 9999",
									   feed_quote_text(s, q));
			default:
				return feed_rec_reject(ctx, prefix, f->key, -1,
									   "malformed timestamp \"%s\"",
									   feed_quote_text(s, q));
		}
	}
	if (f->kind != FK_STRING && s[0] == '\0')
		return feed_rec_reject(ctx, prefix, f->key, -1, "empty");
	if (f->kind == FK_CALLSIGN && (len = strlen(s)) > FEED_CALLSIGN_MAX)
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%zu bytes, longer than %d",
							   len, FEED_CALLSIGN_MAX);
	*(const char **) dst = s;
	return true;
}

/* FK_CID, FK_REFID, FK_INT */
static bool
map_int(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *dst,
		const char *prefix)
{
	double		d;
	FeedInt32Check rc;

	if (!J_IS_NUMBER(v))
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "not an integer (%s)", feed_json_type_name(v));
	d = v->valuedouble;
	rc = feed_check_int32(d);
	if (rc == FEED_INT32_NOT_INTEGER)
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%.15g is not an integer", d);
	if (rc == FEED_INT32_OUT_OF_RANGE)
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%.15g does not fit int32", d);
	if (f->kind == FK_CID && d < 1)
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%.15g is outside 1..%d", d, INT32_MAX);
	if (f->kind == FK_INT)
		*(FeedInt *) dst = (FeedInt) d;
	else
		*(int32_t *) dst = (int32_t) d;
	return true;
}

/* FK_DOUBLE, FK_LATITUDE, FK_LONGITUDE */
static bool
map_double(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *dst,
		   const char *prefix)
{
	double		d;

	if (!J_IS_NUMBER(v))
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "not a number (%s)", feed_json_type_name(v));
	d = v->valuedouble;
	if (!isfinite(d))
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%g is not a finite number", d);
	if (f->kind == FK_LATITUDE && (d < -90.0 || d > 90.0))
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%.15g is outside -90..90", d);
	if (f->kind == FK_LONGITUDE && (d < -180.0 || d > 180.0))
		return feed_rec_reject(ctx, prefix, f->key, -1,
							   "%.15g is outside -180..180", d);
	*(double *) dst = d;
	return true;
}

/* FK_TEXT_ATIS: the lines go to the section's pointer pool. */
static bool
map_text_atis(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *base,
			  const char *prefix)
{
	const cJSON *line;
	size_t		start = ctx->pool_used;
	int			i = 0;

	if (!J_IS_ARRAY(v))
		return feed_rec_reject(ctx, prefix, f->key, -1, "not an array (%s)",
							   feed_json_type_name(v));
	for (line = v->child; line != NULL; line = line->next, i++)
	{
		if (!check_string(ctx, f, line, prefix, i))
			return false;
		/* cannot happen: the pool was sized by counting */
		if (ctx->pool_used >= ctx->pool_cap)
			return feed_rec_reject(ctx, prefix, f->key, i,
								   "internal error: text_atis pool exhausted");
		ctx->pool[ctx->pool_used++] = line->valuestring;
	}
	*(int *) (base + f->offset2) = i;
	*(const char ***) (base + f->offset) = i > 0 ? &ctx->pool[start] : NULL;
	return true;
}

/* Map one member value; false (and the record counted) when it is bad. */
static bool
map_value(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *base,
		  const char *prefix)
{
	char	   *dst = base + f->offset;

	if (J_IS_NULL(v))
		return map_null(ctx, f, base, prefix);
	switch (f->kind)
	{
		case FK_STRING:
		case FK_CALLSIGN:
		case FK_IDENT:
		case FK_TIME:
			return map_string(ctx, f, v, dst, prefix);
		case FK_CID:
		case FK_REFID:
		case FK_INT:
			return map_int(ctx, f, v, dst, prefix);
		case FK_DOUBLE:
		case FK_LATITUDE:
		case FK_LONGITUDE:
			return map_double(ctx, f, v, dst, prefix);
		case FK_BOOL:
			if (!J_IS_BOOL(v))
				return feed_rec_reject(ctx, prefix, f->key, -1,
									   "not a boolean (%s)",
									   feed_json_type_name(v));
			*(int *) dst = JTYPE(v) == cJSON_True ? 1 : 0;
			return true;
		case FK_PLAN:
			if (!J_IS_OBJECT(v))
				return feed_rec_reject(ctx, prefix, f->key, -1,
									   "not an object (%s)",
									   feed_json_type_name(v));
			*(FeedPlan *) dst = null_plan;
			*(bool *) (base + f->offset2) = true;
			return map_fields(ctx, plan_fields, NFIELDS(plan_fields), v,
							  dst, f->key);
		case FK_TEXT_ATIS:
			return map_text_atis(ctx, f, v, base, prefix);
	}
	return true;
}


/* ------------------------------------------------------------------------
 * Records and sections
 * ------------------------------------------------------------------------
 */

/* strcmp(a, b) == 0 for the short keys of the feed, without a call */
static inline bool
key_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
	{
		a++;
		b++;
	}
	return *a == *b;
}

/* Index of the field named key, searching from *cursor on; -1 if unknown. */
static inline int
find_field(const FieldDesc *fields, int nfields, const char *key,
		   int *cursor)
{
	int			i = *cursor;
	int			n;

	for (n = 0; n < nfields; n++)
	{
		if (key_eq(fields[i].key, key))
		{
			*cursor = (i + 1 == nfields) ? 0 : i + 1;
			return i;
		}
		if (++i == nfields)
			i = 0;
	}
	return -1;
}

/*
 * Map the members of obj onto base according to fields: one pass over the
 * members, then a check that every required field was seen.
 */
static bool
map_fields(MapCtx *ctx, const FieldDesc *fields, int nfields,
		   const cJSON *obj, char *base, const char *prefix)
{
	const cJSON *m;
	uint32_t	seen = 0;
	int			cursor = 0;
	int			i;

	for (m = obj->child; m != NULL; m = m->next)
	{
		if (m->string == NULL)
			continue;
		i = find_field(fields, nfields, m->string, &cursor);
		if (i < 0)
			continue;			/* unknown key */
		if (!map_value(ctx, &fields[i], m, base, prefix))
			return false;
		seen |= (uint32_t) 1 << i;
	}
	for (i = 0; i < nfields; i++)
	{
		if (fields[i].required && !(seen & ((uint32_t) 1 << i)))
			return feed_rec_reject(ctx, prefix, fields[i].key, -1, "missing");
	}
	return true;
}

/* Upper bound of the text_atis lines of one record (all such members). */
static size_t
count_text_atis(const cJSON *obj)
{
	const cJSON *m;
	const cJSON *line;
	size_t		n = 0;

	for (m = obj->child; m != NULL; m = m->next)
	{
		if (m->string != NULL && J_IS_ARRAY(m) &&
			strcmp(m->string, "text_atis") == 0)
		{
			for (line = m->child; line != NULL; line = line->next)
				n++;
		}
	}
	return n;
}

/*
 * Map each element of arr into block (room for all), keeping the good ones
 * together; docidx[k] gets the position in arr of the k-th kept record.
 * Returns how many were kept.
 */
static int
map_records(MapCtx *ctx, const SectionDesc *sd, const cJSON *arr,
			char *block, int *docidx)
{
	const cJSON *el;
	size_t		es = sd->elem_size;
	int			kept = 0;
	int			idx;

	for (el = arr->child, idx = 0; el != NULL; el = el->next, idx++)
	{
		char	   *rec = block + (size_t) kept * es;
		size_t		pool_mark = ctx->pool_used;

		ctx->index = idx;
		if (!J_IS_OBJECT(el))
		{
			feed_rec_reject(ctx, NULL, NULL, -1, "not an object (%s)",
							feed_json_type_name(el));
			continue;
		}
		memcpy(rec, sd->tmpl, es);
		if (sd->has_index)
			*(int *) (rec + sd->index_off) = idx;
		if (!map_fields(ctx, sd->fields, sd->nfields, el, rec, NULL))
		{
			ctx->pool_used = pool_mark;
			continue;
		}
		docidx[kept] = idx;
		kept++;
	}
	return kept;
}

FeedErrorCode
feed_map_section(MapCtx *ctx, const SectionDesc *sd, const cJSON *arr,
				 void **out, int *n_out)
{
	const cJSON *el;
	size_t		n = 0;
	size_t		lines = 0;
	size_t		es = sd->elem_size;
	size_t		scratch_each = sizeof(DedupEntry) + 2 * sizeof(int);
	char	   *block;
	char	   *scratch;
	int		   *winner;
	int			kept;

	*out = NULL;
	*n_out = 0;
	for (el = arr->child; el != NULL; el = el->next)
	{
		n++;
		if (sd->has_text_atis && J_IS_OBJECT(el))
			lines += count_text_atis(el);
	}
	if (n == 0)
		return FEED_OK;
	if (n > INT_MAX ||
		n > (SIZE_MAX / 2) / es ||
		lines > (SIZE_MAX / 2) / sizeof(const char *) ||
		n > SIZE_MAX / scratch_each)
		return FEED_ERR_TOO_LARGE;

	block = cJSON_malloc(n * es + lines * sizeof(const char *));
	if (block == NULL)
		return FEED_ERR_NO_MEMORY;
	/* DedupEntry keys[n], then int winner[n], docidx[n] */
	scratch = cJSON_malloc(n * scratch_each);
	if (scratch == NULL)
	{
		cJSON_free(block);
		return FEED_ERR_NO_MEMORY;
	}
	winner = (int *) (scratch + n * sizeof(DedupEntry));

	ctx->section = sd->name;
	ctx->pool = (const char **) (block + n * es);
	ctx->pool_cap = lines;
	ctx->pool_used = 0;
	kept = map_records(ctx, sd, arr, block, winner + n);
	if (kept > 1)
		kept = feed_dedup_section(ctx, sd, block, kept, (DedupEntry *) scratch,
								  winner, winner + n);
	cJSON_free(scratch);
	ctx->pool = NULL;
	if (kept == 0)
	{
		cJSON_free(block);
		return FEED_OK;
	}
	*out = block;
	*n_out = kept;
	return FEED_OK;
}
