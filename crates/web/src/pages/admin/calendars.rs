//! `/admin/calendars`: the business-hours calendars SLA targets are counted in (time zone,
//! weekly hours, the territory whose public holidays close the desk, closure periods) and a
//! form to create one; `/admin/calendars/{id}`: editing one, its public holidays of the year
//! as computed, and replacing its closures by a school calendar's ICS file for one zone.
//!
//! The page checks each field with the core's own parsers, so that an error names the day
//! or the closure line it is about, then hands the core's JSON form to the use case.

use super::{Notice, admin_only, path_id, refused_on, settle};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, read_multipart};
use crate::pages::visitor::SignedIn;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, Weekday};
use guichet_app::AppError;
use guichet_app::sla::CalendarInput;
use guichet_core::CalendarId;
use guichet_core::calendar::holidays::holidays;
use guichet_core::calendar::ics::SchoolZone;
use guichet_core::calendar::{Calendar, ClosurePeriod, OpenInterval, Territory, WeeklyHours};
use guichet_store::calendar::StoredCalendar;
use serde_json::{Value, json};

/// The time zones of the territories the holidays know, Paris first.
const TIME_ZONES: [&str; 9] = [
    "Europe/Paris",
    "America/Guadeloupe",
    "America/Martinique",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "America/St_Barthelemy",
    "America/Marigot",
    "America/Miquelon",
];

/// Each weekday with its form field (and the error field the page puts a bad value on).
const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Mon, "mon", "hours-mon"),
    (Weekday::Tue, "tue", "hours-tue"),
    (Weekday::Wed, "wed", "hours-wed"),
    (Weekday::Thu, "thu", "hours-thu"),
    (Weekday::Fri, "fri", "hours-fri"),
    (Weekday::Sat, "sat", "hours-sat"),
    (Weekday::Sun, "sun", "hours-sun"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/calendars", get(list).post(create))
        .route("/admin/calendars/{id}", get(show).post(update))
        .route("/admin/calendars/{id}/closures", post(import_closures))
}

/// One day's hours as typed: `08:00-12:00, 13:30-17:30`.
fn day_hours(text: &str, field: &'static str) -> Result<Vec<OpenInterval>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| OpenInterval::parse(field, s).map_err(AppError::from))
        .collect()
}

/// Closure lines: `2027-02-06 2027-02-21 Vacances d'hiver`, or one date for a single day.
fn closures(text: &str) -> Result<Vec<ClosurePeriod>, (usize, AppError)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || (i + 1, AppError::invalid("closures", "closures.line"));
        let mut words = line.splitn(2, char::is_whitespace);
        let first: NaiveDate = words.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
        let rest = words.next().unwrap_or("").trim();
        let (last, label) = match rest.split_once(char::is_whitespace) {
            Some((w, label)) => match w.parse::<NaiveDate>() {
                Ok(d) => (d, label.trim()),
                Err(_) => (first, rest),
            },
            None => match rest.parse::<NaiveDate>() {
                Ok(d) => (d, ""),
                Err(_) => (first, rest),
            },
        };
        if last < first {
            return Err((i + 1, AppError::invalid("closures", "order")));
        }
        out.push(ClosurePeriod {
            first_day: first,
            last_day: last,
            label: label.to_owned(),
        });
    }
    Ok(out)
}

/// The core's JSON form of the calendar typed, each field checked.
fn definition(f: &Fields) -> Result<Value, (Option<usize>, AppError)> {
    let no_line = |e: AppError| (None, e);
    let tz = f.text("cal-time_zone");
    if tz.trim().is_empty() {
        return Err((None, AppError::invalid("time_zone", "required")));
    }
    let territory = Territory::parse(f.text("cal-territory").trim())
        .map_err(|e| no_line(e.at("territory").into()))?;
    let mut week = WeeklyHours::closed();
    for (day, name, field) in DAYS {
        let intervals = day_hours(&f.text(&format!("cal-hours-{name}")), field).map_err(no_line)?;
        week.set(day, intervals)
            .map_err(|e| no_line(AppError::invalid(field, e.code)))?;
    }
    let closures = closures(&f.text("cal-closures")).map_err(|(l, e)| (Some(l), e))?;
    let calendar = Calendar::new(tz.trim(), week, territory)
        .map_err(|e| no_line(e.into()))?
        .with_closures(closures)
        .map_err(|e| no_line(e.into()))?;
    let calendar = if f.get("cal-observes_holidays").is_some() {
        calendar
    } else {
        calendar.working_on_holidays()
    };
    serde_json::to_value(&calendar).map_err(|e| no_line(AppError::Internal(e.to_string())))
}

