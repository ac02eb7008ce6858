//! `/sla/...`: business-hours calendars (with closures imported from an ICS file), SLA policies
//! and each desk's automation (rule mode, auto-close delay) for administrators; and
//! `/tickets/{reference}/sla`, a ticket's expected dates for whoever may read it.

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, CalendarId, DeskId, SlaPolicyId};
use guichet_store::calendar::StoredCalendar;
use guichet_store::sla::{DeskAutomation, StoredPolicy, TargetRow, TicketSla};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars, create_calendar))
        .routes(routes!(update_calendar))
        .routes(routes!(import_closures))
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(update_policy))
        .routes(routes!(show_desk, set_desk))
        .routes(routes!(ticket_sla))
}

/// A calendar: `definition` is `{time_zone, territory, hours: {mon: ["08:00-12:00"]…},
/// observes_holidays, closures: [{first_day, last_day, label}]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub definition: Value,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    /// Ignored on update: a calendar keeps its code.
    #[serde(default)]
    pub code: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub definition: Value,
}

/// An ICS file's text and the school zone (`A`, `B`, `C`, `corse`) whose closures to keep.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosuresBody {
    pub zone: String,
    pub ics: String,
}

/// An SLA policy: targets in business minutes of its calendar.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDto {
    #[serde(default)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub desk_id: i64,
    /// Narrows the policy to one application.
    #[serde(default)]
    pub application_id: Option<i64>,
    /// Narrows the policy to one priority (`very_low` … `very_high`).
    #[serde(default)]
    pub priority: Option<String>,
    pub calendar_id: i64,
    pub take_in_charge_minutes: u32,
    pub resolve_minutes: u32,
    /// Warn when this share of a target is spent (1–99, default 80).
    #[serde(default = "eighty")]
    pub warn_percent: u8,
    /// At a breach, raise the priority one step.
    #[serde(default)]
    pub breach_raise_priority: bool,
    /// At a breach, move the ticket to the desk's group of the next level.
    #[serde(default)]
    pub breach_next_level: bool,
}

fn eighty() -> u8 {
    80
}

/// A desk's automation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskAutomationDto {
    /// `first_match` or `apply_all`.
    pub rule_mode: String,
    /// Days after which a resolved ticket without the requester's answer is closed; none: never.
    #[serde(default)]
    pub auto_close_days: Option<i32>,
}

/// One target's clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    /// `running`, `paused` (waiting for an answer) or `stopped`.
    pub clock: String,
    /// The expected date; none while paused.
    pub due: Option<DateTime<Utc>>,
    pub breached: bool,
    /// Business seconds left when last computed (negative once missed).
    pub remaining_seconds: i64,
}

/// A ticket's expected take-in-charge and resolution dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketSlaDto {
    pub take_in_charge: TargetDto,
    pub resolve: TargetDto,
    pub computed_at: DateTime<Utc>,
}

fn calendar_dto(c: &StoredCalendar) -> CalendarDto {
    CalendarDto {
        id: c.id.0,
        code: c.code.clone(),
        name: c.name.clone(),
        definition: serde_json::to_value(&c.calendar).unwrap_or(Value::Null),
        updated_at: c.updated_at,
    }
}

fn policy_dto(p: &StoredPolicy) -> PolicyDto {
    PolicyDto {
        id: p.id.0,
        code: p.code.clone(),
        name: p.name.clone(),
        desk_id: p.scope.desk.0,
        application_id: p.scope.application.map(|a| a.0),
        priority: p.scope.priority.map(|x| x.as_str().to_owned()),
        calendar_id: p.calendar.0,
        take_in_charge_minutes: p.targets.take_in_charge_minutes,
        resolve_minutes: p.targets.resolve_minutes,
        warn_percent: p.targets.warn_percent,
        breach_raise_priority: p.on_breach.raise_priority,
        breach_next_level: p.on_breach.next_level,
    }
}

fn policy_input(b: PolicyDto) -> Result<PolicyInput, ApiError> {
    let priority = b
        .priority
        .as_deref()
        .map(|p| Priority::parse(p).map_err(|e| e.at("priority")))
        .transpose()?;
    Ok(PolicyInput {
        code: b.code,
        name: b.name,
        desk: DeskId(b.desk_id),
        application: b.application_id.map(ApplicationId),
        priority,
        calendar: CalendarId(b.calendar_id),
        take_in_charge_minutes: b.take_in_charge_minutes,
        resolve_minutes: b.resolve_minutes,
        warn_percent: b.warn_percent,
        breach_raise_priority: b.breach_raise_priority,
        breach_next_level: b.breach_next_level,
    })
}

fn target_dto(t: &TargetRow) -> TargetDto {
    TargetDto {
        clock: t.clock.as_str().to_owned(),
        due: t.due,
        breached: t.breached,
        remaining_seconds: t.remaining_seconds,
    }
}

fn id(what: &'static str, raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| not_found(what))
}

/// Every calendar, by code.
#[utoipa::path(get, path = "/sla/calendars", tag = "sla",
    responses((status = 200, body = Vec<CalendarDto>)))]
async fn list_calendars(
    State(s): State<AppState>,
    Auth(c): Auth,
) -> Result<Json<Vec<CalendarDto>>, ApiError> {
    let list = s.app.list_calendars(&c).await?;
    Ok(Json(list.iter().map(calendar_dto).collect()))
}

/// Create a calendar.
#[utoipa::path(post, path = "/sla/calendars", tag = "sla", request_body = CalendarBody,
    responses((status = 201, body = CalendarDto), (status = 422, description = "A field is invalid (`time_zone`, `hours.mon`…)", content_type = "application/problem+json")))]
