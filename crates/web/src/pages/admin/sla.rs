//! `/admin/sla`: the SLA policies (a desk, optionally narrowed to an application and a
//! priority → the time to take in charge and to resolve, in business minutes of a calendar;
//! when to warn; what a breach does) and a form to create one; `/admin/sla/{id}`: editing one
//! (its code stays).

use super::{Notice, admin_only, path_id, refused_on, settle};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use guichet_app::AppError;
use guichet_app::sla::PolicyInput;
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, CalendarId, DeskId, SlaPolicyId};
use guichet_store::sla::StoredPolicy;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/sla", get(list).post(create))
        .route("/admin/sla/{id}", get(show).post(update))
}

/// A number field: blank is required, anything else not a number in range is invalid.
fn number<T: std::str::FromStr>(
    f: &Fields,
    name: &str,
    field: &'static str,
) -> Result<T, AppError> {
    let v = f.text(name);
    if v.trim().is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    v.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, "range"))
}

/// An optional `<select>`: blank is none.
fn optional(f: &Fields, name: &str) -> Option<String> {
    Some(f.text(name).trim().to_owned()).filter(|v| !v.is_empty())
}

fn input(f: &Fields) -> Result<PolicyInput, AppError> {
    let priority = optional(f, "pol-priority")
        .map(|p| Priority::parse(&p).map_err(|e| e.at("priority")))
        .transpose()?;
    let application = optional(f, "pol-application")
        .map(|a| super::id_field(&a, "application").map(ApplicationId))
        .transpose()?;
    Ok(PolicyInput {
        code: f.text("pol-code"),
        name: f.text("pol-name"),
        desk: DeskId(super::id_field(&f.text("pol-desk"), "desk")?),
        application,
        priority,
        calendar: CalendarId(super::id_field(&f.text("pol-calendar"), "calendar")?),
        take_in_charge_minutes: number(f, "pol-take_in_charge_minutes", "take_in_charge_minutes")?,
        resolve_minutes: number(f, "pol-resolve_minutes", "resolve_minutes")?,
        warn_percent: number(f, "pol-warn_percent", "warn_percent")?,
        breach_raise_priority: f.get("pol-breach_raise_priority").is_some(),
        breach_next_level: f.get("pol-breach_next_level").is_some(),
    })
}

/// A choice that no longer exists is a wrong choice on its field, not a missing page.
fn on_field(e: AppError) -> AppError {
    match e {
        AppError::NotFound(what @ ("desk" | "calendar" | "application")) => {
            AppError::invalid(what, "invalid")
        }
        other => other,
    }
}

fn typed_from(p: &StoredPolicy) -> Value {
    json!({
        "code": p.code, "name": p.name,
        "desk": p.scope.desk.0.to_string(),
        "application": p.scope.application.map_or(String::new(), |a| a.0.to_string()),
        "priority": p.scope.priority.map_or("", |x| x.as_str()),
        "calendar": p.calendar.0.to_string(),
        "take_in_charge_minutes": p.targets.take_in_charge_minutes.to_string(),
        "resolve_minutes": p.targets.resolve_minutes.to_string(),
        "warn_percent": p.targets.warn_percent.to_string(),
        "breach_raise_priority": p.on_breach.raise_priority,
        "breach_next_level": p.on_breach.next_level,
    })
}

fn typed_from_fields(f: &Fields) -> Value {
    json!({
        "code": f.text("pol-code"), "name": f.text("pol-name"),
        "desk": f.text("pol-desk"), "application": f.text("pol-application"),
        "priority": f.text("pol-priority"), "calendar": f.text("pol-calendar"),
        "take_in_charge_minutes": f.text("pol-take_in_charge_minutes"),
        "resolve_minutes": f.text("pol-resolve_minutes"),
        "warn_percent": f.text("pol-warn_percent"),
        "breach_raise_priority": f.get("pol-breach_raise_priority").is_some(),
        "breach_next_level": f.get("pol-breach_next_level").is_some(),
    })
}

fn typed_blank() -> Value {
    json!({
        "code": "", "name": "", "desk": "", "application": "", "priority": "", "calendar": "",
        "take_in_charge_minutes": "", "resolve_minutes": "", "warn_percent": "80",
        "breach_raise_priority": false, "breach_next_level": false,
    })
}

