-- Nothing to change on SQLite: FTS5 gives its matches in rowid order already. Kept so that both
-- engines share migration numbers (see ../postgres/0004_search_order.sql).
SELECT 1;
