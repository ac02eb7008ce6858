//! The agent workspace (`/desk`): the agent's queues and saved views, a queue's tickets, and the
//! agent's ticket page with every action of the desk. Agents and administrators only: anyone
//! else gets the not-found page, as for a ticket they may not see.
//!
//! Like the portal, handlers parse, call one `guichet-app` use case and render; a refused form
//! comes back with its error summary (422), a success redirects with a notice (POST, then GET).

mod absence;
mod bulk;
mod filters;
mod moves;
mod phone;
mod queues;
mod ticket;
mod views;

use super::error::PageError;
use super::visitor::SignedIn;
use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use guichet_core::permission::{GlobalAction, may_global};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/desk", get(queues::home))
        .route("/desk/queues/{key}", get(queues::queue))
        .route("/desk/queues/{key}/bulk", post(bulk::bulk))
        .route("/desk/queues/{key}/views", post(views::save))
        .route("/desk/views/{id}", get(views::show))
        .route("/desk/views/{id}/delete", post(views::delete))
        .route("/desk/absence", get(absence::show).post(absence::declare))
        .route("/desk/absence/{id}/cancel", post(absence::cancel))
        .route("/desk/phone", get(phone::show).post(phone::submit))
        .route("/desk/tickets/{reference}", get(ticket::show))
        .route("/desk/tickets/{reference}/message", post(ticket::message))
        .route(
            "/desk/tickets/{reference}/attachments/{id}",
            get(moves::attachment),
        )
        .route("/desk/tickets/{reference}/{action}", post(ticket::act))
}

/// Refuses anyone who does not work queues. A page of the workspace is not found for them:
/// they have no workspace.
pub fn agent_only(s: &SignedIn) -> Result<(), PageError> {
    may_global(&s.caller.subject, GlobalAction::WorkQueues).map_err(|_| PageError::NotFound)
}
