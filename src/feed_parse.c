/*-------------------------------------------------------------------------
 *
 * feed_parse.c
 *		Stage 2 of the pipeline: one VATSIM v3 data-feed document (bytes)
 *		into a FeedDocument (plain C structs, see feed.h).
 *
 * This file owns:
 *	- the document checks done before and around JSON parsing: size limit,
 *	  empty input, UTF-8 validity, NUL bytes, nesting depth (one pre-scan
 *	  pass), JSON syntax (cJSON), trailing garbage, and the shape of the
 *	  top level and of "general" -- any of these refuses the whole document;
 *	- mapping the records of pilots, controllers, atis, prefiles, servers
 *	  and the reference tables onto the structs, with per-record rejection
 *	  (a bad record is skipped and counted in doc->rejects, the document
 *	  goes on);
 *	- duplicate-key resolution within each section (newer last_updated
 *	  wins, otherwise the later record);
 *	- feed_parse_time(), which rounds fractional seconds exactly as
 *	  PostgreSQL's timestamptz input does, and feed_plan_hash(), a stable
 *	  digest of a flight plan.
 *
 * Pure C11 + cJSON: no Postgres headers, so test/unit can test and fuzz it
 * on its own.  Every allocation goes through cJSON (cJSON_malloc or the
 * parser), i.e. through whatever cJSON_InitHooks() installed; each section
 * is a single allocation (controllers and atis carry their text_atis
 * pointer arrays in the tail of the same block), so feed_free() has little
 * to do.
 *
 * Records are mapped by walking an object's members once and looking the
 * key up in a per-section field table (the lookup starts after the last
 * match, so keys in feed order cost one strcmp each).  When a key occurs
 * twice in one object, the last occurrence wins (as in jsonb).  Unknown
 * keys are ignored everywhere.
 *
 * Stricter than cJSON in two small ways: control characters other than
 * JSON white space outside strings are a syntax error (cJSON skips them as
 * white space), and a closing bracket of the wrong kind is never taken for
 * truncation.  cJSON up to 1.7.17 reads one byte past the buffer when the
 * input ends in ',' inside an object; such input is always malformed, and
 * the pre-scan sees that, so malformed input is handed to cJSON as a
 * NUL-terminated copy (error path only).
 *
 * An allocation failure inside cJSON's parser cannot be told apart from a
 * syntax error (cJSON returns NULL for both) and is reported as
 * FEED_ERR_SYNTAX; with palloc hooks an allocation never returns NULL.
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "feed.h"

/* cJSON type tests without a function call each */
#define JTYPE(v)		((v)->type & 0xFF)
#define J_IS_NULL(v)	(JTYPE(v) == cJSON_NULL)
#define J_IS_NUMBER(v)	(JTYPE(v) == cJSON_Number)
#define J_IS_STRING(v)	(JTYPE(v) == cJSON_String)
#define J_IS_ARRAY(v)	(JTYPE(v) == cJSON_Array)
#define J_IS_OBJECT(v)	(JTYPE(v) == cJSON_Object)
#define J_IS_BOOL(v)	(JTYPE(v) == cJSON_True || JTYPE(v) == cJSON_False)

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

typedef enum FieldKind
{
	FK_CID,						/* int32_t, integral, 1..INT32_MAX */
	FK_CALLSIGN,				/* string, 1..FEED_CALLSIGN_MAX bytes */
	FK_IDENT,					/* string, non-empty */
	FK_REFID,					/* int32_t, integral, any int32 */
	FK_STRING,					/* const char *, NULL when null */
	FK_INT,						/* FeedInt: integral, fits int32 */
	FK_DOUBLE,					/* double, finite; NaN when null */
	FK_LATITUDE,				/* double, -90..90 */
	FK_LONGITUDE,				/* double, -180..180 */
	FK_TIME,					/* FeedTime from a timestamp string */
	FK_BOOL,					/* int: -1 null, 0, 1 */
	FK_PLAN,					/* FeedPlan at offset, bool at offset2 */
	FK_TEXT_ATIS				/* const char ** at offset, int at offset2 */
} FieldKind;

typedef struct FieldDesc
{
	const char *key;
	FieldKind	kind;
	bool		required;
	size_t		offset;
	size_t		offset2;
} FieldDesc;

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

/* How a section is mapped and de-duplicated. */
typedef struct SectionDesc
{
	const char *name;
	const FieldDesc *fields;
	int			nfields;
	size_t		elem_size;
	const void *tmpl;
	bool		has_index;		/* struct has "int index" at index_off */
	size_t		index_off;
	bool		key_is_id;		/* dedup on int32_t id, else on a string */
	size_t		key_off;
	const char *key_name;		/* member named in duplicate messages */
	bool		has_updated;	/* FeedTime last_updated at updated_off */
	size_t		updated_off;
	bool		has_text_atis;
} SectionDesc;

static const SectionDesc sec_pilots = {
	"pilots", pilot_fields, NFIELDS(pilot_fields), sizeof(FeedPilot),
	&pilot_template, true, PIF(index), false, PIF(callsign), "callsign",
	true, PIF(last_updated), false
};
static const SectionDesc sec_controllers = {
	"controllers", controller_fields, NFIELDS(controller_fields),
	sizeof(FeedController), &controller_template, true, CF(index),
	false, CF(callsign), "callsign", true, CF(last_updated), true
};
static const SectionDesc sec_atis = {
	"atis", controller_fields, NFIELDS(controller_fields),
	sizeof(FeedController), &controller_template, true, CF(index),
	false, CF(callsign), "callsign", true, CF(last_updated), true
};
static const SectionDesc sec_prefiles = {
	"prefiles", prefile_fields, NFIELDS(prefile_fields), sizeof(FeedPrefile),
	&prefile_template, true, PRF(index), false, PRF(callsign), "callsign",
	true, PRF(last_updated), false
};
static const SectionDesc sec_servers = {
	"servers", server_fields, NFIELDS(server_fields), sizeof(FeedServer),
	&server_template, true, SF(index), false, SF(ident), "ident",
	false, 0, false
};
static const SectionDesc sec_facilities = {
	"facilities", ref_short_fields, NFIELDS(ref_short_fields),
	sizeof(FeedRef), &ref_template, false, 0, true, offsetof(FeedRef, id),
	"id", false, 0, false
};
static const SectionDesc sec_ratings = {
	"ratings", ref_short_fields, NFIELDS(ref_short_fields),
	sizeof(FeedRef), &ref_template, false, 0, true, offsetof(FeedRef, id),
	"id", false, 0, false
};
static const SectionDesc sec_pilot_ratings = {
	"pilot_ratings", ref_name_fields, NFIELDS(ref_name_fields),
	sizeof(FeedRef), &ref_template, false, 0, true, offsetof(FeedRef, id),
	"id", false, 0, false
};
static const SectionDesc sec_military_ratings = {
	"military_ratings", ref_name_fields, NFIELDS(ref_name_fields),
	sizeof(FeedRef), &ref_template, false, 0, true, offsetof(FeedRef, id),
	"id", false, 0, false
};


