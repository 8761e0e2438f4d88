/*-------------------------------------------------------------------------
 *
 * vatspy_dat.c
 *		The [Airports] section of VATSpy.dat into VatspyAirports rows (see
 *		vatspy_dat.h for the format and the rules).
 *
 * Two passes over a private copy of the text: the first finds the section
 * and counts its airport lines (so the rows are one block of the right
 * size, and a runaway input is refused before it is allocated), the second
 * splits each line in place (NUL bytes end the fields) and checks it.
 *
 * Pure C11, no Postgres headers.
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vatspy_dat.h"

#define VATSPY_FIELDS 7

/*
 * More airports than this refuses the text (the real file has about 18,000
 * lines): the rows are allocated in one block before any is read.
 */
#define VATSPY_MAX_AIRPORTS 1000000

/* One line of the text: [start, end) without the line end; number 1-based. */
typedef struct Line
{
	char	   *start;
	char	   *end;
	int			number;
} Line;

static bool
set_error(VatspyError *err, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static bool
set_error(VatspyError *err, int line, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return false;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * The next line after *line (the first when line->number is 0).  A line
 * end at the very end of the text does not start another line.
 */
static bool
next_line(char *text, char *text_end, Line *line)
{
	char	   *start;
	char	   *nl;

	if (line->number > 0 && (line->end == text_end || line->end + 1 == text_end))
		return false;
	start = line->number == 0 ? text : line->end + 1;
	nl = memchr(start, '\n', (size_t) (text_end - start));
	line->start = start;
	line->end = nl != NULL ? nl : text_end;
	line->number++;
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trim blanks off both ends of [*start, *end). */
static void
trim(char **start, char **end)
{
	while (*start < *end && is_blank(**start))
		(*start)++;
	while (*end > *start && is_blank((*end)[-1]))
		(*end)--;
}

/* What kind of line: a section header, a comment/blank line, or data. */
typedef enum LineKind
{
	LINE_SKIP,
	LINE_SECTION,
	LINE_DATA
} LineKind;

static LineKind
line_kind(const Line *line)
{
	char	   *s = line->start;
	char	   *e = line->end;

	trim(&s, &e);
	if (s == e || *s == ';')
		return LINE_SKIP;
	return *s == '[' ? LINE_SECTION : LINE_DATA;
}

static bool
is_airports_header(const Line *line)
{
	static const char header[] = "[Airports]";
	char	   *s = line->start;
	char	   *e = line->end;

	trim(&s, &e);
	return (size_t) (e - s) == sizeof(header) - 1 &&
		memcmp(s, header, sizeof(header) - 1) == 0;
}

/*
 * Pass 1: the line number of the [Airports] header and how many data lines
 * follow it up to the next section.
 */
static bool
find_section(char *text, char *text_end, int *header_line, int *count,
			 VatspyError *err)
{
	Line		line = {NULL, NULL, 0};
	bool		inside = false;

	*header_line = 0;
	*count = 0;
	while (next_line(text, text_end, &line))
	{
		LineKind	kind = line_kind(&line);

		if (memchr(line.start, '\0', (size_t) (line.end - line.start)) != NULL)
			return set_error(err, line.number, "the line holds a NUL byte");
		if (kind == LINE_SECTION)
		{
			inside = is_airports_header(&line);
			if (inside && *header_line != 0)
				return set_error(err, line.number,
								 "a second [Airports] section (the first is on line %d)",
								 *header_line);
			if (inside)
				*header_line = line.number;
		}
		else if (kind == LINE_DATA && inside)
		{
			if (*count >= VATSPY_MAX_AIRPORTS)
				return set_error(err, line.number,
								 "more than %d airports", VATSPY_MAX_AIRPORTS);
			(*count)++;
		}
	}
	if (*header_line == 0)
		return set_error(err, 0, "no [Airports] section");
	if (*count == 0)
		return set_error(err, *header_line, "the [Airports] section holds no airport");
	return true;
}

/* A field as a NUL-terminated string, or NULL when empty. */
static const char *
field_or_null(char *s)
{
	return *s == '\0' ? NULL : s;
}

/*
 * A plain decimal number within -limit..limit: optional sign, digits, and
 * optionally a point with more digits (at least one digit in all).
 */
static bool
parse_coordinate(const char *s, double limit, const char *what, int line,
				 double *value, VatspyError *err)
{
	const char *p = s;
	int			digits = 0;
	char	   *end;

	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char) *p))
		p++, digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			digits++;
	if (digits == 0 || *p != '\0')
		return set_error(err, line, "%s \"%.40s\" is not a decimal number", what, s);
	*value = strtod(s, &end);
	if (!(*value >= -limit && *value <= limit))
		return set_error(err, line, "%s %.40s is outside -%g..%g", what, s, limit, limit);
	return true;
}

