//! The API's routes, mirroring its URLs. Each handler is registered with its OpenAPI
//! description through `utoipa_axum::routes!`, so the document cannot drift from the code.

mod absences;
mod bulk;
mod reference;
mod tickets;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(tickets::routes())
        .merge(reference::routes())
        .merge(absences::routes())
        .merge(bulk::routes())
}
