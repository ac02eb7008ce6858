//! Who is looking at a page: their language, their session if signed in, their address.
//!
//! [`Visitor`] is for every page (signed in or not); [`SignedIn`] is for pages that need a
//! person, and sends anyone else to the sign-in page. Both give the app's `Caller`, so handlers
//! call use cases exactly as the API does. [`Visitor::check_csrf`] guards every POST.

use super::error::PageError;
use crate::AppState;
use crate::i18n::Lang;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::Caller;
use guichet_app::session::SessionCaller;
use std::net::SocketAddr;

/// The language cookie, set by the language switch.
pub const LANG_COOKIE: &str = "guichet_lang";
/// The cookie that carries the sign-in form's token before any session exists.
pub const LOGIN_COOKIE: &str = "guichet_login";

/// The session cookie's name: `__Host-` only where the browser will accept it (HTTPS).
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-guichet_session"
    } else {
        "guichet_session"
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// A `Set-Cookie` value with Guichet's flags: HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The language of a request: the visitor's choice (cookie), then `Accept-Language`, then French.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| {
            Lang::negotiate(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            )
        })
}

/// Compares two tokens in time that does not depend on where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Anyone requesting a page.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub lang: Lang,
    pub session: Option<SessionCaller>,
    /// The raw session cookie, to sign out.
    pub session_cookie: Option<String>,
    /// The sign-in form's token, from its cookie.
    pub login_token: Option<String>,
    /// The client's address, as far as it can be trusted (see `web.trusted_proxy_hops`).
    pub ip: String,
    /// Path and query of the request.
    pub path: String,
}

impl Visitor {
    /// The token forms must carry: the session's, or before sign-in the login cookie's.
    pub fn csrf(&self) -> &str {
        match &self.session {
            Some(s) => &s.csrf,
            None => self.login_token.as_deref().unwrap_or(""),
        }
    }

    /// Refuses a form whose token is missing or not this visitor's.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), PageError> {
        let expected = self.csrf();
        match sent {
            Some(s) if !expected.is_empty() && same_token(s, expected) => Ok(()),
            _ => Err(PageError::Csrf),
        }
    }

    pub fn caller(&self) -> Option<&Caller> {
        self.session.as_ref().map(|s| &s.caller)
    }

    /// The base context of a page for this visitor.
    pub fn base(&self, state: &AppState) -> super::render::Base {
        let user = self
            .caller()
            .and_then(|c| c.person.as_ref())
            .map(|p| p.display_name.clone());
        let mut base = state
            .web
            .base(self.lang, user, self.csrf().to_owned(), self.path.clone());
        base.agent = self.caller().is_some_and(|c| {
            guichet_core::permission::may_global(
                &c.subject,
                guichet_core::permission::GlobalAction::WorkQueues,
            )
            .is_ok()
        });
        base.admin = self.caller().is_some_and(|c| c.subject.admin);
        base.steering = self
            .caller()
            .is_some_and(|c| c.subject.active && (c.subject.admin || !c.subject.zones.is_empty()));
        base
    }
}

fn client_ip(parts: &Parts, trusted_hops: usize) -> String {
    let socket = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    if trusted_hops > 0 {
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        // Each trusted proxy appends the address it saw: the entry `trusted_hops` from the
        // right is the last one written by a proxy of ours.
        if hops.len() >= trusted_hops
            && let Ok(ip) = hops[hops.len() - trusted_hops].parse::<std::net::IpAddr>()
        {
            return ip.to_string();
        }
    }
    socket.unwrap_or_else(|| "-".to_owned())
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let config = &state.web.config;
        let ip = client_ip(parts, config.trusted_proxy_hops);
        let session_cookie =
            cookie(&parts.headers, session_cookie_name(config.secure_cookies)).map(str::to_owned);
        let session = match &session_cookie {
            Some(c) => {
                state
                    .app
                    .session_caller(c, &format!("web {ip}"), &config.session_policy())
                    .await?
            }
            None => None,
        };
        Ok(Self {
            lang: lang_of(&parts.headers),
            session,
            session_cookie,
            login_token: cookie(&parts.headers, LOGIN_COOKIE).map(str::to_owned),
            ip,
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }
}

/// A visitor with a session. Anyone else is sent to the sign-in page, and back here after.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub visitor: Visitor,
    pub caller: Caller,
}

/// Why [`SignedIn`] did not extract.
#[derive(Debug)]
pub enum NotSignedIn {
    Redirect(String),
    Error(PageError),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(to) => Redirect::to(&to).into_response(),
            Self::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = NotSignedIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NotSignedIn> {
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(NotSignedIn::Error)?;
        match visitor.caller().cloned() {
            Some(caller) => Ok(Self { visitor, caller }),
            None => {
                let next = if parts.method == axum::http::Method::GET {
                    visitor.path.clone()
                } else {
                    "/".to_owned()
                };
                let to = format!("/sign-in?next={}", super::form::encode(&next));
                Err(NotSignedIn::Redirect(to))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_several() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; guichet_lang=en; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(lang_of(&h), Lang::En);
    }

    #[test]
    fn only_trusted_proxies_name_the_client() {
        let req = axum::http::Request::builder()
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
            .body(())
            .expect("request");
        let (mut parts, _) = req.into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 4000))));
        assert_eq!(client_ip(&parts, 0), "127.0.0.1", "no proxy: the socket");
        assert_eq!(
            client_ip(&parts, 1),
            "203.0.113.7",
            "the entry our proxy wrote"
        );
        assert_eq!(client_ip(&parts, 2), "6.6.6.6");
        assert_eq!(client_ip(&parts, 3), "127.0.0.1", "fewer entries than hops");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }

    #[test]
    fn session_cookies_carry_their_flags() {
        let c = set_cookie("__Host-guichet_session", "x", None, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(c.contains("Path=/"));
        assert!(!set_cookie("guichet_session", "x", None, false).contains("Secure"));
    }
}
