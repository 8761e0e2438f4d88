/*
 * store_current.c
 *		Current-state tables of a snapshot: reference tables, servers,
 *		controllers, ATIS and prefiles (controller sessions: store_sessions.c).
 *
 * Each table gets one upsert that touches only rows whose values changed,
 * and, for tables that mirror the newest snapshot, one delete of the rows it
 * no longer carries.  Reference tables are only upserted: a code the feed
 * stops listing still explains old rows.
 */
#include "postgres.h"

#include "catalog/pg_type.h"

#include "columns.h"
#include "store.h"

static const TableColumn ref_short_long[] = {
	{"id", COL_INT4}, {"short", COL_TEXT}, {"long", COL_TEXT}
};
static const TableColumn ref_short_name[] = {
	{"id", COL_INT4}, {"short_name", COL_TEXT}, {"long_name", COL_TEXT}
};

static TableSpec facilities_spec = {"vatsim.facilities", ref_short_long, 3};
static TableSpec ratings_spec = {"vatsim.ratings", ref_short_long, 3};
static TableSpec pilot_ratings_spec = {"vatsim.pilot_ratings", ref_short_name, 3};
static TableSpec military_ratings_spec = {"vatsim.military_ratings", ref_short_name, 3};

static const TableColumn server_columns[] = {
	{"ident", COL_TEXT},
	{"hostname_or_ip", COL_TEXT},
	{"location", COL_TEXT},
	{"name", COL_TEXT},
	{"clients_connection_allowed", COL_INT4},
	{"client_connections_allowed", COL_BOOL},
	{"is_sweatbox", COL_BOOL},
};
static TableSpec servers_spec = {"vatsim.servers", server_columns,
lengthof(server_columns)};

/* Controllers and ATIS share these; ATIS adds atis_code (last). */
enum
{
	CC_CALLSIGN, CC_CID, CC_NAME, CC_FREQUENCY, CC_FACILITY, CC_RATING,
	CC_SERVER, CC_VISUAL_RANGE, CC_TEXT_ATIS, CC_LOGON_TIME, CC_LAST_UPDATED,
	CC_ATIS_CODE, CC_NCOLUMNS
};
static const TableColumn controller_columns[CC_NCOLUMNS] = {
	{"callsign", COL_TEXT},
	{"cid", COL_INT4},
	{"name", COL_TEXT},
	{"frequency", COL_TEXT},
	{"facility", COL_INT4},
	{"rating", COL_INT4},
	{"server", COL_TEXT},
	{"visual_range", COL_INT4},
	{"text_atis", COL_TEXT, "pg_catalog.text[]"},
	{"logon_time", COL_TSTZ},
	{"last_updated", COL_TSTZ},
	{"atis_code", COL_TEXT},
};
static TableSpec controllers_spec = {"vatsim.controllers", controller_columns,
CC_NCOLUMNS - 1};
static TableSpec atis_spec = {"vatsim.atis", controller_columns, CC_NCOLUMNS};

enum
{
	PF_CALLSIGN, PF_CID, PF_NAME, PF_HAS_PLAN, PF_PLAN, PF_LAST_UPDATED =
	PF_PLAN + FP_NFIELDS + 1, PF_NCOLUMNS
};
static const TableColumn prefile_columns[PF_NCOLUMNS] = {
	{"callsign", COL_TEXT},
	{"cid", COL_INT4},
	{"name", COL_TEXT},
	{"has_flight_plan", COL_BOOL},
	PLAN_TABLE_COLUMNS,
	{"last_updated", COL_TSTZ},
};
static TableSpec prefiles_spec = {"vatsim.prefiles", prefile_columns,
PF_NCOLUMNS};

static void
init_columns(ColumnBuf *cols, const TableSpec *spec, int nrows)
{
	int			i;

	for (i = 0; i < spec->ncolumns; i++)
		vi_col_init(&cols[i], spec->columns[i].type, nrows);
}

static void
store_refs(TableSpec *spec, const FeedRef *refs, int n, bool present)
{
	ColumnBuf	cols[3];
	int			i;

	if (!present || n == 0)
		return;
	init_columns(cols, spec, n);
	for (i = 0; i < n; i++)
	{
		vi_col_int(&cols[0], refs[i].id);
		vi_col_text(&cols[1], refs[i].short_name);
		vi_col_text(&cols[2], refs[i].long_name);
	}
	vi_table_upsert(spec, cols);
}

