//! `GET /language?lang=en&next=/…`: the visitor's language choice, kept in a cookie for a year.
//! It changes only how pages read, so a plain link suffices (no form, no token).

use super::form::local_path;
use super::visitor::{LANG_COOKIE, set_cookie};
use crate::AppState;
use crate::i18n::Lang;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Choice {
    lang: Option<String>,
    next: Option<String>,
}

pub async fn switch(State(state): State<AppState>, Query(q): Query<Choice>) -> Response {
    let mut res = Redirect::to(&local_path(q.next.as_deref())).into_response();
    if let Some(lang) = q.lang.as_deref().and_then(Lang::from_tag) {
        let c = set_cookie(
            LANG_COOKIE,
            lang.tag(),
            Some(365 * 24 * 3600),
            state.web.config.secure_cookies,
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
