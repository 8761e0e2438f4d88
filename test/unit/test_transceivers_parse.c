/*-------------------------------------------------------------------------
 *
 * test_transceivers_parse.c
 *		Unit tests of src/parse/transceivers_parse.c, written as a TAP producer
 *		with the harness of tap.h (as test_feed_parse.c).
 *
 * Prints "ok N - name" or "not ok N - name" per test, diagnostics as
 * "# ..." lines, and the plan "1..N" at the end; exits non-zero when a test
 * failed.  Run through prove(1), see the Makefile.
 *
 * Covers every document-level error, every record-rejection rule,
 * duplicate stations and duplicate transceiver ids, allocation failure at
 * every allocation, and the real transceivers snapshot in $FIXTURE_DIR
 * (failing its checks when absent).  Every parse reads an exactly sized heap copy of
 * the text (no NUL terminator), so the ASan build sees any over-read.
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

#include "../../src/parse/transceivers.h"
#include "tap.h"

/* ------------------------------------------------------------------------
 * Sample records
 * ------------------------------------------------------------------------
 */

static const char *const TRX_BASE[] = {
	"id", "1",
	"frequency", "122800010",
	"latDeg", "51.54190458103598",
	"lonDeg", "-0.45327186584472656",
	"heightMslM", "130.0",
	"heightAglM", "80.0",
	NULL
};

/* a transceiver with the given id (JSON text) and frequency */
static const char *
trx(const char *id, const char *freq)
{
	return obj(TRX_BASE, "id", id, "frequency", freq, NULL);
}

/* a station: callsign (JSON text) and transceivers (JSON text) */
static const char *
station(const char *callsign, const char *list_json)
{
	static const char *const base[] = {
		"callsign", "\"X\"", "transceivers", "[]", NULL
	};

	return obj(base, "callsign", callsign, "transceivers", list_json, NULL);
}

/* ------------------------------------------------------------------------
 * Checking helpers
 * ------------------------------------------------------------------------
 */

static bool
doc_is_zero(const TransceiversDocument *doc)
{
	static const TransceiversDocument zero;

	return memcmp(doc, &zero, sizeof(zero)) == 0;
}

/*
 * transceivers_parse() on an exactly sized heap copy of text[0..len) (no
 * NUL terminator, so ASan catches a read past the end).
 */
static bool
parse_len(const char *text, size_t len, size_t max_bytes,
		  TransceiversDocument *doc, FeedError *err)
{
	char	   *copy = NULL;
	bool		r;

	if (text != NULL && len > 0)
	{
		copy = malloc(len);
		if (copy == NULL)
			exit(2);
		memcpy(copy, text, len);
	}
	r = transceivers_parse(text ? (copy ? copy : text) : NULL, len,
						   max_bytes, doc, err);
	free(copy);					/* strings live in the cJSON tree */
	return r;
}

static bool
parse_text(const char *json, TransceiversDocument *doc, FeedError *err)
{
	return parse_len(json, strlen(json), 0, doc, err);
}

/*
 * Expect a document error: false returned, code as given, path "",
 * message containing msg_part (unless NULL), offset as given (unless
 * SIZE_MAX), and the document left zeroed.
 */
static bool
expect_error_len(const char *name, const char *text, size_t len,
				 size_t max_bytes, FeedErrorCode code, const char *msg_part,
				 size_t offset)
{
	TransceiversDocument doc;
	FeedError	err;
	bool		r;
	bool		good;

	memset(&doc, 0x5A, sizeof(doc));	/* must be cleared */
	memset(&err, 0x5A, sizeof(err));
	r = parse_len(text, len, max_bytes, &doc, &err);
	good = !r && err.code == code && err.path[0] == '\0' &&
		(msg_part == NULL || strstr(err.message, msg_part) != NULL) &&
		(offset == SIZE_MAX || err.offset == offset) &&
		doc_is_zero(&doc);
	if (!ok(good, "%s", name))
	{
		diag("returned %s, code %s (want %s), path \"%s\"",
			 r ? "true" : "false", code_name(err.code), code_name(code),
			 err.path);
		diag("message \"%s\" (want it to contain \"%s\")", err.message,
			 msg_part ? msg_part : "");
		diag("offset %zu (want %zu), doc zeroed: %s", err.offset, offset,
			 doc_is_zero(&doc) ? "yes" : "no");
	}
	if (r)
		transceivers_free(&doc);
	return good;
}

static bool
expect_error(const char *name, const char *text, FeedErrorCode code,
			 const char *msg_part)
{
	return expect_error_len(name, text, strlen(text), 0, code, msg_part,
							SIZE_MAX);
}

/* Parse text, which must succeed; reports a failed test when it does not. */
static bool
must_parse(const char *name, const char *text, TransceiversDocument *doc)
{
	FeedError	err;

	if (parse_text(text, doc, &err))
		return true;
	ok(false, "%s", name);
	diag("transceivers_parse failed: %s: %s (offset %zu)",
		 code_name(err.code), err.message, err.offset);
	return false;
}

static void
show_doc(const TransceiversDocument *doc)
{
	int			i;

	diag("stations %d, rows %d, rejects: count %d, reasons %d",
		 doc->n_stations, doc->n_rows, doc->rejects.count,
		 doc->rejects.n_reasons);
	for (i = 0; i < doc->rejects.n_reasons; i++)
		diag("  reason: %s", doc->rejects.reasons[i]);
	for (i = 0; i < doc->n_rows && i < 12; i++)
		diag("  row %d: %s id %d frequency %lld", i, doc->rows[i].callsign,
			 (int) doc->rows[i].id, (long long) doc->rows[i].frequency_hz);
}

/* rows[i] is (callsign, id, frequency) */
static bool
row_is(const TransceiversDocument *doc, int i, const char *callsign,
	   int32_t id, int64_t freq)
{
	return i < doc->n_rows && strcmp(doc->rows[i].callsign, callsign) == 0 &&
		doc->rows[i].id == id && doc->rows[i].frequency_hz == freq;
}

/* The document parses with exactly these rejection reasons. */
static bool
reasons_are(const TransceiversDocument *doc, int count, ...)
{
	va_list		ap;
	int			i;
	bool		good = doc->rejects.count == count &&
		doc->rejects.n_reasons == (count < FEED_MAX_REASONS ? count : FEED_MAX_REASONS);

	va_start(ap, count);
	for (i = 0; good && i < doc->rejects.n_reasons; i++)
	{
		const char *want = va_arg(ap, const char *);

		good = strcmp(doc->rejects.reasons[i], want) == 0;
	}
	va_end(ap);
	return good;
}

/* stations A and C around the station under test */
#define ST_A station("\"AAA1\"", list(trx("1", "118500000"), NULL))
#define ST_C station("\"CCC3\"", list(trx("1", "121500000"), NULL))

/*
 * [A, bad, C]: the document parses, exactly one record is rejected with
 * reason want, A and C survive in order.
 */
