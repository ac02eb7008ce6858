//! A queue page's filter form (GET, so a filtered queue is a link one can keep): reading its
//! fields into [`QueueFilters`], with an error per wrong field, writing them back into links
//! (next page, save as a view), and the choices each select or checkbox group offers.
//! Status, application, level and priority take several values
//! (`status=new&status=in_progress`): a ticket matching any of them is shown.

use crate::AppState;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{FormErrors, encode};
use crate::pages::render::text;
use guichet_app::AppError;
use guichet_app::queue::QueueFilters;
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::Priority;
use guichet_core::{FieldError, OrgNodeId};
use guichet_store::ticket::list::Sort;
use serde::Serialize;
use serde_json::json;

/// The query string of a queue page, as typed: empty fields do not filter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueParams {
    pub sort: Option<String>,
    pub after: Option<String>,
    /// Each of these takes several values (checkboxes); none checked does not filter.
    pub status: Vec<String>,
    pub application: Vec<String>,
    pub level: Vec<String>,
    pub priority: Vec<String>,
    /// A UAI.
    pub establishment: Option<String>,
    /// An org node id.
    pub zone: Option<String>,
    /// Days.
    pub older: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// More values of one field than any form offers (there are 8 statuses, 6 priorities, 4
/// levels, a few dozen applications): the rest of a hand-made URL is ignored.
const MAX_VALUES: usize = 100;

impl QueueParams {
    /// From a query string or a form's fields. A single-valued field given twice counts once
    /// (its first value), so no hand-edited URL earns an error page; a multi-valued one keeps
    /// each distinct non-blank value, in the order given.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        };
        let all = |k: &str| {
            let mut values: Vec<String> = Vec::new();
            for (_, v) in pairs.iter().filter(|(name, _)| name == k) {
                let v = v.trim();
                if !v.is_empty() && !values.iter().any(|x| x == v) && values.len() < MAX_VALUES {
                    values.push(v.to_owned());
                }
            }
            values
        };
        Self {
            sort: get("sort"),
            after: get("after"),
            status: all("status"),
            application: all("application"),
            level: all("level"),
            priority: all("priority"),
            establishment: get("establishment"),
            zone: get("zone"),
            older: get("older"),
        }
    }

    /// The filters' part of the query string (`status=new&status=waiting&level=N1`), without
    /// sort or cursor.
    pub fn filters_query(&self) -> String {
        let many = [
            ("status", &self.status),
            ("application", &self.application),
            ("level", &self.level),
            ("priority", &self.priority),
        ];
        let one = [
            ("establishment", &self.establishment),
            ("zone", &self.zone),
            ("older", &self.older),
        ];
        many.iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| format!("{k}={}", encode(v))))
            .chain(
                one.iter()
                    .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", encode(v)))),
            )
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The filters as `(name, value)` pairs, one per value: the hidden fields of the "save as
    /// a view" form.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let many = [
            ("status", &self.status),
            ("application", &self.application),
            ("level", &self.level),
            ("priority", &self.priority),
        ];
        let one = [
            ("establishment", &self.establishment),
            ("zone", &self.zone),
            ("older", &self.older),
        ];
        many.iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (*k, v.clone())))
            .chain(
                one.iter()
                    .filter_map(|(k, v)| given(v).map(|v| (*k, v.to_owned()))),
            )
            .collect()
    }

    /// The order asked for; an unknown one is the default (not worth an error page).
    pub fn sort(&self) -> Sort {
        self.sort
            .as_deref()
            .and_then(Sort::parse)
            .unwrap_or_default()
    }

    /// The fields as the form shows them again.
    pub fn typed(&self) -> serde_json::Value {
        json!(self)
    }
}

/// The page field of an app error on a filter (`zone` → `filter-zone`).
pub fn field_of(app_field: &str) -> String {
    match app_field {
        "older_than_days" => "filter-older".to_owned(),
        f => format!("filter-{f}"),
    }
}

/// Adds an app error about a filter to the form's errors; `false` when it is not a field's.
pub fn add_error(errors: &mut FormErrors, lang: Lang, e: &AppError) -> bool {
    match e {
        AppError::Invalid(f) => {
            errors.add(lang, &field_of(f.field), f.code, &[]);
            true
        }
        _ => false,
    }
}

