/*-------------------------------------------------------------------------
 *
 * test_fetch.c
 *		Tests of src/fetch/fetch.c against real HTTP servers, written as a TAP
 *		producer.
 *
 * With the harness of ../unit/tap.h (no test framework): prints
 * "ok N - name" or "not ok N - name" per test, diagnostics as "# ..."
 * lines, and the plan "1..N" at the end; exits non-zero when a test
 * failed.  Run through prove(1), see the Makefile.
 *
 * Two kinds of server:
 *	- the feed server (test/feed_server.py) at $FEED_SERVER_URL, serving the
 *	  uncompressed fixtures of $FIXTURE_DIR under /feeds/: the feed file
 *	  $FEED_FIXTURE, errors, redirects, slow, stalled, truncated and huge
 *	  bodies.  Without FEED_SERVER_URL these tests are skipped.
 *	- a canned server forked by this program: it answers each connection
 *	  with a fixed response and hands the request back, so the request
 *	  headers (User-Agent, conditional headers) and odd responses can be
 *	  checked exactly.
 *
 * Timing assertions are bounds for behaviour (an abort is served within
 * ~0.6 s, not after the 30 s timeout), kept generous for slow machines and
 * sanitizer builds.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/fetch/fetch.h"
#include "../timing.h"
#include "../unit/tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define DEFAULT_FIXTURE "v3-2023-08-07T232929Z-754p-seq1.json"
#define DEFAULT_SMALL_FIXTURE "status-2021-04-03.json"
#define USER_AGENT "vatsim_ingest-test/fetch"
#define MB (1024 * 1024)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

static uint64_t
fnv1a(const char *p, size_t len)
{
	uint64_t	h = UINT64_C(14695981039346656037);
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) p[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static long
rss_kb(void)
{
	FILE	   *fp = fopen("/proc/self/statm", "r");
	long		size = 0;
	long		resident = 0;

	if (fp == NULL)
		return -1;
	if (fscanf(fp, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(fp);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* RSS says nothing under a sanitizer or valgrind: why, or NULL. */
static const char *
rss_meaningless(void)
{
	const char *preload = getenv("LD_PRELOAD");

#ifdef UNDER_ASAN
	return "ASan's quarantine holds freed memory";
#endif
	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		return "valgrind's own memory is in the RSS";
	return NULL;
}

