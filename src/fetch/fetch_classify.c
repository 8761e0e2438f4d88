/*
 * fetch_classify.c
 *		The outcome of a transfer: which FetchResult it is, and the sentence
 *		that says why (FetchResponse.error).
 *
 * Pure C (C11 + libcurl), no Postgres headers.  The callbacks of
 * fetch_transfer.c only record facts; fetch_classify() weighs them once the
 * transfer is over, and the order of its checks decides which result wins
 * when several apply.  Every message passes through fetch_set_error(),
 * which redacts every URL in it (fetch_redact_text): libcurl's words and a
 * redirect's target may carry user info or a query string.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "fetch_internal.h"

_Static_assert(FETCH_ERROR_LEN >= CURL_ERROR_SIZE + 64,
			   "FETCH_ERROR_LEN must hold libcurl's error buffer and more");

/*
 * Format the message whole (URLs are never cut in the middle, where a
 * password could survive redaction), then redact it into resp->error.
 */
void
fetch_set_error(FetchResponse *resp, FetchResult result, const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *full;

	resp->result = result;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	full = n >= 0 ? malloc((size_t) n + 1) : NULL;
	if (full == NULL)
	{
		snprintf(resp->error, sizeof(resp->error),
				 "%s (out of memory while forming the message)",
				 fetch_result_name(result));
		return;
	}
	va_start(ap, fmt);
	vsnprintf(full, (size_t) n + 1, fmt, ap);
	va_end(ap);
	fetch_redact_text(full, resp->error, sizeof(resp->error));
	free(full);
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

/* A timeout: while connecting, before any response, or during the body. */
static void
timeout_failure(Fetcher *f, const char *eff, const FetchOptions *opt,
				double elapsed_ms, FetchResponse *resp)
{
	char		where[256];
	curl_off_t	pretransfer = 0;
	long		limit;

	if (f->status != 0 || f->len != 0)
	{
		fetch_set_error(resp, FETCH_TIMEOUT,
						"timed out after %.0f ms (limit %ld ms) with %zu bytes of the body received from %s",
						elapsed_ms, opt->timeout_ms, f->len, eff);
		return;
	}
	if (curl_easy_getinfo(f->easy, CURLINFO_PRETRANSFER_TIME_T,
						  &pretransfer) != CURLE_OK)
		pretransfer = 0;
	if (pretransfer != 0)
	{
		fetch_set_error(resp, FETCH_TIMEOUT,
						"timed out after %.0f ms (limit %ld ms) with no response from %s",
						elapsed_ms, opt->timeout_ms, eff);
		return;
	}
	/* still resolving or connecting */
	limit = opt->connect_timeout_ms > 0 ?
		opt->connect_timeout_ms : FETCH_CURL_DEFAULT_CONNECT_MS;
	if (opt->timeout_ms > 0 && opt->timeout_ms < limit)
		limit = opt->timeout_ms;
	fetch_url_host_port(eff, where, sizeof(where));
	fetch_set_error(resp, FETCH_TIMEOUT,
					"connecting to %s timed out after %.0f ms (limit %ld ms)",
					where[0] ? where : eff, elapsed_ms, limit);
}

/* No connection: refused, or another reason of the OS or libcurl. */
static void
connect_failure(Fetcher *f, const char *eff, const char *words,
				FetchResponse *resp)
{
	char		where[256];
	char	   *ip = NULL;
	long		port = 0;
	long		os_errno = 0;

	curl_easy_getinfo(f->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_PORT, &port);
	if (ip != NULL && ip[0] != '\0' && port > 0)
		snprintf(where, sizeof(where), "%s port %ld", ip, port);
	else
		fetch_url_host_port(eff, where, sizeof(where));
	if (os_errno == ECONNREFUSED)
		fetch_set_error(resp, FETCH_ERROR, "connection refused by %s", where);
	else
		fetch_set_error(resp, FETCH_ERROR, "could not connect to %s: %s",
						where, os_errno != 0 ? strerror((int) os_errno) : words);
}

/* A body that ended early. */
static void
truncated_failure(Fetcher *f, const char *eff, FetchResponse *resp)
{
	curl_off_t	received = 0;

	curl_easy_getinfo(f->easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
	if (f->content_length >= 0 && !f->encoded)
		fetch_set_error(resp, FETCH_ERROR,
						"body truncated: the connection closed after %lld of %lld bytes from %s",
						(long long) received, f->content_length, eff);
	else
		fetch_set_error(resp, FETCH_ERROR,
						"body truncated: the connection closed after %lld bytes, before the end of the body from %s",
						(long long) received, eff);
}

/* Classify a transfer that libcurl ended with code != CURLE_OK. */
static void
classify_failure(Fetcher *f, const char *url, const FetchOptions *opt,
				 CURLcode code, double elapsed_ms, FetchResponse *resp)
{
	char		words[CURL_ERROR_SIZE];
	const char *eff = effective_url(f, url);
	long		redirects = 0;

	curl_sentence(f, code, words, sizeof(words));

	switch (code)
	{
		case CURLE_OPERATION_TIMEDOUT:
			timeout_failure(f, eff, opt, elapsed_ms, resp);
			return;
		case CURLE_TOO_MANY_REDIRECTS:
			fetch_set_error(resp, FETCH_ERROR, "too many redirects (more than %ld) from %s",
							FETCH_MAX_REDIRS, url);
			return;
		case CURLE_COULDNT_RESOLVE_HOST:
			fetch_set_error(resp, FETCH_ERROR, "could not resolve the host name in %s (%s)",
							eff, words);
			return;
		case CURLE_COULDNT_CONNECT:
			connect_failure(f, eff, words, resp);
			return;
		case CURLE_PARTIAL_FILE:
			truncated_failure(f, eff, resp);
			return;
		case CURLE_UNSUPPORTED_PROTOCOL:
			curl_easy_getinfo(f->easy, CURLINFO_REDIRECT_COUNT, &redirects);
			if (redirects > 0 || strcmp(eff, url) != 0)
				fetch_set_error(resp, FETCH_ERROR,
								"redirect to %s refused: only http:// and https:// may be redirected to",
								eff);
			else
				fetch_set_error(resp, FETCH_ERROR, "protocol not allowed: %s", words);
			return;
		case CURLE_URL_MALFORMAT:
			fetch_set_error(resp, FETCH_ERROR, "malformed URL %s: %s", eff, words);
			return;
		case CURLE_FILE_COULDNT_READ_FILE:
			fetch_set_error(resp, FETCH_ERROR, "could not read %s: %s", eff, words);
			return;
		case CURLE_OUT_OF_MEMORY:
			fetch_set_error(resp, FETCH_ERROR, "out of memory in libcurl fetching %s", eff);
			return;
		default:
			fetch_set_error(resp, FETCH_ERROR, "%s (fetching %s)", words, eff);
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
			fetch_set_error(resp, FETCH_ERROR,
							"HTTP status 304 from %s to a request that was not conditional",
							eff);
		return;
	}
	if (status >= 400)
	{
		fetch_set_error(resp, FETCH_HTTP_ERROR, "HTTP status %ld from %s", status, eff);
		return;
	}
	if (status >= 300)
		fetch_set_error(resp, FETCH_ERROR,
						"HTTP status %ld from %s without a redirect that could be followed",
						status, eff);
	else
		fetch_set_error(resp, FETCH_ERROR, "unexpected HTTP status %ld from %s",
						status, eff);
}

/*
 * The outcome of a transfer, from what the callbacks recorded and what
 * libcurl says.  resp->http_status is set already.  The order decides which
 * result wins.
 */
void
fetch_classify(Fetcher *f, const FetchOptions *opt, const TransferEnd *end,
			   FetchResponse *resp)
{
	if (end->aborted)
		fetch_set_error(resp, FETCH_ABORTED, "aborted by the caller after %.0f ms",
						end->elapsed_ms);
	else if (!end->finished)
		fetch_set_error(resp, FETCH_ERROR, "libcurl multi interface failed: %s",
						curl_multi_strerror(end->multi_error));
	else if (f->status >= 400 && f->headers_done)
	{
		/* the status is what matters, whatever happened to the body */
		if (resp->http_status == 0)
			resp->http_status = f->status;
		fetch_set_error(resp, FETCH_HTTP_ERROR, "HTTP status %ld from %s",
						resp->http_status, effective_url(f, end->url));
	}
	else if (f->out_of_memory)
		fetch_set_error(resp, FETCH_ERROR,
						"out of memory after %zu bytes of the body", f->len);
	else if (f->too_large && f->too_large_length >= 0)
		fetch_set_error(resp, FETCH_TOO_LARGE,
						"body larger than %zu bytes (Content-Length %lld)",
						f->max_bytes, f->too_large_length);
	else if (f->too_large)
		fetch_set_error(resp, FETCH_TOO_LARGE, "body larger than %zu bytes",
						f->max_bytes);
	else if (end->code != CURLE_OK)
		classify_failure(f, end->url, opt, end->code, end->elapsed_ms, resp);
	else
		classify_status(f, end->url, end->sent_validators, resp);
}
