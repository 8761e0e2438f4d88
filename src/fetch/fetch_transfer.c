/*
 * fetch_transfer.c
 *		One transfer with libcurl: the per-fetch options, the header and
 *		body callbacks that record what the server sent, and the loop that
 *		drives the easy handle through the multi handle while asking the
 *		caller every 100 ms whether to stop.
 *
 * Pure C (C11 + libcurl), no Postgres headers.  The callbacks only record
 * facts (status, headers, bytes); fetch_classify.c judges them.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fetch_internal.h"

/* ------------------------------------------------------------------------
 * Callbacks
 * ------------------------------------------------------------------------
 */

/* A status line: a new response begins (redirect, 1xx, or the final one). */
void
fetch_begin_response(Fetcher *f, const char *line, size_t len)
{
	size_t		i = 0;
	long		status = 0;
	int			digits = 0;

	/* "HTTP/1.1 200 OK", "HTTP/2 304" */
	while (i < len && line[i] != ' ')
		i++;
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && digits < 3 && isdigit((unsigned char) line[i]))
	{
		status = status * 10 + (line[i] - '0');
		digits++;
		i++;
	}
	f->status = digits == 3 ? status : 0;
	f->headers_done = false;
	f->encoded = false;
	f->gzip = false;
	f->chunked = false;
	f->content_length = -1;
	f->new_etag[0] = '\0';
	f->new_last_modified[0] = '\0';
	f->length_checked = false;
	f->body_started = false;
	f->len = 0;
	f->discarded = 0;
}

/* Copy a header value into dst when it fits and has no control character. */
static void
keep_value(char *dst, const char *value, size_t len)
{
	size_t		i;

	dst[0] = '\0';
	if (len == 0 || len >= FETCH_VALIDATOR_LEN)
		return;
	for (i = 0; i < len; i++)
	{
		unsigned char c = value[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return;
	}
	memcpy(dst, value, len);
	dst[len] = '\0';
}

/*
 * The declared length of a successful, unencoded body over the cap: refuse
 * it before reading any of it.  An encoded (gzip) length says little about
 * the decoded size, which the write callback counts instead.
 */
static bool
declared_too_large(Fetcher *f, long long length)
{
	f->length_checked = true;
	if (length < 0 || f->encoded)
		return false;
	if ((unsigned long long) length > f->max_bytes)
	{
		f->too_large = true;
		f->too_large_length = length;
		return true;
	}
	return false;
}

static size_t
header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	Fetcher    *f = arg;
	size_t		n = size * nmemb;
	size_t		len = n;
	const char *colon;
	const char *value;
	size_t		name_len;
	size_t		value_len;

	while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n' ||
					   data[len - 1] == ' ' || data[len - 1] == '\t'))
		len--;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
	{
		fetch_begin_response(f, data, len);
		return n;
	}
	if (len == 0)
	{
		/* end of a header block (or of trailers) */
		if (!f->headers_done)
		{
			f->headers_done = true;
			if (f->chunked)
				f->content_length = -1; /* Transfer-Encoding wins (RFC 9112 6.3) */
			if (f->status >= 200 && f->status < 300 &&
				declared_too_large(f, f->content_length))
				return 0;		/* stops the transfer: CURLE_WRITE_ERROR */
		}
		return n;
	}
	if (f->headers_done)
		return n;				/* trailers */

	colon = memchr(data, ':', len);
	if (colon == NULL)
		return n;
	name_len = colon - data;
	value = colon + 1;
	while (value < data + len && (*value == ' ' || *value == '\t'))
		value++;
	value_len = data + len - value;

	if (name_len == 4 && strncasecmp(data, "etag", 4) == 0)
		keep_value(f->new_etag, value, value_len);
	else if (name_len == 13 && strncasecmp(data, "last-modified", 13) == 0)
		keep_value(f->new_last_modified, value, value_len);
	else if (name_len == 14 && strncasecmp(data, "content-length", 14) == 0)
	{
		long long	v = 0;
		size_t		i;

		for (i = 0; i < value_len && isdigit((unsigned char) value[i]); i++)
		{
			if (v > (LLONG_MAX - 9) / 10)
				break;
			v = v * 10 + (value[i] - '0');
		}
		f->content_length = (i == value_len && i > 0) ? v : -1;
	}
	else if (name_len == 17 && strncasecmp(data, "transfer-encoding", 17) == 0)
		f->chunked = true;
	else if (name_len == 16 && strncasecmp(data, "content-encoding", 16) == 0)
	{
		if (!(value_len == 8 && strncasecmp(value, "identity", 8) == 0))
			f->encoded = true;
		if ((value_len == 4 && strncasecmp(value, "gzip", 4) == 0) ||
			(value_len == 6 && strncasecmp(value, "x-gzip", 6) == 0))
			f->gzip = true;
	}
	return n;
}

