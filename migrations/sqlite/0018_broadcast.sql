-- Mass information (SQLite). Keep in step with ../postgres/0018_broadcast.sql.
--
-- A broadcast is written as a draft, then scheduled (`send_at`); its recipients are listed once
-- into `broadcast_recipient` (one row per person, whatever the number of their roles in the
-- audience), each with the state of its email: a retried job finds the row already sent and
-- never mails twice. `expanded_through` is the last person id listed, so a listing cut by a
-- crash resumes where it stopped; `batches` counts the send jobs queued, which places the next
-- one on the rate's schedule.
CREATE TABLE broadcast (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES person (id),
    subject_fr TEXT NOT NULL,
    body_fr TEXT NOT NULL,
    subject_en TEXT,
    body_en TEXT,
    -- JSON array of role codes (`["director"]`).
    roles TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
    rate_per_minute INTEGER NOT NULL,
    send_at TEXT,
    banner_until TEXT,
    recipients INTEGER NOT NULL DEFAULT 0,
    expanded_through INTEGER NOT NULL DEFAULT 0,
    expanded BOOLEAN NOT NULL DEFAULT FALSE,
    batches INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
-- The banners in force.
CREATE INDEX broadcast_banner ON broadcast (banner_until) WHERE banner_until IS NOT NULL;

-- The zones of the audience: circonscriptions, départements, the académie, or establishments.
CREATE TABLE broadcast_zone (
    broadcast_id INTEGER NOT NULL REFERENCES broadcast (id) ON DELETE CASCADE,
    node_id INTEGER NOT NULL REFERENCES org_node (id),
    PRIMARY KEY (broadcast_id, node_id)
);

CREATE TABLE broadcast_recipient (
    id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcast (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person (id),
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'bounced', 'skipped')),
    smtp_answer TEXT,
    sent_at TEXT,
    UNIQUE (broadcast_id, person_id)
);
-- A batch's recipients, and the progress counts.
CREATE INDEX broadcast_recipient_state ON broadcast_recipient (broadcast_id, state, id);
-- The banners shown to a person.
CREATE INDEX broadcast_recipient_person ON broadcast_recipient (person_id, broadcast_id);
