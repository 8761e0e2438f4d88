/*-------------------------------------------------------------------------
 *
 * fuzz_feed_parse.c
 *		libFuzzer target for feed_parse() (test/fuzz/Makefile; "make fuzz",
 *		and a short pass in "make test").
 *
 * Feeds arbitrary bytes (not NUL-terminated) to feed_parse() with a 1 MB
 * limit and checks the promises of feed.h on the way out: on failure the
 * document is zeroed and the error is well-formed; on success every kept
 * record obeys the record rules, keys are unique per section, and all
 * messages and the kept strings checked here are valid UTF-8 (they end up
 * in Postgres error reports and text columns; a \u0000 or unpaired
 * surrogate escape must reject its record, not reach a string).
 * A violated promise aborts, which libFuzzer reports as a crash.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>

#include "fuzz_common.h"

static void
check_plan(bool has_plan, const FeedPlan *plan)
{
	int			i;

	if (!has_plan)
	{
		for (i = 0; i < FP_NFIELDS; i++)
			CHECK(plan->field[i] == NULL);
		CHECK(plan->revision_id == FEED_NULL_INT);
	}
	for (i = 0; i < FP_NFIELDS; i++)
		check_string(plan->field[i]);
	(void) feed_plan_hash(plan);
}

static void
check_int(FeedInt v)
{
	CHECK(v == FEED_NULL_INT || (v >= INT32_MIN && v <= INT32_MAX));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FeedDocument doc;
	FeedError	err;
	int			i;
	int			j;

	if (!feed_parse((const char *) data, size, 1024 * 1024, &doc, &err))
	{
		static const FeedDocument zero;

		CHECK(memcmp(&doc, &zero, sizeof(doc)) == 0);
		check_feed_error(&err, size);
		return 0;
	}

	CHECK(doc.json != NULL);
	CHECK(doc.general.update_timestamp != FEED_NULL_TIME);
	check_int(doc.general.version);
	check_int(doc.general.connected_clients);
	check_rejects(&doc.rejects);

	for (i = 0; i < doc.n_pilots; i++)
	{
		const FeedPilot *p = &doc.pilots[i];

		check_callsign(p->callsign);
		check_string(p->name);
		CHECK(p->cid >= 1);
		CHECK(p->latitude >= -90 && p->latitude <= 90);
		CHECK(p->longitude >= -180 && p->longitude <= 180);
		CHECK(p->logon_time != FEED_NULL_TIME);
		CHECK(isnan(p->qnh_i_hg) || isfinite(p->qnh_i_hg));
		check_int(p->altitude);
		check_int(p->heading);
		check_plan(p->has_plan, &p->plan);
		if (i > 0)
			CHECK(p->index > doc.pilots[i - 1].index);
		for (j = 0; j < i && j < 64; j++)
			CHECK(strcmp(p->callsign, doc.pilots[j].callsign) != 0);
	}
	for (i = 0; i < doc.n_controllers + doc.n_atis; i++)
	{
		const FeedController *c = i < doc.n_controllers
			? &doc.controllers[i] : &doc.atis[i - doc.n_controllers];

		check_callsign(c->callsign);
		CHECK(c->cid >= 1);
		CHECK(c->logon_time != FEED_NULL_TIME);
		CHECK(c->n_text_atis >= -1);
		CHECK((c->n_text_atis > 0) == (c->text_atis != NULL));
		for (j = 0; j < c->n_text_atis; j++)
			CHECK(c->text_atis[j] != NULL);
		for (j = 0; j < c->n_text_atis; j++)
			check_string(c->text_atis[j]);
	}
	for (i = 0; i < doc.n_prefiles; i++)
	{
		check_callsign(doc.prefiles[i].callsign);
		check_plan(doc.prefiles[i].has_plan, &doc.prefiles[i].plan);
	}
	for (i = 0; i < doc.n_servers; i++)
	{
		CHECK(doc.servers[i].ident != NULL && doc.servers[i].ident[0] != '\0');
		CHECK(doc.servers[i].is_sweatbox >= -1 && doc.servers[i].is_sweatbox <= 1);
	}
	for (i = 1; i < doc.n_facilities; i++)
		for (j = 0; j < i; j++)
			CHECK(doc.facilities[i].id != doc.facilities[j].id);
	CHECK(doc.has_facilities || doc.n_facilities == 0);
	CHECK(doc.has_military_ratings || doc.n_military_ratings == 0);

	feed_free(&doc);

	/* the timestamp parser on a NUL-terminated prefix of the input */
	{
		char		buf[48];
		size_t		n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;
		FeedTime	t;

		memcpy(buf, data, n);
		buf[n] = '\0';
		(void) feed_parse_time(buf, &t);
	}
	return 0;
}
