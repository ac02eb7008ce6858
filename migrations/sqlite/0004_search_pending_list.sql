-- Nothing to change on SQLite: FTS5 has no pending list to bound. Kept so that both engines share
-- migration numbers (see ../postgres/0004_search_pending_list.sql).
SELECT 1;