/*
 * Make room for need bytes plus the NUL: exactly that much when exact (the
 * length is known), else by doubling, never past the cap.
 */
bool
fetch_reserve(Fetcher *f, size_t need, bool exact)
{
	size_t		cap;
	char	   *p;

	if (need < f->cap)
		return true;
	if (need == SIZE_MAX)
		return false;
	if (exact)
		cap = need + 1;
	else
	{
		cap = f->cap > 0 ? f->cap : FETCH_BUF_MIN;
		while (cap <= need)
		{
			if (cap > SIZE_MAX / 2)
			{
				cap = need + 1;
				break;
			}
			cap *= 2;
		}
		if (f->max_bytes < SIZE_MAX - 1 && cap > f->max_bytes + 1)
			cap = f->max_bytes + 1;		/* >= need + 1: need <= max_bytes */
	}
	p = realloc(f->buf, cap);
	if (p == NULL)
		return false;
	f->buf = p;
	f->cap = cap;
	return true;
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	Fetcher    *f = arg;
	size_t		n = size * nmemb;

	/* an error body: count it (bounded by the cap) and drop it */
	if (f->status >= 400)
	{
		f->discarded += n;
		return f->discarded > f->max_bytes ? 0 : n;
	}

	if (!f->body_started)
	{
		f->body_started = true;
		/* file:// sends no headers, but libcurl knows the size */
		if (!f->length_checked)
		{
			curl_off_t	cl = -1;

			if (f->content_length < 0 &&
				curl_easy_getinfo(f->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
								  &cl) == CURLE_OK && cl >= 0)
				f->content_length = cl;
			if (declared_too_large(f, f->content_length))
				return 0;
		}
		/* an unencoded body of known size: allocate it once */
		if (!f->encoded && f->content_length > 0 &&
			(unsigned long long) f->content_length <= f->max_bytes &&
			!fetch_reserve(f, (size_t) f->content_length, true))
		{
			f->out_of_memory = true;
			return 0;
		}
	}

	if (n > f->max_bytes - f->len)
	{
		f->too_large = true;
		f->too_large_length = -1;
		return 0;
	}
	if (!fetch_reserve(f, f->len + n, false))
	{
		f->out_of_memory = true;
		return 0;
	}
	memcpy(f->buf + f->len, data, n);
	f->len += n;
	return n;
}
/* ------------------------------------------------------------------------
 * The transfer
 * ------------------------------------------------------------------------
 */

/*
 * Run the easy handle through the multi handle until it is done, calling
 * should_abort between steps of at most FETCH_POLL_MS.  Returns false when
 * the caller aborted or the multi interface failed (*multi_error set);
 * otherwise *code is the transfer's result.  *started says whether libcurl
 * saw the transfer at all (else its info is the previous transfer's).
 */
