//! The administrators' side of intake: list and read received messages, release a quarantined
//! one (the ticket is made anyway, audited), delete one, replay a failed one, and the daily
//! retention sweep.

use super::{IngestOutcome, Received};
use crate::admin::audit;
use crate::ticket::{Mailed, SubmitTicket};
use crate::{App, AppError, Caller};
use chrono::Duration;
use guichet_core::intake::quota_day;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_mail::inbound::{Inbound, parse};
use guichet_store::StoreError;
use guichet_store::intake::{InboundFilter, InboundMessage, InboundState};
use guichet_store::ticket::Ticket;
use serde_json::json;

/// The daily job that forgets old quarantined and ignored messages.
pub const RETENTION_KIND: &str = "intake.retention";

/// A received message as an administrator reads it.
#[derive(Debug, Clone)]
pub struct InboundView {
    pub message: InboundMessage,
    /// The message parsed again from its raw bytes; `None` once they are gone.
    pub parsed: Option<Inbound>,
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound => AppError::NotFound("message"),
        e => e.into(),
    }
}

impl App {
    pub async fn list_inbound(
        &self,
        caller: &Caller,
        filter: &InboundFilter,
    ) -> Result<Vec<InboundMessage>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        Ok(self.store().read().await?.list_inbound(filter).await?)
    }

    pub async fn read_inbound(&self, caller: &Caller, id: i64) -> Result<InboundView, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let message = conn.inbound(id).await.map_err(not_found)?;
        let parsed = conn.inbound_raw(id).await?.map(|raw| parse(&raw));
        Ok(InboundView { message, parsed })
    }

    /// Makes the ticket a quarantined message was refused: the sender must be a known person.
    pub async fn release_inbound(&self, caller: &Caller, id: i64) -> Result<Ticket, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let message = conn.inbound(id).await.map_err(not_found)?;
        if message.state != InboundState::Quarantined {
            return Err(AppError::conflict("inbound.not_quarantined"));
        }
        let raw = conn
            .inbound_raw(id)
            .await?
            .ok_or(AppError::conflict("inbound.no_message"))?;
        let person = match conn.person_by_email(&message.sender).await {
            Ok(p) if p.active => p,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(AppError::conflict("inbound.unknown_sender"));
            }
            Err(e) => return Err(e.into()),
        };
        drop(conn);
        let mailbox = self
            .config()
            .intake
            .mailbox(&message.mailbox)
            .ok_or(AppError::conflict("inbound.unknown_mailbox"))?;
        let now = self.now();
        let r = Received {
            mailbox,
            msg: parse(&raw),
            raw: &raw,
            now,
            day: quota_day(now, self.config().intake.time_zone).to_string(),
        };
        let (files, dropped) = super::request::uploads(self, &r);
        let mut mail = super::thread::mail_data(&r, false, &dropped);
        mail["released_by"] = json!(caller.person_id());
        let requester = self.caller(person.id, &caller.origin).await?;
        let application = match r.msg.subject.is_empty() {
            true => None,
            false => {
                let apps = self.store().read().await?.list_applications().await?;
                guichet_mail::inbound::KeywordSet::new(
                    apps.iter()
                        .filter(|a| a.active)
                        .map(|a| (a.id, a.keywords.iter().chain(std::iter::once(&a.code)))),
                )
                .find(&r.msg.subject)
            }
        };
        let req = SubmitTicket {
            on_behalf_of: None,
            establishment: None,
            application,
            ticket_type: TicketType::Incident,
            channel: Channel::Email,
            subject: match r.msg.subject.trim() {
                "" => "—".to_owned(),
                s => s.chars().take(200).collect(),
            },
            body: super::thread::body_of(&r.msg.text, &r.msg.text),
            urgency: Urgency::Medium,
            impact: Impact::Medium,
            attachments: files,
        };
        let ticket = self
            .submit_with(
                &requester,
                req,
                Some(Mailed {
                    inbound: None,
                    data: mail,
                    address: r.mailbox.address.clone(),
                }),
            )
            .await?;
        let mut tx = self.store().write().await?;
        tx.set_inbound_state(
            id,
            InboundState::Released,
            Some(ticket.id),
            None,
            false,
            now,
        )
        .await?;
        let details = json!({ "ticket": ticket.reference, "reasons": message.reasons });
        audit(
            &mut tx,
            caller,
            "inbound.release",
            "inbound_message",
            id.to_string(),
            details,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Deletes a message: its row stays (the dedupe key still guards against a redelivery),
    /// its content goes.
    pub async fn delete_inbound(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.set_inbound_state(id, InboundState::Deleted, None, None, true, now)
            .await
            .map_err(not_found)?;
        audit(
            &mut tx,
            caller,
            "inbound.delete",
            "inbound_message",
            id.to_string(),
            json!({}),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Processes a failed message again, as if it had just arrived.
    pub async fn replay_inbound(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<IngestOutcome, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let message = conn.inbound(id).await.map_err(not_found)?;
        if message.state != InboundState::Failed {
            return Err(AppError::conflict("inbound.not_failed"));
        }
        let raw = conn
            .inbound_raw(id)
            .await?
            .ok_or(AppError::conflict("inbound.no_message"))?;
        drop(conn);
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.delete_inbound(id).await?;
        audit(
            &mut tx,
            caller,
            "inbound.replay",
            "inbound_message",
            id.to_string(),
            json!({}),
            now,
        )
        .await?;
        tx.commit().await?;
        self.ingest_mail(&message.mailbox, &raw).await
    }

    /// Forgets quarantined, ignored and deleted messages older than the retention.
    pub async fn purge_inbound(&self) -> Result<u64, AppError> {
        let days = i64::from(self.config().intake.retention_days);
        let before = self.now() - Duration::days(days);
        let mut tx = self.store().write().await?;
        let n = tx
            .purge_inbound(
                &[
                    InboundState::Quarantined,
                    InboundState::Ignored,
                    InboundState::Deleted,
                ],
                before,
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}
