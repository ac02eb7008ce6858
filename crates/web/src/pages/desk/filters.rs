//! A queue page's filter form (GET, so a filtered queue is a link one can keep): reading its
//! fields into [`QueueFilters`], with an error per wrong field, writing them back into links
//! (next page, save as a view), and the choices each select offers.

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
    pub status: Option<String>,
    pub application: Option<String>,
    pub level: Option<String>,
    pub priority: Option<String>,
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

impl QueueParams {
    /// From a query string or a form's fields; a field given twice counts once (its first
    /// value), so no hand-edited URL earns an error page.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        };
        Self {
            sort: get("sort"),
            after: get("after"),
            status: get("status"),
            application: get("application"),
            level: get("level"),
            priority: get("priority"),
            establishment: get("establishment"),
            zone: get("zone"),
            older: get("older"),
        }
    }

    /// The filters' part of the query string (`status=new&level=N1`), without sort or cursor.
    pub fn filters_query(&self) -> String {
        [
            ("status", &self.status),
            ("application", &self.application),
            ("level", &self.level),
            ("priority", &self.priority),
            ("establishment", &self.establishment),
            ("zone", &self.zone),
            ("older", &self.older),
        ]
        .iter()
        .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&")
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
    if let Some(v) = given(&p.status) {
        match Status::parse(v) {
            Ok(s) => f.statuses.push(s),
            Err(e) => add(errors, lang, &e.at("status")),
        }
    }
    if let Some(v) = given(&p.application) {
        match state.app.application_id("application", v).await {
            Ok(a) => f.applications.push(a),
            Err(e) => {
                add_error(errors, lang, &e);
            }
        }
    }
    if let Some(v) = given(&p.level) {
        match Level::parse(v) {
            Ok(l) => f.levels.push(l),
            Err(e) => add(errors, lang, &e.at("level")),
        }
    }
    if let Some(v) = given(&p.priority) {
        match Priority::parse(v) {
            Ok(x) => f.priorities.push(x),
            Err(e) => add(errors, lang, &e.at("priority")),
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