static void
check_station_reject(const char *bad, const char *want)
{
	const char *text = list(ST_A, bad, ST_C, NULL);
	TransceiversDocument doc;
	bool		good;

	if (!must_parse(want, text, &doc))
		return;
	good = reasons_are(&doc, 1, want) && doc.n_stations == 2 &&
		doc.n_rows == 2 && row_is(&doc, 0, "AAA1", 1, 118500000) &&
		row_is(&doc, 1, "CCC3", 1, 121500000);
	if (!ok(good, "rejected station: %s", want))
		show_doc(&doc);
	transceivers_free(&doc);
}

/*
 * [A, B = [id 0, bad, id 2], C]: exactly one transceiver is rejected with
 * reason want ("[1].transceivers[1]..."), the station and its other two
 * transceivers survive.
 */
static void
check_trx_reject(const char *bad, const char *want)
{
	const char *b = station("\"BBB2\"", list(trx("0", "122800000"), bad,
											 trx("2", "122800002"), NULL));
	const char *text = list(ST_A, b, ST_C, NULL);
	TransceiversDocument doc;
	bool		good;

	if (!must_parse(want, text, &doc))
		return;
	good = reasons_are(&doc, 1, want) && doc.n_stations == 3 &&
		doc.n_rows == 4 && row_is(&doc, 0, "AAA1", 1, 118500000) &&
		row_is(&doc, 1, "BBB2", 0, 122800000) &&
		row_is(&doc, 2, "BBB2", 2, 122800002) &&
		row_is(&doc, 3, "CCC3", 1, 121500000);
	if (!ok(good, "rejected transceiver: %s", want))
		show_doc(&doc);
	transceivers_free(&doc);
}

/*
 * [A, B = [id 0, rec, id 2], C] with nothing rejected; returns the middle
 * row (rec) of the parsed doc, or NULL (test failed, doc freed).
 */
static const FeedTransceiver *
accept_trx(const char *rec, const char *name, TransceiversDocument *doc)
{
	const char *b = station("\"BBB2\"", list(trx("0", "122800000"), rec,
											 trx("2", "122800002"), NULL));

	if (!must_parse(name, list(ST_A, b, ST_C, NULL), doc))
		return NULL;
	if (doc->rejects.count != 0 || doc->n_rows != 5 || doc->n_stations != 3 ||
		strcmp(doc->rows[2].callsign, "BBB2") != 0)
	{
		ok(false, "%s", name);
		show_doc(doc);
		transceivers_free(doc);
		return NULL;
	}
	return &doc->rows[2];
}

/* ------------------------------------------------------------------------
 * Document-level errors
 * ------------------------------------------------------------------------
 */

