//! Routing rules (GLPI-style business rules): administrators write them, core evaluates them, the
//! app applies what they decide and writes each applied rule on the timeline.
//!
//! - [`rule`]: conditions (field, operator, value), actions, rules and rule sets;
//! - [`eval`]: evaluation against the ticket as submitted ([`TicketFacts`]);
//! - this module: the JSON form for export and import, with errors naming the field path
//!   (`rules[2].conditions[0].value[1]`).
//!
//! ```json
//! {"version": 1, "mode": "first_match", "rules": [
//!   {"name": "ONDE au N1", "enabled": true, "on": ["created", "application_changed"],
//!    "match": "all",
//!    "conditions": [{"field": "application", "op": "is", "value": "ONDE"}],
//!    "actions": [{"action": "set_group", "value": "N1-ONDE"}]}]}
//! ```
//!
//! Pure: no IO; the store keeps the JSON text, the app resolves codes to ids.

pub mod eval;
pub mod rule;

pub use eval::{Applied, Decided, Outcome, Routing, TicketFacts, evaluate, matches};
pub use rule::{
    Action, ActionKind, Condition, Field, Match, Mode, Operator, Rule, RuleSet, Trigger,
};

use rule::{Arity, Invalid, Value, Words};
use serde_json::{Map, Value as Json, json};
use std::fmt;

/// The JSON form's version; a later incompatible change bumps it.
pub const FORMAT_VERSION: u64 = 1;
/// Most rules in a set, and conditions or actions in a rule.
const MAX_RULES: usize = 500;
const MAX_PARTS: usize = 50;
const MAX_NAME_CHARS: usize = 120;

/// Why a rule set cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not JSON at all.
    #[error("JSON syntax error at line {line}, column {column}")]
    Syntax { line: usize, column: usize },
    /// JSON, but a value breaks a rule: `path` names it, `code` says why (`required`, `type`,
    /// `invalid`, `unknown`, `duplicate`, `not_for_field`, `too_many`, `version`…).
    #[error("{path}: {code}")]
    Invalid { path: String, code: &'static str },
}

fn invalid(path: impl fmt::Display, code: &'static str) -> RuleError {
    RuleError::Invalid {
        path: path.to_string(),
        code,
    }
}

impl RuleSet {
    /// Parses and checks an exported rule set.
    pub fn from_json(text: &str) -> Result<Self, RuleError> {
        let json: Json = serde_json::from_str(text).map_err(|e| RuleError::Syntax {
            line: e.line(),
            column: e.column(),
        })?;
        Self::from_json_value(&json)
    }

    /// Checks a rule set already parsed as JSON (an API body).
    pub fn from_json_value(json: &Json) -> Result<Self, RuleError> {
        let top = object(json, "")?;
        only_keys(top, &["version", "mode", "rules"], "")?;
        match top.get("version") {
            None => {}
            Some(v) if v.as_u64() == Some(FORMAT_VERSION) => {}
            Some(_) => return Err(invalid("version", "version")),
        }
        let mode = named(top, "mode", "", Mode::parse)?.unwrap_or(Mode::FirstMatch);
        let rules = list(top, "rules", "", MAX_RULES)?;
        let mut parsed: Vec<Rule> = Vec::with_capacity(rules.len());
        for (i, raw) in rules.iter().enumerate() {
            let path = format!("rules[{i}]");
            let rule = parse_rule(raw, &path)?;
            let folded = crate::search::fold(&rule.name);
            if parsed
                .iter()
                .any(|r| crate::search::fold(&r.name) == folded)
            {
                return Err(invalid(format!("{path}.name"), "duplicate"));
            }
            parsed.push(rule);
        }
        Ok(Self {
            mode,
            rules: parsed,
        })
    }

    /// The JSON form, which [`RuleSet::from_json_value`] reads back to an equal set.
    pub fn to_json_value(&self) -> Json {
        let rules: Vec<Json> = self.rules.iter().map(rule_json).collect();
        json!({ "version": FORMAT_VERSION, "mode": self.mode.as_str(), "rules": rules })
    }

    /// The JSON form, indented for people and diffs.
    pub fn to_json(&self) -> String {
        // Serialising a `serde_json::Value` cannot fail: its keys are strings.
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }
}

