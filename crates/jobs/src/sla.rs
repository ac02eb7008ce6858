//! The `sla.sweep` job: every minute, the SLA sweep (warnings, breaches escalated) and the
//! auto-close of resolved tickets, both written in `guichet-app` (`App::sla_sweep`).
//!
//! The job schedules its successor before it sweeps, under a unique key per minute
//! (`sla.sweep:<minute>`), so several instances, a retry or a restart never run two sweeps for
//! the same minute, and a failing sweep does not stop the chain. `guichet serve` seeds the first
//! one with [`schedule`]. The sweep itself is idempotent (see `guichet_app::sla`).

use crate::{Handler, JobError, Registry};
use chrono::{DateTime, Utc};
use guichet_app::App;
use guichet_store::job::{Job, NewJob};
use guichet_store::{Store, StoreError};
use serde_json::json;

/// The kind of the sweep's jobs.
pub const SLA_SWEEP_KIND: &str = "sla.sweep";

/// Seconds between two sweeps.
pub const SWEEP_EVERY_SECONDS: i64 = 60;
/// Seconds one sweep job may spend on successive batches when many tickets are due (well within
/// a job's lease, and before the next sweep is due).
const SWEEP_BUDGET_SECONDS: u64 = 40;

/// Runs the sweep over an [`App`].
#[derive(Debug, Clone)]
pub struct SlaSweep {
    app: App,
}

/// Registers the sweep's handler.
pub fn register(registry: Registry, app: App) -> Registry {
    registry.register(SLA_SWEEP_KIND, SlaSweep { app })
}

/// The sweep of the first slot after `after`.
pub fn next_sweep(after: DateTime<Utc>) -> NewJob {
    let slot = after.timestamp().div_euclid(SWEEP_EVERY_SECONDS) + 1;
    NewJob {
        kind: SLA_SWEEP_KIND.into(),
        unique_key: Some(format!("{SLA_SWEEP_KIND}:{slot}")),
        payload: json!({ "slot": slot }),
        run_at: DateTime::from_timestamp(slot * SWEEP_EVERY_SECONDS, 0).unwrap_or(after),
        max_attempts: 3,
    }
}

/// Enqueues the next sweep (a no-op when it is already queued).
pub async fn schedule(store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    tx.enqueue(&next_sweep(now), now).await?;
    tx.commit().await
}

impl Handler for SlaSweep {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let now = self.app.now();
        schedule(self.app.store(), now)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        // Batch after batch while more are due, within most of the minute before the next sweep.
        let started = std::time::Instant::now();
        let budget = std::time::Duration::from_secs(SWEEP_BUDGET_SECONDS);
        loop {
            let report = self
                .app
                .sla_sweep()
                .await
                .map_err(|e| JobError::Retryable(e.to_string()))?;
            tracing::debug!(?report, "SLA sweep");
            if !report.more_due() || started.elapsed() >= budget {
                return Ok(());
            }
        }
    }
}
