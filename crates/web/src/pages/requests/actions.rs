//! What a requester does on their request page: reply (with files), cancel, "it is solved",
//! "it is not solved" (reopen, with a reason), and the satisfaction survey. Each calls one use
//! case; a refused field comes back on the page with the error summary, a success redirects
//! (POST, then GET) with a notice.

use super::show::render;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, read_multipart};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_core::TicketId;
use minijinja::value::Value;

fn done(reference: &str, what: &str) -> Response {
    Redirect::to(&format!("/requests/{reference}?done={what}")).into_response()
}

/// Shows the page again with `errors`, or turns an error that is no field's into an error page.
/// Lifecycle refusals and conflicts (a window that has passed) are reported on the `action`
/// field: the form that was sent.
async fn refused(
    state: &AppState,
    s: &SignedIn,
    id: TicketId,
    e: AppError,
    action: &str,
    typed_reply: &str,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let mut errors = FormErrors::default();
    let config = state.app.config();
    let limits = [
        ("max", Value::from(config.max_attachments as i64)),
        (
            "size",
            Value::from((config.max_attachment_bytes / (1024 * 1024)).max(1) as i64),
        ),
    ];
    if !errors.add_app(lang, &e, &limits) {
        match &e {
            AppError::Lifecycle(_) => errors.add(lang, action, "action.not_now", &[]),
            AppError::Conflict { code, field: None } => errors.add(lang, action, code, &[]),
            _ => return Err(e.into()),
        }
    }
    let view = state.app.ticket(&s.caller, id).await?;
    render(
        state,
        s,
        &view,
        StatusCode::UNPROCESSABLE_ENTITY,
        &errors,
        None,
        typed_reply,
    )
    .await
}

pub async fn reply(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Multipart,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let form = read_multipart(&s.visitor, body).await?;
    let text = form.fields.text("body");
    if form.too_large {
        let e = AppError::invalid("attachments", "attachments.too_large");
        return refused(&state, &s, id, e, "reply", &text).await;
    }
    match state
        .app
        .reply(&s.caller, id, &text, form.files, false)
        .await
    {
        Ok(_) => Ok(done(&reference, "replied")),
        Err(e) => refused(&state, &s, id, e, "reply", &text).await,
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let f = Fields::read(&s.visitor, &body)?;
    match state.app.cancel(&s.caller, id, &f.text("reason")).await {
        Ok(_) => Ok(done(&reference, "cancelled")),
        Err(e) => refused(&state, &s, id, e, "cancel", "").await,
    }
}

pub async fn solved(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    Fields::read(&s.visitor, &body)?;
    match state.app.close(&s.caller, id).await {
        Ok(_) => Ok(done(&reference, "closed")),
        Err(e) => refused(&state, &s, id, e, "confirm", "").await,
    }
}

pub async fn not_solved(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let f = Fields::read(&s.visitor, &body)?;
    match state.app.reopen(&s.caller, id, &f.text("reason")).await {
        Ok(_) => Ok(done(&reference, "reopened")),
        Err(e) => refused(&state, &s, id, e, "reason", "").await,
    }
}

pub async fn survey(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let f = Fields::read(&s.visitor, &body)?;
    let Ok(score) = f.text("score").trim().parse::<i16>() else {
        let e = AppError::invalid("score", "score.range");
        return refused(&state, &s, id, e, "score", "").await;
    };
    match state
        .app
        .rate(&s.caller, id, score, &f.text("comment"))
        .await
    {
        Ok(_) => Ok(done(&reference, "rated")),
        Err(e) => refused(&state, &s, id, e, "score", "").await,
    }
}
