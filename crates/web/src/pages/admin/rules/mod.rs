//! `/admin/rules`: a desk's routing rules in their order, with their state, how they apply
//! (first match or all) and the auto-close delay; moving a rule up or down, enabling,
//! disabling and deleting it; exporting the set as a JSON file and importing one.
//! `/admin/rules/new` and `/admin/rules/{id}`: the rule form, which works without JavaScript
//! (a fixed number of condition rows, one field per action) and can "test this rule" against
//! the last 1,000 tickets before saving it.
//!
//! The form is turned into the core's JSON form of one rule and handed to the use case, which
//! checks it; its errors name a JSON path (`conditions[1].value[0]`), put back on the row and
//! the field it came from.

mod form;

use super::{Notice, admin_only, path_id, refused_on, settle};
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, read_multipart};
use crate::pages::render::text;
use crate::pages::visitor::SignedIn;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use form::{draft, rule_refusal, typed_from_definition, typed_from_fields};
use guichet_app::AppError;
use guichet_app::routing::{RuleInput, RuleMatch};
use guichet_core::desk::Level;
use guichet_core::routing::{ActionKind, Field, Operator};
use guichet_core::ticket::Priority;
use guichet_core::{DeskId, RuleId};
use guichet_store::rule::StoredRule;
use serde::Deserialize;
use serde_json::{Value, json};

/// Blank condition rows the form offers beyond a rule's own.
const SPARE_ROWS: usize = 3;
/// The action fields of the form, in the order they are shown (one per kind).
const ACTIONS: [ActionKind; 7] = [
    ActionKind::SetGroup,
    ActionKind::SetLevel,
    ActionKind::SetPriority,
    ActionKind::SetApplication,
    ActionKind::SetSlaPolicy,
    ActionKind::AddTags,
    ActionKind::AddWatchers,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/rules", get(list).post(create))
        .route("/admin/rules/new", get(new))
        .route("/admin/rules/test", post(test))
        .route("/admin/rules/mode", post(set_mode))
        .route("/admin/rules/export", get(export))
        .route("/admin/rules/import", post(import))
        .route("/admin/rules/{id}", get(show).post(update))
        .route("/admin/rules/{id}/{action}", post(act))
}

#[derive(Debug, Deserialize, Default)]
pub struct DeskQuery {
    desk: Option<String>,
    done: Option<String>,
}

/// The desk a page is about: the one asked for, else the first.
async fn chosen_desk(state: &AppState, asked: Option<&str>) -> Result<DeskId, PageError> {
    let desks = state.app.list_desks().await?;
    match asked.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            let id = DeskId(path_id(d)?);
            desks
                .iter()
                .any(|x| x.id == id)
                .then_some(id)
                .ok_or(PageError::NotFound)
        }
        None => desks.first().map(|d| d.id).ok_or(PageError::NotFound),
    }
}

fn desk_choices(desks: &[guichet_store::desk::Desk]) -> Vec<Value> {
    desks
        .iter()
        .map(|d| json!({ "id": d.id.0, "label": format!("{} — {}", d.code, d.name) }))
        .collect()
}

/// A rule's conditions and actions in a line each, for the list.
fn summary(lang: Lang, r: &StoredRule) -> (Vec<String>, Vec<String>) {
    let d = &r.definition;
    let value = |v: &Value| match v {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let conditions = d["conditions"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    let field = c["field"].as_str().unwrap_or("");
                    let op = c["op"].as_str().unwrap_or("");
                    format!(
                        "{} {} {}",
                        text(lang, &format!("rules-field-{field}"), &[]),
                        text(lang, &format!("rules-op-{op}"), &[]),
                        value(&c["value"])
                    )
                    .trim_end()
                    .to_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    let actions = d["actions"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    let kind = a["action"].as_str().unwrap_or("");
                    let label = text(lang, &format!("rules-action-{kind}"), &[]);
                    format!("{label} : {}", value(&a["value"]))
                })
                .collect()
        })
        .unwrap_or_default();
    (conditions, actions)
}

