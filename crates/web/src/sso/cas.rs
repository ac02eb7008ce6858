//! `GET /sso/cas/{id}`: without a ticket, off to the CAS server's login; with one (the CAS
//! server sends the browser back), the ticket is validated server to server and the session
//! opened. `POST /sso/cas/{id}`: the CAS server's single logout request, which ends the session
//! opened with the ticket it names. It comes from the CAS server, not a browser: no CSRF token.

use super::{CAS_COOKIE, Refusal, clear_cookie, match_of, policy_of, refused, signed_on};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{self, local_path};
use crate::pages::visitor::{Visitor, set_cookie};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::sign_on::Identity;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Back {
    next: Option<String>,
    ticket: Option<String>,
}

/// The service URL: this route, with `next` when it is not the home page. The same string must
/// be sent at login and at validation.
fn service(state: &AppState, id: &str, next: &str) -> String {
    let path = if next == "/" {
        format!("/sso/cas/{id}")
    } else {
        format!("/sso/cas/{id}?next={}", form::encode(next))
    };
    state.web.sso.url(&path)
}

pub async fn sign_in(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<Back>,
) -> Result<Response, PageError> {
    let Some(cas) = state.web.sso.cas(&id) else {
        return Err(PageError::NotFound);
    };
    let next = local_path(q.next.as_deref());
    let service = service(&state, &id, &next);
    let Some(ticket) = q.ticket.filter(|t| !t.is_empty() && t.len() <= 256) else {
        return Ok(Redirect::to(&guichet_sso::cas::login_url(cas, &service)).into_response());
    };
    let user = match guichet_sso::cas::validate(&state.web.sso.http, cas, &service, &ticket).await {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "CAS ticket not validated");
            return refused(&state, &visitor, Refusal::from(&e), None);
        }
    };
    let Some(key) = user.value(&cas.attribute) else {
        tracing::warn!(provider = %id, attribute = %cas.attribute, "CAS answer lacks the mapped attribute");
        return refused(&state, &visitor, Refusal::Unknown, None);
    };
    let identity = Identity {
        method: "cas",
        provider: id.clone(),
        key: key.to_owned(),
        match_by: match_of(cas.match_by),
        email: user.value(&cas.email_attribute).map(str::to_owned),
        display_name: user.value(&cas.name_attribute).map(str::to_owned),
        ticket: Some(ticket),
    };
    let secure = state.web.config.secure_cookies;
    let cookies = if cas.logout {
        vec![set_cookie(CAS_COOKIE, &id, None, secure)]
    } else {
        vec![clear_cookie(&state, CAS_COOKIE)]
    };
    let unknown = policy_of(cas.unknown);
    signed_on(&state, &visitor, identity, unknown, &next, cookies).await
}

/// The CAS server's back-channel logout: `logoutRequest=<samlp:LogoutRequest>…`. Answers 200
/// whatever happened (the CAS server does not retry), after ending the matching session.
pub async fn single_logout(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    if state.web.sso.cas(&id).is_none() {
        return Err(PageError::NotFound);
    }
    let fields = crate::extract::url_pairs(&String::from_utf8_lossy(&body));
    let ticket = fields
        .iter()
        .find(|(k, _)| k == "logoutRequest")
        .and_then(|(_, v)| guichet_sso::cas::parse_logout_request(v));
    if let Some(ticket) = ticket {
        let ended = state.app.end_sign_on(&id, &ticket).await?;
        tracing::info!(provider = %id, ended, "CAS single logout");
    }
    Ok(StatusCode::OK.into_response())
}
