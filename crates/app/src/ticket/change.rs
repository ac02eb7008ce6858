//! The shape of every change to an existing ticket.

use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::lifecycle::{Actor, Move, Status, next};
use guichet_core::permission::{Denied, TicketAction, may};
use guichet_core::ticket::{EntryKind, EventKind};
use guichet_core::{EntryId, TicketId};
use guichet_store::Tx;
use guichet_store::audit::AuditRecord;
use guichet_store::outbox::NewEvent;
use guichet_store::ticket::Ticket;
use guichet_store::ticket::timeline::NewEntry;
use serde_json::{Value, json};

/// A ticket locked for change in an open transaction.
pub(crate) struct Change<'a> {
    pub tx: Tx,
    pub ticket: Ticket,
    pub before: Status,
    pub actor: Actor,
    pub caller: &'a Caller,
    pub now: DateTime<Utc>,
}

/// A ticket the caller may not see is reported as not found, so that its existence does not leak.
pub(crate) fn check(caller: &Caller, action: TicketAction, t: &Ticket) -> Result<Actor, AppError> {
    may(&caller.subject, action, &t.facts()).map_err(|d: Denied| {
        if d.is_not_visible() {
            AppError::NotFound("ticket")
        } else {
            AppError::Forbidden(d)
        }
    })
}

impl App {
    /// Opens a change: locks the ticket and checks that `caller` may do `action` on it.
    pub(crate) async fn change<'a>(
        &self,
        caller: &'a Caller,
        id: TicketId,
        action: TicketAction,
    ) -> Result<Change<'a>, AppError> {
        let mut tx = self.store().write().await?;
        let ticket = tx.ticket_for_update(id).await.or_not_found("ticket")?;
        self.opened(tx, caller, ticket, action)
    }

    /// Opens a change on `id` that also locks `other`, the two rows in id order, so that two
    /// changes over the same pair (a link made each way at once) wait for each other instead of
    /// deadlocking. Returns `other` as read under the lock, `None` when there is no such ticket;
    /// whether the caller may see it is the use case's question.
    pub(crate) async fn change_with_other<'a>(
        &self,
        caller: &'a Caller,
        id: TicketId,
        action: TicketAction,
        other: TicketId,
    ) -> Result<(Change<'a>, Option<Ticket>), AppError> {
        let mut tx = self.store().write().await?;
        let mut locked = None;
        if other < id {
            locked = lock_if_exists(&mut tx, other).await?;
        }
        let ticket = tx.ticket_for_update(id).await.or_not_found("ticket")?;
        if other > id {
            locked = lock_if_exists(&mut tx, other).await?;
        }
        Ok((self.opened(tx, caller, ticket, action)?, locked))
    }

    fn opened<'a>(
        &self,
        tx: Tx,
        caller: &'a Caller,
        ticket: Ticket,
        action: TicketAction,
    ) -> Result<Change<'a>, AppError> {
        let actor = check(caller, action, &ticket)?;
        Ok(Change {
            tx,
            before: ticket.status,
            ticket,
            actor,
            caller,
            now: self.now(),
        })
    }
}

async fn lock_if_exists(tx: &mut Tx, id: TicketId) -> Result<Option<Ticket>, AppError> {
    match tx.ticket_for_update(id).await {
        Ok(t) => Ok(Some(t)),
        Err(guichet_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Change<'_> {
    /// Applies a lifecycle move and keeps the dates that follow from the new status.
    pub fn apply(&mut self, mv: Move) -> Result<(), AppError> {
        let to = next(self.ticket.status, mv, self.actor)?;
        let t = &mut self.ticket;
        match to {
            Status::InProgress if t.taken_at.is_none() => t.taken_at = Some(self.now),
            Status::Resolved => t.resolved_at = Some(self.now),
            Status::Closed | Status::Rejected | Status::Cancelled => t.closed_at = Some(self.now),
            _ => {}
        }
        if matches!(mv, Move::Reopen { .. }) {
            t.resolved_at = None;
            t.closed_at = None;
        }
        if to != Status::Waiting {
            t.waiting_on = None;
        }
        t.status = to;
        Ok(())
    }

    /// Adds a timeline entry written by the caller.
    pub async fn entry(
        &mut self,
        kind: EntryKind,
        public: bool,
        body: &str,
        data: Value,
    ) -> Result<EntryId, AppError> {
        let entry = NewEntry {
            ticket: self.ticket.id,
            kind,
            public,
            author: self.caller.person_id(),
            body: body.to_owned(),
            data,
            created_at: self.now,
        };
        let id = self.tx.add_entry(&entry).await?;
        // One search index serves every reader: internal text (notes, routing reasons) stays out
        // of it, or a requester could learn a note's words by searching for them.
        if public && !body.is_empty() {
            self.tx
                .index_terms(self.ticket.id, &guichet_core::search::index_text(body))
                .await?;
        }
        Ok(id)
    }

    /// Saves the ticket, records the status change if there was one, audits, emits `event`, and
    /// commits: all or nothing.
    pub async fn finish(
        mut self,
        event: EventKind,
        action: &str,
        details: Value,
    ) -> Result<Ticket, AppError> {
        if self.ticket.status != self.before {
            let data = json!({ "from": self.before, "to": self.ticket.status });
            self.entry(EntryKind::StatusChange, true, "", data).await?;
            crate::sla::on_status_change(
                &mut self.tx,
                self.ticket.id,
                self.ticket.status,
                self.now,
            )
            .await?;
        }
        self.ticket.updated_at = self.now;
        self.tx.update_ticket(&self.ticket).await?;
        let t = &self.ticket;
        self.tx
            .audit(&AuditRecord {
                at: self.now,
                actor: self.caller.person_id(),
                action: format!("ticket.{action}"),
                object_type: "ticket",
                object_id: t.reference.to_string(),
                origin: self.caller.origin.clone(),
                details: details.clone(),
            })
            .await?;
        self.tx
            .emit(&NewEvent {
                at: self.now,
                kind: event,
                ticket: Some(t.id),
                actor: self.caller.person_id(),
                payload: json!({
                    "reference": t.reference,
                    "status": t.status,
                    "group": t.group,
                    "assignee": t.assignee,
                    "details": details,
                }),
            })
            .await?;
        self.tx.commit().await?;
        Ok(self.ticket)
    }
}

/// A required free text (a reason, a solution): trimmed, not blank, bounded.
pub(crate) fn required(field: &'static str, text: &str) -> Result<String, AppError> {
    Ok(guichet_core::error::required_text(field, text, 20_000)?)
}
