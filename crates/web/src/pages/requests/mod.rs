//! The requester's requests: `/requests/new` (the form and its submission),
//! `/requests/{reference}/submitted` (the confirmation), `/requests/{reference}` (the public
//! timeline and what the requester may do), its actions, and its attachments.

mod actions;
mod new;
pub(crate) mod show;
mod sla;
pub mod view;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests/new", get(new::form).post(new::submit))
        .route("/requests/{reference}", get(show::show))
        .route("/requests/{reference}/submitted", get(new::submitted))
        .route(
            "/requests/{reference}/attachments/{id}",
            get(show::attachment),
        )
        .route("/requests/{reference}/reply", post(actions::reply))
        .route("/requests/{reference}/cancel", post(actions::cancel))
        .route("/requests/{reference}/solved", post(actions::solved))
        .route(
            "/requests/{reference}/not-solved",
            post(actions::not_solved),
        )
        .route("/requests/{reference}/survey", post(actions::survey))
}
