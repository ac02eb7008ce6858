//! The daily directory sync job: runs the LDAP sync like `guichet directory sync`, then queues
//! the next day's. A server that does not answer is retried with back-off; a configuration that
//! cannot work is a dead job for an administrator to see.

use crate::{Handler, JobError};
use guichet_app::directory::next_daily;
use guichet_app::{App, AppError, Caller};
use guichet_directory::{DirectoryError, LdapConfig};
use guichet_store::job::Job;

pub use guichet_app::directory::SYNC_JOB_KIND as DIRECTORY_SYNC_KIND;

/// Runs the daily sync.
#[derive(Debug, Clone)]
pub struct DirectorySyncJob {
    app: App,
    config: LdapConfig,
}

impl DirectorySyncJob {
    pub fn new(app: App, config: LdapConfig) -> Self {
        Self { app, config }
    }

    /// Queues the next run (idempotent: one job per day).
    pub async fn schedule_next(&self) -> Result<(), AppError> {
        let Some(time) = self.config.daily_time() else {
            return Ok(());
        };
        self.app
            .schedule_directory_sync(next_daily(self.app.now(), time))
            .await
            .map(|_| ())
    }
}

impl Handler for DirectorySyncJob {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.schedule_next()
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        let report = guichet_directory::ldap::sync(
            &self.app,
            &Caller::system("job directory.sync"),
            &self.config,
            false,
        )
        .await
        .map_err(|e| match e {
            DirectoryError::Ldap(_) | DirectoryError::App(AppError::Unavailable(_)) => {
                JobError::Retryable(e.to_string())
            }
            other => JobError::Permanent(other.to_string()),
        })?;
        let c = report.counts;
        tracing::info!(
            run = report.run_id,
            created = c.persons_created,
            updated = c.persons_updated,
            deactivated = c.persons_deactivated,
            rejected = c.persons_rejected + c.establishments_rejected,
            "directory synced"
        );
        Ok(())
    }
}
