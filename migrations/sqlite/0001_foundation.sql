-- Guichet foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql.
-- Timestamps are RFC 3339 text in UTC, truncated to microseconds by the store.

CREATE TABLE org_node (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES org_node (id),
    path TEXT UNIQUE,
    name TEXT NOT NULL,
    code TEXT,
    uai TEXT UNIQUE,
    establishment_type TEXT,
    commune TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX org_node_parent ON org_node (parent_id, name);
CREATE INDEX org_node_kind ON org_node (kind, name);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    uid TEXT UNIQUE,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'fr',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX person_name ON person (display_name);

CREATE TABLE person_role (
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    node_id INTEGER NOT NULL REFERENCES org_node (id),
    PRIMARY KEY (person_id, kind, node_id)
);
CREATE INDEX person_role_node ON person_role (node_id, kind);

CREATE TABLE desk (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    node_id INTEGER REFERENCES org_node (id),
    created_at TEXT NOT NULL
);

CREATE TABLE agent_group (
    id INTEGER PRIMARY KEY,
    desk_id INTEGER NOT NULL REFERENCES desk (id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level SMALLINT NOT NULL,
    expertise TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agent_group_desk ON agent_group (desk_id, level);

CREATE TABLE group_member (
    group_id INTEGER NOT NULL REFERENCES agent_group (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, person_id)
);
CREATE INDEX group_member_person ON group_member (person_id);

CREATE TABLE application (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '[]',
    default_group_id INTEGER REFERENCES agent_group (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE ticket_counter (
    year INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE ticket (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    waiting_on TEXT,
    urgency TEXT NOT NULL,
    impact TEXT NOT NULL,
    priority SMALLINT NOT NULL,
    application_id INTEGER REFERENCES application (id),
    requester_id INTEGER NOT NULL REFERENCES person (id),
    created_by_id INTEGER NOT NULL REFERENCES person (id),
    establishment_id INTEGER REFERENCES org_node (id),
    circonscription_id INTEGER REFERENCES org_node (id),
    departement_id INTEGER REFERENCES org_node (id),
    org_path TEXT,
    group_id INTEGER REFERENCES agent_group (id),
    assignee_id INTEGER REFERENCES person (id),
    level SMALLINT NOT NULL,
    subject TEXT NOT NULL,
    solution TEXT,
    satisfaction SMALLINT,
    satisfaction_comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    taken_at TEXT,
    resolved_at TEXT,
    closed_at TEXT
);
-- One index per list the API and the pages show, each ending in id for keyset pagination.
CREATE INDEX ticket_requester ON ticket (requester_id, id);
CREATE INDEX ticket_establishment ON ticket (establishment_id, id);
CREATE INDEX ticket_circonscription ON ticket (circonscription_id, id);
CREATE INDEX ticket_departement ON ticket (departement_id, id);
CREATE INDEX ticket_assignee ON ticket (assignee_id, is_open, id);
CREATE INDEX ticket_group_queue ON ticket (group_id, is_open, id);
CREATE INDEX ticket_group_priority ON ticket (group_id, is_open, priority, id);
CREATE INDEX ticket_application ON ticket (application_id, id);
CREATE INDEX ticket_status ON ticket (status, id);
CREATE INDEX ticket_updated ON ticket (updated_at, id);

CREATE TABLE ticket_watcher (
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person (id),
    PRIMARY KEY (ticket_id, person_id)
);
CREATE INDEX ticket_watcher_person ON ticket_watcher (person_id, ticket_id);

CREATE TABLE ticket_link (
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, other_id)
);
CREATE INDEX ticket_link_other ON ticket_link (other_id);

CREATE TABLE ticket_entry (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    author_id INTEGER REFERENCES person (id),
    body TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_entry_ticket ON ticket_entry (ticket_id, id);

CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE attachment (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    entry_id INTEGER NOT NULL REFERENCES ticket_entry (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blob (sha256),
    created_at TEXT NOT NULL
);
CREATE INDEX attachment_entry ON attachment (entry_id);
CREATE INDEX attachment_ticket ON attachment (ticket_id, id);

-- Search: the stems of the subject and every entry, made by guichet-core's French pipeline
-- so that SQLite and PostgreSQL find the same tickets. rowid = ticket.id.
CREATE VIRTUAL TABLE ticket_search USING fts5 (terms, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES person (id),
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    ticket_id INTEGER REFERENCES ticket (id),
    actor_id INTEGER REFERENCES person (id),
    payload TEXT NOT NULL DEFAULT '{}',
    processed_at TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL;
CREATE INDEX outbox_ticket ON outbox (ticket_id, id);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_token_person ON api_token (person_id);
