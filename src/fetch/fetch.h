/*
 * fetch.h
 *		Fetching the VATSIM feed over HTTP(S) with libcurl: the first step
 *		of the worker's cycle, before parsing and storing.
 *
 * This header and src/fetch*.c are pure C (C11 + libcurl): no Postgres
 * headers, so the fetcher can be tested against a local HTTP server on its
 * own (test/fetch/).  The background worker owns one Fetcher per URL (feed,
 * transceivers) and calls fetch_url() every cycle.
 *
 * A Fetcher keeps one libcurl easy handle inside one multi handle, so the
 * connection (and TLS session) is reused from one cycle to the next, and
 * remembers the ETag and Last-Modified of its last 200 response, so the
 * next request is conditional and an unchanged document costs a 304.
 *
 * The transfer is driven with the multi interface in steps of at most
 * 100 ms; FetchOptions.should_abort is called between steps, also while
 * resolving and connecting, so an interrupt is served within ~100 ms.
 *
 * Ownership: FetchResponse.body points into a buffer owned by the Fetcher.
 * It is valid until the next fetch_url(), fetcher_reset() or
 * fetcher_destroy() on that Fetcher.  The buffer is kept between fetches
 * (so a steady feed costs no allocation per cycle) and shrunk when it has
 * grown far beyond what the documents need.
 *
 * Messages (FetchResponse.error) are sentences without a trailing period,
 * starting lower-case: "HTTP status 500 from http://host/x",
 * "timed out after 2001 ms (limit 2000 ms)".  Every URL in them is
 * redacted (fetch_redact_text): no user:password@, and "?..." in place of
 * a query string and fragment, so they can be shown to anyone.
 *
 * Threads: a Fetcher must be used by one thread at a time.  No global state
 * besides libcurl's own (fetch_global_init).
 */
#ifndef VATSIM_FETCH_H
#define VATSIM_FETCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Room for libcurl's error buffer (CURL_ERROR_SIZE, 256) plus our own words
 * and a URL; fetch.c checks the relation at compile time.  Longer messages
 * are truncated.
 */
#define FETCH_ERROR_LEN 512

typedef enum FetchResult
{
	FETCH_OK = 0,				/* 2xx (or file://) with a body */
	FETCH_NOT_MODIFIED,			/* 304: unchanged since the last 200 */
	FETCH_HTTP_ERROR,			/* HTTP status >= 400 (in http_status) */
	FETCH_TIMEOUT,				/* connect or total timeout */
	FETCH_TOO_LARGE,			/* body exceeds max_bytes */
	FETCH_ABORTED,				/* should_abort() asked to stop */
	FETCH_ERROR					/* anything else: DNS, refused, TLS,
								 * redirect loop, bad URL, truncated body,
								 * protocol not allowed, out of memory */
} FetchResult;

typedef struct FetchOptions
{
	long		connect_timeout_ms; /* DNS + TCP + TLS; 0: libcurl's 300 s */
	long		timeout_ms;		/* whole transfer; 0: no limit */
	size_t		max_bytes;		/* body cap, decoded bytes; 0: no limit */
	bool		allow_file;		/* permit file:// besides http and https */
	const char *user_agent;		/* e.g. "vatsim_ingest/0.2.0"; NULL: none */

	/*
	 * Called before the transfer starts and then at least every ~100 ms
	 * until it ends (also while resolving and connecting); return true to
	 * abort.  NULL: never abort.
	 */
	bool		(*should_abort) (void *arg);
	void	   *abort_arg;
} FetchOptions;

typedef struct FetchResponse
{
	FetchResult result;
	long		http_status;	/* final status; 0 when none (file://, no
								 * response) */
	char	   *body;			/* FETCH_OK only, else NULL; NUL-terminated */
	size_t		body_len;		/* decoded bytes, without the NUL */
	bool		content_encoding_gzip;	/* the server sent it gzip-encoded */
	bool		connection_reused;	/* no new connection was opened */
	char		error[FETCH_ERROR_LEN]; /* a sentence for every result but
										 * FETCH_OK and FETCH_NOT_MODIFIED;
										 * "" for those */
	double		total_ms;		/* wall-clock time of fetch_url() */
} FetchResponse;

/* One per URL; opaque. */
typedef struct Fetcher Fetcher;

/*
 * curl_global_init once per process; call it before any other thread runs
 * (libcurl before 7.84 requires that).  Returns false when libcurl could not
 * be initialised.  fetcher_create() calls it too.
 */
extern bool fetch_global_init(void);
/* curl_global_cleanup, for tests that check for leaks; after it, nothing. */
extern void fetch_global_cleanup(void);

/* NULL when out of memory or libcurl failed. */
extern Fetcher *fetcher_create(void);
/* Frees everything, closes connections; NULL is allowed. */
extern void fetcher_destroy(Fetcher *f);

/*
 * Fetch url into *resp (every field is set).  Never fails otherwise: the
 * outcome is resp->result, with resp->error saying why.
 *
 * The URL is checked with fetch_url_scheme_allowed() first; libcurl is also
 * told to speak only those protocols, and redirects (at most 5) may go to
 * http and https only, even when allow_file is set.
 *
 * Validators (ETag, Last-Modified) are taken from a 200 response and sent
 * with the next request to the same URL; a request to another URL sends
 * none.  A caller that could not use a document it got should call
 * fetcher_forget_validators(), or the next fetch will say 304 and the
 * document will never be offered again.
 */
extern void fetch_url(Fetcher *f, const char *url, const FetchOptions *opt,
					  FetchResponse *resp);

/* Drop the remembered ETag / Last-Modified: the next request is plain. */
extern void fetcher_forget_validators(Fetcher *f);

/*
 * Free the body buffer (the last body becomes invalid); validators and the
 * connection are kept.  For giving memory back between rare fetches.
 */
extern void fetcher_reset(Fetcher *f);

/*
 * For a GUC check hook: is this URL's scheme one fetch_url() accepts?  http
 * and https, and file when allow_file; case-insensitive; the rest of the
 * URL must parse.  On false, *reason (when reason is not NULL) is a static
 * sentence without trailing period, usable as a hint; on true it is NULL.
 */
extern bool fetch_url_scheme_allowed(const char *url, bool allow_file,
									 const char **reason);

/*
 * url without its user info (user:password@) and with "?..." in place of
 * its query string and fragment, into buf (truncated to size - 1 bytes):
 * "http://u:pw@host/feed?apikey=x" gives "http://host/feed?...".  Works on
 * text, so also on URLs that do not parse.
 */
extern void fetch_redact_url(const char *url, char *buf, size_t size);

/* text with every URL in it (scheme://...) redacted so, into buf. */
extern void fetch_redact_text(const char *text, char *buf, size_t size);

/* "OK", "NOT_MODIFIED", "HTTP_ERROR", ... for logs and tests. */
extern const char *fetch_result_name(FetchResult result);

#endif							/* VATSIM_FETCH_H */
