-- \u0000 and unpaired UTF-16 surrogate escapes, end to end: in a record
-- they reject that record only (cJSON would cut "NU\u0000L2" and
-- "NU\u0000L3" both to "NU", and refuse the whole document for a lone
-- \ud800); in general.update_timestamp they refuse the document.  And the
-- parser's year limit: a timestamp that rounds into the year 10000.
\getenv fixtures VATSIM_FIXTURES
\set ON_ERROR_STOP 1
\set seq2 :fixtures '/v3-2023-08-07T232944Z-757p-seq2.json'
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION vatsim_ingest;
SET client_min_messages = error;
SELECT plan(8);

CREATE TEMP TABLE doc AS SELECT pg_read_file(:'seq2') AS feed;

-- jsonb refuses \u0000, so the escapes go in as text after jsonb_set
CREATE TEMP TABLE bad AS
SELECT replace(replace(replace(
           jsonb_set(jsonb_set(jsonb_set(feed::jsonb,
               '{pilots,0,callsign}', '"NUXXL2"'),
               '{pilots,1,callsign}', '"NUXXL3"'),
               '{pilots,2,name}', '"NAMEXX"')::text,
           'NUXXL2', 'NU\u0000L2'), 'NUXXL3', 'NU\u0000L3'),
           'NAMEXX', 'x\ud800y') AS feed
FROM doc;

SELECT is((SELECT row(status, pilots, rejected)::text FROM bad, vatsim.ingest(feed)),
          '(ingested,754,3)',
          'two \u0000 callsigns and a lone \ud800 name: those three pilots rejected, the rest stored');
SELECT is((SELECT count(*)::int FROM vatsim.pilots WHERE callsign IN ('NU', 'NUXXL2', 'NUXXL3')), 0,
          'no pilot stored as NU');
SELECT is((SELECT count(*)::int FROM vatsim.pilots), 754, '754 pilots stored');
SELECT is((SELECT rejected FROM vatsim.snapshots), 3, 'the snapshot counts 3 rejected records');

-- document-level problems: the document is refused with state, nothing stored
CREATE FUNCTION pg_temp.refused(ts text, state text, what text)
RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE
    n bigint := (SELECT count(*) FROM vatsim.snapshots);
BEGIN
    RETURN NEXT throws_ok(
        format($$SELECT vatsim.ingest(replace(feed, %L, %L)) FROM bad$$,
               '"update_timestamp": "2023-08-07T23:29:44.877148Z"',
               '"update_timestamp": "' || ts || '"'),
        state, 'invalid VATSIM feed document', what || ' (' || state || ')');
    RETURN NEXT is((SELECT count(*) FROM vatsim.snapshots), n,
                   what || ': no snapshot stored');
END $f$;

SELECT * FROM pg_temp.refused('2023-08-07T23:30:44.877148Z\u0000x', '22021',
                              'update_timestamp with a \u0000 tail refuses the document');
-- the parser's year limit (a separate check may refuse future dates sooner)
SELECT * FROM pg_temp.refused('9999-12-31T23:59:59.9999999Z', '22007',
                              '9999-12-31T23:59:59.9999999Z (the year 10000 once rounded) refuses the document');

SELECT * FROM finish();
ROLLBACK;
