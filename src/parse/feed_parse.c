/*-------------------------------------------------------------------------
 *
 * feed_parse.c
 *		One VATSIM v3 data-feed document (bytes) into a FeedDocument (plain
 *		C structs, see feed.h): the entry point of the feed parser.
 *
 * This file owns feed_parse() and feed_free(), and what is checked at the
 * level of the document rather than of a record: the top-level members
 * (general and the sections, each present and of the right type) and the
 * members of "general".  Any problem there refuses the whole document.
 *
 * The rest of the parser, by concern:
 *	feed_json.c		document checks around cJSON, shared message helpers
 *	feed_prescan.c	the byte-level pass before cJSON (UTF-8, depth, escapes)
 *	feed_map.c		field and section tables, records onto structs
 *	feed_dedupe.c	repeated keys within a section
 *	feed_time.c		timestamps, flight-plan digests
 *
 * Pure C11 + cJSON: no Postgres headers, so test/unit can test and fuzz it
 * on its own.  Every allocation goes through cJSON (cJSON_malloc or the
 * parser), i.e. through whatever cJSON_InitHooks() installed; each section
 * is a single allocation, so feed_free() has little to do.
 *
 *-------------------------------------------------------------------------
 */
#include <stddef.h>
#include <string.h>

#include "feed_internal.h"

/* An integer member of "general": key, path in messages, where it goes. */
typedef struct GeneralInt
{
	const char *key;
	const char *path;
	size_t		offset;
} GeneralInt;

static const GeneralInt general_ints[] = {
	{"version", "general.version", offsetof(FeedGeneral, version)},
	{"reload", "general.reload", offsetof(FeedGeneral, reload)},
	{"connected_clients", "general.connected_clients",
	offsetof(FeedGeneral, connected_clients)},
	{"unique_users", "general.unique_users",
	offsetof(FeedGeneral, unique_users)},
};

#define N_GENERAL_INTS ((int) (sizeof(general_ints) / sizeof(general_ints[0])))

/* An optional integer of "general"; false (err filled) when bad. */
static bool
general_int(const cJSON *v, const char *path, FeedInt *out, FeedError *err)
{
	if (J_IS_NULL(v))
	{
		*out = FEED_NULL_INT;
		return true;
	}
	if (!J_IS_NUMBER(v))
		return feed_error(err, FEED_ERR_WRONG_TYPE, path, 0,
						  "%s is %s, not an integer", path,
						  feed_json_type_phrase(v));
	if (feed_check_int32(v->valuedouble) != FEED_INT32_OK)
		return feed_error(err, FEED_ERR_WRONG_TYPE, path, 0,
						  "%s is %.15g, not an integer that fits int32",
						  path, v->valuedouble);
	*out = (FeedInt) v->valuedouble;
	return true;
}

/* A string member of "general" must not hold a marked escape. */
static bool
general_unmarked(const cJSON *v, const char *path, bool marked,
				 FeedError *err)
{
	if (marked && feed_has_mark(v->valuestring))
		return feed_error(err, FEED_ERR_ENCODING, path, 0,
						  "%s contains \\u0000 or an unpaired UTF-16 surrogate",
						  path);
	return true;
}

/* general.update_timestamp (ts: the member, NULL when absent). */
static bool
general_timestamp(const cJSON *ts, bool marked, FeedTime *out,
				  FeedError *err)
{
	const char *path = "general.update_timestamp";
	char		q[FEED_QUOTE_BUF];

	if (ts == NULL)
		return feed_error(err, FEED_ERR_MISSING, path, 0,
						  "required member %s is missing", path);
	if (!J_IS_STRING(ts))
		return feed_error(err, FEED_ERR_WRONG_TYPE, path, 0,
						  "%s is %s, not a string", path,
						  feed_json_type_phrase(ts));
	if (!general_unmarked(ts, path, marked, err))
		return false;
	switch (feed_read_time(ts->valuestring, out))
	{
		case FEED_TIME_OK:
			return true;
		case FEED_TIME_OUT_OF_RANGE:
			return feed_error(err, FEED_ERR_BAD_TIMESTAMP, path, 0,
							  "%s \"%s\" is outside the years 1900 to 9999",
							  path, feed_quote_text(ts->valuestring, q));
		default:
			return feed_error(err, FEED_ERR_BAD_TIMESTAMP, path, 0,
							  "%s \"%s\" is not a timestamp like 2023-08-07T23:29:29.8856438Z",
							  path, feed_quote_text(ts->valuestring, q));
	}
}

