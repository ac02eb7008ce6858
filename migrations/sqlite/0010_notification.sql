-- Notifications (SQLite). Keep in step with ../postgres/0010_notification.sql.
--
-- One row per (domain event, recipient), written by the notification job: the unique key makes
-- a retried job find its rows instead of mailing twice. `delivery` says how the notice reaches
-- the person (an email now, tomorrow's digest, or only the in-app list); `state` is the email's
-- (queued, sent, failed with the server's answer, bounced when a bounce comes back, skipped when
-- no email is due). `read_at` is the in-app list's unread mark.
CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    unique_key TEXT NOT NULL UNIQUE,
    event_id INTEGER REFERENCES outbox (id),
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    ticket_id INTEGER REFERENCES ticket (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('email', 'digest', 'none')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'bounced', 'skipped')),
    data TEXT NOT NULL DEFAULT '{}',
    smtp_answer TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    read_at TEXT
);
-- A person's list, newest first, and their unread count.
CREATE INDEX notification_person ON notification (person_id, id);
CREATE INDEX notification_unread ON notification (person_id, id) WHERE read_at IS NULL;
-- What tomorrow's digest gathers.
CREATE INDEX notification_digest ON notification (person_id, id)
    WHERE delivery = 'digest' AND state = 'queued';
-- The ticket's first notice, which later ones thread onto.
CREATE INDEX notification_ticket ON notification (ticket_id, id);

-- How a person wants non-essential notices: immediate (the default when no row), a daily
-- digest, or off. Received and resolved notices are always mailed.
CREATE TABLE notification_preference (
    person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
    updated_at TEXT NOT NULL
);