static void
test_document_errors(void)
{
	const char *good = list(ST_A, ST_C, NULL);
	size_t		glen = strlen(good);
	char	   *deep;
	size_t		i;
	TransceiversDocument doc;
	FeedError	err;

	/* size */
	expect_error_len("too large: len > max_bytes", good, glen, glen - 1,
					 FEED_ERR_TOO_LARGE, "more than the limit", SIZE_MAX);
	expect_error_len("too large is checked before reading (text NULL)",
					 NULL, 5000, 4000, FEED_ERR_TOO_LARGE, NULL, SIZE_MAX);
	ok(parse_len(good, glen, glen, &doc, &err) && doc.n_rows == 2,
	   "len == max_bytes is accepted");
	transceivers_free(&doc);
	ok(parse_len(good, glen, 0, &doc, &err) && doc.n_rows == 2,
	   "max_bytes 0 means no limit");
	transceivers_free(&doc);

	/* empty */
	expect_error_len("empty: zero bytes", "", 0, 0, FEED_ERR_EMPTY, "empty",
					 SIZE_MAX);
	expect_error_len("empty: NULL text", NULL, 0, 0, FEED_ERR_EMPTY, NULL,
					 SIZE_MAX);
	expect_error("empty: white space only", " \t\r\n  \n", FEED_ERR_EMPTY,
				 "white space");

	/* encoding */
	expect_error_len("encoding: 0xFF byte in a callsign",
					 "[{\"callsign\":\"x\xFFy\"}]", 20, 0, FEED_ERR_ENCODING,
					 "invalid UTF-8 at byte 15", 15);
	expect_error_len("encoding: overlong C0 AF",
					 "[{\"callsign\":\"\xC0\xAF\"}]", 19, 0, FEED_ERR_ENCODING,
					 "overlong", 14);
	expect_error_len("encoding: surrogate U+D800 (ED A0 80)",
					 "[{\"callsign\":\"\xED\xA0\x80\"}]", 20, 0,
					 FEED_ERR_ENCODING, "surrogate", 14);
	expect_error_len("encoding: truncated sequence at the end of input",
					 "[{\"callsign\":\"\xE2\x82", 16, 0, FEED_ERR_ENCODING,
					 "truncated", 14);
	expect_error_len("encoding: invalid byte outside strings",
					 "[1,\xFF]", 5, 0, FEED_ERR_ENCODING, NULL, 3);
	expect_error_len("encoding: NUL byte in a string",
					 "[{\"callsign\":\"x\0y\"}]", 20, 0, FEED_ERR_ENCODING,
					 "NUL byte at byte 15", 15);
	expect_error_len("encoding: NUL byte outside strings",
					 "[1, \0]", 6, 0, FEED_ERR_ENCODING, "NUL byte at byte 4",
					 4);
	if (must_parse("valid UTF-8 in a callsign is accepted",
				   list(station("\"J\xC3\xBC\xE2\x82\xAC\xF0\x9D\x84\x9E\"",
								list(trx("1", "1"), NULL)), NULL), &doc))
	{
		ok(doc.n_rows == 1 &&
		   strcmp(doc.rows[0].callsign, "J\xC3\xBC\xE2\x82\xAC\xF0\x9D\x84\x9E") == 0,
		   "valid UTF-8 in a callsign is accepted");
		transceivers_free(&doc);
	}

	/* depth */
	deep = keep(malloc(2 * 1001 + 1));
	for (i = 0; i < 1001; i++)
	{
		deep[i] = '[';
		deep[2 * 1001 - 1 - i] = ']';
	}
	deep[2 * 1001] = '\0';
	expect_error_len("too deep: 1001 nested arrays", deep, 2 * 1001, 0,
					 FEED_ERR_TOO_DEEP, "at byte 1000", 1000);
	/* 1000 levels is cJSON's limit and fine: one station, not an object */
	if (must_parse("1000 nested arrays are not too deep",
				   fmt("%.*s", 2 * 1000, deep + 1), &doc))
	{
		ok(doc.n_stations == 0 && doc.n_rows == 0 && doc.rows == NULL &&
		   reasons_are(&doc, 1, "[0]: not an object (array)"),
		   "1000 nested arrays are not too deep (one station, not an object)");
		transceivers_free(&doc);
	}
	{
		/* 1000 levels inside a document: [ { "x": 998 arrays } ] */
		Buf			b = {0};
		const char *text;

		for (i = 0; i < 998; i++)
			buf_str(&b, "[");
		for (i = 0; i < 998; i++)
			buf_str(&b, "]");
		keep(b.p);
		text = list(obj(NULL, "callsign", "\"DEEP\"", "x", b.p, NULL), NULL);
		if (must_parse("depth 1000 inside a document parses", text, &doc))
		{
			ok(doc.n_stations == 1 && doc.rejects.count == 0,
			   "depth 1000 inside a document parses");
			transceivers_free(&doc);
		}
		text = list(obj(NULL, "callsign", "\"DEEP\"", "x", fmt("[%s]", b.p),
						NULL), NULL);
		expect_error("depth 1001 inside a document is too deep", text,
					 FEED_ERR_TOO_DEEP, "nesting deeper than 1000");
	}

	/* syntax */
	expect_error_len("syntax: bad value, offset from cJSON",
					 "[{\"callsign\": }]", 16, 0, FEED_ERR_SYNTAX,
					 "invalid JSON at byte 14", 14);
	expect_error_len("syntax: mismatched bracket", "[{\"a\":1]]", 9, 0,
					 FEED_ERR_SYNTAX, "invalid JSON", SIZE_MAX);
	expect_error_len("syntax: document cut in half is called truncated",
					 good, glen / 2, 0, FEED_ERR_SYNTAX,
					 "unexpected end of input (truncated document?)",
					 SIZE_MAX);
	expect_error("syntax: truncated after a comma inside an object",
				 "[{\"callsign\":\"A\",", FEED_ERR_SYNTAX,
				 "unexpected end of input");
	expect_error("syntax: truncated after a comma in the array",
				 "[{\"callsign\":\"A\"},", FEED_ERR_SYNTAX,
				 "unexpected end of input");
	expect_error_len("syntax: only an opening bracket", "[", 1, 0,
					 FEED_ERR_SYNTAX, "unexpected end of input", SIZE_MAX);
	expect_error("syntax: trailing comma", "[1,]", FEED_ERR_SYNTAX,
				 "invalid JSON");
	expect_error_len("syntax: trailing data offset", "[] []", 5, 0,
					 FEED_ERR_SYNTAX, "after the JSON value at byte 3", 3);
	expect_error_len("syntax: control character outside a string",
					 "[\x01 1]", 5, 0, FEED_ERR_SYNTAX, "control character",
					 1);
	expect_error("syntax: not JSON", "callsign,frequency\nAAA1,118500000\n",
				 FEED_ERR_SYNTAX, "invalid JSON");
	ok(parse_text(fmt("\n  %s \r\n\t ", good), &doc, &err) && doc.n_rows == 2,
	   "white space around the value is fine");
	transceivers_free(&doc);
	ok(parse_len(fmt("%sGARBAGE{[\"", good), glen, 0, &doc, &err) &&
	   doc.n_rows == 2, "bytes after len are ignored");
	transceivers_free(&doc);
	ok(!transceivers_parse("[", 1, 0, &doc, NULL) && doc_is_zero(&doc),
	   "err may be NULL");

	/* top level */
	expect_error("not an array: object", "{\"callsign\":\"A\"}",
				 FEED_ERR_NOT_OBJECT, "top level is an object, not an array");
	expect_error("not an array: empty object", "{}", FEED_ERR_NOT_OBJECT,
				 "top level is an object, not an array");
	expect_error("not an array: a v3 data feed document",
				 "{\"general\":{\"version\":3,\"update_timestamp\":\"2023-08-07T23:29:29.8856438Z\"},"
				 "\"pilots\":[],\"controllers\":[],\"atis\":[],\"prefiles\":[],\"servers\":[]}",
				 FEED_ERR_NOT_OBJECT, "top level is an object, not an array");
	expect_error("not an array: null", "null", FEED_ERR_NOT_OBJECT,
				 "top level is null, not an array");
	expect_error("not an array: string", "\"[]\"", FEED_ERR_NOT_OBJECT,
				 "top level is a string, not an array");
	expect_error("not an array: number", " 42 ", FEED_ERR_NOT_OBJECT,
				 "top level is a number, not an array");
	expect_error("not an array: true", "true", FEED_ERR_NOT_OBJECT,
				 "top level is a boolean, not an array");
	expect_error("not an array: false", "false", FEED_ERR_NOT_OBJECT,
				 "top level is a boolean, not an array");

	/* the smallest documents */
	if (must_parse("empty array", "[]", &doc))
	{
		ok(doc.n_stations == 0 && doc.n_rows == 0 && doc.rows == NULL &&
		   doc.rejects.count == 0 && doc.json != NULL,
		   "empty array: no stations, no rows, rows NULL");
		transceivers_free(&doc);
		ok(doc_is_zero(&doc), "transceivers_free zeroes the document");
		transceivers_free(&doc);
		transceivers_free(NULL);
		ok(true, "transceivers_free twice and on NULL is harmless");
	}
}

/* ------------------------------------------------------------------------
 * Mapping
 * ------------------------------------------------------------------------
 */

