/*
 * feed.h
 *		The VATSIM v3 data feed as plain C structs, and the JSON helpers the
 *		readers of other documents share (transceivers, GeoJSON).
 *
 * This header and the feed parser (feed_parse.c and the feed_*.c files it
 * names) are pure C (C11 + cJSON): no Postgres headers, so the parser can
 * be unit-tested and fuzzed on its own.  The Postgres glue (ingest.c, the
 * store_*.c files) turns a FeedDocument into rows.
 *
 * Ownership: every string pointer in a FeedDocument points into the cJSON
 * tree held in doc->json; the arrays are allocated with cJSON's allocator
 * (cJSON_malloc), so whatever hooks are installed with cJSON_InitHooks serve
 * both.  feed_free() releases everything.
 *
 * Absent values: a missing key or a JSON null is FEED_NULL_INT for integers,
 * NaN for doubles, NULL for strings, FEED_NULL_TIME for timestamps and -1 for
 * booleans.  A value present with the wrong type or out of range rejects the
 * whole record (see FeedRejects), never the document.  So does a string
 * holding a \u0000 escape or a UTF-16 surrogate escape without its other
 * half (cJSON would cut the string at the first and refuse the document
 * for the second); in general.update or general.update_timestamp such an
 * escape refuses the document (FEED_ERR_ENCODING).
 */
#ifndef VATSIM_FEED_H
#define VATSIM_FEED_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest callsign we store; longer ones reject the record. */
#define FEED_CALLSIGN_MAX 24
/* How many rejection reasons are kept word for word. */
#define FEED_MAX_REASONS 5
#define FEED_REASON_LEN 200

#define FEED_NULL_INT INT64_MIN
#define FEED_NULL_TIME INT64_MIN

/* Microseconds since 1970-01-01 00:00:00 UTC. */
typedef int64_t FeedTime;
/* An integer that fits int32, or FEED_NULL_INT. */
typedef int64_t FeedInt;

typedef enum FeedErrorCode
{
	FEED_OK = 0,
	FEED_ERR_EMPTY,				/* no bytes, or only white space */
	FEED_ERR_TOO_LARGE,			/* more bytes than the caller allows */
	FEED_ERR_ENCODING,			/* invalid UTF-8, a NUL byte, a bad escape */
	FEED_ERR_TOO_DEEP,			/* nesting deeper than CJSON_NESTING_LIMIT */
	FEED_ERR_SYNTAX,			/* not JSON, or truncated */
	FEED_ERR_NOT_OBJECT,		/* top level is not an object (null, array..) */
	FEED_ERR_MISSING,			/* a required member is missing */
	FEED_ERR_WRONG_TYPE,		/* a member has the wrong JSON type */
	FEED_ERR_BAD_TIMESTAMP,		/* general.update_timestamp malformed */
	FEED_ERR_NO_MEMORY
} FeedErrorCode;

/* A whole-document error: the snapshot is refused. */
typedef struct FeedError
{
	FeedErrorCode code;
	char		path[128];		/* where: "general.update_timestamp", "" */
	char		message[256];	/* a sentence, no trailing period */
	size_t		offset;			/* byte offset (syntax/encoding/depth) */
} FeedError;

/* Record-level rejections: the record is skipped, the document goes on. */
typedef struct FeedRejects
{
	int			count;
	int			n_reasons;
	/* e.g. "pilots[12].latitude: 95.5 is outside -90..90" */
	char		reasons[FEED_MAX_REASONS][FEED_REASON_LEN];
} FeedRejects;

/* Flight-plan string fields, in feed order; index FeedPlan.field[] */
typedef enum FeedPlanField
{
	FP_FLIGHT_RULES = 0,
	FP_AIRCRAFT,
	FP_AIRCRAFT_FAA,			/* absent before 2021-04 */
	FP_AIRCRAFT_SHORT,			/* absent before 2021-04 */
	FP_DEPARTURE,
	FP_ARRIVAL,
	FP_ALTERNATE,
	FP_CRUISE_TAS,
	FP_ALTITUDE,
	FP_DEPTIME,
	FP_ENROUTE_TIME,
	FP_FUEL_TIME,
	FP_REMARKS,
	FP_ROUTE,
	FP_ASSIGNED_TRANSPONDER,	/* absent before 2022 */
	FP_NFIELDS
} FeedPlanField;

