/*
 * fetch.c
 *		One HTTP(S) fetch of a feed document with libcurl: conditional
 *		requests, a body cap, timeouts and an abort callback served every
 *		100 ms.  See fetch.h for the contract.
 *
 * Pure C (C11 + libcurl), no Postgres headers.  Everything a transfer needs
 * lives in the Fetcher: the easy handle, the multi handle that drives it
 * (and holds the connection cache), the body buffer and the validators.
 *
 * The callbacks only record facts (status, headers, bytes); fetch_url()
 * classifies the outcome once the transfer is over, so the order of the
 * checks there decides which result wins when several apply.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch.h"

_Static_assert(FETCH_ERROR_LEN >= CURL_ERROR_SIZE + 64,
			   "FETCH_ERROR_LEN must hold libcurl's error buffer and more");

#if LIBCURL_VERSION_NUM < 0x075500
#error "libcurl 7.85.0 or later is needed (CURLOPT_PROTOCOLS_STR)"
#endif

/* Redirects followed before giving up. */
#define FETCH_MAX_REDIRS 5L
/* Longest wait inside libcurl between two should_abort() calls. */
#define FETCH_POLL_MS 100
/* Longest ETag / Last-Modified remembered; longer ones are not used. */
#define FETCH_VALIDATOR_LEN 256
/* Smallest body buffer kept between fetches, and first allocation. */
#define FETCH_BUF_MIN (64 * 1024)
/* Shrink the kept buffer when it is more than this times what is needed. */
#define FETCH_SHRINK_FACTOR 4
/* libcurl's connect timeout when CURLOPT_CONNECTTIMEOUT_MS is 0. */
#define FETCH_CURL_DEFAULT_CONNECT_MS 300000L

struct Fetcher
{
	CURLM	   *multi;
	CURL	   *easy;
	char		errbuf[CURL_ERROR_SIZE];

	/* body buffer, kept between fetches; cap includes room for the NUL */
	char	   *buf;
	size_t		len;
	size_t		cap;
	size_t		last_body_len;	/* of the last FETCH_OK */

	/* validators of the last 200 response, and the URL they came from */
	char	   *validators_url;
	char		etag[FETCH_VALIDATOR_LEN];
	char		last_modified[FETCH_VALIDATOR_LEN];

	/*
	 * State of the transfer in progress.  The response fields are reset at
	 * every status line, so after redirects (and 1xx) they describe the
	 * final response.
	 */
	size_t		max_bytes;
	long		status;			/* from the last status line, 0 none */
	bool		headers_done;	/* blank line after the headers seen */
	bool		encoded;		/* Content-Encoding other than identity */
	bool		gzip;			/* Content-Encoding gzip */
	bool		chunked;		/* Transfer-Encoding: the length is not known */
	long long	content_length; /* -1 when not sent */
	char		new_etag[FETCH_VALIDATOR_LEN];
	char		new_last_modified[FETCH_VALIDATOR_LEN];
	bool		length_checked; /* Content-Length compared with the cap */
	bool		body_started;	/* write_cb has seen this response */
	bool		too_large;
	long long	too_large_length;	/* the Content-Length refused, or -1 */
	bool		out_of_memory;
	size_t		discarded;		/* body bytes of a status >= 400 */
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------------
 * Process-wide
 * ------------------------------------------------------------------------
 */

static bool curl_initialised = false;

bool
fetch_global_init(void)
{
	if (curl_initialised)
		return true;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return false;
	curl_initialised = true;
	return true;
}

void
fetch_global_cleanup(void)
{
	if (!curl_initialised)
		return;
	curl_global_cleanup();
	curl_initialised = false;
}

const char *
fetch_result_name(FetchResult result)
{
	switch (result)
	{
		case FETCH_OK:
			return "OK";
		case FETCH_NOT_MODIFIED:
			return "NOT_MODIFIED";
		case FETCH_HTTP_ERROR:
			return "HTTP_ERROR";
		case FETCH_TIMEOUT:
			return "TIMEOUT";
		case FETCH_TOO_LARGE:
			return "TOO_LARGE";
		case FETCH_ABORTED:
			return "ABORTED";
		case FETCH_ERROR:
			return "ERROR";
	}
	return "UNKNOWN";
}

/* ------------------------------------------------------------------------
 * URL checks
 * ------------------------------------------------------------------------
 */

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
static void
url_host_port(const char *url, char *buf, size_t size)
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
 * Fetcher lifetime
 * ------------------------------------------------------------------------
 */

Fetcher *
fetcher_create(void)
{
	Fetcher    *f;

	if (!fetch_global_init())
		return NULL;
	f = calloc(1, sizeof(Fetcher));
	if (f == NULL)
		return NULL;
	f->multi = curl_multi_init();
	f->easy = curl_easy_init();
	if (f->multi == NULL || f->easy == NULL)
	{
		fetcher_destroy(f);
		return NULL;
	}
	return f;
}

void
fetcher_destroy(Fetcher *f)
{
	if (f == NULL)
		return;
	/* the easy handle is never left in the multi handle between fetches */
	if (f->easy != NULL)
		curl_easy_cleanup(f->easy);
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	free(f->buf);
	free(f->validators_url);
	free(f);
}

void
fetcher_forget_validators(Fetcher *f)
{
	if (f == NULL)
		return;
	free(f->validators_url);
	f->validators_url = NULL;
	f->etag[0] = '\0';
	f->last_modified[0] = '\0';
}

void
fetcher_reset(Fetcher *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
	f->last_body_len = 0;
}

/* ------------------------------------------------------------------------
 * Callbacks
 * ------------------------------------------------------------------------
 */

/* A status line: a new response begins (redirect, 1xx, or the final one). */
static void
begin_response(Fetcher *f, const char *line, size_t len)
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
		begin_response(f, data, len);
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
static bool
reserve(Fetcher *f, size_t need, bool exact)
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
			!reserve(f, (size_t) f->content_length, true))
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
	if (!reserve(f, f->len + n, false))
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