/* The members of "general" (an object) into *gen; false: err filled. */
static bool
map_general(const cJSON *g, bool marked, FeedGeneral *gen, FeedError *err)
{
	const cJSON *m;
	const cJSON *ts = NULL;
	int			i;

	for (i = 0; i < N_GENERAL_INTS; i++)
		*(FeedInt *) ((char *) gen + general_ints[i].offset) = FEED_NULL_INT;
	gen->update = NULL;
	gen->update_timestamp = FEED_NULL_TIME;

	for (m = g->child; m != NULL; m = m->next)
	{
		const char *k = m->string;

		if (k == NULL)
			continue;
		for (i = 0; i < N_GENERAL_INTS; i++)
		{
			if (strcmp(k, general_ints[i].key) == 0)
				break;
		}
		if (i < N_GENERAL_INTS)
		{
			if (!general_int(m, general_ints[i].path,
							 (FeedInt *) ((char *) gen + general_ints[i].offset),
							 err))
				return false;
		}
		else if (strcmp(k, "update") == 0)
		{
			if (J_IS_NULL(m))
				gen->update = NULL;
			else if (!J_IS_STRING(m))
				return feed_error(err, FEED_ERR_WRONG_TYPE, "general.update", 0,
								  "general.update is %s, not a string",
								  feed_json_type_phrase(m));
			else if (!general_unmarked(m, "general.update", marked, err))
				return false;
			else
				gen->update = m->valuestring;
		}
		else if (strcmp(k, "update_timestamp") == 0)
			ts = m;
	}
	return general_timestamp(ts, marked, &gen->update_timestamp, err);
}

/*
 * The top-level members: *general and sections[i] for feed_sections[i]
 * (NULL when absent; the last occurrence of a key wins).  False (err
 * filled) when general or a required section is missing or of the wrong
 * type, or general is bad.
 */
static bool
check_top_level(const cJSON *root, bool marked, FeedGeneral *gen,
				const cJSON **sections, FeedError *err)
{
	const cJSON *general = NULL;
	const cJSON *m;
	int			i;

	for (i = 0; i < FEED_N_SECTIONS; i++)
		sections[i] = NULL;
	for (m = root->child; m != NULL; m = m->next)
	{
		if (m->string == NULL)
			continue;
		if (strcmp(m->string, "general") == 0)
			general = m;
		for (i = 0; i < FEED_N_SECTIONS; i++)
		{
			if (strcmp(m->string, feed_sections[i].name) == 0)
				sections[i] = m;
		}
	}

	if (general == NULL)
		return feed_error(err, FEED_ERR_MISSING, "general", 0,
						  "required member general is missing");
	if (!J_IS_OBJECT(general))
		return feed_error(err, FEED_ERR_WRONG_TYPE, "general", 0,
						  "general is %s, not an object",
						  feed_json_type_phrase(general));
	if (!map_general(general, marked, gen, err))
		return false;
	for (i = 0; i < FEED_N_SECTIONS; i++)
	{
		const char *name = feed_sections[i].name;

		if (sections[i] == NULL && feed_sections[i].required)
			return feed_error(err, FEED_ERR_MISSING, name, 0,
							  "required member %s is missing", name);
		if (sections[i] != NULL && !J_IS_ARRAY(sections[i]))
			return feed_error(err, FEED_ERR_WRONG_TYPE, name, 0,
							  "%s is %s, not an array", name,
							  feed_json_type_phrase(sections[i]));
	}
	return true;
}

/* Map every section present into doc; false (err filled) on failure. */
static bool
map_sections(FeedDocument *doc, const cJSON **sections, bool marked,
			 FeedError *err)
{
	MapCtx		ctx;
	int			i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.rejects = &doc->rejects;
	ctx.marked = marked;
	for (i = 0; i < FEED_N_SECTIONS; i++)
	{
		const SectionDesc *sd = &feed_sections[i];
		char	   *base = (char *) doc;
		FeedErrorCode rc;

		if (sections[i] == NULL)
			continue;
		if (sd->doc_has_off != 0)
			*(bool *) (base + sd->doc_has_off) = true;
		rc = feed_map_section(&ctx, sd, sections[i],
							  (void **) (base + sd->doc_off),
							  (int *) (base + sd->doc_n_off));
		if (rc == FEED_ERR_NO_MEMORY)
			return feed_error(err, rc, sd->name, 0,
							  "out of memory mapping %s", sd->name);
		if (rc != FEED_OK)
			return feed_error(err, rc, sd->name, 0,
							  "%s has too many elements", sd->name);
	}
	return true;
}

bool
feed_parse(const char *text, size_t len, size_t max_bytes,
		   FeedDocument *doc, FeedError *err)
{
	FeedError	dummy;
	const cJSON *sections[FEED_N_SECTIONS];
	cJSON	   *root;
	bool		marked;

	err = err != NULL ? err : &dummy;
	root = feed_parse_start(text, len, max_bytes, false, doc, sizeof(*doc),
							&marked, err);
	if (root == NULL)
		return false;
	doc->json = root;
	if (check_top_level(root, marked, &doc->general, sections, err) &&
		map_sections(doc, sections, marked, err))
		return true;
	feed_free(doc);
	return false;
}

void
feed_free(FeedDocument *doc)
{
	int			i;

	if (doc == NULL)
		return;
	for (i = 0; i < FEED_N_SECTIONS; i++)
	{
		void	   *block = *(void **) ((char *) doc + feed_sections[i].doc_off);

		/* cJSON_free(NULL) would reach pfree(NULL) under palloc hooks */
		if (block != NULL)
			cJSON_free(block);
	}
	if (doc->json)
		cJSON_Delete((cJSON *) doc->json);
	memset(doc, 0, sizeof(*doc));
}