static bool
contains(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* A TCP port on 127.0.0.1 with nobody listening (was free a moment ago). */
static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t	sl = sizeof(sa);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	int			port = -1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0 &&
		getsockname(fd, (struct sockaddr *) &sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static FetchOptions
default_options(void)
{
	FetchOptions o;

	memset(&o, 0, sizeof(o));
	o.connect_timeout_ms = 2000;
	o.timeout_ms = 10000;
	o.max_bytes = 16 * MB;
	o.allow_file = false;
	o.user_agent = USER_AGENT;
	return o;
}

static void
show(const char *what, const FetchResponse *r)
{
	diag("%s: %s, status %ld, %zu bytes, %.0f ms%s%s%s", what,
		 fetch_result_name(r->result), r->http_status, r->body_len,
		 r->total_ms, r->error[0] ? ": \"" : "", r->error,
		 r->error[0] ? "\"" : "");
}

/* should_abort: true from a deadline on; records the largest gap between calls */
typedef struct AbortClock
{
	double		start;
	double		abort_after_ms;
	double		last_call;
	double		max_gap;
	int			calls;
} AbortClock;

static bool
abort_after(void *arg)
{
	AbortClock *c = arg;
	double		t = now_ms();

	if (c->calls > 0 && t - c->last_call > c->max_gap)
		c->max_gap = t - c->last_call;
	c->last_call = t;
	c->calls++;
	return t - c->start >= c->abort_after_ms;
}

static void
abort_clock_start(AbortClock *c, double abort_after_ms)
{
	memset(c, 0, sizeof(*c));
	c->start = now_ms();
	c->abort_after_ms = abort_after_ms;
}

/* ------------------------------------------------------------------------
 * Canned server: a forked child that answers connection i with
 * responses[i] and sends each request head back through a pipe.
 * ------------------------------------------------------------------------
 */

typedef struct Canned
{
	pid_t		pid;
	int			port;
	int			requests_fd;
} Canned;

static void
canned_child(int listen_fd, int out_fd, int n, const char *const *responses)
{
	int			i;

	alarm(20);					/* never outlive a stuck test */
	for (i = 0; i < n; i++)
	{
		char		req[8192];
		size_t		len = 0;
		ssize_t		got;
		int			fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			_exit(1);
		while (len < sizeof(req) - 1)
		{
			got = read(fd, req + len, sizeof(req) - 1 - len);
			if (got <= 0)
				break;
			len += got;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		if (write(out_fd, req, len) < 0 || write(out_fd, "\n----\n", 6) < 0)
			_exit(1);
		if (write(fd, responses[i], strlen(responses[i])) < 0)
			_exit(1);
		shutdown(fd, SHUT_WR);
		/* let the client see the end before the socket goes */
		while (read(fd, req, sizeof(req)) > 0)
			;
		close(fd);
	}
	_exit(0);
}

static bool
canned_start(Canned *c, int n, const char *const *responses)
{
	struct sockaddr_in sa;
	socklen_t	sl = sizeof(sa);
	int			fd;
	int			pipefd[2];

	memset(c, 0, sizeof(*c));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0 ||
		listen(fd, 8) != 0 ||
		getsockname(fd, (struct sockaddr *) &sa, &sl) != 0 ||
		pipe(pipefd) != 0)
	{
		close(fd);
		return false;
	}
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
	{
		close(fd);
		close(pipefd[0]);
		close(pipefd[1]);
		return false;
	}
	if (c->pid == 0)
	{
		close(pipefd[0]);
		canned_child(fd, pipefd[1], n, responses);
	}
	close(fd);
	close(pipefd[1]);
	c->port = ntohs(sa.sin_port);
	c->requests_fd = pipefd[0];
	return true;
}

/* Wait for the child; the requests it saw, malloc'd ("" when none). */
static char *
canned_finish(Canned *c)
{
	char	   *buf = malloc(65536);
	size_t		len = 0;
	ssize_t		got;
	int			status;

	if (buf == NULL)
		return NULL;
	/* the child may still wait in accept() when a test failed early */
	kill(c->pid, SIGTERM);
	while (len < 65535 &&
		   (got = read(c->requests_fd, buf + len, 65535 - len)) > 0)
		len += got;
	buf[len] = '\0';
	close(c->requests_fd);
	waitpid(c->pid, &status, 0);
	return buf;
}

/* ------------------------------------------------------------------------
 * Tests without the feed server
 * ------------------------------------------------------------------------
 */

static void
test_scheme_checks(void)
{
	static const struct
	{
		const char *url;
		bool		allow_file;
		bool		expect;
	}			cases[] = {
		{"http://127.0.0.1:8000/feeds/x.json", false, true},
		{"https://data.vatsim.net/v3/vatsim-data.json", false, true},
		{"HTTPS://DATA.VATSIM.NET/v3/vatsim-data.json", false, true},
		{"HtTp://example.com/", false, true},
		{"file:///tmp/x.json", false, false},
		{"file:///tmp/x.json", true, true},
		{"FILE:///tmp/x.json", true, true},
		{"ftp://example.com/x.json", false, false},
		{"ftp://example.com/x.json", true, false},
		{"gopher://example.com/1", false, false},
		{"gopher://example.com/1", true, false},
		{"data.vatsim.net/v3/vatsim-data.json", false, false},
		{"", false, false},
		{" http://example.com/", false, false},
		{"http:example.com", false, false},
		{"http://", false, false},
		{"https://exa mple.com/", false, false},
	};
	size_t		i;
	const char *reason;
	bool		got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		reason = "unset";
		got = fetch_url_scheme_allowed(cases[i].url, cases[i].allow_file,
									   &reason);
		ok(got == cases[i].expect &&
		   (got ? reason == NULL :
			reason != NULL && reason[0] != '\0' &&
			reason[strlen(reason) - 1] != '.'),
		   "fetch_url_scheme_allowed(\"%s\", allow_file=%s) is %s%s%s",
		   cases[i].url, cases[i].allow_file ? "true" : "false",
		   got ? "true" : "false", reason ? ": " : "", reason ? reason : "");
	}
	ok(!fetch_url_scheme_allowed(NULL, true, &reason) && reason != NULL,
	   "fetch_url_scheme_allowed(NULL) is false");
	ok(!fetch_url_scheme_allowed("ftp://x/", false, NULL),
	   "fetch_url_scheme_allowed accepts a NULL reason pointer");
}

static void
test_refused_schemes(Fetcher *f)
{
	static const char *const urls[] = {
		"ftp://127.0.0.1/x.json", "gopher://127.0.0.1/1", "dict://127.0.0.1/x",
	};
	FetchOptions o = default_options();
	FetchResponse r;
	size_t		i;
	int			pass;

	for (pass = 0; pass < 2; pass++)
	{
		o.allow_file = pass == 1;
		for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		{
			fetch_url(f, urls[i], &o, &r);
			ok(r.result == FETCH_ERROR && r.body == NULL &&
			   contains(r.error, "refused URL") && r.total_ms < 50,
			   "fetch_url refuses %s (allow_file=%s) before any network: %s",
			   urls[i], o.allow_file ? "true" : "false", r.error);
		}
	}
	fetch_url(f, NULL, &o, &r);
	ok(r.result == FETCH_ERROR, "fetch_url with a NULL URL is FETCH_ERROR");
	fetch_url(f, "http://exa mple.com/", &o, &r);
	ok(r.result == FETCH_ERROR && contains(r.error, "malformed"),
	   "fetch_url refuses a malformed URL: %s", r.error);
}

/* No user info, no query string, no fragment: in URLs and in sentences. */
static void
test_redaction(Fetcher *f)
{
	static const struct
	{
		const char *in;
		const char *out;
	}			urls[] = {
		{"http://user:secret@host:8080/feed.json?apikey=XYZ#top",
		 "http://host:8080/feed.json?..."},
		{"https://data.vatsim.net/v3/vatsim-data.json",
		 "https://data.vatsim.net/v3/vatsim-data.json"},
		{"https://h/x#frag", "https://h/x?..."},
		{"http://user:pa/ss@host/x", "http://host/x"},
		{"http://user@host", "http://host"},
		{"file:///srv/feed.json", "file:///srv/feed.json"},
		{"host/feed?key=1", "host/feed?..."},
	};
	FetchOptions o = default_options();
	FetchResponse r;
	char		buf[256];
	char		small[12];
	size_t		i;
	int			port = closed_port();

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
	{
		fetch_redact_url(urls[i].in, buf, sizeof(buf));
		ok(strcmp(buf, urls[i].out) == 0, "fetch_redact_url(\"%s\") = \"%s\" (%s)",
		   urls[i].in, urls[i].out, buf);
	}
	fetch_redact_text("HTTP status 500 from http://u:p@h/x?k=v, then (fetching https://a@b/c?d)",
					  buf, sizeof(buf));
	ok(strcmp(buf, "HTTP status 500 from http://h/x?..., then (fetching https://b/c?...)") == 0,
	   "fetch_redact_text redacts every URL in a sentence and keeps the rest: %s", buf);
	fetch_redact_url("http://user:secret@host/x?apikey=1", small, sizeof(small));
	ok(strlen(small) == sizeof(small) - 1 && !contains(small, "secret"),
	   "fetch_redact_url truncates to the buffer: \"%s\"", small);

	fetch_url(f, "ftp://user:secret@127.0.0.1/x.json?apikey=XYZ", &o, &r);
	ok(r.result == FETCH_ERROR && !contains(r.error, "secret") &&
	   !contains(r.error, "apikey") && contains(r.error, "ftp://127.0.0.1/x.json?..."),
	   "a refused URL's message shows it redacted: %s", r.error);
	if (port < 0)
		return;
	snprintf(buf, sizeof(buf), "http://user:secret@127.0.0.1:%d/feed.json?apikey=XYZ", port);
	fetch_url(f, buf, &o, &r);
	ok(r.result == FETCH_ERROR && !contains(r.error, "secret") &&
	   !contains(r.error, "apikey") && !contains(r.error, "user"),
	   "connection refused: no user info or query in the message: %s", r.error);
}

static void
test_result_names(void)
{
	ok(strcmp(fetch_result_name(FETCH_OK), "OK") == 0 &&
	   strcmp(fetch_result_name(FETCH_NOT_MODIFIED), "NOT_MODIFIED") == 0 &&
	   strcmp(fetch_result_name(FETCH_HTTP_ERROR), "HTTP_ERROR") == 0 &&
	   strcmp(fetch_result_name(FETCH_TIMEOUT), "TIMEOUT") == 0 &&
	   strcmp(fetch_result_name(FETCH_TOO_LARGE), "TOO_LARGE") == 0 &&
	   strcmp(fetch_result_name(FETCH_ABORTED), "ABORTED") == 0 &&
	   strcmp(fetch_result_name(FETCH_ERROR), "ERROR") == 0,
	   "fetch_result_name names every result");
}

static void
test_connection_refused(Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	char		url[128];
	char		expect[64];
	int			port = closed_port();

	if (port < 0)
	{
		skip("no socket", "connection refused is FETCH_ERROR");
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/feeds/x.json", port);
	snprintf(expect, sizeof(expect), "connection refused by 127.0.0.1 port %d",
			 port);
	fetch_url(f, url, &o, &r);
	show("refused", &r);
	ok(r.result == FETCH_ERROR && r.http_status == 0 && r.body == NULL &&
	   strcmp(r.error, expect) == 0,
	   "connection refused is FETCH_ERROR \"%s\"", expect);
}

static void
test_file_urls(Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	char		path[] = "/tmp/test_fetch_XXXXXX";
	char		url[128];
	char		content[5000];
	int			fd;
	size_t		i;

	for (i = 0; i < sizeof(content); i++)
		content[i] = 'a' + i % 26;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, content, sizeof(content)) != (ssize_t) sizeof(content))
	{
		if (fd >= 0)
			close(fd);
		skip("cannot write a temporary file", "file:// URLs");
		return;
	}
	close(fd);
	snprintf(url, sizeof(url), "file://%s", path);

	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_ERROR && contains(r.error, "file:// URLs are not allowed"),
	   "file:// without allow_file is refused: %s", r.error);

	o.allow_file = true;
	fetch_url(f, url, &o, &r);
	show("file://", &r);
	ok(r.result == FETCH_OK && r.http_status == 0 &&
	   r.body_len == sizeof(content) && r.body != NULL &&
	   memcmp(r.body, content, sizeof(content)) == 0 &&
	   r.body[r.body_len] == '\0' && r.error[0] == '\0',
	   "file:// with allow_file is FETCH_OK, status 0, the file's bytes");

	o.max_bytes = 4999;
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_TOO_LARGE && r.body == NULL,
	   "file:// larger than max_bytes is FETCH_TOO_LARGE: %s", r.error);
	o.max_bytes = 5000;
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_OK && r.body_len == 5000,
	   "file:// of exactly max_bytes is FETCH_OK");

	unlink(path);
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_ERROR && contains(r.error, "could not read"),
	   "a missing file is FETCH_ERROR: %s", r.error);
}