/* JSON key of each FeedPlanField. */
extern const char *const feed_plan_keys[FP_NFIELDS];

typedef struct FeedPlan
{
	const char *field[FP_NFIELDS];
	FeedInt		revision_id;	/* absent before 2021-04-09 */
} FeedPlan;

typedef struct FeedPilot
{
	int			index;			/* position in pilots[] */
	int32_t		cid;
	const char *callsign;
	const char *name;
	const char *server;
	FeedInt		pilot_rating;
	FeedInt		military_rating;	/* absent before 2023 */
	double		latitude;		/* required, -90..90 */
	double		longitude;		/* required, -180..180 */
	FeedInt		altitude;
	FeedInt		groundspeed;
	const char *transponder;
	FeedInt		heading;
	double		qnh_i_hg;
	FeedInt		qnh_mb;
	bool		has_plan;		/* false: flight_plan null or absent */
	FeedPlan	plan;
	FeedTime	logon_time;		/* required */
	FeedTime	last_updated;
} FeedPilot;

/* Controllers and ATIS share one shape; atis_code is NULL for controllers. */
typedef struct FeedController
{
	int			index;
	int32_t		cid;
	const char *callsign;
	const char *name;
	const char *frequency;
	FeedInt		facility;
	FeedInt		rating;
	const char *server;
	FeedInt		visual_range;
	const char *atis_code;
	int			n_text_atis;	/* -1: text_atis null or absent */
	const char **text_atis;
	FeedTime	last_updated;
	FeedTime	logon_time;
} FeedController;

typedef struct FeedPrefile
{
	int			index;
	int32_t		cid;
	const char *callsign;
	const char *name;
	bool		has_plan;
	FeedPlan	plan;
	FeedTime	last_updated;
} FeedPrefile;

typedef struct FeedServer
{
	int			index;
	const char *ident;			/* required */
	const char *hostname_or_ip;
	const char *location;
	const char *name;
	FeedInt		clients_connection_allowed;
	int			client_connections_allowed; /* -1 absent, 0, 1 */
	int			is_sweatbox;	/* -1 absent, 0, 1 */
} FeedServer;

/*
 * facilities/ratings carry short/long, pilot_ratings/military_ratings carry
 * short_name/long_name; both land here.
 */
typedef struct FeedRef
{
	int32_t		id;
	const char *short_name;
	const char *long_name;
} FeedRef;

typedef struct FeedGeneral
{
	FeedInt		version;
	FeedInt		reload;
	const char *update;
	FeedTime	update_timestamp;	/* required */
	FeedInt		connected_clients;
	FeedInt		unique_users;
} FeedGeneral;

typedef struct FeedDocument
{
	FeedGeneral general;
	FeedPilot  *pilots;
	int			n_pilots;
	FeedController *controllers;
	int			n_controllers;
	FeedController *atis;
	int			n_atis;
	FeedPrefile *prefiles;
	int			n_prefiles;
	FeedServer *servers;
	int			n_servers;
	/* reference tables; has_* false when the key is absent */
	FeedRef    *facilities;
	int			n_facilities;
	bool		has_facilities;
	FeedRef    *ratings;
	int			n_ratings;
	bool		has_ratings;
	FeedRef    *pilot_ratings;
	int			n_pilot_ratings;
	bool		has_pilot_ratings;
	FeedRef    *military_ratings;
	int			n_military_ratings;
	bool		has_military_ratings;
	FeedRejects rejects;
	void	   *json;			/* cJSON root; owns every string above */
} FeedDocument;

/*
 * Parse one v3 document of len bytes (need not be NUL-terminated).
 * max_bytes == 0 means no limit.  Returns true and fills *doc, or returns
 * false, fills *err and leaves *doc empty (nothing to free).
 */
extern bool feed_parse(const char *text, size_t len, size_t max_bytes,
					   FeedDocument *doc, FeedError *err);
extern void feed_free(FeedDocument *doc);

