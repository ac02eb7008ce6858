-- A broadcast recipient's attempts (SQLite). Keep in step with ../postgres/0021_broadcast_attempt.sql.
--
-- `sending_since` is written and committed just before a recipient's message is handed to the
-- SMTP server and cleared with the server's answer. A queued row that still has it was in
-- flight when the process died: the server may or may not have accepted the message, and the
-- next try sends it again with the same Message-ID (an official message is never lost; a copy
-- is recognisable). `attempts` counts the hand-overs, so an administrator sees a re-sent row.
ALTER TABLE broadcast_recipient ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE broadcast_recipient ADD COLUMN sending_since TEXT;