async fn render_list(
    state: &AppState,
    s: &SignedIn,
    desk: DeskId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let desks = state.app.list_desks().await?;
    let view = state.app.list_rules(&s.caller, desk).await?;
    let automation = state.app.desk_automation(&s.caller, desk).await?;
    let count = view.rules.len();
    let rules: Vec<Value> = view
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (conditions, actions) = summary(lang, r);
            let on: Vec<&str> = r.definition["on"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            json!({
                "id": r.id.0, "name": r.name, "enabled": r.enabled, "position": i + 1,
                "first": i == 0, "last": i + 1 == count,
                "any": r.definition["match"] == "any",
                "on_application": on.contains(&"application_changed"),
                "conditions": conditions, "actions": actions,
            })
        })
        .collect();
    let page = json!({
        "desk": desk.0,
        "desk_label": desks.iter().find(|d| d.id == desk).map(|d| format!("{} — {}", d.code, d.name)),
        "desks": desk_choices(&desks),
        "rules": rules,
        "mode": view.mode.as_str(),
        "auto_close_days": automation.auto_close_days,
        "errors": errors,
        "done": done,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/rules.html", &page)
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(q): Query<DeskQuery>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let desk = chosen_desk(&state, q.desk.as_deref()).await?;
    let notice = Notice { done: q.done };
    let done = notice.of(&[
        "created", "updated", "deleted", "moved", "enabled", "disabled", "imported", "mode",
    ]);
    let none = FormErrors::default();
    render_list(&state, &s, desk, StatusCode::OK, &none, done).await
}

/// What the rule form's page shows besides the rule.
struct FormPage<'a> {
    desk: DeskId,
    rule: Option<RuleId>,
    typed: Value,
    errors: &'a FormErrors,
    done: Option<&'a str>,
    matches: Option<Vec<RuleMatch>>,
}

