-- Agent workspace (SQLite): absences with a delegate, saved views, and the indexes behind the
-- queue counts. Keep in step with ../postgres/0006_agent_desk.sql.

-- An agent's absence [starts_at, ends_at) and who covers it. In force is computed at read time
-- from the clock: nothing has to run when it starts or ends.
CREATE TABLE absence (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    delegate_id INTEGER NOT NULL REFERENCES person (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_by_id INTEGER REFERENCES person (id),
    created_at TEXT NOT NULL
);
-- "Is X away now, and who covers?" and "whom do I stand in for now?": both end in ends_at so
-- that past absences are skipped by the range.
CREATE INDEX absence_person ON absence (person_id, ends_at);
CREATE INDEX absence_delegate ON absence (delegate_id, ends_at);

-- A named filter set an agent keeps (the query, as JSON), listed in name order.
CREATE TABLE saved_view (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, name)
);

-- Queue counts: a group's unassigned open tickets, and a département's open tickets in the
-- agent's groups, each one index range (covering: no table reads). Counts stop at 1,001 rows.
CREATE INDEX ticket_group_unassigned ON ticket (group_id, is_open, assignee_id, id);
CREATE INDEX ticket_departement_open ON ticket (departement_id, is_open, group_id, id);
