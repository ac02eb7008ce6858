//! Administering a desk's routing rules: list, create, edit, enable or disable, reorder, delete,
//! export and import as JSON, and "test this rule" against the last 1,000 tickets. Only
//! administrators; every change is audited and clears the cache of desk plans.

use super::rule_set;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::routing::{self, Mode, RuleError, RuleSet};
use guichet_core::ticket::TicketRef;
use guichet_core::{DeskId, FieldError, RuleId, TicketId};
use guichet_store::Tx;
use guichet_store::rule::StoredRule;
use serde_json::{Value, json};

/// How many recent tickets "test this rule" looks at.
const TEST_WINDOW: i64 = 1000;

/// A rule as typed: the core's JSON form of one rule.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub definition: Value,
}

/// A desk's rules as administrators see them.
#[derive(Debug, Clone)]
pub struct RuleSetView {
    pub desk: DeskId,
    pub mode: Mode,
    pub rules: Vec<StoredRule>,
}

/// A recent ticket a draft rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub id: TicketId,
    pub reference: TicketRef,
    pub subject: String,
}

/// A rule error as a field error: `field` is the JSON path (`conditions[0].value`).
fn rule_error(e: RuleError, strip: &str) -> AppError {
    match e {
        RuleError::Syntax { .. } => AppError::invalid("definition", "json"),
        RuleError::Invalid { path, code } => {
            let path = path.strip_prefix(strip).unwrap_or(&path).to_owned();
            let path = path.strip_prefix('.').unwrap_or(&path).to_owned();
            AppError::Invalid(FieldError::new(intern(path), code))
        }
    }
}

/// Most distinct JSON paths kept as field names; beyond, errors name `definition`.
const MAX_PATHS: usize = 4096;

/// A JSON path as a `'static` field name. [`FieldError`] names fields with static strings;
/// the paths of rule errors are few in practice, and the set is bounded, so this cannot grow
/// without limit whatever clients send.
fn intern(path: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static PATHS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut paths = PATHS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(p) = paths.get(path.as_str()) {
        return p;
    }
    if paths.len() >= MAX_PATHS {
        return "definition";
    }
    let leaked: &'static str = Box::leak(path.into_boxed_str());
    paths.insert(leaked);
    leaked
}

/// Checks one rule's JSON and returns it in the core's canonical form.
fn parse_rule(definition: &Value) -> Result<(String, bool, Value), AppError> {
    let set = RuleSet::from_json_value(&json!({ "rules": [definition] }))
        .map_err(|e| rule_error(e, "rules[0]"))?;
    let canonical = set.to_json_value()["rules"][0].clone();
    let rule = set
        .rules
        .first()
        .ok_or(AppError::invalid("definition", "required"))?;
    Ok((rule.name.clone(), rule.enabled, canonical))
}

