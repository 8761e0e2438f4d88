/*-------------------------------------------------------------------------
 *
 * feed_json.c
 *		The JSON layer shared by the readers of VATSIM documents (the data
 *		feed, the transceivers feed, GeoJSON sector sets).
 *
 * This file owns:
 *	- the document checks done before and around cJSON: size limit, empty
 *	  input, the pre-scan (feed_prescan.c), cJSON's parse, trailing data,
 *	  and the type of the top level (feed_parse_root, feed_parse_start);
 *	- what to do with the escapes cJSON mishandles (\u0000 and unpaired
 *	  UTF-16 surrogates): feed_parse_root refuses the document, while
 *	  feed_parse_start, for the feed parsers, has cJSON parse a copy in
 *	  which each is overwritten with FEED_MARK_BYTE bytes, so that the
 *	  mapping rejects only the record holding one (feed_has_mark);
 *	- the helpers that word messages alike in all readers: JSON type names,
 *	  quoting of document text, int32 checks, feed_error, feed_reject_va.
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
 * Pure C11 + cJSON, no Postgres headers.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "feed_internal.h"

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
 * cut on a UTF-8 character boundary, control characters and FEED_MARK_BYTE
 * shown as '?', "..." appended when cut.  buf must hold FEED_QUOTE_BUF
 * bytes.
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
		unsigned char c = (unsigned char) buf[len];

		if (c < 0x20 || c == 0x7F || c == FEED_MARK_BYTE)
			buf[len] = '?';
	}
	if (n < strlen(s))
		memcpy(buf + n, "...", 4);
	return buf;
}

bool
feed_has_mark(const char *s)
{
	return strchr(s, FEED_MARK_BYTE) != NULL;
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
 * Parsing a document into a cJSON tree
 * ------------------------------------------------------------------------
 */

/* The pre-scan's error as a FeedError; false when there is none. */
static bool
scan_error(const FeedScan *scan, bool refuse_escapes, FeedError *err)
{
	switch (scan->code)
	{
		case FEED_ERR_ENCODING:
			if (strcmp(scan->what, "NUL byte") == 0)
				feed_error(err, FEED_ERR_ENCODING, "", scan->offset,
						   "NUL byte at byte %zu", scan->offset);
			else
				feed_error(err, FEED_ERR_ENCODING, "", scan->offset,
						   "invalid UTF-8 at byte %zu (%s)", scan->offset,
						   scan->what);
			return true;
		case FEED_ERR_TOO_DEEP:
			feed_error(err, FEED_ERR_TOO_DEEP, "", scan->offset,
					   "nesting deeper than %d levels at byte %zu",
					   CJSON_NESTING_LIMIT, scan->offset);
			return true;
		case FEED_ERR_SYNTAX:
			feed_error(err, FEED_ERR_SYNTAX, "", scan->offset,
					   "invalid JSON at byte %zu (%s)", scan->offset,
					   scan->what);
			return true;
		default:
			break;
	}
	if (refuse_escapes && scan->n_bad_escapes > 0)
	{
		feed_error(err, FEED_ERR_ENCODING, "", scan->bad_escape_at,
				   "%s at byte %zu", scan->bad_escape_what,
				   scan->bad_escape_at);
		return true;
	}
	return false;
}

/* cJSON's failure on buf as a FeedError (text: the caller's bytes). */
static void
cjson_error(const char *text, size_t len, const char *buf, const char *end,
			const FeedScan *scan, FeedError *err)
{
	size_t		off = (end != NULL && end >= buf) ? (size_t) (end - buf) : 0;

	if (scan->open_at_end && !scan->mismatch &&
		off >= feed_last_token((const unsigned char *) text, len))
		feed_error(err, FEED_ERR_SYNTAX, "", off,
				   "unexpected end of input (truncated document?)");
	else
		feed_error(err, FEED_ERR_SYNTAX, "", off,
				   "invalid JSON at byte %zu", off);
}

/*
 * Parse text[start..len) (text[start] is not white space) into a cJSON
 * tree of any type, or fill err: pre-scan, cJSON, trailing data.  With
 * marked NULL, bad escapes refuse the document; otherwise they are marked
 * (see the file header) and *marked says whether there were any.
 */
static cJSON *
parse_json(const char *text, size_t len, size_t start, bool *marked,
		   FeedError *err)
{
	FeedScan	scan = {0};
	cJSON	   *root;
	const char *end = NULL;
	const char *buf = text;
	char	   *copy = NULL;
	size_t		off = 0;

	feed_prescan((const unsigned char *) text, len, start, &scan);
	if (scan_error(&scan, marked == NULL, err))
		return NULL;

	/*
	 * A document that ends inside a string or container, or closes a
	 * bracket of the wrong kind, cannot be valid.  cJSON (before 1.7.18)
	 * may then read one byte past the end (a ',' as the last byte inside an
	 * object), so let it parse a NUL-terminated copy: error path only.  The
	 * copy with marked escapes is made by a second pre-scan (rare path).
	 */
	if (scan.open_at_end || scan.mismatch || scan.n_bad_escapes > 0)
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
		if (scan.n_bad_escapes > 0)
		{
			scan.fix = (unsigned char *) copy;
			feed_prescan((const unsigned char *) text, len, start, &scan);
			*marked = true;
		}
	}

	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL)
		cjson_error(text, len, buf, end, &scan, err);
	else
		off = (size_t) (end - buf);
	/* the tree owns copies of all strings: the buffer can go */
	if (copy != NULL)
		cJSON_free(copy);
	if (root == NULL)
		return NULL;
	while (off < len && feed_is_json_space((unsigned char) text[off]))
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

/* feed_parse_root, marking bad escapes unless marked is NULL. */
static cJSON *
parse_root(const char *text, size_t len, size_t max_bytes, bool want_array,
		   bool *marked, FeedError *err)
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
		if (!feed_is_json_space((unsigned char) text[start]))
			break;
	}
	if (start == len)
	{
		feed_error(err, FEED_ERR_EMPTY, "", 0,
				   "document contains only white space");
		return NULL;
	}
	root = parse_json(text, len, start, marked, err);
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

/* The document checks; bad escapes refuse the document (see feed.h). */
cJSON *
feed_parse_root(const char *text, size_t len, size_t max_bytes,
				bool want_array, FeedError *err)
{
	return parse_root(text, len, max_bytes, want_array, NULL, err);
}

/* The common start of feed_parse and transceivers_parse (see feed.h). */
cJSON *
feed_parse_start(const char *text, size_t len, size_t max_bytes,
				 bool want_array, void *doc, size_t doc_size, bool *marked,
				 FeedError *err)
{
	memset(err, 0, sizeof(*err));
	memset(doc, 0, doc_size);
	*marked = false;
	return parse_root(text, len, max_bytes, want_array, marked, err);
}
