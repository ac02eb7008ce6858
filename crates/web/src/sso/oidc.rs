//! `GET /sso/oidc/{id}`: a new `state`, `nonce` and PKCE verifier, kept in a short-lived
//! HttpOnly cookie of this browser, then off to the provider. `GET /sso/oidc/{id}/callback`:
//! the `state` sent back must be this browser's (no login CSRF, no replay: the cookie goes at
//! the first answer), the code is exchanged with the verifier, and the ID token checked
//! (signature, issuer, audience, expiry, nonce) before anyone is signed in.

use super::{Refusal, clear_cookie, match_of, policy_of, refused, signed_on};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::local_path;
use crate::pages::visitor::{Visitor, cookie, set_cookie};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use guichet_app::sign_on::Identity;
use guichet_sso::oidc::Pending;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The flow's cookie.
const FLOW_COOKIE: &str = "guichet_oidc";
/// How long a person has to sign in at the provider.
const FLOW_SECONDS: i64 = 600;

#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    provider: String,
    next: String,
    #[serde(flatten)]
    pending: Pending,
}

#[derive(Debug, Deserialize)]
pub struct Start {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn redirect_uri(state: &AppState, id: &str) -> String {
    state.web.sso.url(&format!("/sso/oidc/{id}/callback"))
}

pub async fn start(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Start>,
) -> Result<Response, PageError> {
    let Some(client) = state.web.sso.oidc(&id) else {
        return Err(PageError::NotFound);
    };
    let flow = Flow {
        provider: id.clone(),
        next: local_path(q.next.as_deref()),
        pending: Pending::new(),
    };
    let url = match client
        .authorize_url(&redirect_uri(&state, &id), &flow.pending)
        .await
    {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "OpenID Connect discovery failed");
            return refused(&state, &visitor, Refusal::from(&e), None);
        }
    };
    let value = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flow).unwrap_or_default());
    let secure = state.web.config.secure_cookies;
    let mut res = Redirect::to(&url).into_response();
    if let Ok(v) =
        HeaderValue::from_str(&set_cookie(FLOW_COOKIE, &value, Some(FLOW_SECONDS), secure))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn read_flow(headers: &HeaderMap) -> Option<Flow> {
    let raw = URL_SAFE_NO_PAD.decode(cookie(headers, FLOW_COOKIE)?).ok()?;
    serde_json::from_slice(&raw).ok()
}

/// Compares in time that does not depend on where the values differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn callback(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Callback>,
) -> Result<Response, PageError> {
    let Some(client) = state.web.sso.oidc(&id) else {
        return Err(PageError::NotFound);
    };
    let clear = Some(clear_cookie(&state, FLOW_COOKIE));
    let flow = read_flow(&headers).filter(|f| {
        f.provider == id
            && q.state
                .as_deref()
                .is_some_and(|s| same(s, &f.pending.state))
    });
    let (Some(flow), Some(code), None) = (flow, q.code.as_deref(), q.error.as_deref()) else {
        tracing::warn!(provider = %id, error = ?q.error, "OpenID Connect answer without this browser's state, or an error");
        return refused(&state, &visitor, Refusal::Failed, clear);
    };
    let now = state.app.now().timestamp();
    let claims = match client
        .finish(&redirect_uri(&state, &id), code, &flow.pending, now)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "OpenID Connect sign-in not proved");
            return refused(&state, &visitor, Refusal::from(&e), clear);
        }
    };
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let Some(key) = text(client.config.claim()) else {
        tracing::warn!(provider = %id, claim = client.config.claim(), "ID token lacks the mapped claim");
        return refused(&state, &visitor, Refusal::Unknown, clear);
    };
    // An email the provider has not verified proves nothing about whose it is.
    let by_email = client.config.claim() == "email";
    if by_email && claims.get("email_verified") == Some(&Value::Bool(false)) {
        tracing::warn!(provider = %id, "unverified email refused");
        return refused(&state, &visitor, Refusal::Failed, clear);
    }
    let name = text("name").or_else(|| {
        let full = format!(
            "{} {}",
            text("given_name").unwrap_or_default(),
            text("family_name").unwrap_or_default()
        );
        Some(full.trim().to_owned()).filter(|n| !n.is_empty())
    });
    let identity = Identity {
        method: "oidc",
        provider: id,
        key,
        match_by: match_of(client.config.match_by),
        email: text("email"),
        display_name: name,
        ticket: None,
    };
    let unknown = policy_of(client.config.unknown);
    let cookies = clear.into_iter().collect();
    signed_on(&state, &visitor, identity, unknown, &flow.next, cookies).await
}
