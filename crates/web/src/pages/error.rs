//! Errors of page routes, shown as HTML pages (404, 403, 500, 503) in the visitor's language.
//! The API keeps its problem documents: this type is only returned by page handlers.
//!
//! A handler returns [`PageError`]; its response carries an [`ErrorPage`] marker that
//! [`render`], a middleware with the templates at hand, turns into the page.
//!
//! A panic is caught outside the routes by [`panic_response`], which answers the API's problem
//! document with a [`Panicked`] marker; [`panic_page`] turns it into the HTML 500 page for
//! every path outside `/api/`. A 5xx page shows the request id (never the cause), so a person
//! can quote it and the technical team find the log line.

use super::visitor::lang_of;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guichet_app::AppError;

/// What a page request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Missing, or not visible to this person: the same answer, so URLs reveal nothing.
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A form came without its token, or with another session's.
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => Self::NotFound,
            AppError::Forbidden(d) if d.is_not_visible() => Self::NotFound,
            AppError::Forbidden(d) => Self::Forbidden(d.rule),
            AppError::Unavailable(m) => Self::Unavailable(m),
            // Invalid fields, lifecycle refusals and conflicts are shown on their form by the
            // handler; one reaching here is a handler that forgot to.
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<minijinja::Error> for PageError {
    fn from(e: minijinja::Error) -> Self {
        Self::Internal(format!("template: {e:#}"))
    }
}

/// The marker [`render`] looks for: which error page to show.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode, pub &'static str);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, kind) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "page failed");
        }
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorPage(status, kind));
        res
    }
}

/// The request's id, set by the outermost layer (`x-request-id`).
fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// The error page's HTML; a 5xx names the request id.
fn error_html(
    state: &AppState,
    lang: crate::i18n::Lang,
    path: String,
    ErrorPage(status, kind): ErrorPage,
    request_id: &str,
) -> String {
    let base = state.web.base(lang, None, String::new(), path);
    let request_id = status.is_server_error().then_some(request_id);
    let page = serde_json::json!({
        "status": status.as_u16(),
        "kind": kind,
        "request_id": request_id,
    });
    state
        .web
        .renderer
        .render("error.html", &base, &page)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            status.to_string()
        })
}

/// Writes the HTML page of every [`ErrorPage`] response.
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let path = req.uri().path().to_owned();
    let id = request_id(&req);
    let res = next.run(req).await;
    let Some(marker) = res.extensions().get::<ErrorPage>().copied() else {
        return res;
    };
    let body = error_html(&state, lang, path, marker, &id);
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// Marks the response to a panic, for [`panic_page`].
#[derive(Debug, Clone, Copy)]
pub struct Panicked;

/// A panic in a handler: the API's internal-error problem, marked as a panic. The payload is
/// logged, never shown.
pub fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %message, "handler panicked");
    let mut res = crate::problem::panic_response(payload);
    res.extensions_mut().insert(Panicked);
    res
}

/// Outside `/api/`, the response to a panic becomes the HTML 500 page with the request id;
/// the API keeps its problem document.
pub async fn panic_page(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let lang = lang_of(req.headers());
    let path = req.uri().path().to_owned();
    let id = request_id(&req);
    let res = next.run(req).await;
    if res.extensions().get::<Panicked>().is_none() {
        return res;
    }
    let marker = ErrorPage(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    let body = error_html(&state, lang, path, marker, &id);
    let mut page = (StatusCode::INTERNAL_SERVER_ERROR, body).into_response();
    page.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    page
}
