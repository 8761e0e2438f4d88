/*
 * contacts.c
 *		ATC contacts: which flights are tuned to which controller sessions,
 *		snapshot by snapshot (vatsim.atc_contacts).
 *
 * Who: the snapshot's pilots that have a flight, and its controllers
 * (observers, facility 0, left out; ATIS stations are not controllers)
 * that have an open controller session.  Transceivers belong to a station
 * by callsign.  The rule is contact_match.c's.
 *
 * With a transceivers document, the snapshot's matches are the set of
 * (flight, session, frequency_khz): one open row per triple; a triple not
 * open yet opens at the snapshot's time, an open row not matched any more
 * closes at it.  Without one (the transceivers feed failed this cycle, or
 * vatsim.ingest(feed) alone) nothing is known about the radios: an open row
 * whose flight or controller session is absent from the snapshot closes
 * (no contact is possible), the others stay open.
 *
 * After a gap in the feed longer than stale_after, every open row closes
 * at the last snapshot before the gap (close_after_gap).
 *
 * State is the open rows of the table only, so a restart between two
 * snapshots changes nothing.  Three statements per snapshot: the gap rule,
 * the sessions and ranges of the controllers, then one that closes and
 * opens (or, with no transceivers, one that closes).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/hsearch.h"

#include "analytics.h"
#include "columns.h"
#include "contact_match.h"
#include "contacts.h"
#include "transceivers.h"
#include "vatsim_ingest.h"

/* A callsign of the snapshot: its pilot and controller (-1: none). */
typedef struct Station
{
	char		callsign[FEED_CALLSIGN_MAX + 1];	/* hash key */
	int			pilot;
	int			controller;
} Station;

/* The controllers that may be in contact: an open session, a range. */
typedef struct Controllers
{
	int64	   *session;		/* by controller index; -1: none */
	double	   *range_nm;
	ColumnBuf	present;		/* their session ids */
} Controllers;

static SPIPlanPtr sessions_plan;
static SPIPlanPtr update_plan;
static SPIPlanPtr absent_plan;
static SPIPlanPtr gap_plan;

/*
 * The open session (the newest, should there be two) and radio range of
 * every controller but observers, in one statement: a join with the open
 * sessions, not a probe per controller.  The range is
 * vatsim.controller_type()'s rule (the suffix after the last underscore,
 * upper case, else '*'), written as a join so that it is not a function
 * call per controller.
 */
static const char sessions_sql[] =
"SELECT DISTINCT ON (u.idx) u.idx, s.session_id, COALESCE(t.range_nm, d.range_nm)"
" FROM (SELECT pg_catalog.unnest($1::pg_catalog.int4[]) AS cid,"
"   pg_catalog.unnest($2::pg_catalog.text[]) AS callsign,"
"   pg_catalog.generate_series(1::pg_catalog.int8, pg_catalog.cardinality($1::pg_catalog.int4[])) AS idx) AS u"
" JOIN vatsim.controller_sessions s ON s.ended_at IS NULL"
"   AND s.cid OPERATOR(pg_catalog.=) u.cid AND s.callsign OPERATOR(pg_catalog.=) u.callsign"
" LEFT JOIN vatsim.controller_types t ON t.suffix OPERATOR(pg_catalog.=)"
"   pg_catalog.upper(pg_catalog.split_part(u.callsign, '_', -1))"
" CROSS JOIN (SELECT range_nm FROM vatsim.controller_types"
"   WHERE suffix OPERATOR(pg_catalog.=) '*') d"
" ORDER BY u.idx, s.logon_time DESC";

/*
 * With transceivers: close the open rows not matched, open the matches not
 * open.  The open rows and the matches meet in a FULL JOIN, which only a hash
 * or merge join can run: never a scan of the table per match.  Rows close by
 * primary key (= ANY of an array: index probes, whatever the size of the
 * history).  Both parts read the table as it was before the statement.
 */
static const char update_sql[] =
"WITH m AS ("
"  SELECT pg_catalog.unnest($1::pg_catalog.int8[]) AS flight_id,"
"    pg_catalog.unnest($2::pg_catalog.int8[]) AS session_id,"
"    pg_catalog.unnest($3::pg_catalog.text[]) AS pilot_callsign,"
"    pg_catalog.unnest($4::pg_catalog.text[]) AS atc_callsign,"
"    pg_catalog.unnest($5::pg_catalog.int4[]) AS khz"
"), j AS ("
"  SELECT o.contact_id, m.flight_id, m.session_id, m.pilot_callsign, m.atc_callsign, m.khz"
"  FROM (SELECT c.contact_id, c.flight_id, c.session_id, c.frequency_khz"
"        FROM vatsim.atc_contacts c WHERE c.ended_at IS NULL) o"
"  FULL JOIN m ON o.flight_id OPERATOR(pg_catalog.=) m.flight_id"
"    AND o.session_id OPERATOR(pg_catalog.=) m.session_id"
"    AND o.frequency_khz OPERATOR(pg_catalog.=) m.khz"
"), closed AS ("
"  UPDATE vatsim.atc_contacts c SET ended_at = $6"
"  WHERE c.contact_id OPERATOR(pg_catalog.=) ANY (ARRAY("
"    SELECT j.contact_id FROM j WHERE j.flight_id IS NULL))"
"  RETURNING 1"
") INSERT INTO vatsim.atc_contacts (flight_id, session_id, pilot_callsign,"
"    atc_callsign, frequency_khz, started_at)"
"  SELECT j.flight_id, j.session_id, j.pilot_callsign, j.atc_callsign, j.khz, $6"
"  FROM j WHERE j.contact_id IS NULL";

