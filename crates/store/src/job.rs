//! The durable job queue: enqueue (idempotent on a unique key), claim under a lease, complete,
//! fail with back-off until dead, extend or reclaim leases, and the administrators' list and
//! replay. Also the outbox dispatcher that turns each committed domain event into exactly one job.
//!
//! Several instances share the queue on PostgreSQL: the claim takes rows `FOR UPDATE SKIP LOCKED`
//! so two workers never hold the same job. SQLite has one writer, which serialises claims anyway.
//! This module owns SQL only: which handler runs a kind, and who may replay, live above it.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Duration, Utc};

/// The kind of the jobs the outbox dispatcher creates, one per domain event.
pub const EVENT_JOB_KIND: &str = "outbox.event";

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its first run at `run_at`.
    Queued,
    /// Held by a worker until `locked_until`.
    Running,
    Done,
    /// Failed at least once; runs again at `run_at`.
    Failed,
    /// Failed `max_attempts` times or permanently: waits for an administrator.
    Dead,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            "dead" => Self::Dead,
            _ => return None,
        })
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub unique_key: Option<String>,
    pub payload: serde_json::Value,
    pub state: JobState,
    pub run_at: DateTime<Utc>,
    /// Runs started so far (counted at claim, so a job that keeps crashing its worker dies too).
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    /// When set, a second enqueue with the same key is a no-op returning the first job.
    pub unique_key: Option<String>,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i64,
}

/// The result of [`Tx::enqueue`].
#[derive(Debug, Clone, PartialEq)]
pub struct Enqueued {
    pub job: Job,
    /// False when a job with the same unique key already existed.
    pub created: bool,
}

/// Exponential back-off with a cap and "equal jitter": the delay after attempt `n` is drawn
/// from `[d/2, d]` where `d = min(cap, base · 2^(n-1))`, so retries of jobs that failed together
/// spread out instead of hammering a recovering service in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::seconds(10),
            cap: Duration::hours(1),
        }
    }
}

impl Backoff {
    /// The longest delay after `attempts` runs (before jitter).
    pub fn ceiling(&self, attempts: i64) -> Duration {
        let shift = attempts.saturating_sub(1).clamp(0, 30) as u32;
        let ms = self
            .base
            .num_milliseconds()
            .saturating_mul(1_i64 << shift)
            .min(self.cap.num_milliseconds());
        Duration::milliseconds(ms)
    }

    /// The delay after `attempts` runs, `jitter` in `[0, 1]` choosing within `[ceiling/2, ceiling]`.
    pub fn delay(&self, attempts: i64, jitter: f64) -> Duration {
        let ceiling = self.ceiling(attempts).num_milliseconds();
        let half = ceiling / 2;
        Duration::milliseconds(half + ((ceiling - half) as f64 * jitter.clamp(0.0, 1.0)) as i64)
    }
}

/// How a run failed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// May succeed later: retried after `backoff` (with `jitter` in `[0, 1]`) until
    /// `max_attempts`.
    Retryable { backoff: Backoff, jitter: f64 },
    /// Will never succeed (bad payload): dead at once.
    Permanent,
}

const COLUMNS: &str = "id, kind, unique_key, payload, state, run_at, attempts, max_attempts, \
    last_error, locked_by, locked_until, created_at, updated_at, finished_at";

fn from_row(r: &impl Get) -> Result<Job, StoreError> {
    let payload = r.text("payload")?;
    Ok(Job {
        id: r.i64("id")?,
        kind: r.text("kind")?,
        unique_key: r.opt_text("unique_key")?,
        payload: serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt {
            column: "job.payload",
            value: payload,
        })?,
        state: parse("job.state", r.text("state")?, |s| {
            JobState::parse(s).ok_or(())
        })?,
        run_at: r.ts("run_at")?,
        attempts: r.i64("attempts")?,
        max_attempts: r.i64("max_attempts")?,
        last_error: r.opt_text("last_error")?,
        locked_by: r.opt_text("locked_by")?,
        locked_until: r.opt_ts("locked_until")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        finished_at: r.opt_ts("finished_at")?,
    })
}

/// Keeps an error message to a size an administrator's list can show.
fn clip(error: &str) -> String {
    error.chars().take(2000).collect()
}