bool
fetch_run_transfer(Fetcher *f, const FetchOptions *opt, CURLcode *code,
				   bool *aborted, CURLMcode *multi_error, bool *started)
{
	CURLMcode	mc;
	CURLMsg    *msg;
	int			running = 1;
	int			left;
	bool		done = false;

	*aborted = false;
	*multi_error = CURLM_OK;
	*code = CURLE_OK;
	*started = false;

	if (opt->should_abort != NULL && opt->should_abort(opt->abort_arg))
	{
		*aborted = true;
		return false;
	}
	mc = curl_multi_add_handle(f->multi, f->easy);
	if (mc != CURLM_OK)
	{
		*multi_error = mc;
		return false;
	}
	*started = true;
	for (;;)
	{
		mc = curl_multi_perform(f->multi, &running);
		if (mc != CURLM_OK)
			break;
		if (running == 0)
			break;
		if (opt->should_abort != NULL && opt->should_abort(opt->abort_arg))
		{
			*aborted = true;
			break;
		}
		mc = curl_multi_poll(f->multi, NULL, 0, FETCH_POLL_MS, NULL);
		/* a signal (a latch, SIGALRM) is no reason to give up */
		if (mc == CURLM_UNRECOVERABLE_POLL && errno == EINTR)
			mc = CURLM_OK;
		if (mc != CURLM_OK)
			break;
	}
	if (mc != CURLM_OK)
		*multi_error = mc;
	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL)
	{
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == f->easy)
		{
			*code = msg->data.result;
			done = true;
		}
	}
	/* also stops an unfinished transfer (its connection is closed) */
	curl_multi_remove_handle(f->multi, f->easy);
	return done && !*aborted && mc == CURLM_OK;
}

/* Options that change per fetch; false (and a message) when one is refused. */
bool
fetch_set_options(Fetcher *f, const char *url, const FetchOptions *opt,
				  struct curl_slist **headers, FetchResponse *resp)
{
	CURLcode	rc = CURLE_OK;
	struct curl_slist *list = NULL;
	struct curl_slist *tmp;
	char		line[FETCH_VALIDATOR_LEN + 32];

	*headers = NULL;
	if (f->validators_url != NULL && strcmp(f->validators_url, url) == 0)
	{
		if (f->etag[0] != '\0')
		{
			snprintf(line, sizeof(line), "If-None-Match: %s", f->etag);
			if ((tmp = curl_slist_append(list, line)) == NULL)
				goto oom;
			list = tmp;
		}
		if (f->last_modified[0] != '\0')
		{
			snprintf(line, sizeof(line), "If-Modified-Since: %s",
					 f->last_modified);
			if ((tmp = curl_slist_append(list, line)) == NULL)
				goto oom;
			list = tmp;
		}
	}
	*headers = list;

#define SET(option, value) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(f->easy, option, value); \
	} while (0)

	SET(CURLOPT_URL, url);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, f->errbuf);
	SET(CURLOPT_PROTOCOLS_STR, opt->allow_file ? "http,https,file" : "http,https");
	/* a server must never send us to a local file, whatever allow_file says */
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, FETCH_MAX_REDIRS);
	SET(CURLOPT_FAILONERROR, 0L);
	SET(CURLOPT_ACCEPT_ENCODING, "gzip");
	SET(CURLOPT_CONNECTTIMEOUT_MS, opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : 0L);
	SET(CURLOPT_TIMEOUT_MS, opt->timeout_ms > 0 ? opt->timeout_ms : 0L);
	SET(CURLOPT_USERAGENT, opt->user_agent);
	SET(CURLOPT_HTTPHEADER, list);
	SET(CURLOPT_NOPROGRESS, 1L);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, f);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	SET(CURLOPT_HEADERDATA, f);
#undef SET

	if (rc != CURLE_OK)
	{
		fetch_set_error(resp, FETCH_ERROR, "could not set up the transfer: %s",
				  curl_easy_strerror(rc));
		return false;
	}
	return true;

oom:
	curl_slist_free_all(list);
	fetch_set_error(resp, FETCH_ERROR, "out of memory while setting up the request");
	return false;
}