-- Directory sync and imports (SQLite). Keep in step with ../postgres/0015_directory.sql.
--
-- A role either comes from the directory (recomputed, and replaced, at each sync) or was granted
-- by hand (`manual`), which a sync never touches.
ALTER TABLE person_role ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';

-- One row per directory sync or import, with what it did (or, for a dry run, would have done).
CREATE TABLE directory_run (
    id INTEGER PRIMARY KEY,
    -- `ldap`, `csv:establishments`, `csv:persons`.
    source TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    establishments_created BIGINT NOT NULL DEFAULT 0,
    establishments_updated BIGINT NOT NULL DEFAULT 0,
    establishments_rejected BIGINT NOT NULL DEFAULT 0,
    persons_created BIGINT NOT NULL DEFAULT 0,
    persons_updated BIGINT NOT NULL DEFAULT 0,
    persons_deactivated BIGINT NOT NULL DEFAULT 0,
    persons_rejected BIGINT NOT NULL DEFAULT 0,
    -- The first rejections, as a JSON array of {"entry", "reason"}.
    rejections TEXT NOT NULL DEFAULT '[]',
    error TEXT
);
CREATE INDEX directory_run_started ON directory_run (started_at, id);
