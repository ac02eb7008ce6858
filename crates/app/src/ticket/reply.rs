//! Public replies and internal notes.

use super::attach::{self, Upload};
use super::change::required;
use crate::{App, AppError, Caller};
use chrono::Duration;
use guichet_core::lifecycle::{Actor, Move, Status, WaitingOn};
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind};
use guichet_core::{PersonId, TicketId};
use guichet_store::ticket::Ticket;
use serde_json::json;

impl App {
    /// A public reply. From the desk, optionally "and wait for the requester's answer"; from the
    /// requester, it resumes a ticket waiting for them and reopens a resolved one within the
    /// reopen window.
    pub async fn reply(
        &self,
        caller: &Caller,
        id: TicketId,
        body: &str,
        attachments: Vec<Upload>,
        wait_for_requester: bool,
    ) -> Result<Ticket, AppError> {
        let body = required("body", body)?;
        attach::validate(self.config(), &attachments)?;
        let mut c = self.change(caller, id, TicketAction::Reply).await?;
        let from_desk = matches!(c.actor, Actor::Agent | Actor::Admin);
        let event = if from_desk {
            if wait_for_requester {
                c.apply(Move::Wait)?;
                c.ticket.waiting_on = Some(WaitingOn::Requester);
            }
            EventKind::Replied
        } else if c.ticket.requester != caller.person_id().unwrap_or(PersonId(0)) {
            // A watcher (a duplicate's requester) adds to the conversation and the desk is told,
            // but only the requester resumes or reopens the ticket, as `reopen` itself allows.
            if c.ticket.status.is_terminal() {
                return Err(AppError::conflict("ticket.finished"));
            }
            EventKind::RequesterReplied
        } else {
            match c.ticket.status {
                Status::Waiting if c.ticket.waiting_on == Some(WaitingOn::Requester) => {
                    c.apply(Move::Resume)?;
                }
                Status::Resolved => {
                    let window = Duration::days(self.config().reopen_window_days);
                    if c.ticket.resolved_at.is_some_and(|at| c.now - at > window) {
                        return Err(AppError::conflict("ticket.reopen_window_passed"));
                    }
                    let assigned = c.ticket.assignee.is_some();
                    c.apply(Move::Reopen { assigned })?;
                }
                s if s.is_terminal() => return Err(AppError::conflict("ticket.finished")),
                _ => {}
            }
            EventKind::RequesterReplied
        };
        let entry = c.entry(EntryKind::Reply, true, &body, json!({})).await?;
        let files = attach::store_all(&mut c.tx, c.ticket.id, entry, &attachments, c.now).await?;
        let data = json!({ "entry": entry, "attachments": files.len() });
        c.finish(event, "reply", data).await
    }

    /// An internal note: only the desk sees it.
    pub async fn note(
        &self,
        caller: &Caller,
        id: TicketId,
        body: &str,
        attachments: Vec<Upload>,
    ) -> Result<Ticket, AppError> {
        let body = required("body", body)?;
        attach::validate(self.config(), &attachments)?;
        let mut c = self.change(caller, id, TicketAction::Note).await?;
        let entry = c.entry(EntryKind::Note, false, &body, json!({})).await?;
        let files = attach::store_all(&mut c.tx, c.ticket.id, entry, &attachments, c.now).await?;
        let data = json!({ "entry": entry, "attachments": files.len() });
        c.finish(EventKind::NoteAdded, "note", data).await
    }
}
