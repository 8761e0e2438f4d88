/*-------------------------------------------------------------------------
 *
 * test_vatspy_dat.c
 *		Unit tests of src/parse/vatspy_dat.c (the [Airports] section of
 *		VATSpy.dat), a TAP producer with the harness of tap.h.
 *
 * The real file in $VATSPY_DAT (its checks fail when it is absent): exact
 * counts and known rows.  Handmade texts: every refusal with its line
 * number and reason, the lenient bits (comments, blank lines, CRLF, a BOM,
 * no final line end, other sections unread), allocation failure and the
 * cap on the number of airports.
 * Every parse reads an exactly sized heap copy of the text, so the ASan
 * build sees any over-read.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/parse/vatspy_dat.h"
#include "tap.h"

#define HEADER "[Airports]\n;ICAO|Airport Name|Latitude Decimal|Longitude Decimal|IATA/LID|FIR|IsPseudo\n"
#define SYDNEY "YSSY|Sydney/Kingsford Smith|-33.946111|151.177222|SY|YGUN|0\n"

/* Parse text (up to its NUL) from an exactly sized heap copy. */
static bool
parse(const char *text, VatspyAirports *out, VatspyError *err)
{
	size_t		len = strlen(text);
	char	   *copy = malloc(len > 0 ? len : 1);
	bool		result;

	memcpy(copy, text, len);
	memset(err, 0, sizeof(*err));
	result = vatspy_read_airports(copy, len, NULL, out, err);
	free(copy);
	return result;
}

