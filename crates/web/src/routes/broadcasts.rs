//! `/broadcasts`: mass information to a zone. Compose a draft, preview its audience (count and
//! a sample), send it now or at a date, cancel it before it starts, list them with their
//! progress, read each recipient's state. See `guichet_app::broadcast`; permission follows the
//! zone there (a 403 names the rule: `broadcast.beyond_zone`, `broadcast.steering_only`).

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guichet_app::broadcast::{AudienceInput, BroadcastView, ComposeBroadcast, Preview};
use guichet_store::broadcast::Recipient;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preview_audience))
        .routes(routes!(show))
        .routes(routes!(preview))
        .routes(routes!(send))
        .routes(routes!(cancel))
        .routes(routes!(recipients))
}

/// Who a broadcast is for: people holding one of `roles` in one of the zones.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AudienceDto {
    /// Role codes: `director`, `head`, `teacher`, `staff`, `ien`, `dasen`, `steering`.
    pub roles: Vec<String>,
    /// Node ids: the académie, départements, circonscriptions or establishments.
    pub zones: Vec<i64>,
    /// Establishments by UAI.
    pub uais: Vec<String>,
}

impl From<AudienceDto> for AudienceInput {
    fn from(a: AudienceDto) -> Self {
        Self {
            roles: a.roles,
            zones: a.zones,
            uais: a.uais,
        }
    }
}

/// A draft to record.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateBody {
    pub subject_fr: String,
    pub body_fr: String,
    /// Optional; with `body_en`, sent to people whose language is English.
    pub subject_en: String,
    pub body_en: String,
    #[serde(flatten)]
    pub audience: AudienceDto,
    /// Messages per minute (0: no limit); absent: the configured default.
    pub rate_per_minute: Option<i64>,
    /// Shown as a banner on the portal of its audience until then.
    pub banner_until: Option<DateTime<Utc>>,
}

/// How many recipients are in each state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDto {
    pub total: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub bounced: i64,
    /// No email address: in-app notice only.
    pub skipped: i64,
}

/// A zone of the audience.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneDto {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uai: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BroadcastDto {
    pub id: i64,
    pub author: i64,
    /// `draft`, `scheduled`, `sending`, `sent`, `cancelled`.
    pub status: String,
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: Option<String>,
    pub body_en: Option<String>,
    pub roles: Vec<String>,
    pub zones: Vec<ZoneDto>,
    pub rate_per_minute: i64,
    pub send_at: Option<DateTime<Utc>>,
    pub banner_until: Option<DateTime<Utc>>,
    /// Recipients listed so far.
    pub recipients: i64,
    pub progress: ProgressDto,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn dto(v: BroadcastView) -> BroadcastDto {
    let b = v.broadcast;
    let p = v.progress;
    BroadcastDto {
        id: b.id,
        author: b.author.0,
        status: b.status.as_str().into(),
        subject_fr: b.subject_fr,
        body_fr: b.body_fr,
        subject_en: b.subject_en,
        body_en: b.body_en,
        roles: b.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        zones: b
            .zones
            .into_iter()
            .map(|n| ZoneDto {
                id: n.id.0,
                kind: n.kind.as_str().into(),
                name: n.name,
                uai: n.uai.map(|u| u.as_str().to_owned()),
            })
            .collect(),
        rate_per_minute: b.rate_per_minute,
        send_at: b.send_at,
        banner_until: b.banner_until,
        recipients: b.recipients,
        progress: ProgressDto {
            total: p.total(),
            queued: p.queued,
            sent: p.sent,
            failed: p.failed,
            bounced: p.bounced,
            skipped: p.skipped,
        },
        created_at: b.created_at,
        started_at: b.started_at,
        finished_at: b.finished_at,
    }
}

/// One person of the audience.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub person: i64,
    pub name: String,
    pub email: String,
    /// One place where they hold a role of the audience, and its UAI.
    pub place: String,
    pub uai: Option<String>,
}

/// The audience before sending: its size (each person once) and its first 20 people.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewDto {
    pub count: i64,
    pub sample: Vec<MemberDto>,
}

fn preview_dto(p: Preview) -> PreviewDto {
    PreviewDto {
        count: p.count,
        sample: p
            .sample
            .into_iter()
            .map(|m| MemberDto {
                person: m.person.0,
                name: m.name,
                email: m.email,
                place: m.place,
                uai: m.uai,
            })
            .collect(),
    }
}

