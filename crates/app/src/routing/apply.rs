//! Applying a desk's rules and SLA policy to a ticket being submitted.

use super::DeskPlan;
use crate::sla::clock;
use crate::ticket::change::Change;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;
use guichet_core::desk::Level;
use guichet_core::lifecycle::Move;
use guichet_core::org::OrgPath;
use guichet_core::routing::{self, Outcome, TicketFacts, Trigger};
use guichet_core::sla::select_policy;
use guichet_core::ticket::EntryKind;
use guichet_core::ticket::{Channel, Priority, TicketType};
use guichet_store::application::Application;
use guichet_store::desk::Group;
use guichet_store::sla::StoredPolicy;
use guichet_store::ticket::submission::{RoutingEntry, SubmittedRouting};
use serde_json::{Map, Value, json};

/// The ticket as submitted, before routing.
#[derive(Debug)]
pub(crate) struct RoutingInput<'a> {
    pub group: Group,
    pub application: Option<Application>,
    pub priority: Priority,
    pub channel: Channel,
    pub ticket_type: TicketType,
    pub requester: PersonId,
    pub establishment: Option<OrgPath>,
    pub subject: &'a str,
    pub body: &'a str,
    /// The mailbox address (lower case) of a ticket that came in by email.
    pub mailbox: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// The ticket as routing leaves it, and what the submission writes besides.
#[derive(Debug)]
pub(crate) struct Routed {
    pub group: Group,
    pub level: Level,
    pub application: Option<Application>,
    pub priority: Priority,
    pub routing: SubmittedRouting,
    /// Names of the applied rules, for the audit record.
    pub rules: Vec<String>,
}

impl App {
    /// Evaluates the rules of the desk the ticket lands in, applies their outcome, and starts
    /// the SLA clocks of the policy that covers the result.
    pub(crate) async fn route_new_ticket(
        &self,
        input: RoutingInput<'_>,
    ) -> Result<Routed, AppError> {
        let plan = self.desk_plan(input.group.desk).await?;
        let mut routed = Routed {
            level: input.group.level,
            group: input.group.clone(),
            application: input.application.clone(),
            priority: input.priority,
            routing: SubmittedRouting::default(),
            rules: Vec::new(),
        };
        let mut sla_code = None;
        if !plan.rules.rules.is_empty() {
            let requester_roles = if plan.needs_roles {
                let mut conn = self.store().read().await?;
                let roles = conn.roles_of(input.requester).await?;
                roles.into_iter().map(|r| r.kind).collect()
            } else {
                Vec::new()
            };
            let facts = TicketFacts {
                channel: input.channel,
                application: input.application.as_ref().map(|a| a.code.clone()),
                ticket_type: input.ticket_type,
                requester_roles,
                establishment: input.establishment.clone(),
                subject: input.subject.to_owned(),
                body: input.body.to_owned(),
                mailbox: input.mailbox.map(ToOwned::to_owned),
                priority: input.priority,
            };
            let result = routing::evaluate(&plan.rules, &facts, Trigger::Created);
            self.apply_outcome(&plan, &result.outcome, &mut routed)
                .await?;
            sla_code = result.outcome.sla_policy.as_ref().map(|d| d.value.clone());
            for applied in &result.matched {
                routed.routing.entries.push(RoutingEntry {
                    body: applied.name.clone(),
                    data: decided_by(&result.outcome, &applied.name),
                });
                routed.rules.push(applied.name.clone());
            }
        }

        let landed = if routed.group.desk == input.group.desk {
            plan.clone()
        } else {
            self.desk_plan(routed.group.desk).await?
        };
        let named = sla_code.as_deref().and_then(|code| {
            landed
                .policies
                .iter()
                .chain(plan.policies.iter())
                .find(|p| p.code == code)
        });
        let policy = named.or_else(|| {
            let scoped: Vec<_> = landed.policies.iter().map(|p| (p.scope, p)).collect();
            select_policy(
                &scoped,
                routed.group.desk,
                routed.application.as_ref().map(|a| a.id),
                routed.priority,
            )
            .copied()
        });
        if let Some(p) = policy {
            let calendar = landed
                .calendars
                .get(&p.calendar)
                .or_else(|| plan.calendars.get(&p.calendar));
            routed.routing.sla = match calendar {
                Some(c) => Some(clock::start(p, c, input.now)),
                None => Some(self.start_with_stored_calendar(p, input.now).await?),
            };
        }
        Ok(routed)
    }

    /// A policy named by a rule of another desk: its calendar is read from the store.
    async fn start_with_stored_calendar(
        &self,
        p: &StoredPolicy,
        now: DateTime<Utc>,
    ) -> Result<guichet_store::sla::TicketSla, AppError> {
        let calendar = self.store().read().await?.calendar(p.calendar).await?;
        Ok(clock::start(p, &calendar.calendar, now))
    }