static void
test_mapping(void)
{
	TransceiversDocument doc;
	const FeedTransceiver *t;
	const char *text;

	/* every field, exactly as strtod reads it */
	text = list(station("\"DLH572\"",
						list(obj(NULL, "id", "1", "frequency", "122800010",
								 "latDeg", "-0.5960412476246835",
								 "lonDeg", "22.545353765072385",
								 "heightMslM", "10641.43351548217",
								 "heightAglM", "10198.4716262152", NULL),
							 NULL)),
				NULL);
	if (must_parse("all fields mapped", text, &doc))
	{
		t = &doc.rows[0];
		ok(doc.n_stations == 1 && doc.n_rows == 1 && doc.rejects.count == 0 &&
		   strcmp(t->callsign, "DLH572") == 0 && t->id == 1 &&
		   t->frequency_hz == 122800010 &&
		   t->latitude == strtod("-0.5960412476246835", NULL) &&
		   t->longitude == strtod("22.545353765072385", NULL) &&
		   t->height_msl_m == strtod("10641.43351548217", NULL) &&
		   t->height_agl_m == strtod("10198.4716262152", NULL),
		   "all fields mapped, doubles exactly as strtod gives them");
		transceivers_free(&doc);
	}

	/* station shapes */
	text = list(station("\"E1\"", "[]"),
				obj(NULL, "callsign", "\"E2\"", NULL),
				station("\"E3\"", "null"),
				station("\"F4\"", list(trx("1", "1"), NULL)), NULL);
	if (must_parse("stations without transceivers", text, &doc))
	{
		ok(doc.n_stations == 4 && doc.n_rows == 1 && doc.rejects.count == 0 &&
		   row_is(&doc, 0, "F4", 1, 1),
		   "transceivers [], missing or null: a kept station without rows");
		transceivers_free(&doc);
	}
	text = list(station("\"E1\"", "[]"), station("\"E2\"", "null"), NULL);
	if (must_parse("only empty stations", text, &doc))
	{
		ok(doc.n_stations == 2 && doc.n_rows == 0 && doc.rows == NULL,
		   "only empty stations: rows NULL");
		transceivers_free(&doc);
	}
	text = list(obj(NULL, "callsign", "\"X1\"", "callsign", "\"X2\"",
					"transceivers", "5",
					"transceivers", list(trx("7", "7"), NULL),
					"extra", "{\"a\":[1,2]}", NULL),
				NULL);
	if (must_parse("station: last occurrence of a key wins", text, &doc))
	{
		ok(doc.n_stations == 1 && doc.rejects.count == 0 &&
		   row_is(&doc, 0, "X2", 7, 7),
		   "station: the last occurrence of a key wins, unknown keys ignored");
		transceivers_free(&doc);
	}
	text = list(station(fmt("\"%s\"", "ABCDEFGHIJKLMNOPQRSTUVWX"),
						list(trx("1", "1"), NULL)), NULL);
	if (must_parse("24-byte callsign", text, &doc))
	{
		ok(doc.n_rows == 1 && strlen(doc.rows[0].callsign) == 24,
		   "a callsign of FEED_CALLSIGN_MAX (24) bytes is accepted");
		transceivers_free(&doc);
	}

	/* transceiver values accepted */
	if ((t = accept_trx(obj(TRX_BASE, "latDeg", DEL, "lonDeg", DEL,
							"heightMslM", DEL, "heightAglM", DEL, NULL),
						"position absent", &doc)) != NULL)
	{
		ok(t->id == 1 && t->frequency_hz == 122800010 && isnan(t->latitude) &&
		   isnan(t->longitude) && isnan(t->height_msl_m) &&
		   isnan(t->height_agl_m),
		   "latDeg, lonDeg, heightMslM, heightAglM absent: NaN");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "latDeg", "null", "lonDeg", "null",
							"heightMslM", "null", "heightAglM", "null", NULL),
						"position null", &doc)) != NULL)
	{
		ok(isnan(t->latitude) && isnan(t->longitude) &&
		   isnan(t->height_msl_m) && isnan(t->height_agl_m),
		   "latDeg, lonDeg, heightMslM, heightAglM null: NaN");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "latDeg", "90", "lonDeg", "-180",
							NULL), "bounds", &doc)) != NULL)
	{
		ok(t->latitude == 90.0 && t->longitude == -180.0,
		   "latDeg 90 and lonDeg -180 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "latDeg", "-90.0", "lonDeg", "180.0",
							NULL), "bounds", &doc)) != NULL)
	{
		ok(t->latitude == -90.0 && t->longitude == 180.0,
		   "latDeg -90.0 and lonDeg 180.0 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "heightMslM", "-1.2113229036331177",
							"heightAglM", "-1.2113229036331177", NULL),
						"negative heights", &doc)) != NULL)
	{
		ok(t->height_msl_m == strtod("-1.2113229036331177", NULL) &&
		   t->height_agl_m == t->height_msl_m,
		   "negative heights accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "heightMslM", "1e300",
							"heightAglM", "5.15e1", "latDeg", "1",
							"lonDeg", "-2E-3", NULL),
						"exponents", &doc)) != NULL)
	{
		ok(t->height_msl_m == 1e300 && t->height_agl_m == 51.5 &&
		   t->latitude == 1.0 && t->longitude == strtod("-2E-3", NULL),
		   "numbers with exponents and integer literals accepted as doubles");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("1", "0"), "frequency 0", &doc)) != NULL)
	{
		ok(t->frequency_hz == 0, "frequency 0 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("1", "1000000000000"), "frequency 10^12",
						&doc)) != NULL)
	{
		ok(t->frequency_hz == INT64_C(1000000000000),
		   "frequency 1000000000000 (the maximum) accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("1", "1.2280001e8"), "frequency in exponent form",
						&doc)) != NULL)
	{
		ok(t->frequency_hz == 122800010,
		   "frequency 1.2280001e8 (integral) accepted as 122800010");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("1", "199998000"), "frequency 199998000",
						&doc)) != NULL)
	{
		ok(t->frequency_hz == 199998000, "frequency 199998000 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("-2147483648", "1"), "id INT32_MIN",
						&doc)) != NULL)
	{
		ok(t->id == INT32_MIN, "id -2147483648 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("2147483647", "1"), "id INT32_MAX",
						&doc)) != NULL)
	{
		ok(t->id == INT32_MAX, "id 2147483647 accepted");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(trx("1.0", "122800000.0"), "integral doubles",
						&doc)) != NULL)
	{
		ok(t->id == 1 && t->frequency_hz == 122800000,
		   "id 1.0 and frequency 122800000.0 are integers");
		transceivers_free(&doc);
	}
	if ((t = accept_trx(obj(TRX_BASE, "id", "\"x\"", "frequency", "true",
							"extra", "[{}]", "id", "1",
							"frequency", "118000000", NULL),
						"transceiver: last occurrence wins", &doc)) != NULL)
	{
		ok(t->id == 1 && t->frequency_hz == 118000000,
		   "transceiver: the last occurrence of a key wins, unknown keys ignored");
		transceivers_free(&doc);
	}

	/* the order of the rows is the document's */
	text = list(station("\"S1\"", list(trx("3", "3"), trx("1", "1"),
									   trx("2", "2"), NULL)),
				station("\"S0\"", "[]"),
				station("\"S2\"", list(trx("0", "10"), NULL)), NULL);
	if (must_parse("document order", text, &doc))
	{
		ok(doc.n_rows == 4 && row_is(&doc, 0, "S1", 3, 3) &&
		   row_is(&doc, 1, "S1", 1, 1) && row_is(&doc, 2, "S1", 2, 2) &&
		   row_is(&doc, 3, "S2", 0, 10) &&
		   doc.rows[0].callsign == doc.rows[2].callsign,
		   "rows in document order, callsign pointers shared per station");
		transceivers_free(&doc);
	}
}

/* ------------------------------------------------------------------------
 * Record rejections
 * ------------------------------------------------------------------------
 */

