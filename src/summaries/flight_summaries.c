/*
 * flight_summaries.c
 *		Flight summaries: running aggregates on every flight as snapshots
 *		arrive (vatsim.flight_stats), and a summary row when a flight ends
 *		(vatsim.flight_summaries).
 *
 * vi_flight_stats_process (after contacts) reads the open stats rows, the
 * rows of flights that come back, and the flights with an open ATC contact;
 * advances each flight of the snapshot with fs_step (flight_stats_step.c)
 * and writes them back (one UPDATE, and an INSERT for new flights).  The open flights absent from the
 * snapshot are the candidates to end:
 *
 *	landed: its last snapshot was slow per the occupancy rule (slow count at
 *	        exit_polls), and it is absent now;
 *	gone:   absent longer than stale_after (exactly stale_after is not gone,
 *	        as in occupancy).
 *
 * vi_flight_summaries_process (last) writes their summaries with
 * vatsim.summarise_flights(), which closes their stats rows.  A flight
 * that a reconnect continues reopens its row and is summarised again (the
 * row replaced) when it ends again.  Nothing survives between snapshots but
 * the tables and the prepared plans: the ended list is handed from one call
 * to the next within the snapshot only.  At most six statements per
 * snapshot.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"

#include "analytics.h"
#include "columns.h"
#include "flight_stats_step.h"
#include "vatsim_ingest.h"

/* vatsim.flight_stats, in the order the statements read and write it */
enum
{
	FS_FLIGHT_ID, FS_OPEN, FS_FIRST_TS, FS_LAST_TS, FS_LAST_LAT, FS_LAST_LON,
	FS_LAST_GS, FS_LAST_IN_CONTACT, FS_SLOW_POLLS, FS_MAX_ALTITUDE,
	FS_DISTANCE, FS_AIRBORNE_US, FS_CONTACT_US, FS_AIRBORNE_CONTACT_US,
	FS_SNAPSHOTS, FS_NCOLUMNS
};

static const TableColumn stats_columns[FS_NCOLUMNS] = {
	{"flight_id", COL_INT8},
	{"open", COL_BOOL},
	{"first_ts", COL_TSTZ},
	{"last_ts", COL_TSTZ},
	{"last_latitude", COL_FLOAT8},
	{"last_longitude", COL_FLOAT8},
	{"last_groundspeed", COL_INT4},
	{"last_in_contact", COL_BOOL},
	{"slow_polls", COL_INT4},
	{"max_altitude", COL_INT4},
	{"distance_nm", COL_FLOAT8},
	{"airborne_us", COL_INT8},
	{"contact_us", COL_INT8},
	{"airborne_contact_us", COL_INT8},
	{"snapshots", COL_INT4},
};

#define STATS_SELECT \
	"SELECT flight_id, open, first_ts, last_ts, last_latitude, last_longitude, " \
	"last_groundspeed, last_in_contact, slow_polls, max_altitude, distance_nm, " \
	"airborne_us, contact_us, airborne_contact_us, snapshots FROM vatsim.flight_stats "

typedef struct StatsEntry
{
	int64		flight_id;		/* hash key */
	bool		stored;			/* a row exists */
	bool		was_open;
	bool		seen;			/* in this snapshot */
	bool		in_contact;		/* an open ATC contact now */
	TimestampTz first_ts;
	FlightStats st;
} StatsEntry;

static SPIPlanPtr open_plan;
static SPIPlanPtr back_plan;
static SPIPlanPtr contacts_plan;
static SPIPlanPtr summaries_plan;
static SPIPlanPtr update_plan;
static SPIPlanPtr insert_plan;

/* The flights that ended in this snapshot, for vi_flight_summaries_process */
static TimestampTz ended_ts;
static ColumnBuf ended_ids;
static ColumnBuf ended_reasons;
static bool ended_valid;

static StatsEntry *
stats_entry(HTAB *h, int64 flight_id)
{
	return vi_hash_entry_int64(h, flight_id, sizeof(StatsEntry));
}

static int64
col_int64(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;

	return DatumGetInt64(SPI_getbinval(tup, desc, col + 1, &isnull));
}

static int32
col_int32(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	return DatumGetInt32(SPI_getbinval(tup, desc, col + 1, isnull));
}