static void
test_canned(void)
{
	static const char *const conditional[] = {
		"HTTP/1.1 200 OK\r\n"
		"EtAg:   \"v1-abc\"  \r\n"
		"last-MODIFIED: Mon, 07 Aug 2023 23:29:29 GMT\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: 2\r\n"
		"Connection: close\r\n\r\n{}",
		"HTTP/1.1 304 Not Modified\r\n"
		"ETag: \"v1-abc\"\r\n"
		"Connection: close\r\n\r\n",
		"HTTP/1.1 200 OK\r\n"
		"Content-Length: 3\r\n"
		"Connection: close\r\n\r\n[1]",
		"HTTP/1.1 200 OK\r\n"
		"Content-Length: 3\r\n"
		"Connection: close\r\n\r\n[2]",
	};
	static const char *const to_file[] = {
		"HTTP/1.1 302 Found\r\n"
		"Location: file:///etc/hostname\r\n"
		"Content-Length: 0\r\n"
		"Connection: close\r\n\r\n",
	};
	static const char *const odd[] = {
		/* 304 to a request without validators */
		"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n",
		/* a redirect without Location */
		"HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
		/* 201 with a body is OK */
		"HTTP/1.1 201 Created\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnew!",
		/* an ETag with a control character is not sent back */
		"HTTP/1.1 200 OK\r\nETag: \"a\rb\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
		/* a 500 with a body larger than max_bytes is still HTTP_ERROR */
		"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n",
	};
	Fetcher    *f = fetcher_create();
	FetchOptions o = default_options();
	FetchResponse r;
	Canned		c;
	char		url[128];
	char	   *req;
	char	   *second;

	if (f == NULL || !canned_start(&c, 4, conditional))
	{
		skip("cannot fork a canned server", "conditional request headers");
		fetcher_destroy(f);
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v3/vatsim-data.json", c.port);
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_OK && r.http_status == 200 && r.body_len == 2 &&
	   strcmp(r.body, "{}") == 0, "canned 200 is FETCH_OK with its body");
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_NOT_MODIFIED && r.http_status == 304 &&
	   r.body == NULL && r.body_len == 0 && r.error[0] == '\0',
	   "canned 304 after it is FETCH_NOT_MODIFIED without a body");
	fetcher_forget_validators(f);
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_OK && r.body_len == 3, "after forget_validators: 200");
	/* a 200 without validators clears the old ones */
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_OK && strcmp(r.body, "[2]") == 0,
	   "a 200 without validators: plain request next time");
	req = canned_finish(&c);
	second = req ? strstr(req, "\n----\n") : NULL;
	if (second)
		*second++ = '\0';
	ok(req && contains(req, "GET /v3/vatsim-data.json HTTP/1.1\r\n") &&
	   contains(req, "User-Agent: " USER_AGENT "\r\n") &&
	   contains(req, "Accept-Encoding: gzip\r\n") &&
	   !contains(req, "If-None-Match") && !contains(req, "If-Modified-Since"),
	   "first request: User-Agent, Accept-Encoding: gzip, not conditional");
	ok(second && contains(second, "If-None-Match: \"v1-abc\"\r\n") &&
	   contains(second, "If-Modified-Since: Mon, 07 Aug 2023 23:29:29 GMT\r\n"),
	   "second request carries the validators, trimmed, from mixed-case headers");
	if (second && (second = strstr(second, "\n----\n")) != NULL)
	{
		ok(!contains(second, "If-None-Match") &&
		   !contains(second, "If-Modified-Since"),
		   "no validators after fetcher_forget_validators");
	}
	else
		ok(false, "no validators after fetcher_forget_validators");
	if (req == NULL || second == NULL)
		diag("requests seen: %s", req ? req : "(none)");
	free(req);

	/* a redirect to file:// is refused even with allow_file */
	if (canned_start(&c, 1, to_file))
	{
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/go", c.port);
		o.allow_file = true;
		fetch_url(f, url, &o, &r);
		o.allow_file = false;
		free(canned_finish(&c));
		show("redirect to file://", &r);
		ok(r.result == FETCH_ERROR && r.body == NULL &&
		   contains(r.error, "file:///etc/hostname"),
		   "a redirect to file:// is FETCH_ERROR even with allow_file");
	}
	else
		skip("cannot fork a canned server", "redirect to file://");

	if (canned_start(&c, 6, odd))
	{
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/odd", c.port);
		fetcher_forget_validators(f);
		fetch_url(f, url, &o, &r);
		ok(r.result == FETCH_ERROR && r.http_status == 304 &&
		   contains(r.error, "not conditional"),
		   "a 304 to a plain request is FETCH_ERROR: %s", r.error);
		fetch_url(f, url, &o, &r);
		ok(r.result == FETCH_ERROR && r.http_status == 302,
		   "a 302 without Location is FETCH_ERROR: %s", r.error);
		fetch_url(f, url, &o, &r);
		ok(r.result == FETCH_OK && r.http_status == 201 && r.body_len == 4 &&
		   strcmp(r.body, "new!") == 0, "a 201 with a body is FETCH_OK");
		fetch_url(f, url, &o, &r);
		ok(r.result == FETCH_OK, "a 200 with a control character in its ETag");
		fetch_url(f, url, &o, &r);
		o.max_bytes = 1000;
		fetch_url(f, url, &o, &r);
		o.max_bytes = 16 * MB;
		ok(r.result == FETCH_HTTP_ERROR && r.http_status == 500 &&
		   r.body == NULL,
		   "a 500 with a body over max_bytes is FETCH_HTTP_ERROR: %s", r.error);
		req = canned_finish(&c);
		ok(req && !contains(req, "If-None-Match"),
		   "an ETag with a control character is never sent back");
		free(req);
	}
	else
		skip("cannot fork a canned server", "odd responses");

	fetcher_destroy(f);
}

