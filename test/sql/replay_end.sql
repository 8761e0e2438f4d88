-- replay_end.sql: test/sql/replay.sql plus document 14, an empty snapshot
-- 301 s (longer than the default stale_after) after document 13, so that
-- every flight of the replay ends (flight summaries).  \i after
-- test/sql/synthetic.sql (pg_temp.feed_at).
\i test/sql/replay.sql
INSERT INTO replay.docs
SELECT 14, pg_temp.feed_at((d.doc::jsonb #>> '{general,update_timestamp}')::timestamptz + interval '301 s')
FROM replay.docs d WHERE d.n = 13;
