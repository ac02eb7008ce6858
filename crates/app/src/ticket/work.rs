//! The desk's everyday moves: take in charge, assign, wait, resume, reprioritise, reclassify.

use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::lifecycle::{Move, Status, WaitingOn};
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind, Priority};
use guichet_core::{ApplicationId, GroupId, PersonId, TicketId};
use guichet_store::ticket::Ticket;
use serde_json::json;

impl App {
    /// The calling agent takes the ticket: it becomes theirs and `in_progress`.
    pub async fn take_in_charge(&self, caller: &Caller, id: TicketId) -> Result<Ticket, AppError> {
        let me = caller
            .person_id()
            .ok_or(AppError::conflict("ticket.take_needs_person"))?;
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        c.apply(Move::TakeInCharge)?;
        c.ticket.assignee = Some(me);
        let data = json!({ "assignee": me });
        c.entry(EntryKind::Assignment, true, "", data.clone())
            .await?;
        c.finish(EventKind::TakenInCharge, "take_in_charge", data)
            .await
    }

    /// Gives the ticket to an agent of its group, or moves it to another group of the same desk
    /// and level (dispatch), or both. Escalation and transfer have their own use cases.
    pub async fn assign(
        &self,
        caller: &Caller,
        id: TicketId,
        agent: Option<PersonId>,
        group: Option<GroupId>,
    ) -> Result<Ticket, AppError> {
        if agent.is_none() && group.is_none() {
            return Err(AppError::invalid("assignee", "required"));
        }
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        let mut delegate_of = None;
        if let Some(g) = group.filter(|g| Some(*g) != c.ticket.group) {
            let target = c.tx.group(g).await.or_not_found("group")?;
            if !target.active {
                return Err(AppError::invalid("group", "group.inactive"));
            }
            let current = match c.ticket.group {
                Some(cur) => Some(c.tx.group(cur).await?),
                None => None,
            };
            if current.is_some_and(|cur| cur.desk != target.desk || cur.level != target.level) {
                return Err(AppError::conflict_on(
                    "ticket.assign_other_desk_or_level",
                    "group",
                ));
            }
            c.ticket.group = Some(target.id);
            c.ticket.level = target.level;
            c.ticket.assignee = None;
        }
        if let Some(a) = agent {
            let g = c
                .ticket
                .group
                .ok_or(AppError::invalid("group", "required"))?;
            if !c.tx.is_member(g, a).await? {
                return Err(AppError::invalid("assignee", "assignee.not_in_group"));
            }
            // Meant for someone away: their delegate gets it, and the timeline says why. The
            // delegate shares a group with them but maybe not this one; as the assignee they
            // may work it all the same.
            let r = self.redirect_assignment(&mut c.tx, a, c.now).await?;
            c.ticket.assignee = Some(r.assignee);
            delegate_of = r.delegate_of;
        }
        if c.ticket.assignee.is_some() {
            c.apply(Move::Assign)?;
        } else if c.ticket.status != Status::New {
            c.apply(Move::Requeue)?;
        }
        let mut data = json!({ "assignee": c.ticket.assignee, "group": c.ticket.group });
        if let Some((absent, until)) = delegate_of {
            data["delegate_of"] = json!(absent);
            data["absent_until"] = json!(until);
        }
        c.entry(EntryKind::Assignment, true, "", data.clone())
            .await?;
        c.finish(EventKind::Assigned, "assign", data).await
    }

    /// Pauses the ticket until the requester or a third party answers.
    pub async fn wait(
        &self,
        caller: &Caller,
        id: TicketId,
        on: WaitingOn,
        reason: &str,
    ) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        c.apply(Move::Wait)?;
        c.ticket.waiting_on = Some(on);
        let data = json!({ "waiting_on": on });
        if !reason.trim().is_empty() {
            c.entry(EntryKind::Note, false, reason.trim(), data.clone())
                .await?;
        }
        c.finish(EventKind::Waiting, "wait", data).await
    }

    /// Back to work after a pause.
    pub async fn resume(&self, caller: &Caller, id: TicketId) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        c.apply(Move::Resume)?;
        c.finish(EventKind::Resumed, "resume", json!({})).await
    }

    pub async fn change_priority(
        &self,
        caller: &Caller,
        id: TicketId,
        priority: Priority,
    ) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        if c.ticket.status.is_terminal() {
            return Err(AppError::conflict("ticket.finished"));
        }
        let data = json!({ "from": c.ticket.priority, "to": priority });
        c.ticket.priority = priority;
        c.entry(EntryKind::PriorityChange, true, "", data.clone())
            .await?;
        c.finish(EventKind::PriorityChanged, "change_priority", data)
            .await
    }

    /// Reclassifies the request under another application. The group stays, unless a rule of
    /// the desk that runs on application changes moves it (written on the timeline).
    pub async fn change_application(
        &self,
        caller: &Caller,
        id: TicketId,
        application: ApplicationId,
    ) -> Result<Ticket, AppError> {
        let mut c = self.change(caller, id, TicketAction::Work).await?;
        if c.ticket.status.is_terminal() {
            return Err(AppError::conflict("ticket.finished"));
        }
        let app =
            c.tx.application(application)
                .await
                .or_not_found("application")?;
        let mut data = json!({ "from": c.ticket.application, "to": app.id, "code": app.code });
        c.ticket.application = Some(app.id);
        c.entry(EntryKind::ApplicationChange, true, "", data.clone())
            .await?;
        // Rules that ask for it run again on the reclassified ticket, in the same change.
        let rules = self.reroute_on_application_change(&mut c).await?;
        if !rules.is_empty() {
            data["rules"] = json!(rules);
        }
        c.finish(EventKind::ApplicationChanged, "change_application", data)
            .await
    }
}