/* Without transceivers: close what can no longer be in contact. */
static const char absent_sql[] =
"UPDATE vatsim.atc_contacts c SET ended_at = $1"
" WHERE c.ended_at IS NULL"
"   AND (c.flight_id NOT IN (SELECT pg_catalog.unnest($2::pg_catalog.int8[]))"
"        OR c.session_id NOT IN (SELECT pg_catalog.unnest($3::pg_catalog.int8[])))";

static HTAB *
stations_of(const FeedDocument *doc)
{
	HASHCTL		ctl;
	HTAB	   *stations;
	int			i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = FEED_CALLSIGN_MAX + 1;
	ctl.entrysize = sizeof(Station);
	ctl.hcxt = CurrentMemoryContext;
	stations = hash_create("vatsim_ingest contacts", doc->n_pilots + doc->n_controllers + 16,
						   &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	for (i = 0; i < doc->n_pilots + doc->n_controllers; i++)
	{
		bool		is_pilot = i < doc->n_pilots;
		const char *callsign = is_pilot ? doc->pilots[i].callsign
			: doc->controllers[i - doc->n_pilots].callsign;
		bool		found;
		Station    *s = hash_search(stations, callsign, HASH_ENTER, &found);

		if (!found)
			s->pilot = s->controller = -1;
		if (is_pilot)
			s->pilot = i;
		else
			s->controller = i - doc->n_pilots;
	}
	return stations;
}

static void
load_controllers(const FeedDocument *doc, Controllers *ctl)
{
	static const Oid types[] = {INT4ARRAYOID, TEXTARRAYOID};
	ColumnBuf	cid;
	ColumnBuf	callsign;
	int		   *sent = palloc(sizeof(int) * (doc->n_controllers + 1));
	Datum		values[2];
	uint64		row;
	int			i;

	ctl->session = palloc(sizeof(int64) * (doc->n_controllers + 1));
	ctl->range_nm = palloc(sizeof(double) * (doc->n_controllers + 1));
	vi_col_init(&ctl->present, COL_INT8, doc->n_controllers + 1);
	vi_col_init(&cid, COL_INT4, doc->n_controllers + 1);
	vi_col_init(&callsign, COL_TEXT, doc->n_controllers + 1);
	for (i = 0; i < doc->n_controllers; i++)
	{
		const FeedController *c = &doc->controllers[i];

		ctl->session[i] = -1;
		if (c->facility == 0)
			continue;			/* an observer is never in contact */
		sent[cid.n] = i;
		vi_col_int(&cid, c->cid);
		vi_col_text(&callsign, c->callsign);
	}
	vi_store_prepare(&sessions_plan, sessions_sql, 2, types);
	values[0] = vi_col_array(&cid);
	values[1] = vi_col_array(&callsign);
	vi_store_execute(sessions_plan, values, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int			idx = sent[DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull)) - 1];

		ctl->session[idx] = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		ctl->range_nm[idx] = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		vi_col_int8(&ctl->present, ctl->session[idx]);
	}
	SPI_freetuptable(SPI_tuptable);
}

static void *
contacts_grow(void *ptr, size_t size)
{
	return ptr ? repalloc(ptr, size) : palloc(size);
}

/* The snapshot's matches, as (pilot index, controller index, kHz). */
static int
match_transceivers(const AnalyticsInput *in, const Controllers *ctl,
				   CmContact **contacts)
{
	const TransceiversDocument *trx = in->trx;
	HTAB	   *stations = stations_of(in->doc);
	CmTransceiver *atc = palloc(sizeof(CmTransceiver) * (trx->n_rows + 1));
	CmTransceiver *pilots = palloc(sizeof(CmTransceiver) * (trx->n_rows + 1));
	int			n_atc = 0;
	int			n_pilots = 0;
	int			i;

	for (i = 0; i < trx->n_rows; i++)
	{
		const FeedTransceiver *t = &trx->rows[i];
		Station    *s = hash_search(stations, t->callsign, HASH_FIND, NULL);
		CmTransceiver ct = {0, t->frequency_hz, t->latitude, t->longitude, 0};

		if (s == NULL)
			continue;
		if (s->pilot >= 0 && in->flight_ids[s->pilot] >= 0)
		{
			ct.station = s->pilot;
			pilots[n_pilots++] = ct;
		}
		if (s->controller >= 0 && ctl->session[s->controller] >= 0)
		{
			ct.station = s->controller;
			ct.range_nm = ctl->range_nm[s->controller];
			atc[n_atc++] = ct;
		}
	}
	hash_destroy(stations);
	return cm_match(atc, n_atc, pilots, n_pilots, vi_ignored_hz, vi_n_ignored_hz,
					contacts_grow, contacts);
}