static void
test_station_rejects(void)
{
	static const char *const base[] = {
		"callsign", "\"BBB2\"", "transceivers", "[]", NULL
	};
	const char *with_trx = list(trx("1", "1"), NULL);

	check_station_reject("1", "[1]: not an object (number)");
	check_station_reject("\"BBB2\"", "[1]: not an object (string)");
	check_station_reject("null", "[1]: not an object (null)");
	check_station_reject("[{\"callsign\":\"BBB2\"}]",
						 "[1]: not an object (array)");
	check_station_reject("true", "[1]: not an object (boolean)");
	check_station_reject(obj(base, "callsign", DEL, "transceivers", with_trx,
							 NULL),
						 "[1].callsign: missing");
	check_station_reject(obj(base, "callsign", "null", NULL),
						 "[1].callsign: null");
	check_station_reject(obj(base, "callsign", "42", NULL),
						 "[1].callsign: not a string (number)");
	check_station_reject(obj(base, "callsign", "[\"BBB2\"]", NULL),
						 "[1].callsign: not a string (array)");
	check_station_reject(obj(base, "callsign", "\"\"", NULL),
						 "[1].callsign: empty");
	check_station_reject(obj(base, "callsign",
							 "\"ABCDEFGHIJKLMNOPQRSTUVWXY\"", NULL),
						 "[1].callsign: 25 bytes, longer than 24");
	/* 13 two-byte characters: bytes count, not characters */
	check_station_reject(obj(base, "callsign",
							 "\"\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84"
							 "\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\xC3\x84\"", NULL),
						 "[1].callsign: 26 bytes, longer than 24");
	check_station_reject(obj(base, "transceivers", "{\"id\":1}", NULL),
						 "[1].transceivers: not an array (object)");
	check_station_reject(obj(base, "transceivers", "\"[]\"", NULL),
						 "[1].transceivers: not an array (string)");
	check_station_reject(obj(base, "transceivers", "0", NULL),
						 "[1].transceivers: not an array (number)");
	check_station_reject(obj(base, "transceivers", "false", NULL),
						 "[1].transceivers: not an array (boolean)");
	/* cJSON would cut the first to "NU", and refuse the document for the others */
	check_station_reject(obj(base, "callsign", "\"NU\\u0000L2\"", NULL),
						 "[1].callsign: contains \\u0000 or an unpaired UTF-16 surrogate");
	check_station_reject(obj(base, "callsign", "\"AB\\ud800\"", NULL),
						 "[1].callsign: contains \\u0000 or an unpaired UTF-16 surrogate");
	check_station_reject(obj(base, "callsign", "\"\\udc00\\u0041\"", NULL),
						 "[1].callsign: contains \\u0000 or an unpaired UTF-16 surrogate");
	/* a bad callsign rejects the station before its transceivers are read */
	check_station_reject(obj(base, "callsign", "\"\"", "transceivers",
							 "[1,2,3]", NULL),
						 "[1].callsign: empty");
}

static void
test_trx_rejects(void)
{
	check_trx_reject("5", "[1].transceivers[1]: not an object (number)");
	check_trx_reject("null", "[1].transceivers[1]: not an object (null)");
	check_trx_reject("\"x\"", "[1].transceivers[1]: not an object (string)");
	check_trx_reject("[1,122800000]",
					 "[1].transceivers[1]: not an object (array)");

	/* id */
	check_trx_reject(obj(TRX_BASE, "id", DEL, NULL),
					 "[1].transceivers[1].id: missing");
	check_trx_reject(trx("null", "1"), "[1].transceivers[1].id: null");
	check_trx_reject(trx("\"1\"", "1"),
					 "[1].transceivers[1].id: not an integer (string)");
	check_trx_reject(trx("true", "1"),
					 "[1].transceivers[1].id: not an integer (boolean)");
	check_trx_reject(trx("1.5", "1"),
					 "[1].transceivers[1].id: 1.5 is not an integer");
	check_trx_reject(trx("2147483648", "1"),
					 "[1].transceivers[1].id: 2147483648 does not fit int32");
	check_trx_reject(trx("-2147483649", "1"),
					 "[1].transceivers[1].id: -2147483649 does not fit int32");
	check_trx_reject(trx("1e999", "1"),
					 "[1].transceivers[1].id: inf is not an integer");

	/* frequency */
	check_trx_reject(obj(TRX_BASE, "frequency", DEL, NULL),
					 "[1].transceivers[1].frequency: missing");
	check_trx_reject(trx("1", "null"),
					 "[1].transceivers[1].frequency: null");
	check_trx_reject(trx("1", "\"122800000\""),
					 "[1].transceivers[1].frequency: not an integer (string)");
	check_trx_reject(trx("1", "{}"),
					 "[1].transceivers[1].frequency: not an integer (object)");
	check_trx_reject(trx("1", "122.8"),
					 "[1].transceivers[1].frequency: 122.8 is not an integer");
	check_trx_reject(trx("1", "122800000.5"),
					 "[1].transceivers[1].frequency: 122800000.5 is not an integer");
	check_trx_reject(trx("1", "-1"),
					 "[1].transceivers[1].frequency: -1 is outside 0..1000000000000");
	check_trx_reject(trx("1", "1000000000001"),
					 "[1].transceivers[1].frequency: 1000000000001 is outside 0..1000000000000");
	check_trx_reject(trx("1", "1e999"),
					 "[1].transceivers[1].frequency: inf is not an integer");
	check_trx_reject(trx("1", "-1e999"),
					 "[1].transceivers[1].frequency: -inf is not an integer");

	/* position */
	check_trx_reject(obj(TRX_BASE, "latDeg", "90.5", NULL),
					 "[1].transceivers[1].latDeg: 90.5 is outside -90..90");
	check_trx_reject(obj(TRX_BASE, "latDeg", "-90.000001", NULL),
					 "[1].transceivers[1].latDeg: -90.000001 is outside -90..90");
	check_trx_reject(obj(TRX_BASE, "latDeg", "\"51.5\"", NULL),
					 "[1].transceivers[1].latDeg: not a number (string)");
	check_trx_reject(obj(TRX_BASE, "latDeg", "1e999", NULL),
					 "[1].transceivers[1].latDeg: inf is not a finite number");
	check_trx_reject(obj(TRX_BASE, "lonDeg", "180.5", NULL),
					 "[1].transceivers[1].lonDeg: 180.5 is outside -180..180");
	check_trx_reject(obj(TRX_BASE, "lonDeg", "-181", NULL),
					 "[1].transceivers[1].lonDeg: -181 is outside -180..180");
	check_trx_reject(obj(TRX_BASE, "lonDeg", "true", NULL),
					 "[1].transceivers[1].lonDeg: not a number (boolean)");
	check_trx_reject(obj(TRX_BASE, "lonDeg", "-1e999", NULL),
					 "[1].transceivers[1].lonDeg: -inf is not a finite number");
	check_trx_reject(obj(TRX_BASE, "heightMslM", "\"130\"", NULL),
					 "[1].transceivers[1].heightMslM: not a number (string)");
	check_trx_reject(obj(TRX_BASE, "heightMslM", "1e999", NULL),
					 "[1].transceivers[1].heightMslM: inf is not a finite number");
	check_trx_reject(obj(TRX_BASE, "heightAglM", "[80]", NULL),
					 "[1].transceivers[1].heightAglM: not a number (array)");
	check_trx_reject(obj(TRX_BASE, "heightAglM", "-1e999", NULL),
					 "[1].transceivers[1].heightAglM: -inf is not a finite number");

	/* the first bad member in feed order is the one reported */
	check_trx_reject(obj(TRX_BASE, "heightAglM", "\"x\"", "latDeg", "91",
						 "frequency", "-5", NULL),
					 "[1].transceivers[1].frequency: -5 is outside 0..1000000000000");
	/* a bad earlier occurrence of a key is overridden by the last one */
	check_trx_reject(obj(TRX_BASE, "latDeg", "\"x\"", "latDeg", "91", NULL),
					 "[1].transceivers[1].latDeg: 91 is outside -90..90");
}

