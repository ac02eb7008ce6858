//! `GET /requests/{reference}`: the request page (public timeline, and the actions the person
//! may take now); `GET /requests/{reference}/attachments/{id}`: a file of a public entry.
//! A ticket or file the person may not see answers 404, like one that does not exist.

use super::view::{rows, timeline};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::FormErrors;
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guichet_app::ticket::TicketView;
use guichet_core::lifecycle::Status;
use guichet_core::permission::TicketAction;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, Default)]
pub struct Notice {
    /// What just succeeded: `replied`, `cancelled`, `closed`, `reopened`, `rated`.
    done: Option<String>,
}

const DONE: [&str; 5] = ["replied", "cancelled", "closed", "reopened", "rated"];

/// What the page offers, from the use cases' own permission answer and the status.
fn offers(view: &TicketView, is_requester: bool) -> serde_json::Value {
    let may = |a| view.allowed.contains(&a);
    let status = view.ticket.status;
    let finished = status.is_terminal();
    json!({
        "reply": is_requester && may(TicketAction::Reply) && !finished,
        "cancel": is_requester && may(TicketAction::Cancel) && status.is_open(),
        "confirm": is_requester && status == Status::Resolved
            && may(TicketAction::Close) && may(TicketAction::Reopen),
        "survey": is_requester && may(TicketAction::Rate)
            && matches!(status, Status::Resolved | Status::Closed)
            && view.ticket.satisfaction.is_none(),
    })
}

/// Renders the request page, with the errors of a form that was just refused.
pub async fn render(
    state: &AppState,
    s: &SignedIn,
    view: &TicketView,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed_reply: &str,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let now = state.app.now();
    let handling = state
        .app
        .handling(&s.caller, std::slice::from_ref(&view.ticket))
        .await?;
    let row = rows(lang, std::slice::from_ref(&view.ticket), &handling, now)
        .pop()
        .ok_or_else(|| PageError::Internal("no row for the ticket".into()))?;
    let is_requester = s.caller.person_id() == Some(view.ticket.requester);
    let sla = match view.ticket.status.is_open() {
        true => state.app.ticket_sla(&s.caller, view.ticket.id).await?,
        false => None,
    };
    let config = state.app.config();
    let page = json!({
        "ticket": row,
        "type": view.ticket.ticket_type.as_str(),
        "solution": view.ticket.solution,
        "satisfaction": view.ticket.satisfaction,
        "timeline": timeline(Times::new(state, lang), &view.timeline),
        "sla": sla.as_ref().map(|c| super::sla::expected(Times::new(state, lang), c)),
        "offers": offers(view, is_requester),
        "is_requester": is_requester,
        "errors": errors,
        "done": done.filter(|d| DONE.contains(d)),
        "typed_reply": typed_reply,
        "max_files": config.max_attachments,
        "max_size_mb": (config.max_attachment_bytes / (1024 * 1024)).max(1),
    });
    state
        .web
        .page_with(state, &s.visitor, status, "portal/request.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let view = state.app.ticket(&s.caller, id).await?;
    render(
        &state,
        &s,
        &view,
        StatusCode::OK,
        &FormErrors::default(),
        notice.done.as_deref(),
        "",
    )
    .await
}

/// Types a browser may open itself; anything else downloads as bytes.
const SHOWN_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "application/pdf",
    "text/plain",
];

pub async fn attachment(
    State(state): State<AppState>,
    s: SignedIn,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let ticket = state.app.ticket_id(&reference).await?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let view = state.app.ticket(&s.caller, ticket).await?;
    // The portal shows public entries only: so are the files it hands out.
    let public = view
        .timeline
        .iter()
        .filter(|e| e.public)
        .any(|e| e.attachments.iter().any(|a| a.id == id));
    if !public {
        return Err(PageError::NotFound);
    }
    let (meta, data) = state.app.attachment(&s.caller, ticket, id).await?;
    Ok(file_response(&meta, data))
}

/// A stored file as a download: its type only when harmless to show, a cleaned file name, no
/// script, no cache. The portal and the desk hand files out the same way.
pub(crate) fn file_response(
    meta: &guichet_store::ticket::timeline::AttachmentMeta,
    data: Vec<u8>,
) -> Response {
    let content_type = if SHOWN_TYPES.contains(&meta.content_type.as_str()) {
        meta.content_type.clone()
    } else {
        "application/octet-stream".to_owned()
    };
    let name: String = meta
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut res = data.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // Even opened by hand, a file runs no script in our origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}