static double
col_float8(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;

	return DatumGetFloat8(SPI_getbinval(tup, desc, col + 1, &isnull));
}

static bool
col_bool(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;

	return DatumGetBool(SPI_getbinval(tup, desc, col + 1, &isnull));
}

/* Rows of STATS_SELECT into the hash table. */
static void
load_rows(HTAB *h)
{
	uint64		row;

	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		StatsEntry *e = stats_entry(h, col_int64(tup, desc, FS_FLIGHT_ID));
		bool		isnull;

		e->stored = true;
		e->was_open = col_bool(tup, desc, FS_OPEN);
		e->first_ts = DatumGetTimestampTz(SPI_getbinval(tup, desc, FS_FIRST_TS + 1, &isnull));
		e->st.last_us = col_int64(tup, desc, FS_LAST_TS);
		e->st.last_lat = col_float8(tup, desc, FS_LAST_LAT);
		e->st.last_lon = col_float8(tup, desc, FS_LAST_LON);
		e->st.last_gs = col_int32(tup, desc, FS_LAST_GS, &isnull);
		e->st.last_in_contact = col_bool(tup, desc, FS_LAST_IN_CONTACT);
		e->st.slow_polls = col_int32(tup, desc, FS_SLOW_POLLS, &isnull);
		e->st.max_altitude = col_int32(tup, desc, FS_MAX_ALTITUDE, &isnull);
		e->st.has_altitude = !isnull;
		e->st.distance_nm = col_float8(tup, desc, FS_DISTANCE);
		e->st.airborne_us = col_int64(tup, desc, FS_AIRBORNE_US);
		e->st.contact_us = col_int64(tup, desc, FS_CONTACT_US);
		e->st.airborne_contact_us = col_int64(tup, desc, FS_AIRBORNE_CONTACT_US);
		e->st.snapshots = col_int32(tup, desc, FS_SNAPSHOTS, &isnull);
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * The open rows, then the rows of this snapshot's flights that are not
 * open (a flight a reconnect continued after its summary; usually none,
 * and new flights have no row): one statement each.
 */
static HTAB *
load_stats(const AnalyticsInput *in)
{
	static const Oid types[] = {INT8ARRAYOID};
	HASHCTL		ctl;
	HTAB	   *h;
	ColumnBuf	missing;
	Datum		values[1];
	int			i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(StatsEntry);
	ctl.hcxt = CurrentMemoryContext;
	h = hash_create("vatsim_ingest flight stats", 4096, &ctl,
					HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	vi_store_prepare(&open_plan, STATS_SELECT "WHERE open", 0, NULL);
	vi_store_execute(open_plan, NULL, SPI_OK_SELECT);
	load_rows(h);

	vi_col_init(&missing, COL_INT8, 64);
	for (i = 0; i < in->doc->n_pilots; i++)
		if (in->flight_ids[i] >= 0 &&
			hash_search(h, &in->flight_ids[i], HASH_FIND, NULL) == NULL)
			vi_col_int8(&missing, in->flight_ids[i]);
	if (missing.n > 0)
	{
		vi_store_prepare(&back_plan,
						 STATS_SELECT "WHERE flight_id OPERATOR(pg_catalog.=) "
						 "ANY ($1::pg_catalog.int8[])",
						 1, types);
		values[0] = vi_col_array(&missing);
		vi_store_execute(back_plan, values, SPI_OK_SELECT);
		load_rows(h);
	}
	return h;
}

/* In contact now: the flights with an open contact (after the contacts step). */
static void
load_contacts(HTAB *h)
{
	uint64		row;

	vi_store_prepare(&contacts_plan,
					 "SELECT DISTINCT flight_id FROM vatsim.atc_contacts WHERE ended_at IS NULL",
					 0, NULL);
	vi_store_execute(contacts_plan, NULL, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		int64		id = col_int64(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, 0);
		StatsEntry *e = hash_search(h, &id, HASH_FIND, NULL);

		/* a contact of a flight not in this snapshot changes nothing */
		if (e != NULL)
			e->in_contact = true;
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
push_row(ColumnBuf *cols, const StatsEntry *e)
{
	vi_col_int8(&cols[FS_FLIGHT_ID], e->flight_id);
	vi_col_bool(&cols[FS_OPEN], 1);
	vi_col_tstz(&cols[FS_FIRST_TS], e->first_ts);
	vi_col_tstz(&cols[FS_LAST_TS], e->st.last_us);
	vi_col_float(&cols[FS_LAST_LAT], e->st.last_lat);
	vi_col_float(&cols[FS_LAST_LON], e->st.last_lon);
	vi_col_int(&cols[FS_LAST_GS], e->st.last_gs);
	vi_col_bool(&cols[FS_LAST_IN_CONTACT], e->st.last_in_contact);
	vi_col_int(&cols[FS_SLOW_POLLS], e->st.slow_polls);
	if (e->st.has_altitude)
		vi_col_int(&cols[FS_MAX_ALTITUDE], e->st.max_altitude);
	else
		vi_col_null(&cols[FS_MAX_ALTITUDE]);
	vi_col_float(&cols[FS_DISTANCE], e->st.distance_nm);
	vi_col_int8(&cols[FS_AIRBORNE_US], e->st.airborne_us);
	vi_col_int8(&cols[FS_CONTACT_US], e->st.contact_us);
	vi_col_int8(&cols[FS_AIRBORNE_CONTACT_US], e->st.airborne_contact_us);
	vi_col_int(&cols[FS_SNAPSHOTS], e->st.snapshots);
}

/* "ROWS FROM (unnest($1::type[]), ...) AS u(column, ...)" over stats_columns */
static void
append_rows_from(StringInfo sql, Oid *argtypes)
{
	int			i;

	appendStringInfoString(sql, "ROWS FROM (");
	for (i = 0; i < FS_NCOLUMNS; i++)
	{
		appendStringInfo(sql, "%spg_catalog.unnest($%d::%s)", i ? ", " : "", i + 1,
						 vi_col_sql_type(stats_columns[i].type));
		argtypes[i] = vi_col_array_type(stats_columns[i].type);
	}
	appendStringInfoString(sql, ") AS u(");
	for (i = 0; i < FS_NCOLUMNS; i++)
		appendStringInfo(sql, "%s%s", i ? ", " : "", stats_columns[i].name);
	appendStringInfoChar(sql, ')');
}

/*
 * Write the rows in cols: an UPDATE of the flights that have a row (nearly
 * all: a plain UPDATE is much cheaper than INSERT ... ON CONFLICT, and HOT),
 * an INSERT of the new ones.
 */
static void
write_rows(SPIPlanPtr *plan, bool update, const ColumnBuf *cols)
{
	Datum		values[FS_NCOLUMNS];
	int			i;

	if (cols[FS_FLIGHT_ID].n == 0)
		return;
	if (*plan == NULL)
	{
		StringInfoData sql;
		Oid			argtypes[FS_NCOLUMNS];

		initStringInfo(&sql);
		if (update)
		{
			appendStringInfoString(&sql, "UPDATE vatsim.flight_stats AS t SET ");
			for (i = 1; i < FS_NCOLUMNS; i++)
				appendStringInfo(&sql, "%s%s = u.%s", i > 1 ? ", " : "",
								 stats_columns[i].name, stats_columns[i].name);
			appendStringInfoString(&sql, " FROM ");
			append_rows_from(&sql, argtypes);
			appendStringInfoString(&sql, " WHERE t.flight_id OPERATOR(pg_catalog.=) u.flight_id");
		}
		else
		{
			appendStringInfoString(&sql, "INSERT INTO vatsim.flight_stats (");
			for (i = 0; i < FS_NCOLUMNS; i++)
				appendStringInfo(&sql, "%s%s", i ? ", " : "", stats_columns[i].name);
			appendStringInfoString(&sql, ") SELECT * FROM ");
			append_rows_from(&sql, argtypes);
		}
		vi_store_prepare(plan, sql.data, FS_NCOLUMNS, argtypes);
		pfree(sql.data);
	}
	for (i = 0; i < FS_NCOLUMNS; i++)
		values[i] = vi_col_array(&cols[i]);
	vi_store_execute(*plan, values, update ? SPI_OK_UPDATE : SPI_OK_INSERT);
}

static void
rules_now(FlightStatsRules *rules)
{
	rules->airborne_speed_kt = vi_airborne_speed_kt;
	rules->stale_after_us = (int64) vi_stale_after_s * USECS_PER_SEC;
	rules->exit_speed_kt = vi_exit_speed_kt;
	rules->exit_polls = vi_exit_polls;
}

void
vi_flight_stats_process(const AnalyticsInput *in)
{
	FlightStatsRules rules;
	ColumnBuf	upd[FS_NCOLUMNS];
	ColumnBuf	ins[FS_NCOLUMNS];
	HTAB	   *h;
	HASH_SEQ_STATUS seq;
	StatsEntry *e;
	int			i;

	ended_valid = false;
	rules_now(&rules);
	h = load_stats(in);
	for (i = 0; i < in->doc->n_pilots; i++)
		if (in->flight_ids[i] >= 0)
			stats_entry(h, in->flight_ids[i]);
	load_contacts(h);

	for (i = 0; i < FS_NCOLUMNS; i++)
	{
		vi_col_init(&upd[i], stats_columns[i].type, Max(in->doc->n_pilots, 1));
		vi_col_init(&ins[i], stats_columns[i].type, 16);
	}
	for (i = 0; i < in->doc->n_pilots; i++)
	{
		const FeedPilot *p = &in->doc->pilots[i];
		FlightSample s;

		if (in->flight_ids[i] < 0)
			continue;
		e = hash_search(h, &in->flight_ids[i], HASH_FIND, NULL);
		if (e->seen)
			continue;			/* positions keep a flight's first pilot only */
		e->seen = true;
		s.ts_us = in->ts;
		s.lat = p->latitude;
		s.lon = p->longitude;
		s.has_altitude = p->altitude != FEED_NULL_INT;
		s.altitude = s.has_altitude ? (int) p->altitude : 0;
		s.gs = p->groundspeed == FEED_NULL_INT ? 0 : (int) p->groundspeed;
		s.in_contact = e->in_contact;
		/* only these can be a departure or an arrival (movements.c) */
		in->movement_candidates[i] = !e->stored ||
			(s.gs >= rules.airborne_speed_kt) != (e->st.last_gs >= rules.airborne_speed_kt);
		if (!e->stored)
		{
			e->first_ts = in->ts;
			fs_start(&e->st, &rules, &s);
			push_row(ins, e);
		}
		else if (fs_step(&e->st, &rules, &s))
			push_row(upd, e);
		/* else not newer: the order check prevents it */
	}
	write_rows(&update_plan, true, upd);
	write_rows(&insert_plan, false, ins);

	/* the open flights absent from this snapshot that end now */
	vi_col_init(&ended_ids, COL_INT8, 16);
	vi_col_init(&ended_reasons, COL_TEXT, 16);
	hash_seq_init(&seq, h);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		const char *reason = NULL;

		if (e->seen || !e->was_open)
			continue;
		if (fs_landed(&e->st, &rules))
			reason = "landed";
		else if (in->ts - e->st.last_us > rules.stale_after_us)
			reason = "gone";
		if (reason == NULL)
			continue;
		vi_col_int8(&ended_ids, e->flight_id);
		vi_col_text(&ended_reasons, reason);
	}
	hash_destroy(h);
	ended_ts = in->ts;
	ended_valid = true;
}

void
vi_flight_summaries_process(const AnalyticsInput *in)
{
	static const Oid types[] = {INT8ARRAYOID, TEXTARRAYOID, TIMESTAMPTZOID};
	Datum		values[3];

	if (!ended_valid || ended_ts != in->ts)
		elog(ERROR, "flight summaries ran without the flight aggregates of the snapshot");
	ended_valid = false;
	if (ended_ids.n == 0)
		return;
	vi_store_prepare(&summaries_plan,
					 "SELECT vatsim.summarise_flights($1, $2, $3)",
					 lengthof(types), types);
	values[0] = vi_col_array(&ended_ids);
	values[1] = vi_col_array(&ended_reasons);
	values[2] = TimestampTzGetDatum(in->ts);
	vi_store_execute(summaries_plan, values, SPI_OK_SELECT);
}
