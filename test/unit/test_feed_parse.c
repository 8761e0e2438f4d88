/*-------------------------------------------------------------------------
 *
 * test_feed_parse.c
 *		Unit tests of the feed parser (src/parse/feed_*.c), written as a TAP producer.
 *
 * With the harness of tap.h (no test framework): prints "ok N - name"
 * or "not ok N - name" per test, diagnostics as "# ..." lines, and the
 * plan "1..N" at the end; exits non-zero when a test failed.  Run through
 * prove(1), see the Makefile.
 *
 * Covers every document-level error, every record-rejection rule, the
 * quirks of docs/feed-format.md B.13, duplicate resolution,
 * feed_parse_time() and feed_plan_hash(), allocation failure at every
 * allocation, \u0000 and unpaired surrogate escapes, and the real
 * snapshots found in $FIXTURE_DIR (a snapshot that is absent fails its
 * checks).  Output never contains member names from the snapshots.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../src/parse/feed.h"
#include "tap.h"

/* ------------------------------------------------------------------------
 * Sample records
 * ------------------------------------------------------------------------
 */

#define PLAN_LIT "{\"flight_rules\":\"I\",\"aircraft\":\"B738/M-SDE2E3FGHIJ1RWXY/LB1\"," \
	"\"aircraft_faa\":\"H/B738/L\",\"aircraft_short\":\"B738\",\"departure\":\"EGLL\"," \
	"\"arrival\":\"LEMD\",\"alternate\":\"\",\"cruise_tas\":\"450\",\"altitude\":\"37000\"," \
	"\"deptime\":\"1200\",\"enroute_time\":\"0215\",\"fuel_time\":\"0400\"," \
	"\"remarks\":\"PBN/A1B1 /V/\",\"route\":\"DCT MID UL612 DCT\",\"revision_id\":3," \
	"\"assigned_transponder\":\"4621\"}"

static const char *const PLAN_BASE[] = {
	"flight_rules", "\"I\"",
	"aircraft", "\"B738/M-SDE2E3FGHIJ1RWXY/LB1\"",
	"aircraft_faa", "\"H/B738/L\"",
	"aircraft_short", "\"B738\"",
	"departure", "\"EGLL\"",
	"arrival", "\"LEMD\"",
	"alternate", "\"\"",
	"cruise_tas", "\"450\"",
	"altitude", "\"37000\"",
	"deptime", "\"1200\"",
	"enroute_time", "\"0215\"",
	"fuel_time", "\"0400\"",
	"remarks", "\"PBN/A1B1 /V/\"",
	"route", "\"DCT MID UL612 DCT\"",
	"revision_id", "3",
	"assigned_transponder", "\"4621\"",
	NULL
};

static const char *const PILOT_BASE[] = {
	"cid", "1000001",
	"name", "\"Test Pilot EGLL\"",
	"callsign", "\"TST101\"",
	"server", "\"USA-EAST\"",
	"pilot_rating", "3",
	"military_rating", "15",
	"latitude", "51.47",
	"longitude", "-0.4543",
	"altitude", "35196",
	"groundspeed", "449",
	"transponder", "\"0983\"",
	"heading", "132",
	"qnh_i_hg", "30.13",
	"qnh_mb", "1020",
	"flight_plan", PLAN_LIT,
	"logon_time", "\"2023-08-07T20:00:00Z\"",
	"last_updated", "\"2023-08-07T23:29:29.1234567Z\"",
	NULL
};

static const char *const CTRL_BASE[] = {
	"cid", "1000002",
	"name", "\"Test Controller\"",
	"callsign", "\"EDDL_APP\"",
	"frequency", "\"128.555\"",
	"facility", "5",
	"rating", "5",
	"server", "\"GERMANY\"",
	"visual_range", "150",
	"text_atis", "[\"Langen Radar\",\"Callsign only\"]",
	"last_updated", "\"2023-08-07T23:29:20.5Z\"",
	"logon_time", "\"2023-08-07T21:00:01.25Z\"",
	NULL
};

static const char *const ATIS_BASE[] = {
	"cid", "1000003",
	"name", "\"Test Atis\"",
	"callsign", "\"EDDL_ATIS\"",
	"frequency", "\"123.780\"",
	"facility", "4",
	"rating", "3",
	"server", "\"GERMANY\"",
	"visual_range", "0",
	"atis_code", "\"K\"",
	"text_atis", "[\"DUSSELDORF INFORMATION K\",\"RWY 23R\",\"QNH 1013\"]",
	"last_updated", "\"2023-08-07T23:29:10Z\"",
	"logon_time", "\"2023-08-07T19:00:00Z\"",
	NULL
};

static const char *const PREFILE_BASE[] = {
	"cid", "1000004",
	"name", "\"1000004\"",
	"callsign", "\"PRE404\"",
	"flight_plan", PLAN_LIT,
	"last_updated", "\"2023-08-07T23:00:00.1Z\"",
	NULL
};

static const char *const SERVER_BASE[] = {
	"ident", "\"UK\"",
	"hostname_or_ip", "\"192.0.2.1\"",
	"location", "\"London\"",
	"name", "\"UK server\"",
	"clients_connection_allowed", "1",
	"client_connections_allowed", "true",
	"is_sweatbox", "false",
	NULL
};

static const char *const FAC_BASE[] = {
	"id", "4", "short", "\"TWR\"", "long", "\"Tower\"", NULL
};

static const char *const PR_BASE[] = {
	"id", "7", "short_name", "\"CMEL\"",
	"long_name", "\"Commercial Multi-Engine License\"", NULL
};

#define GENERAL_LIT "{\"version\":3,\"reload\":1,\"update\":\"20230807232929\"," \
	"\"update_timestamp\":\"2023-08-07T23:29:29.8856438Z\"," \
	"\"connected_clients\":3,\"unique_users\":3}"

static const char *const GENERAL_BASE[] = {
	"version", "3",
	"reload", "1",
	"update", "\"20230807232929\"",
	"update_timestamp", "\"2023-08-07T23:29:29.8856438Z\"",
	"connected_clients", "3",
	"unique_users", "3",
	NULL
};

#define FAC_LIT "[{\"id\":0,\"short\":\"OBS\",\"long\":\"Observer\"}," \
	"{\"id\":4,\"short\":\"TWR\",\"long\":\"Tower\"}]"
#define RAT_LIT "[{\"id\":-1,\"short\":\"INAC\",\"long\":\"Inactive\"}," \
	"{\"id\":1,\"short\":\"OBS\",\"long\":\"Observer\"}]"
#define PR_LIT "[{\"id\":0,\"short_name\":\"NEW\",\"long_name\":\"Basic Member\"}]"
#define MR_LIT "[{\"id\":0,\"short_name\":\"M0\",\"long_name\":\"No Military Rating\"}," \
	"{\"id\":15,\"short_name\":\"M4\",\"long_name\":\"Military Pilot M4\"}]"

static const char *const TOP_BASE[] = {
	"general", GENERAL_LIT,
	"pilots", "[]",
	"controllers", "[]",
	"atis", "[]",
	"servers", "[]",
	"prefiles", "[]",
	"facilities", FAC_LIT,
	"ratings", RAT_LIT,
	"pilot_ratings", PR_LIT,
	"military_ratings", MR_LIT,
	NULL
};

/* a document with one section replaced */
static const char *
doc_with(const char *section, const char *value)
{
	return obj(TOP_BASE, section, value, NULL);
}

/* ------------------------------------------------------------------------
 * Checking helpers
 * ------------------------------------------------------------------------
 */

static bool
parse_text(const char *json, FeedDocument *doc, FeedError *err)
{
	return feed_parse(json, strlen(json), 0, doc, err);
}

static bool
doc_is_zero(const FeedDocument *doc)
{
	static const FeedDocument zero;

	return memcmp(doc, &zero, sizeof(zero)) == 0;
}

/*
 * Expect a document error: false returned, code and path as given, message
 * containing msg_part (unless NULL), offset as given (unless SIZE_MAX),
 * and the document left zeroed.
 */
static bool
expect_error_len(const char *name, const char *text, size_t len,
				 size_t max_bytes, FeedErrorCode code, const char *path,
				 const char *msg_part, size_t offset)
{
	FeedDocument doc;
	FeedError	err;
	bool		r;
	bool		good;

	memset(&doc, 0x5A, sizeof(doc));	/* must be cleared */
	r = feed_parse(text, len, max_bytes, &doc, &err);
	good = !r && err.code == code && strcmp(err.path, path) == 0 &&
		(msg_part == NULL || strstr(err.message, msg_part) != NULL) &&
		(offset == SIZE_MAX || err.offset == offset) &&
		doc_is_zero(&doc);
	if (!ok(good, "%s", name))
	{
		diag("returned %s, code %s (want %s), path \"%s\" (want \"%s\")",
			 r ? "true" : "false", code_name(err.code), code_name(code),
			 err.path, path);
		diag("message \"%s\" (want it to contain \"%s\")", err.message,
			 msg_part ? msg_part : "");
		diag("offset %zu (want %zu), doc zeroed: %s", err.offset, offset,
			 doc_is_zero(&doc) ? "yes" : "no");
	}
	if (r)
		feed_free(&doc);
	return good;
}

static bool
expect_error(const char *name, const char *text, FeedErrorCode code,
			 const char *path, const char *msg_part)
{
	return expect_error_len(name, text, strlen(text), 0, code, path,
							msg_part, SIZE_MAX);
}

/* Parse text, which must succeed; reports a failed test when it does not. */
static bool
must_parse(const char *name, const char *text, FeedDocument *doc)
{
	FeedError	err;

	if (parse_text(text, doc, &err))
		return true;
	ok(false, "%s", name);
	diag("feed_parse failed: %s: %s (path \"%s\", offset %zu)",
		 code_name(err.code), err.message, err.path, err.offset);
	return false;
}

static void
show_rejects(const FeedDocument *doc)
{
	int			i;

	diag("rejects: count %d, reasons %d", doc->rejects.count,
		 doc->rejects.n_reasons);
	for (i = 0; i < doc->rejects.n_reasons; i++)
		diag("  reason: %s", doc->rejects.reasons[i]);
}

/* Section access by name, for the generic rejection checks. */
typedef struct SecInfo
{
	const char *name;
	const char *const *base;
	const char *key;			/* unique key member */
	const char *key_a;			/* its JSON value in record A */
	const char *key_c;			/* ... in record C */
} SecInfo;

static const SecInfo SEC_PILOTS = {"pilots", PILOT_BASE, "callsign", "\"AAA1\"", "\"CCC3\""};
static const SecInfo SEC_CTRL = {"controllers", CTRL_BASE, "callsign", "\"AAA_CTR\"", "\"CCC_CTR\""};
static const SecInfo SEC_ATIS = {"atis", ATIS_BASE, "callsign", "\"AAAA_ATIS\"", "\"CCCC_ATIS\""};
static const SecInfo SEC_PREF = {"prefiles", PREFILE_BASE, "callsign", "\"PFA1\"", "\"PFC3\""};
static const SecInfo SEC_SERV = {"servers", SERVER_BASE, "ident", "\"SRV-A\"", "\"SRV-C\""};
static const SecInfo SEC_FAC = {"facilities", FAC_BASE, "id", "100", "102"};
static const SecInfo SEC_RAT = {"ratings", FAC_BASE, "id", "100", "102"};
static const SecInfo SEC_PR = {"pilot_ratings", PR_BASE, "id", "100", "102"};
static const SecInfo SEC_MR = {"military_ratings", PR_BASE, "id", "100", "102"};

static int
sec_count(const FeedDocument *d, const char *name)
{
	if (strcmp(name, "pilots") == 0)
		return d->n_pilots;
	if (strcmp(name, "controllers") == 0)
		return d->n_controllers;
	if (strcmp(name, "atis") == 0)
		return d->n_atis;
	if (strcmp(name, "prefiles") == 0)
		return d->n_prefiles;
	if (strcmp(name, "servers") == 0)
		return d->n_servers;
	if (strcmp(name, "facilities") == 0)
		return d->n_facilities;
	if (strcmp(name, "ratings") == 0)
		return d->n_ratings;
	if (strcmp(name, "pilot_ratings") == 0)
		return d->n_pilot_ratings;
	if (strcmp(name, "military_ratings") == 0)
		return d->n_military_ratings;
	return -1;
}

/* document positions of the first two survivors, -1 when not tracked */
static void
sec_indexes(const FeedDocument *d, const char *name, int *i0, int *i1)
{
	*i0 = *i1 = -1;
	if (sec_count(d, name) < 2)
		return;
	if (strcmp(name, "pilots") == 0)
		*i0 = d->pilots[0].index, *i1 = d->pilots[1].index;
	else if (strcmp(name, "controllers") == 0)
		*i0 = d->controllers[0].index, *i1 = d->controllers[1].index;
	else if (strcmp(name, "atis") == 0)
		*i0 = d->atis[0].index, *i1 = d->atis[1].index;
	else if (strcmp(name, "prefiles") == 0)
		*i0 = d->prefiles[0].index, *i1 = d->prefiles[1].index;
	else if (strcmp(name, "servers") == 0)
		*i0 = d->servers[0].index, *i1 = d->servers[1].index;
	else
		*i0 = 0, *i1 = 2;		/* FeedRef has no index */
}

/*
 * Section s = [A, bad, C]: the document parses, exactly one record is
 * rejected with reason want, A and C survive in order.
 */