static void
store_servers(const FeedDocument *doc)
{
	ColumnBuf	cols[lengthof(server_columns)];
	int			i;

	init_columns(cols, &servers_spec, doc->n_servers);
	for (i = 0; i < doc->n_servers; i++)
	{
		const FeedServer *s = &doc->servers[i];

		vi_col_text(&cols[0], s->ident);
		vi_col_text(&cols[1], s->hostname_or_ip);
		vi_col_text(&cols[2], s->location);
		vi_col_text(&cols[3], s->name);
		vi_col_int(&cols[4], s->clients_connection_allowed);
		vi_col_bool(&cols[5], s->client_connections_allowed);
		vi_col_bool(&cols[6], s->is_sweatbox);
	}
	vi_table_upsert(&servers_spec, cols);
	vi_table_delete_absent(&servers_spec, &cols[0]);
}

/* Fill the column buffers of controllers or ATIS; returns nothing stored yet. */
static void
fill_controllers(ColumnBuf *cols, const TableSpec *spec,
				 const FeedController *recs, int n)
{
	int			i;

	init_columns(cols, spec, n);
	for (i = 0; i < n; i++)
	{
		const FeedController *c = &recs[i];

		vi_col_text(&cols[CC_CALLSIGN], c->callsign);
		vi_col_int(&cols[CC_CID], c->cid);
		vi_col_text(&cols[CC_NAME], c->name);
		vi_col_text(&cols[CC_FREQUENCY], c->frequency);
		vi_col_int(&cols[CC_FACILITY], c->facility);
		vi_col_int(&cols[CC_RATING], c->rating);
		vi_col_text(&cols[CC_SERVER], c->server);
		vi_col_int(&cols[CC_VISUAL_RANGE], c->visual_range);
		vi_col_text_lines(&cols[CC_TEXT_ATIS], c->text_atis, c->n_text_atis);
		vi_col_time(&cols[CC_LOGON_TIME], c->logon_time);
		vi_col_time(&cols[CC_LAST_UPDATED], c->last_updated);
		if (spec->ncolumns > CC_ATIS_CODE)
			vi_col_text(&cols[CC_ATIS_CODE], c->atis_code);
	}
}

static void
store_prefiles(const FeedDocument *doc)
{
	ColumnBuf	cols[PF_NCOLUMNS];
	int			i;

	init_columns(cols, &prefiles_spec, doc->n_prefiles);
	for (i = 0; i < doc->n_prefiles; i++)
	{
		const FeedPrefile *p = &doc->prefiles[i];

		vi_col_text(&cols[PF_CALLSIGN], p->callsign);
		vi_col_int(&cols[PF_CID], p->cid);
		vi_col_text(&cols[PF_NAME], p->name);
		vi_col_bool(&cols[PF_HAS_PLAN], p->has_plan);
		vi_col_plan(&cols[PF_PLAN], &p->plan, p->has_plan);
		vi_col_time(&cols[PF_LAST_UPDATED], p->last_updated);
	}
	vi_table_upsert(&prefiles_spec, cols);
	vi_table_delete_absent(&prefiles_spec, &cols[PF_CALLSIGN]);
}

void
vi_store_current_state(const FeedDocument *doc, TimestampTz ts)
{
	ColumnBuf	cols[CC_NCOLUMNS];

	store_refs(&facilities_spec, doc->facilities, doc->n_facilities,
			   doc->has_facilities);
	store_refs(&ratings_spec, doc->ratings, doc->n_ratings, doc->has_ratings);
	store_refs(&pilot_ratings_spec, doc->pilot_ratings, doc->n_pilot_ratings,
			   doc->has_pilot_ratings);
	store_refs(&military_ratings_spec, doc->military_ratings,
			   doc->n_military_ratings, doc->has_military_ratings);
	store_servers(doc);

	fill_controllers(cols, &controllers_spec, doc->controllers, doc->n_controllers);
	vi_table_upsert(&controllers_spec, cols);
	vi_table_delete_absent(&controllers_spec, &cols[CC_CALLSIGN]);

	fill_controllers(cols, &atis_spec, doc->atis, doc->n_atis);
	vi_table_upsert(&atis_spec, cols);
	vi_table_delete_absent(&atis_spec, &cols[CC_CALLSIGN]);

	store_prefiles(doc);
}