fn parse_rule(raw: &Json, path: &str) -> Result<Rule, RuleError> {
    let obj = object(raw, path)?;
    only_keys(
        obj,
        &["name", "enabled", "on", "match", "conditions", "actions"],
        path,
    )?;
    let name = match obj.get("name") {
        Some(Json::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Json::String(_)) | None => return Err(invalid(format!("{path}.name"), "required")),
        Some(_) => return Err(invalid(format!("{path}.name"), "type")),
    };
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!("{path}.name"), "too_long"));
    }
    let enabled = match obj.get("enabled") {
        None => true,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(invalid(format!("{path}.enabled"), "type")),
    };
    let on = match obj.get("on") {
        None => vec![Trigger::Created],
        Some(_) => {
            let items = list(obj, "on", path, Trigger::ALL.len())?;
            if items.is_empty() {
                return Err(invalid(format!("{path}.on"), "required"));
            }
            let mut on = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}.on[{i}]");
                let t = item
                    .as_str()
                    .ok_or_else(|| invalid(&at, "type"))
                    .and_then(|s| Trigger::parse(s).map_err(|_| invalid(&at, "invalid")))?;
                if !on.contains(&t) {
                    on.push(t);
                }
            }
            on
        }
    };
    let combine = named(obj, "match", path, Match::parse)?.unwrap_or(Match::All);
    let mut conditions = Vec::new();
    for (i, raw) in list(obj, "conditions", path, MAX_PARTS)?.iter().enumerate() {
        let at = format!("{path}.conditions[{i}]");
        let c = object(raw, &at)?;
        only_keys(c, &["field", "op", "value"], &at)?;
        let field = named(c, "field", &at, Field::parse)?
            .ok_or(invalid(format!("{at}.field"), "required"))?;
        let op =
            named(c, "op", &at, Operator::parse)?.ok_or(invalid(format!("{at}.op"), "required"))?;
        conditions.push(Condition::new(field, op, c.get("value")).map_err(|e| nested(&at, e))?);
    }
    let mut actions = Vec::new();
    for (i, raw) in list(obj, "actions", path, MAX_PARTS)?.iter().enumerate() {
        let at = format!("{path}.actions[{i}]");
        let a = object(raw, &at)?;
        only_keys(a, &["action", "value"], &at)?;
        let kind = named(a, "action", &at, ActionKind::parse)?
            .ok_or(invalid(format!("{at}.action"), "required"))?;
        actions.push(Action::new(kind, a.get("value")).map_err(|e| nested(&at, e))?);
    }
    Ok(Rule {
        name,
        enabled,
        on,
        combine,
        conditions,
        actions,
    })
}

fn nested(at: &str, e: Invalid) -> RuleError {
    invalid(format!("{at}.{}", e.at), e.code)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn object<'a>(v: &'a Json, path: &str) -> Result<&'a Map<String, Json>, RuleError> {
    v.as_object()
        .ok_or_else(|| invalid(if path.is_empty() { "$" } else { path }, "type"))
}

fn only_keys(obj: &Map<String, Json>, allowed: &[&str], path: &str) -> Result<(), RuleError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(invalid(join(path, k), "unknown")),
        None => Ok(()),
    }
}

/// An optional string member parsed into one of our named values.
fn named<T, E>(
    obj: &Map<String, Json>,
    key: &str,
    path: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, RuleError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Json::String(s)) => parse(s.trim())
            .map(Some)
            .map_err(|_| invalid(join(path, key), "invalid")),
        Some(_) => Err(invalid(join(path, key), "type")),
    }
}

/// An optional array member (absent reads as empty) of at most `max` items.
fn list<'a>(
    obj: &'a Map<String, Json>,
    key: &str,
    path: &str,
    max: usize,
) -> Result<&'a [Json], RuleError> {
    match obj.get(key) {
        None => Ok(&[]),
        Some(Json::Array(items)) if items.len() > max => Err(invalid(join(path, key), "too_many")),
        Some(Json::Array(items)) => Ok(items),
        Some(_) => Err(invalid(join(path, key), "type")),
    }
}

fn rule_json(rule: &Rule) -> Json {
    let on: Vec<&str> = rule.on.iter().map(|t| t.as_str()).collect();
    let conditions: Vec<Json> = rule.conditions.iter().map(condition_json).collect();
    let actions: Vec<Json> = rule.actions.iter().map(action_json).collect();
    json!({
        "name": rule.name,
        "enabled": rule.enabled,
        "on": on,
        "match": rule.combine.as_str(),
        "conditions": conditions,
        "actions": actions,
    })
}

fn condition_json(c: &Condition) -> Json {
    let items: Vec<String> = match &c.value {
        Value::None => Vec::new(),
        Value::Channels(v) => v.iter().map(|x| x.as_str().to_owned()).collect(),
        Value::Types(v) => v.iter().map(|x| x.as_str().to_owned()).collect(),
        Value::Roles(v) => v.iter().map(|x| x.as_str().to_owned()).collect(),
        Value::Priorities(v) => v.iter().map(|x| x.as_str().to_owned()).collect(),
        Value::Codes(v) | Value::Mailboxes(v) => v.clone(),
        Value::Paths(v) => v.iter().map(|p| p.as_str().to_owned()).collect(),
        Value::Words(v) => v.iter().map(|w: &Words| w.text.clone()).collect(),
    };
    let mut out = json!({ "field": c.field.as_str(), "op": c.op.as_str() });
    match c.op.arity() {
        Arity::Nothing => {}
        Arity::One => out["value"] = json!(items.first()),
        Arity::List => out["value"] = json!(items),
    }
    out
}

fn action_json(a: &Action) -> Json {
    let value = match a {
        Action::SetGroup(code) | Action::SetApplication(code) | Action::SetSlaPolicy(code) => {
            json!(code)
        }
        Action::SetLevel(level) => json!(level.as_str()),
        Action::SetPriority(p) => json!(p.as_str()),
        Action::AddTags(items) | Action::AddWatchers(items) => json!(items),
    };
    json!({ "action": a.kind().as_str(), "value": value })
}
