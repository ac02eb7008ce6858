//! The administration pages (`/admin`): desks, groups and their agents, applications and their
//! email keywords, people (roles, deactivation, administration, memberships) and the job queue's
//! failing and dead jobs; routing rules, business-hours calendars and SLA policies. Administrators only: anyone else gets the not-found page, as the
//! workspace does for non-agents.
//!
//! Handlers parse, call one `guichet-app` use case (which checks the permission again and
//! audits the change) and render; a refused form comes back with its error summary naming the
//! field (422), a success redirects with a notice (POST, then GET).

mod applications;
mod calendars;
mod desks;
mod directory;
mod groups;
mod jobs;
mod quarantine;
mod rules;
mod sla;
mod users;

use super::error::PageError;
use super::form::FormErrors;
use super::visitor::SignedIn;
use crate::AppState;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use guichet_app::AppError;
use serde::Deserialize;
use std::future::Future;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/desks", get(desks::show).post(desks::create))
        .route("/admin/desks/{id}", get(desks::edit).post(desks::update))
        .route("/admin/groups", get(groups::list).post(groups::create))
        .route("/admin/groups/{id}", get(groups::show).post(groups::update))
        .route("/admin/groups/{id}/members", post(groups::add_member))
        .route(
            "/admin/groups/{id}/members/{person}/remove",
            post(groups::remove_member),
        )
        .route(
            "/admin/groups/{id}/members/{person}/manager",
            post(groups::set_manager),
        )
        .route(
            "/admin/applications",
            get(applications::list).post(applications::create),
        )
        .route(
            "/admin/applications/{id}",
            get(applications::show).post(applications::update),
        )
        .route("/admin/users", get(users::list))
        .route("/admin/users/{id}", get(users::show))
        .route("/admin/users/{id}/{action}", post(users::act))
        .route(
            "/admin/users/{id}/groups/{group}/remove",
            post(users::leave_group),
        )
        .route("/admin/jobs", get(jobs::list))
        .route("/admin/directory", get(directory::list))
        .route("/admin/jobs/{id}/replay", post(jobs::replay))
        .route("/admin/quarantine", get(quarantine::list))
        .route("/admin/quarantine/{id}", get(quarantine::show))
        .route("/admin/quarantine/{id}/release", post(quarantine::release))
        .route("/admin/quarantine/{id}/delete", post(quarantine::delete))
        .merge(rules::routes())
        .merge(calendars::routes())
        .merge(sla::routes())
}

/// Refuses anyone who does not administer: the administration is not found for them.
pub fn admin_only(s: &SignedIn) -> Result<(), PageError> {
    if s.caller.subject.admin {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

/// The notice a redirect after a successful form carries (`?done=<what>`).
#[derive(Debug, Deserialize, Default)]
pub struct Notice {
    pub done: Option<String>,
}

impl Notice {
    /// The notice, if it is one of `known` (anything else in the URL is ignored).
    pub fn of(&self, known: &[&'static str]) -> Option<&'static str> {
        let d = self.done.as_deref()?;
        known.iter().copied().find(|k| *k == d)
    }
}

/// Puts a use case's refusal on the form field `<form>-<field>`; an error about no field goes
/// on `fallback`, and one that is not the form's business becomes an error page.
pub fn refusal(
    lang: Lang,
    form: &str,
    fallback: &str,
    e: AppError,
) -> Result<FormErrors, PageError> {
    let mut errors = FormErrors::default();
    match &e {
        AppError::Invalid(f) => errors.add(lang, &format!("{form}-{}", f.field), f.code, &[]),
        AppError::Conflict { code, field } => {
            // "duplicate" is the store's word for a unique value taken: say it on the page.
            let code = if *code == "duplicate" {
                "admin.duplicate"
            } else {
                code
            };
            let field = field.unwrap_or(fallback);
            errors.add(lang, &format!("{form}-{field}"), code, &[]);
        }
        _ => return Err(e.into()),
    }
    Ok(errors)
}

/// How a form's POST ends: the use case's answer becomes a redirect to `to(value)` (POST, then
/// GET, with its notice), or `refuse` puts its refusal on the form's fields (usually
/// [`refused_on`]) and `again` shows the form once more, answering 422.
pub async fn settle<T, Fut>(
    result: Result<T, AppError>,
    to: impl FnOnce(&T) -> String,
    refuse: impl FnOnce(AppError) -> Result<FormErrors, PageError>,
    again: impl FnOnce(StatusCode, FormErrors) -> Fut,
) -> Result<Response, PageError>
where
    Fut: Future<Output = Result<Response, PageError>>,
{
    match result {
        Ok(v) => Ok(Redirect::to(&to(&v)).into_response()),
        Err(e) => again(StatusCode::UNPROCESSABLE_ENTITY, refuse(e)?).await,
    }
}

/// [`refusal`] as [`settle`] takes it: on `<form>-<field>`, else on `<form>-<fallback>`.
pub fn refused_on<'a>(
    s: &'a SignedIn,
    form: &'a str,
    fallback: &'a str,
) -> impl FnOnce(AppError) -> Result<FormErrors, PageError> + 'a {
    move |e| refusal(s.visitor.lang, form, fallback, e)
}

/// A form's id field (a `<select>` of desks, groups): a number, or an error on `field`.
pub fn id_field(value: &str, field: &'static str) -> Result<i64, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    v.parse().map_err(|_| AppError::invalid(field, "invalid"))
}

/// A path segment that must be an id: anything else is not found.
pub fn path_id(s: &str) -> Result<i64, PageError> {
    s.parse().map_err(|_| PageError::NotFound)
}

/// `/admin`: the administration's sections.
pub async fn index(State(state): State<AppState>, s: SignedIn) -> Result<Response, PageError> {
    admin_only(&s)?;
    state.web.page(
        &state,
        &s.visitor,
        "admin/index.html",
        &serde_json::json!({}),
    )
}
