//! The end of a request: resolve, close, reopen, cancel, reject, and the satisfaction survey.

use super::change::required;
use crate::{App, AppError, Caller};
use chrono::Duration;
use guichet_core::TicketId;
use guichet_core::lifecycle::{Actor, Move, Status};
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind};
use guichet_store::ticket::Ticket;
use serde_json::json;

impl App {
    /// The desk gives its solution; the requester is asked to confirm or reopen.
    pub async fn resolve(
        &self,
        caller: &Caller,
        id: TicketId,
        solution: &str,
    ) -> Result<Ticket, AppError> {
        let solution = required("solution", solution)?;
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        c.apply(Move::Resolve)?;
        c.ticket.solution = Some(solution.clone());
        c.entry(EntryKind::Resolution, true, &solution, json!({}))
            .await?;
        c.finish(EventKind::Resolved, "resolve", json!({})).await
    }

    /// Closes a resolved ticket: the requester confirms it is solved, or the desk closes it.
    pub async fn close(&self, caller: &Caller, id: TicketId) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Close).await?;
        c.apply(Move::Close)?;
        c.finish(EventKind::Closed, "close", json!({})).await
    }

    /// "It is not solved": a requester reopens a resolved ticket within the reopen window; the desk
    /// reopens a resolved or closed one at any time.
    pub async fn reopen(
        &self,
        caller: &Caller,
        id: TicketId,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        let reason = required("reason", reason)?;
        let mut c = self.change(caller, id, TicketAction::Reopen).await?;
        if c.actor == Actor::Requester {
            let window = Duration::days(self.config().reopen_window_days);
            if c.ticket.status == Status::Resolved
                && c.ticket.resolved_at.is_some_and(|at| c.now - at > window)
            {
                return Err(AppError::conflict("ticket.reopen_window_passed"));
            }
        }
        let assigned = c.ticket.assignee.is_some();
        c.apply(Move::Reopen { assigned })?;
        c.entry(EntryKind::Reply, true, &reason, json!({ "reopen": true }))
            .await?;
        c.finish(EventKind::Reopened, "reopen", json!({})).await
    }

    /// The requester withdraws the request.
    pub async fn cancel(
        &self,
        caller: &Caller,
        id: TicketId,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Cancel).await?;
        c.apply(Move::Cancel)?;
        if !reason.trim().is_empty() {
            c.entry(
                EntryKind::Reply,
                true,
                reason.trim(),
                json!({ "cancel": true }),
            )
            .await?;
        }
        c.finish(EventKind::Cancelled, "cancel", json!({})).await
    }

    /// The desk refuses the request, with a reason the requester reads.
    pub async fn reject(
        &self,
        caller: &Caller,
        id: TicketId,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        let reason = required("reason", reason)?;
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        c.apply(Move::Reject)?;
        c.ticket.solution = Some(reason.clone());
        c.entry(
            EntryKind::Resolution,
            true,
            &reason,
            json!({ "rejected": true }),
        )
        .await?;
        c.finish(EventKind::Rejected, "reject", json!({})).await
    }

    /// The satisfaction survey: 1 to 5 and a comment, once the ticket is resolved or closed.
    pub async fn rate(
        &self,
        caller: &Caller,
        id: TicketId,
        score: i16,
        comment: &str,
    ) -> Result<Ticket, AppError> {
        if !(1..=5).contains(&score) {
            return Err(AppError::invalid("score", "score.range"));
        }
        let mut c = self.change(caller, id, TicketAction::Rate).await?;
        if !matches!(c.ticket.status, Status::Resolved | Status::Closed) {
            return Err(AppError::conflict("ticket.not_resolved"));
        }
        let comment = comment.trim();
        c.ticket.satisfaction = Some(score);
        c.ticket.satisfaction_comment = (!comment.is_empty()).then(|| comment.to_owned());
        let data = json!({ "score": score });
        c.entry(EntryKind::SurveyAnswer, true, comment, data.clone())
            .await?;
        c.finish(EventKind::Rated, "rate", data).await
    }
}
