/*-------------------------------------------------------------------------
 *
 * fuzz_vatspy_dat.c
 *		libFuzzer target for vatspy_read_airports() (test/fuzz/Makefile).
 *
 * Beyond "no crash" it checks vatspy_dat.h's promises: a refused text
 * leaves *out zeroed and gives a NUL-terminated reason and a line number
 * within the text; a kept one has at least one airport, ICAO codes
 * non-empty and without blanks, coordinates in range, optional fields NULL
 * rather than empty, no field with a surrounding blank, line numbers
 * increasing and within the text, and n_pseudo the count of pseudo rows.
 *
 *-------------------------------------------------------------------------
 */
#include "../../src/parse/vatspy_dat.h"
#include "fuzz_common.h"

/* NULL or a non-empty field without surrounding blanks. */
static void
check_field(const char *s)
{
	size_t		n;

	if (s == NULL)
		return;
	n = strlen(s);
	CHECK(n > 0);
	CHECK(s[0] != ' ' && s[0] != '\t');
	CHECK(s[n - 1] != ' ' && s[n - 1] != '\t' && s[n - 1] != '\r');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	VatspyAirports out;
	VatspyError err;
	char	   *copy = fuzz_copy(data, size);
	size_t		lines = 1;
	size_t		k;
	int			i;
	int			pseudo = 0;

	for (k = 0; k < size; k++)
		lines += data[k] == '\n';
	if (!vatspy_read_airports(copy, size, NULL, &out, &err))
	{
		static const VatspyAirports zero;

		CHECK(memcmp(&out, &zero, sizeof(out)) == 0);
		CHECK(memchr(err.text, '\0', sizeof(err.text)) != NULL);
		CHECK(err.text[0] != '\0');
		CHECK(err.line >= 0 && (size_t) err.line <= lines);
		free(copy);
		return 0;
	}
	CHECK(out.n_rows > 0 && out.rows != NULL && out.text != NULL);
	for (i = 0; i < out.n_rows; i++)
	{
		const VatspyAirport *a = &out.rows[i];

		CHECK(a->icao != NULL && a->icao[0] != '\0');
		CHECK(strpbrk(a->icao, " \t") == NULL);
		check_field(a->name);
		check_field(a->iata_lid);
		check_field(a->fir);
		check_field(a->remark);
		CHECK(a->latitude >= -90 && a->latitude <= 90);
		CHECK(a->longitude >= -180 && a->longitude <= 180);
		CHECK(a->line >= 1 && (size_t) a->line <= lines);
		CHECK(i == 0 || a->line > out.rows[i - 1].line);
		pseudo += a->is_pseudo;
	}
	CHECK(pseudo == out.n_pseudo);
	vatspy_airports_free(&out);
	free(copy);
	return 0;
}
