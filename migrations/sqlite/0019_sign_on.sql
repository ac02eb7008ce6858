-- Single sign-on (SQLite). Keep in step with ../postgres/0019_sign_on.sql.

-- The CAS service ticket each CAS session was opened with, so that the CAS server's single
-- logout request (which names the ticket) ends that session. Only hashes are stored, as for
-- sessions; the row goes with its session.
CREATE TABLE sign_on_ticket (
    ticket_hash TEXT NOT NULL PRIMARY KEY,
    session_hash TEXT NOT NULL REFERENCES web_session (id_hash) ON DELETE CASCADE,
    -- The configured provider's id (`[[sso.cas]] id`).
    provider TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sign_on_ticket_session ON sign_on_ticket (session_hash);
