/*
 * fuzz_common.h
 *		What the libFuzzer targets in test/fuzz share: CHECK (a violated
 *		promise aborts, which libFuzzer reports as a crash), a UTF-8 check
 *		of a NUL-terminated string within a buffer, and the checks of
 *		feed.h's promises that the feed and transceivers parsers share
 *		(a callsign, a document error, the rejects).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/parse/feed.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* s holds a NUL within max bytes and is valid UTF-8 up to it. */
static inline bool
valid_utf8_cstring(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *) s;
	const char *nul = memchr(s, '\0', max);
	size_t		n;
	size_t		i = 0;

	if (nul == NULL)
		return false;			/* not terminated */
	n = (size_t) (nul - s);
	while (i < n)
	{
		unsigned char c = p[i];
		size_t		need;
		size_t		k;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3;
		else
			return false;
		if (i + need >= n + 1)
			return false;
		for (k = 1; k <= need; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}

/* A kept string (NULL: absent) is valid UTF-8. */
static inline void
check_string(const char *s)
{
	CHECK(s == NULL || valid_utf8_cstring(s, strlen(s) + 1));
}

static inline void
check_callsign(const char *cs)
{
	CHECK(cs != NULL);
	CHECK(cs[0] != '\0');
	CHECK(strlen(cs) <= FEED_CALLSIGN_MAX);
	check_string(cs);
}

/* A refused document's error: a known code, a message, valid UTF-8, an
 * offset within the input. */
static inline void
check_feed_error(const FeedError *err, size_t size)
{
	CHECK(err->code > FEED_OK && err->code <= FEED_ERR_NO_MEMORY);
	CHECK(valid_utf8_cstring(err->message, sizeof(err->message)));
	CHECK(valid_utf8_cstring(err->path, sizeof(err->path)));
	CHECK(err->message[0] != '\0');
	CHECK(err->offset <= size);
}

/* The counted rejects: at most FEED_MAX_REASONS reasons kept, each UTF-8. */
static inline void
check_rejects(const FeedRejects *rejects)
{
	int			i;

	CHECK(rejects->n_reasons <= FEED_MAX_REASONS);
	CHECK(rejects->n_reasons <= rejects->count);
	for (i = 0; i < rejects->n_reasons; i++)
		CHECK(valid_utf8_cstring(rejects->reasons[i], FEED_REASON_LEN));
}

/* A copy of the input on the heap, exactly sized (no NUL), so ASan sees
 * any read past its end; the caller frees it. */
static inline char *
fuzz_copy(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);

	if (copy == NULL)
		abort();
	if (size)
		memcpy(copy, data, size);
	return copy;
}

#endif							/* FUZZ_COMMON_H */
