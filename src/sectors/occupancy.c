/*
 * occupancy.c
 *		The occupancy state machine (sectors/).  For every pilot of a snapshot,
 *		in the snapshot's transaction, open and close the intervals of its
 *		flight in the tracked sector sets:
 *
 *	1. leave: an open interval whose sector no longer contains the pilot
 *	   closes at this snapshot's time, at the last position seen (inside);
 *	2. slow: below exit_speed_kt counts a slow snapshot, anything else
 *	   resets; at exit_polls every open interval closes here (landed);
 *	3. enter: a containing sector without an open interval opens one if the
 *	   groundspeed is at least enter_speed_kt;
 *	4. gone: a flight absent longer than stale_after closes its intervals at
 *	   its last-seen time and position, and its state is dropped.
 *
 * All state is in tables, read at the start and written at the end, so a
 * restart between two snapshots continues exactly: the open intervals are
 * vatsim.sector_occupancy's open rows, a flight's last-seen time is
 * vatsim.flights.last_seen, its last position is its newest row in
 * vatsim.positions, and only the slow count needs a table of its own
 * (vatsim.occupancy_state, a row while the count is above zero).  A fixed
 * number of statements per snapshot.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/varlena.h"

#include "columns.h"
#include "occupancy.h"
#include "occupancy_aggregates.h"
#include "sectors.h"
#include "vatsim_ingest.h"

typedef struct OpenInterval
{
	int64		occupancy_id;
	char	   *sector_set;
	char	   *sector;
	bool		closed;			/* closed in this snapshot */
} OpenInterval;

typedef struct FlightState
{
	int64		flight_id;		/* hash key */
	bool		seen;			/* in this snapshot */
	TimestampTz last_seen;		/* vatsim.flights.last_seen (before this one) */
	int			slow_polls;		/* as stored in vatsim.occupancy_state */
	int			nopen;
	int			maxopen;
	OpenInterval *open;
} FlightState;

/*
 * Closes at the last position seen (left, gone): that position is read from
 * vatsim.positions for all of them at once, after every pilot is processed.
 */
typedef struct PendingClose
{
	int64		occupancy_id;
	int64		flight_id;
	const char *sector_set;
	const char *sector;
	TimestampTz when;
	const char *reason;
	double		lat;			/* fallback: this snapshot's position */
	double		lon;
	FeedInt		alt;
} PendingClose;

/* Rows to write, as column buffers. */
typedef struct Writes
{
	ColumnBuf	close_id, close_time, close_lat, close_lon, close_alt, close_reason;
	ColumnBuf	open_flight, open_callsign, open_set, open_sector, open_lat, open_lon, open_alt;
	ColumnBuf	st_flight, st_slow;
	ColumnBuf	drop_flight;
	OccupancyEvents events;		/* entries and exits, for the aggregates */
	PendingClose *pending;
	int			npending;
	int			maxpending;
} Writes;

static SPIPlanPtr open_plan;
static SPIPlanPtr state_plan;
static SPIPlanPtr last_position_plan;
static SPIPlanPtr last_seen_plan;
static SPIPlanPtr close_plan;
static SPIPlanPtr insert_plan;
static SPIPlanPtr upsert_state_plan;
static SPIPlanPtr drop_state_plan;

static FlightState *
flight_entry(HTAB *flights, int64 flight_id)
{
	return vi_hash_entry_int64(flights, flight_id, sizeof(FlightState));
}

static void
add_open(FlightState *f, int64 id, char *set, char *sector)
{
	if (f->nopen == f->maxopen)
	{
		f->maxopen = Max(4, f->maxopen * 2);
		f->open = f->open ? repalloc(f->open, sizeof(OpenInterval) * f->maxopen)
			: palloc(sizeof(OpenInterval) * f->maxopen);
	}
	f->open[f->nopen].occupancy_id = id;
	f->open[f->nopen].sector_set = set;
	f->open[f->nopen].sector = sector;
	f->open[f->nopen].closed = false;
	f->nopen++;
}

/*
 * The last-seen time of every tracked flight absent from this snapshot
 * (usually few): the only ones that may be gone.
 */
