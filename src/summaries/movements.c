/*
 * movements.c
 *		Departures and arrivals (vatsim.movements), one statement per
 *		snapshot.
 *
 * A pilot is airborne at a groundspeed of at least
 * vatsim_ingest.airborne_speed_kt, on the ground below it.  Each flight of
 * the snapshot is compared with its previous stored position (the newest row
 * of vatsim.positions before this snapshot: the state is that table, so a
 * restart between two snapshots changes nothing); only the flights whose
 * groundspeed crossed the threshold since their previous snapshot (as the
 * flight aggregates, vatsim.flight_stats, saw it) are probed.  Ground then airborne is a
 * departure, airborne then ground an arrival, unless
 *	- the previous position is more than vatsim_ingest.stale_after old (a gap
 *	  in the flight's history hides what happened in it), or
 *	- the altitudes differ by more than vatsim_ingest.movement_max_climb_ft
 *	  (parked, then seen again at cruise: not a takeoff from that field), or
 *	- a groundspeed or altitude is missing.
 * The airport is vatsim.nearest_airport() of the ground-side position within
 * vatsim_ingest.movement_radius_nm; none within it stores the movement with
 * icao NULL.  ts is this snapshot (the one that shows the transition).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"

#include "analytics.h"
#include "columns.h"
#include "vatsim_ingest.h"

/*
 * $1 the snapshot time, $2..$7 the flights of the snapshot, $8 the airborne
 * speed, $9 the oldest previous time that counts, $10 the largest altitude
 * change, $11 the radius.  The previous position is one backward probe of
 * the positions primary key (flight_id, ts) per flight.
 */
static const char movements_sql[] =
"WITH cur AS ("
"  SELECT * FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int8[]),"
"    pg_catalog.unnest($3::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.float8[]),"
"    pg_catalog.unnest($5::pg_catalog.float8[]), pg_catalog.unnest($6::pg_catalog.int4[]),"
"    pg_catalog.unnest($7::pg_catalog.int4[]))"
"  AS c(flight_id, callsign, latitude, longitude, groundspeed, altitude)"
"), mv AS ("
"  SELECT c.*, c.groundspeed OPERATOR(pg_catalog.>=) $8 AS airborne, p.*"
"  FROM cur c CROSS JOIN LATERAL ("
"    SELECT p.ts AS prev_ts, p.latitude AS prev_latitude, p.longitude AS prev_longitude,"
"      p.groundspeed AS prev_groundspeed, p.altitude AS prev_altitude"
"    FROM vatsim.positions p"
"    WHERE p.flight_id OPERATOR(pg_catalog.=) c.flight_id AND p.ts OPERATOR(pg_catalog.<) $1"
"    ORDER BY p.ts DESC LIMIT 1) p"
"  WHERE (c.groundspeed OPERATOR(pg_catalog.>=) $8)"
"      OPERATOR(pg_catalog.<>) (p.prev_groundspeed OPERATOR(pg_catalog.>=) $8)"
"    AND p.prev_ts OPERATOR(pg_catalog.>=) $9"
"    AND pg_catalog.abs(c.altitude::pg_catalog.int8 OPERATOR(pg_catalog.-) p.prev_altitude)"
"      OPERATOR(pg_catalog.<=) $10"
") "
"INSERT INTO vatsim.movements (flight_id, callsign, kind, icao, airport_name, distance_nm,"
"  ts, latitude, longitude, groundspeed, altitude,"
"  prev_ts, prev_latitude, prev_longitude, prev_groundspeed, prev_altitude) "
"SELECT m.flight_id, m.callsign, CASE WHEN m.airborne THEN 'departure' ELSE 'arrival' END,"
"  a.icao, a.name, a.distance_nm, $1, m.latitude, m.longitude, m.groundspeed, m.altitude,"
"  m.prev_ts, m.prev_latitude, m.prev_longitude, m.prev_groundspeed, m.prev_altitude "
"FROM mv m LEFT JOIN LATERAL vatsim.nearest_airport("
"  CASE WHEN m.airborne THEN m.prev_latitude ELSE m.latitude END,"
"  CASE WHEN m.airborne THEN m.prev_longitude ELSE m.longitude END, $11) a ON true "
"ON CONFLICT DO NOTHING";

static SPIPlanPtr movements_plan;

void
vi_movements_process(const AnalyticsInput *in)
{
	static const Oid types[] = {
		TIMESTAMPTZOID, INT8ARRAYOID, TEXTARRAYOID, FLOAT8ARRAYOID,
		FLOAT8ARRAYOID, INT4ARRAYOID, INT4ARRAYOID, INT4OID, TIMESTAMPTZOID,
		INT4OID, FLOAT8OID
	};
	const FeedDocument *doc = in->doc;
	ColumnBuf	flight, callsign, lat, lon, gs, alt;
	Datum		values[lengthof(types)];
	int			i;

	vi_col_init(&flight, COL_INT8, doc->n_pilots);
	vi_col_init(&callsign, COL_TEXT, doc->n_pilots);
	vi_col_init(&lat, COL_FLOAT8, doc->n_pilots);
	vi_col_init(&lon, COL_FLOAT8, doc->n_pilots);
	vi_col_init(&gs, COL_INT4, doc->n_pilots);
	vi_col_init(&alt, COL_INT4, doc->n_pilots);
	for (i = 0; i < doc->n_pilots; i++)
	{
		const FeedPilot *p = &doc->pilots[i];

		/*
		 * No flight (region, plan filter), no change between ground and air
		 * since the flight's previous snapshot (the flight aggregates know
		 * its groundspeed there: the statement below probes the positions
		 * of the few that changed only), or nothing to compare.
		 */
		if (in->flight_ids[i] < 0 || !in->movement_candidates[i] ||
			p->groundspeed == FEED_NULL_INT ||
			p->altitude == FEED_NULL_INT || isnan(p->latitude) ||
			isnan(p->longitude))
			continue;
		vi_col_int8(&flight, in->flight_ids[i]);
		vi_col_text(&callsign, p->callsign);
		vi_col_float(&lat, p->latitude);
		vi_col_float(&lon, p->longitude);
		vi_col_int(&gs, p->groundspeed);
		vi_col_int(&alt, p->altitude);
	}
	if (flight.n == 0)
		return;

	vi_store_prepare(&movements_plan, movements_sql, lengthof(types), types);
	values[0] = TimestampTzGetDatum(in->ts);
	values[1] = vi_col_array(&flight);
	values[2] = vi_col_array(&callsign);
	values[3] = vi_col_array(&lat);
	values[4] = vi_col_array(&lon);
	values[5] = vi_col_array(&gs);
	values[6] = vi_col_array(&alt);
	values[7] = Int32GetDatum(vi_airborne_speed_kt);
	values[8] = TimestampTzGetDatum(in->ts - (int64) vi_stale_after_s * USECS_PER_SEC);
	values[9] = Int32GetDatum(vi_movement_max_climb_ft);
	values[10] = Float8GetDatum(vi_movement_radius_nm);
	vi_store_execute(movements_plan, values, SPI_OK_INSERT);
}
