//! SLA targets around the core's clocks (`guichet_core::sla`): the clocks start at submission
//! (`crate::routing`), are replayed on every status change ([`on_status_change`], called by
//! every ticket change in the transaction of the change), and the sweep ([`sweep`]) warns,
//! escalates breaches and closes resolved tickets nobody answered. Calendars and policies are
//! administered in [`admin`].

mod admin;
pub(crate) mod clock;
mod sweep;

pub use admin::{CalendarInput, PolicyInput};
pub use sweep::SweepReport;

use crate::ticket::change::check;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::TicketId;
use guichet_core::lifecycle::Status;
use guichet_core::permission::TicketAction;
use guichet_core::sla::StatusChange;
use guichet_store::Tx;
use guichet_store::sla::TicketSla;
use std::collections::HashMap;

/// Replays a ticket's SLA clocks after its status became `status` at `now`; nothing when no
/// policy covers the ticket. Runs in the change's transaction.
pub(crate) async fn on_status_change(
    tx: &mut Tx,
    ticket: TicketId,
    status: Status,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(previous) = tx.ticket_sla(ticket).await? else {
        return Ok(());
    };
    let mut history = previous.history.clone();
    history.push(StatusChange { at: now, status });
    let policy = tx.policy(previous.policy).await?;
    let calendar = tx.calendar(policy.calendar).await?.calendar;
    let next = clock::compute(ticket, &policy, &calendar, history, now, Some(&previous));
    tx.put_ticket_sla(&next).await?;
    Ok(())
}

impl App {
    /// A ticket's SLA clocks for whoever may read the ticket (the requester sees the expected
    /// take-in-charge and resolution dates); `None` when no policy covers it.
    pub async fn ticket_sla(
        &self,
        caller: &Caller,
        id: TicketId,
    ) -> Result<Option<TicketSla>, AppError> {
        let mut conn = self.store().read().await?;
        let ticket = conn.ticket(id).await.map_err(|e| match e {
            guichet_store::StoreError::NotFound => AppError::NotFound("ticket"),
            other => other.into(),
        })?;
        check(caller, TicketAction::Read, &ticket)?;
        Ok(conn.ticket_sla(id).await?)
    }

    /// The SLA clocks of tickets the caller already listed (queue rows: remaining time and
    /// breaches), by ticket. Tickets the caller may not read are left out.
    pub async fn listed_slas(
        &self,
        caller: &Caller,
        tickets: &[guichet_store::ticket::Ticket],
    ) -> Result<HashMap<TicketId, TicketSla>, AppError> {
        let ids: Vec<TicketId> = tickets
            .iter()
            .filter(|t| check(caller, TicketAction::Read, t).is_ok())
            .map(|t| t.id)
            .collect();
        let mut conn = self.store().read().await?;
        Ok(conn
            .ticket_slas(&ids)
            .await?
            .into_iter()
            .map(|s| (s.ticket, s))
            .collect())
    }
}