fn id_of(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| not_found("broadcast"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BroadcastPage {
    pub items: Vec<BroadcastDto>,
    pub next_before: Option<i64>,
}

/// The broadcasts the caller may see (their own and their zone's), newest first.
#[utoipa::path(get, path = "/broadcasts", tag = "broadcasts",
    params(("before" = Option<i64>, Query, description = "Keyset cursor: the `next_before` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = BroadcastPage),
        (status = 403, description = "Steering staff and administrators only", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<BroadcastPage>, ApiError> {
    let before = p.i64("before")?;
    let limit = p.i64("limit")?.unwrap_or(20).clamp(1, 100);
    let items = s.app.broadcasts(&c, before, limit).await?;
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|v| v.broadcast.id))
        .flatten();
    Ok(Json(BroadcastPage {
        items: items.into_iter().map(dto).collect(),
        next_before,
    }))
}

/// Records a draft. Nothing is sent until `POST /broadcasts/{id}/send`.
#[utoipa::path(post, path = "/broadcasts", tag = "broadcasts", request_body = CreateBody,
    responses((status = 201, body = BroadcastDto),
        (status = 403, description = "A zone beyond the caller's (`broadcast.beyond_zone`), or not steering staff", content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid; `field` names it", content_type = "application/problem+json")))]
async fn create(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> Result<(StatusCode, Json<BroadcastDto>), ApiError> {
    let view = s
        .app
        .create_broadcast(
            &c,
            ComposeBroadcast {
                subject_fr: b.subject_fr,
                body_fr: b.body_fr,
                subject_en: b.subject_en,
                body_en: b.body_en,
                audience: b.audience.into(),
                rate_per_minute: b.rate_per_minute,
                banner_until: b.banner_until,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(dto(view))))
}

/// The size and first people of an audience, before writing anything.
#[utoipa::path(post, path = "/broadcasts/preview", tag = "broadcasts", request_body = AudienceDto,
    responses((status = 200, body = PreviewDto),
        (status = 403, description = "A zone beyond the caller's", content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid", content_type = "application/problem+json")))]
async fn preview_audience(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(a): ApiJson<AudienceDto>,
) -> Result<Json<PreviewDto>, ApiError> {
    Ok(Json(preview_dto(
        s.app.preview_audience(&c, &a.into()).await?,
    )))
}

/// One broadcast with its progress.
#[utoipa::path(get, path = "/broadcasts/{id}", tag = "broadcasts", params(("id" = i64, Path)),
    responses((status = 200, body = BroadcastDto),
        (status = 404, description = "No such broadcast in the caller's zone", content_type = "application/problem+json")))]
async fn show(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<BroadcastDto>, ApiError> {
    Ok(Json(dto(s.app.broadcast(&c, id_of(&id)?).await?)))
}

/// The audience of a recorded broadcast as it stands now.
#[utoipa::path(get, path = "/broadcasts/{id}/preview", tag = "broadcasts", params(("id" = i64, Path)),
    responses((status = 200, body = PreviewDto),
        (status = 404, description = "No such broadcast in the caller's zone", content_type = "application/problem+json")))]
async fn preview(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<PreviewDto>, ApiError> {
    Ok(Json(preview_dto(
        s.app.preview_broadcast(&c, id_of(&id)?).await?,
    )))
}

/// When to send.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SendBody {
    /// Absent or past: now.
    pub at: Option<DateTime<Utc>>,
}

/// Sends a draft now or at `at` (or reschedules a scheduled one).
#[utoipa::path(post, path = "/broadcasts/{id}/send", tag = "broadcasts", params(("id" = i64, Path)),
    request_body = SendBody,
    responses((status = 200, body = BroadcastDto),
        (status = 403, description = "A zone beyond the caller's", content_type = "application/problem+json"),
        (status = 404, description = "No such broadcast in the caller's zone", content_type = "application/problem+json"),
        (status = 409, description = "Already sending, sent or cancelled", content_type = "application/problem+json")))]
async fn send(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SendBody>,
) -> Result<Json<BroadcastDto>, ApiError> {
    Ok(Json(dto(s
        .app
        .send_broadcast(&c, id_of(&id)?, b.at)
        .await?)))
}

/// Cancels a broadcast that has not started.
#[utoipa::path(post, path = "/broadcasts/{id}/cancel", tag = "broadcasts", params(("id" = i64, Path)),
    responses((status = 200, body = BroadcastDto),
        (status = 404, description = "No such broadcast in the caller's zone", content_type = "application/problem+json"),
        (status = 409, description = "Already sending, sent or cancelled", content_type = "application/problem+json")))]
async fn cancel(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<BroadcastDto>, ApiError> {
    Ok(Json(dto(s.app.cancel_broadcast(&c, id_of(&id)?).await?)))
}

/// One recipient and their email's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientDto {
    pub id: i64,
    pub person: i64,
    pub name: String,
    pub email: String,
    /// `queued`, `sent`, `failed`, `bounced`, `skipped` (no address: in-app only).
    pub state: String,
    /// The SMTP server's answer: its acceptance or its refusal.
    pub smtp_answer: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn recipient_dto(r: Recipient) -> RecipientDto {
    RecipientDto {
        id: r.id,
        person: r.person.0,
        name: r.name,
        email: r.email,
        state: r.state.as_str().into(),
        smtp_answer: r.smtp_answer,
        sent_at: r.sent_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientPage {
    pub items: Vec<RecipientDto>,
    pub next_after: Option<i64>,
}

/// The recipients and their states, in listing order.
#[utoipa::path(get, path = "/broadcasts/{id}/recipients", tag = "broadcasts",
    params(("id" = i64, Path),
        ("state" = Option<String>, Query, description = "Only this state"),
        ("after" = Option<i64>, Query, description = "Keyset cursor: the `next_after` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 500, default 100")),
    responses((status = 200, body = RecipientPage),
        (status = 404, description = "No such broadcast in the caller's zone", content_type = "application/problem+json"),
        (status = 422, description = "`state` is not a state", content_type = "application/problem+json")))]
async fn recipients(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<RecipientPage>, ApiError> {
    let after = p.i64("after")?;
    let limit = p.i64("limit")?.unwrap_or(100).clamp(1, 500);
    let items = s
        .app
        .broadcast_recipients(&c, id_of(&id)?, p.get("state"), after, limit)
        .await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|r| r.id))
        .flatten();
    Ok(Json(RecipientPage {
        items: items.into_iter().map(recipient_dto).collect(),
        next_after,
    }))
}