    async fn apply_outcome(
        &self,
        plan: &DeskPlan,
        o: &Outcome,
        routed: &mut Routed,
    ) -> Result<(), AppError> {
        if let Some(g) = o.group.as_ref().and_then(|d| plan.groups.get(&d.value)) {
            routed.group = g.clone();
            routed.level = g.level;
        }
        if let Some(level) = o.level.as_ref().map(|d| d.value)
            && o.group.is_none()
        {
            // The desk's group of that level (the first by code), if it has one.
            let desk = routed.group.desk;
            let mut same: Vec<&Group> = plan
                .groups
                .values()
                .filter(|g| g.desk == desk && g.level == level)
                .collect();
            same.sort_by(|a, b| a.code.cmp(&b.code));
            if let Some(g) = same.first() {
                routed.group = (*g).clone();
                routed.level = level;
            }
        }
        if let Some(d) = &o.priority {
            routed.priority = d.value;
        }
        if let Some(d) = &o.application
            && let Ok(app) = self.application_by_code(&d.value).await
            && app.active
        {
            routed.application = Some(app);
        }
        routed.routing.tags = o.tags.clone();
        if !o.watchers.is_empty() {
            let mut conn = self.store().read().await?;
            for email in &o.watchers {
                // An address nobody has is skipped: the rule stays useful when a person leaves.
                if let Ok(p) = conn.person_by_email(email).await
                    && p.active
                {
                    routed.routing.watchers.push(p.id);
                }
            }
        }
        Ok(())
    }
}

/// What one rule decided, for its timeline entry ("routed to N1-ONDE by rule X").
fn decided_by(o: &Outcome, rule: &str) -> Value {
    let mut set = Map::new();
    let mut put = |key: &str, by: Option<&str>, value: Value| {
        if by == Some(rule) {
            set.insert(key.to_owned(), value);
        }
    };
    if let Some(d) = &o.group {
        put("group", Some(&d.rule), json!(d.value));
    }
    if let Some(d) = &o.level {
        put("level", Some(&d.rule), json!(d.value.as_str()));
    }
    if let Some(d) = &o.priority {
        put("priority", Some(&d.rule), json!(d.value));
    }
    if let Some(d) = &o.application {
        put("application", Some(&d.rule), json!(d.value));
    }
    if let Some(d) = &o.sla_policy {
        put("sla_policy", Some(&d.rule), json!(d.value));
    }
    json!({ "rule": rule, "set": set })
}

impl App {
    /// Runs the rules of the ticket's desk that ask to run again when its application changes
    /// (their `on` lists `application_changed`), inside the change's transaction: group (back to
    /// its queue, unassigned), level, priority, tags and watchers; each applied rule written
    /// on the timeline. The application a rule would set and its SLA policy are left alone:
    /// the application was just chosen by a person, and a policy is chosen at submission.
    /// Returns the names of the applied rules.
    pub(crate) async fn reroute_on_application_change(
        &self,
        c: &mut Change<'_>,
    ) -> Result<Vec<String>, AppError> {
        let Some(group) = c.ticket.group else {
            return Ok(Vec::new());
        };
        let desk = c.tx.group(group).await?.desk;
        let plan = self.desk_plan(desk).await?;
        let wanted = |r: &routing::Rule| r.enabled && r.on.contains(&Trigger::ApplicationChanged);
        if !plan.rules.rules.iter().any(wanted) {
            return Ok(Vec::new());
        }
        let mut facts = c.tx.ticket_facts(c.ticket.id).await?;
        // The row read above is the one before this change is saved.
        facts.application = match c.ticket.application {
            Some(a) => Some(c.tx.application(a).await?.code),
            None => None,
        };
        facts.priority = c.ticket.priority;
        let result = routing::evaluate(&plan.rules, &facts, Trigger::ApplicationChanged);
        let o = &result.outcome;
        let mut target = o
            .group
            .as_ref()
            .and_then(|d| plan.groups.get(&d.value))
            .cloned();
        if target.is_none()
            && let Some(level) = o.level.as_ref().map(|d| d.value)
        {
            let mut same: Vec<&Group> = plan
                .groups
                .values()
                .filter(|g| g.desk == desk && g.level == level)
                .collect();
            same.sort_by(|a, b| a.code.cmp(&b.code));
            target = same.first().map(|g| (*g).clone());
        }
        if let Some(g) = target
            && Some(g.id) != c.ticket.group
            // A ticket that can no longer go back to a queue stays where it is.
            && c.apply(Move::Requeue).is_ok()
        {
            c.ticket.group = Some(g.id);
            c.ticket.level = g.level;
            c.ticket.assignee = None;
        }
        if let Some(d) = &o.priority {
            c.ticket.priority = d.value;
        }
        if !o.tags.is_empty() {
            c.tx.add_tags(c.ticket.id, &o.tags).await?;
        }
        for email in &o.watchers {
            if let Ok(p) = c.tx.person_by_email(email).await
                && p.active
                && !c.ticket.watchers.contains(&p.id)
            {
                c.tx.add_watcher(c.ticket.id, p.id).await?;
                c.ticket.watchers.push(p.id);
            }
        }
        let mut names = Vec::new();
        for applied in &result.matched {
            let mut data = decided_by(o, &applied.name);
            data["on"] = json!(Trigger::ApplicationChanged.as_str());
            c.entry(EntryKind::Routing, false, &applied.name, data)
                .await?;
            names.push(applied.name.clone());
        }
        Ok(names)
    }
}