/* ------------------------------------------------------------------------
 * Small helpers (the feed_ ones are shared with transceivers_parse.c and
 * geometry.c through feed.h)
 * ------------------------------------------------------------------------
 */

/* "boolean", "null", "number", "string", "array", "object" */
const char *
feed_json_type_name(const cJSON *v)
{
	switch (JTYPE(v))
	{
		case cJSON_False:
		case cJSON_True:
			return "boolean";
		case cJSON_NULL:
			return "null";
		case cJSON_Number:
			return "number";
		case cJSON_String:
			return "string";
		case cJSON_Array:
			return "array";
		case cJSON_Object:
			return "object";
		default:
			return "invalid value";
	}
}

/* "an array", "a string", "null" */
const char *
feed_json_type_phrase(const cJSON *v)
{
	switch (JTYPE(v))
	{
		case cJSON_False:
		case cJSON_True:
			return "a boolean";
		case cJSON_NULL:
			return "null";
		case cJSON_Number:
			return "a number";
		case cJSON_String:
			return "a string";
		case cJSON_Array:
			return "an array";
		case cJSON_Object:
			return "an object";
		default:
			return "an invalid value";
	}
}

/*
 * Copy at most FEED_QUOTE_MAX bytes of s into buf for quoting in a message:
 * cut on a UTF-8 character boundary, control characters shown as '?',
 * "..." appended when cut.  buf must hold FEED_QUOTE_BUF bytes.
 */
const char *
feed_quote_text(const char *s, char *buf)
{
	size_t		n = 0;
	size_t		len;

	if (s == NULL)
		return "";
	len = strlen(s);
	if (len > FEED_QUOTE_MAX)
	{
		n = FEED_QUOTE_MAX;
		/* back off over continuation bytes to a character start */
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
	}
	else
		n = len;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (len = 0; len < n; len++)
	{
		if ((unsigned char) buf[len] < 0x20 || buf[len] == 0x7F)
			buf[len] = '?';
	}
	if (n < strlen(s))
		memcpy(buf + n, "...", 4);
	return buf;
}

bool
feed_is_integer(double d)
{
	return isfinite(d) && d == floor(d);
}

FeedInt32Check
feed_check_int32(double d)
{
	if (!feed_is_integer(d))
		return FEED_INT32_NOT_INTEGER;
	if (d < (double) INT32_MIN || d > (double) INT32_MAX)
		return FEED_INT32_OUT_OF_RANGE;
	return FEED_INT32_OK;
}

bool
feed_error(FeedError *err, FeedErrorCode code, const char *path,
		   size_t offset, const char *fmt,...)
{
	va_list		ap;

	err->code = code;
	snprintf(err->path, sizeof(err->path), "%s", path);
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

bool
feed_reject_va(FeedRejects *r, const char *path, const char *fmt, va_list ap)
{
	char	   *buf;
	size_t		n;

	r->count++;
	if (r->n_reasons >= FEED_MAX_REASONS)
		return false;
	buf = r->reasons[r->n_reasons++];
	n = (size_t) snprintf(buf, FEED_REASON_LEN, "%s: ", path);
	if (n < FEED_REASON_LEN)
		vsnprintf(buf + n, FEED_REASON_LEN - n, fmt, ap);
	return false;
}


/* ------------------------------------------------------------------------
 * Record mapping
 * ------------------------------------------------------------------------
 */

typedef struct MapCtx
{
	FeedRejects *rejects;
	const char *section;
	int			index;			/* position of the record in its array */
	const char **pool;			/* text_atis pointers of this section */
	size_t		pool_used;
	size_t		pool_cap;
} MapCtx;

static bool rec_reject(MapCtx *ctx, const char *prefix, const char *key,
					   int sub, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));

/*
 * Count one rejected record and keep its reason if there is room (see
 * feed_reject_va).  The path is section[index][.prefix][.key][[sub]].
 * Always returns false.
 */