/// Business minutes as people say them: "1 j 2 h" is not used, hours and minutes are
/// (`90` → `1 h 30`), a day being whatever the calendar opens.
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// Everything the page shows: the policies and the choices of the form.
async fn page(state: &AppState, s: &SignedIn) -> Result<Value, PageError> {
    let desks = state.app.list_desks().await?;
    let apps = state.app.list_applications().await?;
    let calendars = state.app.list_calendars(&s.caller).await?;
    let policies = state.app.list_policies(&s.caller, None).await?;
    let name = |id: i64, list: &[(i64, String)]| {
        list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone())
    };
    let desk_names: Vec<(i64, String)> = desks
        .iter()
        .map(|d| (d.id.0, format!("{} — {}", d.code, d.name)))
        .collect();
    let app_names: Vec<(i64, String)> = apps
        .iter()
        .map(|a| (a.id.0, format!("{} — {}", a.code, a.name)))
        .collect();
    let cal_names: Vec<(i64, String)> = calendars
        .iter()
        .map(|c| (c.id.0, format!("{} — {}", c.code, c.name)))
        .collect();
    let rows: Vec<Value> = policies
        .iter()
        .map(|p| {
            json!({
                "id": p.id.0, "code": p.code, "name": p.name,
                "desk": name(p.scope.desk.0, &desk_names),
                "application": p.scope.application.and_then(|a| name(a.0, &app_names)),
                "priority": p.scope.priority.map(|x| x.as_str()),
                "calendar": name(p.calendar.0, &cal_names),
                "take_in_charge": duration(p.targets.take_in_charge_minutes),
                "resolve": duration(p.targets.resolve_minutes),
                "warn_percent": p.targets.warn_percent,
                "raise": p.on_breach.raise_priority,
                "next_level": p.on_breach.next_level,
            })
        })
        .collect();
    let options = |list: &[(i64, String)]| -> Vec<Value> {
        list.iter()
            .map(|(id, label)| json!({ "id": id, "label": label }))
            .collect()
    };
    Ok(json!({
        "policies": rows,
        "desks": options(&desk_names),
        "applications": options(&app_names),
        "calendars": options(&cal_names),
        "priorities": Priority::ALL.iter().map(|x| json!({ "id": x.as_str() })).collect::<Vec<_>>(),
    }))
}

async fn render_list(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: Value,
) -> Result<Response, PageError> {
    let mut p = page(state, s).await?;
    p["errors"] = json!(errors);
    p["done"] = json!(done);
    p["typed"] = typed;
    state
        .web
        .page_with(state, &s.visitor, status, "admin/sla.html", &p)
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let done = notice.of(&["created"]);
    let none = FormErrors::default();
    render_list(&state, &s, StatusCode::OK, &none, done, typed_blank()).await
}

pub async fn create(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let result = match input(&f) {
        Ok(i) => state.app.create_policy(&s.caller, i).await,
        Err(e) => Err(e),
    }
    .map_err(on_field);
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |p| format!("/admin/sla/{}?done=created", p.id.0),
        refused_on(s, "pol", "code"),
        |status, errors| async move {
            render_list(state, s, status, &errors, None, typed_from_fields(f)).await
        },
    )
    .await
}

async fn render_one(
    state: &AppState,
    s: &SignedIn,
    id: SlaPolicyId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: Option<Value>,
) -> Result<Response, PageError> {
    let policy = state
        .app
        .list_policies(&s.caller, None)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(PageError::NotFound)?;
    let mut p = page(state, s).await?;
    p["policy"] = json!({ "id": policy.id.0, "code": policy.code, "name": policy.name });
    p["errors"] = json!(errors);
    p["done"] = json!(done);
    p["typed"] = typed.unwrap_or_else(|| typed_from(&policy));
    state
        .web
        .page_with(state, &s.visitor, status, "admin/sla_policy.html", &p)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = SlaPolicyId(path_id(&id)?);
    let done = notice.of(&["created", "updated"]);
    let none = FormErrors::default();
    render_one(&state, &s, id, StatusCode::OK, &none, done, None).await
}

pub async fn update(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = SlaPolicyId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let current = state
        .app
        .list_policies(&s.caller, None)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(PageError::NotFound)?;
    let result = match input(&f) {
        // The code stays what it is.
        Ok(i) => {
            let i = PolicyInput {
                code: current.code.clone(),
                ..i
            };
            state.app.update_policy(&s.caller, id, i).await
        }
        Err(e) => Err(e),
    }
    .map_err(on_field);
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| format!("/admin/sla/{}?done=updated", id.0),
        refused_on(s, "pol", "name"),
        |status, errors| async move {
            let typed = Some(typed_from_fields(f));
            render_one(state, s, id, status, &errors, None, typed).await
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(480), "8 h");
        assert_eq!(duration(90), "1 h 30");
    }
}
