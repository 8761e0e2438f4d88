/*
 * pack_codec.h
 *		The packed form of a flight's position history (pure C, no Postgres
 *		headers): a block of one flight's positions, in time order, to bytes
 *		and back, lossless for every column vatsim.positions stores.
 *
 * See pack_codec.c for the byte format.  The encoder writes into a buffer
 * of at least pack_encode_bound() bytes; the decoder checks every length
 * and value against the input and reports corrupt input as an error
 * message, never reading outside it.
 */
#ifndef VATSIM_PACK_CODEC_H
#define VATSIM_PACK_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACK_FORMAT_VERSION 1

/* One stored position: the columns of vatsim.positions but flight_id. */
typedef struct PackPosition
{
	int64_t		ts;				/* timestamptz: microseconds since 2000-01-01 */
	double		latitude;
	double		longitude;
	int32_t		altitude;
	int32_t		groundspeed;
	int32_t		heading;
	int32_t		qnh_mb;
	double		qnh_i_hg;
	const char *transponder;	/* not NUL-terminated; NULL: SQL NULL */
	uint32_t	transponder_len;
	bool		altitude_null;
	bool		groundspeed_null;
	bool		heading_null;
	bool		qnh_mb_null;
	bool		qnh_i_hg_null;
} PackPosition;

/* Largest size pack_encode() can write for these n positions. */
extern size_t pack_encode_bound(const PackPosition *pos, size_t n);

/*
 * Encode pos[0..n) (any order, any values; the reader gets them back in
 * the same order) into out, which has room for pack_encode_bound() bytes;
 * scratch has room for n values.  Returns the bytes written.
 */
extern size_t pack_encode(const PackPosition *pos, size_t n, uint8_t *out,
						  int64_t *scratch);

/*
 * The number of positions in a pack (its header), or -1 with *error set
 * when the header is corrupt.  Callers allocate that many PackPositions.
 */
extern int64_t pack_count(const uint8_t *data, size_t len, const char **error);

/*
 * Decode a pack into out[0..count) (count from pack_count(); scratch has
 * room for count values).  Returns true,
 * or false with *error a message saying what is wrong.  Transponder strings
 * point into data, which must outlive out.
 */
extern bool pack_decode(const uint8_t *data, size_t len, PackPosition *out,
						size_t count, int64_t *scratch, const char **error);

#endif							/* VATSIM_PACK_CODEC_H */
