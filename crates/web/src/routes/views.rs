//! `/views`: an agent's saved views (named filter sets) and their tickets, ages counted from the
//! moment the view is opened.

use super::queues::{QueuePage, page, paging};
use crate::AppState;
use crate::extract::{ApiJson, Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guichet_app::queue::view_sort;
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::queue::ViewFilters;
use guichet_core::ticket::Priority;
use guichet_core::{FieldError, OrgNodeId};
use guichet_store::view::SavedView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(tickets))
}

/// A saved view. `filters` holds ids (groups, applications, establishment, zone).
#[derive(Debug, Serialize, ToSchema)]
pub struct ViewDto {
    pub id: i64,
    pub name: String,
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn dto(v: SavedView) -> ViewDto {
    ViewDto {
        id: v.id,
        name: v.name,
        filters: v.filters,
        created_at: v.created_at,
        updated_at: v.updated_at,
    }
}

/// The filters of a view, as for `/tickets`; omitted fields do not filter.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FiltersBody {
    /// Statuses, or `open` / `finished`.
    pub status: Vec<String>,
    /// Group ids or codes.
    pub groups: Vec<String>,
    /// Assigned to the viewer (and the absent colleagues they stand in for).
    pub mine: bool,
    pub unassigned: bool,
    /// Application codes or ids.
    pub applications: Vec<String>,
    /// `N0` … `N3`.
    pub levels: Vec<String>,
    pub priorities: Vec<String>,
    /// UAI or org node id.
    pub establishment: Option<String>,
    /// Org node id: its whole subtree.
    pub zone: Option<i64>,
    /// Created at least this many days ago (0 to 3650).
    pub older_than_days: Option<i64>,
    /// Created less than this many days ago.
    pub newer_than_days: Option<i64>,
    /// As for `/tickets`: `-created`, `priority`…
    pub sort: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewBody {
    pub name: String,
    #[serde(default)]
    pub filters: FiltersBody,
}

async fn filters(s: &AppState, b: FiltersBody) -> Result<ViewFilters, ApiError> {
    let mut f = ViewFilters::default();
    for v in &b.status {
        match v.as_str() {
            "open" => f.open = Some(true),
            "finished" => f.open = Some(false),
            v => f
                .statuses
                .push(Status::parse(v).map_err(|e| e.at("status"))?),
        }
    }
    for g in &b.groups {
        f.groups.push(s.app.group_id("groups", g).await?);
    }
    for a in &b.applications {
        f.applications
            .push(s.app.application_id("applications", a).await?);
    }
    for l in &b.levels {
        f.levels
            .push(Level::parse(l).map_err(|_| FieldError::new("levels", "invalid"))?);
    }
    for p in &b.priorities {
        f.priorities
            .push(Priority::parse(p).map_err(|_| FieldError::new("priorities", "invalid"))?);
    }
    if let Some(e) = b.establishment.as_deref().filter(|e| !e.trim().is_empty()) {
        f.establishment = Some(s.app.establishment_id("establishment", e).await?);
    }
    f.zone = b.zone.map(OrgNodeId);
    f.mine = b.mine;
    f.unassigned = b.unassigned;
    f.older_than_days = b.older_than_days;
    f.newer_than_days = b.newer_than_days;
    f.sort = b.sort;
    Ok(f)
}

fn view_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| not_found("view"))
}

/// The caller's saved views, in name order.
#[utoipa::path(get, path = "/views", tag = "views", responses((status = 200, body = Vec<ViewDto>)))]
async fn list(State(s): State<AppState>, Auth(c): Auth) -> Result<Json<Vec<ViewDto>>, ApiError> {
    Ok(Json(s.app.views(&c).await?.into_iter().map(dto).collect()))
}

/// Save a named filter set. A name the caller already uses is a conflict naming `name`.
#[utoipa::path(post, path = "/views", tag = "views", request_body = ViewBody,
    responses((status = 201, body = ViewDto), (status = 409, description = "Name taken", content_type = "application/problem+json"),
        (status = 422, description = "A filter is invalid", content_type = "application/problem+json")))]
async fn create(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<ViewBody>,
) -> Result<Response, ApiError> {
    let f = filters(&s, b.filters).await?;
    let v = s.app.save_view(&c, &b.name, &f).await?;
    Ok((StatusCode::CREATED, Json(dto(v))).into_response())
}

/// Rename a view or replace its filters.
#[utoipa::path(put, path = "/views/{id}", tag = "views", params(("id" = i64, Path)), request_body = ViewBody,
    responses((status = 200, body = ViewDto)))]
async fn update(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ViewBody>,
) -> Result<Json<ViewDto>, ApiError> {
    let id = view_id(&id)?;
    let f = filters(&s, b.filters).await?;
    Ok(Json(dto(s.app.update_view(&c, id, &b.name, &f).await?)))
}

#[utoipa::path(delete, path = "/views/{id}", tag = "views", params(("id" = i64, Path)), responses((status = 204)))]
async fn delete(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_view(&c, view_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of a view's tickets, in the view's sort.
#[utoipa::path(get, path = "/views/{id}/tickets", tag = "views",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = QueuePage)))]
async fn tickets(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<QueuePage>, ApiError> {
    let id = view_id(&id)?;
    // A cursor belongs to a sort, and the sort is the view's: read it first.
    let view = s.app.view(&c, id).await?;
    let (after, limit) = paging(&p, view_sort(&view)?)?;
    let (items, sort) = s.app.view_tickets(&c, id, after, limit).await?;
    Ok(Json(page(&items, sort)))
}
