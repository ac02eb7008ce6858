-- The durable job queue (SQLite). Keep in step with ../postgres/0007_job_queue.sql.
--
-- A job is queued, then running under a lease (locked_by, locked_until) while a worker holds it,
-- then done; a failure puts it back as failed with a later run_at (back-off) until max_attempts,
-- then dead. A worker that dies leaves an expired lease, which is requeued.
CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    -- Idempotency: a second enqueue with the same key finds the first job (NULL: no key).
    unique_key TEXT UNIQUE,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    last_error TEXT,
    locked_by TEXT,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
-- The claim: due jobs of some kinds, oldest first; done and dead jobs are not in the index.
CREATE INDEX job_due ON job (run_at, id) WHERE state IN ('queued', 'failed');
-- Expired leases.
CREATE INDEX job_lease ON job (locked_until) WHERE state = 'running';
-- The administrators' list of failing and dead jobs, newest first, paged by id.
CREATE INDEX job_state ON job (state, id);
