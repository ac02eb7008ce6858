//! The administration's changes beyond creation: `PUT /applications/{id}` (name, keywords,
//! default group, offered or retired), `PATCH /desks/{id}` (name, zone), `PATCH /groups/{id}`
//! (name, description, active), `DELETE /groups/{id}/members/{person}`,
//! `PUT /persons/{id}/active` and `PUT /persons/{id}/admin`. Administrators only (the app
//! checks), each change audited; the same use cases as the `/admin` pages.

use super::reference::{ApplicationDto, DeskDto, GroupDto};
use crate::AppState;
use crate::extract::{ApiJson, Auth, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use guichet_app::admin::{ApplicationInput, DeskInput, GroupInput};
use guichet_core::{ApplicationId, DeskId, GroupId, OrgNodeId, PersonId};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_application))
        .routes(routes!(update_desk))
        .routes(routes!(update_group))
        .routes(routes!(remove_member))
        .routes(routes!(set_active))
        .routes(routes!(set_admin))
}

fn id(s: &str, what: &'static str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| not_found(what))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApplication {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Words that identify it in an email subject (stored upper-cased, deduplicated).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Group id or code; none when absent.
    #[serde(default)]
    pub default_group: Option<String>,
    /// Offered to requesters.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Rewrite an application's editable fields; its code stays (administrators).
#[utoipa::path(put, path = "/applications/{id}", tag = "reference", params(("id" = i64, Path)), request_body = UpdateApplication, responses((status = 200, body = ApplicationDto)))]
async fn update_application(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<UpdateApplication>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let app_id = ApplicationId(id(&raw, "application")?);
    let default_group = match b.default_group.as_deref() {
        Some(g) => Some(s.app.group_id("default_group", g).await?),
        None => None,
    };
    let input = ApplicationInput {
        name: b.name,
        description: b.description,
        keywords: b.keywords,
        default_group,
        active: b.active,
    };
    let a = s.app.update_application(&c, app_id, input).await?;
    Ok(Json(ApplicationDto::from(&a)))
}

/// A field that may be absent (kept), `null` (cleared) or a value.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDesk {
    /// Unique among desks; absent keeps it.
    #[serde(default)]
    pub name: Option<String>,
    /// The zone the desk serves; `null` clears it, absent keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub node_id: Option<Option<i64>>,
}

/// Rename a desk or change its zone; its code stays (administrators).
#[utoipa::path(patch, path = "/desks/{id}", tag = "reference", params(("id" = i64, Path)), request_body = UpdateDesk,
    responses((status = 200, body = DeskDto), (status = 409, description = "Another desk has this name", content_type = "application/problem+json")))]
async fn update_desk(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<UpdateDesk>,
) -> Result<Json<DeskDto>, ApiError> {
    let desk = DeskId(id(&raw, "desk")?);
    let input = DeskInput {
        name: b.name,
        node: b.node_id.map(|n| n.map(OrgNodeId)),
    };
    let d = s
        .app
        .update_desk(&c, desk, input)
        .await
        .map_err(|e| match e {
            guichet_app::AppError::Invalid(f) if f.field == "node" => {
                guichet_app::AppError::Invalid(f.at("node_id"))
            }
            other => other,
        })?;
    Ok(Json(DeskDto::from(&d)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroup {
    /// Unique within the desk; absent keeps it.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `false` deactivates it: refused (409) while its queue holds open tickets or an
    /// application has it as default group.
    #[serde(default)]
    pub active: Option<bool>,
}

/// Rename, describe, deactivate or reactivate a group; its code, level and expertise stay
/// (administrators).
#[utoipa::path(patch, path = "/groups/{id}", tag = "reference", params(("id" = i64, Path)), request_body = UpdateGroup,
    responses((status = 200, body = GroupDto), (status = 409, description = "Name taken, or deactivation would strand requests", content_type = "application/problem+json")))]
async fn update_group(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<UpdateGroup>,
) -> Result<Json<GroupDto>, ApiError> {
    let group = GroupId(id(&raw, "group")?);
    let input = GroupInput {
        name: b.name,
        description: b.description,
        active: b.active,
    };
    let g = s.app.update_group(&c, group, input).await?;
    Ok(Json(GroupDto::from(&g)))
}

/// Take an agent out of a group (administrators).
#[utoipa::path(delete, path = "/groups/{id}/members/{person}", tag = "reference", params(("id" = i64, Path), ("person" = i64, Path)), responses((status = 204)))]
async fn remove_member(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path((group, person)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let group = GroupId(id(&group, "group")?);
    let person = PersonId(id(&person, "member")?);
    s.app.remove_member(&c, group, person).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetActive {
    pub active: bool,
}

/// Deactivate or reactivate a person; not oneself (administrators).
#[utoipa::path(put, path = "/persons/{id}/active", tag = "reference", params(("id" = i64, Path)), request_body = SetActive, responses((status = 204)))]
async fn set_active(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<SetActive>,
) -> Result<StatusCode, ApiError> {
    let person = PersonId(id(&raw, "person")?);
    s.app.set_person_active(&c, person, b.active).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAdmin {
    pub admin: bool,
}

/// Grant or revoke administration; not one's own (administrators).
#[utoipa::path(put, path = "/persons/{id}/admin", tag = "reference", params(("id" = i64, Path)), request_body = SetAdmin, responses((status = 204)))]
async fn set_admin(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<SetAdmin>,
) -> Result<StatusCode, ApiError> {
    let person = PersonId(id(&raw, "person")?);
    s.app.set_admin(&c, person, b.admin).await?;
    Ok(StatusCode::NO_CONTENT)
}
