/*
 * transceivers.h
 *		The VATSIM v3 transceivers feed (transceivers-data.json, see
 *		docs/feed-format.md B.11) as plain C structs.
 *
 * Pure C (C11 + cJSON) like feed.h, whose conventions it follows: no
 * Postgres headers; every string points into the cJSON tree held in
 * doc->json; the rows array is allocated with cJSON_malloc, so whatever
 * hooks are installed with cJSON_InitHooks serve both; transceivers_free()
 * releases everything.
 *
 * The feed is a top-level ARRAY of stations
 *		{"callsign": str, "transceivers": [{"id": int, "frequency": int (Hz),
 *		  "latDeg": num, "lonDeg": num, "heightMslM": num, "heightAglM": num},
 *		  ...]}
 * flattened here into one row per (callsign, id), in document order.
 *
 * Document errors (the snapshot is refused) reuse FeedErrorCode: EMPTY,
 * TOO_LARGE, ENCODING, TOO_DEEP, SYNTAX as in feed_parse(), and
 * FEED_ERR_NOT_OBJECT when the top level is not an array ("top level is an
 * object, not an array").
 *
 * Record rejections (skipped and counted in doc->rejects, the document goes
 * on), with reasons like "[12].transceivers[1].frequency: 1.5 is not an
 * integer":
 *	- a station that is not an object; callsign missing, null, not a
 *	  string, empty, longer than FEED_CALLSIGN_MAX bytes or holding a
 *	  \u0000 or unpaired UTF-16 surrogate escape (see feed.h); transceivers
 *	  present but neither an array nor null (missing or null = empty list);
 *	- a transceiver (that transceiver only) that is not an object; id
 *	  missing, null, not integral or outside int32; frequency missing,
 *	  null, not integral or outside 0..TRANSCEIVER_FREQUENCY_MAX; latDeg
 *	  outside -90..90, lonDeg outside -180..180, or any of the four doubles
 *	  not a number or not finite;
 *	- duplicates: of two stations with one callsign the later is kept, of
 *	  two transceivers with one id in a station the later is kept; the other
 *	  is counted.
 * A key that occurs twice in one object: the last occurrence wins (as in
 * jsonb).  Unknown keys are ignored.
 *
 * Absent values: latDeg, lonDeg, heightMslM and heightAglM missing or null
 * are NaN.  Doubles are exactly what strtod() gives for the JSON number.
 */
#ifndef VATSIM_TRANSCEIVERS_H
#define VATSIM_TRANSCEIVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"

/* Highest frequency accepted, in Hz (1 THz; real ones are ~1.2e8). */
#define TRANSCEIVER_FREQUENCY_MAX INT64_C(1000000000000)

typedef struct FeedTransceiver
{
	const char *callsign;		/* station callsign (the parent record's) */
	int32_t		id;				/* transceiver id within the station */
	int64_t		frequency_hz;	/* 0..TRANSCEIVER_FREQUENCY_MAX; off-grid */
	double		latitude;		/* -90..90, NaN when absent */
	double		longitude;		/* -180..180, NaN when absent */
	double		height_msl_m;	/* NaN when absent */
	double		height_agl_m;	/* may be slightly negative; NaN when absent */
} FeedTransceiver;

typedef struct TransceiversDocument
{
	FeedTransceiver *rows;		/* NULL when n_rows == 0 */
	int			n_rows;			/* flattened: one row per (callsign, id) */
	int			n_stations;		/* station records kept (empty lists count) */
	FeedRejects rejects;
	void	   *json;			/* cJSON root; owns every string above */
} TransceiversDocument;

/*
 * Parse one transceivers document of len bytes (need not be
 * NUL-terminated).  max_bytes == 0 means no limit.  Returns true and fills
 * *doc, or returns false, fills *err (may be NULL) and leaves *doc zeroed
 * (nothing to free).
 */
extern bool transceivers_parse(const char *text, size_t len, size_t max_bytes,
							   TransceiversDocument *doc, FeedError *err);
extern void transceivers_free(TransceiversDocument *doc);

#endif							/* VATSIM_TRANSCEIVERS_H */