/* ------------------------------------------------------------------------
 * Tests against the feed server
 * ------------------------------------------------------------------------
 */

typedef struct Env
{
	const char *base;			/* FEED_SERVER_URL without trailing slash */
	const char *fixture;		/* file name under /feeds/ */
	const char *small_fixture;
	char	   *expect;			/* the fixture's bytes, NULL when unknown */
	size_t		expect_len;
} Env;

static char *
url_for(const Env *env, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static char *
url_for(const Env *env, const char *fmt,...)
{
	static char buf[4][1024];
	static int	next = 0;
	char	   *out = buf[next++ % 4];
	char		path[900];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(out, 1024, "%s%s", env->base, path);
	return out;
}

static bool
body_is_fixture(const Env *env, const FetchResponse *r)
{
	if (r->body == NULL)
		return false;
	if (env->expect == NULL)
		return r->body_len > 0;
	return r->body_len == env->expect_len &&
		fnv1a(r->body, r->body_len) == fnv1a(env->expect, env->expect_len) &&
		memcmp(r->body, env->expect, r->body_len) == 0 &&
		r->body[r->body_len] == '\0';
}

static void
test_conditional(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	char	   *url = url_for(env, "/feeds/%s", env->fixture);

	fetch_url(f, url, &o, &r);
	show("feed", &r);
	ok(r.result == FETCH_OK && r.http_status == 200 && r.error[0] == '\0',
	   "200: FETCH_OK");
	if (env->expect != NULL)
		ok(body_is_fixture(env, &r),
		   "200: body equals %s (%zu bytes, FNV-1a %016llx)", env->fixture,
		   env->expect_len,
		   (unsigned long long) fnv1a(env->expect, env->expect_len));
	else
		skip("FIXTURE_DIR not set", "200: body equals the fixture file");
	ok(r.content_encoding_gzip,
	   "200: the server sent it gzip-encoded, and it was decoded");

	fetch_url(f, url, &o, &r);
	show("feed again", &r);
	ok(r.result == FETCH_NOT_MODIFIED && r.http_status == 304 &&
	   r.body == NULL && r.body_len == 0,
	   "second fetch: 304, FETCH_NOT_MODIFIED, no body");
	ok(r.connection_reused,
	   "second fetch: the connection of the first was reused");

	fetcher_forget_validators(f);
	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_OK && r.http_status == 200 && body_is_fixture(env, &r),
	   "after fetcher_forget_validators: 200 with the whole body again");

	fetch_url(f, url, &o, &r);
	ok(r.result == FETCH_NOT_MODIFIED, "and 304 again after that");
}

