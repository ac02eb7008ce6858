-- Which instance collects each IMAP mailbox (SQLite). Keep in step with
-- ../postgres/0017_mailbox_lease.sql.
--
-- A collector holds its mailbox while `expires_at` is ahead and renews it while it works; once it
-- has expired (the instance died or hung), another instance may take it over. Several instances
-- therefore never fetch the same mailbox at once.
CREATE TABLE mailbox_lease (
    mailbox TEXT NOT NULL PRIMARY KEY,
    -- The instance holding it: host name, process id and a random part.
    owner TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