static void
load_last_seen(HTAB *flights)
{
	static const Oid types[] = {INT8ARRAYOID};
	HASH_SEQ_STATUS seq;
	FlightState *f;
	ColumnBuf	ids;
	Datum		values[1];
	uint64		row;

	vi_col_init(&ids, COL_INT8, 64);
	hash_seq_init(&seq, flights);
	while ((f = hash_seq_search(&seq)) != NULL)
		if (!f->seen)
			vi_col_int8(&ids, f->flight_id);
	if (ids.n == 0)
		return;
	vi_store_prepare(&last_seen_plan,
				  "SELECT f.flight_id, f.last_seen FROM vatsim.flights f "
				  "JOIN pg_catalog.unnest($1::pg_catalog.int8[]) AS u(id) "
				  "ON f.flight_id OPERATOR(pg_catalog.=) u.id",
				  1, types);
	values[0] = vi_col_array(&ids);
	vi_store_execute(last_seen_plan, values, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row],
													  SPI_tuptable->tupdesc, 1, &isnull));

		f = hash_search(flights, &id, HASH_FIND, NULL);
		if (f != NULL)
			f->last_seen = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[row],
															 SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Read every open interval and every tracker state row. */
static HTAB *
load_state(void)
{
	HASHCTL		ctl;
	HTAB	   *flights;
	uint64		row;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(FlightState);
	ctl.hcxt = CurrentMemoryContext;
	flights = hash_create("vatsim_ingest occupancy", 4096, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	vi_store_prepare(&open_plan,
				  "SELECT occupancy_id, flight_id, sector_set, sector FROM vatsim.sector_occupancy "
				  "WHERE exit_time IS NULL ORDER BY occupancy_id", 0, NULL);
	vi_store_execute(open_plan, NULL, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		FlightState *f = flight_entry(flights,
									  DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull)));

		add_open(f, DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull)),
				 SPI_getvalue(tup, desc, 3), SPI_getvalue(tup, desc, 4));
	}
	SPI_freetuptable(SPI_tuptable);

	vi_store_prepare(&state_plan,
				  "SELECT flight_id, slow_polls FROM vatsim.occupancy_state", 0, NULL);
	vi_store_execute(state_plan, NULL, SPI_OK_SELECT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		FlightState *f = flight_entry(flights,
									  DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull)));

		f->slow_polls = DatumGetInt32(SPI_getbinval(tup, desc, 2, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
	return flights;
}

static void
writes_init(Writes *w)
{
	vi_col_init(&w->close_id, COL_INT8, 64);
	vi_col_init(&w->close_time, COL_TSTZ, 64);
	vi_col_init(&w->close_lat, COL_FLOAT8, 64);
	vi_col_init(&w->close_lon, COL_FLOAT8, 64);
	vi_col_init(&w->close_alt, COL_INT4, 64);
	vi_col_init(&w->close_reason, COL_TEXT, 64);
	vi_col_init(&w->open_flight, COL_INT8, 64);
	vi_col_init(&w->open_callsign, COL_TEXT, 64);
	vi_col_init(&w->open_set, COL_TEXT, 64);
	vi_col_init(&w->open_sector, COL_TEXT, 64);
	vi_col_init(&w->open_lat, COL_FLOAT8, 64);
	vi_col_init(&w->open_lon, COL_FLOAT8, 64);
	vi_col_init(&w->open_alt, COL_INT4, 64);
	vi_col_init(&w->st_flight, COL_INT8, 64);
	vi_col_init(&w->st_slow, COL_INT4, 64);
	vi_col_init(&w->drop_flight, COL_INT8, 64);
	vi_occupancy_events_init(&w->events);
	w->maxpending = 64;
	w->npending = 0;
	w->pending = palloc(sizeof(PendingClose) * w->maxpending);
}

/* Close at the flight's last position seen before this snapshot. */
static void
close_at_last_position(Writes *w, OpenInterval *iv, int64 flight_id,
					   TimestampTz when, const char *reason, const FeedPilot *p)
{
	PendingClose *pc;

	if (w->npending == w->maxpending)
	{
		w->maxpending *= 2;
		w->pending = repalloc(w->pending, sizeof(PendingClose) * w->maxpending);
	}
	pc = &w->pending[w->npending++];
	pc->occupancy_id = iv->occupancy_id;
	pc->flight_id = flight_id;
	pc->sector_set = iv->sector_set;
	pc->sector = iv->sector;
	pc->when = when;
	pc->reason = reason;
	pc->lat = p ? p->latitude : get_float8_nan();
	pc->lon = p ? p->longitude : get_float8_nan();
	pc->alt = p ? p->altitude : FEED_NULL_INT;
	iv->closed = true;
}

static void
close_interval(Writes *w, OpenInterval *iv, TimestampTz when, double lat,
			   double lon, FeedInt alt, const char *reason)
{
	vi_col_int8(&w->close_id, iv->occupancy_id);
	vi_col_tstz(&w->close_time, when);
	vi_col_float(&w->close_lat, lat);
	vi_col_float(&w->close_lon, lon);
	vi_col_int(&w->close_alt, alt);
	vi_col_text(&w->close_reason, reason);
	vi_occupancy_event(&w->events, iv->sector_set, iv->sector, when, -1);
	iv->closed = true;
}

/* Is the set tracked (vatsim_ingest.occupancy_sets, empty = all)? */
static bool
set_tracked(const char *name)
{
	char	   *list;
	List	   *names;
	ListCell   *lc;
	bool		tracked = false;

	if (vi_occupancy_sets == NULL || vi_occupancy_sets[0] == '\0')
		return true;
	list = pstrdup(vi_occupancy_sets);
	if (!SplitIdentifierString(list, ',', &names))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid list syntax in vatsim_ingest.occupancy_sets"));
	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			tracked = true;
	return tracked;
}

static bool
name_tracked(const SectorCacheView *view, const bool *tracked, const char *set)
{
	int			i;

	for (i = 0; i < view->nsets; i++)
		if (strcmp(view->set_names[i], set) == 0)
			return tracked[i];
	return false;				/* a set no longer loaded: leave it alone */
}

/* Rules 1-3 for one present pilot. */
static void
process_pilot(Writes *w, FlightState *f, const FeedPilot *p, TimestampTz ts,
			  const GeoIndexEntry **found, int nfound,
			  const SectorCacheView *view, const bool *tracked)
{
	int			gs = p->groundspeed == FEED_NULL_INT ? 0 : (int) p->groundspeed;
	int			stored_slow;
	int			i;
	int			j;

	/* 1. leave (intervals of sets no longer tracked are left alone) */
	for (i = 0; i < f->nopen; i++)
	{
		OpenInterval *iv = &f->open[i];
		bool		inside = false;

		if (!name_tracked(view, tracked, iv->sector_set))
			continue;
		for (j = 0; j < nfound && !inside; j++)
			inside = strcmp(found[j]->sector->name, iv->sector) == 0 &&
				strcmp(view->set_names[found[j]->tag], iv->sector_set) == 0;
		if (!inside)
			close_at_last_position(w, iv, f->flight_id, ts, "left", p);
	}

	/* 2. slow (the count stops at exit_polls: more changes nothing) */
	stored_slow = f->slow_polls;
	f->slow_polls = gs < vi_exit_speed_kt ? Min(f->slow_polls + 1, vi_exit_polls) : 0;
	if (f->slow_polls >= vi_exit_polls)
		for (i = 0; i < f->nopen; i++)
			if (!f->open[i].closed &&
				name_tracked(view, tracked, f->open[i].sector_set))
				close_interval(w, &f->open[i], ts, p->latitude, p->longitude,
							   p->altitude, "slow");

	/* 3. enter */
	for (j = 0; j < nfound; j++)
	{
		const char *set = view->set_names[found[j]->tag];
		bool		open = false;

		if (!tracked[found[j]->tag])
			continue;
		for (i = 0; i < f->nopen && !open; i++)
			open = !f->open[i].closed && strcmp(f->open[i].sector, found[j]->sector->name) == 0 &&
				strcmp(f->open[i].sector_set, set) == 0;
		if (!open && gs >= vi_enter_speed_kt)
		{
			vi_col_int8(&w->open_flight, f->flight_id);
			vi_col_text(&w->open_callsign, p->callsign);
			vi_col_text(&w->open_set, set);
			vi_col_text(&w->open_sector, found[j]->sector->name);
			vi_col_float(&w->open_lat, p->latitude);
			vi_col_float(&w->open_lon, p->longitude);
			vi_col_int(&w->open_alt, p->altitude);
			vi_occupancy_event(&w->events, set, found[j]->sector->name, ts, 1);
		}
	}

	/* the slow count, the one piece of state no other table holds */
	if (f->slow_polls != stored_slow)
	{
		if (f->slow_polls > 0)
		{
			vi_col_int8(&w->st_flight, f->flight_id);
			vi_col_int(&w->st_slow, f->slow_polls);
		}
		else
			vi_col_int8(&w->drop_flight, f->flight_id);
	}
}

/*
 * Fill in the pending closes: each flight's newest position before this
 * snapshot (one statement for all of them).
 */
static void
resolve_pending(Writes *w, TimestampTz ts)
{
	static const Oid types[] = {INT8ARRAYOID, TIMESTAMPTZOID};
	ColumnBuf	ids;
	Datum		values[2];
	HASHCTL		ctl;
	HTAB	   *last;
	uint64		row;
	int			i;

	typedef struct LastPosition
	{
		int64		flight_id;
		double		lat;
		double		lon;
		FeedInt		alt;
	} LastPosition;

	if (w->npending == 0)
		return;
	vi_col_init(&ids, COL_INT8, w->npending);
	for (i = 0; i < w->npending; i++)
		vi_col_int8(&ids, w->pending[i].flight_id);
	vi_store_prepare(&last_position_plan,
				  "SELECT u.id, x.latitude, x.longitude, x.altitude "
				  "FROM (SELECT DISTINCT id FROM pg_catalog.unnest($1::pg_catalog.int8[]) AS d(id)) AS u "
				  "CROSS JOIN LATERAL (SELECT latitude, longitude, altitude FROM vatsim.positions p "
				  "WHERE p.flight_id OPERATOR(pg_catalog.=) u.id AND p.ts OPERATOR(pg_catalog.<) $2 "
				  "ORDER BY p.ts DESC LIMIT 1) AS x",
				  lengthof(types), types);
	values[0] = vi_col_array(&ids);
	values[1] = TimestampTzGetDatum(ts);
	vi_store_execute(last_position_plan, values, SPI_OK_SELECT);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(LastPosition);
	ctl.hcxt = CurrentMemoryContext;
	last = hash_create("vatsim_ingest last positions", Max(w->npending, 16), &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		LastPosition *lp = hash_search(last, &id, HASH_ENTER, NULL);

		lp->lat = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
		lp->lon = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		lp->alt = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull)
			lp->alt = FEED_NULL_INT;
	}
	SPI_freetuptable(SPI_tuptable);

	for (i = 0; i < w->npending; i++)
	{
		PendingClose *pc = &w->pending[i];
		LastPosition *lp = hash_search(last, &pc->flight_id, HASH_FIND, NULL);

		vi_col_int8(&w->close_id, pc->occupancy_id);
		vi_col_tstz(&w->close_time, pc->when);
		vi_col_float(&w->close_lat, lp ? lp->lat : pc->lat);
		vi_col_float(&w->close_lon, lp ? lp->lon : pc->lon);
		vi_col_int(&w->close_alt, lp ? lp->alt : pc->alt);
		vi_col_text(&w->close_reason, pc->reason);
		vi_occupancy_event(&w->events, pc->sector_set, pc->sector, pc->when, -1);
	}
	hash_destroy(last);
}

