//! `GET /accessibility`: the accessibility statement (déclaration d'accessibilité), which the
//! RGAA requires on every public service and links from every page's footer.

use super::error::PageError;
use super::visitor::Visitor;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;

pub async fn show(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    state.web.page(
        &state,
        &visitor,
        "accessibility.html",
        &serde_json::json!({}),
    )
}
