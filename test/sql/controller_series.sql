-- controller_series.sql: six handmade controller snapshots as table docs
-- (kept in a table so that they survive \c), for
-- test/pgtap_worker/controller_sessions_restart.sql: A_CTR online
-- throughout then back 305 s after last seen, B_APP back exactly 300 s
-- after, C_APP 301 s after, D_TWR 25 s after (grace 300 s).
\i test/sql/synthetic.sql
\i test/sql/controllers.sql
CREATE TABLE docs AS
SELECT * FROM (VALUES
    (1, pg_temp.cdoc(0, pg_temp.c('A_CTR', -600), pg_temp.c('B_APP', -100), pg_temp.c('C_APP', -100),
                        pg_temp.c('D_TWR', -50))),
    (2, pg_temp.cdoc(15, pg_temp.c('A_CTR', -600), pg_temp.c('B_APP', -100), pg_temp.c('C_APP', -100))),
    (3, pg_temp.cdoc(30, pg_temp.c('A_CTR', -600), pg_temp.c('B_APP', -100), pg_temp.c('C_APP', -100),
                         pg_temp.c('D_TWR', 25))),
    (4, pg_temp.cdoc(331, pg_temp.c('A_CTR', -600))),
    (5, pg_temp.cdoc(345, pg_temp.c('A_CTR', -600), pg_temp.c('B_APP', 330), pg_temp.c('C_APP', 331))),
    (6, pg_temp.cdoc(700, pg_temp.c('A_CTR', 650)))) AS d(n, doc);