static void
set_error(FetchResponse *resp, FetchResult result, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static void
set_error(FetchResponse *resp, FetchResult result, const char *fmt,...)
{
	va_list		ap;

	resp->result = result;
	va_start(ap, fmt);
	vsnprintf(resp->error, sizeof(resp->error), fmt, ap);
	va_end(ap);
}

/*
 * libcurl's own words as a sentence of ours: no trailing newline or period,
 * first letter lower-case unless it starts an acronym ("SSL ...").
 */
static void
curl_sentence(const Fetcher *f, CURLcode code, char *buf, size_t size)
{
	size_t		len;

	snprintf(buf, size, "%s",
			 f->errbuf[0] != '\0' ? f->errbuf : curl_easy_strerror(code));
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
					   buf[len - 1] == '.' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (len >= 2 && isupper((unsigned char) buf[0]) &&
		!isupper((unsigned char) buf[1]))
		buf[0] = tolower((unsigned char) buf[0]);
}

/*
 * Run the easy handle through the multi handle until it is done, calling
 * should_abort between steps of at most FETCH_POLL_MS.  Returns false when
 * the caller aborted or the multi interface failed (*multi_error set);
 * otherwise *code is the transfer's result.  *started says whether libcurl
 * saw the transfer at all (else its info is the previous transfer's).
 */
static bool
run_transfer(Fetcher *f, const FetchOptions *opt, CURLcode *code,
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
static bool
set_options(Fetcher *f, const char *url, const FetchOptions *opt,
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
		set_error(resp, FETCH_ERROR, "could not set up the transfer: %s",
				  curl_easy_strerror(rc));
		return false;
	}
	return true;

oom:
	curl_slist_free_all(list);
	set_error(resp, FETCH_ERROR, "out of memory while setting up the request");
	return false;
}

/* The URL of the last request (after redirects), else url. */
static const char *
effective_url(Fetcher *f, const char *url)
{
	char	   *eff = NULL;

	if (curl_easy_getinfo(f->easy, CURLINFO_EFFECTIVE_URL, &eff) != CURLE_OK ||
		eff == NULL)
		return url;
	return eff;
}

/* Classify a transfer that libcurl ended with code != CURLE_OK. */
static void
classify_failure(Fetcher *f, const char *url, const FetchOptions *opt,
				 CURLcode code, double elapsed_ms, FetchResponse *resp)
{
	char		words[CURL_ERROR_SIZE];
	char		where[256];
	const char *eff = effective_url(f, url);
	char	   *ip = NULL;
	long		port = 0;
	long		os_errno = 0;
	curl_off_t	received = 0;

	curl_sentence(f, code, words, sizeof(words));

	switch (code)
	{
		case CURLE_OPERATION_TIMEDOUT:
			if (f->status == 0 && f->len == 0)
			{
				long		pretransfer = 0;
				curl_off_t	pt = 0;
				long		limit;

				if (curl_easy_getinfo(f->easy, CURLINFO_PRETRANSFER_TIME_T,
									  &pt) == CURLE_OK)
					pretransfer = (long) pt;
				if (pretransfer == 0)
				{
					/* still resolving or connecting */
					limit = opt->connect_timeout_ms > 0 ?
						opt->connect_timeout_ms : FETCH_CURL_DEFAULT_CONNECT_MS;
					if (opt->timeout_ms > 0 && opt->timeout_ms < limit)
						limit = opt->timeout_ms;
					url_host_port(eff, where, sizeof(where));
					set_error(resp, FETCH_TIMEOUT,
							  "connecting to %s timed out after %.0f ms (limit %ld ms)",
							  where[0] ? where : eff, elapsed_ms, limit);
				}
				else
					set_error(resp, FETCH_TIMEOUT,
							  "timed out after %.0f ms (limit %ld ms) with no response from %s",
							  elapsed_ms, opt->timeout_ms, eff);
			}
			else
				set_error(resp, FETCH_TIMEOUT,
						  "timed out after %.0f ms (limit %ld ms) with %zu bytes of the body received from %s",
						  elapsed_ms, opt->timeout_ms, f->len, eff);
			return;

		case CURLE_TOO_MANY_REDIRECTS:
			set_error(resp, FETCH_ERROR, "too many redirects (more than %ld) from %s",
					  FETCH_MAX_REDIRS, url);
			return;

		case CURLE_COULDNT_RESOLVE_HOST:
			url_host_port(eff, where, sizeof(where));
			set_error(resp, FETCH_ERROR, "could not resolve the host name in %s (%s)",
					  eff, words);
			return;

		case CURLE_COULDNT_CONNECT:
			curl_easy_getinfo(f->easy, CURLINFO_OS_ERRNO, &os_errno);
			curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
			curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_PORT, &port);
			if (ip != NULL && ip[0] != '\0' && port > 0)
				snprintf(where, sizeof(where), "%s port %ld", ip, port);
			else
				url_host_port(eff, where, sizeof(where));
			if (os_errno == ECONNREFUSED)
				set_error(resp, FETCH_ERROR, "connection refused by %s", where);
			else if (os_errno != 0)
				set_error(resp, FETCH_ERROR, "could not connect to %s: %s",
						  where, strerror((int) os_errno));
			else
				set_error(resp, FETCH_ERROR, "could not connect to %s: %s",
						  where, words);
			return;

		case CURLE_PARTIAL_FILE:
			curl_easy_getinfo(f->easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
			if (f->content_length >= 0 && !f->encoded)
				set_error(resp, FETCH_ERROR,
						  "body truncated: the connection closed after %lld of %lld bytes from %s",
						  (long long) received, f->content_length, eff);
			else
				set_error(resp, FETCH_ERROR,
						  "body truncated: the connection closed after %lld bytes, before the end of the body from %s",
						  (long long) received, eff);
			return;

		case CURLE_UNSUPPORTED_PROTOCOL:
			{
				long		redirects = 0;

				curl_easy_getinfo(f->easy, CURLINFO_REDIRECT_COUNT, &redirects);
				if (redirects > 0 || strcmp(eff, url) != 0)
					set_error(resp, FETCH_ERROR,
							  "redirect to %s refused: only http:// and https:// may be redirected to",
							  eff);
				else
					set_error(resp, FETCH_ERROR, "protocol not allowed: %s", words);
			}
			return;

		case CURLE_URL_MALFORMAT:
			set_error(resp, FETCH_ERROR, "malformed URL %s: %s", eff, words);
			return;

		case CURLE_FILE_COULDNT_READ_FILE:
			set_error(resp, FETCH_ERROR, "could not read %s: %s", eff, words);
			return;

		case CURLE_OUT_OF_MEMORY:
			set_error(resp, FETCH_ERROR, "out of memory in libcurl fetching %s", eff);
			return;

		default:
			set_error(resp, FETCH_ERROR, "%s (fetching %s)", words, eff);
			return;
	}
}

/* Classify a transfer libcurl finished (CURLE_OK) by its status. */
static void
classify_status(Fetcher *f, const char *url, bool sent_validators,
				FetchResponse *resp)
{
	const char *eff = effective_url(f, url);
	long		status = resp->http_status;

	if (status == 0 || (status >= 200 && status < 300))
	{
		resp->result = FETCH_OK;
		return;
	}
	if (status == 304)
	{
		if (sent_validators)
			resp->result = FETCH_NOT_MODIFIED;
		else
			set_error(resp, FETCH_ERROR,
					  "HTTP status 304 from %s to a request that was not conditional",
					  eff);
		return;
	}
	if (status >= 400)
	{
		set_error(resp, FETCH_HTTP_ERROR, "HTTP status %ld from %s", status, eff);
		return;
	}
	if (status >= 300)
		set_error(resp, FETCH_ERROR,
				  "HTTP status %ld from %s without a redirect that could be followed",
				  status, eff);
	else
		set_error(resp, FETCH_ERROR, "unexpected HTTP status %ld from %s",
				  status, eff);
}

/* Give memory back when the buffer is far larger than the bodies need. */
static void
maybe_shrink(Fetcher *f, size_t keep)
{
	size_t		target = keep + 1;
	char	   *p;

	if (target < FETCH_BUF_MIN)
		target = FETCH_BUF_MIN;
	if (f->buf == NULL || f->cap / FETCH_SHRINK_FACTOR <= target)
		return;
	p = realloc(f->buf, target);
	if (p == NULL)
		return;					/* keep the larger one */
	f->buf = p;
	f->cap = target;
}

void
fetch_url(Fetcher *f, const char *url, const FetchOptions *opt,
		  FetchResponse *resp)
{
	static const FetchOptions no_options = {0};
	double		start = now_ms();
	struct curl_slist *headers = NULL;
	const char *reason;
	CURLcode	code;
	CURLMcode	multi_error;
	bool		aborted;
	bool		finished;
	bool		started;
	bool		sent_validators;
	long		status = 0;
	long		connects = 0;

	memset(resp, 0, sizeof(*resp));
	resp->result = FETCH_ERROR;
	if (opt == NULL)
		opt = &no_options;
	if (f == NULL || url == NULL)
	{
		set_error(resp, FETCH_ERROR, "no fetcher or no URL");
		goto out;
	}
	if (!fetch_url_scheme_allowed(url, opt->allow_file, &reason))
	{
		set_error(resp, FETCH_ERROR, "refused URL %s: %s", url, reason);
		goto out;
	}

	/* per-transfer state */
	f->max_bytes = opt->max_bytes > 0 ? opt->max_bytes : SIZE_MAX - 1;
	f->errbuf[0] = '\0';
	begin_response(f, "", 0);
	f->too_large = false;
	f->too_large_length = -1;
	f->out_of_memory = false;

	if (!set_options(f, url, opt, &headers, resp))
		goto out;
	sent_validators = headers != NULL;

	finished = run_transfer(f, opt, &code, &aborted, &multi_error, &started);

	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, (struct curl_slist *) NULL);
	curl_slist_free_all(headers);

	if (started)
	{
		curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
		if (curl_easy_getinfo(f->easy, CURLINFO_NUM_CONNECTS, &connects) != CURLE_OK)
			connects = 1;
	}
	resp->http_status = status;
	resp->content_encoding_gzip = f->gzip && status != 0;
	resp->connection_reused = connects == 0 && status != 0;

	/* the order decides which result wins */
	if (aborted)
		set_error(resp, FETCH_ABORTED, "aborted by the caller after %.0f ms",
				  now_ms() - start);
	else if (!finished)
		set_error(resp, FETCH_ERROR, "libcurl multi interface failed: %s",
				  curl_multi_strerror(multi_error));
	else if (f->status >= 400 && f->headers_done)
	{
		/* the status is what matters, whatever happened to the body */
		resp->http_status = status ? status : f->status;
		set_error(resp, FETCH_HTTP_ERROR, "HTTP status %ld from %s",
				  resp->http_status, effective_url(f, url));
	}
	else if (f->out_of_memory)
		set_error(resp, FETCH_ERROR,
				  "out of memory after %zu bytes of the body", f->len);
	else if (f->too_large && f->too_large_length >= 0)
		set_error(resp, FETCH_TOO_LARGE,
				  "body larger than %zu bytes (Content-Length %lld)",
				  f->max_bytes, f->too_large_length);
	else if (f->too_large)
		set_error(resp, FETCH_TOO_LARGE, "body larger than %zu bytes",
				  f->max_bytes);
	else if (code != CURLE_OK)
		classify_failure(f, url, opt, code, now_ms() - start, resp);
	else
		classify_status(f, url, sent_validators, resp);

	if (resp->result == FETCH_OK)
	{
		if (!reserve(f, f->len, false))
		{
			set_error(resp, FETCH_ERROR,
					  "out of memory after %zu bytes of the body", f->len);
			f->len = 0;
		}
		else
		{
			maybe_shrink(f, f->len);
			f->buf[f->len] = '\0';
			resp->body = f->buf;
			resp->body_len = f->len;
			f->last_body_len = f->len;

			/* the validators of this document, for the next request */
			fetcher_forget_validators(f);
			if (status == 200 &&
				(f->new_etag[0] != '\0' || f->new_last_modified[0] != '\0') &&
				(f->validators_url = strdup(url)) != NULL)
			{
				memcpy(f->etag, f->new_etag, sizeof(f->etag));
				memcpy(f->last_modified, f->new_last_modified,
					   sizeof(f->last_modified));
			}
		}
	}
	else
	{
		f->len = 0;
		maybe_shrink(f, f->last_body_len);
	}

out:
	resp->total_ms = now_ms() - start;
}
