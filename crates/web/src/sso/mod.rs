//! Single sign-on routes: `/sso/cas/{id}` (CAS login, ticket validation, and the CAS server's
//! single logout POST) and `/sso/oidc/{id}` (OpenID Connect code flow with PKCE). Each ends as
//! a password sign-in does: `App::sign_on` maps the proved identity to a person, then
//! [`session_response`] (a new session id, and a redirect to a local path only).
//!
//! The protocols are `guichet-sso`'s; the mapping and the unknown-person policy are the app's.
//! URLs given to providers are built on `[sso] public_url`, never on the request's `Host`.

mod cas;
mod oidc;

use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form;
use crate::pages::sign_in::session_response;
use crate::pages::visitor::{Visitor, cookie, set_cookie};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use guichet_app::session::SessionPolicy;
use guichet_app::sign_on::{Identity, MatchBy, SignOnError, UnknownPolicy};
use guichet_sso::oidc::OidcClient;
use guichet_sso::{CasConfig, SsoConfig, SsoError};
use serde::Serialize;
use serde_json::json;

/// Names the CAS provider a session was opened with, so that signing out can sign out of CAS.
pub const CAS_COOKIE: &str = "guichet_sso_cas";

/// The configured providers and what was read from them.
#[derive(Debug)]
pub struct Providers {
    config: SsoConfig,
    http: reqwest::Client,
    oidc: Vec<OidcClient>,
}

/// A provider as the sign-in page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderLink {
    pub label: String,
    pub href: String,
}

impl Providers {
    pub fn new(config: SsoConfig) -> Self {
        let http = guichet_sso::http_client();
        let oidc = config
            .oidc
            .iter()
            .map(|o| OidcClient::new(o.clone(), http.clone()))
            .collect();
        Self { config, http, oidc }
    }

    /// The providers, in configuration order (CAS first), each linking back to `next`.
    pub fn links(&self, next: &str) -> Vec<ProviderLink> {
        let query = if next == "/" {
            String::new()
        } else {
            format!("?next={}", form::encode(next))
        };
        let cas = self.config.cas.iter().map(|c| ("cas", &c.id, &c.label));
        let oidc = self.config.oidc.iter().map(|o| ("oidc", &o.id, &o.label));
        cas.chain(oidc)
            .map(|(kind, id, label)| ProviderLink {
                label: label.clone(),
                href: format!("/sso/{kind}/{id}{query}"),
            })
            .collect()
    }

    fn cas(&self, id: &str) -> Option<&CasConfig> {
        self.config.cas.iter().find(|c| c.id == id)
    }

    fn oidc(&self, id: &str) -> Option<&OidcClient> {
        self.oidc.iter().find(|o| o.config.id == id)
    }

    /// An absolute URL of Guichet for `path_and_query`.
    fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}{path_and_query}",
            self.config.public_url.trim_end_matches('/')
        )
    }

    /// Where the browser goes after signing out of Guichet: the CAS server's logout when the
    /// session came from a CAS provider configured for it.
    pub fn logout_redirect(&self, headers: &HeaderMap) -> Option<String> {
        let cas = self.cas(cookie(headers, CAS_COOKIE)?)?;
        cas.logout
            .then(|| guichet_sso::cas::logout_url(cas, &self.url("/sign-in")))
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sso/cas/{id}", get(cas::sign_in).post(cas::single_logout))
        .route("/sso/oidc/{id}", get(oidc::start))
        .route("/sso/oidc/{id}/callback", get(oidc::callback))
}

/// Why no session was opened, as the refusal page says it.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    /// The directory does not know this person.
    Unknown,
    Inactive,
    /// The answer did not prove anything (bad state, refused ticket, bad token).
    Failed,
    /// The provider could not be reached.
    Unreachable,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Self::Unknown | Self::Inactive => StatusCode::FORBIDDEN,
            Self::Failed => StatusCode::BAD_REQUEST,
            Self::Unreachable => StatusCode::BAD_GATEWAY,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Inactive => "inactive",
            Self::Failed => "failed",
            Self::Unreachable => "unreachable",
        }
    }
}

impl From<&SsoError> for Refusal {
    fn from(e: &SsoError) -> Self {
        match e {
            SsoError::Unreachable(_) => Self::Unreachable,
            SsoError::Refused(_) | SsoError::Invalid(_) => Self::Failed,
        }
    }
}

/// The refusal page, with a way back to the sign-in page. `extra_cookie` clears a flow's cookie.
fn refused(
    state: &AppState,
    visitor: &Visitor,
    why: Refusal,
    extra_cookie: Option<String>,
) -> Result<Response, PageError> {
    let mut res = state.web.page_with(
        state,
        visitor,
        why.status(),
        "auth/sso_refused.html",
        &json!({ "reason": why.key() }),
    )?;
    if let Some(c) = extra_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

fn policy_of(unknown: guichet_sso::Unknown) -> UnknownPolicy {
    match unknown {
        guichet_sso::Unknown::Refuse => UnknownPolicy::Refuse,
        guichet_sso::Unknown::Create => UnknownPolicy::Create,
    }
}

fn match_of(by: guichet_sso::MatchBy) -> MatchBy {
    match by {
        guichet_sso::MatchBy::Uid => MatchBy::Uid,
        guichet_sso::MatchBy::Email => MatchBy::Email,
    }
}

/// Opens the session for `identity`, or shows why not. `cookies` go with either answer.
async fn signed_on(
    state: &AppState,
    visitor: &Visitor,
    identity: Identity,
    unknown: UnknownPolicy,
    next: &str,
    cookies: Vec<String>,
) -> Result<Response, PageError> {
    let policy: SessionPolicy = state.web.config.session_policy();
    let outcome = state
        .app
        .sign_on(&identity, unknown, &visitor.ip, &policy)
        .await?;
    let mut res = match outcome {
        Ok(session) => session_response(state, &session, next),
        Err(e) => {
            tracing::info!(provider = %identity.provider, error = %e, "sign-on refused");
            let why = match e {
                SignOnError::Unknown => Refusal::Unknown,
                SignOnError::Inactive => Refusal::Inactive,
            };
            refused(state, visitor, why, None)?
        }
    };
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

fn clear_cookie(state: &AppState, name: &str) -> String {
    set_cookie(name, "", Some(0), state.web.config.secure_cookies)
}
