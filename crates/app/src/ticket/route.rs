//! Moving a ticket to another queue with a reason: escalation to a higher level, transfer to
//! another desk. The ticket goes back to `new`, unassigned, in the target group's queue.

use super::change::required;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::lifecycle::Move;
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind};
use guichet_core::{GroupId, TicketId};
use guichet_store::ticket::Ticket;
use serde_json::json;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Escalate,
    Transfer,
}

impl App {
    /// Sends the ticket to a group of a higher level (N1 → N2 → N3), with a reason.
    pub async fn escalate(
        &self,
        caller: &Caller,
        id: TicketId,
        group: GroupId,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        self.route(caller, id, group, reason, Route::Escalate).await
    }

    /// Sends the ticket to a group of another desk (DSDEN → DSI, DSI → vendor), with a reason.
    pub async fn transfer(
        &self,
        caller: &Caller,
        id: TicketId,
        group: GroupId,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        self.route(caller, id, group, reason, Route::Transfer).await
    }

    async fn route(
        &self,
        caller: &Caller,
        id: TicketId,
        group: GroupId,
        reason: &str,
        route: Route,
    ) -> Result<Ticket, AppError> {
        let reason = required("reason", reason)?;
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        let target = c.tx.group(group).await.or_not_found("group")?;
        if !target.active {
            return Err(AppError::invalid("group", "group.inactive"));
        }
        let current = match c.ticket.group {
            Some(g) => Some(c.tx.group(g).await?),
            None => None,
        };
        match route {
            Route::Escalate if target.level <= c.ticket.level => {
                return Err(AppError::conflict_on("ticket.escalate_not_higher", "group"));
            }
            Route::Transfer if current.as_ref().is_some_and(|g| g.desk == target.desk) => {
                return Err(AppError::conflict_on("ticket.transfer_same_desk", "group"));
            }
            _ => {}
        }
        c.apply(Move::Requeue)?;
        c.ticket.group = Some(target.id);
        c.ticket.level = target.level;
        c.ticket.assignee = None;
        let data = json!({
            "from_group": current.as_ref().map(|g| &g.code),
            "to_group": target.code,
            "level": target.level.as_str(),
        });
        let (kind, event, action) = match route {
            Route::Escalate => (EntryKind::Escalation, EventKind::Escalated, "escalate"),
            Route::Transfer => (EntryKind::Transfer, EventKind::Transferred, "transfer"),
        };
        // The requester sees that their request moved on; the reason is the desk's business.
        c.entry(kind, true, "", data.clone()).await?;
        c.entry(
            EntryKind::Note,
            false,
            &reason,
            json!({ "reason_for": kind }),
        )
        .await?;
        c.finish(event, action, data).await
    }
}
