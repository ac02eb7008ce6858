//! The rule form's translation: a stored rule's JSON into the form's values, the typed fields
//! back into the core's JSON form of one rule, and the use case's refusal onto the rows and
//! fields it names.

use super::{ACTIONS, SPARE_ROWS};
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::render::text;
use guichet_app::AppError;
use guichet_core::routing::{ActionKind, Operator};
use serde_json::{Value, json};

/// The form's values, as typed or as a stored rule has them.
pub(super) fn typed_from_definition(d: &Value) -> Value {
    let value = |v: &Value| match v {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let on: Vec<&str> = d["on"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["created"]);
    let mut conditions: Vec<Value> = d["conditions"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| json!({ "field": c["field"], "op": c["op"], "value": value(&c["value"]) }))
                .collect()
        })
        .unwrap_or_default();
    conditions.extend((0..SPARE_ROWS).map(|_| json!({ "field": "", "op": "", "value": "" })));
    let mut actions = serde_json::Map::new();
    for a in d["actions"].as_array().into_iter().flatten() {
        if let Some(kind) = a["action"].as_str() {
            actions.insert(kind.to_owned(), json!(value(&a["value"])));
        }
    }
    json!({
        "name": d["name"].as_str().unwrap_or(""),
        "enabled": d["enabled"].as_bool().unwrap_or(true),
        "on_created": on.contains(&"created"),
        "on_application": on.contains(&"application_changed"),
        "any": d["match"] == "any",
        "conditions": conditions,
        "actions": actions,
    })
}