/// The form's values from a stored calendar.
fn typed_from(c: &Calendar) -> Value {
    let mut hours = serde_json::Map::new();
    for (day, name, _) in DAYS {
        let list: Vec<String> = c.hours().on(day).iter().map(ToString::to_string).collect();
        hours.insert(name.to_owned(), json!(list.join(", ")));
    }
    let closures: Vec<String> = c
        .closures()
        .iter()
        .map(|p| {
            format!("{} {} {}", p.first_day, p.last_day, p.label)
                .trim_end()
                .to_owned()
        })
        .collect();
    json!({
        "time_zone": c.time_zone().name(),
        "territory": c.territory().as_str(),
        "observes_holidays": c.observes_holidays(),
        "hours": hours,
        "closures": closures.join("\n"),
    })
}

fn typed_from_fields(f: &Fields) -> Value {
    let mut hours = serde_json::Map::new();
    for (_, name, _) in DAYS {
        hours.insert(name.to_owned(), json!(f.text(&format!("cal-hours-{name}"))));
    }
    json!({
        "code": f.text("cal-code"),
        "name": f.text("cal-name"),
        "time_zone": f.text("cal-time_zone"),
        "territory": f.text("cal-territory"),
        "observes_holidays": f.get("cal-observes_holidays").is_some(),
        "hours": hours,
        "closures": f.text("cal-closures"),
    })
}

/// A blank form: Monday to Friday 08:00-12:00 and 13:30-17:30 in Paris.
fn typed_blank() -> Value {
    let office = "08:00-12:00, 13:30-17:30";
    json!({
        "code": "", "name": "", "time_zone": "Europe/Paris", "territory": "metropole",
        "observes_holidays": true, "closures": "",
        "hours": { "mon": office, "tue": office, "wed": office, "thu": office, "fri": office,
                   "sat": "", "sun": "" },
    })
}

/// A refusal on the calendar form; a closure line's number goes in its message.
fn calendar_refusal(lang: Lang, line: Option<usize>, e: AppError) -> Result<FormErrors, PageError> {
    if let (Some(line), AppError::Invalid(f)) = (line, &e) {
        let mut errors = FormErrors::default();
        let args = [("line", minijinja::Value::from(line))];
        errors.add(lang, &format!("cal-{}", f.field), f.code, &args);
        return Ok(errors);
    }
    super::refusal(lang, "cal", "name", e)
}

fn choices() -> Value {
    json!({
        "time_zones": TIME_ZONES.map(|z| json!({ "id": z, "label": z })),
        "territories": Territory::ALL.iter().map(|x| json!({ "id": x.as_str() })).collect::<Vec<_>>(),
        "zones": SchoolZone::ALL.iter().map(|z| json!({ "id": z.as_str() })).collect::<Vec<_>>(),
        "days": DAYS.map(|(_, name, _)| name),
    })
}

fn row(c: &StoredCalendar) -> Value {
    let hours: Vec<String> = DAYS
        .iter()
        .filter(|(day, ..)| !c.calendar.hours().on(*day).is_empty())
        .map(|(day, name, _)| {
            let list: Vec<String> = c
                .calendar
                .hours()
                .on(*day)
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("{name} {}", list.join(", "))
        })
        .collect();
    json!({
        "id": c.id.0, "code": c.code, "name": c.name,
        "time_zone": c.calendar.time_zone().name(),
        "territory": c.calendar.territory().as_str(),
        "hours": hours,
        "closures": c.calendar.closures().len(),
    })
}

