//! Bulk actions on a selection of tickets: each ticket goes through the same single-ticket use
//! case as one clicked alone, in its own transaction, so one refusal (a move the lifecycle does
//! not allow from that ticket's status, a ticket the caller may not see) leaves the others done
//! and is reported beside them.

use crate::{App, AppError, Caller};
use guichet_core::error::required_text;
use guichet_core::lifecycle::WaitingOn;
use guichet_core::{FieldError, PersonId};
use guichet_store::ticket::Ticket;

/// The most tickets one call may change: a page of a queue is 50 to 100.
pub const MAX_BULK: usize = 100;

/// What to do to every selected ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// The caller takes them in charge.
    Take,
    /// To this agent (or their delegate while they are away).
    Assign(PersonId),
    Wait {
        on: WaitingOn,
        reason: String,
    },
    Resume,
    Resolve {
        solution: String,
    },
    Close,
    Reject {
        reason: String,
    },
}

/// One ticket's outcome: the ticket as it now is, or why it was refused.
#[derive(Debug)]
pub struct BulkOutcome {
    /// As the caller wrote it.
    pub reference: String,
    pub result: Result<Ticket, AppError>,
}

/// The same bound as the single-ticket use cases put on a reason or a solution.
fn required(field: &'static str, text: &str) -> Result<String, AppError> {
    Ok(required_text(field, text, 20_000)?)
}

impl App {
    /// Applies `action` to each ticket of `references` in turn (duplicates once). The call
    /// itself is refused only for what concerns them all: an empty or too long selection, a
    /// missing solution or reason.
    pub async fn bulk(
        &self,
        caller: &Caller,
        action: &BulkAction,
        references: &[String],
    ) -> Result<Vec<BulkOutcome>, AppError> {
        let mut unique: Vec<&str> = Vec::with_capacity(references.len());
        for r in references.iter().map(|r| r.trim()) {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        if unique.is_empty() {
            return Err(FieldError::required("tickets").into());
        }
        if unique.len() > MAX_BULK {
            return Err(AppError::invalid("tickets", "bulk.too_many"));
        }
        match action {
            // A pause's note is optional, but bounded like any text.
            BulkAction::Wait { reason, .. } if !reason.trim().is_empty() => {
                required("reason", reason)?;
            }
            BulkAction::Resolve { solution } => {
                required("solution", solution)?;
            }
            BulkAction::Reject { reason } => {
                required("reason", reason)?;
            }
            _ => {}
        }
        let mut out = Vec::with_capacity(unique.len());
        for reference in unique {
            let result = self.bulk_one(caller, action, reference).await;
            out.push(BulkOutcome {
                reference: reference.to_owned(),
                result,
            });
        }
        Ok(out)
    }

    async fn bulk_one(
        &self,
        caller: &Caller,
        action: &BulkAction,
        reference: &str,
    ) -> Result<Ticket, AppError> {
        let id = self.ticket_id(reference).await?;
        match action {
            BulkAction::Take => self.take_in_charge(caller, id).await,
            BulkAction::Assign(agent) => self.assign(caller, id, Some(*agent), None).await,
            BulkAction::Wait { on, reason } => self.wait(caller, id, *on, reason).await,
            BulkAction::Resume => self.resume(caller, id).await,
            BulkAction::Resolve { solution } => self.resolve(caller, id, solution).await,
            BulkAction::Close => self.close(caller, id).await,
            BulkAction::Reject { reason } => self.reject(caller, id, reason).await,
        }
    }
}
