-- The order of the search vectors: a BRIN index on ticket_id, so that a search can ask the GIN
-- index for the matches within a window of ids and read only the pages that hold them (rows are
-- stored roughly in ticket_id order, as tickets are created). A few hundred kB at 1M tickets;
-- `autosummarize` covers new pages as they fill. See crates/store/src/ticket/list/pg_search.rs.
CREATE INDEX ticket_search_order ON ticket_search USING brin (ticket_id)
    WITH (pages_per_range = 32, autosummarize = on);