impl Tx {
    /// Enqueues a job; with a unique key already present, returns the existing job instead.
    pub async fn enqueue(
        &mut self,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> Result<Enqueued, StoreError> {
        let sql = format!(
            "INSERT INTO job (kind, unique_key, payload, state, run_at, attempts, max_attempts,
                              created_at, updated_at)
             VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $6)
             ON CONFLICT (unique_key) DO NOTHING RETURNING {COLUMNS}"
        );
        let created = on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&job.kind)
                .bind(&job.unique_key)
                .bind(job.payload.to_string())
                .bind(ts(job.run_at))
                .bind(job.max_attempts.max(1))
                .bind(ts(now))
                .fetch_optional(c)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()?
        });
        if let Some(job) = created {
            return Ok(Enqueued { job, created: true });
        }
        let key = job.unique_key.as_deref().ok_or(StoreError::NotFound)?;
        let sql = format!("SELECT {COLUMNS} FROM job WHERE unique_key = $1");
        let job = on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(key)
                    .fetch_one(c)
                    .await?,
            )?
        });
        Ok(Enqueued {
            job,
            created: false,
        })
    }

    /// Claims up to `limit` due jobs of the given kinds for `worker`, leased until `now + lease`,
    /// oldest due first. Each claim counts as an attempt.
    pub async fn claim(
        &mut self,
        worker: &str,
        kinds: &[&str],
        limit: i64,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Job>, StoreError> {
        if kinds.is_empty() || limit <= 0 {
            return Ok(Vec::new());
        }
        let sql = self.claim_sql(worker, kinds, limit, lease, now);
        let mut jobs: Vec<Job> = on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect::<Result<_, _>>()?
        });
        jobs.sort_by_key(|j| (j.run_at, j.id));
        Ok(jobs)
    }

    /// The claim's statement. On SQLite the due-jobs index is named: with no statistics
    /// SQLite's planner preferred `job_state`, read every queued job and sorted them for each
    /// claim, so a backlog of 30,000 notices made each claim cost milliseconds and the whole
    /// backlog quadratic (bench/README.md, "Notices"). `job_due` holds the due jobs in claim
    /// order: a claim reads about `limit` entries.
    fn claim_sql(
        &self,
        worker: &str,
        kinds: &[&str],
        limit: i64,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Sql {
        let (index, lock) = if self.is_sqlite() {
            (" INDEXED BY job_due", "")
        } else {
            ("", " FOR UPDATE SKIP LOCKED")
        };
        let mut sql =
            Sql::new("UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = ");
        sql.arg(Arg::Text(worker.to_owned()))
            .push(", locked_until = ")
            .arg(Arg::Ts(ts(now + lease)))
            .push(", updated_at = ")
            .arg(Arg::Ts(ts(now)))
            .push(" WHERE id IN (SELECT id FROM job")
            .push(index)
            .push(" WHERE state IN ('queued', 'failed') AND run_at <= ")
            .arg(Arg::Ts(ts(now)))
            .push(" AND kind IN ")
            .list(kinds.iter().map(|k| Arg::Text((*k).to_owned())))
            .push(" ORDER BY run_at, id LIMIT ")
            .arg(Arg::I64(limit))
            .push(lock)
            .push(") RETURNING ")
            .push(COLUMNS);
        sql
    }

    /// How the database would run a claim of `kinds` (SQLite's `EXPLAIN QUERY PLAN`,
    /// PostgreSQL's `EXPLAIN`), one line per step: for tests and for an operator looking into
    /// a slow queue. Runs nothing.
    pub async fn explain_claim(
        &mut self,
        kinds: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let claim = self.claim_sql("explain", kinds, 1, Duration::minutes(5), now);
        let prefix = if self.is_sqlite() {
            "EXPLAIN QUERY PLAN "
        } else {
            "EXPLAIN "
        };
        let text = format!("{prefix}{}", claim.text);
        let lines: Vec<String> = on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(text)), claim.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(|row| {
                    use sqlx::Row;
                    // SQLite: (id, parent, notused, detail); PostgreSQL: one text column.
                    let column = row.len() - 1;
                    row.try_get::<String, _>(column)
                })
                .collect::<Result<_, _>>()?
        });
        Ok(lines)
    }

    /// Marks a run done. False when `worker` no longer holds the job (its lease expired and
    /// another worker took it): the caller's result is then not recorded.
    pub async fn complete_job(
        &mut self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = on!(self, |c| {
            sqlx::query(
                "UPDATE job SET state = 'done', locked_by = NULL, locked_until = NULL,
                        updated_at = $1, finished_at = $1
                 WHERE id = $2 AND state = 'running' AND locked_by = $3",
            )
            .bind(ts(now))
            .bind(id)
            .bind(worker)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records a failed run: retried after its back-off, or dead when permanent or out of
    /// attempts. Returns the new state, or none when `worker` no longer holds
    /// the job.
    pub async fn fail_job(
        &mut self,
        id: i64,
        worker: &str,
        error: &str,
        failure: Failure,
        now: DateTime<Utc>,
    ) -> Result<Option<JobState>, StoreError> {
        // Locked on PostgreSQL: a worker whose lease expired and the one that took the job over
        // must not both settle it.
        let sql = format!(
            "SELECT attempts, max_attempts FROM job
             WHERE id = $1 AND state = 'running' AND locked_by = $2{}",
            self.for_update()
        );
        let held: Option<(i64, i64)> = on!(self, |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(worker)
                .fetch_optional(c)
                .await?
        });
        let Some((attempts, max_attempts)) = held else {
            return Ok(None);
        };
        let (state, run_at) = match failure {
            Failure::Retryable { backoff, jitter } if attempts < max_attempts => {
                (JobState::Failed, now + backoff.delay(attempts, jitter))
            }
            _ => (JobState::Dead, now),
        };
        self.settle_failure(id, state, run_at, error, now).await?;
        Ok(Some(state))
    }

    async fn settle_failure(
        &mut self,
        id: i64,
        state: JobState,
        run_at: DateTime<Utc>,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let finished = (state == JobState::Dead).then_some(ts(now));
        on!(self, |c| {
            sqlx::query(
                "UPDATE job SET state = $1, run_at = $2, last_error = $3, locked_by = NULL,
                        locked_until = NULL, updated_at = $4, finished_at = $5
                 WHERE id = $6",
            )
            .bind(state.as_str())
            .bind(ts(run_at))
            .bind(clip(error))
            .bind(ts(now))
            .bind(finished)
            .bind(id)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Extends `worker`'s lease on a long job. False when it no longer holds it.
    pub async fn heartbeat(
        &mut self,
        id: i64,
        worker: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE job SET locked_until = $1, updated_at = $2
                 WHERE id = $3 AND state = 'running' AND locked_by = $4",
            )
            .bind(ts(until))
            .bind(ts(now))
            .bind(id)
            .bind(worker)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Gives back a job `worker` holds but did not finish (shutdown): due now, and the attempt
    /// it was claimed with is not counted. False when it no longer holds it.
    pub async fn release_job(
        &mut self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE job SET state = CASE WHEN attempts > 1 THEN 'failed' ELSE 'queued' END,
                        attempts = attempts - 1, run_at = $1, locked_by = NULL,
                        locked_until = NULL, updated_at = $1
                 WHERE id = $2 AND state = 'running' AND locked_by = $3",
            )
            .bind(ts(now))
            .bind(id)
            .bind(worker)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Releases the jobs whose lease expired (their worker died or hung): each becomes failed,
    /// due now, or dead when it has used its attempts. Returns how many were released.
    pub async fn requeue_expired(&mut self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE job SET
                    state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
                    finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END,
                    run_at = $1, last_error = 'lease expired (worker stopped or hung)',
                    locked_by = NULL, locked_until = NULL, updated_at = $1
                 WHERE state = 'running' AND locked_until < $1",
            )
            .bind(ts(now))
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n)
    }

    /// Puts a dead or failed job back in the queue, due now, with its attempts reset. The caller
    /// audits it in the same transaction. `Conflict { constraint: "job.state" }` for a job that is
    /// queued, running or done.
    pub async fn replay_job(&mut self, id: i64, now: DateTime<Utc>) -> Result<Job, StoreError> {
        let sql = format!(
            "UPDATE job SET state = 'queued', attempts = 0, run_at = $1, updated_at = $1,
                    finished_at = NULL
             WHERE id = $2 AND state IN ('dead', 'failed') RETURNING {COLUMNS}"
        );
        let replayed = on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(ts(now))
                .bind(id)
                .fetch_optional(c)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()?
        });
        match replayed {
            Some(job) => Ok(job),
            None => {
                self.job(id).await?;
                Err(StoreError::Conflict {
                    constraint: "job.state".into(),
                })
            }
        }
    }
}