static void
check_reject(const SecInfo *s, const char *bad, const char *want)
{
	const char *a = obj(s->base, s->key, s->key_a, NULL);
	const char *c = obj(s->base, s->key, s->key_c, NULL);
	const char *text = doc_with(s->name, list(a, bad, c, NULL));
	FeedDocument doc;
	int			i0;
	int			i1;
	bool		good;

	if (!must_parse(want, text, &doc))
		return;
	sec_indexes(&doc, s->name, &i0, &i1);
	good = doc.rejects.count == 1 && doc.rejects.n_reasons == 1 &&
		strcmp(doc.rejects.reasons[0], want) == 0 &&
		sec_count(&doc, s->name) == 2 && i0 == 0 && i1 == 2;
	if (!ok(good, "rejected: %s", want))
	{
		show_rejects(&doc);
		diag("%s survivors %d (want 2), indexes %d,%d", s->name,
			 sec_count(&doc, s->name), i0, i1);
	}
	feed_free(&doc);
}

/* Section s = [A, rec, C]: everything survives; returns the parsed doc. */
static bool
accept3(const SecInfo *s, const char *rec, const char *name, FeedDocument *doc)
{
	const char *a = obj(s->base, s->key, s->key_a, NULL);
	const char *c = obj(s->base, s->key, s->key_c, NULL);
	const char *text = doc_with(s->name, list(a, rec, c, NULL));

	if (!must_parse(name, text, doc))
		return false;
	if (doc->rejects.count != 0 || sec_count(doc, s->name) != 3)
	{
		ok(false, "%s", name);
		show_rejects(doc);
		feed_free(doc);
		return false;
	}
	return true;
}

/* The middle pilot of accept3(), or NULL. */
static const FeedPilot *
accept_pilot(const char *rec, const char *name, FeedDocument *doc)
{
	if (!accept3(&SEC_PILOTS, rec, name, doc))
		return NULL;
	return &doc->pilots[1];
}

/* ------------------------------------------------------------------------
 * Document-level errors
 * ------------------------------------------------------------------------
 */

static void
test_document_errors(void)
{
	const char *good = doc_with("pilots", "[]");
	size_t		glen = strlen(good);
	char	   *big = keep(malloc(glen));
	char	   *deep;
	size_t		i;

	/* size */
	expect_error_len("too large: len > max_bytes", good, glen, glen - 1,
					 FEED_ERR_TOO_LARGE, "", "more than the limit", SIZE_MAX);
	expect_error_len("too large is checked before reading (text NULL)",
					 NULL, 5000, 4000, FEED_ERR_TOO_LARGE, "", NULL, SIZE_MAX);
	{
		FeedDocument doc;
		FeedError	err;

		ok(feed_parse(good, glen, glen, &doc, &err),
		   "len == max_bytes is accepted");
		feed_free(&doc);
		ok(feed_parse(good, glen, 0, &doc, &err),
		   "max_bytes 0 means no limit");
		feed_free(&doc);
	}

	/* empty */
	expect_error_len("empty: zero bytes", "", 0, 0, FEED_ERR_EMPTY, "",
					 "empty", SIZE_MAX);
	expect_error_len("empty: NULL text", NULL, 0, 0, FEED_ERR_EMPTY, "",
					 NULL, SIZE_MAX);
	expect_error("empty: white space only", " \t\r\n  \n", FEED_ERR_EMPTY,
				 "", "white space");

	/* encoding */
	expect_error_len("encoding: 0xFF byte in a string",
					 "{\"a\":\"x\xFFy\"}", 11, 0, FEED_ERR_ENCODING, "",
					 "invalid UTF-8 at byte 7", 7);
	expect_error_len("encoding: overlong 2-byte form C0 AF",
					 "{\"a\":\"\xC0\xAF\"}", 10, 0, FEED_ERR_ENCODING, "",
					 "overlong", 6);
	expect_error_len("encoding: overlong 3-byte form E0 80 AF",
					 "{\"a\":\"\xE0\x80\xAF\"}", 11, 0, FEED_ERR_ENCODING, "",
					 "overlong", 6);
	expect_error_len("encoding: overlong 4-byte form F0 80 80 AF",
					 "{\"a\":\"\xF0\x80\x80\xAF\"}", 12, 0, FEED_ERR_ENCODING,
					 "", "overlong", 6);
	expect_error_len("encoding: surrogate U+D800 (ED A0 80)",
					 "{\"a\":\"\xED\xA0\x80\"}", 11, 0, FEED_ERR_ENCODING, "",
					 "surrogate", 6);
	expect_error_len("encoding: surrogate U+DFFF (ED BF BF)",
					 "{\"a\":\"\xED\xBF\xBF\"}", 11, 0, FEED_ERR_ENCODING, "",
					 "surrogate", 6);
	expect_error_len("encoding: above U+10FFFF (F4 90 80 80)",
					 "{\"a\":\"\xF4\x90\x80\x80\"}", 12, 0, FEED_ERR_ENCODING,
					 "", "U+10FFFF", 6);
	expect_error_len("encoding: F5 lead byte",
					 "{\"a\":\"\xF5\x80\x80\x80\"}", 12, 0, FEED_ERR_ENCODING,
					 "", "U+10FFFF", 6);
	expect_error_len("encoding: lone continuation byte",
					 "{\"a\":\"\x80\"}", 9, 0, FEED_ERR_ENCODING, "",
					 "continuation", 6);
	expect_error_len("encoding: sequence cut by a quote",
					 "{\"a\":\"\xE2\x82\"}", 10, 0, FEED_ERR_ENCODING, "",
					 "truncated", 6);
	expect_error_len("encoding: sequence cut by the end of input",
					 "{\"a\":\"\xE2\x82", 8, 0, FEED_ERR_ENCODING, "",
					 "truncated", 6);
	expect_error_len("encoding: invalid byte after a backslash",
					 "{\"a\":\"\\\xFF\"}", 10, 0, FEED_ERR_ENCODING, "",
					 NULL, 7);
	expect_error_len("encoding: invalid byte outside strings",
					 "{\"a\":1,\xFF}", 9, 0, FEED_ERR_ENCODING, "", NULL, 7);
	expect_error_len("encoding: NUL byte in a string",
					 "{\"a\":\"x\0y\"}", 11, 0, FEED_ERR_ENCODING, "",
					 "NUL byte at byte 7", 7);
	expect_error_len("encoding: NUL byte outside strings",
					 "{\"a\":1 \0}", 9, 0, FEED_ERR_ENCODING, "",
					 "NUL byte at byte 7", 7);
	expect_error_len("encoding: escaped NUL byte",
					 "{\"a\":\"\\\0\"}", 10, 0, FEED_ERR_ENCODING, "",
					 "NUL", 7);
	{
		/* valid 2-, 3- and 4-byte sequences, in a name */
		const char *p = obj(PILOT_BASE, "name",
							"\"J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9D\x84\x9E \xEF\xBF\xBF \xF4\x8F\xBF\xBF\"",
							NULL);
		FeedDocument doc;

		if (must_parse("valid UTF-8 (2/3/4-byte, U+FFFF, U+10FFFF) accepted",
					   doc_with("pilots", list(p, NULL)), &doc))
		{
			ok(doc.n_pilots == 1 &&
			   strcmp(doc.pilots[0].name,
					  "J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9D\x84\x9E \xEF\xBF\xBF \xF4\x8F\xBF\xBF") == 0,
			   "valid UTF-8 (2/3/4-byte, U+FFFF, U+10FFFF) accepted");
			feed_free(&doc);
		}
	}

	/* depth */
	deep = malloc(2 * 1001 + 1);
	for (i = 0; i < 1001; i++)
	{
		deep[i] = '[';
		deep[2 * 1001 - 1 - i] = ']';
	}
	deep[2 * 1001] = '\0';
	expect_error_len("too deep: 1001 nested arrays", deep, 2 * 1001, 0,
					 FEED_ERR_TOO_DEEP, "", "at byte 1000", 1000);
	/* 1000 levels is cJSON's limit and fine (then: not an object) */
	expect_error_len("1000 nested arrays are not too deep", deep + 1,
					 2 * 1000, 0, FEED_ERR_NOT_OBJECT, "", "array", SIZE_MAX);
	free(deep);
	{
		/* 1000 levels inside a valid document: object + 999 arrays */
		Buf			b = {0};
		FeedDocument doc;
		const char *text;

		for (i = 0; i < 999; i++)
			buf_str(&b, "[");
		for (i = 0; i < 999; i++)
			buf_str(&b, "]");
		keep(b.p);
		text = obj(TOP_BASE, "extra", b.p, NULL);
		if (must_parse("depth 1000 inside a document parses", text, &doc))
		{
			ok(true, "depth 1000 inside a document parses");
			feed_free(&doc);
		}
		text = obj(TOP_BASE, "extra", fmt("[%s]", b.p), NULL);
		expect_error("depth 1001 inside a document is too deep", text,
					 FEED_ERR_TOO_DEEP, "", "nesting deeper than 1000");
	}
	{
		/* brackets inside strings, also after escaped quotes, don't count */
		Buf			b = {0};
		FeedDocument doc;

		buf_str(&b, "\"\\\"\\\\");
		for (i = 0; i < 1500; i++)
			buf_str(&b, "[{");
		buf_str(&b, "\"");
		keep(b.p);
		if (must_parse("brackets inside strings do not count as depth",
					   obj(TOP_BASE, "extra", b.p, NULL), &doc))
		{
			ok(true, "brackets inside strings do not count as depth");
			feed_free(&doc);
		}
	}

	/* syntax */
	expect_error_len("syntax: bad value, offset from cJSON",
					 "{\"general\": }", 13, 0, FEED_ERR_SYNTAX, "",
					 "invalid JSON at byte 12", 12);
	expect_error_len("syntax: bad token mid-document, not called truncation",
					 "{\"general\":x,\"pilots\":[", 23, 0, FEED_ERR_SYNTAX, "",
					 "invalid JSON at byte 11", 11);
	expect_error_len("syntax: mismatched bracket", "{\"a\":[1}", 8, 0,
					 FEED_ERR_SYNTAX, "", "invalid JSON", SIZE_MAX);
	memcpy(big, good, glen / 2);
	expect_error_len("syntax: document cut in half is called truncated",
					 big, glen / 2, 0, FEED_ERR_SYNTAX, "",
					 "unexpected end of input (truncated document?)",
					 SIZE_MAX);
	expect_error_len("syntax: truncated after a comma inside an object",
					 "{\"general\":{\"version\":3,", 24, 0, FEED_ERR_SYNTAX, "",
					 "unexpected end of input", SIZE_MAX);
	expect_error_len("syntax: truncated inside a string",
					 "{\"general\":{\"upd", 16, 0, FEED_ERR_SYNTAX, "",
					 "unexpected end of input", SIZE_MAX);
	expect_error_len("syntax: truncated inside a literal",
					 "{\"general\":tr", 13, 0, FEED_ERR_SYNTAX, "",
					 "unexpected end of input", SIZE_MAX);
	expect_error_len("syntax: truncated after a colon",
					 "{\"general\":", 11, 0, FEED_ERR_SYNTAX, "",
					 "unexpected end of input", SIZE_MAX);
	expect_error("syntax: trailing data after the value",
				 fmt("%s x", good), FEED_ERR_SYNTAX, "",
				 "after the JSON value");
	expect_error_len("syntax: trailing data offset",
					 "{} {}", 5, 0, FEED_ERR_SYNTAX, "",
					 "after the JSON value at byte 3", 3);
	expect_error_len("syntax: control character outside a string",
					 "{\"a\":\x01 1}", 9, 0, FEED_ERR_SYNTAX, "",
					 "control character", 5);
	{
		FeedDocument doc;
		FeedError	err;
		char	   *exact;
		const char *padded = fmt("\n  %s \r\n\t ", good);

		ok(parse_text(padded, &doc, &err), "white space around the value is fine");
		feed_free(&doc);

		/* len is authoritative: garbage after len is not read */
		exact = fmt("%sGARBAGE{[\"", good);
		ok(feed_parse(exact, glen, 0, &doc, &err),
		   "bytes after len are ignored");
		feed_free(&doc);

		/* not NUL-terminated: an exactly sized heap buffer (ASan build) */
		exact = keep(malloc(glen));
		memcpy(exact, good, glen);
		ok(feed_parse(exact, glen, 0, &doc, &err),
		   "a buffer without a NUL terminator parses");
		feed_free(&doc);
		exact = keep(malloc(24));
		memcpy(exact, "{\"general\":{\"version\":3,", 24);
		ok(!feed_parse(exact, 24, 0, &doc, &err) &&
		   err.code == FEED_ERR_SYNTAX,
		   "truncated buffer without NUL terminator is a syntax error");
		ok(!feed_parse("{\"general\":", 11, 0, &doc, NULL),
		   "err may be NULL");
	}

	/* top level */
	expect_error("not an object: null", "null", FEED_ERR_NOT_OBJECT, "",
				 "null");
	expect_error("not an object: array", "[1,2]", FEED_ERR_NOT_OBJECT, "",
				 "array");
	expect_error("not an object: string", "\"x\"", FEED_ERR_NOT_OBJECT, "",
				 "string");
	expect_error("not an object: number", " 42 ", FEED_ERR_NOT_OBJECT, "",
				 "number");
	expect_error("not an object: boolean true", "true", FEED_ERR_NOT_OBJECT,
				 "", "boolean");
	expect_error("not an object: boolean false", "false",
				 FEED_ERR_NOT_OBJECT, "", "boolean");

	/* general */
	expect_error("general missing", obj(TOP_BASE, "general", DEL, NULL),
				 FEED_ERR_MISSING, "general", "general");
	expect_error("general not an object", doc_with("general", "[]"),
				 FEED_ERR_WRONG_TYPE, "general", "an array");
	expect_error("general null", doc_with("general", "null"),
				 FEED_ERR_WRONG_TYPE, "general", "null");
	expect_error("update_timestamp missing",
				 doc_with("general", obj(GENERAL_BASE, "update_timestamp", DEL, NULL)),
				 FEED_ERR_MISSING, "general.update_timestamp", "missing");
	expect_error("update_timestamp a number",
				 doc_with("general", obj(GENERAL_BASE, "update_timestamp", "20230807", NULL)),
				 FEED_ERR_WRONG_TYPE, "general.update_timestamp", "a number");
	expect_error("update_timestamp null",
				 doc_with("general", obj(GENERAL_BASE, "update_timestamp", "null", NULL)),
				 FEED_ERR_WRONG_TYPE, "general.update_timestamp", "null");
	expect_error("update_timestamp malformed, value quoted",
				 doc_with("general", obj(GENERAL_BASE, "update_timestamp",
										 "\"2023-08-07 23:29:29\"", NULL)),
				 FEED_ERR_BAD_TIMESTAMP, "general.update_timestamp",
				 "\"2023-08-07 23:29:29\"");
	expect_error("update_timestamp 2023-02-29 is malformed",
				 doc_with("general", obj(GENERAL_BASE, "update_timestamp",
										 "\"2023-02-29T00:00:00Z\"", NULL)),
				 FEED_ERR_BAD_TIMESTAMP, "general.update_timestamp",
				 "2023-02-29T00:00:00Z");
	{
		FeedDocument doc;
		FeedError	err;
		const char *text = doc_with("general",
									obj(GENERAL_BASE, "update_timestamp",
										"\"0123456789012345678901234567890123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\"",
										NULL));

		ok(!parse_text(text, &doc, &err) && err.code == FEED_ERR_BAD_TIMESTAMP &&
		   strstr(err.message, "\"0123456789012345678901234567890123456789...\"") != NULL &&
		   strstr(err.message, "ABC") == NULL,
		   "long bad update_timestamp is quoted truncated to 40 bytes");
		/* cut on a character boundary: 39 ASCII + a 2-byte character */
		text = doc_with("general",
						obj(GENERAL_BASE, "update_timestamp",
							"\"012345678901234567890123456789012345678\xC3\xA9xyz\"",
							NULL));
		ok(!parse_text(text, &doc, &err) && err.code == FEED_ERR_BAD_TIMESTAMP &&
		   strstr(err.message, "012345678\"") == NULL &&
		   strstr(err.message, "012345678...\"") != NULL,
		   "quoted value is cut on a UTF-8 character boundary");
	}
	{
		static const char *const ints[] = {
			"version", "reload", "connected_clients", "unique_users"
		};
		FeedDocument doc;

		for (i = 0; i < 4; i++)
		{
			const char *path = fmt("general.%s", ints[i]);
			const char *text;

			expect_error(fmt("%s a string is WRONG_TYPE", path),
						 doc_with("general", obj(GENERAL_BASE, ints[i], "\"3\"", NULL)),
						 FEED_ERR_WRONG_TYPE, path, "a string");
			expect_error(fmt("%s 1.5 is WRONG_TYPE", path),
						 doc_with("general", obj(GENERAL_BASE, ints[i], "1.5", NULL)),
						 FEED_ERR_WRONG_TYPE, path, "1.5");
			expect_error(fmt("%s true is WRONG_TYPE", path),
						 doc_with("general", obj(GENERAL_BASE, ints[i], "true", NULL)),
						 FEED_ERR_WRONG_TYPE, path, "a boolean");
			expect_error(fmt("%s 2^31 is WRONG_TYPE", path),
						 doc_with("general", obj(GENERAL_BASE, ints[i], "2147483648", NULL)),
						 FEED_ERR_WRONG_TYPE, path, NULL);
			text = doc_with("general", obj(GENERAL_BASE, ints[i], "null", NULL));
			if (must_parse(fmt("%s null", path), text, &doc))
			{
				FeedInt		v = i == 0 ? doc.general.version : i == 1 ? doc.general.reload :
					i == 2 ? doc.general.connected_clients : doc.general.unique_users;

				ok(v == FEED_NULL_INT, "%s null is FEED_NULL_INT", path);
				feed_free(&doc);
			}
			text = doc_with("general", obj(GENERAL_BASE, ints[i], DEL, NULL));
			if (must_parse(fmt("%s missing", path), text, &doc))
			{
				FeedInt		v = i == 0 ? doc.general.version : i == 1 ? doc.general.reload :
					i == 2 ? doc.general.connected_clients : doc.general.unique_users;

				ok(v == FEED_NULL_INT, "%s missing is FEED_NULL_INT", path);
				feed_free(&doc);
			}
		}
		expect_error("general.update a number is WRONG_TYPE",
					 doc_with("general", obj(GENERAL_BASE, "update", "20230807232929", NULL)),
					 FEED_ERR_WRONG_TYPE, "general.update", "a number");
		if (must_parse("general.update missing",
					   doc_with("general", obj(GENERAL_BASE, "update", DEL, "extra_key", "[1,{}]", NULL)),
					   &doc))
		{
			ok(doc.general.update == NULL && doc.general.version == 3,
			   "general.update missing is NULL, unknown keys in general ignored");
			feed_free(&doc);
		}
	}

	/* sections */
	{
		static const char *const req[] = {
			"pilots", "controllers", "atis", "prefiles", "servers"
		};
		static const char *const opt[] = {
			"facilities", "ratings", "pilot_ratings", "military_ratings"
		};

		for (i = 0; i < 5; i++)
		{
			expect_error(fmt("%s missing", req[i]), obj(TOP_BASE, req[i], DEL, NULL),
						 FEED_ERR_MISSING, req[i], req[i]);
			expect_error(fmt("%s an object", req[i]), doc_with(req[i], "{}"),
						 FEED_ERR_WRONG_TYPE, req[i], "an object");
			expect_error(fmt("%s null", req[i]), doc_with(req[i], "null"),
						 FEED_ERR_WRONG_TYPE, req[i], "null");
		}
		for (i = 0; i < 4; i++)
		{
			FeedDocument doc;

			expect_error(fmt("%s a string", opt[i]), doc_with(opt[i], "\"x\""),
						 FEED_ERR_WRONG_TYPE, opt[i], "a string");
			expect_error(fmt("%s null", opt[i]), doc_with(opt[i], "null"),
						 FEED_ERR_WRONG_TYPE, opt[i], "null");
			if (must_parse(fmt("%s missing", opt[i]),
						   obj(TOP_BASE, opt[i], DEL, NULL), &doc))
			{
				bool		has = i == 0 ? doc.has_facilities : i == 1 ? doc.has_ratings :
					i == 2 ? doc.has_pilot_ratings : doc.has_military_ratings;

				ok(!has && sec_count(&doc, opt[i]) == 0,
				   "%s missing: has_%s false", opt[i], opt[i]);
				feed_free(&doc);
			}
			if (must_parse(fmt("%s empty", opt[i]), doc_with(opt[i], "[]"), &doc))
			{
				bool		has = i == 0 ? doc.has_facilities : i == 1 ? doc.has_ratings :
					i == 2 ? doc.has_pilot_ratings : doc.has_military_ratings;

				ok(has && sec_count(&doc, opt[i]) == 0,
				   "%s empty: has_%s true, no rows", opt[i], opt[i]);
				feed_free(&doc);
			}
		}
		expect_error("general is checked before the sections",
					 obj(TOP_BASE, "pilots", DEL, "general", "1", NULL),
					 FEED_ERR_WRONG_TYPE, "general", NULL);
	}
}

