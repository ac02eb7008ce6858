//! Mail intake: one received message (from the IMAP collector or the MTA pipe) becomes exactly
//! one outcome: a ticket, a reply on a ticket, a quarantine entry, an ignored automatic message,
//! a bounce tied to its notice, or, when processing fails, a `failed` record an administrator
//! can replay. The record of the message commits with its outcome, so a second delivery of the
//! same message finds it and changes nothing.
//!
//! The policy's decisions are `guichet_core::intake`'s; the message's facts are
//! `guichet_mail::inbound`'s. This module gathers the facts, applies the order of the issue
//! (automatic, threading, domain, authentication, keyword, quota, role) and writes through the
//! same use cases as every other front door.

mod answer;
mod bounce;
mod quarantine;
mod request;
mod thread;

pub use answer::EXPLAIN_KIND;
pub use quarantine::{InboundView, RETENTION_KIND};

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use guichet_core::intake::{Mailbox, Reason, quota_day};
use guichet_mail::inbound::{Inbound, parse};
use guichet_store::intake::{InboundState, NewInbound};

/// How intake runs on this instance (from `[mail]` and its `[[mail.mailbox]]`).
#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub mailboxes: Vec<Mailbox>,
    /// The right-hand side of our Message-IDs: replies to them thread onto their ticket.
    pub message_domain: String,
    /// The académie's time zone: the quota's calendar day.
    pub time_zone: chrono_tz::Tz,
    /// Automatic answers one address receives in a day at most.
    pub auto_answers_per_day: u32,
    /// Permanent delivery failures after which an address is no longer mailed.
    pub bounce_threshold: u32,
    /// Days quarantined and ignored messages are kept.
    pub retention_days: u32,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            mailboxes: Vec::new(),
            message_domain: "localhost".into(),
            time_zone: chrono_tz::Europe::Paris,
            auto_answers_per_day: 5,
            bounce_threshold: 3,
            retention_days: 90,
        }
    }
}

impl IntakeSettings {
    pub fn mailbox(&self, name: &str) -> Option<&Mailbox> {
        self.mailboxes.iter().find(|m| m.name == name)
    }
}

/// What became of a received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new ticket. `linked`: it answers a ticket closed too long ago, to which it is linked.
    Ticket {
        reference: String,
        unverified: bool,
        linked: Option<String>,
    },
    /// A reply on a ticket; `reopened` when it reopened it.
    Reply { reference: String, reopened: bool },
    /// Refused by the policy; the deciding reason first.
    Quarantined { id: i64, reasons: Vec<Reason> },
    /// Automatic mail (the `auto.*` code).
    Ignored { reason: String },
    /// A delivery report, with the ticket of the notice it answers when known.
    Bounce { reference: Option<String> },
    /// Already recorded: nothing happened.
    Duplicate,
    /// Processing failed; the message is kept for an administrator to replay.
    Failed { id: i64, error: String },
}

impl IngestOutcome {
    /// The state recorded for the message.
    pub fn state(&self) -> &'static str {
        match self {
            Self::Ticket { .. } => "ticket",
            Self::Reply { .. } => "reply",
            Self::Quarantined { .. } => "quarantined",
            Self::Ignored { .. } => "ignored",
            Self::Bounce { .. } => "bounce",
            Self::Duplicate => "duplicate",
            Self::Failed { .. } => "failed",
        }
    }
}

/// One message being processed: what every step needs.
pub(crate) struct Received<'a> {
    pub mailbox: &'a Mailbox,
    pub msg: Inbound,
    pub raw: &'a [u8],
    pub now: DateTime<Utc>,
    pub day: String,
}

