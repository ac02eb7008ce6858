//! Mail intake's jobs: `intake.explain` mails a refused sender the one explanation the intake
//! queued for them; `intake.retention` forgets old quarantined and ignored messages once a day
//! and queues its next run.

use crate::{Handler, JobError, Registry};
use chrono::{DateTime, Duration, Utc};
use guichet_app::App;
use guichet_app::intake::{EXPLAIN_KIND, RETENTION_KIND};
use guichet_mail::{MailConfig, Mailer, Refusal, Renderer, SendError, refusal_message};
use guichet_store::job::{Job, NewJob};
use guichet_store::{Store, StoreError};
use serde_json::json;
use std::sync::Arc;

/// Registers the retention sweep and, with a mailer, the explanations.
pub fn register<M: Mailer + std::fmt::Debug>(
    registry: Registry,
    app: App,
    mailer: Option<M>,
    config: &MailConfig,
) -> Registry {
    let registry = registry.register(RETENTION_KIND, Retention { app });
    match mailer {
        Some(mailer) => registry.register(
            EXPLAIN_KIND,
            Explain(Arc::new(ExplainInner {
                mailer,
                renderer: Renderer::new(config.templates_dir.clone()),
                config: config.clone(),
            })),
        ),
        None => registry,
    }
}

/// The next sweep, one day after `now` (one per day, whatever the number of instances).
pub fn next_retention(now: DateTime<Utc>) -> NewJob {
    let day = (now + Duration::days(1)).date_naive();
    NewJob {
        kind: RETENTION_KIND.into(),
        unique_key: Some(format!("{RETENTION_KIND}:{day}")),
        payload: json!({ "day": day.to_string() }),
        run_at: day.and_hms_opt(3, 0, 0).map_or(now, |t| t.and_utc()),
        max_attempts: 3,
    }
}

/// Queues the next sweep (a no-op when it is already queued).
pub async fn schedule(store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    tx.enqueue(&next_retention(now), now).await?;
    tx.commit().await
}

#[derive(Debug)]
struct Retention {
    app: App,
}

impl Handler for Retention {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let retry = |e: &dyn std::fmt::Display| JobError::Retryable(e.to_string());
        schedule(self.app.store(), self.app.now())
            .await
            .map_err(|e| retry(&e))?;
        let n = self.app.purge_inbound().await.map_err(|e| retry(&e))?;
        tracing::info!(purged = n, "mail intake retention");
        Ok(())
    }
}

#[derive(Debug)]
struct ExplainInner<M> {
    mailer: M,
    renderer: Renderer,
    config: MailConfig,
}

#[derive(Debug)]
struct Explain<M>(Arc<ExplainInner<M>>);

impl<M: Mailer + std::fmt::Debug> Handler for Explain<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let s = &self.0;
        let p = &job.payload;
        let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
        let refusal = Refusal {
            lang: "fr".into(),
            recipient_email: text("to"),
            subject: text("subject"),
            mailbox: text("mailbox"),
            reasons: p["reasons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str())
                .map(|r| r.trim_start_matches("intake.").to_owned())
                .collect(),
            link: format!("{}/requests/new", s.config.public_url.trim_end_matches('/')),
            in_reply_to: p["message_id"].as_str().map(str::to_owned),
            key: p["inbound"].as_i64().unwrap_or_default().to_string(),
        };
        let message = refusal_message(&s.config, &s.renderer, &refusal)
            .map_err(|e| JobError::Permanent(e.to_string()))?;
        match s.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(SendError::Permanent(e)) => Err(JobError::Permanent(e)),
            Err(SendError::Transient(e)) => Err(JobError::Retryable(e)),
        }
    }
}
