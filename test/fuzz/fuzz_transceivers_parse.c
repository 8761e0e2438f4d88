/*-------------------------------------------------------------------------
 *
 * fuzz_transceivers_parse.c
 *		libFuzzer target for transceivers_parse() (test/fuzz/Makefile).
 *
 * Beyond "no crash" it checks transceivers.h's promises: a refused
 * document is zeroed with a well-formed error; a kept one has rows whose
 * callsign is a valid one, frequency within 0..TRANSCEIVER_FREQUENCY_MAX,
 * coordinates within range or NaN, heights finite or NaN, rows of one
 * station adjacent with unique ids, no station's callsign twice among its
 * (first 64) predecessors, and no more stations with rows than stations.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>

#include "../../src/parse/transceivers.h"
#include "fuzz_common.h"

static void
check_row(const FeedTransceiver *t)
{
	check_callsign(t->callsign);
	CHECK(t->frequency_hz >= 0 && t->frequency_hz <= TRANSCEIVER_FREQUENCY_MAX);
	CHECK(isnan(t->latitude) || (t->latitude >= -90 && t->latitude <= 90));
	CHECK(isnan(t->longitude) || (t->longitude >= -180 && t->longitude <= 180));
	CHECK(isnan(t->height_msl_m) || isfinite(t->height_msl_m));
	CHECK(isnan(t->height_agl_m) || isfinite(t->height_agl_m));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TransceiversDocument doc;
	FeedError	err;
	int			i;
	int			j;
	int			first = 0;		/* first row of the current station */
	int			stations = 0;	/* stations with at least one row */

	if (!transceivers_parse((const char *) data, size, 1024 * 1024, &doc, &err))
	{
		static const TransceiversDocument zero;

		CHECK(memcmp(&doc, &zero, sizeof(doc)) == 0);
		check_feed_error(&err, size);
		return 0;
	}

	CHECK(doc.json != NULL);
	CHECK(doc.n_rows >= 0 && doc.n_stations >= 0);
	CHECK((doc.n_rows > 0) == (doc.rows != NULL));
	check_rejects(&doc.rejects);
	for (i = 0; i < doc.n_rows; i++)
	{
		const FeedTransceiver *t = &doc.rows[i];

		check_row(t);
		if (i == 0 || strcmp(t->callsign, doc.rows[i - 1].callsign) != 0)
		{
			/* a new station: its callsign was not seen before */
			first = i;
			stations++;
			for (j = i - 1; j >= 0 && j >= i - 64; j--)
				CHECK(strcmp(t->callsign, doc.rows[j].callsign) != 0);
		}
		for (j = first; j < i; j++)
			CHECK(doc.rows[j].id != t->id);
	}
	CHECK(stations <= doc.n_stations);
	transceivers_free(&doc);
	return 0;
}
