//! Routing at submission: the desk's rules (evaluated by `guichet_core::routing`) decide the
//! group, level, priority, application, tags, watchers and SLA policy of a new ticket, each
//! applied rule written on the timeline; then the SLA policy's clocks are started.
//!
//! Everything a submission needs from a desk (its rules, SLA policies and their calendars) is
//! read once per request as a [`DeskPlan`], and kept in the cache on SQLite (cleared by every
//! administrator change), so a rule set of any length costs no query per rule. Rules never
//! assign an agent (they set a group), so an absent agent never gets work from them.

mod admin;
mod apply;

pub use admin::{RuleInput, RuleMatch, RuleSetView};
pub(crate) use apply::RoutingInput;

use crate::{App, AppError};
use guichet_core::calendar::Calendar;
use guichet_core::routing::{Field, Mode, RuleSet};
use guichet_core::{CalendarId, DeskId};
use guichet_store::Conn;
use guichet_store::desk::Group;
use guichet_store::rule::StoredRule;
use guichet_store::sla::StoredPolicy;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// What a submission needs to know of one desk's automation.
#[derive(Debug)]
pub(crate) struct DeskPlan {
    pub rules: RuleSet,
    /// Whether a rule looks at the requester's roles (read only then).
    pub needs_roles: bool,
    pub policies: Vec<StoredPolicy>,
    pub calendars: HashMap<CalendarId, Calendar>,
    /// Every group, by code, for `set_group` and `set_level`.
    pub groups: HashMap<String, Group>,
}

/// The core's rule set from stored rules, in their order; the column's flag wins over the
/// definition's.
pub(crate) fn rule_set(mode: Mode, stored: &[StoredRule]) -> Result<RuleSet, AppError> {
    let rules: Vec<Value> = stored
        .iter()
        .map(|r| {
            let mut d = r.definition.clone();
            d["enabled"] = json!(r.enabled);
            d
        })
        .collect();
    RuleSet::from_json_value(&json!({ "mode": mode.as_str(), "rules": rules }))
        .map_err(|e| AppError::Internal(format!("stored routing rules: {e}")))
}

impl App {
    /// A desk's plan, from the cache or read once.
    pub(crate) async fn desk_plan(&self, desk: DeskId) -> Result<Arc<DeskPlan>, AppError> {
        if let Some(plan) = self.cache().desk_plan(&desk) {
            return Ok(plan);
        }
        let stamp = self.cache().stamp();
        let mut conn = self.store().read().await?;
        let plan = Arc::new(read_plan(&mut conn, desk).await?);
        self.cache().put_desk_plan(stamp, desk, plan.clone());
        Ok(plan)
    }
}

async fn read_plan(conn: &mut Conn, desk: DeskId) -> Result<DeskPlan, AppError> {
    let automation = conn.desk_automation(desk).await?;
    let stored = conn.rules_of(desk).await?;
    let rules = rule_set(automation.rule_mode, &stored)?;
    let needs_roles = rules
        .rules
        .iter()
        .any(|r| r.enabled && r.conditions.iter().any(|c| c.field == Field::RequesterRole));
    let policies = conn.list_policies(Some(desk)).await?;
    let mut calendars = HashMap::new();
    for p in &policies {
        if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(p.calendar) {
            slot.insert(conn.calendar(p.calendar).await?.calendar);
        }
    }
    // A rule naming an inactive group leaves the ticket where it was going.
    let groups = conn
        .list_groups(None)
        .await?
        .into_iter()
        .filter(|g| g.active)
        .map(|g| (g.code.clone(), g))
        .collect();
    Ok(DeskPlan {
        rules,
        needs_roles,
        policies,
        calendars,
        groups,
    })
}