async fn render_list(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: Value,
) -> Result<Response, PageError> {
    let list = state.app.list_calendars(&s.caller).await?;
    let page = json!({
        "calendars": list.iter().map(row).collect::<Vec<_>>(),
        "choices": choices(),
        "errors": errors,
        "done": done,
        "typed": typed,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/calendars.html", &page)
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
    let mut line = None;
    let result = match definition(&f) {
        Err((l, e)) => {
            line = l;
            Err(e)
        }
        Ok(definition) => {
            let input = CalendarInput {
                code: f.text("cal-code"),
                name: f.text("cal-name"),
                definition,
            };
            state.app.create_calendar(&s.caller, input).await
        }
    };
    let lang = s.visitor.lang;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |c| format!("/admin/calendars/{}?done=created", c.id.0),
        |e| calendar_refusal(lang, line, e),
        |status, errors| async move {
            render_list(state, s, status, &errors, None, typed_from_fields(f)).await
        },
    )
    .await
}

async fn render_one(
    state: &AppState,
    s: &SignedIn,
    id: CalendarId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: Option<Value>,
) -> Result<Response, PageError> {
    let stored = state
        .app
        .list_calendars(&s.caller)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(PageError::NotFound)?;
    let year = state.app.now().year();
    let holidays: Vec<Value> = if stored.calendar.observes_holidays() {
        holidays(stored.calendar.territory(), year)
            .into_iter()
            .map(|(date, h)| json!({ "date": date.to_string(), "name": h.as_str() }))
            .collect()
    } else {
        Vec::new()
    };
    let mut typed = typed.unwrap_or_else(|| typed_from(&stored.calendar));
    if typed.get("name").is_none() {
        typed["name"] = json!(stored.name);
    }
    let closures: Vec<Value> = stored
        .calendar
        .closures()
        .iter()
        .map(|p| json!({ "first": p.first_day.to_string(), "last": p.last_day.to_string(), "label": p.label }))
        .collect();
    let page = json!({
        "calendar": row(&stored),
        "closures": closures,
        "year": year,
        "holidays": holidays,
        "choices": choices(),
        "errors": errors,
        "done": done,
        "typed": typed,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/calendar.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = CalendarId(path_id(&id)?);
    let done = notice.of(&["created", "updated", "imported"]);
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
    let id = CalendarId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let mut line = None;
    let result = match definition(&f) {
        Err((l, e)) => {
            line = l;
            Err(e)
        }
        Ok(definition) => {
            let input = CalendarInput {
                code: String::new(),
                name: f.text("cal-name"),
                definition,
            };
            state.app.update_calendar(&s.caller, id, input).await
        }
    };
    let lang = s.visitor.lang;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| format!("/admin/calendars/{}?done=updated", id.0),
        |e| calendar_refusal(lang, line, e),
        |status, errors| async move {
            let typed = Some(typed_from_fields(f));
            render_one(state, s, id, status, &errors, None, typed).await
        },
    )
    .await
}

/// Replaces the closures by those of an uploaded ICS file for one school zone.
pub async fn import_closures(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Multipart,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = CalendarId(path_id(&id)?);
    let form = read_multipart(&s.visitor, body).await?;
    let zone = form.fields.text("ics-zone");
    let result = match form.files.first() {
        _ if zone.trim().is_empty() => Err(AppError::invalid("zone", "required")),
        None => Err(AppError::invalid("ics", "required")),
        Some(file) => {
            let text = String::from_utf8_lossy(&file.data);
            state.app.import_closures(&s.caller, id, &text, &zone).await
        }
    };
    let (state, s) = (&state, &s);
    settle(
        result,
        |_| format!("/admin/calendars/{}?done=imported", id.0),
        refused_on(s, "ics", "ics"),
        |status, errors| async move { render_one(state, s, id, status, &errors, None, None).await },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_lines_take_one_or_two_dates_and_a_label() {
        let list =
            closures("2027-02-06 2027-02-21 Vacances d'hiver\n\n2027-05-07 Pont\n").expect("reads");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].label, "Vacances d'hiver");
        assert_eq!(list[1].first_day, list[1].last_day);
        assert_eq!(list[1].label, "Pont");
        let (line, _) = closures("2027-02-06 2027-02-21\nfévrier").expect_err("line 2");
        assert_eq!(line, 2);
        assert!(
            closures("2027-02-21 2027-02-06").is_err(),
            "ends before it starts"
        );
    }
}
