-- A requester's open tickets, newest first: the requester card of the ticket page ("other open
-- requests") and the portal's lists. Without it, PostgreSQL intersected the requester's index
-- (1,900 tickets for the busiest requester at 1M) with every open ticket's (6,300) for each
-- ticket page: 5–13 ms of a page's 15 (bench/README.md, "Pages at 1M tickets"); with it, 0.2 ms.
-- Not a partial index (`WHERE is_open`): the lists bind `is_open = $1`, which a generic plan (and
-- SQLite's planner) cannot match to a partial index's predicate.
CREATE INDEX ticket_requester_open ON ticket (requester_id, is_open, id);