static void
write_changes(Writes *w, TimestampTz ts)
{
	Datum		values[8];

	if (w->close_id.n > 0)
	{
		static const Oid types[] = {INT8ARRAYOID, TIMESTAMPTZARRAYOID, FLOAT8ARRAYOID,
		FLOAT8ARRAYOID, INT4ARRAYOID, TEXTARRAYOID};

		/* ...and keep each sector's longest closed interval (sector_traffic) */
		vi_store_prepare(&close_plan,
					  "WITH c AS (UPDATE vatsim.sector_occupancy o SET exit_time = u.t, exit_lat = u.lat, "
					  "exit_lon = u.lon, exit_altitude = u.alt, exit_reason = u.reason "
					  "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					  "pg_catalog.unnest($2::pg_catalog.timestamptz[]), pg_catalog.unnest($3::pg_catalog.float8[]), "
					  "pg_catalog.unnest($4::pg_catalog.float8[]), pg_catalog.unnest($5::pg_catalog.int4[]), "
					  "pg_catalog.unnest($6::pg_catalog.text[])) AS u(id, t, lat, lon, alt, reason) "
					  "WHERE o.occupancy_id OPERATOR(pg_catalog.=) u.id "
					  "RETURNING o.sector, o.sector_set, o.exit_time OPERATOR(pg_catalog.-) o.entry_time AS d) "
					  "INSERT INTO vatsim.sector_bounds AS b (sector, sector_set, max_duration) "
					  "SELECT c.sector, c.sector_set, pg_catalog.max(c.d) FROM c GROUP BY c.sector, c.sector_set "
					  "ON CONFLICT (sector, sector_set) DO UPDATE SET max_duration = EXCLUDED.max_duration "
					  "WHERE b.max_duration OPERATOR(pg_catalog.<) EXCLUDED.max_duration",
					  lengthof(types), types);
		values[0] = vi_col_array(&w->close_id);
		values[1] = vi_col_array(&w->close_time);
		values[2] = vi_col_array(&w->close_lat);
		values[3] = vi_col_array(&w->close_lon);
		values[4] = vi_col_array(&w->close_alt);
		values[5] = vi_col_array(&w->close_reason);
		vi_store_execute(close_plan, values, SPI_OK_INSERT);
	}
	if (w->open_flight.n > 0)
	{
		static const Oid types[] = {TIMESTAMPTZOID, INT8ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, INT4ARRAYOID};

		/*
		 * Each new interval records its predecessor: the flight's previous
		 * interval in the set by (entry_time, sector), which is another one
		 * opened now (all have entry_time = $1: the one before by sector)
		 * or else the flight's newest stored one; and the predecessor's
		 * entry_time of the flight's previous interval with the same
		 * predecessor sector and sector (the same transition before; never
		 * one opened now).  sector_transitions then needs no window function
		 * and no DISTINCT.
		 */
		vi_store_prepare(&insert_plan,
					  "INSERT INTO vatsim.sector_occupancy (flight_id, callsign, sector_set, sector, "
					  "entry_time, entry_lat, entry_lon, entry_altitude, prev_sector, prev_entry_time, "
					  "prev_pair_entry_time) "
					  "SELECT v.f, v.c, v.s, v.x, $1, v.lat, v.lon, v.alt, v.ps, v.pe, "
					  "(SELECT o.prev_entry_time FROM vatsim.sector_occupancy o "
					  "WHERE o.flight_id OPERATOR(pg_catalog.=) v.f AND o.sector_set OPERATOR(pg_catalog.=) v.s "
					  "AND o.sector OPERATOR(pg_catalog.=) v.x AND o.prev_sector OPERATOR(pg_catalog.=) v.ps "
					  "ORDER BY o.entry_time DESC LIMIT 1) "
					  "FROM (SELECT u.*, CASE WHEN u.bp IS NULL THEN l.sector ELSE u.bp END AS ps, "
					  "CASE WHEN u.bp IS NULL THEN l.entry_time ELSE $1 END AS pe "
					  "FROM (SELECT r.*, pg_catalog.lag(r.x) OVER (PARTITION BY r.f, r.s ORDER BY r.x) AS bp "
					  "FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int8[]), "
					  "pg_catalog.unnest($3::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.text[]), "
					  "pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.float8[]), "
					  "pg_catalog.unnest($7::pg_catalog.float8[]), pg_catalog.unnest($8::pg_catalog.int4[])) "
					  "AS r(f, c, s, x, lat, lon, alt)) u "
					  "LEFT JOIN LATERAL (SELECT o.sector, o.entry_time FROM vatsim.sector_occupancy o "
					  "WHERE o.flight_id OPERATOR(pg_catalog.=) u.f AND o.sector_set OPERATOR(pg_catalog.=) u.s "
					  "ORDER BY o.entry_time DESC, o.sector DESC LIMIT 1) l ON u.bp IS NULL) v",
					  lengthof(types), types);
		values[0] = TimestampTzGetDatum(ts);
		values[1] = vi_col_array(&w->open_flight);
		values[2] = vi_col_array(&w->open_callsign);
		values[3] = vi_col_array(&w->open_set);
		values[4] = vi_col_array(&w->open_sector);
		values[5] = vi_col_array(&w->open_lat);
		values[6] = vi_col_array(&w->open_lon);
		values[7] = vi_col_array(&w->open_alt);
		vi_store_execute(insert_plan, values, SPI_OK_INSERT);
	}
	if (w->st_flight.n > 0)
	{
		static const Oid types[] = {INT8ARRAYOID, INT4ARRAYOID};

		vi_store_prepare(&upsert_state_plan,
					  "INSERT INTO vatsim.occupancy_state AS s (flight_id, slow_polls) "
					  "SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), "
					  "pg_catalog.unnest($2::pg_catalog.int4[])) "
					  "ON CONFLICT (flight_id) DO UPDATE SET slow_polls = EXCLUDED.slow_polls",
					  lengthof(types), types);
		values[0] = vi_col_array(&w->st_flight);
		values[1] = vi_col_array(&w->st_slow);
		vi_store_execute(upsert_state_plan, values, SPI_OK_INSERT);
	}
	if (w->drop_flight.n > 0)
	{
		static const Oid types[] = {INT8ARRAYOID};

		vi_store_prepare(&drop_state_plan,
					  "DELETE FROM vatsim.occupancy_state s USING pg_catalog.unnest($1::pg_catalog.int8[]) AS d(id) "
					  "WHERE s.flight_id OPERATOR(pg_catalog.=) d.id",
					  1, types);
		values[0] = vi_col_array(&w->drop_flight);
		vi_store_execute(drop_state_plan, values, SPI_OK_DELETE);
	}
}