/* ------------------------------------------------------------------------
 * A complete document: every field lands where it belongs
 * ------------------------------------------------------------------------
 */

static void
test_full_mapping(void)
{
	const char *text;
	FeedDocument doc;
	const FeedPilot *p;
	const FeedController *c;
	const FeedController *a;
	const FeedPrefile *pf;
	const FeedServer *s;
	FeedTime	t;
	int			i;
	bool		good;

	text = obj(TOP_BASE,
			   "pilots", list(obj(PILOT_BASE, NULL), NULL),
			   "controllers", list(obj(CTRL_BASE, NULL), NULL),
			   "atis", list(obj(ATIS_BASE, NULL), NULL),
			   "prefiles", list(obj(PREFILE_BASE, NULL), NULL),
			   "servers", list(obj(SERVER_BASE, NULL),
							   obj(SERVER_BASE, "ident", "\"GERMANY\"",
								   "client_connections_allowed", "false",
								   "is_sweatbox", "true", NULL), NULL),
			   NULL);
	if (!must_parse("complete document parses", text, &doc))
		return;
	ok(doc.rejects.count == 0 && doc.n_pilots == 1 && doc.n_controllers == 1 &&
	   doc.n_atis == 1 && doc.n_prefiles == 1 && doc.n_servers == 2 &&
	   doc.json != NULL, "complete document parses with no rejects");

	/* general */
	feed_parse_time("2023-08-07T23:29:29.8856438Z", &t);
	ok(doc.general.version == 3 && doc.general.reload == 1 &&
	   strcmp(doc.general.update, "20230807232929") == 0 &&
	   doc.general.update_timestamp == t &&
	   doc.general.connected_clients == 3 && doc.general.unique_users == 3,
	   "general: all fields");

	/* pilot */
	p = &doc.pilots[0];
	feed_parse_time("2023-08-07T20:00:00Z", &t);
	good = p->index == 0 && p->cid == 1000001 &&
		strcmp(p->callsign, "TST101") == 0 &&
		strcmp(p->name, "Test Pilot EGLL") == 0 &&
		strcmp(p->server, "USA-EAST") == 0 && p->pilot_rating == 3 &&
		p->military_rating == 15 && p->latitude == 51.47 &&
		p->longitude == -0.4543 && p->altitude == 35196 &&
		p->groundspeed == 449 && strcmp(p->transponder, "0983") == 0 &&
		p->heading == 132 && p->qnh_i_hg == 30.13 && p->qnh_mb == 1020 &&
		p->logon_time == t;
	feed_parse_time("2023-08-07T23:29:29.1234567Z", &t);
	ok(good && p->last_updated == t, "pilot: all scalar fields");
	good = p->has_plan && p->plan.revision_id == 3;
	{
		static const char *const want[FP_NFIELDS] = {
			"I", "B738/M-SDE2E3FGHIJ1RWXY/LB1", "H/B738/L", "B738", "EGLL",
			"LEMD", "", "450", "37000", "1200", "0215", "0400", "PBN/A1B1 /V/",
			"DCT MID UL612 DCT", "4621"
		};

		for (i = 0; i < FP_NFIELDS; i++)
			good = good && p->plan.field[i] && strcmp(p->plan.field[i], want[i]) == 0;
	}
	ok(good, "pilot: flight plan, all fields (empty alternate kept as \"\")");

	/* controller */
	c = &doc.controllers[0];
	feed_parse_time("2023-08-07T21:00:01.25Z", &t);
	good = c->index == 0 && c->cid == 1000002 &&
		strcmp(c->callsign, "EDDL_APP") == 0 &&
		strcmp(c->name, "Test Controller") == 0 &&
		strcmp(c->frequency, "128.555") == 0 && c->facility == 5 &&
		c->rating == 5 && strcmp(c->server, "GERMANY") == 0 &&
		c->visual_range == 150 && c->atis_code == NULL &&
		c->n_text_atis == 2 && strcmp(c->text_atis[0], "Langen Radar") == 0 &&
		strcmp(c->text_atis[1], "Callsign only") == 0 && c->logon_time == t;
	feed_parse_time("2023-08-07T23:29:20.5Z", &t);
	ok(good && c->last_updated == t, "controller: all fields");

	a = &doc.atis[0];
	good = a->cid == 1000003 && strcmp(a->callsign, "EDDL_ATIS") == 0 &&
		strcmp(a->atis_code, "K") == 0 && a->facility == 4 &&
		a->visual_range == 0 && a->n_text_atis == 3 &&
		strcmp(a->text_atis[2], "QNH 1013") == 0;
	ok(good, "atis: atis_code and text_atis");

	pf = &doc.prefiles[0];
	feed_parse_time("2023-08-07T23:00:00.1Z", &t);
	ok(pf->index == 0 && pf->cid == 1000004 &&
	   strcmp(pf->callsign, "PRE404") == 0 && strcmp(pf->name, "1000004") == 0 &&
	   pf->has_plan && strcmp(pf->plan.field[FP_ROUTE], "DCT MID UL612 DCT") == 0 &&
	   pf->plan.revision_id == 3 && pf->last_updated == t,
	   "prefile: all fields");

	s = &doc.servers[0];
	ok(s->index == 0 && strcmp(s->ident, "UK") == 0 &&
	   strcmp(s->hostname_or_ip, "192.0.2.1") == 0 &&
	   strcmp(s->location, "London") == 0 && strcmp(s->name, "UK server") == 0 &&
	   s->clients_connection_allowed == 1 &&
	   s->client_connections_allowed == 1 && s->is_sweatbox == 0 &&
	   doc.servers[1].index == 1 &&
	   doc.servers[1].client_connections_allowed == 0 &&
	   doc.servers[1].is_sweatbox == 1,
	   "servers: all fields, booleans as 0/1");

	ok(doc.has_facilities && doc.n_facilities == 2 &&
	   doc.facilities[1].id == 4 &&
	   strcmp(doc.facilities[1].short_name, "TWR") == 0 &&
	   strcmp(doc.facilities[1].long_name, "Tower") == 0 &&
	   doc.has_ratings && doc.n_ratings == 2 && doc.ratings[0].id == -1 &&
	   strcmp(doc.ratings[0].short_name, "INAC") == 0,
	   "facilities/ratings: id, short, long (id -1 allowed)");
	ok(doc.has_pilot_ratings && doc.n_pilot_ratings == 1 &&
	   strcmp(doc.pilot_ratings[0].short_name, "NEW") == 0 &&
	   strcmp(doc.pilot_ratings[0].long_name, "Basic Member") == 0 &&
	   doc.has_military_ratings && doc.n_military_ratings == 2 &&
	   doc.military_ratings[1].id == 15 &&
	   strcmp(doc.military_ratings[1].short_name, "M4") == 0,
	   "pilot_ratings/military_ratings: id, short_name, long_name");

	feed_free(&doc);
	ok(doc_is_zero(&doc), "feed_free zeroes the document");
	feed_free(&doc);
	ok(doc_is_zero(&doc), "feed_free on a zeroed document is harmless");

	/* plan keys land in the slot of feed_plan_keys[] */
	{
		Buf			b = {0};
		const char *plan;

		buf_str(&b, "{");
		for (i = 0; i < FP_NFIELDS; i++)
		{
			const char *kv = fmt("%s\"%s\":\"%s\"", i ? "," : "",
								 feed_plan_keys[i], feed_plan_keys[i]);

			buf_str(&b, kv);
		}
		buf_str(&b, "}");
		plan = keep(b.p);
		if (must_parse("plan keys map to their slots",
					   doc_with("prefiles", list(obj(PREFILE_BASE, "flight_plan", plan, NULL), NULL)),
					   &doc))
		{
			good = doc.n_prefiles == 1 && doc.prefiles[0].plan.revision_id == FEED_NULL_INT;
			for (i = 0; good && i < FP_NFIELDS; i++)
				good = doc.prefiles[0].plan.field[i] != NULL &&
					strcmp(doc.prefiles[0].plan.field[i], feed_plan_keys[i]) == 0;
			ok(good, "every feed_plan_keys[i] maps to plan.field[i]");
			feed_free(&doc);
		}
	}
}

