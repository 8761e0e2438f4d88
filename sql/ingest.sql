--
-- ingest: replay every shipped snapshot in time order and show what each
-- call returned and what the tables hold afterwards.
--
\getenv fixtures VATSIM_FIXTURES
SET timezone = 'UTC';
DROP EXTENSION IF EXISTS vatsim_ingest;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2020-12-03T1423Z-736p-earliest-schema.json');
-- it repeats prefile callsigns (EZY890 four times): the newest record wins
SELECT callsign, cid, last_updated, plan_departure, plan_arrival
FROM vatsim.prefiles WHERE callsign IN ('DLH8EN', 'EZY890', 'JSA202') ORDER BY 1;
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2021-04-24T1528Z-1925p.json');
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2021-08-02T1059Z-614p-au.json');
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2023-07-31T1925Z-1442p.json');
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2023-08-07T232929Z-754p-seq1.json');
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2023-08-07T232944Z-757p-seq2.json');
SELECT update_timestamp, status, pilots, controllers, atis, prefiles, rejected
FROM vatsim.ingest_file(:'fixtures' || '/v3-2023-08-08T000359Z-737p-seq3.json');
-- the same document again is a no-op
SELECT update_timestamp, status, pilots FROM vatsim.ingest_file(:'fixtures' || '/v3-2023-08-08T000359Z-737p-seq3.json');
RESET client_min_messages;

SELECT update_timestamp, feed_version, pilots, controllers, atis, prefiles, servers,
       connected_clients, unique_users, rejected, bytes
FROM vatsim.snapshots ORDER BY update_timestamp;

SELECT (SELECT count(*) FROM vatsim.flights) AS flights,
       (SELECT count(*) FROM vatsim.flights WHERE status = 'online') AS online,
       (SELECT count(*) FROM vatsim.flight_plans) AS plan_versions,
       (SELECT count(*) FROM vatsim.positions) AS positions,
       (SELECT count(*) FROM vatsim.controller_sessions) AS sessions,
       (SELECT count(*) FROM vatsim.controller_sessions WHERE ended_at IS NULL) AS open_sessions;

SELECT * FROM vatsim.facilities ORDER BY id;
SELECT * FROM vatsim.pilot_ratings ORDER BY id;
SELECT * FROM vatsim.military_ratings ORDER BY id;
SELECT ident, location, client_connections_allowed, is_sweatbox FROM vatsim.servers ORDER BY ident;