/// The comma-separated items of a text field.
fn items(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A rule typed in the form: its JSON definition, and for each condition of it the form row
/// it came from (blank rows are left out).
pub(super) struct Draft {
    pub(super) definition: Value,
    rows: Vec<usize>,
    actions: Vec<ActionKind>,
}

pub(super) fn draft(f: &Fields) -> Draft {
    let mut conditions = Vec::new();
    let mut rows = Vec::new();
    for row in 0.. {
        let Some(field) = f.get(&format!("rule-cond{row}-field")) else {
            break;
        };
        if field.trim().is_empty() {
            continue;
        }
        let op = f.text(&format!("rule-cond{row}-op"));
        let raw = f.text(&format!("rule-cond{row}-value"));
        let mut c = json!({ "field": field.trim(), "op": op.trim() });
        // The operator says how the value is written: one item, a list or nothing.
        match Operator::parse(op.trim()) {
            Ok(Operator::IsSet | Operator::IsUnset) => {}
            Ok(Operator::Is | Operator::IsNot | Operator::AtLeast | Operator::AtMost) => {
                c["value"] = json!(raw.trim());
            }
            _ => c["value"] = json!(items(&raw)),
        }
        conditions.push(c);
        rows.push(row);
    }
    let mut actions = Vec::new();
    let mut kinds = Vec::new();
    for kind in ACTIONS {
        let raw = f.text(&format!("rule-{}", kind.as_str()));
        if raw.trim().is_empty() {
            continue;
        }
        let value = match kind {
            ActionKind::AddTags | ActionKind::AddWatchers => json!(items(&raw)),
            _ => json!(raw.trim()),
        };
        actions.push(json!({ "action": kind.as_str(), "value": value }));
        kinds.push(kind);
    }
    let mut on = Vec::new();
    if f.get("rule-on-created").is_some() {
        on.push("created");
    }
    if f.get("rule-on-application_changed").is_some() {
        on.push("application_changed");
    }
    let definition = json!({
        "name": f.text("rule-name"),
        "enabled": f.get("rule-enabled").is_some(),
        "on": on,
        "match": if f.text("rule-match") == "any" { "any" } else { "all" },
        "conditions": conditions,
        "actions": actions,
    });
    Draft {
        definition,
        rows,
        actions: kinds,
    }
}

/// The rows the form shows for what was typed: every row sent, and spare ones.
pub(super) fn typed_from_fields(f: &Fields) -> Value {
    let mut conditions = Vec::new();
    for row in 0.. {
        let Some(field) = f.get(&format!("rule-cond{row}-field")) else {
            break;
        };
        conditions.push(json!({
            "field": field,
            "op": f.text(&format!("rule-cond{row}-op")),
            "value": f.text(&format!("rule-cond{row}-value")),
        }));
    }
    let blank = conditions
        .iter()
        .filter(|c| c["field"].as_str().is_some_and(str::is_empty))
        .count();
    conditions.extend(
        (blank..SPARE_ROWS.max(blank)).map(|_| json!({ "field": "", "op": "", "value": "" })),
    );
    let actions: serde_json::Map<String, Value> = ACTIONS
        .iter()
        .map(|k| {
            let name = k.as_str();
            (name.to_owned(), json!(f.text(&format!("rule-{name}"))))
        })
        .collect();
    json!({
        "name": f.text("rule-name"),
        "enabled": f.get("rule-enabled").is_some(),
        "on_created": f.get("rule-on-created").is_some(),
        "on_application": f.get("rule-on-application_changed").is_some(),
        "any": f.text("rule-match") == "any",
        "conditions": conditions,
        "actions": actions,
    })
}

/// Puts a refusal of the rule on the form: a JSON path of a condition goes on its row, of an
/// action on its field.
pub(super) fn rule_refusal(lang: Lang, d: &Draft, e: AppError) -> Result<FormErrors, PageError> {
    let mut errors = FormErrors::default();
    let (path, code) = match &e {
        AppError::Invalid(f) => (f.field.to_owned(), f.code),
        AppError::Conflict { code, field } => {
            let code = if *code == "duplicate" {
                "admin.duplicate"
            } else {
                code
            };
            (field.unwrap_or("name").to_owned(), code)
        }
        _ => return Err(e.into()),
    };
    let index = |rest: &str| -> Option<(usize, String)> {
        let (n, tail) = rest.split_once(']')?;
        Some((n.parse().ok()?, tail.trim_start_matches('.').to_owned()))
    };
    if let Some((k, tail)) = path.strip_prefix("conditions[").and_then(index) {
        let row = d.rows.get(k).copied().unwrap_or(0);
        let part = match tail.split('[').next().unwrap_or("") {
            "field" => "field",
            "op" => "op",
            _ => "value",
        };
        let label = text(
            lang,
            &format!("rules-cond-{part}"),
            &[("n", minijinja::Value::from(row + 1))],
        );
        errors.add_labelled(lang, &format!("rule-cond{row}-{part}"), &label, code, &[]);
    } else if let Some((k, _)) = path.strip_prefix("actions[").and_then(index) {
        let kind = d.actions.get(k).map_or("set_group", |a| a.as_str());
        errors.add(lang, &format!("rule-{kind}"), code, &[]);
    } else {
        let field = match path.as_str() {
            "on" => "on",
            "conditions" | "actions" | "match" | "enabled" => "name",
            _ => "name",
        };
        errors.add(lang, &format!("rule-{field}"), code, &[]);
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_form_becomes_the_cores_json_skipping_blank_rows() {
        let f = fields(&[
            ("rule-name", "ONDE au N1"),
            ("rule-enabled", "on"),
            ("rule-on-created", "on"),
            ("rule-match", "any"),
            ("rule-cond0-field", ""),
            ("rule-cond0-op", ""),
            ("rule-cond0-value", ""),
            ("rule-cond1-field", "application"),
            ("rule-cond1-op", "in"),
            ("rule-cond1-value", "ONDE, LSUN"),
            ("rule-cond2-field", "application"),
            ("rule-cond2-op", "is_set"),
            ("rule-cond2-value", "ignored"),
            ("rule-set_group", "DSI-N1"),
            ("rule-add_tags", "onde, , urgent"),
        ]);
        let d = draft(&f);
        assert_eq!(d.rows, [1, 2]);
        assert_eq!(d.actions, [ActionKind::SetGroup, ActionKind::AddTags]);
        assert_eq!(
            d.definition,
            json!({
                "name": "ONDE au N1", "enabled": true, "on": ["created"], "match": "any",
                "conditions": [
                    {"field": "application", "op": "in", "value": ["ONDE", "LSUN"]},
                    {"field": "application", "op": "is_set"},
                ],
                "actions": [
                    {"action": "set_group", "value": "DSI-N1"},
                    {"action": "add_tags", "value": ["onde", "urgent"]},
                ],
            })
        );
    }

    #[test]
    fn a_stored_rule_fills_the_form_with_spare_rows() {
        let typed = typed_from_definition(&json!({
            "name": "X", "enabled": false, "on": ["created", "application_changed"],
            "match": "all",
            "conditions": [{"field": "text", "op": "contains_any", "value": ["wifi", "réseau"]}],
            "actions": [{"action": "add_watchers", "value": ["a@x.fr"]}],
        }));
        assert_eq!(typed["conditions"][0]["value"], "wifi, réseau");
        assert_eq!(
            typed["conditions"].as_array().map(Vec::len),
            Some(1 + SPARE_ROWS)
        );
        assert_eq!(typed["actions"]["add_watchers"], "a@x.fr");
        assert_eq!(typed["on_application"], true);
        assert_eq!(typed["enabled"], false);
    }
}