static void
test_http_errors(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	char		expect[1100];
	static const int codes[] = {500, 404, 503, 403};
	size_t		i;
	char	   *url;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
	{
		url = url_for(env, "/status/%d", codes[i]);
		snprintf(expect, sizeof(expect), "HTTP status %d from %s", codes[i], url);
		fetch_url(f, url, &o, &r);
		ok(r.result == FETCH_HTTP_ERROR && r.http_status == codes[i] &&
		   r.body == NULL && r.body_len == 0 && strcmp(r.error, expect) == 0,
		   "%d: FETCH_HTTP_ERROR \"%s\"", codes[i], r.error);
	}
	url = url_for(env, "/status/500?apikey=XYZ");
	snprintf(expect, sizeof(expect), "HTTP status 500 from %s", url);
	*strchr(expect, '?') = '\0';
	strcat(expect, "?...");
	{
		char		cred[1100];

		snprintf(cred, sizeof(cred), "http://user:secret@%s", url + strlen("http://"));
		fetch_url(f, cred, &o, &r);
	}
	ok(r.result == FETCH_HTTP_ERROR && r.http_status == 500 &&
	   strcmp(r.error, expect) == 0,
	   "user info and query string are left out of an HTTP error: \"%s\"", r.error);
	fetch_url(f, url_for(env, "/feeds/no-such-file.json"), &o, &r);
	ok(r.result == FETCH_HTTP_ERROR && r.http_status == 404,
	   "a missing feed file: 404, FETCH_HTTP_ERROR");
	fetch_url(f, url_for(env, "/status/204"), &o, &r);
	ok(r.result == FETCH_OK && r.http_status == 204 && r.body != NULL &&
	   r.body_len == 0 && r.body[0] == '\0',
	   "204: FETCH_OK with an empty body");
}