static void
test_reject_counting(void)
{
	TransceiversDocument doc;
	const char *text;
	Buf			b = {0};
	int			i;

	/* many rejects: all counted, five reasons kept */
	buf_str(&b, "[");
	for (i = 0; i < 7; i++)
		buf_str(&b, "1,");
	buf_str(&b, station("\"OK1\"", list(trx("1", "1"), "2", "3", NULL)));
	buf_str(&b, "]");
	keep(b.p);
	if (must_parse("many rejects", b.p, &doc))
	{
		ok(doc.rejects.count == 9 && doc.rejects.n_reasons == FEED_MAX_REASONS &&
		   strcmp(doc.rejects.reasons[0], "[0]: not an object (number)") == 0 &&
		   strcmp(doc.rejects.reasons[4], "[4]: not an object (number)") == 0 &&
		   doc.n_stations == 1 && doc.n_rows == 1,
		   "9 rejects counted, the first %d reasons kept", FEED_MAX_REASONS);
		transceivers_free(&doc);
	}

	/* every transceiver of a station rejected: the station stays */
	text = list(station("\"AL1\"", list("1", trx("1", "-1"), NULL)), NULL);
	if (must_parse("all transceivers rejected", text, &doc))
	{
		ok(doc.n_stations == 1 && doc.n_rows == 0 && doc.rows == NULL &&
		   reasons_are(&doc, 2, "[0].transceivers[0]: not an object (number)",
					   "[0].transceivers[1].frequency: -1 is outside 0..1000000000000"),
		   "every transceiver rejected: station kept without rows");
		transceivers_free(&doc);
	}

	/* long reasons are cut, not overflowed */
	text = list(station("\"L1\"",
						list(obj(TRX_BASE, "latDeg",
								 "-1234567890123456789012345678901234567890.123", NULL),
							 NULL)),
				NULL);
	if (must_parse("long reason", text, &doc))
	{
		ok(doc.rejects.count == 1 &&
		   strlen(doc.rejects.reasons[0]) < FEED_REASON_LEN &&
		   strncmp(doc.rejects.reasons[0],
				   "[0].transceivers[0].latDeg: -1.23456789012346e+39 is outside",
				   60) == 0,
		   "out-of-range value printed with %%.15g");
		transceivers_free(&doc);
	}
}

/* ------------------------------------------------------------------------
 * Duplicates
 * ------------------------------------------------------------------------
 */

static void
test_duplicates(void)
{
	TransceiversDocument doc;
	const char *text;

	text = list(station("\"DUP1\"", list(trx("1", "118000000"),
										 trx("2", "118100000"), NULL)),
				station("\"OTHER\"", list(trx("1", "119000000"), NULL)),
				station("\"DUP1\"", list(trx("1", "120000000"), NULL)), NULL);
	if (must_parse("duplicate station", text, &doc))
	{
		ok(doc.n_stations == 2 && doc.n_rows == 2 &&
		   row_is(&doc, 0, "OTHER", 1, 119000000) &&
		   row_is(&doc, 1, "DUP1", 1, 120000000) &&
		   reasons_are(&doc, 1,
					   "[0].callsign: \"DUP1\" duplicate of [2], kept the later one"),
		   "a callsign twice: the later station (and its rows) kept, the earlier counted");
		if (doc.n_rows != 2 || doc.rejects.count != 1)
			show_doc(&doc);
		transceivers_free(&doc);
	}

	text = list(station("\"T3\"", list(trx("1", "1"), NULL)),
				station("\"T3\"", "[]"),
				station("\"A0\"", list(trx("1", "5"), NULL)),
				station("\"T3\"", list(trx("4", "4"), trx("5", "5"), NULL)),
				NULL);
	if (must_parse("station three times", text, &doc))
	{
		ok(doc.n_stations == 2 && doc.n_rows == 3 &&
		   row_is(&doc, 0, "A0", 1, 5) && row_is(&doc, 1, "T3", 4, 4) &&
		   row_is(&doc, 2, "T3", 5, 5) &&
		   reasons_are(&doc, 2,
					   "[0].callsign: \"T3\" duplicate of [3], kept the later one",
					   "[1].callsign: \"T3\" duplicate of [3], kept the later one"),
		   "a callsign three times: the last kept, two counted");
		transceivers_free(&doc);
	}

	text = list(station("\"E\"", list(trx("1", "1"), NULL)),
				station("\"E\"", "[]"), NULL);
	if (must_parse("duplicate: later station empty", text, &doc))
	{
		ok(doc.n_stations == 1 && doc.n_rows == 0 && doc.rows == NULL &&
		   doc.rejects.count == 1,
		   "the later station wins even with an empty list");
		transceivers_free(&doc);
	}

	text = list(station("\"R\"", list(trx("1", "1"), NULL)),
				station("\"R\"", "{}"), NULL);
	if (must_parse("duplicate: later station rejected", text, &doc))
	{
		ok(doc.n_stations == 1 && row_is(&doc, 0, "R", 1, 1) &&
		   reasons_are(&doc, 1, "[1].transceivers: not an array (object)"),
		   "a rejected later station does not displace the earlier one");
		transceivers_free(&doc);
	}

	text = list(station("\"ab\"", list(trx("1", "1"), NULL)),
				station("\"AB\"", list(trx("1", "2"), NULL)),
				station("\"ab \"", list(trx("1", "3"), NULL)), NULL);
	if (must_parse("callsigns compared byte for byte", text, &doc))
	{
		ok(doc.n_stations == 3 && doc.n_rows == 3 && doc.rejects.count == 0,
		   "callsigns are compared byte for byte (case and spaces count)");
		transceivers_free(&doc);
	}

	text = list(station("\"C\\u0001\"", list(trx("1", "1"), NULL)),
				station("\"C\\u0001\"", list(trx("1", "2"), NULL)), NULL);
	if (must_parse("control character in a duplicate callsign", text, &doc))
	{
		ok(doc.n_rows == 1 &&
		   reasons_are(&doc, 1,
					   "[0].callsign: \"C?\" duplicate of [1], kept the later one"),
		   "control characters in a quoted callsign shown as '?'");
		transceivers_free(&doc);
	}

	/* transceiver ids */
	text = list(station("\"ID1\"", list(trx("1", "118000000"),
										trx("2", "118100000"),
										trx("1", "118200000"), NULL)), NULL);
	if (must_parse("duplicate id", text, &doc))
	{
		ok(doc.n_stations == 1 && doc.n_rows == 2 &&
		   row_is(&doc, 0, "ID1", 2, 118100000) &&
		   row_is(&doc, 1, "ID1", 1, 118200000) &&
		   reasons_are(&doc, 1,
					   "[0].transceivers[0].id: 1 duplicate of [0].transceivers[2], kept the later one"),
		   "an id twice in a station: the later kept, the earlier counted");
		transceivers_free(&doc);
	}

	text = list(station("\"ID3\"", list(trx("7", "1"), trx("7", "2"),
										trx("0", "0"), trx("7", "3"), NULL)),
				NULL);
	if (must_parse("id three times", text, &doc))
	{
		ok(doc.n_rows == 2 && row_is(&doc, 0, "ID3", 0, 0) &&
		   row_is(&doc, 1, "ID3", 7, 3) &&
		   reasons_are(&doc, 2,
					   "[0].transceivers[0].id: 7 duplicate of [0].transceivers[3], kept the later one",
					   "[0].transceivers[1].id: 7 duplicate of [0].transceivers[3], kept the later one"),
		   "an id three times: the last kept, two counted");
		transceivers_free(&doc);
	}

	text = list(station("\"IDR\"", list(trx("1", "5"), trx("1", "-5"), NULL)),
				NULL);
	if (must_parse("duplicate id, later rejected", text, &doc))
	{
		ok(doc.n_rows == 1 && row_is(&doc, 0, "IDR", 1, 5) &&
		   reasons_are(&doc, 1,
					   "[0].transceivers[1].frequency: -5 is outside 0..1000000000000"),
		   "a rejected later transceiver does not displace the earlier one");
		transceivers_free(&doc);
	}

	text = list(station("\"S1\"", list(trx("1", "1"), trx("2", "2"), NULL)),
				station("\"S2\"", list(trx("1", "3"), trx("2", "4"), NULL)),
				NULL);
	if (must_parse("same ids in two stations", text, &doc))
	{
		ok(doc.n_rows == 4 && doc.rejects.count == 0,
		   "the same ids in different stations are not duplicates");
		transceivers_free(&doc);
	}

	/* order of the reasons */
	text = list(station("\"Z\"", list(trx("1", "1"), NULL)),
				station("\"Y\"", list(trx("3", "1"), "0", trx("3", "2"),
									  NULL)),
				"false",
				station("\"Z\"", list(trx("2", "1"), trx("2", "2"), NULL)),
				NULL);
	if (must_parse("order of reasons", text, &doc))
	{
		ok(doc.n_stations == 2 && doc.n_rows == 2 &&
		   row_is(&doc, 0, "Y", 3, 2) && row_is(&doc, 1, "Z", 2, 2) &&
		   reasons_are(&doc, 5,
					   "[1].transceivers[1]: not an object (number)",
					   "[1].transceivers[0].id: 3 duplicate of [1].transceivers[2], kept the later one",
					   "[2]: not an object (boolean)",
					   "[3].transceivers[0].id: 2 duplicate of [3].transceivers[1], kept the later one",
					   "[0].callsign: \"Z\" duplicate of [3], kept the later one"),
		   "reasons: per station rejects then duplicate ids; duplicate stations last");
		transceivers_free(&doc);
	}

	{
		/* many stations and ids: sorting, not quadratic, and correct */
		Buf			b = {0};
		int			i;
		bool		good;

		buf_str(&b, "[");
		for (i = 0; i < 3000; i++)
			buf_str(&b, fmt("%s{\"callsign\":\"S%d\",\"transceivers\":[{\"id\":%d,\"frequency\":%d}]}",
							i ? "," : "", i % 1000, i % 7, i));
		buf_str(&b, ",{\"callsign\":\"BIG\",\"transceivers\":[");
		for (i = 0; i < 20000; i++)
			buf_str(&b, fmt("%s{\"id\":%d,\"frequency\":%d}", i ? "," : "",
							i % 5000, i));
		buf_str(&b, "]}]");
		keep(b.p);
		if (must_parse("many duplicates", b.p, &doc))
		{
			good = doc.n_stations == 1001 && doc.n_rows == 1000 + 5000 &&
				doc.rejects.count == 2000 + 15000;
			for (i = 0; good && i < 1000; i++)
				good = strcmp(doc.rows[i].callsign, fmt("S%d", i)) == 0 &&
					doc.rows[i].frequency_hz == 2000 + i;
			for (i = 0; good && i < 5000; i++)
				good = doc.rows[1000 + i].id == i &&
					doc.rows[1000 + i].frequency_hz == 15000 + i;
			ok(good, "3000 stations of 1000 callsigns and 20000 transceivers of 5000 ids: "
			   "the last of each kept, in order");
			if (!good)
				show_doc(&doc);
			transceivers_free(&doc);
		}
	}
}