impl Received<'_> {
    pub fn key(&self) -> String {
        match &self.msg.message_id {
            Some(id) => id.clone(),
            None => format!("sha256:{}", self.msg.raw_sha256),
        }
    }

    pub fn sender(&self) -> String {
        self.msg.sender().unwrap_or_default().to_owned()
    }

    /// The record of this message in `state`; the raw bytes are kept within the mailbox's limit.
    pub fn record(&self, state: InboundState, reasons: Vec<Reason>) -> NewInbound {
        NewInbound {
            dedupe_key: self.key(),
            mailbox: self.mailbox.name.clone(),
            sender: self.sender(),
            subject: self.msg.subject.chars().take(500).collect(),
            received_at: self.now,
            quota_day: self.day.clone(),
            state,
            reasons,
            ticket: None,
            entry: None,
            size: i64::try_from(self.raw.len()).unwrap_or(i64::MAX),
            raw: (self.raw.len() <= self.mailbox.max_bytes).then(|| self.raw.to_vec()),
        }
    }
}

/// The store refused a second record of the same message.
fn is_duplicate(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Conflict {
            code: "duplicate",
            ..
        }
    )
}

impl App {
    /// Processes one received message for `mailbox`, exactly once. `Err` only for an unknown
    /// mailbox (`NotFound`) or an unreachable database (`Unavailable`: try again later); any
    /// other failure is recorded as `Failed` so that the caller can move the message on.
    pub async fn ingest_mail(&self, mailbox: &str, raw: &[u8]) -> Result<IngestOutcome, AppError> {
        let mailbox = self
            .config()
            .intake
            .mailbox(mailbox)
            .ok_or(AppError::NotFound("mailbox"))?;
        let now = self.now();
        let r = Received {
            mailbox,
            msg: parse(raw),
            raw,
            now,
            day: quota_day(now, self.config().intake.time_zone).to_string(),
        };
        self.ingest(&r).await
    }

    async fn ingest(&self, r: &Received<'_>) -> Result<IngestOutcome, AppError> {
        let key = r.key();
        if self
            .store()
            .read()
            .await?
            .inbound_by_key(&key)
            .await?
            .is_some()
        {
            return Ok(IngestOutcome::Duplicate);
        }
        match self.decide(r).await {
            Ok(outcome) => Ok(outcome),
            Err(e) if is_duplicate(&e) && self.recorded(&key).await? => {
                Ok(IngestOutcome::Duplicate)
            }
            Err(AppError::Unavailable(m)) => Err(AppError::Unavailable(m)),
            Err(e) => {
                tracing::warn!(key, error = %e, "mail intake failed; recorded for replay");
                let error = e.to_string();
                let rec = r.record(
                    InboundState::Failed,
                    vec![Reason::new("intake.error", error.clone())],
                );
                let mut tx = self.store().write().await?;
                match tx.insert_inbound(&rec).await {
                    Ok(id) => {
                        tx.commit().await?;
                        Ok(IngestOutcome::Failed { id, error })
                    }
                    Err(e) if e.is_conflict_on("dedupe_key") => Ok(IngestOutcome::Duplicate),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    async fn recorded(&self, key: &str) -> Result<bool, AppError> {
        Ok(self
            .store()
            .read()
            .await?
            .inbound_by_key(key)
            .await?
            .is_some())
    }

    /// The order of the policy.
    async fn decide(&self, r: &Received<'_>) -> Result<IngestOutcome, AppError> {
        if let Some(b) = &r.msg.bounce {
            return self.record_bounce(r, b).await;
        }
        if let Some(auto) = r.msg.automatic {
            return self.ignore(r, auto.code()).await;
        }
        if let Some(sender) = r.msg.sender() {
            // Mail from an address proves it works again.
            if self
                .store()
                .read()
                .await?
                .address_record(sender)
                .await?
                .bouncing
            {
                let mut tx = self.store().write().await?;
                tx.clear_bounces(sender).await?;
                tx.commit().await?;
            }
        }
        if let Some(ticket) = self.threaded_ticket(&r.msg).await? {
            return self.reply_by_mail(r, ticket).await;
        }
        self.request_by_mail(r, None).await
    }

    async fn ignore(&self, r: &Received<'_>, code: &str) -> Result<IngestOutcome, AppError> {
        let mut tx = self.store().write().await?;
        tx.insert_inbound(&r.record(InboundState::Ignored, vec![Reason::new(code, None)]))
            .await?;
        tx.commit().await?;
        Ok(IngestOutcome::Ignored {
            reason: code.to_owned(),
        })
    }
}
