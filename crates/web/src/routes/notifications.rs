//! `/notifications`: the caller's in-app notices (newest first, with the unread count), marking
//! them read, and their choice for non-essential notices (immediate, daily digest, off;
//! received and resolved are always mailed). See `guichet_app::notify`.

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use guichet_store::notification::Notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark_read))
        .routes(routes!(preference, set_preference))
}

/// One notice to the caller about one ticket event.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    /// `received`, `taken`, `reply`, `waiting`, `resolved`, `closed`, `reopened`, `assigned`,
    /// `queued`, `escalated`, `transferred`, `answered`.
    pub kind: String,
    /// The ticket's reference.
    pub reference: Option<String>,
    /// The ticket's subject.
    pub subject: Option<String>,
    /// Who acted.
    pub actor: Option<String>,
    /// `email`, `digest` or `none` (in-app only).
    pub delivery: String,
    /// The email's state: `queued`, `sent`, `failed`, `bounced` or `skipped`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

fn dto(n: Notification) -> NotificationDto {
    let text = |k: &str| n.data[k].as_str().map(str::to_owned);
    NotificationDto {
        id: n.id,
        reference: text("reference"),
        subject: text("subject"),
        actor: text("actor"),
        kind: n.kind,
        delivery: n.delivery.as_str().into(),
        state: n.state.as_str().into(),
        created_at: n.created_at,
        read_at: n.read_at,
    }
}

/// A page of notices; pass `next_before` as `before` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    /// Unread notices, counted up to 100.
    pub unread: i64,
    pub next_before: Option<i64>,
}

/// The caller's notices, newest first.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    params(("before" = Option<i64>, Query, description = "Keyset cursor: the `next_before` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = NotificationPage),
        (status = 422, description = "`before` or `limit` is invalid", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<NotificationPage>, ApiError> {
    let before = p.i64("before")?;
    let limit = p.i64("limit")?.unwrap_or(20).clamp(1, 100);
    let items = s.app.my_notifications(&c, before, limit).await?;
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|n| n.id))
        .flatten();
    Ok(Json(NotificationPage {
        unread: s.app.unread_notifications(&c).await?,
        items: items.into_iter().map(dto).collect(),
        next_before,
    }))
}

/// Which notices to mark read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadBody {
    /// The notices' ids; absent: all of the caller's.
    pub ids: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadDone {
    /// How many were unread.
    pub marked: u64,
    pub unread: i64,
}

/// Marks the caller's notices read (others' are left alone).
#[utoipa::path(post, path = "/notifications/read", tag = "notifications", request_body = ReadBody,
    responses((status = 200, body = ReadDone),
        (status = 422, description = "The body does not parse", content_type = "application/problem+json")))]
async fn mark_read(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<ReadBody>,
) -> Result<Json<ReadDone>, ApiError> {
    let marked = s.app.mark_notifications_read(&c, b.ids.as_deref()).await?;
    Ok(Json(ReadDone {
        marked,
        unread: s.app.unread_notifications(&c).await?,
    }))
}

/// The caller's choice for non-essential notices.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Preference {
    /// `immediate`, `digest` (one message a day) or `off` (in-app only).
    pub mode: String,
}

/// The caller's choice for non-essential notices.
#[utoipa::path(get, path = "/notifications/preference", tag = "notifications",
    responses((status = 200, body = Preference)))]
async fn preference(
    State(s): State<AppState>,
    Auth(c): Auth,
) -> Result<Json<Preference>, ApiError> {
    let mode = s.app.notify_mode(&c).await?;
    Ok(Json(Preference {
        mode: mode.as_str().into(),
    }))
}

/// Sets the caller's choice; received and resolved notices are mailed whatever it is.
#[utoipa::path(put, path = "/notifications/preference", tag = "notifications", request_body = Preference,
    responses((status = 200, body = Preference),
        (status = 422, description = "`mode` is not immediate, digest or off", content_type = "application/problem+json")))]
async fn set_preference(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<Preference>,
) -> Result<Json<Preference>, ApiError> {
    s.app.set_notify_mode(&c, b.mode.trim()).await?;
    Ok(Json(Preference {
        mode: b.mode.trim().into(),
    }))
}