/*
 * The document checks of feed_parse() up to the top level, for the parsers
 * of other documents (transceivers_parse.c, the GeoJSON reader): size limit
 * (max_bytes, 0 = none), empty input or only white space, UTF-8, NUL bytes,
 * control characters, nesting depth, JSON syntax, trailing data, and a top
 * level that is an array (want_array) or else an object.  A \u0000 escape
 * or an unpaired UTF-16 surrogate escape in a string refuses the document
 * (FEED_ERR_ENCODING).  Returns the root (free with cJSON_Delete), or NULL
 * with *err filled (path "").
 */
struct cJSON;
extern struct cJSON *feed_parse_root(const char *text, size_t len,
									 size_t max_bytes, bool want_array,
									 FeedError *err);

/*
 * The common start of feed_parse() and transceivers_parse(): zeroes *err
 * (not NULL) and the doc_size bytes at doc, then runs the checks of
 * feed_parse_root(), except that each \u0000 or unpaired surrogate escape
 * reaches the tree as FEED_MARK_BYTE bytes inside its string (*marked is
 * then true), for the mapping to reject the record holding it.
 */
extern struct cJSON *feed_parse_start(const char *text, size_t len,
									  size_t max_bytes, bool want_array,
									  void *doc, size_t doc_size,
									  bool *marked, FeedError *err);

/* A byte valid UTF-8 never contains: stands for a bad escape in a string. */
#define FEED_MARK_BYTE 0xFF

/* Whether s holds FEED_MARK_BYTE (only after feed_parse_start marked). */
extern bool feed_has_mark(const char *s);

/*
 * Helpers of feed_json.c that the other parsers share, so that all of them
 * word their messages alike.
 */

/* Longest excerpt of document text quoted in a message; a buffer for one. */
#define FEED_QUOTE_MAX 40
#define FEED_QUOTE_BUF (FEED_QUOTE_MAX + 4)

/* What feed_check_int32() finds. */
typedef enum FeedInt32Check
{
	FEED_INT32_OK = 0,
	FEED_INT32_NOT_INTEGER,		/* not finite, or has a fractional part */
	FEED_INT32_OUT_OF_RANGE		/* an integer outside int32 */
} FeedInt32Check;

/* A value's JSON type for "not a string (%s)": "number", "null", ... */
extern const char *feed_json_type_name(const struct cJSON *v);
/* A value's JSON type for "x is %s, not ...": "a number", "null", ... */
extern const char *feed_json_type_phrase(const struct cJSON *v);
/* True when d is finite and has no fractional part. */
extern bool feed_is_integer(double d);
/* Whether d is an integer that fits int32, or why not. */
extern FeedInt32Check feed_check_int32(double d);
/* s (NULL: "") cut to FEED_QUOTE_MAX bytes + "...", controls as '?': in buf. */
extern const char *feed_quote_text(const char *s, char *buf);
/* Fill *err: code, path, byte offset, printf-style message; returns false. */
extern bool feed_error(FeedError *err, FeedErrorCode code, const char *path,
					   size_t offset, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
/* Count a rejected record, keep "path: message" if room; returns false. */
extern bool feed_reject_va(FeedRejects *r, const char *path, const char *fmt,
						   va_list ap)
			__attribute__((format(printf, 3, 0)));

/* What feed_read_time() finds. */
typedef enum FeedTimeCheck
{
	FEED_TIME_OK = 0,
	FEED_TIME_MALFORMED,
	FEED_TIME_OUT_OF_RANGE		/* before 1900, or after 9999 once rounded */
} FeedTimeCheck;

/*
 * ISO-8601 UTC "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" to microseconds, rounding
 * the fraction as PostgreSQL's timestamptz input does (rint), within the
 * years 1900 to 9999.  feed_parse_time: true when FEED_TIME_OK.
 */
extern FeedTimeCheck feed_read_time(const char *s, FeedTime *out);
extern bool feed_parse_time(const char *s, FeedTime *out);

/* A stable 64-bit digest of a plan's content (FNV-1a); equal plans, equal hash. */
extern uint64_t feed_plan_hash(const FeedPlan *plan);

#endif							/* VATSIM_FEED_H */