/* ------------------------------------------------------------------------
 * Record rejections
 * ------------------------------------------------------------------------
 */

static void
test_pilot_rejects(void)
{
	const SecInfo *s = &SEC_PILOTS;
	const char *const *B = PILOT_BASE;

	check_reject(s, "5", "pilots[1]: not an object (number)");
	check_reject(s, "\"x\"", "pilots[1]: not an object (string)");
	check_reject(s, "null", "pilots[1]: not an object (null)");
	check_reject(s, "[]", "pilots[1]: not an object (array)");

	check_reject(s, obj(B, "cid", DEL, NULL), "pilots[1].cid: missing");
	check_reject(s, obj(B, "cid", "null", NULL), "pilots[1].cid: null");
	check_reject(s, obj(B, "cid", "0", NULL), "pilots[1].cid: 0 is outside 1..2147483647");
	check_reject(s, obj(B, "cid", "-5", NULL), "pilots[1].cid: -5 is outside 1..2147483647");
	check_reject(s, obj(B, "cid", "2147483648", NULL), "pilots[1].cid: 2147483648 does not fit int32");
	check_reject(s, obj(B, "cid", "1e20", NULL), "pilots[1].cid: 1e+20 does not fit int32");
	check_reject(s, obj(B, "cid", "1.5", NULL), "pilots[1].cid: 1.5 is not an integer");
	check_reject(s, obj(B, "cid", "\"1000001\"", NULL), "pilots[1].cid: not an integer (string)");

	check_reject(s, obj(B, "callsign", DEL, NULL), "pilots[1].callsign: missing");
	check_reject(s, obj(B, "callsign", "null", NULL), "pilots[1].callsign: null");
	check_reject(s, obj(B, "callsign", "\"\"", NULL), "pilots[1].callsign: empty");
	check_reject(s, obj(B, "callsign", "12345", NULL), "pilots[1].callsign: not a string (number)");
	check_reject(s, obj(B, "callsign", "\"ABCDEFGHIJKLMNOPQRSTUVWXY\"", NULL),
				 "pilots[1].callsign: 25 bytes, longer than 24");
	check_reject(s, obj(B, "callsign", "\"ABCDEFGHIJKLMNOPQRSTUVW\xC3\xA9\"", NULL),
				 "pilots[1].callsign: 25 bytes, longer than 24");

	check_reject(s, obj(B, "latitude", "95.5", NULL), "pilots[1].latitude: 95.5 is outside -90..90");
	check_reject(s, obj(B, "latitude", "-90.00001", NULL), "pilots[1].latitude: -90.00001 is outside -90..90");
	check_reject(s, obj(B, "latitude", "\"12.5\"", NULL), "pilots[1].latitude: not a number (string)");
	check_reject(s, obj(B, "latitude", "\"NaN\"", NULL), "pilots[1].latitude: not a number (string)");
	check_reject(s, obj(B, "latitude", "1e999", NULL), "pilots[1].latitude: inf is not a finite number");
	check_reject(s, obj(B, "latitude", DEL, NULL), "pilots[1].latitude: missing");
	check_reject(s, obj(B, "latitude", "null", NULL), "pilots[1].latitude: null");
	check_reject(s, obj(B, "longitude", "180.5", NULL), "pilots[1].longitude: 180.5 is outside -180..180");
	check_reject(s, obj(B, "longitude", "-181", NULL), "pilots[1].longitude: -181 is outside -180..180");
	check_reject(s, obj(B, "longitude", "true", NULL), "pilots[1].longitude: not a number (boolean)");
	check_reject(s, obj(B, "longitude", DEL, NULL), "pilots[1].longitude: missing");

	check_reject(s, obj(B, "logon_time", DEL, NULL), "pilots[1].logon_time: missing");
	check_reject(s, obj(B, "logon_time", "null", NULL), "pilots[1].logon_time: null");
	check_reject(s, obj(B, "logon_time", "1691450969", NULL), "pilots[1].logon_time: not a string (number)");
	check_reject(s, obj(B, "logon_time", "\"2023-13-01T00:00:00Z\"", NULL),
				 "pilots[1].logon_time: malformed timestamp \"2023-13-01T00:00:00Z\"");
	check_reject(s, obj(B, "last_updated", "\"yesterday\"", NULL),
				 "pilots[1].last_updated: malformed timestamp \"yesterday\"");
	check_reject(s, obj(B, "last_updated", "\"a\\nb\\u0001c\"", NULL),
				 "pilots[1].last_updated: malformed timestamp \"a?b?c\"");

	check_reject(s, obj(B, "altitude", "1.5", NULL), "pilots[1].altitude: 1.5 is not an integer");
	check_reject(s, obj(B, "altitude", "\"35000\"", NULL), "pilots[1].altitude: not an integer (string)");
	check_reject(s, obj(B, "altitude", "3000000000", NULL), "pilots[1].altitude: 3000000000 does not fit int32");
	check_reject(s, obj(B, "groundspeed", "[]", NULL), "pilots[1].groundspeed: not an integer (array)");
	check_reject(s, obj(B, "heading", "90.5", NULL), "pilots[1].heading: 90.5 is not an integer");
	check_reject(s, obj(B, "qnh_mb", "{}", NULL), "pilots[1].qnh_mb: not an integer (object)");
	check_reject(s, obj(B, "pilot_rating", "false", NULL), "pilots[1].pilot_rating: not an integer (boolean)");
	check_reject(s, obj(B, "military_rating", "\"M1\"", NULL), "pilots[1].military_rating: not an integer (string)");
	check_reject(s, obj(B, "qnh_i_hg", "\"30.13\"", NULL), "pilots[1].qnh_i_hg: not a number (string)");
	check_reject(s, obj(B, "qnh_i_hg", "-1e400", NULL), "pilots[1].qnh_i_hg: -inf is not a finite number");
	check_reject(s, obj(B, "name", "42", NULL), "pilots[1].name: not a string (number)");
	check_reject(s, obj(B, "server", "{}", NULL), "pilots[1].server: not a string (object)");
	check_reject(s, obj(B, "transponder", "7000", NULL), "pilots[1].transponder: not a string (number)");

	check_reject(s, obj(B, "flight_plan", "\"IFR\"", NULL), "pilots[1].flight_plan: not an object (string)");
	check_reject(s, obj(B, "flight_plan", "[]", NULL), "pilots[1].flight_plan: not an object (array)");
	check_reject(s, obj(B, "flight_plan", "false", NULL), "pilots[1].flight_plan: not an object (boolean)");
	check_reject(s, obj(B, "flight_plan", obj(PLAN_BASE, "route", "5", NULL), NULL),
				 "pilots[1].flight_plan.route: not a string (number)");
	check_reject(s, obj(B, "flight_plan", obj(PLAN_BASE, "aircraft_faa", "[\"H/B738/L\"]", NULL), NULL),
				 "pilots[1].flight_plan.aircraft_faa: not a string (array)");
	check_reject(s, obj(B, "flight_plan", obj(PLAN_BASE, "revision_id", "1.5", NULL), NULL),
				 "pilots[1].flight_plan.revision_id: 1.5 is not an integer");
	check_reject(s, obj(B, "flight_plan", obj(PLAN_BASE, "revision_id", "\"2\"", NULL), NULL),
				 "pilots[1].flight_plan.revision_id: not an integer (string)");

	/* the first bad member in document order gives the reason */
	check_reject(s, obj(B, "cid", "\"x\"", "latitude", "100", NULL),
				 "pilots[1].cid: not an integer (string)");
}