/* ------------------------------------------------------------------------
 * Allocation failure
 * ------------------------------------------------------------------------
 */

/* One parse of the document arg under the allocation budget. */
static AllocResult
parse_attempt(void *arg, long budget)
{
	TransceiversDocument doc;
	FeedError	err;
	bool		right;

	(void) budget;
	if (parse_text(arg, &doc, &err))
	{
		right = doc.n_rows == 2 && doc.rejects.count == 3;
		transceivers_free(&doc);
		return right ? ALLOC_SUCCEEDED : ALLOC_WRONG;
	}
	return parse_failure_result(doc_is_zero(&doc), err.code);
}

static void
test_allocation_failure(void)
{
	const char *text;

	text = list(station("\"A1\"", list(trx("1", "1"), trx("1", "2"), NULL)),
				station("\"B2\"", "[]"), "7",
				station("\"A1\"", list(trx("1", "3"), trx("2", "4"), NULL)),
				NULL);

	parse_allocation_test(text, parse_attempt, 2);
}

/* ------------------------------------------------------------------------
 * The real snapshot
 * ------------------------------------------------------------------------
 */

#define FIXTURE_FILE "transceivers-2021-04-21-892stations.json"
#define FIXTURE_TESTS 14

/* the 26 pilots and 1 ATC (MEA_SUP) with an empty list */
static const char *const empty_stations[] = {
	"N4187", "SPSYM", "SPAEB", "AZA1954", "AFR718", "MEA_SUP", "EZY828",
	"FDX3553", "WLS02T", "IBE3166", "TOM33F", "F9414", "SAS142", "TRA5606",
	"QTR841", "EXS52P", "GLD1069", "NKS569", "AFR1123", "TOM783", "AZU5567",
	"DAL1727", "CQH1574", "BAW115", "FDX875", "FIN763", "WAT685"
};

/* Exact raw tokens of some rows of the file, in document order. */
typedef struct FixtureRow
{
	int			row;
	const char *callsign;
	int32_t		id;
	int64_t		frequency;
	const char *lat;
	const char *lon;
	const char *msl;
	const char *agl;
} FixtureRow;

static const FixtureRow fixture_rows[] = {
	/* the first row: UNICOM 122.800 + 10 Hz */
	{0, "DLH572", 1, 122800010, "-0.5960412476246835", "22.545353765072385",
	"10641.43351548217", "10198.4716262152"},
	/* the one negative heightAglM (and heightMslM) */
	{528, "KLM010", 1, 122800008, "51.950740814208984", "4.43367338180542",
	"-1.2113229036331177", "-1.2113229036331177"},
	/* a frequency of 0 */
	{535, "AUA531", 2, 0, "48.11930170315259", "16.566529233933988",
	"183.72083198247972", "2.590479190149642"},
	/* the last row */
	{1260, "UPS300", 1, 122800009, "43.46189550721352", "16.79621794861499",
	"10982.932329449228", "10508.796189579538"},
};

