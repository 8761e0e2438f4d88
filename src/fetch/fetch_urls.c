/*
 * fetch_urls.c
 *		URLs in the fetch stage: which schemes fetch_url() accepts, host
 *		and port for messages, and redaction of what a URL must not show
 *		(user:password@, the query string, the fragment).
 *
 * Pure C (C11 + libcurl), no Postgres headers.  Redaction works on text,
 * not on a parsed URL, so that it also covers URLs libcurl cannot parse and
 * URLs inside libcurl's own sentences (a redirect's Location, say).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fetch_internal.h"

/* What replaces a query string and fragment. */
#define REDACTED_QUERY "?..."

bool
fetch_url_scheme_allowed(const char *url, bool allow_file,
						 const char **reason)
{
	const char *p;
	size_t		len;
	CURLU	   *h;
	CURLUcode	uc;
	const char *why = NULL;

	if (url == NULL || url[0] == '\0')
		why = "the URL is empty";
	else
	{
		for (p = url; isalnum((unsigned char) *p) || *p == '+' ||
			 *p == '-' || *p == '.'; p++)
			;
		len = p - url;
		if (len == 0 || strncmp(p, "://", 3) != 0)
			why = allow_file ?
				"the URL must start with http://, https:// or file://" :
				"the URL must start with http:// or https://";
		else if ((len == 4 && strncasecmp(url, "http", 4) == 0) ||
				 (len == 5 && strncasecmp(url, "https", 5) == 0) ||
				 (len == 4 && allow_file && strncasecmp(url, "file", 4) == 0))
			why = NULL;
		else if (len == 4 && strncasecmp(url, "file", 4) == 0)
			why = "file:// URLs are not allowed here, only http:// and https://";
		else
			why = allow_file ?
				"only http://, https:// and file:// URLs are allowed" :
				"only http:// and https:// URLs are allowed";
	}

	/* the rest must be a URL libcurl can use */
	if (why == NULL)
	{
		h = curl_url();
		if (h == NULL)
			why = "out of memory while checking the URL";
		else
		{
			uc = curl_url_set(h, CURLUPART_URL, url, 0);
			curl_url_cleanup(h);
			if (uc != CURLUE_OK)
				why = "the URL is malformed";
		}
	}

	if (reason != NULL)
		*reason = why;
	return why == NULL;
}

/* Host and port of url into buf, "host port N"; "" when it does not parse. */
void
fetch_url_host_port(const char *url, char *buf, size_t size)
{
	CURLU	   *h;
	char	   *host = NULL;
	char	   *port = NULL;

	buf[0] = '\0';
	if (url == NULL || (h = curl_url()) == NULL)
		return;
	if (curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
		curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK)
	{
		if (curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
			snprintf(buf, size, "%s port %s", host, port);
		else
			snprintf(buf, size, "%s", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(h);
}

/* ------------------------------------------------------------------------
 * Redaction
 * ------------------------------------------------------------------------
 */

/* An output buffer that truncates and always stays NUL-terminated. */
typedef struct RedactOut
{
	char	   *buf;
	size_t		size;
	size_t		len;
} RedactOut;

static void
put(RedactOut *o, const char *s, size_t n)
{
	if (o->size == 0)
		return;
	if (n > o->size - 1 - o->len)
		n = o->size - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/*
 * The URL u[0..n) without user info, query and fragment.  The user info
 * ends at the last '@' before the query: a password with a raw '/' in it
 * (not a valid URL, but a setting can hold anything) is dropped too, at the
 * price of also dropping a path that has an '@' in it.
 */
static void
redact_one(RedactOut *o, const char *u, size_t n)
{
	const char *end = u + n;
	const char *sep = NULL;
	const char *rest;
	const char *query;
	const char *p;

	for (p = u; p + 3 <= end; p++)
		if (memcmp(p, "://", 3) == 0)
		{
			sep = p;
			break;
		}
	rest = sep != NULL ? sep + 3 : u;
	put(o, u, rest - u);
	for (query = rest; query < end && *query != '?' && *query != '#'; query++)
		;
	for (p = query; p > rest; p--)
		if (p[-1] == '@')
		{
			rest = p;
			break;
		}
	put(o, rest, query - rest);
	if (query < end)
		put(o, REDACTED_QUERY, strlen(REDACTED_QUERY));
}

void
fetch_redact_url(const char *url, char *buf, size_t size)
{
	RedactOut	o = {buf, size, 0};

	if (size > 0)
		buf[0] = '\0';
	if (url != NULL)
		redact_one(&o, url, strlen(url));
}

static bool
ends_url(char c)
{
	return c == '\0' || isspace((unsigned char) c) || c == '"' ||
		c == '\'' || c == '<' || c == '>';
}

static bool
in_scheme(char c)
{
	return isalnum((unsigned char) c) || c == '+' || c == '-' || c == '.';
}

void
fetch_redact_text(const char *text, char *buf, size_t size)
{
	RedactOut	o = {buf, size, 0};
	const char *p = text;

	if (size > 0)
		buf[0] = '\0';
	while (p != NULL && *p != '\0')
	{
		const char *sep = strstr(p, "://");
		const char *start;
		const char *end;
		const char *tail;

		if (sep == NULL)
		{
			put(&o, p, strlen(p));
			break;
		}
		for (start = sep; start > p && in_scheme(start[-1]); start--)
			;
		for (end = sep + 3; !ends_url(*end); end++)
			;
		/* punctuation at the end belongs to the sentence, not the URL */
		for (tail = end; tail > sep + 3 && strchr(").,;:", tail[-1]) != NULL; tail--)
			;
		put(&o, p, start - p);
		redact_one(&o, start, tail - start);
		put(&o, tail, end - tail);
		p = end;
	}
}
