-- Lists sorted by last update, searched or not, walk an index in that order rather than every
-- ticket: the open (or finished) tickets by last update, and a group's queue by last update.
-- Without them, "finished tickets by last update" walked `ticket_updated` through the newest
-- open tickets first (41,000 after the benchmark's creations: 63–87 ms at 1M tickets, see
-- bench/README.md), and a queue of 44,000 tickets sorted by update read all of them to sort.
CREATE INDEX ticket_open_updated ON ticket (is_open, updated_at, id);
CREATE INDEX ticket_group_updated ON ticket (group_id, is_open, updated_at, id);