/* IsPseudo: "0" or "1", optionally followed by "; remark". */
static bool
parse_pseudo(char *s, int line, VatspyAirport *row, VatspyError *err)
{
	char	   *semi = strchr(s, ';');
	char	   *end = semi != NULL ? semi : s + strlen(s);
	char	   *start = s;

	row->remark = NULL;
	if (semi != NULL)
	{
		char	   *r = semi + 1;
		char	   *re = r + strlen(r);

		trim(&r, &re);
		*re = '\0';
		row->remark = field_or_null(r);
	}
	trim(&start, &end);
	if (end - start != 1 || (*start != '0' && *start != '1'))
		return set_error(err, line, "IsPseudo \"%.*s\" is neither 0 nor 1",
						 (int) (end - start > 40 ? 40 : end - start), start);
	row->is_pseudo = *start == '1';
	return true;
}

/* Pass 2: one airport line into *row. */
static bool
parse_airport(const Line *line, VatspyAirport *row, VatspyError *err)
{
	char	   *fields[VATSPY_FIELDS];
	char	   *p = line->start;
	int			n = 0;
	int			i;

	*line->end = '\0';
	for (;;)
	{
		char	   *bar = strchr(p, '|');

		if (n < VATSPY_FIELDS)
			fields[n] = p;
		n++;
		if (bar == NULL)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	if (n != VATSPY_FIELDS)
		return set_error(err, line->number,
						 "%d field%s, expected 7 (ICAO|Name|Latitude|Longitude|IATA/LID|FIR|IsPseudo)",
						 n, n == 1 ? "" : "s");
	/* trim all but IsPseudo, whose remark is trimmed on its own */
	for (i = 0; i < VATSPY_FIELDS - 1; i++)
	{
		char	   *e = fields[i] + strlen(fields[i]);

		trim(&fields[i], &e);
		*e = '\0';
	}
	if (fields[0][0] == '\0')
		return set_error(err, line->number, "the ICAO code is empty");
	if (strpbrk(fields[0], " \t") != NULL)
		return set_error(err, line->number, "the ICAO code \"%.40s\" holds a blank",
						 fields[0]);
	row->icao = fields[0];
	row->name = field_or_null(fields[1]);
	row->iata_lid = field_or_null(fields[4]);
	row->fir = field_or_null(fields[5]);
	row->line = line->number;
	return parse_coordinate(fields[2], 90.0, "latitude", line->number,
							&row->latitude, err) &&
		parse_coordinate(fields[3], 180.0, "longitude", line->number,
						 &row->longitude, err) &&
		parse_pseudo(fields[6], line->number, row, err);
}

bool
vatspy_read_airports(const char *text, size_t len, VatspyAlloc alloc,
					 VatspyAirports *out, VatspyError *err)
{
	VatspyAirports result = {NULL, 0, 0, NULL};
	Line		line = {NULL, NULL, 0};
	char	   *base;
	char	   *copy;
	char	   *copy_end;
	int			header_line;
	int			count;
	bool		inside = false;

	memset(out, 0, sizeof(*out));
	if (alloc == NULL)
		alloc = malloc;
	if (len >= (size_t) INT_MAX)
		return set_error(err, 0, "the text is larger than %d bytes", INT_MAX - 1);
	base = copy = alloc(len + 1);
	if (copy == NULL)
		return set_error(err, 0, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	copy_end = copy + len;
	/* a UTF-8 byte order mark is not part of the first line */
	if (len >= 3 && memcmp(copy, "\xEF\xBB\xBF", 3) == 0)
		copy += 3;
	if (!find_section(copy, copy_end, &header_line, &count, err))
		goto fail;
	result.rows = alloc(sizeof(VatspyAirport) * (size_t) count);
	if (result.rows == NULL)
	{
		set_error(err, 0, "out of memory");
		goto fail;
	}
	result.text = base;
	while (next_line(copy, copy_end, &line))
	{
		LineKind	kind = line_kind(&line);

		if (kind == LINE_SECTION)
			inside = line.number == header_line;
		else if (kind == LINE_DATA && inside)
		{
			VatspyAirport *row = &result.rows[result.n_rows];

			if (!parse_airport(&line, row, err))
				goto fail;
			result.n_pseudo += row->is_pseudo;
			result.n_rows++;
		}
	}
	*out = result;
	return true;

fail:
	/* only malloc's blocks are ours to free; another allocator owns its own */
	if (alloc == malloc)
	{
		free(result.rows);
		free(base);
	}
	return false;
}

void
vatspy_airports_free(VatspyAirports *airports)
{
	free(airports->rows);
	free(airports->text);
	memset(airports, 0, sizeof(*airports));
}
