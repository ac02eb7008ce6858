//! `/broadcasts`: mass information for the people who steer a zone (IEN, DASEN, DSI) and the
//! administrators. The list of their broadcasts with progress, the compose form (preview of the
//! audience, draft, send or schedule), and one broadcast with its recipients (send a draft,
//! cancel before it starts). Anyone who steers nothing finds no such pages (404), as the
//! workspace and the administration answer others.
//!
//! Handlers parse, call `guichet_app::broadcast`'s use cases (which check the zone rule again
//! and audit) and render. Times typed and shown here are in [`TIME_ZONE`].

mod compose;
mod show;

use super::admin::Notice;
use super::error::PageError;
use super::visitor::SignedIn;
use crate::AppState;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use guichet_app::AppError;
use guichet_app::broadcast::BroadcastView;
use guichet_core::broadcast::BroadcastStatus;
use guichet_store::broadcast::Broadcast;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Where the authors are: the pages read and show times in the académie's time. Every
/// metropolitan académie is on Paris time; an overseas one needs this made a setting.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Paris;

/// Broadcasts per page of the list.
const PAGE: i64 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/broadcasts", get(list))
        .route("/broadcasts/new", get(compose::form).post(compose::submit))
        .route("/broadcasts/{id}", get(show::show))
        .route("/broadcasts/{id}/send", post(show::send))
        .route("/broadcasts/{id}/cancel", post(show::cancel))
}

/// Someone who steers nothing (or no longer may act) finds no broadcasts.
fn steering_only(s: &SignedIn) -> Result<(), PageError> {
    let subject = &s.caller.subject;
    if subject.active && (subject.admin || !subject.zones.is_empty()) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

/// A time as French or English readers write it, in [`TIME_ZONE`] (the pages' shared
/// [`crate::pages::time`] writing).
pub fn when(lang: Lang, at: DateTime<Utc>) -> String {
    crate::pages::time::when(lang, TIME_ZONE, at)
}

/// A `datetime-local` value (`2026-09-01T08:00`) in [`TIME_ZONE`]; blank is none.
pub fn parse_when(raw: &str, field: &'static str) -> Result<Option<DateTime<Utc>>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| AppError::invalid(field, "broadcast.when"))?;
    // A time skipped by the spring change does not exist: say so rather than guess.
    TIME_ZONE
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(AppError::invalid(field, "broadcast.when"))
}

/// A `date` value (`2026-09-30`): the end of that day in [`TIME_ZONE`]; blank is none.
pub fn parse_day_end(raw: &str, field: &'static str) -> Result<Option<DateTime<Utc>>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "broadcast.day"))?;
    let end = day
        .and_hms_opt(23, 59, 59)
        .ok_or(AppError::invalid(field, "broadcast.day"))?;
    TIME_ZONE
        .from_local_datetime(&end)
        .latest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(AppError::invalid(field, "broadcast.day"))
}

/// The status as the author should read it: a broadcast due now waits only for a worker to
/// pick it up, so it reads "sending" rather than "scheduled".
pub fn shown_status(b: &Broadcast, now: DateTime<Utc>) -> &'static str {
    match b.status {
        BroadcastStatus::Scheduled if b.send_at.is_none_or(|t| t <= now) => "sending",
        other => other.as_str(),
    }
}

/// One broadcast as a row of the list.
#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    subject: String,
    status: &'static str,
    /// Recipients listed; for a broadcast not started, the audience as it stands now.
    audience: i64,
    sent: i64,
    failed: i64,
    bounced: i64,
    queued: i64,
    send_at: Option<String>,
    created: String,
}

async fn row(state: &AppState, s: &SignedIn, v: BroadcastView) -> Result<Row, PageError> {
    let lang = s.visitor.lang;
    let b = v.broadcast;
    let p = v.progress;
    let audience = if b.status.is_pending() {
        state.app.preview_broadcast(&s.caller, b.id).await?.count
    } else {
        p.total()
    };
    let status = shown_status(&b, state.app.now());
    Ok(Row {
        id: b.id,
        subject: b.subject_fr,
        status,
        audience,
        sent: p.sent,
        failed: p.failed,
        bounced: p.bounced,
        queued: p.queued,
        send_at: b.send_at.map(|t| when(lang, t)),
        created: when(lang, b.created_at),
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    before: Option<i64>,
    done: Option<String>,
}

/// `/broadcasts`: the caller's broadcasts and their zone's, newest first.
pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    steering_only(&s)?;
    let views = state.app.broadcasts(&s.caller, q.before, PAGE).await?;
    let older = (views.len() as i64 == PAGE)
        .then(|| views.last().map(|v| v.broadcast.id))
        .flatten();
    let mut rows = Vec::with_capacity(views.len());
    for v in views {
        rows.push(row(&state, &s, v).await?);
    }
    let done = Notice { done: q.done }.of(&["cancelled"]);
    state.web.page(
        &state,
        &s.visitor,
        "broadcasts/list.html",
        &json!({ "broadcasts": rows, "older": older, "newer_link": q.before.is_some(), "done": done }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_are_paris_times() {
        let summer = parse_when("2026-09-01T08:00", "send_at").expect("valid");
        assert_eq!(
            summer.map(|t| t.to_rfc3339()),
            Some("2026-09-01T06:00:00+00:00".into())
        );
        let winter = parse_day_end("2026-12-31", "banner_until").expect("valid");
        assert_eq!(
            winter.map(|t| t.to_rfc3339()),
            Some("2026-12-31T22:59:59+00:00".into())
        );
        assert_eq!(parse_when(" ", "send_at").expect("blank"), None);
        assert!(parse_when("01/09/2026", "send_at").is_err());
        // 02:30 on the last Sunday of March never happens in Paris.
        assert!(parse_when("2026-03-29T02:30", "send_at").is_err());
        assert_eq!(
            when(Lang::Fr, summer.expect("a time")),
            "01/09/2026 à 08:00"
        );
    }
}
