/*
 * fetch_internal.h
 *		What the files of the fetch stage share: the Fetcher itself and the
 *		helpers one file offers the others.  Not for callers of fetch.h.
 *
 * The fetch stage is split by concern, all pure C (C11 + libcurl):
 *	fetch.c			 process-wide init, Fetcher lifetime, fetch_url()
 *	fetch_transfer.c libcurl options, header/body callbacks, transfer loop
 *	fetch_classify.c the outcome of a transfer as a FetchResult and sentence
 *	fetch_urls.c	 scheme checks, host/port for messages, URL redaction
 */
#ifndef VATSIM_FETCH_INTERNAL_H
#define VATSIM_FETCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fetch.h"

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
/* fetch_transfer.c */
extern void fetch_begin_response(Fetcher *f, const char *line, size_t len);
extern bool fetch_reserve(Fetcher *f, size_t need, bool exact);
extern bool fetch_set_options(Fetcher *f, const char *url,
							  const FetchOptions *opt,
							  struct curl_slist **headers,
							  FetchResponse *resp);
extern bool fetch_run_transfer(Fetcher *f, const FetchOptions *opt,
							   CURLcode *code, bool *aborted,
							   CURLMcode *multi_error, bool *started);

/* fetch_classify.c */
extern void fetch_set_error(FetchResponse *resp, FetchResult result,
							const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* What a finished (or stopped) transfer left behind, for classification. */
typedef struct TransferEnd
{
	const char *url;			/* as asked for */
	bool		aborted;
	bool		finished;		/* run to its end by libcurl */
	CURLMcode	multi_error;
	CURLcode	code;
	bool		sent_validators;
	double		elapsed_ms;
} TransferEnd;

extern void fetch_classify(Fetcher *f, const FetchOptions *opt,
						   const TransferEnd *end, FetchResponse *resp);

/* fetch_urls.c */
extern void fetch_url_host_port(const char *url, char *buf, size_t size);

#endif							/* VATSIM_FETCH_INTERNAL_H */
