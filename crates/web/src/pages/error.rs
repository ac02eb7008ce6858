//! Errors of page routes, shown as HTML pages (404, 403, 500, 503) in the visitor's language.
//! The API keeps its problem documents: this type is only returned by page handlers.
//!
//! A handler returns [`PageError`]; its response carries an [`ErrorPage`] marker that
//! [`render`], a middleware with the templates at hand, turns into the page.

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

/// Writes the HTML page of every [`ErrorPage`] response.
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let Some(ErrorPage(status, kind)) = res.extensions().get::<ErrorPage>().copied() else {
        return res;
    };
    let base = state.web.base(lang, None, String::new(), path);
    let page = serde_json::json!({ "status": status.as_u16(), "kind": kind });
    let body = state
        .web
        .renderer
        .render("error.html", &base, &page)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            status.to_string()
        });
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}