void
vi_occupancy_process(const FeedDocument *doc, const int64 *flight_ids,
				  TimestampTz ts)
{
	const SectorCacheView *view = vi_sectors_lookup_prepare();
	const GeoIndexEntry **found = palloc(sizeof(GeoIndexEntry *) * Max(view->nentries, 1));
	bool	   *tracked = palloc0(sizeof(bool) * Max(view->nsets, 1));
	int64		stale_us = (int64) vi_stale_after_s * USECS_PER_SEC;
	HTAB	   *flights;
	HASH_SEQ_STATUS seq;
	FlightState *f;
	Writes		w;
	int			i;

	for (i = 0; i < view->nsets; i++)
		tracked[i] = set_tracked(view->set_names[i]);
	flights = load_state();
	writes_init(&w);

	for (i = 0; i < doc->n_pilots; i++)
	{
		const FeedPilot *p = &doc->pilots[i];
		int			nfound;
		int			k;
		int			kept = 0;

		if (flight_ids[i] < 0)
			continue;
		f = flight_entry(flights, flight_ids[i]);
		f->seen = true;
		nfound = geo_index_lookup(view->index, p->longitude, p->latitude,
								  p->altitude != FEED_NULL_INT, (int32) p->altitude,
								  found, view->nentries);
		nfound = Min(nfound, view->nentries);
		/* only tracked sets take part */
		for (k = 0; k < nfound; k++)
			if (tracked[found[k]->tag])
				found[kept++] = found[k];
		process_pilot(&w, f, p, ts, found, kept, view, tracked);
	}

	/* 4. gone */
	load_last_seen(flights);
	hash_seq_init(&seq, flights);
	while ((f = hash_seq_search(&seq)) != NULL)
	{
		if (f->seen || ts - f->last_seen <= stale_us)
			continue;
		for (i = 0; i < f->nopen; i++)
			close_at_last_position(&w, &f->open[i], f->flight_id, f->last_seen, "gone", NULL);
		if (f->slow_polls > 0)
			vi_col_int8(&w.drop_flight, f->flight_id);
	}

	resolve_pending(&w, ts);
	write_changes(&w, ts);
	vi_occupancy_aggregates(&w.events, ts);
	hash_destroy(flights);
}