fn add(errors: &mut FormErrors, lang: Lang, e: &FieldError) {
    errors.add(lang, &field_of(e.field), e.code, &[]);
}

/// Reads the filters; each wrong field adds its error and is left out.
pub async fn parse(
    state: &AppState,
    lang: Lang,
    p: &QueueParams,
    errors: &mut FormErrors,
) -> QueueFilters {
    let mut f = QueueFilters::default();
    // One error per field, however many of its values are wrong.
    let wrong = |errors: &mut FormErrors, e: &FieldError, field: &'static str| {
        if !errors.by_field.contains_key(&field_of(field)) {
            add(errors, lang, &FieldError::new(field, e.code));
        }
    };
    for v in &p.status {
        match Status::parse(v) {
            Ok(s) => f.statuses.push(s),
            Err(e) => wrong(errors, &e, "status"),
        }
    }
    for v in &p.application {
        match state.app.application_id("application", v).await {
            Ok(a) => f.applications.push(a),
            Err(AppError::Invalid(e)) => wrong(errors, &e, "application"),
            Err(e) => {
                add_error(errors, lang, &e);
            }
        }
    }
    for v in &p.level {
        match Level::parse(v) {
            Ok(l) => f.levels.push(l),
            Err(e) => wrong(errors, &e, "level"),
        }
    }
    for v in &p.priority {
        match Priority::parse(v) {
            Ok(x) => f.priorities.push(x),
            Err(e) => wrong(errors, &e, "priority"),
        }
    }
    if let Some(v) = given(&p.establishment) {
        // A UAI only: node ids mean nothing to people.
        match guichet_core::Uai::parse(v) {
            Ok(_) => match state.app.establishment_id("establishment", v).await {
                Ok(e) => f.establishment = Some(e),
                Err(e) => {
                    add_error(errors, lang, &e);
                }
            },
            Err(e) => add(errors, lang, &e.at("establishment")),
        }
    }
    if let Some(v) = given(&p.zone) {
        match v.parse::<i64>() {
            Ok(z) => f.zone = Some(OrgNodeId(z)),
            Err(_) => add(errors, lang, &FieldError::new("zone", "invalid")),
        }
    }
    if let Some(v) = given(&p.older) {
        match v.parse::<i64>() {
            Ok(d) => f.older_than_days = Some(d),
            Err(_) => add(
                errors,
                lang,
                &FieldError::new("older_than_days", "age.range"),
            ),
        }
    }
    f
}

/// What each select of the filter form offers, as `[value, label]` pairs in the page's language.
pub async fn choices(
    state: &AppState,
    s: &crate::pages::visitor::SignedIn,
) -> Result<serde_json::Value, PageError> {
    let lang = s.visitor.lang;
    let applications: Vec<_> = state
        .app
        .list_applications()
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| json!([a.code, format!("{} — {}", a.code, a.name)]))
        .collect();
    let zones: Vec<_> = state
        .app
        .zone_choices(&s.caller)
        .await?
        .into_iter()
        .map(|z| {
            let kind = text(lang, &format!("desk-zone-{}", z.kind.as_str()), &[]);
            json!([z.id.0.to_string(), format!("{} ({kind})", z.name)])
        })
        .collect();
    let labelled = |prefix: &str, values: &[&str]| -> Vec<serde_json::Value> {
        values
            .iter()
            .map(|v| json!([v, text(lang, &format!("{prefix}{v}"), &[])]))
            .collect()
    };
    let statuses: Vec<&str> = Status::OPEN.iter().map(|s| s.as_str()).collect();
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    Ok(json!({
        "statuses": labelled("status-label-", &statuses),
        "applications": applications,
        "levels": Level::ALL.iter().map(|l| json!([l.as_str(), l.as_str()])).collect::<Vec<_>>(),
        "priorities": labelled("priority-label-", &priorities),
        "zones": zones,
        "sorts": Sort::ALL.iter().map(|(_, n)| json!([n, text(lang, &format!("desk-sort-{n}"), &[])])).collect::<Vec<_>>(),
    }))
}