async fn render_form(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    p: FormPage<'_>,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let desks = state.app.list_desks().await?;
    let groups: Vec<Value> = state
        .app
        .list_groups(None)
        .await?
        .iter()
        .filter(|g| g.active)
        .map(|g| {
            let desk = desks
                .iter()
                .find(|d| d.id == g.desk)
                .map_or("", |d| &d.code);
            json!({ "id": g.code, "label": format!("{desk} — {} ({})", g.name, g.code) })
        })
        .collect();
    let applications: Vec<Value> = state
        .app
        .list_applications()
        .await?
        .iter()
        .map(|a| json!({ "id": a.code, "label": format!("{} — {}", a.code, a.name) }))
        .collect();
    let policies: Vec<Value> = state
        .app
        .list_policies(&s.caller, None)
        .await?
        .iter()
        .map(|p| json!({ "id": p.code, "label": format!("{} — {}", p.code, p.name) }))
        .collect();
    let fields: Vec<Value> = Field::ALL
        .iter()
        .filter(|f| **f != Field::Mailbox)
        .map(|f| json!({ "id": f.as_str(), "label": text(lang, &format!("rules-field-{}", f.as_str()), &[]) }))
        .collect();
    let ops: Vec<Value> = Operator::ALL
        .iter()
        .map(|o| json!({ "id": o.as_str(), "label": text(lang, &format!("rules-op-{}", o.as_str()), &[]) }))
        .collect();
    let matches = p.matches.map(|list| {
        list.iter()
            .map(|m| json!({ "reference": m.reference.to_string(), "subject": m.subject }))
            .collect::<Vec<_>>()
    });
    let page = json!({
        "desk": p.desk.0,
        "desk_label": desks.iter().find(|d| d.id == p.desk).map(|d| format!("{} — {}", d.code, d.name)),
        "rule": p.rule.map(|r| r.0),
        "typed": p.typed,
        "fields": fields,
        "ops": ops,
        "groups": groups,
        "levels": Level::ALL.iter().map(|l| json!({ "id": l.as_str() })).collect::<Vec<_>>(),
        "priorities": Priority::ALL.iter().map(|x| json!({ "id": x.as_str() })).collect::<Vec<_>>(),
        "applications": applications,
        "policies": policies,
        "matches": matches,
        "errors": p.errors,
        "done": p.done,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/rule.html", &page)
}

pub async fn new(
    State(state): State<AppState>,
    s: SignedIn,
    Query(q): Query<DeskQuery>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let desk = chosen_desk(&state, q.desk.as_deref()).await?;
    let typed = typed_from_definition(&json!({ "enabled": true, "on": ["created"] }));
    let none = FormErrors::default();
    let p = FormPage {
        desk,
        rule: None,
        typed,
        errors: &none,
        done: None,
        matches: None,
    };
    render_form(&state, &s, StatusCode::OK, p).await
}

pub async fn create(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let desk = chosen_desk(&state, f.get("rule-desk")).await?;
    let d = draft(&f);
    let input = RuleInput {
        definition: d.definition.clone(),
    };
    let result = state.app.create_rule(&s.caller, desk, input).await;
    let lang = s.visitor.lang;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |r| format!("/admin/rules?desk={}&done=created#rule-{}", desk.0, r.id.0),
        |e| rule_refusal(lang, &d, e),
        |status, errors| async move {
            let p = FormPage {
                desk,
                rule: None,
                typed: typed_from_fields(f),
                errors: &errors,
                done: None,
                matches: None,
            };
            render_form(state, s, status, p).await
        },
    )
    .await
}

/// A stored rule, or not found.
async fn stored(state: &AppState, s: &SignedIn, id: &str) -> Result<StoredRule, PageError> {
    let id = RuleId(path_id(id)?);
    // The use cases read rules per desk: the rule is looked for in each.
    for desk in state.app.list_desks().await? {
        let view = state.app.list_rules(&s.caller, desk.id).await?;
        if let Some(r) = view.rules.into_iter().find(|r| r.id == id) {
            return Ok(r);
        }
    }
    Err(PageError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let rule = stored(&state, &s, &id).await?;
    let mut definition = rule.definition.clone();
    definition["enabled"] = json!(rule.enabled);
    let none = FormErrors::default();
    let p = FormPage {
        desk: rule.desk,
        rule: Some(rule.id),
        typed: typed_from_definition(&definition),
        errors: &none,
        done: notice.of(&["updated"]),
        matches: None,
    };
    render_form(&state, &s, StatusCode::OK, p).await
}

pub async fn update(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let rule = stored(&state, &s, &id).await?;
    let f = Fields::read(&s.visitor, &body)?;
    let d = draft(&f);
    let input = RuleInput {
        definition: d.definition.clone(),
    };
    let result = state.app.update_rule(&s.caller, rule.id, input).await;
    let lang = s.visitor.lang;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |r| format!("/admin/rules/{}?done=updated", r.id.0),
        |e| rule_refusal(lang, &d, e),
        |status, errors| async move {
            let p = FormPage {
                desk: rule.desk,
                rule: Some(rule.id),
                typed: typed_from_fields(f),
                errors: &errors,
                done: None,
                matches: None,
            };
            render_form(state, s, status, p).await
        },
    )
    .await
}

/// "Test this rule": the form again, with the recent tickets the draft matches; nothing saved.
pub async fn test(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let desk = chosen_desk(&state, f.get("rule-desk")).await?;
    let rule = match f.get("rule-id").filter(|r| !r.is_empty()) {
        Some(r) => Some(stored(&state, &s, r).await?.id),
        None => None,
    };
    let d = draft(&f);
    let input = RuleInput {
        definition: d.definition.clone(),
    };
    let (status, errors, matches) = match state.app.test_rule(&s.caller, input).await {
        Ok(m) => (StatusCode::OK, FormErrors::default(), Some(m)),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            rule_refusal(s.visitor.lang, &d, e)?,
            None,
        ),
    };
    let p = FormPage {
        desk,
        rule,
        typed: typed_from_fields(&f),
        errors: &errors,
        done: None,
        matches,
    };
    render_form(&state, &s, status, p).await
}