static bool
rec_reject(MapCtx *ctx, const char *prefix, const char *key, int sub,
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

/* Map one member value; false (and the record counted) when it is bad. */
static bool
map_value(MapCtx *ctx, const FieldDesc *f, const cJSON *v, char *base,
		  const char *prefix)
{
	char	   *dst = base + f->offset;
	char		q[FEED_QUOTE_BUF];
	double		d;
	FeedInt32Check rc;

	if (J_IS_NULL(v))
	{
		if (f->required)
			return rec_reject(ctx, prefix, f->key, -1, "null");
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
				return rec_reject(ctx, prefix, f->key, -1, "null");
		}
		return true;
	}

	switch (f->kind)
	{
		case FK_STRING:
			if (!J_IS_STRING(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not a string (%s)", feed_json_type_name(v));
			*(const char **) dst = v->valuestring;
			return true;

		case FK_CALLSIGN:
		case FK_IDENT:
			if (!J_IS_STRING(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not a string (%s)", feed_json_type_name(v));
			if (v->valuestring[0] == '\0')
				return rec_reject(ctx, prefix, f->key, -1, "empty");
			if (f->kind == FK_CALLSIGN)
			{
				size_t		len = strlen(v->valuestring);

				if (len > FEED_CALLSIGN_MAX)
					return rec_reject(ctx, prefix, f->key, -1,
									  "%zu bytes, longer than %d",
									  len, FEED_CALLSIGN_MAX);
			}
			*(const char **) dst = v->valuestring;
			return true;

		case FK_CID:
		case FK_REFID:
		case FK_INT:
			if (!J_IS_NUMBER(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not an integer (%s)", feed_json_type_name(v));
			d = v->valuedouble;
			rc = feed_check_int32(d);
			if (rc == FEED_INT32_NOT_INTEGER)
				return rec_reject(ctx, prefix, f->key, -1,
								  "%.15g is not an integer", d);
			if (rc == FEED_INT32_OUT_OF_RANGE)
				return rec_reject(ctx, prefix, f->key, -1,
								  "%.15g does not fit int32", d);
			if (f->kind == FK_CID)
			{
				if (d < 1)
					return rec_reject(ctx, prefix, f->key, -1,
									  "%.15g is outside 1..%d", d, INT32_MAX);
				*(int32_t *) dst = (int32_t) d;
			}
			else if (f->kind == FK_REFID)
				*(int32_t *) dst = (int32_t) d;
			else
				*(FeedInt *) dst = (FeedInt) d;
			return true;

		case FK_DOUBLE:
		case FK_LATITUDE:
		case FK_LONGITUDE:
			if (!J_IS_NUMBER(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not a number (%s)", feed_json_type_name(v));
			d = v->valuedouble;
			if (!isfinite(d))
				return rec_reject(ctx, prefix, f->key, -1,
								  "%g is not a finite number", d);
			if (f->kind == FK_LATITUDE && (d < -90.0 || d > 90.0))
				return rec_reject(ctx, prefix, f->key, -1,
								  "%.15g is outside -90..90", d);
			if (f->kind == FK_LONGITUDE && (d < -180.0 || d > 180.0))
				return rec_reject(ctx, prefix, f->key, -1,
								  "%.15g is outside -180..180", d);
			*(double *) dst = d;
			return true;

		case FK_TIME:
			if (!J_IS_STRING(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not a string (%s)", feed_json_type_name(v));
			if (!feed_parse_time(v->valuestring, (FeedTime *) dst))
				return rec_reject(ctx, prefix, f->key, -1,
								  "malformed timestamp \"%s\"",
								  feed_quote_text(v->valuestring, q));
			return true;

		case FK_BOOL:
			if (!J_IS_BOOL(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not a boolean (%s)", feed_json_type_name(v));
			*(int *) dst = JTYPE(v) == cJSON_True ? 1 : 0;
			return true;

		case FK_PLAN:
			if (!J_IS_OBJECT(v))
				return rec_reject(ctx, prefix, f->key, -1,
								  "not an object (%s)", feed_json_type_name(v));
			*(FeedPlan *) dst = null_plan;
			*(bool *) (base + f->offset2) = true;
			return map_fields(ctx, plan_fields, NFIELDS(plan_fields), v,
							  dst, f->key);

		case FK_TEXT_ATIS:
			{
				const cJSON *line;
				size_t		start = ctx->pool_used;
				int			i = 0;

				if (!J_IS_ARRAY(v))
					return rec_reject(ctx, prefix, f->key, -1,
									  "not an array (%s)",
									  feed_json_type_name(v));
				for (line = v->child; line != NULL; line = line->next, i++)
				{
					if (!J_IS_STRING(line))
						return rec_reject(ctx, prefix, f->key, i,
										  "not a string (%s)",
										  feed_json_type_name(line));
					/* cannot happen: the pool was sized by counting */
					if (ctx->pool_used >= ctx->pool_cap)
						return rec_reject(ctx, prefix, f->key, i,
										  "internal error: text_atis pool exhausted");
					ctx->pool[ctx->pool_used++] = line->valuestring;
				}
				*(int *) (base + f->offset2) = i;
				*(const char ***) dst = i > 0 ? &ctx->pool[start] : NULL;
				return true;
			}
	}
	return true;
}

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
			return rec_reject(ctx, prefix, fields[i].key, -1, "missing");
	}
	return true;
}


/* ------------------------------------------------------------------------
 * Sections and duplicates
 * ------------------------------------------------------------------------
 */

typedef struct DedupEntry
{
	uint64_t	prefix;			/* first 8 bytes of skey, big-endian */
	const char *skey;			/* string key, or NULL */
	int32_t		ikey;			/* id key */
	int			slot;			/* position in the mapped array */
} DedupEntry;

/*
 * The first 8 bytes of s (NUL-padded) as a number that orders like strcmp:
 * most keys (callsigns) differ within them, so the sort seldom has to look
 * at the strings.
 */
static inline uint64_t
key_prefix(const char *s)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
	{
		v <<= 8;
		if (*s != '\0')
			v |= (unsigned char) *s++;
	}
	return v;
}

/* strcmp order of the keys (ties: slot) */
static int
cmp_dedup_str(const void *a, const void *b)
{
	const DedupEntry *x = a;
	const DedupEntry *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	/* equal prefixes: equal strings unless both go on past 8 bytes */
	if ((x->prefix & 0xFF) != 0)
	{
		int			c = strcmp(x->skey + 8, y->skey + 8);

		if (c != 0)
			return c;
	}
	return (x->slot > y->slot) - (x->slot < y->slot);
}

static inline bool
same_key(const SectionDesc *sd, const DedupEntry *x, const DedupEntry *y)
{
	if (sd->key_is_id)
		return x->ikey == y->ikey;
	return x->prefix == y->prefix &&
		((x->prefix & 0xFF) == 0 || strcmp(x->skey + 8, y->skey + 8) == 0);
}

static int
cmp_dedup_id(const void *a, const void *b)
{
	const DedupEntry *x = a;
	const DedupEntry *y = b;

	if (x->ikey != y->ikey)
		return x->ikey < y->ikey ? -1 : 1;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

static inline FeedTime
rec_updated(const SectionDesc *sd, const char *rec)
{
	return sd->has_updated ? *(const FeedTime *) (rec + sd->updated_off)
		: FEED_NULL_TIME;
}

/*
 * Resolve repeated keys among the n mapped records in block: per key the
 * record with the newer last_updated is kept (tie or either absent: the
 * later one), the others are counted as rejected.  Survivors are moved
 * together, in document order.  keys, winner and docidx are scratch arrays
 * of n entries; docidx[slot] is the record's position in the document.
 * Returns the number of records kept.
 */
static int
dedup_section(MapCtx *ctx, const SectionDesc *sd, char *block, int n,
			  DedupEntry *keys, int *winner, const int *docidx)
{
	size_t		es = sd->elem_size;
	int			a;
	int			b;
	int			i;
	int			out;
	bool		any = false;

	for (i = 0; i < n; i++)
	{
		const char *rec = block + (size_t) i * es;

		keys[i].slot = i;
		if (sd->key_is_id)
		{
			keys[i].prefix = 0;
			keys[i].skey = NULL;
			keys[i].ikey = *(const int32_t *) (rec + sd->key_off);
		}
		else
		{
			keys[i].skey = *(const char *const *) (rec + sd->key_off);
			keys[i].prefix = key_prefix(keys[i].skey);
			keys[i].ikey = 0;
		}
		winner[i] = -1;
	}
	qsort(keys, (size_t) n, sizeof(DedupEntry),
		  sd->key_is_id ? cmp_dedup_id : cmp_dedup_str);

	for (a = 0; a < n; a = b)
	{
		int			w = a;

		for (b = a + 1; b < n; b++)
		{
			FeedTime	tb;
			FeedTime	tw;

			if (!same_key(sd, &keys[a], &keys[b]))
				break;
			/* keys[b] is later in the document than the current winner */
			tb = rec_updated(sd, block + (size_t) keys[b].slot * es);
			tw = rec_updated(sd, block + (size_t) keys[w].slot * es);
			if (!(tb != FEED_NULL_TIME && tw != FEED_NULL_TIME && tb < tw))
				w = b;
		}
		if (b - a > 1)
		{
			any = true;
			for (i = a; i < b; i++)
				winner[keys[i].slot] = (i == w) ? -1 : keys[w].slot;
		}
	}
	if (!any)
		return n;

	/* reasons in document order (nothing moved yet) */
	for (i = 0; i < n; i++)
	{
		const char *rec = block + (size_t) i * es;

		if (winner[i] >= 0)
		{
			const char *wrec = block + (size_t) winner[i] * es;
			FeedTime	tl = rec_updated(sd, rec);
			FeedTime	tw = rec_updated(sd, wrec);
			const char *why;
			char		q[FEED_QUOTE_BUF];

			why = (tl != FEED_NULL_TIME && tw != FEED_NULL_TIME && tw > tl)
				? "kept the newer last_updated" : "kept the later one";
			ctx->index = docidx[i];
			if (sd->key_is_id)
				rec_reject(ctx, NULL, sd->key_name, -1,
						   "%d duplicate of %s[%d], %s",
						   (int) *(const int32_t *) (rec + sd->key_off),
						   sd->name, docidx[winner[i]], why);
			else
			{
				const char *key = *(const char *const *) (rec + sd->key_off);

				rec_reject(ctx, NULL, sd->key_name, -1,
						   "\"%s\" duplicate of %s[%d], %s",
						   feed_quote_text(key, q), sd->name, docidx[winner[i]],
						   why);
			}
		}
	}

	/* then close the gaps, keeping document order */
	out = 0;
	for (i = 0; i < n; i++)
	{
		if (winner[i] >= 0)
			continue;
		if (out != i)
			memcpy(block + (size_t) out * es, block + (size_t) i * es, es);
		out++;
	}
	return out;
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
 * Map the array arr of section sd into one cJSON_malloc'd block (*out, NULL
 * when no record survives) of *n_out records.  Returns FEED_OK or
 * FEED_ERR_NO_MEMORY / FEED_ERR_TOO_LARGE (nothing allocated then).
 */
static FeedErrorCode
map_section(MapCtx *ctx, const SectionDesc *sd, const cJSON *arr,
			void **out, int *n_out)
{
	const cJSON *el;
	size_t		n = 0;
	size_t		lines = 0;
	size_t		es = sd->elem_size;
	size_t		scratch_each;
	char	   *block;
	char	   *scratch;
	DedupEntry *keys;
	int		   *winner;
	int		   *docidx;
	int			kept = 0;
	int			idx;

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
	scratch_each = sizeof(DedupEntry) + 2 * sizeof(int);
	if (n > INT_MAX ||
		n > (SIZE_MAX / 2) / es ||
		lines > (SIZE_MAX / 2) / sizeof(const char *) ||
		n > SIZE_MAX / scratch_each)
		return FEED_ERR_TOO_LARGE;

	block = cJSON_malloc(n * es + lines * sizeof(const char *));
	if (block == NULL)
		return FEED_ERR_NO_MEMORY;
	scratch = cJSON_malloc(n * scratch_each);
	if (scratch == NULL)
	{
		cJSON_free(block);
		return FEED_ERR_NO_MEMORY;
	}
	keys = (DedupEntry *) scratch;
	winner = (int *) (scratch + n * sizeof(DedupEntry));
	docidx = winner + n;

	ctx->section = sd->name;
	ctx->pool = (const char **) (block + n * es);
	ctx->pool_cap = lines;
	ctx->pool_used = 0;

	for (el = arr->child, idx = 0; el != NULL; el = el->next, idx++)
	{
		char	   *rec = block + (size_t) kept * es;
		size_t		pool_mark = ctx->pool_used;

		ctx->index = idx;
		if (!J_IS_OBJECT(el))
		{
			rec_reject(ctx, NULL, NULL, -1, "not an object (%s)",
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

	if (kept > 1)
		kept = dedup_section(ctx, sd, block, kept, keys, winner, docidx);
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


/* ------------------------------------------------------------------------
 * Pre-scan: UTF-8, NUL bytes, nesting depth
 * ------------------------------------------------------------------------
 */

typedef struct ScanResult
{
	FeedErrorCode code;			/* FEED_OK, ENCODING, TOO_DEEP, SYNTAX */
	size_t		offset;
	const char *what;
	bool		open_at_end;	/* input ends inside a string or container */
	bool		mismatch;		/* a closing bracket of the wrong kind */
} ScanResult;

/* Bytes that end a run of plain characters inside a string. */
static const bool str_special[128] = {
	[0] = true,['"'] = true,['\\'] = true,
};

/*
 * Bytes outside strings that the pre-scan must look at: structure, string
 * starts, and control characters other than JSON white space.
 */
static const bool out_special[128] = {
	[0] = true,[1] = true,[2] = true,[3] = true,[4] = true,[5] = true,
	[6] = true,[7] = true,[8] = true,[11] = true,[12] = true,[14] = true,
	[15] = true,[16] = true,[17] = true,[18] = true,[19] = true,[20] = true,
	[21] = true,[22] = true,[23] = true,[24] = true,[25] = true,[26] = true,
	[27] = true,[28] = true,[29] = true,[30] = true,[31] = true,
	['"'] = true,['['] = true,['{'] = true,[']'] = true,['}'] = true,
};

/*
 * Word-at-a-time test: nonzero iff some byte of w is zero, and the lowest
 * set bit marks the first zero byte exactly.
 */
#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH UINT64_C(0x8080808080808080)
static inline uint64_t
swar_zero(uint64_t w)
{
	return (w - SWAR_ONES) & ~w & SWAR_HIGH;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_FIRST_BYTE(m) ((size_t) __builtin_ctzll(m) >> 3)
#endif

/*
 * Number of plain bytes at the start of s[0..avail) inside a string: bytes
 * other than '"', '\\', NUL and >= 0x80.  Eight at a time where possible.
 */
static inline size_t
string_run(const unsigned char *s, size_t avail)
{
	size_t		i = 0;

	while (i + 8 <= avail)
	{
		uint64_t	w;
		uint64_t	m;

		memcpy(&w, s + i, 8);
		m = (w & SWAR_HIGH) | swar_zero(w) |
			swar_zero(w ^ (SWAR_ONES * '"')) |
			swar_zero(w ^ (SWAR_ONES * '\\'));
		if (m != 0)
		{
#ifdef SWAR_FIRST_BYTE
			return i + SWAR_FIRST_BYTE(m);
#else
			break;
#endif
		}
		i += 8;
	}
	while (i < avail && s[i] < 0x80 && !str_special[s[i]])
		i++;
	return i;
}

/*
 * Length of the valid UTF-8 sequence starting at p (p[0] >= 0x80), avail
 * bytes being readable; 0 with *why set when invalid.
 */
static size_t
utf8_sequence(const unsigned char *p, size_t avail, const char **why)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t		need;
	size_t		k;

	if (c < 0xC0)
	{
		*why = "unexpected continuation byte";
		return 0;
	}
	if (c < 0xC2)
	{
		*why = "overlong encoding";
		return 0;
	}
	if (c < 0xE0)
		need = 1;
	else if (c < 0xF0)
	{
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c < 0xF5)
	{
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
	{
		*why = c < 0xF8 ? "code point above U+10FFFF" : "invalid byte";
		return 0;
	}

	if (avail < 2 || p[1] < 0x80 || p[1] > 0xBF)
	{
		*why = "truncated sequence";
		return 0;
	}
	if (p[1] < lo)
	{
		*why = "overlong encoding";
		return 0;
	}
	if (p[1] > hi)
	{
		*why = c == 0xED ? "UTF-16 surrogate" : "code point above U+10FFFF";
		return 0;
	}
	for (k = 2; k <= need; k++)
	{
		if (k >= avail || p[k] < 0x80 || p[k] > 0xBF)
		{
			*why = "truncated sequence";
			return 0;
		}
	}
	return need + 1;
}

/*
 * One pass over s[start..len): validates UTF-8 (everywhere), rejects NUL
 * bytes and control characters outside strings, and tracks the nesting of
 * [ and { outside strings.  Stops at the first encoding or depth error.
 */
static void
prescan(const unsigned char *s, size_t len, size_t start, ScanResult *r)
{
	size_t		i = start;
	size_t		n;
	size_t		ctrl_at = SIZE_MAX;
	int			depth = 0;
	bool		in_string = false;
	unsigned char c;

	/* one bit per open level: 1 for '[', 0 for '{' */
	uint64_t	kinds[(CJSON_NESTING_LIMIT + 64) / 64];

	r->code = FEED_OK;
	r->offset = 0;
	r->what = NULL;
	r->mismatch = false;

	while (i < len)
	{
		c = s[i];
		if (c < 0x80 && !out_special[c])
		{
			/* digits, letters, white space, ',' and ':' */
			i++;
			continue;
		}
		if (c >= 0x80)
		{
			n = utf8_sequence(s + i, len - i, &r->what);
			if (n == 0)
				goto encoding;
			i += n;
			continue;
		}
		switch (c)
		{
			case '"':
				i++;
				for (;;)
				{
					i += string_run(s + i, len - i);
					if (i >= len)
					{
						in_string = true;
						goto done;
					}
					c = s[i];
					if (c == '"')
					{
						i++;
						break;
					}
					if (c == '\\')
					{
						/* skip the escaped character unless it needs checks */
						if (i + 1 < len && s[i + 1] != 0 && s[i + 1] < 0x80)
							i += 2;
						else
							i++;
						continue;
					}
					if (c == 0)
					{
						r->what = "NUL byte";
						goto encoding;
					}
					n = utf8_sequence(s + i, len - i, &r->what);
					if (n == 0)
						goto encoding;
					i += n;
				}
				continue;
			case '[':
			case '{':
				if (depth >= CJSON_NESTING_LIMIT)
				{
					r->code = FEED_ERR_TOO_DEEP;
					r->offset = i;
					return;
				}
				if (c == '[')
					kinds[depth / 64] |= UINT64_C(1) << (depth % 64);
				else
					kinds[depth / 64] &= ~(UINT64_C(1) << (depth % 64));
				depth++;
				break;
			case ']':
			case '}':
				if (depth == 0)
					r->mismatch = true;
				else
				{
					depth--;
					if (((kinds[depth / 64] >> (depth % 64)) & 1) != (c == ']'))
						r->mismatch = true;
				}
				break;
			case 0:
				r->what = "NUL byte";
				goto encoding;
			default:
				/* control characters; cJSON would skip them as white space */
				if (ctrl_at == SIZE_MAX)
					ctrl_at = i;
				break;
		}
		i++;
	}

done:
	r->open_at_end = in_string || depth > 0;
	if (ctrl_at != SIZE_MAX)
	{
		r->code = FEED_ERR_SYNTAX;
		r->offset = ctrl_at;
		r->what = "control character outside a string";
	}
	return;

encoding:
	r->code = FEED_ERR_ENCODING;
	r->offset = i;
	r->open_at_end = false;
}

/*
 * Offset of the last structural character ([ ] { } , :) outside strings or
 * of the last string's opening quote (error path only: tells a truncated
 * document from one with a syntax error earlier on).
 */
static size_t
last_token(const unsigned char *s, size_t len)
{
	size_t		i = 0;
	size_t		last = 0;

	while (i < len)
	{
		switch (s[i])
		{
			case '"':
				last = i++;
				while (i < len && s[i] != '"')
					i += (s[i] == '\\') ? 2 : 1;
				break;
			case '[':
			case ']':
			case '{':
			case '}':
			case ',':
			case ':':
				last = i;
				break;
			default:
				break;
		}
		i++;
	}
	return last;
}

static inline bool
is_json_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


/* ------------------------------------------------------------------------
 * general and the top level
 * ------------------------------------------------------------------------
 */

/* An optional integer of "general"; false (err filled) when bad. */
static bool
general_int(const cJSON *v, const char *path, FeedInt *out, FeedError *err)
{
	if (J_IS_NULL(v))
	{
		*out = FEED_NULL_INT;
		return true;
	}
	if (!J_IS_NUMBER(v))
		return feed_error(err, FEED_ERR_WRONG_TYPE, path, 0,
						  "%s is %s, not an integer", path,
						  feed_json_type_phrase(v));
	if (feed_check_int32(v->valuedouble) != FEED_INT32_OK)
		return feed_error(err, FEED_ERR_WRONG_TYPE, path, 0,
						  "%s is %.15g, not an integer that fits int32",
						  path, v->valuedouble);
	*out = (FeedInt) v->valuedouble;
	return true;
}

static bool
map_general(const cJSON *g, FeedGeneral *gen, FeedError *err)
{
	const cJSON *m;
	const cJSON *ts = NULL;
	char		q[FEED_QUOTE_BUF];

	gen->version = FEED_NULL_INT;
	gen->reload = FEED_NULL_INT;
	gen->update = NULL;
	gen->update_timestamp = FEED_NULL_TIME;
	gen->connected_clients = FEED_NULL_INT;
	gen->unique_users = FEED_NULL_INT;

	for (m = g->child; m != NULL; m = m->next)
	{
		const char *k = m->string;

		if (k == NULL)
			continue;
		if (strcmp(k, "version") == 0)
		{
			if (!general_int(m, "general.version", &gen->version, err))
				return false;
		}
		else if (strcmp(k, "reload") == 0)
		{
			if (!general_int(m, "general.reload", &gen->reload, err))
				return false;
		}
		else if (strcmp(k, "connected_clients") == 0)
		{
			if (!general_int(m, "general.connected_clients",
							 &gen->connected_clients, err))
				return false;
		}
		else if (strcmp(k, "unique_users") == 0)
		{
			if (!general_int(m, "general.unique_users",
							 &gen->unique_users, err))
				return false;
		}
		else if (strcmp(k, "update") == 0)
		{
			if (J_IS_NULL(m))
				gen->update = NULL;
			else if (J_IS_STRING(m))
				gen->update = m->valuestring;
			else
				return feed_error(err, FEED_ERR_WRONG_TYPE, "general.update", 0,
								  "general.update is %s, not a string",
								  feed_json_type_phrase(m));
		}
		else if (strcmp(k, "update_timestamp") == 0)
			ts = m;
	}

	if (ts == NULL)
		return feed_error(err, FEED_ERR_MISSING, "general.update_timestamp", 0,
						  "required member general.update_timestamp is missing");
	if (!J_IS_STRING(ts))
		return feed_error(err, FEED_ERR_WRONG_TYPE, "general.update_timestamp",
						  0, "general.update_timestamp is %s, not a string",
						  feed_json_type_phrase(ts));
	if (!feed_parse_time(ts->valuestring, &gen->update_timestamp))
		return feed_error(err, FEED_ERR_BAD_TIMESTAMP,
						  "general.update_timestamp", 0,
						  "general.update_timestamp \"%s\" is not a timestamp like 2023-08-07T23:29:29.8856438Z",
						  feed_quote_text(ts->valuestring, q));
	return true;
}

/* Top-level members we look at, in order of checking. */
enum
{
	TL_GENERAL,
	TL_PILOTS,
	TL_CONTROLLERS,
	TL_ATIS,
	TL_PREFILES,
	TL_SERVERS,
	TL_FACILITIES,
	TL_RATINGS,
	TL_PILOT_RATINGS,
	TL_MILITARY_RATINGS,
	TL_N
};

static const char *const tl_names[TL_N] = {
	"general", "pilots", "controllers", "atis", "prefiles", "servers",
	"facilities", "ratings", "pilot_ratings", "military_ratings"
};

/*
 * Parse text[start..len) (text[start] is not white space) into a cJSON
 * tree of any type, or fill err: pre-scan, cJSON, trailing data.
 */
static cJSON *
parse_json(const char *text, size_t len, size_t start, FeedError *err)
{
	ScanResult	scan;
	cJSON	   *root;
	const char *end = NULL;
	const char *buf = text;
	char	   *copy = NULL;
	size_t		off;

	prescan((const unsigned char *) text, len, start, &scan);
	if (scan.code == FEED_ERR_ENCODING)
	{
		if (strcmp(scan.what, "NUL byte") == 0)
			feed_error(err, FEED_ERR_ENCODING, "", scan.offset,
					   "NUL byte at byte %zu", scan.offset);
		else
			feed_error(err, FEED_ERR_ENCODING, "", scan.offset,
					   "invalid UTF-8 at byte %zu (%s)", scan.offset,
					   scan.what);
		return NULL;
	}
	if (scan.code == FEED_ERR_TOO_DEEP)
	{
		feed_error(err, FEED_ERR_TOO_DEEP, "", scan.offset,
				   "nesting deeper than %d levels at byte %zu",
				   CJSON_NESTING_LIMIT, scan.offset);
		return NULL;
	}
	if (scan.code == FEED_ERR_SYNTAX)
	{
		feed_error(err, FEED_ERR_SYNTAX, "", scan.offset,
				   "invalid JSON at byte %zu (%s)", scan.offset, scan.what);
		return NULL;
	}

	/*
	 * A document that ends inside a string or container, or closes a
	 * bracket of the wrong kind, cannot be valid.  cJSON (before 1.7.18)
	 * may then read one byte past the end (a ',' as the last byte inside an
	 * object), so let it parse a NUL-terminated copy: error path only.
	 */
	if (scan.open_at_end || scan.mismatch)
	{
		copy = cJSON_malloc(len + 1);
		if (copy == NULL)
		{
			feed_error(err, FEED_ERR_NO_MEMORY, "", 0,
					   "out of memory copying a %zu-byte document", len);
			return NULL;
		}
		memcpy(copy, text, len);
		copy[len] = '\0';
		buf = copy;
	}

	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL)
	{
		off = (end != NULL && end >= buf) ? (size_t) (end - buf) : 0;
		if (copy != NULL)
			cJSON_free(copy);
		if (scan.open_at_end && !scan.mismatch &&
			off >= last_token((const unsigned char *) text, len))
			feed_error(err, FEED_ERR_SYNTAX, "", off,
					   "unexpected end of input (truncated document?)");
		else
			feed_error(err, FEED_ERR_SYNTAX, "", off,
					   "invalid JSON at byte %zu", off);
		return NULL;
	}
	/* the tree owns copies of all strings: the buffer can go */
	off = (size_t) (end - buf);
	if (copy != NULL)
		cJSON_free(copy);
	while (off < len && is_json_space((unsigned char) text[off]))
		off++;
	if (off < len)
	{
		cJSON_Delete(root);
		feed_error(err, FEED_ERR_SYNTAX, "", off,
				   "unexpected data after the JSON value at byte %zu", off);
		return NULL;
	}
	return root;
}


/* ------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------
 */

/* The size and empty checks, parse_json, the top level's type (see feed.h). */
cJSON *
feed_parse_root(const char *text, size_t len, size_t max_bytes,
				bool want_array, FeedError *err)
{
	cJSON	   *root;
	size_t		start;

	if (max_bytes > 0 && len > max_bytes)
	{
		feed_error(err, FEED_ERR_TOO_LARGE, "", 0,
				   "document is %zu bytes, more than the limit of %zu",
				   len, max_bytes);
		return NULL;
	}
	if (text == NULL || len == 0)
	{
		feed_error(err, FEED_ERR_EMPTY, "", 0, "document is empty");
		return NULL;
	}
	for (start = 0; start < len; start++)
	{
		if (!is_json_space((unsigned char) text[start]))
			break;
	}
	if (start == len)
	{
		feed_error(err, FEED_ERR_EMPTY, "", 0,
				   "document contains only white space");
		return NULL;
	}
	root = parse_json(text, len, start, err);
	if (root != NULL && (want_array ? !J_IS_ARRAY(root) : !J_IS_OBJECT(root)))
	{
		feed_error(err, FEED_ERR_NOT_OBJECT, "", 0, "top level is %s, not %s",
				   feed_json_type_phrase(root),
				   want_array ? "an array" : "an object");
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

bool
feed_parse(const char *text, size_t len, size_t max_bytes,
		   FeedDocument *doc, FeedError *err)
{
	FeedError	dummy;
	cJSON	   *root;
	const cJSON *tl[TL_N];
	const cJSON *m;
	MapCtx		ctx;
	FeedErrorCode rc;
	int			i;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	memset(doc, 0, sizeof(*doc));

	root = feed_parse_root(text, len, max_bytes, false, err);
	if (root == NULL)
		return false;
	doc->json = root;

	for (i = 0; i < TL_N; i++)
		tl[i] = NULL;
	for (m = root->child; m != NULL; m = m->next)
	{
		if (m->string == NULL)
			continue;
		for (i = 0; i < TL_N; i++)
		{
			if (strcmp(m->string, tl_names[i]) == 0)
			{
				tl[i] = m;
				break;
			}
		}
	}

	/* document-level shape */
	if (tl[TL_GENERAL] == NULL)
	{
		feed_error(err, FEED_ERR_MISSING, "general", 0,
				   "required member general is missing");
		goto fail;
	}
	if (!J_IS_OBJECT(tl[TL_GENERAL]))
	{
		feed_error(err, FEED_ERR_WRONG_TYPE, "general", 0,
				   "general is %s, not an object",
				   feed_json_type_phrase(tl[TL_GENERAL]));
		goto fail;
	}
	if (!map_general(tl[TL_GENERAL], &doc->general, err))
		goto fail;
	for (i = TL_PILOTS; i < TL_N; i++)
	{
		bool		required = i <= TL_SERVERS;

		if (tl[i] == NULL)
		{
			if (!required)
				continue;
			feed_error(err, FEED_ERR_MISSING, tl_names[i], 0,
					   "required member %s is missing", tl_names[i]);
			goto fail;
		}
		if (!J_IS_ARRAY(tl[i]))
		{
			feed_error(err, FEED_ERR_WRONG_TYPE, tl_names[i], 0,
					   "%s is %s, not an array", tl_names[i],
					   feed_json_type_phrase(tl[i]));
			goto fail;
		}
	}

	/* records */
	memset(&ctx, 0, sizeof(ctx));
	ctx.rejects = &doc->rejects;
	rc = map_section(&ctx, &sec_pilots, tl[TL_PILOTS],
					 (void **) &doc->pilots, &doc->n_pilots);
	if (rc == FEED_OK)
		rc = map_section(&ctx, &sec_controllers, tl[TL_CONTROLLERS],
						 (void **) &doc->controllers, &doc->n_controllers);
	if (rc == FEED_OK)
		rc = map_section(&ctx, &sec_atis, tl[TL_ATIS],
						 (void **) &doc->atis, &doc->n_atis);
	if (rc == FEED_OK)
		rc = map_section(&ctx, &sec_prefiles, tl[TL_PREFILES],
						 (void **) &doc->prefiles, &doc->n_prefiles);
	if (rc == FEED_OK)
		rc = map_section(&ctx, &sec_servers, tl[TL_SERVERS],
						 (void **) &doc->servers, &doc->n_servers);
	if (rc == FEED_OK && tl[TL_FACILITIES] != NULL)
	{
		doc->has_facilities = true;
		rc = map_section(&ctx, &sec_facilities, tl[TL_FACILITIES],
						 (void **) &doc->facilities, &doc->n_facilities);
	}
	if (rc == FEED_OK && tl[TL_RATINGS] != NULL)
	{
		doc->has_ratings = true;
		rc = map_section(&ctx, &sec_ratings, tl[TL_RATINGS],
						 (void **) &doc->ratings, &doc->n_ratings);
	}
	if (rc == FEED_OK && tl[TL_PILOT_RATINGS] != NULL)
	{
		doc->has_pilot_ratings = true;
		rc = map_section(&ctx, &sec_pilot_ratings, tl[TL_PILOT_RATINGS],
						 (void **) &doc->pilot_ratings,
						 &doc->n_pilot_ratings);
	}
	if (rc == FEED_OK && tl[TL_MILITARY_RATINGS] != NULL)
	{
		doc->has_military_ratings = true;
		rc = map_section(&ctx, &sec_military_ratings,
						 tl[TL_MILITARY_RATINGS],
						 (void **) &doc->military_ratings,
						 &doc->n_military_ratings);
	}
	if (rc == FEED_ERR_NO_MEMORY)
	{
		feed_error(err, FEED_ERR_NO_MEMORY, ctx.section, 0,
				   "out of memory mapping %s", ctx.section);
		goto fail;
	}
	if (rc != FEED_OK)
	{
		feed_error(err, rc, ctx.section, 0, "%s has too many elements",
				   ctx.section);
		goto fail;
	}
	return true;

fail:
	feed_free(doc);
	return false;
}

void
feed_free(FeedDocument *doc)
{
	if (doc == NULL)
		return;
	/* cJSON_free(NULL) would reach pfree(NULL) under palloc hooks */
	if (doc->pilots)
		cJSON_free(doc->pilots);
	if (doc->controllers)
		cJSON_free(doc->controllers);
	if (doc->atis)
		cJSON_free(doc->atis);
	if (doc->prefiles)
		cJSON_free(doc->prefiles);
	if (doc->servers)
		cJSON_free(doc->servers);
	if (doc->facilities)
		cJSON_free(doc->facilities);
	if (doc->ratings)
		cJSON_free(doc->ratings);
	if (doc->pilot_ratings)
		cJSON_free(doc->pilot_ratings);
	if (doc->military_ratings)
		cJSON_free(doc->military_ratings);
	if (doc->json)
		cJSON_Delete((cJSON *) doc->json);
	memset(doc, 0, sizeof(*doc));
}

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
 * "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (nothing else, nothing after) to
 * microseconds since the epoch.  The fraction is rounded as PostgreSQL's
 * timestamptz input does it, rint(strtod("0.<digits>") * 1e6): the digits
 * as an integer D < 10^9 and 10^n are both exact doubles, so D / 10^n is
 * the correctly rounded value strtod would return, without strtod's
 * locale dependence.  A result of 1000000 carries into the seconds.
 */
bool
feed_parse_time(const char *s, FeedTime *out)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	static const double pow10[10] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
	};
	int			year;
	int			mon;
	int			day;
	int			hour;
	int			min;
	int			sec;
	int			dim;
	int64_t		usec = 0;
	int64_t		secs;
	const char *p;

	if (s == NULL)
		return false;
	if (!read_digits(s, 4, &year) || s[4] != '-' ||
		!read_digits(s + 5, 2, &mon) || s[7] != '-' ||
		!read_digits(s + 8, 2, &day) || s[10] != 'T' ||
		!read_digits(s + 11, 2, &hour) || s[13] != ':' ||
		!read_digits(s + 14, 2, &min) || s[16] != ':' ||
		!read_digits(s + 17, 2, &sec))
		return false;
	p = s + 19;
	if (*p == '.')
	{
		int			ndig = 0;
		int			frac = 0;

		p++;
		while (p[ndig] >= '0' && p[ndig] <= '9')
		{
			if (ndig == 9)
				return false;
			frac = frac * 10 + (p[ndig] - '0');
			ndig++;
		}
		if (ndig == 0)
			return false;
		usec = (int64_t) rint(((double) frac / pow10[ndig]) * 1000000.0);
		p += ndig;
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return false;

	if (year < 1900 || year > 9999 || mon < 1 || mon > 12 ||
		hour > 23 || min > 59 || sec > 59)
		return false;
	dim = mdays[mon - 1];
	if (mon == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		dim = 29;
	if (day < 1 || day > dim)
		return false;

	secs = days_from_civil(year, mon, day) * 86400 +
		hour * 3600 + min * 60 + sec;
	*out = secs * 1000000 + usec;
	return true;
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
