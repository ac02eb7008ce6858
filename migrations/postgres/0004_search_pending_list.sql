-- A short pending list for the search index. GIN queues new entries in a pending list (4 MB by
-- default) that every search reads in full until it is merged: after some 40,000 new tickets,
-- 450 pages and 6–14 ms added to each GIN scan, several of which make one search page (see
-- crates/store/src/ticket/list/pg_search.rs). 256 kB keeps that under a millisecond; inserts
-- merge it a little more often. The pending list is merged once now.
ALTER INDEX ticket_search_vec SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('ticket_search_vec'::regclass);
