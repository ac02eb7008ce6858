//! The ticket page's forms that change who has a ticket, where it stands or what it is about:
//! assign to a named colleague, the status moves the lifecycle allows an agent from the current
//! status (wait for the requester or a third party, resume), change the application; and the
//! download of a file of the timeline, behind the ticket's permission.

use super::agent_only;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::requests::show::file_response;
use crate::pages::visitor::SignedIn;
use axum::extract::{Path, State};
use axum::response::Response;
use guichet_app::{AppError, Caller};
use guichet_core::lifecycle::{Actor, Move, Status, WaitingOn, next};
use guichet_core::{PersonId, TicketId};
use guichet_store::ticket::Ticket;

/// The status moves of the page, as the form names them.
const STATUS_MOVES: [(&str, Move); 3] = [
    ("waiting_requester", Move::Wait),
    ("waiting_third_party", Move::Wait),
    ("resume", Move::Resume),
];

/// The status moves an agent may make from `status`, for the form to offer only those.
pub fn status_choices(status: Status) -> Vec<&'static str> {
    STATUS_MOVES
        .iter()
        .filter(|(_, mv)| next(status, *mv, Actor::Agent).is_ok())
        .map(|(name, _)| *name)
        .collect()
}

/// `status-status` and the optional `status-reason` (an internal note kept with a pause).
pub async fn change_status(
    state: &AppState,
    c: &Caller,
    id: TicketId,
    choice: &str,
    reason: &str,
) -> Result<Ticket, AppError> {
    match choice {
        "waiting_requester" => state.app.wait(c, id, WaitingOn::Requester, reason).await,
        "waiting_third_party" => state.app.wait(c, id, WaitingOn::ThirdParty, reason).await,
        "resume" => state.app.resume(c, id).await,
        "" => Err(AppError::invalid("status", "required")),
        _ => Err(AppError::invalid("status", "invalid")),
    }
}

/// `assign-assignee`: a colleague's person id.
pub async fn assign(
    state: &AppState,
    c: &Caller,
    id: TicketId,
    assignee: &str,
) -> Result<Ticket, AppError> {
    let assignee = assignee.trim();
    if assignee.is_empty() {
        return Err(AppError::invalid("assignee", "required"));
    }
    let person = assignee
        .parse::<i64>()
        .map_err(|_| AppError::invalid("assignee", "invalid"))?;
    state.app.assign(c, id, Some(PersonId(person)), None).await
}

/// `application-application`: an application's code.
pub async fn change_application(
    state: &AppState,
    c: &Caller,
    id: TicketId,
    code: &str,
) -> Result<Ticket, AppError> {
    if code.trim().is_empty() {
        return Err(AppError::invalid("application", "required"));
    }
    let application = state.app.application_id("application", code).await?;
    state.app.change_application(c, id, application).await
}

/// `GET /desk/tickets/{reference}/attachments/{id}`: a file of the ticket, internal notes'
/// files included for the desk; not found for anyone who may not read the ticket.
pub async fn attachment(
    State(state): State<AppState>,
    s: SignedIn,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let ticket = state.app.ticket_id(&reference).await?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let (meta, data) = state.app.attachment(&s.caller, ticket, id).await?;
    Ok(file_response(&meta, data))
}