/* The text is refused at line with a reason containing want. */
static void
refused(const char *what, const char *text, int line, const char *want)
{
	VatspyAirports out;
	VatspyError err;
	bool		result = parse(text, &out, &err);

	ok(!result && err.line == line && strstr(err.text, want) != NULL &&
	   out.rows == NULL && out.n_rows == 0,
	   "%s: refused at line %d with \"%s\" (got %s, line %d: %s)",
	   what, line, want, result ? "accepted" : "refused", err.line, err.text);
	if (result)
		vatspy_airports_free(&out);
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Texts refused whole: what, text, the line named, a part of the reason. */
static const struct
{
	const char *what;
	const char *text;
	int			line;
	const char *want;
}			refusals[] = {
	{"no section", "[Countries]\nAustralia|Y|\n", 0, "no [Airports] section"},
	{"empty text", "", 0, "no [Airports] section"},
	{"a section without airports", "[Countries]\n[Airports]\n; none\n\n[FIRs]\nYMMM|Melbourne||\n",
	2, "holds no airport"},
	{"two sections", HEADER SYDNEY "[FIRs]\n[Airports]\n" SYDNEY,
	5, "a second [Airports] section (the first is on line 1)"},
	{"six fields", HEADER "YSSY|Sydney|-33.9|151.1|SY|YGUN\n", 3, "6 fields, expected 7"},
	{"eight fields", HEADER SYDNEY "YMML|Melbourne|-37.6|144.8|ML|YBLA|0|x\n", 4, "8 fields, expected 7"},
	{"one field", HEADER "YSSY\n", 3, "1 field, expected 7"},
	{"latitude not a number", HEADER "YSSY|Sydney|abc|151.1|SY|YGUN|0\n", 3,
	"latitude \"abc\" is not a decimal number"},
	{"latitude empty", HEADER "YSSY|Sydney||151.1|SY|YGUN|0\n", 3,
	"latitude \"\" is not a decimal number"},
	{"latitude with an exponent", HEADER "YSSY|Sydney|-3.39e1|151.1|SY|YGUN|0\n", 3,
	"latitude \"-3.39e1\" is not a decimal number"},
	{"latitude nan", HEADER "YSSY|Sydney|nan|151.1|SY|YGUN|0\n", 3,
	"latitude \"nan\" is not a decimal number"},
	{"longitude inf", HEADER "YSSY|Sydney|-33.9|inf|SY|YGUN|0\n", 3,
	"longitude \"inf\" is not a decimal number"},
	{"latitude a sign alone", HEADER "YSSY|Sydney|-|151.1|SY|YGUN|0\n", 3,
	"latitude \"-\" is not a decimal number"},
	{"latitude a point alone", HEADER "YSSY|Sydney|.|151.1|SY|YGUN|0\n", 3,
	"latitude \".\" is not a decimal number"},
	{"latitude with a comma", HEADER "YSSY|Sydney|-33,9|151.1|SY|YGUN|0\n", 3,
	"latitude \"-33,9\" is not a decimal number"},
	{"latitude 90.5", HEADER SYDNEY "XXXX|North|90.5|0|||0\n", 4, "latitude 90.5 is outside -90..90"},
	{"longitude -180.000001", HEADER SYDNEY "XXXX|West|0|-180.000001|||0\n", 4,
	"longitude -180.000001 is outside -180..180"},
	{"IsPseudo 2", HEADER "YSSY|Sydney|-33.9|151.1|SY|YGUN|2\n", 3, "IsPseudo \"2\" is neither 0 nor 1"},
	{"IsPseudo empty", HEADER "YSSY|Sydney|-33.9|151.1|SY|YGUN|\n", 3, "IsPseudo \"\" is neither 0 nor 1"},
	{"IsPseudo only a remark", HEADER "YSSY|Sydney|-33.9|151.1|SY|YGUN|; io\n", 3,
	"IsPseudo \"\" is neither 0 nor 1"},
	{"ICAO empty", HEADER "|Sydney|-33.9|151.1|SY|YGUN|0\n", 3, "the ICAO code is empty"},
	{"ICAO with a blank", HEADER "YS SY|Sydney|-33.9|151.1|SY|YGUN|0\n", 3,
	"the ICAO code \"YS SY\" holds a blank"},
};

static void
test_refusals(void)
{
	size_t		i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		refused(refusals[i].what, refusals[i].text, refusals[i].line, refusals[i].want);

	{
		/* a NUL byte in line 3: strlen would stop there, so built by hand */
		static const char text[] = HEADER "YSSY|Syd\0ney|-33.9|151.1|SY|YGUN|0\n";
		VatspyAirports out;
		VatspyError err = {0};
		char	   *copy = malloc(sizeof(text) - 1);
		bool		result;

		memcpy(copy, text, sizeof(text) - 1);
		result = vatspy_read_airports(copy, sizeof(text) - 1, NULL, &out, &err);
		free(copy);
		ok(!result && err.line == 3 && strstr(err.text, "NUL byte") != NULL,
		   "a NUL byte: refused at line 3 (got line %d: %s)", err.line, err.text);
	}
}

static void
test_lenient(void)
{
	VatspyAirports out;
	VatspyError err;
	bool		result;

	/* CRLF, a BOM, comments, blanks, padded fields, no final line end */
	result = parse("\xEF\xBB\xBF[Countries]\r\nAustralia|Y|\r\n\r\n[Airports]\r\n; comment\r\n"
				   " YSSY | Sydney/Kingsford Smith  |-33.946111|151.177222|SY|YGUN| 0 \r\n"
				   "\r\n"
				   "YSSY|Sydney/Kingsford Smith|-33.946111|151.177222|SY-D|YGUN|1 ;  a remark \r\n"
				   "NORT||90|-180|||0 ;\r\n"
				   "SOUT|South|-90.0|180.000|||0\r\n"
				   "[FIRs]\r\nthis|section|is|not|read|at|all|really\r\n"
				   "[IDL]\r\n-90|180", &out, &err);
	ok(result, "a lenient text reads (%d: %s)", err.line, err.text);
	if (!result)
	{
		fail_checks(1, 7, "lenient text", "not read");
		return;
	}
	ok(out.n_rows == 4 && out.n_pseudo == 1, "lenient: 4 airports, 1 pseudo (got %d, %d)",
	   out.n_rows, out.n_pseudo);
	ok(strcmp(out.rows[0].icao, "YSSY") == 0 && same(out.rows[0].name, "Sydney/Kingsford Smith") &&
	   out.rows[0].latitude == -33.946111 && out.rows[0].longitude == 151.177222 &&
	   same(out.rows[0].iata_lid, "SY") && same(out.rows[0].fir, "YGUN") &&
	   !out.rows[0].is_pseudo && out.rows[0].remark == NULL && out.rows[0].line == 6,
	   "lenient: padded fields are trimmed, CR dropped, line 6");
	ok(out.rows[1].is_pseudo && same(out.rows[1].remark, "a remark") && out.rows[1].line == 8,
	   "lenient: a pseudo airport with a remark after ';' (remark \"%s\")",
	   out.rows[1].remark ? out.rows[1].remark : "(null)");
	ok(out.rows[2].name == NULL && out.rows[2].iata_lid == NULL && out.rows[2].fir == NULL &&
	   out.rows[2].remark == NULL, "lenient: empty fields and an empty remark are NULL");
	ok(out.rows[2].latitude == 90.0 && out.rows[2].longitude == -180.0 &&
	   out.rows[3].latitude == -90.0 && out.rows[3].longitude == 180.0,
	   "lenient: the limits -90, 90, -180, 180 are inside");
	ok(out.rows[3].line == 10, "lenient: other sections are not read (last airport on line 10, got %d)",
	   out.rows[3].line);
	vatspy_airports_free(&out);
}

/* An allocator that fails from its nth call, and remembers what it gave. */
static int	alloc_left;
static void *given[2];
static int	n_given;

static void *
failing_alloc(size_t size)
{
	void	   *p;

	if (alloc_left-- <= 0)
		return NULL;
	p = malloc(size);
	given[n_given++] = p;
	return p;
}

static void
test_alloc_failure(void)
{
	int			fail_at;

	for (fail_at = 0; fail_at < 2; fail_at++)
	{
		VatspyAirports out;
		VatspyError err = {0};
		bool		result;

		alloc_left = fail_at;
		n_given = 0;
		result = vatspy_read_airports(HEADER SYDNEY, strlen(HEADER SYDNEY), failing_alloc,
									  &out, &err);
		ok(!result && strcmp(err.text, "out of memory") == 0 && out.rows == NULL,
		   "allocation %d fails: out of memory (got %s: %s)", fail_at + 1,
		   result ? "accepted" : "refused", err.text);
		while (n_given > 0)
			free(given[--n_given]);
	}
}

/* The cap: 1,000,000 airports read, one more refuses the text. */
static void
test_cap(void)
{
	static const char header[] = "[Airports]\n";
	static const char row[] = "A|b|0|0|||0\n";
	const int	cap = 1000000;
	size_t		len = strlen(header) + (size_t) (cap + 1) * strlen(row);
	char	   *text = malloc(len);
	char	   *p = text;
	VatspyAirports out;
	VatspyError err = {0};
	bool		result;
	int			i;

	memcpy(p, header, strlen(header));
	p += strlen(header);
	for (i = 0; i <= cap; i++, p += strlen(row))
		memcpy(p, row, strlen(row));
	result = vatspy_read_airports(text, len - strlen(row), NULL, &out, &err);
	ok(result && out.n_rows == cap, "%d airports read (got %d: %s)", cap,
	   result ? out.n_rows : -1, err.text);
	if (result)
		vatspy_airports_free(&out);
	result = vatspy_read_airports(text, len, NULL, &out, &err);
	ok(!result && err.line == cap + 2 && strcmp(err.text, "more than 1000000 airports") == 0,
	   "one more is refused at line %d (got line %d: %s)", cap + 2, err.line, err.text);
	free(text);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static const VatspyAirport *
find(const VatspyAirports *a, const char *icao, int nth)
{
	int			i;

	for (i = 0; i < a->n_rows; i++)
		if (strcmp(a->rows[i].icao, icao) == 0 && nth-- == 0)
			return &a->rows[i];
	return NULL;
}

static int
count_icao(const VatspyAirports *a, const char *icao)
{
	int			n = 0;

	while (find(a, icao, n) != NULL)
		n++;
	return n;
}

static void
test_real(const char *path)
{
	const int	nchecks = 11;
	VatspyAirports a;
	VatspyError err = {0};
	const char **codes;
	const VatspyAirport *r;
	size_t		len = 0;
	char	   *text = path && *path ? read_file(path, &len) : NULL;
	int			distinct = 0;
	int			remarks = 0;
	int			padded = 0;
	int			i;

	if (text == NULL)
	{
		fail_checks(0, nchecks, "VATSpy.dat",
					path && *path ? "VATSPY_DAT file not found" : "VATSPY_DAT not set");
		return;
	}
	if (!ok(vatspy_read_airports(text, len, NULL, &a, &err),
			"VATSpy.dat reads (%d: %s)", err.line, err.text))
	{
		fail_checks(1, nchecks, "VATSpy.dat", "not read");
		free(text);
		return;
	}
	free(text);
	codes = malloc(sizeof(char *) * a.n_rows);
	for (i = 0; i < a.n_rows; i++)
	{
		codes[i] = a.rows[i].icao;
		remarks += a.rows[i].remark != NULL;
		padded += a.rows[i].name != NULL && a.rows[i].name[strlen(a.rows[i].name) - 1] == ' ';
	}
	qsort(codes, a.n_rows, sizeof(char *), cmp_str);
	for (i = 0; i < a.n_rows; i++)
		distinct += i == 0 || strcmp(codes[i], codes[i - 1]) != 0;
	free(codes);

	ok(a.n_rows == 17896 && a.n_pseudo == 140,
	   "VATSpy.dat: 17896 airports, 140 pseudo (got %d, %d)", a.n_rows, a.n_pseudo);
	ok(distinct == 17800, "VATSpy.dat: 17800 distinct ICAO codes (got %d)", distinct);
	ok(remarks == 277 && padded == 0,
	   "VATSpy.dat: 277 remarks after ';', no name left padded (got %d, %d)", remarks, padded);
	ok(a.rows[0].line == 332 && strcmp(a.rows[0].icao, "AGAF") == 0 &&
	   a.rows[a.n_rows - 1].line == 18227 && strcmp(a.rows[a.n_rows - 1].icao, "ZYYK") == 0,
	   "VATSpy.dat: first AGAF on line 332, last ZYYK on line 18227");
	r = find(&a, "YSSY", 0);
	ok(r && same(r->name, "Sydney/Kingsford Smith") && r->latitude == -33.946111 &&
	   r->longitude == 151.177222 && same(r->iata_lid, "SY") && same(r->fir, "YGUN") &&
	   !r->is_pseudo && r->line == 17221,
	   "VATSpy.dat: YSSY Sydney/Kingsford Smith -33.946111 151.177222 SY YGUN, line 17221");
	ok(count_icao(&a, "YSSY") == 8 && find(&a, "YSSY", 7)->is_pseudo &&
	   same(find(&a, "YSSY", 7)->iata_lid, "SY-R"),
	   "VATSpy.dat: YSSY has 8 lines, the pseudo ones by callsign prefix (8th SY-R)");
	r = find(&a, "YMML", 0);
	ok(r && same(r->name, "Melbourne") && r->latitude == -37.673333 &&
	   r->longitude == 144.843333 && same(r->fir, "YBLA") && count_icao(&a, "YMML") == 3,
	   "VATSpy.dat: YMML Melbourne -37.673333 144.843333 YBLA, 3 lines");
	r = find(&a, "EGLL", 0);
	ok(r && same(r->name, "London Heathrow") && r->latitude == 51.4775 &&
	   r->longitude == -0.461389 && same(r->iata_lid, "LHR") && same(r->fir, "EGTT") &&
	   r->line == 2415 && count_icao(&a, "EGLL") == 1,
	   "VATSpy.dat: EGLL London Heathrow 51.4775 -0.461389 LHR EGTT, one line");
	r = find(&a, "AYKG", 0);
	ok(r && r->latitude == -5.3862 && r->iata_lid == NULL && find(&a, "AYKG", 1)->latitude == -5.383333,
	   "VATSpy.dat: AYKG's \"-05.38620\" is -5.3862; its second non-pseudo line is kept too");
	r = find(&a, "XHPL", 1);
	ok(r && same(r->remark, "io") && !r->is_pseudo && same(r->fir, "UHPP"),
	   "VATSpy.dat: XHPL's second line \"0 ; io\": not pseudo, remark io, FIR UHPP");
	vatspy_airports_free(&a);
}

int
main(void)
{
	test_refusals();
	test_lenient();
	test_alloc_failure();
	test_cap();
	test_real(getenv("VATSPY_DAT"));
	return tap_done();
}