impl Tx {
    /// Turns up to `limit` unprocessed outbox events into one [`EVENT_JOB_KIND`] job each and
    /// marks them processed, in this transaction: an event is never lost (no job without the mark,
    /// no mark without the job) and never doubled. Two dispatchers racing on PostgreSQL skip each
    /// other's locked events; the unique key `outbox:<event id>` would stop a double anyway.
    /// Returns how many events were dispatched.
    pub async fn dispatch_outbox(
        &mut self,
        limit: i64,
        max_attempts: i64,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let lock = if self.is_sqlite() {
            ""
        } else {
            " FOR UPDATE SKIP LOCKED"
        };
        let sql = format!(
            "SELECT id, at, kind, ticket_id, actor_id, payload FROM outbox
             WHERE processed_at IS NULL ORDER BY id LIMIT $1{lock}"
        );
        let events: Vec<NewJob> = on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| event_job(r, max_attempts, now))
                .collect::<Result<_, _>>()?
        });
        let mut ids = Vec::with_capacity(events.len());
        for job in &events {
            let id = job.payload["event_id"].as_i64().unwrap_or_default();
            self.enqueue(job, now).await?;
            ids.push(id);
        }
        self.mark_processed(&ids, now).await?;
        Ok(ids.len())
    }
}

/// The job that carries one outbox event to its consumers.
fn event_job(r: &impl Get, max_attempts: i64, now: DateTime<Utc>) -> Result<NewJob, StoreError> {
    let id = r.i64("id")?;
    let raw = r.text("payload")?;
    let payload: serde_json::Value =
        serde_json::from_str(&raw).map_err(|_| StoreError::Corrupt {
            column: "outbox.payload",
            value: raw,
        })?;
    Ok(NewJob {
        kind: EVENT_JOB_KIND.to_owned(),
        unique_key: Some(format!("outbox:{id}")),
        payload: serde_json::json!({
            "event_id": id,
            "event": r.text("kind")?,
            "at": r.ts("at")?,
            "ticket": r.opt_i64("ticket_id")?,
            "actor": r.opt_i64("actor_id")?,
            "payload": payload,
        }),
        run_at: now,
        max_attempts,
    })
}

