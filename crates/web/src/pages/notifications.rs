//! `/notifications`: the signed-in person's in-app notices, newest first, with how many are
//! unread, a link to each ticket, and "mark all read". Anyone signed in has this page: requesters
//! hear of their requests, agents of the work that lands on them (`guichet_app::notify`).

use super::error::PageError;
use super::form::Fields;
use super::time::Times;
use super::visitor::SignedIn;
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use guichet_store::notification::Notification;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Notices per page.
const PAGE: i64 = 30;

/// The notices that tell an agent of work: their link opens the workspace's ticket page.
const AGENT_KINDS: [&str; 5] = ["assigned", "queued", "escalated", "transferred", "answered"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(mark_read))
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    before: Option<i64>,
    done: Option<String>,
}

/// One notice as a row of the page.
#[derive(Debug, Serialize)]
struct Row {
    kind: String,
    reference: String,
    subject: String,
    actor: String,
    group: String,
    link: Option<String>,
    unread: bool,
    at: String,
}

fn row(n: Notification, agent: bool, times: Times) -> Row {
    let text = |k: &str| n.data[k].as_str().unwrap_or_default().to_owned();
    let reference = text("reference");
    let link = (!reference.is_empty()).then(|| {
        if agent && AGENT_KINDS.contains(&n.kind.as_str()) {
            format!("/desk/tickets/{reference}")
        } else {
            format!("/requests/{reference}")
        }
    });
    Row {
        subject: text("subject"),
        actor: text("actor"),
        group: text("group"),
        kind: n.kind,
        reference,
        link,
        unread: n.read_at.is_none(),
        at: times.when(n.created_at),
    }
}

/// `/notifications`: the caller's notices, newest first.
pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let items = state
        .app
        .my_notifications(&s.caller, q.before, PAGE)
        .await?;
    let older = (items.len() as i64 == PAGE)
        .then(|| items.last().map(|n| n.id))
        .flatten();
    let unread = state.app.unread_notifications(&s.caller).await?;
    let agent = s.visitor.base(&state).agent;
    let rows: Vec<Row> = items
        .into_iter()
        .map(|n| row(n, agent, Times::new(&state, s.visitor.lang)))
        .collect();
    let done = q.done.as_deref() == Some("read");
    state.web.page(
        &state,
        &s.visitor,
        "notifications.html",
        &json!({
            "notices": rows,
            "unread": unread,
            "older": older,
            "newer_link": q.before.is_some(),
            "done": done,
        }),
    )
}

/// Marks every notice of the caller read.
pub async fn mark_read(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    Fields::read(&s.visitor, &body)?;
    state.app.mark_notifications_read(&s.caller, None).await?;
    Ok(Redirect::to("/notifications?done=read").into_response())
}