static void
write_contacts(const AnalyticsInput *in, const Controllers *ctl)
{
	static const Oid types[] = {INT8ARRAYOID, INT8ARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, INT4ARRAYOID, TIMESTAMPTZOID};
	CmContact  *contacts;
	int			n = match_transceivers(in, ctl, &contacts);
	ColumnBuf	cols[5];
	Datum		values[6];
	int			i;

	vi_col_init(&cols[0], COL_INT8, n + 1);
	vi_col_init(&cols[1], COL_INT8, n + 1);
	vi_col_init(&cols[2], COL_TEXT, n + 1);
	vi_col_init(&cols[3], COL_TEXT, n + 1);
	vi_col_init(&cols[4], COL_INT4, n + 1);
	for (i = 0; i < n; i++)
	{
		const CmContact *c = &contacts[i];

		vi_col_int8(&cols[0], in->flight_ids[c->pilot]);
		vi_col_int8(&cols[1], ctl->session[c->controller]);
		vi_col_text(&cols[2], in->doc->pilots[c->pilot].callsign);
		vi_col_text(&cols[3], in->doc->controllers[c->controller].callsign);
		vi_col_int(&cols[4], c->khz);
	}
	vi_store_prepare(&update_plan, update_sql, lengthof(types), types);
	for (i = 0; i < 5; i++)
		values[i] = vi_col_array(&cols[i]);
	values[5] = TimestampTzGetDatum(in->ts);
	vi_store_execute(update_plan, values, SPI_OK_INSERT);
}

static void
close_absent(const AnalyticsInput *in, const Controllers *ctl)
{
	static const Oid types[] = {TIMESTAMPTZOID, INT8ARRAYOID, INT8ARRAYOID};
	ColumnBuf	flights;
	Datum		values[3];
	int			i;

	vi_col_init(&flights, COL_INT8, in->doc->n_pilots + 1);
	for (i = 0; i < in->doc->n_pilots; i++)
		if (in->flight_ids[i] >= 0)
			vi_col_int8(&flights, in->flight_ids[i]);
	vi_store_prepare(&absent_plan, absent_sql, lengthof(types), types);
	values[0] = TimestampTzGetDatum(in->ts);
	values[1] = vi_col_array(&flights);
	values[2] = vi_col_array(&ctl->present);
	vi_store_execute(absent_plan, values, SPI_OK_UPDATE);
}

/*
 * After a gap in the feed longer than stale_after (the worker down, a
 * sparse backfill) nothing is known of the radios in between: every open
 * row closes at the last snapshot before the gap, as a flight gone closes
 * its sector intervals at its last-seen time, and what still matches after
 * the gap opens anew.  So no interval spans a gap, and a flight's contact
 * intervals add up to the contact time its summary counts (which leaves
 * such gaps out).  The snapshot being stored has no row in vatsim.snapshots
 * yet.
 */
static const char gap_sql[] =
"WITH prev AS (SELECT pg_catalog.max(update_timestamp) AS ts FROM vatsim.snapshots"
"  WHERE update_timestamp OPERATOR(pg_catalog.<) $1) "
"UPDATE vatsim.atc_contacts c SET ended_at = prev.ts FROM prev"
" WHERE c.ended_at IS NULL AND prev.ts OPERATOR(pg_catalog.<)"
"   ($1 OPERATOR(pg_catalog.-) pg_catalog.make_interval(secs => $2))";

static void
close_after_gap(TimestampTz ts)
{
	static const Oid types[] = {TIMESTAMPTZOID, FLOAT8OID};
	Datum		values[2];

	vi_store_prepare(&gap_plan, gap_sql, lengthof(types), types);
	values[0] = TimestampTzGetDatum(ts);
	values[1] = Float8GetDatum((double) vi_stale_after_s);
	vi_store_execute(gap_plan, values, SPI_OK_UPDATE);
}

void
vi_contacts_process(const AnalyticsInput *in)
{
	Controllers ctl;

	close_after_gap(in->ts);
	load_controllers(in->doc, &ctl);
	if (in->trx != NULL)
		write_contacts(in, &ctl);
	else
		close_absent(in, &ctl);
}
