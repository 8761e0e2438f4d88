-- derived_transceivers.sql: transceivers documents DERIVED from a feed
-- document, for the demo and the benchmark (the shipped snapshots have no
-- transceivers file of their own: the one real transceivers fixture is from
-- another day).  Needs vatsim.airports loaded (VATSpy.dat).  Creates schema
-- derived with:
--   derived.tuning(doc jsonb): fills derived.atc with doc's positioned
--     controllers and derived.tuned with, for each pilot of doc, the
--     frequency it listens to: the nearest positioned controller whose range
--     covers it (vatsim.controller_type), except every pilot whose cid is a
--     multiple of 4, which stays on UNICOM 122.800;
--   derived.transceivers(doc jsonb) RETURNS text: a transceivers document
--     for doc (after tuning of doc or of an earlier step of it): each
--     controller of derived.atc one transceiver on its frequency, each pilot
--     one transceiver at its position on its tuned frequency.
-- A controller is positioned at the airport its callsign prefix names
-- (ICAO code, or the callsign prefix of a VATSpy pseudo entry), or, for a
-- prefix that is a FIR, at the mean position of that FIR's airports.
-- Frequencies are off the channel by 20 Hz, as the real feed's are.
CREATE SCHEMA derived;
CREATE TABLE derived.tuned (callsign text PRIMARY KEY, frequency_hz bigint NOT NULL);
CREATE TABLE derived.atc (callsign text PRIMARY KEY, frequency_hz bigint NOT NULL,
                          lat float8 NOT NULL, lon float8 NOT NULL, range_nm float8 NOT NULL);

CREATE FUNCTION derived.controllers(doc jsonb)
RETURNS TABLE (callsign text, frequency_hz bigint, lat float8, lon float8, range_nm float8)
LANGUAGE sql STABLE AS $$
    SELECT c->>'callsign',
           round((c->>'frequency')::numeric * 1000000)::bigint + 20,
           pos.lat, pos.lon, (vatsim.controller_type(c->>'callsign')).range_nm
    FROM jsonb_array_elements(doc->'controllers') AS c,
    LATERAL (SELECT coalesce(
                 (SELECT point(a.longitude, a.latitude) FROM vatsim.airports a
                  WHERE a.icao = split_part(c->>'callsign', '_', 1)
                     OR (a.is_pseudo AND a.iata_lid = split_part(c->>'callsign', '_', 1))
                  ORDER BY a.is_pseudo, a.entry LIMIT 1),
                 (SELECT point(avg(a.longitude), avg(a.latitude)) FROM vatsim.airports a
                  WHERE a.fir = split_part(c->>'callsign', '_', 1) HAVING count(*) > 0)) AS p) AS q,
    LATERAL (SELECT (q.p)[1] AS lat, (q.p)[0] AS lon) AS pos
    WHERE (c->>'facility')::int > 0 AND c->>'frequency' <> '199.998' AND q.p IS NOT NULL
$$;

-- great-circle distance, nm (sphere of 3440.065 nm)
CREATE FUNCTION derived.nm(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT 2 * 3440.065 * asin(least(1, sqrt(sin(radians(lat2 - lat1) / 2) ^ 2
           + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

CREATE FUNCTION derived.tuning(doc jsonb) RETURNS bigint LANGUAGE sql AS $$
    DELETE FROM derived.atc;
    INSERT INTO derived.atc SELECT * FROM derived.controllers(doc);
    DELETE FROM derived.tuned;
    INSERT INTO derived.tuned
    SELECT p.callsign,
           CASE WHEN p.cid % 4 = 0 THEN 122800020
                ELSE coalesce((SELECT c.frequency_hz FROM derived.atc c
                               WHERE derived.nm(p.lat, p.lon, c.lat, c.lon) <= c.range_nm
                               ORDER BY derived.nm(p.lat, p.lon, c.lat, c.lon), c.callsign
                               LIMIT 1), 122800020) END
    FROM (SELECT e->>'callsign' AS callsign, (e->>'cid')::bigint AS cid,
                 (e->>'latitude')::float8 AS lat, (e->>'longitude')::float8 AS lon
          FROM jsonb_array_elements(doc->'pilots') AS e) AS p;
    SELECT count(*) FROM derived.tuned WHERE frequency_hz <> 122800020;
$$;

CREATE FUNCTION derived.transceivers(doc jsonb) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT jsonb_agg(s ORDER BY s->>'callsign')::text
    FROM (SELECT jsonb_build_object('callsign', c.callsign, 'transceivers',
                     jsonb_build_array(jsonb_build_object('id', 0, 'frequency', c.frequency_hz,
                         'latDeg', c.lat, 'lonDeg', c.lon, 'heightMslM', 30.0, 'heightAglM', 10.0))) AS s
          FROM derived.atc c
          UNION ALL
          SELECT jsonb_build_object('callsign', p->>'callsign', 'transceivers',
                     jsonb_build_array(jsonb_build_object('id', 0, 'frequency', coalesce(t.frequency_hz, 122800020),
                         'latDeg', (p->>'latitude')::float8, 'lonDeg', (p->>'longitude')::float8,
                         'heightMslM', greatest(0, coalesce((p->>'altitude')::float8, 0) * 0.3048),
                         'heightAglM', 0.0)))
          FROM jsonb_array_elements(doc->'pilots') AS p
          LEFT JOIN derived.tuned t ON t.callsign = p->>'callsign') AS x
$$;
