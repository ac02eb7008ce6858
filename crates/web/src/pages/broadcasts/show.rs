//! `/broadcasts/{id}`: one broadcast, its words, audience and progress, its recipients and
//! their email states (a page at a time), and what may still be done: send a draft (now or at
//! a time), cancel it before it starts. Another zone's broadcast is not found.

use super::{parse_when, shown_status, steering_only, when};
use crate::AppState;
use crate::pages::admin::{Notice, path_id};
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_core::broadcast::{BroadcastStatus, RecipientState};
use serde::Deserialize;
use serde_json::json;

/// Recipients per page.
const PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
    after: Option<i64>,
    state: Option<String>,
}

async fn render(
    state: &AppState,
    s: &SignedIn,
    id: i64,
    status: StatusCode,
    q: &ShowQuery,
    errors: &FormErrors,
    typed_send_at: &str,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let view = state.app.broadcast(&s.caller, id).await?;
    let b = &view.broadcast;
    let p = view.progress;
    // Only a known state filters; anything else in the URL shows them all.
    let filter = q
        .state
        .as_deref()
        .and_then(|x| RecipientState::parse(x).ok());
    let recipients = state
        .app
        .broadcast_recipients(&s.caller, id, filter.map(|f| f.as_str()), q.after, PAGE)
        .await?;
    let next_after = (recipients.len() as i64 == PAGE)
        .then(|| recipients.last().map(|r| r.id))
        .flatten();
    let audience = if b.status.is_pending() {
        Some(state.app.preview_broadcast(&s.caller, id).await?.count)
    } else {
        None
    };
    let rows: Vec<_> = recipients
        .iter()
        .map(|r| {
            json!({
                "name": r.name, "email": r.email, "state": r.state.as_str(),
                "answer": r.smtp_answer, "sent_at": r.sent_at.map(|t| when(lang, t)),
            })
        })
        .collect();
    let zones: Vec<_> = b
        .zones
        .iter()
        .map(|n| match &n.uai {
            Some(uai) => format!("{} ({uai})", n.name),
            None => n.name.clone(),
        })
        .collect();
    let done = Notice {
        done: q.done.clone(),
    }
    .of(&["draft", "scheduled", "sending", "cancelled"]);
    let page = json!({
        "broadcast": {
            "id": b.id,
            "status": shown_status(b, state.app.now()),
            "subject_fr": b.subject_fr, "body_fr": b.body_fr,
            "subject_en": b.subject_en, "body_en": b.body_en,
            "roles": b.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "zones": zones,
            "rate_per_minute": b.rate_per_minute,
            "send_at": b.send_at.map(|t| when(lang, t)),
            "banner_until": b.banner_until.map(|t| when(lang, t)),
            "created": when(lang, b.created_at),
            "started": b.started_at.map(|t| when(lang, t)),
            "finished": b.finished_at.map(|t| when(lang, t)),
            "may_send": b.status == BroadcastStatus::Draft,
            "may_cancel": b.status.is_pending(),
        },
        "audience_now": audience,
        "progress": {
            "total": p.total(), "queued": p.queued, "sent": p.sent, "failed": p.failed,
            "bounced": p.bounced, "skipped": p.skipped,
        },
        "recipients": rows,
        "filter": filter.map(|f| f.as_str()),
        "states": RecipientState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        "next_after": next_after,
        "paged": q.after.is_some(),
        "done": done,
        "errors": errors,
        "typed_send_at": typed_send_at,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "broadcasts/show.html", &page)
}

/// `GET /broadcasts/{id}`.
pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    steering_only(&s)?;
    let id = path_id(&id)?;
    let none = FormErrors::default();
    render(&state, &s, id, StatusCode::OK, &q, &none, "").await
}

/// Shows a refusal of the send or cancel form on the broadcast's page.
async fn refused(
    state: &AppState,
    s: &SignedIn,
    id: i64,
    e: AppError,
    typed_send_at: &str,
) -> Result<Response, PageError> {
    let mut errors = FormErrors::default();
    let status = match &e {
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    if !errors.add_app(s.visitor.lang, &e, &[]) {
        return Err(e.into());
    }
    let q = ShowQuery::default();
    render(state, s, id, status, &q, &errors, typed_send_at).await
}

/// `POST /broadcasts/{id}/send`: sends a draft now, or at the time given.
pub async fn send(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    steering_only(&s)?;
    let id = path_id(&id)?;
    let f = Fields::read(&s.visitor, &body)?;
    let typed = f.text("send_at");
    let at = match parse_when(&typed, "send_at") {
        Ok(Some(t)) if t <= state.app.now() => {
            let e = AppError::invalid("send_at", "broadcast.send_past");
            return refused(&state, &s, id, e, &typed).await;
        }
        Ok(at) => at,
        Err(e) => return refused(&state, &s, id, e, &typed).await,
    };
    match state.app.send_broadcast(&s.caller, id, at).await {
        Ok(_) => {
            let done = if at.is_some() { "scheduled" } else { "sending" };
            Ok(Redirect::to(&format!("/broadcasts/{id}?done={done}")).into_response())
        }
        Err(e) => refused(&state, &s, id, e, &typed).await,
    }
}

/// `POST /broadcasts/{id}/cancel`: cancels a broadcast that has not started.
pub async fn cancel(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    steering_only(&s)?;
    let id = path_id(&id)?;
    Fields::read(&s.visitor, &body)?;
    match state.app.cancel_broadcast(&s.caller, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/broadcasts/{id}?done=cancelled")).into_response()),
        Err(e) => refused(&state, &s, id, e, "").await,
    }
}
