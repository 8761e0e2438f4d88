/*
 * vatspy_dat.h
 *		The [Airports] section of a VAT-Spy data file (VATSpy.dat) as plain
 *		C structs.
 *
 * Pure C11, no Postgres headers.  The file is text in sections: a line
 * "[Name]" starts a section, lines starting with ';' are comments and blank
 * lines are skipped.  Each line of [Airports] is
 *		ICAO|Name|Latitude|Longitude|IATA/LID|FIR|IsPseudo
 * where IsPseudo is 0 or 1, optionally followed by "; a remark".  Every
 * field is trimmed of surrounding blanks (spaces, tabs; a CR before the
 * line end).  Other sections are skipped unread.
 *
 * The whole text is refused (false, with the 1-based line number and a
 * reason) when: it has no [Airports] section, or two; the section holds no
 * airport; a line of it does not have exactly 7 fields; its ICAO is empty
 * or holds a blank; a latitude or longitude is not a plain decimal number
 * ("-33.95", "151", "-05.3862": no exponent, no nan/inf) or lies outside
 * -90..90 / -180..180; IsPseudo is neither 0 nor 1; or a line holds a NUL
 * byte.
 *
 * Nothing is deduplicated: the real file lists some ICAO codes more than
 * once (pseudo airports: one callsign prefix each, see README.md), and
 * every line becomes one row, in file order.
 */
#ifndef VATSIM_VATSPY_DAT_H
#define VATSIM_VATSPY_DAT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct VatspyAirport
{
	const char *icao;			/* never empty */
	const char *name;			/* NULL when empty */
	double		latitude;		/* -90..90 */
	double		longitude;		/* -180..180 */
	const char *iata_lid;		/* NULL when empty */
	const char *fir;			/* NULL when empty */
	bool		is_pseudo;
	const char *remark;			/* after ';' in the IsPseudo field; NULL if none */
	int			line;			/* 1-based line number in the text */
} VatspyAirport;

typedef struct VatspyAirports
{
	VatspyAirport *rows;		/* n_rows rows, in file order */
	int			n_rows;
	int			n_pseudo;
	char	   *text;			/* the copy every string points into */
} VatspyAirports;

typedef struct VatspyError
{
	int			line;			/* 1-based; 0 when about the whole text */
	char		text[160];		/* the reason, no trailing period */
} VatspyError;

/* An allocator: returns NULL on failure (or never returns, like palloc). */
typedef void *(*VatspyAlloc) (size_t size);

/*
 * Read the airports of len bytes of text (need not be NUL-terminated).
 * alloc serves exactly two blocks, out->rows and out->text (NULL alloc
 * means malloc: free them with vatspy_airports_free()).  Returns true and
 * fills *out, or false with *err filled and *out zeroed (nothing to free).
 */
extern bool vatspy_read_airports(const char *text, size_t len, VatspyAlloc alloc,
								 VatspyAirports *out, VatspyError *err);
/* Free what a malloc-backed vatspy_read_airports() returned. */
extern void vatspy_airports_free(VatspyAirports *airports);

#endif							/* VATSIM_VATSPY_DAT_H */
