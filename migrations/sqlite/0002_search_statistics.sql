-- Nothing to change on SQLite: FTS5 needs no planner statistics. Kept so that both engines share
-- migration numbers (see ../postgres/0002_search_statistics.sql).
SELECT 1;
