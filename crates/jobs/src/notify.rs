//! The notification handlers: `outbox.event` records who is told what ([`App::notify_event`]),
//! `notify.send` renders one notice in its recipient's language and hands it to the SMTP
//! server, `notify.digest` gathers a person's day into one message. Each records the server's
//! answer on the notification; a refusal (5xx) is final, anything else is retried with the
//! queue's back-off. Idempotent: a notification already sent is not sent again.

use crate::{Handler, JobError, Registry};
use guichet_app::notify::{DIGEST_KIND, NotifySettings, Outgoing, SEND_KIND, TicketEvent};
use guichet_app::{App, AppError};
use guichet_core::PersonId;
use guichet_mail::{
    Digest, DigestItem, MailConfig, Mailer, Notice, Renderer, SendError, digest_message,
    notice_message,
};
use guichet_store::job::{EVENT_JOB_KIND, Job};
use guichet_store::notification::Notification;
use serde_json::Value;
use std::sync::Arc;

/// What the three handlers share.
#[derive(Debug)]
struct Shared<M> {
    app: App,
    mailer: Option<M>,
    renderer: Renderer,
    config: MailConfig,
}

/// The notification handlers over `mailer`.
#[derive(Debug)]
pub struct Notifier<M> {
    shared: Arc<Shared<M>>,
}

impl<M> Clone for Notifier<M> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

/// Registers the notification handlers: with an SMTP server configured, notices are mailed;
/// without one they are recorded for the in-app list only.
pub fn register(registry: Registry, app: App, config: &MailConfig) -> Result<Registry, String> {
    config.validate()?;
    let mailer = crate::smtp_mailer(config)?;
    Ok(Notifier::new(app, mailer, config.clone()).register(registry))
}

