-- A counter bumped after every change to reference data (applications, desks, groups, members,
-- organisation nodes, routing rules, SLA policies). Each instance reads it every second and
-- empties its in-memory copy of that data when it moved (crates/app/src/cache.rs), so several
-- instances on one PostgreSQL database can keep it in memory and still see one another's
-- changes within about a second.
CREATE TABLE reference_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO reference_generation (id, value) VALUES (1, 0);
