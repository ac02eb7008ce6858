//! `/rules`: a desk's routing rules for administrators (list, create, edit, enable or disable,
//! reorder, delete, export and import as JSON, test a draft against the last 1,000 tickets).
//! A rule's body is the core's JSON form of one rule (see `guichet_core::routing`); errors name
//! the JSON path of the value at fault (`conditions[0].value`). SLA settings are in [`sla`].

mod sla;

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guichet_app::routing::{RuleInput, RuleSetView};
use guichet_core::{DeskId, FieldError, RuleId};
use guichet_store::rule::StoredRule;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(enable))
        .routes(routes!(disable))
        .routes(routes!(reorder))
        .routes(routes!(export))
        .routes(routes!(import))
        .routes(routes!(test))
        .merge(sla::routes())
}

/// A stored rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    pub id: i64,
    pub desk_id: i64,
    /// 1 is evaluated first.
    pub position: i64,
    pub name: String,
    pub enabled: bool,
    /// The rule in the core's JSON form (`name`, `enabled`, `on`, `match`, `conditions`,
    /// `actions`).
    #[schema(value_type = Object)]
    pub definition: Value,
    pub updated_at: DateTime<Utc>,
}

/// A desk's rules in order, and how they apply.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetDto {
    pub desk_id: i64,
    /// `first_match` or `apply_all`.
    pub mode: String,
    pub rules: Vec<RuleDto>,
}

/// A new order: every rule id of the desk, once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderBody {
    pub order: Vec<i64>,
}

/// A recent ticket a draft rule matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleMatchDto {
    pub reference: String,
    pub subject: String,
}

fn rule_dto(r: &StoredRule) -> RuleDto {
    RuleDto {
        id: r.id.0,
        desk_id: r.desk.0,
        position: r.position,
        name: r.name.clone(),
        enabled: r.enabled,
        definition: r.definition.clone(),
        updated_at: r.updated_at,
    }
}

fn set_dto(v: &RuleSetView) -> RuleSetDto {
    RuleSetDto {
        desk_id: v.desk.0,
        mode: v.mode.as_str().to_owned(),
        rules: v.rules.iter().map(rule_dto).collect(),
    }
}

fn desk(p: &Params) -> Result<DeskId, ApiError> {
    p.i64("desk")?
        .map(DeskId)
        .ok_or_else(|| FieldError::required("desk").into())
}

fn rule_id(id: &str) -> Result<RuleId, ApiError> {
    id.parse().map(RuleId).map_err(|_| not_found("rule"))
}

/// A desk's rules, in the order they are evaluated.
#[utoipa::path(get, path = "/rules", tag = "rules",
    params(("desk" = i64, Query, description = "The desk's id")),
    responses((status = 200, body = RuleSetDto), (status = 403, description = "Administrators only", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<RuleSetDto>, ApiError> {
    Ok(Json(set_dto(&s.app.list_rules(&c, desk(&p)?).await?)))
}

/// Add a rule at the end of a desk's list.
#[utoipa::path(post, path = "/rules", tag = "rules", request_body = Object,
    params(("desk" = i64, Query, description = "The desk's id")),
    responses((status = 201, body = RuleDto),
        (status = 409, description = "Another rule of the desk has this name", content_type = "application/problem+json"),
        (status = 422, description = "A value is invalid; `field` is its JSON path", content_type = "application/problem+json")))]
async fn create(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
    ApiJson(definition): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let rule = s
        .app
        .create_rule(&c, desk(&p)?, RuleInput { definition })
        .await?;
    Ok((StatusCode::CREATED, Json(rule_dto(&rule))).into_response())
}

/// Replace a rule.
#[utoipa::path(put, path = "/rules/{id}", tag = "rules", request_body = Object,
    params(("id" = i64, Path)),
    responses((status = 200, body = RuleDto), (status = 404, description = "No such rule", content_type = "application/problem+json")))]
async fn update(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(definition): ApiJson<Value>,
) -> Result<Json<RuleDto>, ApiError> {
    let rule = s
        .app
        .update_rule(&c, rule_id(&id)?, RuleInput { definition })
        .await?;
    Ok(Json(rule_dto(&rule)))
}

/// Delete a rule.
#[utoipa::path(delete, path = "/rules/{id}", tag = "rules", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_rule(&c, rule_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a rule.
#[utoipa::path(post, path = "/rules/{id}/enable", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = RuleDto)))]
async fn enable(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<RuleDto>, ApiError> {
    let rule = s.app.set_rule_enabled(&c, rule_id(&id)?, true).await?;
    Ok(Json(rule_dto(&rule)))
}

/// Disable a rule: it stays in its place and is skipped.
#[utoipa::path(post, path = "/rules/{id}/disable", tag = "rules", params(("id" = i64, Path)),
    responses((status = 200, body = RuleDto)))]
async fn disable(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<RuleDto>, ApiError> {
    let rule = s.app.set_rule_enabled(&c, rule_id(&id)?, false).await?;
    Ok(Json(rule_dto(&rule)))
}

/// Put a desk's rules in a new order.
#[utoipa::path(post, path = "/rules/reorder", tag = "rules", request_body = ReorderBody,
    params(("desk" = i64, Query, description = "The desk's id")),
    responses((status = 200, body = RuleSetDto), (status = 422, description = "`order` does not name each rule once", content_type = "application/problem+json")))]
async fn reorder(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
    ApiJson(b): ApiJson<ReorderBody>,
) -> Result<Json<RuleSetDto>, ApiError> {
    let order: Vec<RuleId> = b.order.into_iter().map(RuleId).collect();
    let view = s.app.reorder_rules(&c, desk(&p)?, &order).await?;
    Ok(Json(set_dto(&view)))
}

/// A desk's rule set as JSON (`version`, `mode`, `rules`), for another desk or instance.
#[utoipa::path(get, path = "/rules/export", tag = "rules",
    params(("desk" = i64, Query, description = "The desk's id")),
    responses((status = 200, body = Object)))]
async fn export(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(s.app.export_rules(&c, desk(&p)?).await?))
}

/// Replace a desk's rule set by an exported one, all or nothing.
#[utoipa::path(post, path = "/rules/import", tag = "rules", request_body = Object,
    params(("desk" = i64, Query, description = "The desk's id")),
    responses((status = 200, body = RuleSetDto), (status = 422, description = "A value is invalid; `field` is its JSON path (`rules[2].conditions[0].value`)", content_type = "application/problem+json")))]
async fn import(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
    ApiJson(set): ApiJson<Value>,
) -> Result<Json<RuleSetDto>, ApiError> {
    Ok(Json(set_dto(
        &s.app.import_rules(&c, desk(&p)?, &set).await?,
    )))
}

/// The last 1,000 tickets a draft rule would match, enabled or not.
#[utoipa::path(post, path = "/rules/test", tag = "rules", request_body = Object,
    responses((status = 200, body = Vec<RuleMatchDto>)))]
async fn test(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(definition): ApiJson<Value>,
) -> Result<Json<Vec<RuleMatchDto>>, ApiError> {
    let found = s.app.test_rule(&c, RuleInput { definition }).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|m| RuleMatchDto {
                reference: m.reference.to_string(),
                subject: m.subject,
            })
            .collect(),
    ))
}
