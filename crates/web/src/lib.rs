//! Guichet's HTTP front door: the JSON API under `/api/v1` with its OpenAPI document, the
//! server-rendered pages ([`pages`]: the requester portal and the foundation other pages reuse),
//! and the health probes.
//!
//! Handlers parse, call one `guichet-app` use case and render: no rule and no SQL here.
//! Errors are [`problem::ApiError`], rendered as `application/problem+json` in the caller's
//! language by one middleware.

#![forbid(unsafe_code)]

mod extract;
mod health;
pub mod i18n;
mod openapi;
pub mod pages;
pub mod problem;
mod routes;
mod sso;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use guichet_app::App;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    /// The pages' settings and templates.
    pub web: std::sync::Arc<pages::Web>,
}

/// Largest request body: attachments travel base64-encoded in JSON, ten of them at most.
const BODY_LIMIT: usize = 40 * 1024 * 1024;

/// The whole HTTP application, with the pages' default settings.
pub fn router(app: App) -> Router {
    router_with(app, pages::WebConfig::default())
}

/// The whole HTTP application.
pub fn router_with(app: App, web: pages::WebConfig) -> Router {
    router_with_extra(app, web, Router::new())
}

/// The whole HTTP application with `extra` page routes under the same layers: for tests that
/// need a route production has no use for (a handler that panics).
#[doc(hidden)]
pub fn router_with_extra(app: App, web: pages::WebConfig, extra: Router<AppState>) -> Router {
    let state = AppState {
        app,
        web: std::sync::Arc::new(pages::Web::new(web)),
    };
    let pages = pages::router(&state);
    let (api, spec) = routes::api().split_for_parts();
    let spec = openapi::finish(spec);
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .nest("/api/v1", api)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || openapi::serve(spec.clone())),
        )
        .route("/healthz", axum::routing::get(health::healthz))
        .route("/readyz", axum::routing::get(health::readyz))
        .merge(pages)
        .merge(extra)
        .fallback(pages::fallback)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::error::render,
        ))
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(pages::error::panic_response))
        .layer(axum::middleware::from_fn_with_state(
            state,
            pages::error::panic_page,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(problem::render))
        .layer(axum::middleware::from_fn(pages::headers::security))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::COOKIE,
        ]))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
