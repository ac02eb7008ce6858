-- Mail intake (SQLite). Keep in step with ../postgres/0016_mail_intake.sql.
--
-- One row per distinct received message, whatever mailbox it came by: the dedupe key (its
-- Message-ID, else `sha256:<hex>` of the raw bytes) is unique, so a second delivery changes
-- nothing. The row commits with the ticket, reply or quarantine it produced.
CREATE TABLE inbound_message (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    mailbox TEXT NOT NULL,
    -- Lower-cased; empty when the message names no sender.
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    received_at TEXT NOT NULL,
    -- The calendar day in the académie's time zone (YYYY-MM-DD): the quota's day.
    quota_day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ticket', 'reply', 'ignored', 'bounce', 'quarantined',
        'failed', 'released', 'deleted')),
    -- JSON list of {"code", "detail"}: every refusal, the deciding one first.
    reasons TEXT NOT NULL DEFAULT '[]',
    ticket_id INTEGER REFERENCES ticket (id) ON DELETE SET NULL,
    entry_id INTEGER,
    size BIGINT NOT NULL,
    -- The message as received, to read, release or replay it; NULL once deleted or when larger
    -- than the mailbox accepts.
    raw BLOB,
    updated_at TEXT NOT NULL
);
-- The administrators' list (by state, newest first) and the retention sweep.
CREATE INDEX inbound_message_state ON inbound_message (state, received_at);
CREATE INDEX inbound_message_received ON inbound_message (received_at);
-- The quota: a sender's requests of one day.
CREATE INDEX inbound_message_quota ON inbound_message (sender, quota_day);

-- Addresses Guichet mails: delivery failures, and automatic answers sent today.
CREATE TABLE mail_address (
    address TEXT PRIMARY KEY,
    bounces BIGINT NOT NULL DEFAULT 0,
    -- Marked after N failures: no more mail to it (in-app only) until cleared.
    bouncing BOOLEAN NOT NULL DEFAULT FALSE,
    last_bounce_at TEXT,
    answers_day TEXT NOT NULL DEFAULT '',
    answers BIGINT NOT NULL DEFAULT 0
);