static void
test_redirects(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;

	fetch_url(f, url_for(env, "/redirect/%s", env->fixture), &o, &r);
	show("redirect", &r);
	ok(r.result == FETCH_OK && r.http_status == 200 && body_is_fixture(env, &r),
	   "a redirect is followed: FETCH_OK with the fixture");

	fetch_url(f, url_for(env, "/redirect-loop"), &o, &r);
	show("redirect loop", &r);
	ok(r.result == FETCH_ERROR && r.body == NULL &&
	   contains(r.error, "too many redirects (more than 5)"),
	   "a redirect loop is FETCH_ERROR mentioning redirects");
}

static void
test_timeouts(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	double		t0;
	double		elapsed;

	o.timeout_ms = 1500;
	t0 = now_ms();
	fetch_url(f, url_for(env, "/trickle/%s?bytes_per_sec=20000&max_seconds=10",
						 env->fixture), &o, &r);
	elapsed = now_ms() - t0;
	show("trickle, 1500 ms limit", &r);
	ok(r.result == FETCH_TIMEOUT && r.body == NULL &&
	   contains(r.error, "timed out after") &&
	   contains(r.error, "(limit 1500 ms)"),
	   "a trickle past timeout_ms is FETCH_TIMEOUT: %s", r.error);
	ok(elapsed >= 1400 && elapsed < 2500,
	   "and it ends after the limit, within 2.5 s (%.0f ms)", elapsed);

	o.timeout_ms = 1000;
	t0 = now_ms();
	fetch_url(f, url_for(env, "/stall?max_seconds=5"), &o, &r);
	elapsed = now_ms() - t0;
	show("stall, 1000 ms limit", &r);
	ok(r.result == FETCH_TIMEOUT && contains(r.error, "(limit 1000 ms)"),
	   "a stalled server is FETCH_TIMEOUT: %s", r.error);
	ok(elapsed >= 900 && elapsed < 2000,
	   "and it ends within 2 s (%.0f ms)", elapsed);
}

static void
test_abort(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	AbortClock	clock;
	double		elapsed;

	o.timeout_ms = 30000;
	o.should_abort = abort_after;
	o.abort_arg = &clock;

	abort_clock_start(&clock, 300);
	fetch_url(f, url_for(env, "/trickle/%s?bytes_per_sec=20000&max_seconds=10",
						 env->fixture), &o, &r);
	elapsed = now_ms() - clock.start;
	show("trickle, abort at 300 ms", &r);
	ok(r.result == FETCH_ABORTED && r.body == NULL &&
	   contains(r.error, "aborted by the caller"),
	   "should_abort on a trickle is FETCH_ABORTED: %s", r.error);
	ok(elapsed >= 300 && elapsed < 600,
	   "served within 0.6 s of the start, abort asked at 0.3 s (%.0f ms)",
	   elapsed);
	ok(clock.calls >= 3 && clock.max_gap <= 250,
	   "should_abort called every <= 250 ms while data flows (%d calls, longest gap %.0f ms)",
	   clock.calls, clock.max_gap);

	/* no byte flows: only the poll loop can notice */
	abort_clock_start(&clock, 300);
	fetch_url(f, url_for(env, "/stall?max_seconds=5"), &o, &r);
	elapsed = now_ms() - clock.start;
	ok(r.result == FETCH_ABORTED && elapsed < 600,
	   "should_abort while the server is silent: FETCH_ABORTED in %.0f ms",
	   elapsed);
	ok(clock.max_gap <= 250,
	   "should_abort called every <= 250 ms while idle (%d calls, longest gap %.0f ms)",
	   clock.calls, clock.max_gap);

	abort_clock_start(&clock, 0);
	fetch_url(f, url_for(env, "/feeds/%s", env->fixture), &o, &r);
	ok(r.result == FETCH_ABORTED && clock.calls == 1 && r.total_ms < 50 &&
	   r.http_status == 0 && r.body == NULL,
	   "should_abort already true: FETCH_ABORTED before any request, status 0");

	o.should_abort = NULL;
	fetcher_forget_validators(f);
	fetch_url(f, url_for(env, "/feeds/%s", env->fixture), &o, &r);
	ok(r.result == FETCH_OK && body_is_fixture(env, &r),
	   "the fetcher still works after aborted transfers");
}

