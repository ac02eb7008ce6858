//! `/admin/quarantine`: received mail the intake policy refused (or failed on), newest first in
//! keyset pages, filtered by state, mailbox and sender; one message read with its reasons and
//! text; release (the ticket is made anyway) and delete, each audited by the app.

use super::{Notice, admin_only, path_id};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_store::intake::{InboundFilter, InboundMessage, InboundState};
use serde::Deserialize;
use serde_json::{Value, json};

/// Messages per page.
const PAGE: i64 = 50;

/// The states an administrator filters on.
const STATES: &[&str] = &[
    "quarantined",
    "failed",
    "released",
    "deleted",
    "ignored",
    "bounce",
];

#[derive(Debug, Deserialize, Default)]
pub struct Filter {
    state: Option<String>,
    mailbox: Option<String>,
    sender: Option<String>,
    before: Option<i64>,
    done: Option<String>,
    reference: Option<String>,
}

fn row(times: Times, m: &InboundMessage) -> Value {
    json!({
        "id": m.id,
        "state": m.state.as_str(),
        "mailbox": m.mailbox,
        "sender": m.sender,
        "subject": m.subject,
        "received_at": times.when(m.received_at),
        "reasons": m.reasons.iter().map(|r| json!({
            "code": r.code,
            "detail": r.detail,
            // The plain words of a policy refusal (automatic mail has only its code).
            "key": r.code.strip_prefix("intake.").map(|c| format!("intake-reason-{c}")),
        })).collect::<Vec<_>>(),
    })
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(filter): Query<Filter>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let lang = s.visitor.lang;
    let shown = filter
        .state
        .as_deref()
        .and_then(InboundState::parse)
        .unwrap_or(InboundState::Quarantined);
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let query = InboundFilter {
        state: Some(shown),
        mailbox: text(&filter.mailbox),
        sender: text(&filter.sender),
        before: filter.before,
        limit: PAGE + 1,
    };
    let mut items = state.app.list_inbound(&s.caller, &query).await?;
    let more = items.len() as i64 > PAGE;
    items.truncate(PAGE as usize);
    let encode = |v: &Option<String>| crate::pages::form::encode(v.as_deref().unwrap_or(""));
    let next = match items.last() {
        Some(m) if more => Some(format!(
            "/admin/quarantine?state={}&mailbox={}&sender={}&before={}",
            shown.as_str(),
            encode(&query.mailbox),
            encode(&query.sender),
            m.id
        )),
        _ => None,
    };
    let notice = Notice { done: filter.done };
    let page = json!({
        "state": shown.as_str(),
        "states": STATES,
        "mailbox": query.mailbox,
        "sender": query.sender,
        "messages": items.iter().map(|m| row(Times::new(&state, lang), m)).collect::<Vec<_>>(),
        "next_page": next,
        "done": notice.of(&["released", "deleted"]),
        "reference": filter.reference,
    });
    state
        .web
        .page(&state, &s.visitor, "admin/quarantine.html", &page)
}

async fn render_one(
    state: &AppState,
    s: &SignedIn,
    id: i64,
    status: StatusCode,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let view = match state.app.read_inbound(&s.caller, id).await {
        Err(AppError::NotFound(_)) => return Err(PageError::NotFound),
        other => other?,
    };
    let parsed = view.parsed.as_ref().map(|m| {
        json!({
            "from": m.sender(),
            "to": m.to.iter().map(|a| a.email.clone()).collect::<Vec<_>>(),
            "text": m.text,
            "attachments": m.attachments.iter().map(|a| json!({
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.data.len(),
            })).collect::<Vec<_>>(),
        })
    });
    let page = json!({
        "message": row(Times::new(state, s.visitor.lang), &view.message),
        "parsed": parsed,
        "errors": errors,
        "releasable": view.message.state == InboundState::Quarantined && view.message.has_raw,
        "deletable": view.message.state != InboundState::Deleted,
    });
    state.web.page_with(
        state,
        &s.visitor,
        status,
        "admin/quarantine_message.html",
        &page,
    )
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = path_id(&id)?;
    render_one(&state, &s, id, StatusCode::OK, &FormErrors::default()).await
}

pub async fn release(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = path_id(&id)?;
    Fields::read(&s.visitor, &body)?;
    match state.app.release_inbound(&s.caller, id).await {
        Ok(t) => Ok(Redirect::to(&format!(
            "/admin/quarantine?done=released&reference={}",
            t.reference
        ))
        .into_response()),
        Err(AppError::NotFound(_)) => Err(PageError::NotFound),
        Err(AppError::Conflict { code, .. }) => {
            let mut errors = FormErrors::default();
            errors.add(s.visitor.lang, "release", code, &[]);
            render_one(&state, &s, id, StatusCode::UNPROCESSABLE_ENTITY, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = path_id(&id)?;
    Fields::read(&s.visitor, &body)?;
    match state.app.delete_inbound(&s.caller, id).await {
        Ok(()) => Ok(Redirect::to("/admin/quarantine?done=deleted").into_response()),
        Err(AppError::NotFound(_)) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}
