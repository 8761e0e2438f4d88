/*
 * fetch.c
 *		One HTTP(S) fetch of a feed document with libcurl: conditional
 *		requests, a body cap, timeouts and an abort callback served every
 *		100 ms.  See fetch.h for the contract, fetch_internal.h for how the
 *		stage is split into files.
 *
 * Pure C (C11 + libcurl), no Postgres headers.  Everything a transfer needs
 * lives in the Fetcher: the easy handle, the multi handle that drives it
 * (and holds the connection cache), the body buffer and the validators.
 * This file owns libcurl's process-wide state, the Fetcher's lifetime and
 * fetch_url(), which runs a transfer and keeps its body and validators.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch_internal.h"

#if LIBCURL_VERSION_NUM < 0x075500
#error "libcurl 7.85.0 or later is needed (CURLOPT_PROTOCOLS_STR)"
#endif

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
 * fetch_url
 * ------------------------------------------------------------------------
 */

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

/* Keep the body of a FETCH_OK and its validators for the next request. */
static void
keep_document(Fetcher *f, const char *url, long status, FetchResponse *resp)
{
	if (!fetch_reserve(f, f->len, false))
	{
		fetch_set_error(resp, FETCH_ERROR,
						"out of memory after %zu bytes of the body", f->len);
		f->len = 0;
		return;
	}
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

void
fetch_url(Fetcher *f, const char *url, const FetchOptions *opt,
		  FetchResponse *resp)
{
	static const FetchOptions no_options = {0};
	double		start = now_ms();
	struct curl_slist *headers = NULL;
	const char *reason;
	TransferEnd end;
	bool		started;
	long		status = 0;
	long		connects = 0;

	memset(resp, 0, sizeof(*resp));
	resp->result = FETCH_ERROR;
	if (opt == NULL)
		opt = &no_options;
	if (f == NULL || url == NULL)
	{
		fetch_set_error(resp, FETCH_ERROR, "no fetcher or no URL");
		goto out;
	}
	if (!fetch_url_scheme_allowed(url, opt->allow_file, &reason))
	{
		fetch_set_error(resp, FETCH_ERROR, "refused URL %s: %s", url, reason);
		goto out;
	}

	/* per-transfer state */
	f->max_bytes = opt->max_bytes > 0 ? opt->max_bytes : SIZE_MAX - 1;
	f->errbuf[0] = '\0';
	fetch_begin_response(f, "", 0);
	f->too_large = false;
	f->too_large_length = -1;
	f->out_of_memory = false;

	if (!fetch_set_options(f, url, opt, &headers, resp))
		goto out;
	memset(&end, 0, sizeof(end));
	end.url = url;
	end.sent_validators = headers != NULL;

	end.finished = fetch_run_transfer(f, opt, &end.code, &end.aborted,
									  &end.multi_error, &started);

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

	end.elapsed_ms = now_ms() - start;
	fetch_classify(f, opt, &end, resp);

	if (resp->result == FETCH_OK)
		keep_document(f, url, status, resp);
	else
	{
		f->len = 0;
		maybe_shrink(f, f->last_body_len);
	}

out:
	resp->total_ms = now_ms() - start;
}