impl<M: Mailer + std::fmt::Debug> Notifier<M> {
    /// `mailer` `None`: no email is queued.
    pub fn new(app: App, mailer: Option<M>, config: MailConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                app,
                mailer,
                renderer: Renderer::new(config.templates_dir.clone()),
                config,
            }),
        }
    }

    /// Adds the handlers of the kinds this notifier runs.
    pub fn register(self, registry: Registry) -> Registry {
        let registry = registry.register(EVENT_JOB_KIND, Events(self.clone()));
        if self.shared.mailer.is_none() {
            return registry;
        }
        registry
            .register(SEND_KIND, Sends(self.clone()))
            .register(DIGEST_KIND, Digests(self))
    }

    fn settings(&self) -> NotifySettings {
        NotifySettings {
            email: self.shared.mailer.is_some(),
            digest_hour: self.shared.config.digest_hour,
        }
    }

    fn link(&self, n: &Notification, reference: &str) -> String {
        let base = self.shared.config.public_url.trim_end_matches('/');
        if n.data["audience"].as_str() == Some("agent") {
            format!("{base}/desk/tickets/{reference}")
        } else {
            format!("{base}/requests/{reference}")
        }
    }

    fn notice(&self, o: &Outgoing) -> Notice {
        let n = &o.notification;
        let text = |k: &str| n.data[k].as_str().map(str::to_owned);
        let reference = text("reference").unwrap_or_default();
        let link = self.link(n, &reference);
        Notice {
            kind: n.kind.clone(),
            lang: o.recipient.locale.as_str().to_owned(),
            recipient_name: o.recipient.display_name.clone(),
            recipient_email: o.recipient.email.clone(),
            subject: text("subject").unwrap_or_default(),
            survey_link: (n.kind == "resolved").then(|| format!("{link}#survey-title")),
            link,
            reference,
            actor: text("actor"),
            body: text("body"),
            group: text("group"),
            on_behalf_of: text("on_behalf_of"),
            sequence: n.id,
            thread_root: o.thread_root,
        }
    }

    async fn send_one(&self, id: i64) -> Result<(), JobError> {
        let s = &self.shared;
        let Some(mailer) = &s.mailer else {
            return Ok(());
        };
        let Some(outgoing) = s.app.outgoing(id).await.map_err(app_error)? else {
            return Ok(());
        };
        let notice = self.notice(&outgoing);
        let message = s
            .renderer
            .render(&notice.kind, &notice)
            .map_err(|e| e.to_string())
            .and_then(|r| notice_message(&s.config, &notice, &r).map_err(|e| e.to_string()));
        let outcome = match message {
            Ok(m) => mailer.send(m).await,
            Err(e) => Err(SendError::Permanent(e)),
        };
        self.settle(&[id], outcome).await
    }

    async fn send_digest(&self, person: PersonId) -> Result<(), JobError> {
        let s = &self.shared;
        let Some(mailer) = &s.mailer else {
            return Ok(());
        };
        let Some((recipient, pending)) = s.app.digest_of(person).await.map_err(app_error)? else {
            return Ok(());
        };
        let items = pending
            .iter()
            .map(|n| {
                let reference = n.data["reference"].as_str().unwrap_or_default().to_owned();
                DigestItem {
                    kind: n.kind.clone(),
                    link: self.link(n, &reference),
                    reference,
                    subject: n.data["subject"].as_str().unwrap_or_default().to_owned(),
                    actor: n.data["actor"].as_str().map(str::to_owned),
                    group: n.data["group"].as_str().map(str::to_owned),
                    at: n.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                }
            })
            .collect::<Vec<_>>();
        let ids: Vec<i64> = pending.iter().map(|n| n.id).collect();
        let digest = Digest {
            lang: recipient.locale.as_str().to_owned(),
            recipient_name: recipient.display_name.clone(),
            recipient_email: recipient.email.clone(),
            count: items.len() as i64,
            items,
            link: format!(
                "{}/notifications",
                s.config.public_url.trim_end_matches('/')
            ),
            key: format!("{}.{}", person.0, ids.last().copied().unwrap_or_default()),
        };
        let message = s
            .renderer
            .render("digest", &digest)
            .map_err(|e| e.to_string())
            .and_then(|r| digest_message(&s.config, &digest, &r).map_err(|e| e.to_string()));
        let outcome = match message {
            Ok(m) => mailer.send(m).await,
            Err(e) => Err(SendError::Permanent(e)),
        };
        self.settle(&ids, outcome).await
    }

    /// Records the server's answer and tells the queue whether to try again.
    async fn settle(
        &self,
        ids: &[i64],
        outcome: Result<String, SendError>,
    ) -> Result<(), JobError> {
        let app = &self.shared.app;
        match outcome {
            Ok(answer) => {
                app.record_delivery(ids, Ok(&answer))
                    .await
                    .map_err(app_error)?;
                Ok(())
            }
            Err(SendError::Permanent(answer)) => {
                app.record_delivery(ids, Err(&answer))
                    .await
                    .map_err(app_error)?;
                Err(JobError::Permanent(answer))
            }
            // Still queued: the next run tries again.
            Err(SendError::Transient(answer)) => {
                app.record_deferral(ids, &answer).await.map_err(app_error)?;
                Err(JobError::Retryable(answer))
            }
        }
    }
}

fn app_error(e: AppError) -> JobError {
    match e {
        AppError::Unavailable(_) | AppError::Internal(_) => JobError::Retryable(e.to_string()),
        other => JobError::Permanent(other.to_string()),
    }
}

fn id_in(payload: &Value, key: &str) -> Result<i64, JobError> {
    payload[key]
        .as_i64()
        .ok_or_else(|| JobError::Permanent(format!("payload without {key}")))
}

/// `outbox.event`: records the event's notices.
#[derive(Debug)]
struct Events<M>(Notifier<M>);

impl<M: Mailer + std::fmt::Debug> Handler for Events<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let event = TicketEvent::from_job(&job.payload)
            .ok_or_else(|| JobError::Permanent("not an outbox event".into()))?;
        self.0
            .shared
            .app
            .notify_event(&event, &self.0.settings())
            .await
            .map_err(app_error)?;
        Ok(())
    }
}

/// `notify.send`: mails one notification.
#[derive(Debug)]
struct Sends<M>(Notifier<M>);

impl<M: Mailer + std::fmt::Debug> Handler for Sends<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.0.send_one(id_in(&job.payload, "notification")?).await
    }
}

/// `notify.digest`: mails one person's digest.
#[derive(Debug)]
struct Digests<M>(Notifier<M>);

impl<M: Mailer + std::fmt::Debug> Handler for Digests<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.0
            .send_digest(PersonId(id_in(&job.payload, "person")?))
            .await
    }
}
