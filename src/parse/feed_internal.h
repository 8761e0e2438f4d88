/*
 * feed_internal.h
 *		What the files of the feed parser share among themselves and with
 *		nobody else: the pre-scan (feed_prescan.c), the field and section
 *		tables and record mapping (feed_map.c), duplicate resolution
 *		(feed_dedupe.c).  The public interface is feed.h.
 *
 * Pure C + cJSON, no Postgres headers.
 */
#ifndef VATSIM_FEED_INTERNAL_H
#define VATSIM_FEED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "json_util.h"

static inline bool
feed_is_json_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


/* ------------------------------------------------------------------------
 * Pre-scan (feed_prescan.c)
 * ------------------------------------------------------------------------
 */

typedef struct FeedScan
{
	/* in: where to overwrite bad escapes with FEED_MARK_BYTE, or NULL */
	unsigned char *fix;
	/* out */
	FeedErrorCode code;			/* FEED_OK, ENCODING, TOO_DEEP, SYNTAX */
	size_t		offset;
	const char *what;
	bool		open_at_end;	/* input ends inside a string or container */
	bool		mismatch;		/* a closing bracket of the wrong kind */
	size_t		n_bad_escapes;	/* \u0000 and unpaired surrogate escapes */
	size_t		bad_escape_at;	/* offset of the first one */
	const char *bad_escape_what;	/* what the first one is */
} FeedScan;

/*
 * One pass over s[start..len): UTF-8, NUL bytes, control characters
 * outside strings, nesting depth, \u0000 and unpaired surrogate escapes.
 */
extern void feed_prescan(const unsigned char *s, size_t len, size_t start,
						 FeedScan *r);

/* Offset of the last structural character or string start (error path). */
extern size_t feed_last_token(const unsigned char *s, size_t len);


/* ------------------------------------------------------------------------
 * Record mapping (feed_map.c)
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

/* How a section is mapped, de-duplicated and stored in a FeedDocument. */
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
	/* where it goes in FeedDocument: array, count, "present" flag */
	bool		required;		/* a missing member refuses the document */
	size_t		doc_off;
	size_t		doc_n_off;
	size_t		doc_has_off;	/* 0: no flag (the required sections) */
} SectionDesc;

/* The sections of a document (its arrays), in document order. */
#define FEED_N_SECTIONS 9
extern const SectionDesc feed_sections[FEED_N_SECTIONS];

typedef struct MapCtx
{
	FeedRejects *rejects;
	bool		marked;			/* the document had bad escapes */
	const char *section;
	int			index;			/* position of the record in its array */
	const char **pool;			/* text_atis pointers of this section */
	size_t		pool_used;
	size_t		pool_cap;
} MapCtx;

/*
 * Map the array arr of section sd into one cJSON_malloc'd block (*out, NULL
 * when no record survives) of *n_out records.  Returns FEED_OK or
 * FEED_ERR_NO_MEMORY / FEED_ERR_TOO_LARGE (nothing allocated then).
 */
extern FeedErrorCode feed_map_section(MapCtx *ctx, const SectionDesc *sd,
									  const struct cJSON *arr, void **out,
									  int *n_out);

/* Count a rejected record: path section[index][.prefix][.key][[sub]]. */
extern bool feed_rec_reject(MapCtx *ctx, const char *prefix, const char *key,
							int sub, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));


/* ------------------------------------------------------------------------
 * Duplicates (feed_dedupe.c)
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
 * Resolve repeated keys among the n mapped records in block (see
 * feed_dedupe.c); returns the number of records kept.
 */
extern int	feed_dedup_section(MapCtx *ctx, const SectionDesc *sd, char *block,
							   int n, DedupEntry *keys, int *winner,
							   const int *docidx);

#endif							/* VATSIM_FEED_INTERNAL_H */