static void
test_pilot_accepts(void)
{
	FeedDocument doc;
	const FeedPilot *p;
	const char *const *B = PILOT_BASE;
	const char *minimal;

	/* B.13 quirks */
	if ((p = accept_pilot(obj(B, "flight_plan", "null", NULL), "flight_plan null", &doc)))
	{
		int			i;
		bool		allnull = true;

		for (i = 0; i < FP_NFIELDS; i++)
			allnull = allnull && p->plan.field[i] == NULL;
		ok(!p->has_plan && allnull && p->plan.revision_id == FEED_NULL_INT,
		   "flight_plan null: has_plan false, plan fields NULL");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "flight_plan", DEL, NULL), "flight_plan missing", &doc)))
	{
		ok(!p->has_plan, "flight_plan missing: has_plan false");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "flight_plan",
							  obj(PLAN_BASE, "aircraft_faa", DEL, "aircraft_short", DEL,
								  "revision_id", DEL, "assigned_transponder", DEL,
								  "route", "null", NULL), NULL),
						  "2020-era plan without newer keys", &doc)))
	{
		ok(p->has_plan && p->plan.field[FP_AIRCRAFT_FAA] == NULL &&
		   p->plan.field[FP_AIRCRAFT_SHORT] == NULL &&
		   p->plan.field[FP_ASSIGNED_TRANSPONDER] == NULL &&
		   p->plan.field[FP_ROUTE] == NULL &&
		   p->plan.revision_id == FEED_NULL_INT &&
		   strcmp(p->plan.field[FP_DEPARTURE], "EGLL") == 0,
		   "plan: absent keys (aircraft_faa, revision_id..) and null route are NULL");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "heading", "360", "altitude", "-34", NULL),
						  "heading 360, altitude -34", &doc)))
	{
		ok(p->heading == 360 && p->altitude == -34,
		   "heading 360 and negative altitude kept as is");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "qnh_i_hg", "30", "qnh_mb", "-13061", NULL),
						  "int-literal qnh_i_hg", &doc)))
	{
		ok(p->qnh_i_hg == 30.0 && p->qnh_mb == -13061,
		   "int-literal qnh_i_hg 30 is 30.0; bogus qnh_mb -13061 kept");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "qnh_i_hg", "-199.06", "heading", "725", NULL),
						  "bogus qnh_i_hg", &doc)))
	{
		ok(p->qnh_i_hg == -199.06 && p->heading == 725,
		   "bogus qnh_i_hg -199.06 kept; heading not range-checked");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "transponder", "\"9999\"", NULL), "transponder 9999", &doc)))
	{
		ok(strcmp(p->transponder, "9999") == 0, "non-octal transponder \"9999\" kept");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "latitude", "-90", "longitude", "180", NULL), "edges", &doc)))
	{
		ok(p->latitude == -90.0 && p->longitude == 180.0,
		   "latitude -90 and longitude 180 are inside the ranges");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "latitude", "90", "longitude", "-180", NULL), "edges 2", &doc)))
	{
		ok(p->latitude == 90.0 && p->longitude == -180.0,
		   "latitude 90 and longitude -180 are inside the ranges");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "cid", "2147483647", "altitude", "-2147483648", NULL),
						  "int32 limits", &doc)))
	{
		ok(p->cid == INT32_MAX && p->altitude == INT32_MIN,
		   "cid 2147483647 and altitude -2147483648 fit (valuedouble, not valueint)");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "cid", "1.0e3", "altitude", "350e2", NULL), "exponents", &doc)))
	{
		ok(p->cid == 1000 && p->altitude == 35000,
		   "integral numbers written with exponents are integers");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "callsign", "\"ABCDEFGHIJKLMNOPQRSTUVWX\"", NULL),
						  "24-byte callsign", &doc)))
	{
		ok(strlen(p->callsign) == 24, "a 24-byte callsign is accepted");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "locked", "true", "diverted", "{\"x\":[1,2,{\"y\":null}]}",
							  "flight_plan", obj(PLAN_BASE, "departed_at", "\"x\"", NULL),
							  "Callsign", "5", NULL),
						  "unknown keys", &doc)))
	{
		ok(strcmp(p->callsign, "TST101") == 0 && p->has_plan,
		   "unknown keys (pilot, plan; keys are case-sensitive) are ignored");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "last_updated", "\"2023-08-07T23:29:29Z\"",
							  "logon_time", "\"2023-08-07T06:28:32.1234567Z\"", NULL),
						  "fraction digits 0 and 7", &doc)))
	{
		FeedTime	t;

		feed_parse_time("2023-08-07T06:28:32.123457Z", &t);
		ok(p->last_updated % 1000000 == 0 && p->logon_time == t,
		   "timestamps with 0 and 7 fraction digits");
		feed_free(&doc);
	}

	/* only the required keys: everything else null */
	minimal = "{\"cid\":7,\"callsign\":\"MIN1\",\"latitude\":0,\"longitude\":0,"
		"\"logon_time\":\"2023-08-07T06:28:32Z\"}";
	if ((p = accept_pilot(minimal, "minimal pilot", &doc)))
	{
		ok(p->name == NULL && p->server == NULL &&
		   p->pilot_rating == FEED_NULL_INT && p->military_rating == FEED_NULL_INT &&
		   p->altitude == FEED_NULL_INT && p->groundspeed == FEED_NULL_INT &&
		   p->transponder == NULL && p->heading == FEED_NULL_INT &&
		   isnan(p->qnh_i_hg) && p->qnh_mb == FEED_NULL_INT && !p->has_plan &&
		   p->last_updated == FEED_NULL_TIME,
		   "missing optional keys are null sentinels (military_rating before 2023 etc.)");
		feed_free(&doc);
	}
	minimal = "{\"cid\":7,\"callsign\":\"MIN1\",\"latitude\":0,\"longitude\":0,"
		"\"logon_time\":\"2023-08-07T06:28:32Z\",\"name\":null,\"server\":null,"
		"\"pilot_rating\":null,\"military_rating\":null,\"altitude\":null,"
		"\"groundspeed\":null,\"transponder\":null,\"heading\":null,"
		"\"qnh_i_hg\":null,\"qnh_mb\":null,\"flight_plan\":null,\"last_updated\":null}";
	if ((p = accept_pilot(minimal, "all-null pilot", &doc)))
	{
		ok(p->name == NULL && p->server == NULL &&
		   p->pilot_rating == FEED_NULL_INT && p->military_rating == FEED_NULL_INT &&
		   p->altitude == FEED_NULL_INT && p->groundspeed == FEED_NULL_INT &&
		   p->transponder == NULL && p->heading == FEED_NULL_INT &&
		   isnan(p->qnh_i_hg) && p->qnh_mb == FEED_NULL_INT && !p->has_plan &&
		   p->last_updated == FEED_NULL_TIME,
		   "JSON null optional values are null sentinels");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(B, "altitude", "100", "altitude", "200", NULL),
						  "repeated key", &doc)))
	{
		ok(p->altitude == 200, "a key repeated inside one object: the last wins");
		feed_free(&doc);
	}
}

static void
test_controller_rejects(void)
{
	const SecInfo *sections[2] = {&SEC_CTRL, &SEC_ATIS};
	int			k;

	for (k = 0; k < 2; k++)
	{
		const SecInfo *s = sections[k];
		const char *const *B = s->base;
		const char *n = s->name;

		check_reject(s, "1", fmt("%s[1]: not an object (number)", n));
		check_reject(s, obj(B, "cid", DEL, NULL), fmt("%s[1].cid: missing", n));
		check_reject(s, obj(B, "cid", "0", NULL), fmt("%s[1].cid: 0 is outside 1..2147483647", n));
		check_reject(s, obj(B, "callsign", DEL, NULL), fmt("%s[1].callsign: missing", n));
		check_reject(s, obj(B, "callsign", "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ01234\"", NULL),
					 fmt("%s[1].callsign: 31 bytes, longer than 24", n));
		check_reject(s, obj(B, "logon_time", DEL, NULL), fmt("%s[1].logon_time: missing", n));
		check_reject(s, obj(B, "logon_time", "\"2023-08-07T23:29:60Z\"", NULL),
					 fmt("%s[1].logon_time: malformed timestamp \"2023-08-07T23:29:60Z\"", n));
		check_reject(s, obj(B, "frequency", "128.555", NULL),
					 fmt("%s[1].frequency: not a string (number)", n));
		check_reject(s, obj(B, "facility", "\"4\"", NULL),
					 fmt("%s[1].facility: not an integer (string)", n));
		check_reject(s, obj(B, "rating", "1.5", NULL), fmt("%s[1].rating: 1.5 is not an integer", n));
		check_reject(s, obj(B, "visual_range", "true", NULL),
					 fmt("%s[1].visual_range: not an integer (boolean)", n));
		check_reject(s, obj(B, "server", "1", NULL), fmt("%s[1].server: not a string (number)", n));
		check_reject(s, obj(B, "atis_code", "65", NULL), fmt("%s[1].atis_code: not a string (number)", n));
		check_reject(s, obj(B, "text_atis", "\"Langen Radar\"", NULL),
					 fmt("%s[1].text_atis: not an array (string)", n));
		check_reject(s, obj(B, "text_atis", "{}", NULL),
					 fmt("%s[1].text_atis: not an array (object)", n));
		check_reject(s, obj(B, "text_atis", "[1]", NULL),
					 fmt("%s[1].text_atis[0]: not a string (number)", n));
		check_reject(s, obj(B, "text_atis", "[\"a\",null]", NULL),
					 fmt("%s[1].text_atis[1]: not a string (null)", n));
		check_reject(s, obj(B, "last_updated", "0", NULL),
					 fmt("%s[1].last_updated: not a string (number)", n));
	}
}

static void
test_controller_accepts(void)
{
	FeedDocument doc;
	const FeedController *c;
	const char *minimal;

	if (accept3(&SEC_CTRL, obj(CTRL_BASE, "text_atis", "null", NULL), "text_atis null", &doc))
	{
		c = &doc.controllers[1];
		ok(c->n_text_atis == -1 && c->text_atis == NULL &&
		   doc.controllers[0].n_text_atis == 2,
		   "text_atis null: n_text_atis -1");
		feed_free(&doc);
	}
	if (accept3(&SEC_CTRL, obj(CTRL_BASE, "text_atis", DEL, NULL), "text_atis missing", &doc))
	{
		ok(doc.controllers[1].n_text_atis == -1, "text_atis missing: n_text_atis -1");
		feed_free(&doc);
	}
	if (accept3(&SEC_CTRL, obj(CTRL_BASE, "text_atis", "[]", NULL), "text_atis empty", &doc))
	{
		ok(doc.controllers[1].n_text_atis == 0, "text_atis []: n_text_atis 0");
		feed_free(&doc);
	}
	if (accept3(&SEC_ATIS, obj(ATIS_BASE, "atis_code", "null", NULL), "atis_code null", &doc))
	{
		ok(doc.atis[1].atis_code == NULL && strcmp(doc.atis[0].atis_code, "K") == 0,
		   "atis_code null: NULL");
		feed_free(&doc);
	}
	if (accept3(&SEC_CTRL, obj(CTRL_BASE, "frequency", "\"199.998\"", "facility", "0",
							   "callsign", "\"EZY0238\"", NULL),
				"observer with an airline-like callsign", &doc))
	{
		c = &doc.controllers[1];
		ok(strcmp(c->frequency, "199.998") == 0 && c->facility == 0 &&
		   strcmp(c->callsign, "EZY0238") == 0,
		   "observer: frequency 199.998, facility 0, airline-like callsign");
		feed_free(&doc);
	}
	minimal = "{\"cid\":9,\"callsign\":\"MIN_CTR\",\"logon_time\":\"2023-08-07T06:28:32Z\"}";
	if (accept3(&SEC_ATIS, minimal, "minimal atis", &doc))
	{
		c = &doc.atis[1];
		ok(c->name == NULL && c->frequency == NULL && c->facility == FEED_NULL_INT &&
		   c->rating == FEED_NULL_INT && c->server == NULL &&
		   c->visual_range == FEED_NULL_INT && c->atis_code == NULL &&
		   c->n_text_atis == -1 && c->text_atis == NULL &&
		   c->last_updated == FEED_NULL_TIME,
		   "atis with only the required keys: the rest null");
		feed_free(&doc);
	}

	/*
	 * text_atis lines of survivors stay right when records around them are
	 * rejected half-way through their lines.
	 */
	{
		const char *text = doc_with("controllers",
									list(obj(CTRL_BASE, "callsign", "\"A_CTR\"", "text_atis", "[\"a1\",\"a2\"]", NULL),
										 obj(CTRL_BASE, "callsign", "\"B_CTR\"", "text_atis", "[\"b1\",\"b2\",3]", NULL),
										 obj(CTRL_BASE, "callsign", "\"C_CTR\"", "text_atis", "[\"c1\"]", "cid", "0", NULL),
										 obj(CTRL_BASE, "callsign", "\"D_CTR\"", "text_atis", "[\"d1\",\"d2\",\"d3\"]", NULL),
										 obj(CTRL_BASE, "callsign", "\"E_CTR\"", "text_atis", "null", NULL),
										 obj(CTRL_BASE, "callsign", "\"F_CTR\"", "text_atis", "[\"f1\"]",
											 "text_atis", "[\"f2\",\"f3\"]", NULL),
										 NULL));

		if (must_parse("text_atis pool", text, &doc))
		{
			ok(doc.n_controllers == 4 && doc.rejects.count == 2 &&
			   doc.controllers[0].n_text_atis == 2 &&
			   strcmp(doc.controllers[0].text_atis[1], "a2") == 0 &&
			   doc.controllers[1].index == 3 &&
			   doc.controllers[1].n_text_atis == 3 &&
			   strcmp(doc.controllers[1].text_atis[0], "d1") == 0 &&
			   strcmp(doc.controllers[1].text_atis[2], "d3") == 0 &&
			   doc.controllers[2].n_text_atis == -1 &&
			   doc.controllers[3].n_text_atis == 2 &&
			   strcmp(doc.controllers[3].text_atis[0], "f2") == 0 &&
			   strcmp(doc.controllers[3].text_atis[1], "f3") == 0,
			   "text_atis lines correct around rejected records and repeated keys");
			feed_free(&doc);
		}
	}
}

