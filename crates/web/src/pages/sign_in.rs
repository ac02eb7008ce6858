//! `GET/POST /sign-in` and `POST /sign-out`: local accounts, and the list of single sign-on
//! providers (`crate::sso`), which end the same way: a session for the person they proved,
//! then [`session_response`].

use super::error::PageError;
use super::form::{Fields, FormErrors, local_path};
use super::visitor::{LOGIN_COOKIE, Visitor, session_cookie_name, set_cookie};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use guichet_app::session::{NewSession, SignInError};
use minijinja::value::Value;
use rand::RngCore;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn render(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    login: &str,
    next: &str,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let providers = state.web.sso.links(next);
    let page =
        json!({ "login": login, "next_path": next, "errors": errors, "providers": providers });
    state
        .web
        .page_with(state, visitor, status, "auth/sign_in.html", &page)
}

/// The sign-in form. Before any session exists, its CSRF token lives in a cookie of its own.
pub async fn form(
    State(state): State<AppState>,
    mut visitor: Visitor,
    Query(q): Query<Next>,
) -> Result<Response, PageError> {
    let next = local_path(q.next.as_deref());
    if visitor.session.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let new_token = visitor.login_token.is_none().then(random_token);
    if let Some(t) = &new_token {
        visitor.login_token = Some(t.clone());
    }
    let mut res = render(
        &state,
        &visitor,
        StatusCode::OK,
        "",
        &next,
        &FormErrors::default(),
    )?;
    if let Some(t) = new_token {
        let c = set_cookie(LOGIN_COOKIE, &t, None, state.web.config.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// Checks the login and password; on success a new session, and back to where the person was.
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = Fields::read(&visitor, &body)?;
    let login = fields.text("login");
    let password = fields.text("password");
    let next = local_path(fields.get("next"));
    let lang = visitor.lang;
    let mut errors = FormErrors::default();
    if login.trim().is_empty() {
        errors.add(lang, "login", "required", &[]);
    }
    if password.is_empty() {
        errors.add(lang, "password", "required", &[]);
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &visitor, status, &login, &next, &errors);
    }
    let policy = state.web.config.session_policy();
    let outcome = state
        .app
        .sign_in_password(&login, &password, &visitor.ip, &policy)
        .await?;
    let (status, code, minutes) = match outcome {
        Ok(session) => return Ok(session_response(&state, &session, &next)),
        Err(SignInError::Invalid) => (StatusCode::UNPROCESSABLE_ENTITY, "signin.invalid", 0),
        Err(SignInError::Locked { minutes }) => {
            (StatusCode::TOO_MANY_REQUESTS, "signin.locked", minutes)
        }
        Err(SignInError::Throttled { minutes }) => {
            (StatusCode::TOO_MANY_REQUESTS, "signin.throttled", minutes)
        }
    };
    errors.add(lang, "login", code, &[("minutes", Value::from(minutes))]);
    render(&state, &visitor, status, &login, &next, &errors)
}

/// The answer to a successful sign-in, whatever proved the person: the session cookie (a new
/// id: no fixation), the login cookie cleared, and a redirect to `next`.
pub fn session_response(state: &AppState, session: &NewSession, next: &str) -> Response {
    let secure = state.web.config.secure_cookies;
    let mut res = Redirect::to(next).into_response();
    let h = res.headers_mut();
    for c in [
        set_cookie(session_cookie_name(secure), &session.cookie, None, secure),
        set_cookie(LOGIN_COOKIE, "", Some(0), secure),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Ends the session (the form carries the session's CSRF token) and clears its cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    if visitor.session.is_none() {
        return Ok(Redirect::to("/sign-in").into_response());
    }
    Fields::read(&visitor, &body)?;
    if let Some(c) = &visitor.session_cookie {
        state.app.sign_out(c).await?;
    }
    let secure = state.web.config.secure_cookies;
    // A CAS session signs out of CAS too, where the provider is configured for it.
    let to = state.web.sso.logout_redirect(&headers);
    let mut res = Redirect::to(to.as_deref().unwrap_or("/sign-in")).into_response();
    for c in [
        set_cookie(session_cookie_name(secure), "", Some(0), secure),
        set_cookie(crate::sso::CAS_COOKIE, "", Some(0), secure),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}