impl Conn {
    /// One job. `NotFound` when there is none.
    pub async fn job(&mut self, id: i64) -> Result<Job, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM job WHERE id = $1");
        on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_one(c)
                    .await?,
            )
        })
    }

    /// Jobs in one state, newest first, `limit` after the id `before` (keyset paging: pass the
    /// last id of the previous page).
    pub async fn list_jobs(
        &mut self,
        state: JobState,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM job WHERE state = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(state.as_str())
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit.clamp(1, 500))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff {
            base: Duration::seconds(10),
            cap: Duration::minutes(5),
        };
        let ceilings: Vec<i64> = (1..=7).map(|n| b.ceiling(n).num_seconds()).collect();
        assert_eq!(ceilings, [10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(b.ceiling(10_000).num_seconds(), 300, "no overflow");
    }

    #[test]
    fn jitter_stays_between_half_and_the_ceiling() {
        let b = Backoff::default();
        assert_eq!(b.delay(3, 0.0).num_seconds(), 20);
        assert_eq!(b.delay(3, 1.0).num_seconds(), 40);
        assert_eq!(b.delay(3, 7.0).num_seconds(), 40, "clamped");
        let mid = b.delay(3, 0.5).num_seconds();
        assert!((20..=40).contains(&mid));
    }

    #[test]
    fn states_round_trip() {
        for s in [
            JobState::Queued,
            JobState::Running,
            JobState::Done,
            JobState::Failed,
            JobState::Dead,
        ] {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobState::parse("lost"), None);
    }
}