static void
test_truncated(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;

	fetch_url(f, url_for(env, "/truncated/%s?keep=10000", env->fixture), &o, &r);
	show("truncated", &r);
	ok(r.result == FETCH_ERROR && r.body == NULL &&
	   contains(r.error, "truncated"),
	   "a body cut short by the server is FETCH_ERROR: %s", r.error);
}

static void
test_too_large(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	double		t0;
	double		elapsed;

	o.max_bytes = 1 * MB;
	t0 = now_ms();
	fetch_url(f, url_for(env, "/huge?bytes=200000000"), &o, &r);
	elapsed = now_ms() - t0;
	show("huge", &r);
	ok(r.result == FETCH_TOO_LARGE && r.body == NULL &&
	   contains(r.error, "body larger than 1048576 bytes") &&
	   contains(r.error, "Content-Length 200000000"),
	   "Content-Length over max_bytes: FETCH_TOO_LARGE before the body: %s",
	   r.error);
	ok(elapsed < 1500, "and quickly (%.0f ms)", elapsed);

	t0 = now_ms();
	fetch_url(f, url_for(env, "/huge-chunked?bytes=200000000"), &o, &r);
	elapsed = now_ms() - t0;
	show("huge-chunked", &r);
	ok(r.result == FETCH_TOO_LARGE && r.body == NULL &&
	   strcmp(r.error, "body larger than 1048576 bytes") == 0,
	   "a chunked body growing over max_bytes: FETCH_TOO_LARGE while streaming");
	ok(elapsed < 3000, "and it stops at the cap (%.0f ms)", elapsed);

	/* the cap counts decoded bytes: the gzip'd feed is ~160 kB on the wire */
	if (env->expect != NULL)
	{
		o.max_bytes = env->expect_len - 1;
		fetcher_forget_validators(f);
		fetch_url(f, url_for(env, "/feeds/%s", env->fixture), &o, &r);
		ok(r.result == FETCH_TOO_LARGE,
		   "max_bytes one below the decoded size: FETCH_TOO_LARGE: %s", r.error);
		o.max_bytes = env->expect_len;
		fetch_url(f, url_for(env, "/feeds/%s", env->fixture), &o, &r);
		ok(r.result == FETCH_OK && body_is_fixture(env, &r),
		   "max_bytes equal to the decoded size: FETCH_OK");
	}
	else
	{
		skip("FIXTURE_DIR not set", "max_bytes one below the decoded size");
		skip("FIXTURE_DIR not set", "max_bytes equal to the decoded size");
	}
}

static volatile sig_atomic_t alarms = 0;

static void
on_alarm(int sig)
{
	(void) sig;
	alarms++;
}

static void
test_signals(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	struct sigaction sa;
	struct sigaction old;
	struct itimerval it;
	struct itimerval off;
	size_t		rate = env->expect ? env->expect_len : 800000;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;			/* no SA_RESTART: poll() sees EINTR */
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 10000;
	it.it_value.tv_usec = 10000;
	memset(&off, 0, sizeof(off));
	alarms = 0;

	fetcher_forget_validators(f);
	setitimer(ITIMER_REAL, &it, NULL);
	fetch_url(f, url_for(env, "/trickle/%s?bytes_per_sec=%zu&max_seconds=10",
						 env->fixture, rate), &o, &r);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	show("trickle under SIGALRM", &r);
	ok(r.result == FETCH_OK && body_is_fixture(env, &r) && alarms > 10,
	   "signals every 10 ms (%d) do not disturb a transfer", (int) alarms);
}