static void
test_other_rejects(void)
{
	FeedDocument doc;
	const SecInfo *refs[4] = {&SEC_FAC, &SEC_RAT, &SEC_PR, &SEC_MR};
	int			k;

	/* prefiles */
	check_reject(&SEC_PREF, "\"x\"", "prefiles[1]: not an object (string)");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "cid", DEL, NULL), "prefiles[1].cid: missing");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "callsign", "\"\"", NULL), "prefiles[1].callsign: empty");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "flight_plan", "1", NULL),
				 "prefiles[1].flight_plan: not an object (number)");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "flight_plan", obj(PLAN_BASE, "remarks", "true", NULL), NULL),
				 "prefiles[1].flight_plan.remarks: not a string (boolean)");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "last_updated", "\"2023-08-07T23:00:00\"", NULL),
				 "prefiles[1].last_updated: malformed timestamp \"2023-08-07T23:00:00\"");
	check_reject(&SEC_PREF, obj(PREFILE_BASE, "name", "[]", NULL), "prefiles[1].name: not a string (array)");
	if (accept3(&SEC_PREF, "{\"cid\":5,\"callsign\":\"PRE5\"}", "minimal prefile", &doc))
	{
		const FeedPrefile *p = &doc.prefiles[1];

		ok(p->name == NULL && !p->has_plan && p->last_updated == FEED_NULL_TIME &&
		   p->index == 1,
		   "prefile with only cid and callsign (no logon_time needed)");
		feed_free(&doc);
	}

	/* servers */
	check_reject(&SEC_SERV, "[]", "servers[1]: not an object (array)");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "ident", DEL, NULL), "servers[1].ident: missing");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "ident", "\"\"", NULL), "servers[1].ident: empty");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "ident", "1", NULL), "servers[1].ident: not a string (number)");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "client_connections_allowed", "1", NULL),
				 "servers[1].client_connections_allowed: not a boolean (number)");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "is_sweatbox", "\"false\"", NULL),
				 "servers[1].is_sweatbox: not a boolean (string)");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "clients_connection_allowed", "true", NULL),
				 "servers[1].clients_connection_allowed: not an integer (boolean)");
	check_reject(&SEC_SERV, obj(SERVER_BASE, "hostname_or_ip", "127", NULL),
				 "servers[1].hostname_or_ip: not a string (number)");
	if (accept3(&SEC_SERV, obj(SERVER_BASE, "client_connections_allowed", DEL,
							   "is_sweatbox", "null", "clients_connection_allowed", DEL,
							   "location", "null", NULL),
				"2020-era server", &doc))
	{
		const FeedServer *s = &doc.servers[1];

		ok(s->client_connections_allowed == -1 && s->is_sweatbox == -1 &&
		   s->clients_connection_allowed == FEED_NULL_INT && s->location == NULL,
		   "server without the 2022 booleans: -1; missing int FEED_NULL_INT");
		feed_free(&doc);
	}

	/* reference tables */
	for (k = 0; k < 4; k++)
	{
		const SecInfo *s = refs[k];
		const char *n = s->name;
		const char *shortk = s->base == FAC_BASE ? "short" : "short_name";

		check_reject(s, "7", fmt("%s[1]: not an object (number)", n));
		check_reject(s, obj(s->base, "id", DEL, NULL), fmt("%s[1].id: missing", n));
		check_reject(s, obj(s->base, "id", "\"4\"", NULL), fmt("%s[1].id: not an integer (string)", n));
		check_reject(s, obj(s->base, "id", "0.5", NULL), fmt("%s[1].id: 0.5 is not an integer", n));
		check_reject(s, obj(s->base, shortk, "4", NULL), fmt("%s[1].%s: not a string (number)", n, shortk));
	}
	/* facilities with the other key names: those are unknown keys */
	if (accept3(&SEC_FAC, obj(PR_BASE, "id", "101", NULL), "facilities with short_name keys", &doc))
	{
		ok(doc.facilities[1].id == 101 && doc.facilities[1].short_name == NULL &&
		   doc.facilities[1].long_name == NULL,
		   "facilities read short/long; short_name/long_name there are ignored");
		feed_free(&doc);
	}

	/* FEED_MAX_REASONS */
	{
		const char *bad = obj(PILOT_BASE, "cid", DEL, NULL);
		const char *text = doc_with("pilots",
									list(bad, "1", bad, obj(PILOT_BASE, "callsign", "\"OK1\"", NULL),
										 bad, "2", bad, "3", obj(PILOT_BASE, "callsign", "\"OK2\"", NULL),
										 NULL));

		if (must_parse("many rejects", text, &doc))
		{
			ok(doc.rejects.count == 7 && doc.rejects.n_reasons == FEED_MAX_REASONS &&
			   strcmp(doc.rejects.reasons[0], "pilots[0].cid: missing") == 0 &&
			   strcmp(doc.rejects.reasons[1], "pilots[1]: not an object (number)") == 0 &&
			   strcmp(doc.rejects.reasons[4], "pilots[5]: not an object (number)") == 0 &&
			   doc.n_pilots == 2 && doc.pilots[0].index == 3 && doc.pilots[1].index == 8,
			   "7 rejects: count 7, first %d reasons kept in order", FEED_MAX_REASONS);
			feed_free(&doc);
		}
	}
	/* rejects across sections add up */
	{
		const char *text = obj(TOP_BASE,
							   "pilots", list("1", NULL),
							   "atis", list("2", NULL),
							   "ratings", list("3", NULL),
							   NULL);

		if (must_parse("rejects across sections", text, &doc))
		{
			ok(doc.rejects.count == 3 && doc.n_pilots == 0 && doc.pilots == NULL &&
			   doc.n_atis == 0 && doc.has_ratings && doc.n_ratings == 0 &&
			   strcmp(doc.rejects.reasons[1], "atis[0]: not an object (number)") == 0,
			   "rejects of all sections counted; empty result leaves pointer NULL");
			feed_free(&doc);
		}
	}
}

/* ------------------------------------------------------------------------
 * Duplicates
 * ------------------------------------------------------------------------
 */

static const char *
pil(const char *cs, const char *lu)
{
	return obj(PILOT_BASE, "callsign", fmt("\"%s\"", cs),
			   "last_updated", lu ? fmt("\"%s\"", lu) : DEL, NULL);
}

static void
test_duplicates(void)
{
	FeedDocument doc;
	const char *text;

	text = doc_with("pilots", list(pil("DUP", "2023-08-07T10:00:00Z"),
								   pil("DUP", "2023-08-07T11:00:00Z"), NULL));
	if (must_parse("dup: newer later", text, &doc))
	{
		ok(doc.n_pilots == 1 && doc.pilots[0].index == 1 && doc.rejects.count == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "pilots[0].callsign: \"DUP\" duplicate of pilots[1], kept the newer last_updated") == 0,
		   "duplicate: the later record is newer and kept");
		if (doc.rejects.n_reasons)
			diag("reason: %s", doc.rejects.reasons[0]);
		feed_free(&doc);
	}
	text = doc_with("pilots", list(pil("DUP", "2023-08-07T11:00:00Z"),
								   pil("DUP", "2023-08-07T10:00:00Z"), NULL));
	if (must_parse("dup: newer earlier", text, &doc))
	{
		ok(doc.n_pilots == 1 && doc.pilots[0].index == 0 && doc.rejects.count == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "pilots[1].callsign: \"DUP\" duplicate of pilots[0], kept the newer last_updated") == 0,
		   "duplicate: the earlier record is newer and kept");
		feed_free(&doc);
	}
	text = doc_with("pilots", list(pil("DUP", "2023-08-07T11:00:00.5Z"),
								   pil("DUP", "2023-08-07T11:00:00.5Z"), NULL));
	if (must_parse("dup: tie", text, &doc))
	{
		ok(doc.n_pilots == 1 && doc.pilots[0].index == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "pilots[0].callsign: \"DUP\" duplicate of pilots[1], kept the later one") == 0,
		   "duplicate: equal last_updated, the later one is kept");
		feed_free(&doc);
	}
	text = doc_with("pilots", list(pil("DUP", "2023-08-07T11:00:00Z"),
								   pil("DUP", NULL), NULL));
	if (must_parse("dup: absent", text, &doc))
	{
		ok(doc.n_pilots == 1 && doc.pilots[0].index == 1 && doc.rejects.count == 1 &&
		   strstr(doc.rejects.reasons[0], "kept the later one") != NULL,
		   "duplicate: last_updated absent, the later one is kept");
		feed_free(&doc);
	}
	/* three copies among others: survivors stay in document order */
	text = doc_with("pilots", list(pil("X1", NULL),
								   pil("D", "2023-08-07T10:00:00Z"),
								   pil("Y1", NULL),
								   pil("D", "2023-08-07T12:00:00Z"),
								   pil("Z1", NULL),
								   pil("D", "2023-08-07T11:00:00Z"), NULL));
	if (must_parse("dup: three", text, &doc))
	{
		ok(doc.n_pilots == 4 && doc.rejects.count == 2 &&
		   doc.pilots[0].index == 0 && doc.pilots[1].index == 2 &&
		   doc.pilots[2].index == 3 && doc.pilots[3].index == 4 &&
		   strcmp(doc.pilots[2].callsign, "D") == 0 &&
		   strcmp(doc.rejects.reasons[0],
				  "pilots[1].callsign: \"D\" duplicate of pilots[3], kept the newer last_updated") == 0 &&
		   strcmp(doc.rejects.reasons[1],
				  "pilots[5].callsign: \"D\" duplicate of pilots[3], kept the newer last_updated") == 0,
		   "three copies: newest kept, others stay in document order, reasons in document order");
		feed_free(&doc);
	}
	/* a rejected record between duplicates does not shift the reported indexes */
	text = doc_with("pilots", list(pil("Q", "2023-08-07T10:00:00Z"), "7",
								   pil("Q", "2023-08-07T09:00:00Z"), NULL));
	if (must_parse("dup: with reject", text, &doc))
	{
		ok(doc.n_pilots == 1 && doc.rejects.count == 2 &&
		   strcmp(doc.rejects.reasons[1],
				  "pilots[2].callsign: \"Q\" duplicate of pilots[0], kept the newer last_updated") == 0,
		   "duplicate reasons use document positions");
		feed_free(&doc);
	}
	/* the same callsign in different sections is fine */
	text = obj(TOP_BASE, "pilots", list(pil("SAME1", NULL), NULL),
			   "prefiles", list(obj(PREFILE_BASE, "callsign", "\"SAME1\"", NULL), NULL),
			   "controllers", list(obj(CTRL_BASE, "callsign", "\"SAME1\"", NULL), NULL),
			   "atis", list(obj(ATIS_BASE, "callsign", "\"SAME1\"", NULL), NULL), NULL);
	if (must_parse("dup: across sections", text, &doc))
	{
		ok(doc.rejects.count == 0 && doc.n_pilots == 1 && doc.n_prefiles == 1 &&
		   doc.n_controllers == 1 && doc.n_atis == 1,
		   "one callsign in pilots, prefiles, controllers and atis is not a duplicate");
		feed_free(&doc);
	}
	/* callsigns are compared byte for byte */
	text = doc_with("pilots", list(pil("abc1", NULL), pil("ABC1", NULL), NULL));
	if (must_parse("dup: case", text, &doc))
	{
		ok(doc.rejects.count == 0 && doc.n_pilots == 2, "callsigns differing in case are distinct");
		feed_free(&doc);
	}

	/* keys equal in their first 8 bytes (the sort compares those first) */
	text = doc_with("pilots", list(pil("ABCDEFGH1", NULL), pil("ABCDEFGH", NULL),
								   pil("ABCDEFGH2", NULL), pil("ABCDEFGHIJKL", NULL),
								   pil("ABCDEFGH", NULL), pil("ABCDEFGHIJKL", NULL),
								   pil("ABCDEFG", NULL), pil("ABCDEFGH\xC3\xA9", NULL),
								   NULL));
	if (must_parse("dup: long keys", text, &doc))
	{
		ok(doc.n_pilots == 6 && doc.rejects.count == 2 &&
		   strcmp(doc.rejects.reasons[0],
				  "pilots[1].callsign: \"ABCDEFGH\" duplicate of pilots[4], kept the later one") == 0 &&
		   strcmp(doc.rejects.reasons[1],
				  "pilots[3].callsign: \"ABCDEFGHIJKL\" duplicate of pilots[5], kept the later one") == 0,
		   "callsigns sharing 8 leading bytes: only exact repeats are duplicates");
		feed_free(&doc);
	}

	/* controllers, atis, prefiles */
	text = doc_with("controllers",
					list(obj(CTRL_BASE, "last_updated", "\"2023-08-07T23:00:00Z\"", NULL),
						 obj(CTRL_BASE, "callsign", "\"OTHER_CTR\"", NULL),
						 obj(CTRL_BASE, "last_updated", "\"2023-08-07T22:00:00Z\"",
							 "text_atis", "[\"old\"]", NULL), NULL));
	if (must_parse("dup: controllers", text, &doc))
	{
		ok(doc.n_controllers == 2 && doc.controllers[0].index == 0 &&
		   doc.controllers[0].n_text_atis == 2 && doc.controllers[1].index == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "controllers[2].callsign: \"EDDL_APP\" duplicate of controllers[0], kept the newer last_updated") == 0,
		   "controllers: duplicate callsign resolved");
		feed_free(&doc);
	}
	text = doc_with("atis", list(obj(ATIS_BASE, "atis_code", "\"A\"", NULL),
								 obj(ATIS_BASE, "atis_code", "\"B\"", NULL), NULL));
	if (must_parse("dup: atis", text, &doc))
	{
		ok(doc.n_atis == 1 && strcmp(doc.atis[0].atis_code, "B") == 0 &&
		   doc.rejects.count == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "atis[0].callsign: \"EDDL_ATIS\" duplicate of atis[1], kept the later one") == 0,
		   "atis: duplicate callsign resolved");
		feed_free(&doc);
	}
	text = doc_with("prefiles",
					list(obj(PREFILE_BASE, "callsign", "\"ABC123\"", "last_updated", "\"2023-08-07T14:00:00Z\"", NULL),
						 obj(PREFILE_BASE, "callsign", "\"OTHER\"", NULL),
						 obj(PREFILE_BASE, "callsign", "\"ABC123\"", "last_updated", "\"2023-08-07T13:00:00Z\"", NULL),
						 NULL));
	if (must_parse("dup: prefiles", text, &doc))
	{
		ok(doc.n_prefiles == 2 && doc.rejects.count == 1 &&
		   strcmp(doc.rejects.reasons[0],
				  "prefiles[2].callsign: \"ABC123\" duplicate of prefiles[0], kept the newer last_updated") == 0,
		   "prefiles: duplicate callsign resolved");
		feed_free(&doc);
	}
	/* servers by ident, reference tables by id: the later one */
	text = doc_with("servers", list(obj(SERVER_BASE, "location", "\"first\"", NULL),
									obj(SERVER_BASE, "ident", "\"US\"", NULL),
									obj(SERVER_BASE, "location", "\"second\"", NULL), NULL));
	if (must_parse("dup: servers", text, &doc))
	{
		ok(doc.n_servers == 2 && strcmp(doc.servers[0].ident, "US") == 0 &&
		   strcmp(doc.servers[1].location, "second") == 0 &&
		   strcmp(doc.rejects.reasons[0],
				  "servers[0].ident: \"UK\" duplicate of servers[2], kept the later one") == 0,
		   "servers: duplicate ident, the later one kept");
		feed_free(&doc);
	}
	text = doc_with("ratings", list("{\"id\":1,\"short\":\"OBS\"}", "{\"id\":2,\"short\":\"S1\"}",
									"{\"id\":1,\"short\":\"OBS2\"}", NULL));
	if (must_parse("dup: ratings", text, &doc))
	{
		ok(doc.n_ratings == 2 && doc.ratings[0].id == 2 &&
		   strcmp(doc.ratings[1].short_name, "OBS2") == 0 &&
		   strcmp(doc.rejects.reasons[0],
				  "ratings[0].id: 1 duplicate of ratings[2], kept the later one") == 0,
		   "reference table: duplicate id, the later one kept");
		feed_free(&doc);
	}

	/* many duplicates (exercises the sort) */
	{
		Buf			b = {0};
		int			i;
		int			bad = 0;

		buf_str(&b, "[");
		for (i = 0; i < 6000; i++)
		{
			const char *r = pil(fmt("CS%04d", (i * 7919) % 2000),
								fmt("2023-08-07T%02d:%02d:%02dZ", 10 + i / 3600,
									(i / 60) % 60, i % 60));

			if (i)
				buf_str(&b, ",");
			buf_str(&b, r);
		}
		buf_str(&b, "]");
		keep(b.p);
		if (must_parse("dup: many", doc_with("pilots", b.p), &doc))
		{
			for (i = 1; i < doc.n_pilots; i++)
				if (doc.pilots[i].index <= doc.pilots[i - 1].index)
					bad++;
			/* each callsign i%2000 occurs 3 times; the last occurrence is newest */
			for (i = 0; i < doc.n_pilots; i++)
				if (doc.pilots[i].index < 4000)
					bad++;
			ok(doc.n_pilots == 2000 && doc.rejects.count == 4000 && bad == 0,
			   "6000 pilots, 2000 callsigns: 2000 kept (the newest), 4000 rejected, order kept");
			feed_free(&doc);
		}
	}
}

