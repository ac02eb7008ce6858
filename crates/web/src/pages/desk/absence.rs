//! `/desk/absence`: the agent declares an absence over `[start, end)` (whole days, UTC until
//! desks have their time zone) with a colleague as delegate, lists their absences in force or
//! to come, and cancels one. The rules (overlaps, a delegate of the same groups) are the app's.

use super::agent_only;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use guichet_app::AppError;
use guichet_app::absence::DeclareAbsence;
use guichet_core::PersonId;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, Default)]
pub struct Notice {
    done: Option<String>,
}

async fn render(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Fields,
) -> Result<Response, PageError> {
    let times = Times::new(state, s.visitor.lang);
    let me = s.caller.subject.person;
    let colleagues = state.app.colleagues(&s.caller).await?;
    let name = |p: PersonId| {
        colleagues
            .iter()
            .find(|(id, _)| *id == p)
            .map_or_else(|| p.0.to_string(), |(_, n)| n.clone())
    };
    let absences: Vec<_> = state
        .app
        .absences(&s.caller, me)
        .await?
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "start": times.when(a.starts_at),
                "end": times.when(a.ends_at),
                "delegate": name(a.delegate),
            })
        })
        .collect();
    let page = json!({
        "absences": absences,
        "colleagues": colleagues.iter().map(|(id, n)| json!({ "id": id.0, "name": n })).collect::<Vec<_>>(),
        "errors": errors,
        "done": done.filter(|d| ["declared", "cancelled"].contains(d)),
        "typed": {
            "start": typed.text("absence-starts_at"),
            "end": typed.text("absence-ends_at"),
            "delegate": typed.text("absence-delegate"),
        },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "desk/absence.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let none = Fields::default();
    render(
        &state,
        &s,
        StatusCode::OK,
        &FormErrors::default(),
        notice.done.as_deref(),
        &none,
    )
    .await
}

/// A day typed in a date field, as its first instant in the académie's time zone (midnight on
/// the agents' wall clocks, as the page shows it back).
fn day(f: &Fields, field: &'static str, zone: Tz) -> Result<DateTime<Utc>, AppError> {
    let text = f.text(&format!("absence-{field}"));
    if text.trim().is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| zone.from_local_datetime(&d).earliest())
        .map(|d| d.with_timezone(&Utc))
        .ok_or(AppError::invalid(field, "invalid"))
}

async fn refused(
    state: &AppState,
    s: &SignedIn,
    e: AppError,
    f: &Fields,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let mut errors = FormErrors::default();
    match &e {
        AppError::Invalid(fe) => errors.add(lang, &format!("absence-{}", fe.field), fe.code, &[]),
        AppError::Conflict { code, field } => {
            let name = format!("absence-{}", field.unwrap_or("starts_at"));
            errors.add(lang, &name, code, &[]);
        }
        _ => return Err(e.into()),
    }
    render(state, s, StatusCode::UNPROCESSABLE_ENTITY, &errors, None, f).await
}

pub async fn declare(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let zone = Times::new(&state, s.visitor.lang).zone;
    let parsed = (|| {
        let starts_at = day(&f, "starts_at", zone)?;
        let ends_at = day(&f, "ends_at", zone)?;
        let delegate = f
            .text("absence-delegate")
            .trim()
            .parse::<i64>()
            .map(PersonId)
            .map_err(|_| AppError::invalid("delegate", "required"))?;
        Ok::<_, AppError>(DeclareAbsence {
            agent: s.caller.subject.person,
            delegate,
            starts_at,
            ends_at,
        })
    })();
    let result = match parsed {
        Ok(d) => state.app.declare_absence(&s.caller, d).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/desk/absence?done=declared").into_response()),
        Err(e) => refused(&state, &s, e, &f).await,
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    Fields::read(&s.visitor, &body)?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    state.app.cancel_absence(&s.caller, id).await?;
    Ok(Redirect::to("/desk/absence?done=cancelled").into_response())
}