/// Moves, enables, disables or deletes a rule, then back to its desk's list.
pub async fn act(
    State(state): State<AppState>,
    s: SignedIn,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let rule = stored(&state, &s, &id).await?;
    Fields::read(&s.visitor, &body)?;
    let app = &state.app;
    let done = match action.as_str() {
        "up" | "down" => {
            let view = app.list_rules(&s.caller, rule.desk).await?;
            let mut order: Vec<RuleId> = view.rules.iter().map(|r| r.id).collect();
            let at = order
                .iter()
                .position(|r| *r == rule.id)
                .ok_or(PageError::NotFound)?;
            let to = if action == "up" {
                at.checked_sub(1)
            } else {
                Some(at + 1).filter(|t| *t < order.len())
            };
            if let Some(to) = to {
                order.swap(at, to);
                app.reorder_rules(&s.caller, rule.desk, &order).await?;
            }
            "moved"
        }
        "enable" => {
            app.set_rule_enabled(&s.caller, rule.id, true).await?;
            "enabled"
        }
        "disable" => {
            app.set_rule_enabled(&s.caller, rule.id, false).await?;
            "disabled"
        }
        "delete" => {
            app.delete_rule(&s.caller, rule.id).await?;
            return Ok(
                Redirect::to(&format!("/admin/rules?desk={}&done=deleted", rule.desk.0))
                    .into_response(),
            );
        }
        _ => return Err(PageError::NotFound),
    };
    Ok(Redirect::to(&format!(
        "/admin/rules?desk={}&done={done}#rule-{}",
        rule.desk.0, rule.id.0
    ))
    .into_response())
}

/// How the desk's rules apply, and after how many days its resolved tickets close.
pub async fn set_mode(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let desk = chosen_desk(&state, f.get("mode-desk")).await?;
    let days = f.text("mode-auto_close_days");
    let result = async {
        let days = match days.trim() {
            "" => None,
            d => Some(
                d.parse::<i32>()
                    .map_err(|_| AppError::invalid("auto_close_days", "invalid"))?,
            ),
        };
        state
            .app
            .set_desk_automation(&s.caller, desk, &f.text("mode-rule_mode"), days)
            .await
    }
    .await;
    let (state, s) = (&state, &s);
    settle(
        result,
        |_| format!("/admin/rules?desk={}&done=mode", desk.0),
        refused_on(s, "mode", "rule_mode"),
        |status, errors| async move { render_list(state, s, desk, status, &errors, None).await },
    )
    .await
}

/// The desk's rule set as a JSON file to download.
pub async fn export(
    State(state): State<AppState>,
    s: SignedIn,
    Query(q): Query<DeskQuery>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let desk = chosen_desk(&state, q.desk.as_deref()).await?;
    let json = state.app.export_rules(&s.caller, desk).await?;
    let code = state
        .app
        .list_desks()
        .await?
        .into_iter()
        .find(|d| d.id == desk)
        .map_or_else(|| desk.0.to_string(), |d| d.code);
    // Desk codes are letters, digits, dashes and underscores: safe in a header.
    let disposition = format!("attachment; filename=\"regles-{code}.json\"");
    let body = serde_json::to_string_pretty(&json).unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Replaces the desk's rules by those of an uploaded JSON file, all or nothing.
pub async fn import(
    State(state): State<AppState>,
    s: SignedIn,
    body: Multipart,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let form = read_multipart(&s.visitor, body).await?;
    let desk = chosen_desk(&state, form.fields.get("import-desk")).await?;
    let result = match form.files.first() {
        None => Err(AppError::invalid("file", "required")),
        Some(file) => match serde_json::from_slice::<Value>(&file.data) {
            Err(_) => Err(AppError::invalid("file", "json")),
            Ok(json) => state
                .app
                .import_rules(&s.caller, desk, &json)
                .await
                // Whatever path inside the file is wrong, the field on the page is the file.
                .map_err(|e| match e {
                    AppError::Invalid(f) => AppError::invalid("file", f.code),
                    other => other,
                }),
        },
    };
    let (state, s) = (&state, &s);
    settle(
        result,
        |_| format!("/admin/rules?desk={}&done=imported", desk.0),
        refused_on(s, "import", "file"),
        |status, errors| async move { render_list(state, s, desk, status, &errors, None).await },
    )
    .await
}
