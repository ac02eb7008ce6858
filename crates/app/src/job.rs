//! The administrators' view of the job queue: the failing and dead jobs, and replaying one.
//! Running jobs is `guichet-jobs`' business; this module only reads the queue and puts a job
//! back, audited, for the people allowed to.

use crate::{App, AppError, Caller};
use guichet_core::FieldError;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_store::StoreError;
use guichet_store::audit::AuditRecord;
use guichet_store::job::{Job, JobState};
use serde_json::json;

/// The states an administrator lists: the ones that need a look.
pub fn listable_state(field: &'static str, state: &str) -> Result<JobState, FieldError> {
    match JobState::parse(state) {
        Some(s @ (JobState::Failed | JobState::Dead)) => Ok(s),
        _ => Err(FieldError::new(field, "invalid")),
    }
}

impl App {
    /// Failing (retrying) or dead jobs, newest first, `limit` (1 to 200) after the id `before`.
    /// Administrators only.
    pub async fn jobs(
        &self,
        caller: &Caller,
        state: JobState,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Job>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        if !matches!(state, JobState::Failed | JobState::Dead) {
            return Err(AppError::invalid("state", "invalid"));
        }
        if !(1..=200).contains(&limit) {
            return Err(AppError::invalid("limit", "invalid"));
        }
        let mut conn = self.store().read().await?;
        Ok(conn.list_jobs(state, before, limit).await?)
    }

    /// Puts a dead or failing job back in the queue, due now, with its attempts reset; audited.
    /// Administrators only.
    pub async fn replay_job(&self, caller: &Caller, id: i64) -> Result<Job, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = match tx.job(id).await {
            Err(StoreError::NotFound) => return Err(AppError::NotFound("job")),
            other => other?,
        };
        let job = match tx.replay_job(id, now).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::conflict_on("job.not_replayable", "state"));
            }
            other => other?,
        };
        tx.audit(&AuditRecord {
            at: now,
            actor: caller.person_id(),
            action: "job.replay".into(),
            object_type: "job",
            object_id: id.to_string(),
            origin: caller.origin.clone(),
            details: json!({
                "kind": before.kind,
                "state": before.state.as_str(),
                "attempts": before.attempts,
                "last_error": before.last_error,
            }),
        })
        .await?;
        tx.commit().await?;
        Ok(job)
    }
}
