/*-------------------------------------------------------------------------
 *
 * feed_prescan.c
 *		The pass over a document's bytes that runs before cJSON does.
 *
 * This file owns feed_prescan(), one pass that:
 *	- validates UTF-8 everywhere (overlong forms, surrogates, code points
 *	  above U+10FFFF, truncated sequences) and refuses NUL bytes;
 *	- finds control characters other than JSON white space outside strings
 *	  (cJSON would skip them as white space);
 *	- tracks the nesting of [ and { outside strings: too deep for cJSON, a
 *	  closing bracket of the wrong kind, input that ends open;
 *	- finds the escapes cJSON mishandles inside strings: \u0000 (cJSON
 *	  ends the string there, silently) and a UTF-16 surrogate escape
 *	  without its other half (cJSON fails the whole document).  Given a
 *	  copy of the text (FeedScan.fix), it overwrites each such escape with
 *	  as many FEED_MARK_BYTE bytes, which valid UTF-8 never contains, so
 *	  the mapping can reject just the record that holds one.
 * and feed_last_token(), which tells a truncated document from one with a
 * syntax error earlier on (error path only).
 *
 * Plain bytes inside strings are skipped eight at a time (SWAR).
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <string.h>

#include "feed_internal.h"

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

/* The four hex digits at p as a number; -1 when one is not a hex digit. */
static int
hex4(const unsigned char *p)
{
	int			v = 0;
	int			k;

	for (k = 0; k < 4; k++)
	{
		unsigned char c = p[k];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/*
 * At s[i] == '\\' inside a string: how many bytes the escape takes.  A
 * \u0000, a low surrogate escape, or a high one not followed by a low one
 * is counted in r (and marked in r->fix); its 6 bytes are skipped, so
 * "\ud800\u0041" marks the first escape and keeps the "A".  Anything else
 * malformed is left to cJSON, which refuses it as a syntax error.
 */
static size_t
scan_escape(const unsigned char *s, size_t len, size_t i, FeedScan *r)
{
	int			cp;
	int			lo;

	/* a NUL or non-ASCII byte after the backslash gets its own checks */
	if (i + 1 >= len || s[i + 1] == 0 || s[i + 1] >= 0x80)
		return 1;
	if (s[i + 1] != 'u' || len - i < 6 || (cp = hex4(s + i + 2)) < 0)
		return 2;
	if (cp >= 0xD800 && cp <= 0xDBFF)
	{
		if (len - i >= 12 && s[i + 6] == '\\' && s[i + 7] == 'u' &&
			(lo = hex4(s + i + 8)) >= 0xDC00 && lo <= 0xDFFF)
			return 12;
	}
	else if (cp != 0 && (cp < 0xDC00 || cp > 0xDFFF))
		return 6;

	if (r->n_bad_escapes++ == 0)
	{
		r->bad_escape_at = i;
		r->bad_escape_what = cp == 0 ? "\\u0000 escape" :
			"unpaired UTF-16 surrogate escape";
	}
	if (r->fix != NULL)
		memset(r->fix + i, FEED_MARK_BYTE, 6);
	return 6;
}

/*
 * The string whose opening quote is at s[i - 1]: returns the offset after
 * its closing quote, or len when the input ends inside it, or SIZE_MAX
 * with r->offset and r->what set on invalid UTF-8 or a NUL byte.
 */
static size_t
scan_string(const unsigned char *s, size_t len, size_t i, FeedScan *r)
{
	size_t		n;
	unsigned char c;

	for (;;)
	{
		i += string_run(s + i, len - i);
		if (i >= len)
			return len;
		c = s[i];
		if (c == '"')
			return i + 1;
		if (c == '\\')
		{
			i += scan_escape(s, len, i, r);
			continue;
		}
		if (c == 0)
		{
			r->what = "NUL byte";
			r->offset = i;
			return SIZE_MAX;
		}
		n = utf8_sequence(s + i, len - i, &r->what);
		if (n == 0)
		{
			r->offset = i;
			return SIZE_MAX;
		}
		i += n;
	}
}

/*
 * Opening or closing bracket c at depth *depth; kinds has one bit per open
 * level, 1 for '['.  False when the nesting gets too deep.
 */
static inline bool
scan_bracket(unsigned char c, int *depth, uint64_t *kinds, FeedScan *r)
{
	int			d = *depth;

	if (c == '[' || c == '{')
	{
		if (d >= CJSON_NESTING_LIMIT)
			return false;
		if (c == '[')
			kinds[d / 64] |= UINT64_C(1) << (d % 64);
		else
			kinds[d / 64] &= ~(UINT64_C(1) << (d % 64));
		*depth = d + 1;
	}
	else if (d == 0)
		r->mismatch = true;
	else
	{
		*depth = --d;
		if (((kinds[d / 64] >> (d % 64)) & 1) != (c == ']'))
			r->mismatch = true;
	}
	return true;
}

/*
 * One pass over s[start..len): validates UTF-8 (everywhere), rejects NUL
 * bytes and control characters outside strings, tracks the nesting of
 * [ and { outside strings and counts bad escapes inside them.  Stops at
 * the first encoding or depth error.
 */
void
feed_prescan(const unsigned char *s, size_t len, size_t start, FeedScan *r)
{
	size_t		i = start;
	size_t		n;
	size_t		ctrl_at = SIZE_MAX;
	int			depth = 0;
	unsigned char c;

	/* one bit per open level: 1 for '[', 0 for '{' */
	uint64_t	kinds[(CJSON_NESTING_LIMIT + 64) / 64];

	r->code = FEED_OK;
	r->offset = 0;
	r->what = NULL;
	r->open_at_end = false;
	r->mismatch = false;
	r->n_bad_escapes = 0;
	r->bad_escape_at = 0;
	r->bad_escape_what = NULL;

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
			{
				r->offset = i;
				goto encoding;
			}
			i += n;
			continue;
		}
		if (c == '"')
		{
			i = scan_string(s, len, i + 1, r);
			if (i == SIZE_MAX)
				goto encoding;
			if (i == len)
				r->open_at_end = true;
			continue;
		}
		if (c == 0)
		{
			r->what = "NUL byte";
			r->offset = i;
			goto encoding;
		}
		if (c == '[' || c == '{' || c == ']' || c == '}')
		{
			if (!scan_bracket(c, &depth, kinds, r))
			{
				r->code = FEED_ERR_TOO_DEEP;
				r->offset = i;
				return;
			}
		}
		else if (ctrl_at == SIZE_MAX)
		{
			/* control characters; cJSON would skip them as white space */
			ctrl_at = i;
		}
		i++;
	}

	if (depth > 0)
		r->open_at_end = true;
	if (ctrl_at != SIZE_MAX)
	{
		r->code = FEED_ERR_SYNTAX;
		r->offset = ctrl_at;
		r->what = "control character outside a string";
	}
	return;

encoding:
	r->code = FEED_ERR_ENCODING;
	r->open_at_end = false;
}

/*
 * Offset of the last structural character ([ ] { } , :) outside strings or
 * of the last string's opening quote (error path only: tells a truncated
 * document from one with a syntax error earlier on).
 */
size_t
feed_last_token(const unsigned char *s, size_t len)
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
