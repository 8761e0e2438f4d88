-- replay_transceivers.sql: transceivers documents for the replay of
-- replay.sql (\i after it), and replay.run() again, now passing them to
-- vatsim.ingest.  replay.trx (n, trx) holds one generated document for
-- every snapshot but n = 8 (step 5), which has none:
--   - every controller (observers too) at the position of a seq3 pilot
--     picked by its callsign, on its frequency + 20 Hz (off-grid, as the
--     real feed), every other one with a second transceiver 0.5 degree
--     north;
--   - every pilot at its position, tuned to its nearest controller
--     transceiver (nearest on a flat map: a generator, not the rule)
--     + 0, +5000, -5000, +5001 or -5001 Hz (cycling with the snapshot, so
--     contacts open and close), every third one also on UNICOM, every
--     eleventh without transceivers.
-- Included by test/pgtap/13_contacts.sql (against the SQL model) and
-- test/pgtap_worker/replay_restart.sql (restart equality).
CREATE FUNCTION replay.tx(id int, hz bigint, lat float8, lon float8) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('id', id, 'frequency', hz, 'latDeg', lat, 'lonDeg', lon,
                              'heightMslM', 100, 'heightAglM', 0)
$$;
CREATE TABLE replay.ctl AS
SELECT d.n, c->>'callsign' AS callsign, (c->>'frequency') AS freq, o AS k
FROM replay.docs d, jsonb_array_elements(d.doc::jsonb -> 'controllers') WITH ORDINALITY AS e(c, o);
CREATE TABLE replay.pil AS
SELECT d.n, o AS j, p->>'callsign' AS callsign, (p->>'latitude')::float8 AS lat, (p->>'longitude')::float8 AS lon
FROM replay.docs d, jsonb_array_elements(d.doc::jsonb -> 'pilots') WITH ORDINALITY AS e(p, o);
CREATE TABLE replay.pos AS
SELECT c.callsign, p.lat, p.lon
FROM (SELECT DISTINCT callsign FROM replay.ctl) c
JOIN replay.pil p ON p.n = 3 AND p.j = 1 + (hashtext(c.callsign) & 1023) % (SELECT count(*) FROM replay.pil WHERE n = 3);
CREATE TABLE replay.atx AS
SELECT c.n, c.callsign, round(c.freq::numeric * 1000000)::bigint + 20 AS hz, x.lat, x.lon, x.tid
FROM replay.ctl c JOIN replay.pos p USING (callsign)
CROSS JOIN LATERAL (VALUES (p.lat, p.lon, 0), (CASE WHEN c.k % 2 = 0 THEN least(p.lat + 0.5, 89.9) END, p.lon, 1)) x(lat, lon, tid)
WHERE c.freq ~ '^[0-9]+\.[0-9]+$' AND x.lat IS NOT NULL;
CREATE TABLE replay.ptx AS
SELECT p.n, p.callsign, a.hz + (ARRAY[0, 5000, -5000, 5001, -5001])[1 + (p.j + p.n) % 5] AS hz, p.lat, p.lon, p.j
FROM replay.pil p CROSS JOIN LATERAL (
    SELECT a.hz FROM replay.atx a WHERE a.n = p.n ORDER BY (a.lat - p.lat) ^ 2 + ((a.lon - p.lon) * cos(radians(p.lat))) ^ 2, a.callsign LIMIT 1) a
WHERE p.j % 11 <> 0;
CREATE TABLE replay.trx AS
SELECT d.n, (SELECT jsonb_agg(st) FROM (
    SELECT jsonb_build_object('callsign', a.callsign, 'transceivers',
                              jsonb_agg(replay.tx(a.tid, a.hz, a.lat, a.lon))) AS st
    FROM (SELECT DISTINCT * FROM replay.atx) a WHERE a.n = d.n GROUP BY a.callsign
    UNION ALL
    SELECT jsonb_build_object('callsign', t.callsign, 'transceivers',
                              CASE WHEN t.j % 3 = 0
                                   THEN jsonb_build_array(replay.tx(1, t.hz, t.lat, t.lon), replay.tx(2, 122800000, t.lat, t.lon))
                                   ELSE jsonb_build_array(replay.tx(1, t.hz, t.lat, t.lon)) END)
    FROM replay.ptx t WHERE t.n = d.n) s)::text AS trx
FROM replay.docs d WHERE d.n <> 8;
CREATE OR REPLACE FUNCTION replay.run(first int, last int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    d record;
    n int := 0;
BEGIN
    FOR d IN SELECT r.doc, t.trx FROM replay.docs r LEFT JOIN replay.trx t USING (n)
             WHERE r.n BETWEEN first AND last ORDER BY r.n LOOP
        PERFORM vatsim.ingest(d.doc, d.trx);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