static void
test_memory(const Env *env, Fetcher *f)
{
	FetchOptions o = default_options();
	FetchResponse r;
	char	   *url = url_for(env, "/feeds/%s", env->small_fixture);
	long		before;
	long		after;
	int			i;
	int			n_ok = 0;

	/* warm up: connection, TLS-less caches, malloc arenas */
	for (i = 0; i < 5; i++)
	{
		fetcher_forget_validators(f);
		fetch_url(f, url, &o, &r);
	}
	before = rss_kb();
	for (i = 0; i < 200; i++)
	{
		fetcher_forget_validators(f);
		fetch_url(f, url, &o, &r);
		if (r.result == FETCH_OK && r.body_len > 0)
			n_ok++;
	}
	after = rss_kb();
	ok(n_ok == 200, "200 fetches of %s: all FETCH_OK (%d)", env->small_fixture,
	   n_ok);
	diag("RSS over 200 fetches of %s: %ld kB -> %ld kB (%+ld kB)",
		 env->small_fixture, before, after, after - before);
	if (rss_meaningless())
		skip(rss_meaningless(), "RSS grows by less than 2 MB over 200 fetches");
	else
		ok(before > 0 && after - before < 2048,
		   "RSS grows by less than 2 MB over 200 fetches (%+ld kB)",
		   after - before);

	/*
	 * The big feed, alternating with 304s and with refusals that grow the
	 * buffer to 4 MB (which must be given back).  Measured after 3 cycles:
	 * the small loop above shrank the buffer, the first cycle grows it to
	 * the feed's size again.
	 */
	url = url_for(env, "/feeds/%s", env->fixture);
	before = -1;
	n_ok = 0;
	for (i = 0; i < 33; i++)
	{
		if (i == 3)
			before = rss_kb();
		fetcher_forget_validators(f);
		fetch_url(f, url, &o, &r);
		if (r.result == FETCH_OK)
			n_ok++;
		fetch_url(f, url, &o, &r);	/* 304 */
		if (i % 10 == 5)
		{
			o.max_bytes = 4 * MB;
			fetch_url(f, url_for(env, "/huge-chunked?bytes=8000000"), &o, &r);
			o.max_bytes = 16 * MB;
		}
	}
	after = rss_kb();
	ok(n_ok == 33, "33 fetches of the feed with 304s and oversized bodies between");
	diag("RSS over 30 feed fetches (+30 304s, +3 4 MB refusals): %ld kB -> %ld kB (%+ld kB)",
		 before, after, after - before);
	if (rss_meaningless())
		skip(rss_meaningless(), "RSS grows by less than 8 MB over the feed loop");
	else
		ok(before > 0 && after - before < 8192,
		   "RSS grows by less than 8 MB over the feed loop (%+ld kB)",
		   after - before);
}

/* ------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------
 */

int
main(void)
{
	static const char *const proxies[] = {
		"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
		"all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
	};
	Env			env;
	const char *dir = getenv("FIXTURE_DIR");
	char		path[4096];
	Fetcher    *f;
	size_t		i;
	size_t		len;

	/* the servers are on 127.0.0.1: no proxy in between */
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);

	memset(&env, 0, sizeof(env));
	env.base = getenv("FEED_SERVER_URL");
	env.fixture = getenv("FEED_FIXTURE");
	if (env.fixture == NULL || env.fixture[0] == '\0')
		env.fixture = DEFAULT_FIXTURE;
	env.small_fixture = getenv("FEED_SMALL_FIXTURE");
	if (env.small_fixture == NULL || env.small_fixture[0] == '\0')
		env.small_fixture = DEFAULT_SMALL_FIXTURE;
	if (dir != NULL && dir[0] != '\0')
	{
		snprintf(path, sizeof(path), "%s/%s", dir, env.fixture);
		env.expect = read_file(path, &len);
		env.expect_len = env.expect ? len : 0;
		/* a missing fixture is a failure, not skipped comparisons */
		ok(env.expect != NULL, "the feed fixture %s is readable", path);
	}

	ok(fetch_global_init(), "fetch_global_init");
	ok(fetch_global_init(), "fetch_global_init twice");
	f = fetcher_create();
	if (!ok(f != NULL, "fetcher_create"))
	{
		printf("1..%d\n", n_tests);
		return 1;
	}
	fetcher_destroy(NULL);
	fetcher_forget_validators(NULL);
	fetcher_reset(NULL);

	test_result_names();
	test_scheme_checks();
	test_refused_schemes(f);
	test_redaction(f);
	test_connection_refused(f);
	test_file_urls(f);
	test_canned();

	if (env.base != NULL && env.base[0] != '\0')
	{
		char	   *base = strdup(env.base);

		len = strlen(base);
		while (len > 0 && base[len - 1] == '/')
			base[--len] = '\0';
		env.base = base;
		diag("feed server %s, fixture %s", env.base, env.fixture);
		test_conditional(&env, f);
		test_http_errors(&env, f);
		test_redirects(&env, f);
		test_timeouts(&env, f);
		test_abort(&env, f);
		test_truncated(&env, f);
		test_too_large(&env, f);
		test_signals(&env, f);
		test_memory(&env, f);

		/* fetcher_reset drops the buffer; the fetcher goes on */
		{
			FetchOptions o = default_options();
			FetchResponse r;

			fetcher_reset(f);
			fetcher_forget_validators(f);
			fetch_url(f, url_for(&env, "/feeds/%s", env.fixture), &o, &r);
			ok(r.result == FETCH_OK && body_is_fixture(&env, &r),
			   "fetch after fetcher_reset");
		}
		free(base);
	}
	else
		skip("FEED_SERVER_URL not set", "tests against the feed server");

	fetcher_destroy(f);
	fetch_global_cleanup();
	free(env.expect);

	return tap_done();
}
