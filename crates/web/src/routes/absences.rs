//! `/absences`: an agent declares when they are away and who covers; an administrator may do it
//! for them. While an absence is in force the delegate sees and works the agent's tickets and
//! receives their new assignments (see `guichet_app::absence`).

use super::tickets::date;
use crate::AppState;
use crate::extract::{ApiJson, Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guichet_app::absence::{Cancelled, DeclareAbsence};
use guichet_core::{FieldError, PersonId};
use guichet_store::absence::Absence;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, declare))
        .routes(routes!(shorten, cancel))
}

/// An absence `[starts_at, ends_at)` and its delegate.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbsenceDto {
    pub id: i64,
    /// The absent agent.
    pub person_id: i64,
    pub delegate_id: i64,
    pub starts_at: DateTime<Utc>,
    /// Exclusive.
    pub ends_at: DateTime<Utc>,
    /// In force now: the delegate stands in.
    pub in_force: bool,
    pub created_by_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn dto(a: &Absence, now: DateTime<Utc>) -> AbsenceDto {
    AbsenceDto {
        id: a.id,
        person_id: a.person.0,
        delegate_id: a.delegate.0,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        in_force: a.starts_at <= now && now < a.ends_at,
        created_by_id: a.created_by.map(|p| p.0),
        created_at: a.created_at,
    }
}

/// A declaration. Dates are `YYYY-MM-DD` (midnight UTC) or RFC 3339 timestamps.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareBody {
    /// The absent agent; the caller when omitted (administrators may name another agent).
    #[serde(default)]
    pub person_id: Option<i64>,
    /// An active agent of one of the absent agent's groups.
    pub delegate_id: i64,
    pub starts_at: String,
    /// Exclusive: the agent is back at this moment.
    pub ends_at: String,
}

/// A new, earlier end.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShortenBody {
    pub ends_at: String,
}

fn me_or(c: &guichet_app::Caller, person: Option<i64>) -> Result<PersonId, ApiError> {
    match person.map(PersonId).or(c.person_id()) {
        Some(p) => Ok(p),
        None => Err(FieldError::required("person_id").into()),
    }
}

fn absence_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| not_found("absence"))
}

/// The absences in force or to come of an agent (the caller by default).
#[utoipa::path(get, path = "/absences", tag = "absences",
    params(("person" = Option<i64>, Query, description = "The agent; the caller by default")),
    responses((status = 200, body = Vec<AbsenceDto>), (status = 403, description = "Not yours to see", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<Vec<AbsenceDto>>, ApiError> {
    let person = me_or(&c, p.i64("person")?)?;
    let now = s.app.now();
    let list = s.app.absences(&c, person).await?;
    Ok(Json(list.iter().map(|a| dto(a, now)).collect()))
}

/// Declare an absence with a delegate. Overlapping another absence of the agent is a conflict
/// naming `starts_at`.
#[utoipa::path(post, path = "/absences", tag = "absences", request_body = DeclareBody,
    responses((status = 201, body = AbsenceDto),
        (status = 409, description = "Overlaps another absence", content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`delegate_id`, `ends_at`…)", content_type = "application/problem+json")))]
async fn declare(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<DeclareBody>,
) -> Result<Response, ApiError> {
    let agent = me_or(&c, b.person_id)?;
    let starts_at = date("starts_at", &b.starts_at)?;
    let ends_at = date("ends_at", &b.ends_at)?;
    let a = s
        .app
        .declare_absence(
            &c,
            DeclareAbsence {
                agent,
                delegate: PersonId(b.delegate_id),
                starts_at,
                ends_at,
            },
        )
        .await
        .map_err(|e| match e {
            // The API names the body's fields.
            guichet_app::AppError::Invalid(f) if f.field == "delegate" => {
                guichet_app::AppError::Invalid(f.at("delegate_id"))
            }
            guichet_app::AppError::Invalid(f) if f.field == "agent" => {
                guichet_app::AppError::Invalid(f.at("person_id"))
            }
            other => other,
        })?;
    Ok((StatusCode::CREATED, Json(dto(&a, s.app.now()))).into_response())
}

/// Bring an absence's end forward (back early).
#[utoipa::path(patch, path = "/absences/{id}", tag = "absences", params(("id" = i64, Path)), request_body = ShortenBody,
    responses((status = 200, body = AbsenceDto), (status = 422, description = "Not earlier than the current end", content_type = "application/problem+json")))]
async fn shorten(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ShortenBody>,
) -> Result<Json<AbsenceDto>, ApiError> {
    let ends_at = date("ends_at", &b.ends_at)?;
    let a = s.app.shorten_absence(&c, absence_id(&id)?, ends_at).await?;
    Ok(Json(dto(&a, s.app.now())))
}

/// Cancel an absence: one to come is removed (204); one in force ends now (200, the absence).
#[utoipa::path(delete, path = "/absences/{id}", tag = "absences", params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"), (status = 200, body = AbsenceDto, description = "Ended now")))]
async fn cancel(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(match s.app.cancel_absence(&c, absence_id(&id)?).await? {
        Cancelled::Removed => StatusCode::NO_CONTENT.into_response(),
        Cancelled::EndedNow(a) => Json(dto(&a, s.app.now())).into_response(),
    })
}