/// [`crate::admin::audit`] with the object as `rule_object` and `desk_object` give it.
async fn audit(
    tx: &mut Tx,
    caller: &Caller,
    action: &str,
    (object_type, id): (&'static str, String),
    details: Value,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    crate::admin::audit(tx, caller, action, object_type, id, details, at).await
}

/// Audit records of one rule, and of a desk's whole rule set.
fn rule_object(id: RuleId) -> (&'static str, String) {
    ("routing_rule", id.to_string())
}

fn desk_object(desk: DeskId) -> (&'static str, String) {
    ("desk_rules", desk.to_string())
}

fn same_name(a: &str, b: &str) -> bool {
    guichet_core::search::fold(a) == guichet_core::search::fold(b)
}

impl App {
    pub async fn list_rules(&self, caller: &Caller, desk: DeskId) -> Result<RuleSetView, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        conn.desk(desk).await.or_not_found("desk")?;
        let mode = conn.desk_automation(desk).await?.rule_mode;
        let rules = conn.rules_of(desk).await?;
        Ok(RuleSetView { desk, mode, rules })
    }

    /// Adds a rule at the end of the desk's list.
    pub async fn create_rule(
        &self,
        caller: &Caller,
        desk: DeskId,
        input: RuleInput,
    ) -> Result<StoredRule, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let (name, enabled, definition) = parse_rule(&input.definition)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.desk(desk).await.or_not_found("desk")?;
        if tx
            .rules_of(desk)
            .await?
            .iter()
            .any(|r| same_name(&r.name, &name))
        {
            return Err(AppError::conflict_on("duplicate", "name"));
        }
        let rule = tx
            .insert_rule(desk, &name, enabled, &definition, now)
            .await?;
        let details = json!({ "desk": desk, "definition": definition });
        audit(
            &mut tx,
            caller,
            "rule.create",
            rule_object(rule.id),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(rule)
    }

    /// Replaces a rule's definition (name, conditions, actions, flag).
    pub async fn update_rule(
        &self,
        caller: &Caller,
        id: RuleId,
        input: RuleInput,
    ) -> Result<StoredRule, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let (name, enabled, definition) = parse_rule(&input.definition)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.rule(id).await.or_not_found("rule")?;
        let clash = tx.rules_of(before.desk).await?;
        if clash
            .iter()
            .any(|r| r.id != id && same_name(&r.name, &name))
        {
            return Err(AppError::conflict_on("duplicate", "name"));
        }
        let rule = tx.update_rule(id, &name, enabled, &definition, now).await?;
        let details = json!({ "before": before.definition, "after": definition });
        audit(
            &mut tx,
            caller,
            "rule.update",
            rule_object(id),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(rule)
    }

    /// Enables or disables a rule.
    pub async fn set_rule_enabled(
        &self,
        caller: &Caller,
        id: RuleId,
        enabled: bool,
    ) -> Result<StoredRule, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.rule(id).await.or_not_found("rule")?;
        let mut definition = before.definition.clone();
        definition["enabled"] = json!(enabled);
        let rule = tx
            .update_rule(id, &before.name, enabled, &definition, now)
            .await?;
        let action = if enabled {
            "rule.enable"
        } else {
            "rule.disable"
        };
        audit(&mut tx, caller, action, rule_object(id), json!({}), now).await?;
        self.commit_reference_change(tx).await?;
        Ok(rule)
    }

    pub async fn delete_rule(&self, caller: &Caller, id: RuleId) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.rule(id).await.or_not_found("rule")?;
        tx.delete_rule(id).await?;
        let details = json!({ "desk": before.desk, "definition": before.definition });
        audit(
            &mut tx,
            caller,
            "rule.delete",
            rule_object(id),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }

    /// Puts a desk's rules in the order given, which must name each of its rules once.
    pub async fn reorder_rules(
        &self,
        caller: &Caller,
        desk: DeskId,
        order: &[RuleId],
    ) -> Result<RuleSetView, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let rules = tx.rules_of(desk).await?;
        let mut given = order.to_vec();
        given.sort();
        given.dedup();
        let mut have: Vec<RuleId> = rules.iter().map(|r| r.id).collect();
        have.sort();
        if given.len() != order.len() || given != have {
            return Err(AppError::invalid("order", "not_a_permutation"));
        }
        for (i, id) in order.iter().enumerate() {
            tx.move_rule(*id, i64::try_from(i).unwrap_or(i64::MAX) + 1)
                .await?;
        }
        let details = json!({ "order": order });
        audit(
            &mut tx,
            caller,
            "rule.reorder",
            desk_object(desk),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        self.list_rules(caller, desk).await
    }

    /// The desk's rule set in the core's JSON form (what [`App::import_rules`] reads).
    pub async fn export_rules(&self, caller: &Caller, desk: DeskId) -> Result<Value, AppError> {
        let view = self.list_rules(caller, desk).await?;
        Ok(rule_set(view.mode, &view.rules)?.to_json_value())
    }

    /// Replaces the desk's rule set (mode and rules) by an exported one, all or nothing.
    pub async fn import_rules(
        &self,
        caller: &Caller,
        desk: DeskId,
        json: &Value,
    ) -> Result<RuleSetView, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let set = RuleSet::from_json_value(json).map_err(|e| rule_error(e, ""))?;
        let canonical = set.to_json_value();
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.desk(desk).await.or_not_found("desk")?;
        let mut automation = tx.desk_automation(desk).await?;
        automation.rule_mode = set.mode;
        tx.set_desk_automation(&automation, now).await?;
        tx.delete_rules_of(desk).await?;
        let definitions = canonical["rules"].as_array().cloned().unwrap_or_default();
        for (rule, definition) in set.rules.iter().zip(definitions) {
            tx.insert_rule(desk, &rule.name, rule.enabled, &definition, now)
                .await?;
        }
        let details = json!({ "rules": set.rules.len(), "mode": set.mode.as_str() });
        audit(
            &mut tx,
            caller,
            "rule.import",
            desk_object(desk),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        self.list_rules(caller, desk).await
    }

    /// The last 1,000 tickets a draft rule would match (whether or not it is enabled).
    pub async fn test_rule(
        &self,
        caller: &Caller,
        input: RuleInput,
    ) -> Result<Vec<RuleMatch>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        parse_rule(&input.definition)?;
        let set = RuleSet::from_json_value(&json!({ "rules": [input.definition] }))
            .map_err(|e| rule_error(e, "rules[0]"))?;
        let Some(rule) = set.rules.first() else {
            return Ok(Vec::new());
        };
        let recent = self
            .store()
            .read()
            .await?
            .recent_ticket_facts(TEST_WINDOW)
            .await?;
        Ok(recent
            .into_iter()
            .filter(|t| routing::matches(rule, &t.facts))
            .map(|t| RuleMatch {
                id: t.id,
                reference: t.reference,
                subject: t.facts.subject,
            })
            .collect())
    }
}
