//! Server-rendered pages: the requester portal, and the foundation every page family builds on.
//! They work without JavaScript, in French by default and in English by choice.
//!
//! What a new page family (the agent desk, administration) reuses:
//! - [`visitor::Visitor`] / [`visitor::SignedIn`]: extractors giving the language, the app's
//!   `Caller` from the session cookie, and the CSRF token; `SignedIn` redirects to sign-in.
//! - [`form::Fields::read`] / [`form::read_multipart`]: a POST body with its CSRF token checked
//!   (a missing or wrong token is a 403 page); [`form::FormErrors`] for the error summary and
//!   the messages beside fields (`templates/form.html` has the macros).
//! - [`Web::page`]: renders a template inside `layout.html` (DSFR header and footer, skip links,
//!   language switch) with the [`render::Base`] context; `t(key, arg=value)` in templates reads
//!   `locales/{fr,en}/*.ftl`.
//! - [`error::PageError`]: 404/403/500 as HTML pages; a ticket the person may not see is a 404.
//! - [`headers::security`]: CSP (no inline script or style), framing refused, no sniffing.
//!
//! Handlers parse the request, call one `guichet-app` use case, and render: tickets are never
//! read or written here without the app (sessions go through the app's `session` module too).

pub mod assets;
pub mod config;
pub mod error;
pub mod form;
pub mod headers;
pub mod render;
pub mod time;
pub mod visitor;

mod accessibility;
mod admin;
mod broadcasts;
mod desk;
mod home;
mod language;
mod notifications;
mod requests;
pub(crate) mod sign_in;

use crate::AppState;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
pub use config::{Theme, WebConfig};
use error::PageError;
use render::{Base, Renderer};
use serde::Serialize;
use visitor::Visitor;

/// What pages share: their settings and the templates.
#[derive(Debug)]
pub struct Web {
    pub config: WebConfig,
    pub renderer: Renderer,
    /// The single sign-on providers (`[sso]`).
    pub sso: crate::sso::Providers,
}

impl Web {
    pub fn new(config: WebConfig) -> Self {
        Self {
            sso: crate::sso::Providers::new(config.sso.clone()),
            config,
            renderer: Renderer::new(),
        }
    }

    /// The base context for a page in `lang`.
    pub fn base(&self, lang: Lang, user: Option<String>, csrf: String, path: String) -> Base {
        Base {
            lang: lang.tag(),
            theme: self.config.theme.as_str(),
            assets: assets::prefix(),
            user,
            csrf,
            next: form::encode(&path),
            path,
            agent: false,
            admin: false,
            steering: false,
        }
    }

    /// Renders `template` for `visitor` with `status`.
    pub fn page_with(
        &self,
        state: &AppState,
        visitor: &Visitor,
        status: StatusCode,
        template: &str,
        page: &impl Serialize,
    ) -> Result<Response, PageError> {
        let html = self.renderer.render(template, &visitor.base(state), page)?;
        let mut res = (status, Html(html)).into_response();
        res.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(visitor.lang.tag()),
        );
        Ok(res)
    }

    /// Renders `template` for `visitor` (200).
    pub fn page(
        &self,
        state: &AppState,
        visitor: &Visitor,
        template: &str,
        page: &impl Serialize,
    ) -> Result<Response, PageError> {
        self.page_with(state, visitor, StatusCode::OK, template, page)
    }
}

/// The page routes, with their body limit: every attachment at its largest, plus the text.
pub fn router(state: &AppState) -> Router<AppState> {
    let config = state.app.config();
    let limit = config
        .max_attachment_bytes
        .saturating_mul(config.max_attachments)
        .saturating_add(1024 * 1024);
    Router::new()
        .route("/", get(home::show))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/language", get(language::switch))
        .route("/accessibility", get(accessibility::show))
        .merge(requests::routes())
        .merge(desk::routes())
        .merge(admin::routes())
        .merge(broadcasts::routes())
        .merge(notifications::routes())
        .merge(crate::sso::routes())
        .route("/assets/{version}/{*path}", get(assets::serve))
        .layer(DefaultBodyLimit::max(limit))
}

/// A known path with another method (`GET /sign-out`): a problem document under `/api/`, the
/// not-found page elsewhere (a person following a link has nothing to do with a 405).
pub async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::problem::ApiError::MethodNotAllowed.into_response()
    } else {
        PageError::NotFound.into_response()
    }
}

/// Any path no route knows: a problem document under `/api/`, an HTML page elsewhere.
pub async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::problem::ApiError::RouteNotFound.into_response()
    } else {
        PageError::NotFound.into_response()
    }
}