/* ------------------------------------------------------------------------
 * feed_parse_time
 * ------------------------------------------------------------------------
 */

static bool
time_is(const char *s, int64_t want)
{
	FeedTime	t = 0;

	if (!feed_parse_time(s, &t) || t != want)
	{
		diag("%s -> %lld, want %lld", s, (long long) t, (long long) want);
		return false;
	}
	return true;
}

static bool
time_bad(const char *s)
{
	FeedTime	t;

	return !feed_parse_time(s, &t);
}

/* tiny deterministic PRNG */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
test_parse_time(void)
{
	const int64_t S = 1000000;
	int			i;
	int			bad;

	ok(time_is("1970-01-01T00:00:00Z", 0), "epoch is 0");
	ok(time_is("2023-08-07T23:29:29.8856438Z", 1691450969LL * S + 885644),
	   "7 digits .8856438 rounds to .885644");
	ok(time_is("2021-04-24T15:28:14.6925308Z", 1619278094LL * S + 692531),
	   "7 digits .6925308 rounds to .692531");
	ok(time_is("2023-08-07T23:29:44.877148Z", 1691450984LL * S + 877148),
	   "6 digits");
	ok(time_is("2024-02-20T17:39:22Z", 1708450762LL * S), "no fraction");
	ok(time_is("2000-03-01T00:00:00Z", 951868800LL * S), "2000-03-01");
	ok(time_is("1900-01-01T00:00:00Z", -2208988800LL * S), "1900-01-01 (lower bound)");
	ok(time_is("9999-12-31T23:59:59.999999Z", 253402300799LL * S + 999999),
	   "9999-12-31T23:59:59.999999 (upper bound)");
	ok(time_is("2023-01-01T00:00:00.1Z", 1672531200LL * S + 100000) &&
	   time_is("2023-01-01T00:00:00.12Z", 1672531200LL * S + 120000) &&
	   time_is("2023-01-01T00:00:00.123Z", 1672531200LL * S + 123000) &&
	   time_is("2023-01-01T00:00:00.1234Z", 1672531200LL * S + 123400) &&
	   time_is("2023-01-01T00:00:00.12345Z", 1672531200LL * S + 123450) &&
	   time_is("2023-01-01T00:00:00.123456Z", 1672531200LL * S + 123456),
	   "1 to 6 fraction digits");
	/* 0.1234565 as a double is just below the half: 123456, as in PostgreSQL */
	ok(time_is("2023-01-01T00:00:00.1234565Z", 1672531200LL * S + 123456) &&
	   time_is("2023-01-01T00:00:00.12345649Z", 1672531200LL * S + 123456) &&
	   time_is("2023-01-01T00:00:00.123456789Z", 1672531200LL * S + 123457),
	   "7, 8 and 9 fraction digits round");
	ok(time_is("2023-01-01T00:00:00.0000005Z", 1672531200LL * S + 0) &&
	   time_is("2023-01-01T00:00:00.0000015Z", 1672531200LL * S + 2),
	   "exact half microseconds round to even, like rint()");
	ok(time_is("2023-12-31T23:59:59.9999999Z", 1704067200LL * S) &&
	   time_is("2023-12-31T23:59:59.9999995Z", 1704067200LL * S),
	   "rounding up to 1000000 us carries into the next second (and year)");
	ok(time_is("2023-02-28T23:59:59.99999951Z", 1677628800LL * S),
	   "carry past the end of February");
	ok(time_is("2024-02-29T12:00:00Z", 1709208000LL * S), "leap day 2024-02-29");
	ok(time_is("2000-02-29T00:00:00Z", 951782400LL * S), "leap day 2000-02-29 (400 rule)");
	ok(time_bad("2023-02-29T00:00:00Z"), "2023-02-29 rejected");
	ok(time_bad("1900-02-29T00:00:00Z"), "1900-02-29 rejected (100 rule)");
	ok(time_bad("2023-04-31T00:00:00Z") && time_is("2023-12-31T00:00:00Z", 1703980800LL * S),
	   "April 31 rejected, December 31 fine");
	ok(time_bad("2023-08-07T23:29:60Z"), "second 60 rejected");
	ok(time_bad("2023-08-07T24:00:00Z"), "hour 24 rejected");
	ok(time_bad("2023-08-07T23:60:00Z"), "minute 60 rejected");
	ok(time_bad("2023-13-07T23:00:00Z") && time_bad("2023-00-07T23:00:00Z"),
	   "month 13 and 0 rejected");
	ok(time_bad("2023-08-00T23:00:00Z") && time_bad("2023-08-32T23:00:00Z"),
	   "day 0 and 32 rejected");
	ok(time_bad("1899-12-31T23:59:59Z") && time_bad("0000-01-01T00:00:00Z"),
	   "years before 1900 rejected");
	{
		FeedTime	t = 42;

		ok(feed_read_time("9999-12-31T23:59:59.9999999Z", &t) == FEED_TIME_OUT_OF_RANGE &&
		   feed_read_time("9999-12-31T23:59:59.9999995Z", &t) == FEED_TIME_OUT_OF_RANGE &&
		   t == 42 && time_bad("9999-12-31T23:59:59.9999999Z"),
		   "9999-12-31T23:59:59.9999999 would round into the year 10000: out of range, *out untouched");
		ok(time_is("9999-12-31T23:59:59.9999994Z", 253402300799LL * S + 999999),
		   "9999-12-31T23:59:59.9999994 rounds down: still 9999");
		ok(feed_read_time("1899-12-31T23:59:59.9999999Z", &t) == FEED_TIME_OUT_OF_RANGE &&
		   feed_read_time("2023-13-07T23:00:00Z", &t) == FEED_TIME_MALFORMED &&
		   feed_read_time("2023-08-07T23:00:00Z", &t) == FEED_TIME_OK,
		   "feed_read_time tells out of range (years) from malformed");
	}
	ok(time_bad("2023-08-07T23:29:29.1234567890Z"), "10 fraction digits rejected");
	ok(time_bad("2023-08-07T23:29:29.Z"), "a dot without digits rejected");
	ok(time_bad("2023-08-07T23:29:29") && time_bad("2023-08-07T23:29:29.5"),
	   "missing Z rejected");
	ok(time_bad("2023-08-07T23:29:29z") && time_bad("2023-08-07t23:29:29Z"),
	   "lower-case z/t rejected");
	ok(time_bad("2023-08-07T23:29:29Z ") && time_bad("2023-08-07T23:29:29ZZ"),
	   "anything after Z rejected");
	ok(time_bad("2023-08-07 23:29:29Z") && time_bad("2023-08-07T23:29:29+00:00") &&
	   time_bad("2023-8-07T23:29:29Z") && time_bad("2023-08-07T23:29Z") &&
	   time_bad("20230807T232929Z") && time_bad("2023-08-07") && time_bad("") &&
	   time_bad(" 2023-08-07T23:29:29Z") && time_bad("+2023-08-07T23:29:29Z") &&
	   time_bad("2023-08-07T23:29:29,5Z") && time_bad("2023-08-07T-3:29:29Z"),
	   "other shapes rejected");
	ok(time_bad(NULL), "NULL rejected");

	/* random fractions against PostgreSQL's rule, rint(strtod("0.ddd") * 1e6) */
	bad = 0;
	for (i = 0; i < 200000; i++)
	{
		int			nd = 1 + (int) (rng() % 9);
		char		digits[10];
		char		ts[40];
		char		num[16];
		int			j;
		FeedTime	t;
		int64_t		want;

		for (j = 0; j < nd; j++)
			digits[j] = (char) ('0' + rng() % 10);
		digits[nd] = '\0';
		/* bias towards halves and nines, where rounding matters */
		if (i % 4 == 1 && nd >= 7)
			digits[6] = '5', digits[nd - 1] = (nd > 7) ? '0' : '5';
		if (i % 4 == 2)
			memset(digits, '9', (size_t) nd);
		snprintf(ts, sizeof(ts), "2023-06-30T23:59:59.%sZ", digits);
		snprintf(num, sizeof(num), "0.%s", digits);
		want = (1688169599LL * S) + (int64_t) rint(strtod(num, NULL) * 1000000.0);
		if (!feed_parse_time(ts, &t) || t != want)
		{
			if (bad++ < 5)
				diag("%s: got %lld want %lld", ts, (long long) t, (long long) want);
		}
	}
	ok(bad == 0, "200000 random fractions round exactly like rint(strtod(...) * 1e6)");

	/* random dates: day arithmetic against a simple day-by-day count */
	{
		static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int64_t		days = -25567;	/* 1900-01-01 */
		int			y;
		int			m;
		int			d;

		bad = 0;
		for (y = 1900; y <= 2100; y++)
			for (m = 1; m <= 12; m++)
			{
				int			dim = mdays[m - 1] +
					(m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));

				for (d = 1; d <= dim; d++, days++)
				{
					char		ts[40];
					FeedTime	t;

					if ((d % 5) != 1 && !(m == 2 && d >= 28))
						continue;
					snprintf(ts, sizeof(ts), "%04d-%02d-%02dT01:02:03Z", y, m, d);
					if (!feed_parse_time(ts, &t) ||
						t != (days * 86400 + 3723) * S)
						bad++;
				}
				if (m == 2 && dim == 28)
				{
					char		ts[40];

					snprintf(ts, sizeof(ts), "%04d-02-29T00:00:00Z", y);
					if (!time_bad(ts))
						bad++;
				}
			}
		ok(bad == 0, "dates 1900..2100 agree with a day-by-day count");
	}
}

/* ------------------------------------------------------------------------
 * feed_plan_hash
 * ------------------------------------------------------------------------
 */

static void
test_plan_hash(void)
{
	FeedPlan	a;
	FeedPlan	b;
	char		route[] = "DCT MID UL612 DCT";
	int			i;
	static const char *const vals[FP_NFIELDS] = {
		"I", "B738/M-SDE2E3FGHIJ1RWXY/LB1", "H/B738/L", "B738", "EGLL",
		"LEMD", "", "450", "37000", "1200", "0215", "0400", "PBN/A1B1 /V/",
		"DCT MID UL612 DCT", "4621"
	};
	FeedDocument doc;

	for (i = 0; i < FP_NFIELDS; i++)
		a.field[i] = vals[i];
	a.revision_id = 3;
	b = a;
	b.field[FP_ROUTE] = route;	/* same content, other pointer */
	ok(feed_plan_hash(&a) == feed_plan_hash(&b), "equal plans hash equal");
	ok(feed_plan_hash(&a) == UINT64_C(0xb3f21fbfe2a0e135),
	   "hash value is stable (pinned, computed independently)");
	b.field[FP_ROUTE] = "DCT MID UL612 DCU";
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "a changed route changes the hash");
	b = a;
	b.revision_id = 4;
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "a changed revision_id changes the hash");
	b.revision_id = FEED_NULL_INT;
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "revision_id null differs from 3");
	b = a;
	b.field[FP_ALTERNATE] = NULL;
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "NULL and \"\" differ");
	b = a;
	b.field[FP_DEPARTURE] = "EGLLL";
	b.field[FP_ARRIVAL] = "EMD";
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "bytes moved between fields differ");
	b = a;
	b.revision_id = 0;
	a.revision_id = FEED_NULL_INT;
	ok(feed_plan_hash(&a) != feed_plan_hash(&b), "revision_id 0 and null differ");
	for (i = 0; i < FP_NFIELDS; i++)
		a.field[i] = NULL;
	a.revision_id = FEED_NULL_INT;
	ok(feed_plan_hash(&a) == UINT64_C(0xc054f8afee6d63f8),
	   "all-null plan hash is stable (pinned)");

	/* the parsed plan of a pilot and of a prefile with equal content */
	if (must_parse("plan hash parsed",
				   obj(TOP_BASE, "pilots", list(obj(PILOT_BASE, NULL), NULL),
					   "prefiles", list(obj(PREFILE_BASE, NULL), NULL), NULL), &doc))
	{
		ok(feed_plan_hash(&doc.pilots[0].plan) == UINT64_C(0xb3f21fbfe2a0e135) &&
		   feed_plan_hash(&doc.prefiles[0].plan) == UINT64_C(0xb3f21fbfe2a0e135),
		   "parsed plans hash to the pinned value");
		feed_free(&doc);
	}
}