/* the OBS station's 9 transceivers (rows 63..71) */
static const FixtureRow obs_rows[] = {
	{63, "OBS", 0, 119725000, "51.54190458103598", "-0.45327186584472656", "130.0", "80.0"},
	{64, "OBS", 1, 119725000, "51.249157071702", "-0.28843402862549", "310.0", "95.0"},
	{65, "OBS", 2, 134975000, "51.54190458103598", "-0.45327186584472656", "130.0", "80.0"},
	{66, "OBS", 3, 134975000, "51.249157071702", "-0.28843402862549", "310.0", "95.0"},
	{67, "OBS", 4, 120400000, "51.54190458103598", "-0.45327186584472656", "130.0", "80.0"},
	{68, "OBS", 5, 120400000, "51.249157071702", "-0.28843402862549", "310.0", "95.0"},
	{69, "OBS", 6, 120400000, "51.256275007375", "-0.20419120788574", "320.0", "95.0"},
	{70, "OBS", 7, 118700000, "51.469592", "-0.453566", "100.0", "30.0"},
	{71, "OBS", 8, 118500000, "51.469592", "-0.453566", "100.0", "30.0"},
};

static bool
fixture_row_is(const TransceiversDocument *doc, const FixtureRow *w)
{
	const FeedTransceiver *t;

	if (w->row >= doc->n_rows)
		return false;
	t = &doc->rows[w->row];
	return strcmp(t->callsign, w->callsign) == 0 && t->id == w->id &&
		t->frequency_hz == w->frequency &&
		t->latitude == strtod(w->lat, NULL) &&
		t->longitude == strtod(w->lon, NULL) &&
		t->height_msl_m == strtod(w->msl, NULL) &&
		t->height_agl_m == strtod(w->agl, NULL);
}

static void
test_fixture(const char *dir)
{
	char	   *text;
	size_t		len = 0;
	TransceiversDocument doc;
	FeedDocument fdoc;
	FeedError	err;
	int			i;
	int			j;
	int			n_distinct;
	int			n_min;
	int			n_max;
	int64_t		fmin;
	int64_t		fmax;
	bool		good;

	text = read_fixture(dir, FIXTURE_FILE, &len);
	if (text == NULL)
	{
		fail_checks(0, FIXTURE_TESTS, FIXTURE_FILE, fixture_missing(dir));
		return;
	}

	if (!ok(parse_len(text, len, 0, &doc, &err), "%s: parses", FIXTURE_FILE))
	{
		diag("%s: %s (offset %zu)", code_name(err.code), err.message,
			 err.offset);
		fail_checks(1, FIXTURE_TESTS, FIXTURE_FILE, "not parsed");
		free(text);
		return;
	}
	ok(doc.n_stations == 892, "%s: 892 stations (got %d)", FIXTURE_FILE,
	   doc.n_stations);
	ok(doc.n_rows == 1261, "%s: 1261 transceiver rows (got %d)",
	   FIXTURE_FILE, doc.n_rows);
	if (!ok(doc.rejects.count == 0, "%s: no rejects", FIXTURE_FILE))
		show_doc(&doc);

	/* rows of one station are contiguous: count the runs of callsigns */
	n_distinct = 0;
	for (i = 0; i < doc.n_rows; i++)
	{
		if (i == 0 || strcmp(doc.rows[i].callsign, doc.rows[i - 1].callsign) != 0)
			n_distinct++;
	}
	good = n_distinct == 892 - 27;
	for (i = 0; good && i < doc.n_rows; i++)
		for (j = 0; good && j < 27; j++)
			good = strcmp(doc.rows[i].callsign, empty_stations[j]) != 0;
	ok(good, "%s: 865 stations have rows; the 27 with an empty list "
	   "(26 pilots, MEA_SUP) have none", FIXTURE_FILE);

	good = true;
	for (i = 0; i < 9; i++)
		good = good && fixture_row_is(&doc, &obs_rows[i]);
	j = 0;
	for (i = 0; i < doc.n_rows; i++)
		j += strcmp(doc.rows[i].callsign, "OBS") == 0;
	ok(good && j == 9, "%s: station OBS has 9 rows, ids 0..8, exact values",
	   FIXTURE_FILE);

	fmin = INT64_MAX;
	fmax = INT64_MIN;
	for (i = 0; i < doc.n_rows; i++)
	{
		if (doc.rows[i].frequency_hz < fmin)
			fmin = doc.rows[i].frequency_hz;
		if (doc.rows[i].frequency_hz > fmax)
			fmax = doc.rows[i].frequency_hz;
	}
	n_min = n_max = 0;
	for (i = 0; i < doc.n_rows; i++)
	{
		n_min += doc.rows[i].frequency_hz == fmin;
		n_max += doc.rows[i].frequency_hz == fmax;
	}
	ok(fmin == 0 && n_min == 4, "%s: min frequency 0 Hz, 4 rows (got %lld, %d)",
	   FIXTURE_FILE, (long long) fmin, n_min);
	ok(fmax == 199998000 && n_max == 9,
	   "%s: max frequency 199998000 Hz, 9 rows (got %lld, %d)", FIXTURE_FILE,
	   (long long) fmax, n_max);

	for (i = 0; i < (int) (sizeof(fixture_rows) / sizeof(fixture_rows[0])); i++)
	{
		const FixtureRow *w = &fixture_rows[i];

		if (!ok(fixture_row_is(&doc, w),
				"%s: row %d is %s id %d, %lld Hz, exact lat/lon/heights",
				FIXTURE_FILE, w->row, w->callsign, (int) w->id,
				(long long) w->frequency) && w->row < doc.n_rows)
			diag("got %s id %d %lld Hz %.17g %.17g %.17g %.17g",
				 doc.rows[w->row].callsign, (int) doc.rows[w->row].id,
				 (long long) doc.rows[w->row].frequency_hz,
				 doc.rows[w->row].latitude, doc.rows[w->row].longitude,
				 doc.rows[w->row].height_msl_m, doc.rows[w->row].height_agl_m);
	}

	good = true;
	for (i = 0; good && i < doc.n_rows; i++)
	{
		const FeedTransceiver *t = &doc.rows[i];

		good = isfinite(t->latitude) && isfinite(t->longitude) &&
			isfinite(t->height_msl_m) && isfinite(t->height_agl_m) &&
			fabs(t->latitude) <= 90 && fabs(t->longitude) <= 180 &&
			t->id >= 0 && t->id <= 42 && strlen(t->callsign) <= 10;
	}
	ok(good, "%s: every row has finite position and heights, ids 0..42",
	   FIXTURE_FILE);

	/* the data feed parser refuses this file */
	ok(!feed_parse(text, len, 0, &fdoc, &err) &&
	   err.code == FEED_ERR_NOT_OBJECT &&
	   strstr(err.message, "top level is an array") != NULL,
	   "%s: feed_parse() refuses it (top level is an array)", FIXTURE_FILE);

	transceivers_free(&doc);
	free(text);
}

/* ------------------------------------------------------------------------
 */

int
main(void)
{
	test_document_errors();
	test_mapping();
	test_station_rejects();
	test_trx_rejects();
	test_reject_counting();
	test_duplicates();
	test_allocation_failure();
	test_fixture(getenv("FIXTURE_DIR"));

	return tap_done();
}
