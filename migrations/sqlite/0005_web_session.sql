-- Sessions of the server-rendered pages, and sign-in attempts for rate limiting and lockout
-- (SQLite). Keep in step with ../postgres/0005_web_session.sql.

-- A browser session. Only the SHA-256 of the cookie's random id is stored, so a copy of the
-- database does not hand out live sessions.
CREATE TABLE web_session (
    id_hash TEXT NOT NULL PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    csrf_secret TEXT NOT NULL,
    -- How the person proved who they are: `password`, later `cas`, `oidc`.
    method TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_session_person ON web_session (person_id);
CREATE INDEX web_session_expires ON web_session (expires_at);

-- One sign-in attempt. `account` is the lower-cased login typed, whether or not it exists.
CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_attempt_account ON login_attempt (account, at);
CREATE INDEX login_attempt_ip ON login_attempt (client_ip, at);