/* ------------------------------------------------------------------------
 * \u0000 and unpaired UTF-16 surrogate escapes
 * ------------------------------------------------------------------------
 */

#define BAD_ESCAPE "contains \\u0000 or an unpaired UTF-16 surrogate"

/* A pilot named name_json (a JSON string literal) is rejected. */
static void
check_name_rejected(const char *name_json)
{
	check_reject(&SEC_PILOTS, obj(PILOT_BASE, "name", name_json, NULL),
				 "pilots[1].name: " BAD_ESCAPE);
}

/* feed_parse_root (the GeoJSON reader's) refuses text: want in message. */
static void
check_root_refuses(const char *text, const char *want)
{
	FeedError	err;
	struct cJSON *root = feed_parse_root(text, strlen(text), 0, false, &err);

	if (!ok(root == NULL && err.code == FEED_ERR_ENCODING &&
			strcmp(err.message, want) == 0,
			"feed_parse_root refuses %s: %s", text, want))
		diag("got %s: %s", code_name(err.code), root ? "(parsed)" : err.message);
	if (root != NULL)
		cJSON_Delete(root);
}

static void
test_bad_escapes(void)
{
	FeedDocument doc;
	const FeedPilot *p;
	const char *text;
	const char *a = obj(PILOT_BASE, "callsign", "\"AAA1\"", NULL);
	int			i;
	bool		nu = false;

	/* two callsigns that cJSON would both cut to "NU" */
	text = doc_with("pilots",
					list(a, obj(PILOT_BASE, "callsign", "\"NU\\u0000L2\"", NULL),
						 obj(PILOT_BASE, "callsign", "\"NU\\u0000L3\"", NULL), NULL));
	if (must_parse("NU\\u0000L2, NU\\u0000L3", text, &doc))
	{
		for (i = 0; i < doc.n_pilots; i++)
			nu = nu || strncmp(doc.pilots[i].callsign, "NU", 2) == 0;
		if (!ok(doc.n_pilots == 1 && !nu && doc.rejects.count == 2 &&
				strcmp(doc.rejects.reasons[0], "pilots[1].callsign: " BAD_ESCAPE) == 0 &&
				strcmp(doc.rejects.reasons[1], "pilots[2].callsign: " BAD_ESCAPE) == 0,
				"callsigns NU\\u0000L2 and NU\\u0000L3 both rejected, neither stored as NU"))
			show_rejects(&doc);
		feed_free(&doc);
	}

	check_reject(&SEC_PILOTS,
				 obj(PILOT_BASE, "logon_time", "\"2023-08-07T23:00:00Z\\u0000junk\"", NULL),
				 "pilots[1].logon_time: " BAD_ESCAPE);
	expect_error("update_timestamp with a \\u0000 tail: document error",
				 obj(TOP_BASE, "general",
					 obj(GENERAL_BASE, "update_timestamp",
						 "\"2023-08-07T23:29:29.8856438Z\\u0000\"", NULL), NULL),
				 FEED_ERR_ENCODING, "general.update_timestamp",
				 "general.update_timestamp " BAD_ESCAPE);
	expect_error("general.update with \\ud800: document error",
				 obj(TOP_BASE, "general",
					 obj(GENERAL_BASE, "update", "\"2023\\ud800\"", NULL), NULL),
				 FEED_ERR_ENCODING, "general.update", BAD_ESCAPE);

	/* one pilot's name: that record only, the rest of the document stays */
	check_name_rejected("\"x\\ud800\"");
	check_name_rejected("\"\\udc00x\"");
	check_name_rejected("\"\\ud800\\u0041\"");
	check_name_rejected("\"\\uDBFF\\uD800\\uDC00\"");
	check_name_rejected("\"\\u0000\"");
	check_reject(&SEC_PILOTS,
				 obj(PILOT_BASE, "flight_plan",
					 obj(PLAN_BASE, "remarks", "\"RMK/\\u0000\"", NULL), NULL),
				 "pilots[1].flight_plan.remarks: " BAD_ESCAPE);
	check_reject(&SEC_ATIS,
				 obj(ATIS_BASE, "text_atis", "[\"ok\",\"\\ud83d\"]", NULL),
				 "atis[1].text_atis[1]: " BAD_ESCAPE);
	check_reject(&SEC_SERV, obj(SERVER_BASE, "ident", "\"\\u0000\"", NULL),
				 "servers[1].ident: " BAD_ESCAPE);

	if ((p = accept_pilot(obj(PILOT_BASE, "name", "\"\\ud83d\\ude00 \\u00e9\"", NULL),
						  "a valid surrogate pair", &doc)))
	{
		ok(strcmp(p->name, "\xF0\x9F\x98\x80 \xC3\xA9") == 0,
		   "a valid pair \\ud83d\\ude00 (and \\u00e9) still accepted as UTF-8");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(PILOT_BASE, "name", "\"A\\\\u0000\\\\ud800\"", NULL),
						  "escaped backslashes", &doc)))
	{
		ok(strcmp(p->name, "A\\u0000\\ud800") == 0,
		   "an escaped backslash before u0000 is text, not an escape");
		feed_free(&doc);
	}
	if ((p = accept_pilot(obj(PILOT_BASE, "callsign\\u0000", "\"ZZZ9\"",
							  "x_unknown", "\"\\u0000\"", NULL),
						  "bad escapes in a key and an unknown member", &doc)))
	{
		ok(strcmp(p->callsign, "TST101") == 0,
		   "a key with \\u0000 matches no member (ignored), nor does an unknown member's bad value count");
		feed_free(&doc);
	}

	/* the GeoJSON reader's entry refuses the document instead */
	check_root_refuses("{\"a\":\"x\\u0000\"}", "\\u0000 escape at byte 7");
	check_root_refuses("{\"a\":\"\\ud800\\u0041\"}",
					   "unpaired UTF-16 surrogate escape at byte 6");
	check_root_refuses("[\"\\uDC00\"]", "unpaired UTF-16 surrogate escape at byte 2");
}

/* The parser's own year limit, at document and record level. */
static void
test_year_limit(void)
{
	expect_error("update_timestamp 9999-12-31T23:59:59.9999999Z (year 10000 once rounded) refused",
				 obj(TOP_BASE, "general",
					 obj(GENERAL_BASE, "update_timestamp",
						 "\"9999-12-31T23:59:59.9999999Z\"", NULL), NULL),
				 FEED_ERR_BAD_TIMESTAMP, "general.update_timestamp",
				 "general.update_timestamp \"9999-12-31T23:59:59.9999999Z\" is outside the years 1900 to 9999");
	check_reject(&SEC_PILOTS,
				 obj(PILOT_BASE, "logon_time", "\"9999-12-31T23:59:59.9999995Z\"", NULL),
				 "pilots[1].logon_time: \"9999-12-31T23:59:59.9999995Z\" is outside the years 1900 to 9999");
}

/* ------------------------------------------------------------------------
 * Allocation failure
 * ------------------------------------------------------------------------
 */

/* One parse of the document arg under the allocation budget. */
static AllocResult
parse_attempt(void *arg, long budget)
{
	FeedDocument doc;
	FeedError	err;

	(void) budget;
	if (parse_text(arg, &doc, &err))
	{
		feed_free(&doc);
		return ALLOC_SUCCEEDED;
	}
	return parse_failure_result(doc_is_zero(&doc), err.code);
}

static void
test_allocation_failure(void)
{
	const char *text;

	text = obj(TOP_BASE,
			   "pilots", list(pil("A1", NULL), pil("B2", NULL), pil("A1", NULL), "1", NULL),
			   "controllers", list(obj(CTRL_BASE, NULL), obj(CTRL_BASE, "callsign", "\"X_CTR\"", NULL), NULL),
			   "atis", list(obj(ATIS_BASE, NULL), NULL),
			   "prefiles", list(obj(PREFILE_BASE, NULL), NULL),
			   "servers", list(obj(SERVER_BASE, NULL), NULL), NULL);

	parse_allocation_test(text, parse_attempt, 10);
}

/* ------------------------------------------------------------------------
 * Real snapshots
 * ------------------------------------------------------------------------
 */

typedef struct Fixture
{
	const char *file;
	int			pilots;
	int			controllers;
	int			atis;
	int			prefiles;
	int			servers;
	int			rejects;
	bool		military;
	int			pilot_ratings;
	int64_t		ts_sec;			/* update_timestamp, whole seconds */
	int			ts_usec;
} Fixture;

static const Fixture fixtures[] = {
	/* 49 prefiles: EZY890 x4 and five callsigns x2 -> 8 rejects, 41 kept */
	{"v3-2020-12-03T1423Z-736p-earliest-schema.json", 736, 72, 32, 41, 7, 8, false, 5, 1607005437, 931683},
	{"v3-2021-04-24T1528Z-1925p.json", 1925, 378, 72, 75, 7, 0, false, 5, 1619278094, 692531},
	{"v3-2021-08-02T1059Z-614p-au.json", 614, 82, 30, 41, 7, 0, false, 5, 1627901975, 564424},
	{"v3-2023-07-31T1925Z-1442p.json", 1442, 215, 109, 91, 8, 0, true, 7, 1690831533, 631226},
	{"v3-2023-08-07T232929Z-754p-seq1.json", 754, 87, 66, 63, 8, 0, true, 7, 1691450969, 885644},
	{"v3-2023-08-07T232944Z-757p-seq2.json", 757, 89, 66, 62, 8, 0, true, 7, 1691450984, 877148},
	{"v3-2023-08-08T000359Z-737p-seq3.json", 737, 93, 69, 56, 8, 0, true, 7, 1691453039, 882072},
};

#define TESTS_PER_FIXTURE 10

static void
test_fixture(const char *dir, const Fixture *fx)
{
	char	   *text;
	size_t		len = 0;
	FeedDocument doc;
	FeedError	err;
	int			i;
	bool		good;

	text = read_fixture(dir, fx->file, &len);
	if (text == NULL)
	{
		fail_checks(0, TESTS_PER_FIXTURE, fx->file, fixture_missing(dir));
		return;
	}

	if (!ok(feed_parse(text, len, 0, &doc, &err), "%s: parses", fx->file))
	{
		diag("%s: %s (path \"%s\", offset %zu)", code_name(err.code),
			 err.message, err.path, err.offset);
		fail_checks(1, TESTS_PER_FIXTURE, fx->file, "not parsed");
		free(text);
		return;
	}
	ok(doc.n_pilots == fx->pilots, "%s: pilots %d (want %d)", fx->file, doc.n_pilots, fx->pilots);
	ok(doc.n_controllers == fx->controllers, "%s: controllers %d (want %d)", fx->file,
	   doc.n_controllers, fx->controllers);
	ok(doc.n_atis == fx->atis, "%s: atis %d (want %d)", fx->file, doc.n_atis, fx->atis);
	ok(doc.n_prefiles == fx->prefiles, "%s: prefiles %d (want %d)", fx->file,
	   doc.n_prefiles, fx->prefiles);
	ok(doc.n_servers == fx->servers, "%s: servers %d (want %d)", fx->file,
	   doc.n_servers, fx->servers);
	good = doc.rejects.count == fx->rejects;
	/* the only rejects in the real files are duplicate prefiles */
	for (i = 0; i < doc.rejects.n_reasons; i++)
		good = good && strncmp(doc.rejects.reasons[i], "prefiles[", 9) == 0 &&
			strstr(doc.rejects.reasons[i], "duplicate of prefiles[") != NULL &&
			strstr(doc.rejects.reasons[i], "kept the newer last_updated") != NULL;
	if (!ok(good, "%s: rejects %d (want %d), all duplicate prefiles", fx->file,
			doc.rejects.count, fx->rejects))
		show_rejects(&doc);
	ok(doc.has_military_ratings == fx->military &&
	   doc.n_military_ratings == (fx->military ? 5 : 0),
	   "%s: military_ratings %s", fx->file, fx->military ? "present (5)" : "absent");
	ok(doc.general.connected_clients == doc.n_pilots + doc.n_controllers + doc.n_atis,
	   "%s: connected_clients %lld == pilots + controllers + atis", fx->file,
	   (long long) doc.general.connected_clients);
	ok(doc.general.update_timestamp == fx->ts_sec * 1000000 + fx->ts_usec &&
	   doc.general.version == 3 &&
	   doc.has_facilities && doc.n_facilities == 7 &&
	   doc.has_ratings && doc.n_ratings == 14 &&
	   doc.has_pilot_ratings && doc.n_pilot_ratings == fx->pilot_ratings,
	   "%s: update_timestamp, version, facilities 7, ratings 14, pilot_ratings %d",
	   fx->file, fx->pilot_ratings);
	feed_free(&doc);
	free(text);
}

/* ------------------------------------------------------------------------
 */

int
main(void)
{
	const char *dir = getenv("FIXTURE_DIR");
	size_t		i;

	test_document_errors();
	test_full_mapping();
	test_pilot_rejects();
	test_pilot_accepts();
	test_controller_rejects();
	test_controller_accepts();
	test_other_rejects();
	test_duplicates();
	test_parse_time();
	test_bad_escapes();
	test_year_limit();
	test_plan_hash();
	test_allocation_failure();
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		test_fixture(dir, &fixtures[i]);

	return tap_done();
}
