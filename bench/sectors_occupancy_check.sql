-- sectors_occupancy_check.sql: after the timed occupancy loop, in each of
-- the two databases (run by bench/sectors_in_cluster.sh): every snapshot was
-- stored whole, none was refused, and no sector processing failed.
\set ON_ERROR_STOP 1
DO $$
DECLARE
    bad text;
BEGIN
    IF (SELECT count(*) FROM bench.occ_runs) <> (SELECT count(*) FROM bench.docs) THEN
        RAISE EXCEPTION 'bench: % snapshots ingested, % prepared',
            (SELECT count(*) FROM bench.occ_runs), (SELECT count(*) FROM bench.docs);
    END IF;
    SELECT string_agg(format('%s step %s: status=%s pilots=%s rejected=%s', o.kind, o.step,
                             (o.r).status, (o.r).pilots, (o.r).rejected), '; ')
    INTO bad
    FROM bench.occ_runs o JOIN bench.base b USING (kind)
    WHERE (o.r).status <> 'ingested' OR (o.r).pilots <> jsonb_array_length(b.doc->'pilots')
       OR (o.r).rejected <> 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'bench: unexpected ingest results: %', bad;
    END IF;
    SELECT string_agg(DISTINCT sector_error, '; ') INTO bad FROM vatsim.snapshots;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'bench: sector processing failed: %', bad;
    END IF;
END
$$;
