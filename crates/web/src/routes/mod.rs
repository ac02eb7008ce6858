//! The API's routes, mirroring its URLs. Each handler is registered with its OpenAPI
//! description through `utoipa_axum::routes!`, so the document cannot drift from the code.

mod absences;
mod administration;
mod broadcasts;
mod bulk;
mod jobs;
mod notifications;
mod quarantine;
mod queues;
mod reference;
mod requesters;
mod rules;
mod tickets;

/// Queue cursors, shared with the agent pages so their "next page" links match the API's.
pub(crate) use tickets::cursor;
mod views;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(tickets::routes())
        .merge(reference::routes())
        .merge(absences::routes())
        .merge(bulk::routes())
        .merge(queues::routes())
        .merge(views::routes())
        .merge(requesters::routes())
        .merge(jobs::routes())
        .merge(administration::routes())
        .merge(rules::routes())
        .merge(notifications::routes())
        .merge(quarantine::routes())
        .merge(broadcasts::routes())
}