async fn create_calendar(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CalendarBody>,
) -> Result<Response, ApiError> {
    let input = CalendarInput {
        code: b.code,
        name: b.name,
        definition: b.definition,
    };
    let cal = s.app.create_calendar(&c, input).await?;
    Ok((StatusCode::CREATED, Json(calendar_dto(&cal))).into_response())
}

/// Replace a calendar's name and definition.
#[utoipa::path(put, path = "/sla/calendars/{id}", tag = "sla", request_body = CalendarBody,
    params(("id" = i64, Path)), responses((status = 200, body = CalendarDto)))]
async fn update_calendar(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<CalendarBody>,
) -> Result<Json<CalendarDto>, ApiError> {
    let input = CalendarInput {
        code: b.code,
        name: b.name,
        definition: b.definition,
    };
    let cal = s
        .app
        .update_calendar(&c, CalendarId(id("calendar", &raw)?), input)
        .await?;
    Ok(Json(calendar_dto(&cal)))
}

/// Replace a calendar's closures by a zone's periods from an ICS file (the school calendar).
#[utoipa::path(post, path = "/sla/calendars/{id}/closures", tag = "sla", request_body = ClosuresBody,
    params(("id" = i64, Path)), responses((status = 200, body = CalendarDto),
        (status = 422, description = "`zone` or `ics` is invalid", content_type = "application/problem+json")))]
async fn import_closures(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<ClosuresBody>,
) -> Result<Json<CalendarDto>, ApiError> {
    let id = CalendarId(id("calendar", &raw)?);
    let cal = s.app.import_closures(&c, id, &b.ics, &b.zone).await?;
    Ok(Json(calendar_dto(&cal)))
}

/// SLA policies, of one desk or all.
#[utoipa::path(get, path = "/sla/policies", tag = "sla",
    params(("desk" = Option<i64>, Query)), responses((status = 200, body = Vec<PolicyDto>)))]
async fn list_policies(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<Vec<PolicyDto>>, ApiError> {
    let list = s.app.list_policies(&c, p.i64("desk")?.map(DeskId)).await?;
    Ok(Json(list.iter().map(policy_dto).collect()))
}

/// Create a policy (the `id` of the body is ignored).
#[utoipa::path(post, path = "/sla/policies", tag = "sla", request_body = PolicyDto,
    responses((status = 201, body = PolicyDto), (status = 422, description = "A field is invalid", content_type = "application/problem+json")))]
async fn create_policy(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<PolicyDto>,
) -> Result<Response, ApiError> {
    let policy = s.app.create_policy(&c, policy_input(b)?).await?;
    Ok((StatusCode::CREATED, Json(policy_dto(&policy))).into_response())
}

/// Change a policy (its code stays).
#[utoipa::path(put, path = "/sla/policies/{id}", tag = "sla", request_body = PolicyDto,
    params(("id" = i64, Path)), responses((status = 200, body = PolicyDto)))]
async fn update_policy(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<PolicyDto>,
) -> Result<Json<PolicyDto>, ApiError> {
    let id = SlaPolicyId(id("policy", &raw)?);
    let policy = s.app.update_policy(&c, id, policy_input(b)?).await?;
    Ok(Json(policy_dto(&policy)))
}

fn automation_dto(a: &DeskAutomation) -> DeskAutomationDto {
    DeskAutomationDto {
        rule_mode: a.rule_mode.as_str().to_owned(),
        auto_close_days: a.auto_close_days,
    }
}

/// A desk's rule mode and auto-close delay.
#[utoipa::path(get, path = "/sla/desks/{id}", tag = "sla", params(("id" = i64, Path)),
    responses((status = 200, body = DeskAutomationDto)))]
async fn show_desk(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
) -> Result<Json<DeskAutomationDto>, ApiError> {
    let a = s.app.desk_automation(&c, DeskId(id("desk", &raw)?)).await?;
    Ok(Json(automation_dto(&a)))
}

/// Set a desk's rule mode and auto-close delay (1–365 days, or none).
#[utoipa::path(put, path = "/sla/desks/{id}", tag = "sla", request_body = DeskAutomationDto,
    params(("id" = i64, Path)), responses((status = 200, body = DeskAutomationDto)))]
async fn set_desk(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<DeskAutomationDto>,
) -> Result<Json<DeskAutomationDto>, ApiError> {
    let desk = DeskId(id("desk", &raw)?);
    let a = s
        .app
        .set_desk_automation(&c, desk, &b.rule_mode, b.auto_close_days)
        .await?;
    Ok(Json(automation_dto(&a)))
}

/// A ticket's expected take-in-charge and resolution dates, for whoever may read the ticket;
/// 404 also when no policy covers it.
#[utoipa::path(get, path = "/tickets/{reference}/sla", tag = "sla",
    params(("reference" = String, Path, description = "YYYY-NNNNNN")),
    responses((status = 200, body = TicketSlaDto), (status = 404, description = "No such ticket, not yours to see, or no policy", content_type = "application/problem+json")))]
async fn ticket_sla(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(reference): Path<String>,
) -> Result<Json<TicketSlaDto>, ApiError> {
    let id = s.app.ticket_id(&reference).await?;
    let sla: TicketSla = s
        .app
        .ticket_sla(&c, id)
        .await?
        .ok_or_else(|| not_found("policy"))?;
    Ok(Json(TicketSlaDto {
        take_in_charge: target_dto(&sla.take_in_charge),
        resolve: target_dto(&sla.resolve),
        computed_at: sla.computed_at,
    }))
}
