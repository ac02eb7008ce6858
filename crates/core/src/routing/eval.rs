//! Evaluating a rule set against a ticket as submitted.
//!
//! Every rule sees the same facts: an action of one rule (say, setting the application) does not
//! change what the next rule's conditions see, so whether a rule matches never depends on its
//! neighbours, as in GLPI where criteria are read from the input.
//!
//! Conflicts in `apply_all`: when two matching rules set the same single value (group, level,
//! priority, application, SLA policy), **the last one wins**, as in GLPI, where a later rule
//! overwrites an earlier one's output; put general rules first and specific ones after. Tags and
//! watchers accumulate, without duplicates, in rule order.

use super::rule::{
    Action, Condition, Field, Match, Mode, Operator, Rule, RuleSet, Trigger, Value, Words,
};
use crate::desk::Level;
use crate::org::OrgPath;
use crate::person::RoleKind;
use crate::search;
use crate::ticket::{Channel, Priority, TicketType};
use serde::Serialize;
use std::collections::HashSet;

/// What rules may look at: the ticket as submitted (or with its new application).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub channel: Channel,
    /// The application's code, upper case (`ONDE`).
    pub application: Option<String>,
    pub ticket_type: TicketType,
    pub requester_roles: Vec<RoleKind>,
    /// The establishment's materialised path (`/1/4/17/`).
    pub establishment: Option<OrgPath>,
    pub subject: String,
    pub body: String,
    /// The address of the mailbox an email came in through, lower case.
    pub mailbox: Option<String>,
    pub priority: Priority,
}

/// A value decided by a rule, with the rule's name for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided<T> {
    pub value: T,
    pub rule: String,
}

/// The combined effect of the applied rules, conflicts resolved (last wins).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub group: Option<Decided<String>>,
    pub level: Option<Decided<Level>>,
    pub priority: Option<Decided<Priority>>,
    pub application: Option<Decided<String>>,
    pub sla_policy: Option<Decided<String>>,
    pub tags: Vec<String>,
    pub watchers: Vec<String>,
}

/// A rule that matched and was applied: its place in the set and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub index: usize,
    pub name: String,
}

/// The result of an evaluation: the rules applied, in order (the app writes one timeline entry
/// each), and their combined effect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Routing {
    pub matched: Vec<Applied>,
    pub outcome: Outcome,
}

/// The facts with their texts reduced to search stems once, for all conditions.
struct Prepared<'a> {
    facts: &'a TicketFacts,
    subject: HashSet<String>,
    body: HashSet<String>,
}

/// Evaluates `set` for `trigger`: enabled rules listening to that trigger, in order.
pub fn evaluate(set: &RuleSet, facts: &TicketFacts, trigger: Trigger) -> Routing {
    let prepared = Prepared {
        facts,
        subject: search::terms(&facts.subject).collect(),
        body: search::terms(&facts.body).collect(),
    };
    let mut routing = Routing::default();
    for (index, rule) in set.rules.iter().enumerate() {
        if !rule.enabled || !rule.on.contains(&trigger) || !rule_matches(rule, &prepared) {
            continue;
        }
        routing.matched.push(Applied {
            index,
            name: rule.name.clone(),
        });
        for action in &rule.actions {
            apply(&mut routing.outcome, action, &rule.name);
        }
        if set.mode == Mode::FirstMatch {
            break;
        }
    }
    routing
}

/// Whether one rule's conditions hold for the facts, whether or not it is enabled.
pub fn matches(rule: &Rule, facts: &TicketFacts) -> bool {
    let prepared = Prepared {
        facts,
        subject: search::terms(&facts.subject).collect(),
        body: search::terms(&facts.body).collect(),
    };
    rule_matches(rule, &prepared)
}

fn rule_matches(rule: &Rule, facts: &Prepared<'_>) -> bool {
    if rule.conditions.is_empty() {
        return true;
    }
    match rule.combine {
        Match::All => rule.conditions.iter().all(|c| holds(c, facts)),
        Match::Any => rule.conditions.iter().any(|c| holds(c, facts)),
    }
}

fn apply(outcome: &mut Outcome, action: &Action, rule: &str) {
    fn decide<T: Clone>(value: &T, rule: &str) -> Option<Decided<T>> {
        Some(Decided {
            value: value.clone(),
            rule: rule.to_owned(),
        })
    }
    fn extend(list: &mut Vec<String>, items: &[String]) {
        for item in items {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
    }
    match action {
        Action::SetGroup(code) => outcome.group = decide(code, rule),
        Action::SetLevel(level) => outcome.level = decide(level, rule),
        Action::SetPriority(p) => outcome.priority = decide(p, rule),
        Action::SetApplication(code) => outcome.application = decide(code, rule),
        Action::SetSlaPolicy(code) => outcome.sla_policy = decide(code, rule),
        Action::AddTags(tags) => extend(&mut outcome.tags, tags),
        Action::AddWatchers(emails) => extend(&mut outcome.watchers, emails),
    }
}

/// Whether one condition holds for the facts.
fn holds(c: &Condition, p: &Prepared<'_>) -> bool {
    use Operator::*;
    let f = p.facts;
    match c.op {
        IsSet | IsUnset => {
            let set = match c.field {
                Field::Application => f.application.is_some(),
                Field::Mailbox => f.mailbox.is_some(),
                Field::Establishment => f.establishment.is_some(),
                _ => false,
            };
            set == (c.op == IsSet)
        }
        AtLeast | AtMost => match &c.value {
            Value::Priorities(v) => v.first().is_some_and(|bound| {
                if c.op == AtLeast {
                    f.priority.rank() >= bound.rank()
                } else {
                    f.priority.rank() <= bound.rank()
                }
            }),
            _ => false,
        },
        ContainsAll | ContainsAny | ContainsNone => {
            let Value::Words(words) = &c.value else {
                return false;
            };
            let has = |stem: &String| match c.field {
                Field::Subject => p.subject.contains(stem),
                Field::Body => p.body.contains(stem),
                _ => p.subject.contains(stem) || p.body.contains(stem),
            };
            let found = |w: &Words| w.stems.iter().all(has);
            match c.op {
                ContainsAll => words.iter().all(found),
                ContainsAny => words.iter().any(found),
                _ => !words.iter().any(found),
            }
        }
        Is | In | Within => member(&c.value, f),
        IsNot | NotIn | NotWithin => !member(&c.value, f),
    }
}

/// Whether the ticket's value is one of the condition's (a role: any of the requester's; an
/// establishment: inside one of the subtrees). A missing optional value is never a member.
fn member(value: &Value, f: &TicketFacts) -> bool {
    match value {
        Value::Channels(v) => v.contains(&f.channel),
        Value::Types(v) => v.contains(&f.ticket_type),
        Value::Roles(v) => f.requester_roles.iter().any(|r| v.contains(r)),
        Value::Priorities(v) => v.contains(&f.priority),
        Value::Codes(v) => f.application.as_ref().is_some_and(|a| v.contains(a)),
        Value::Mailboxes(v) => f.mailbox.as_ref().is_some_and(|m| v.contains(m)),
        Value::Paths(v) => f
            .establishment
            .as_ref()
            .is_some_and(|e| v.iter().any(|zone| zone.contains(e))),
        Value::Words(_) | Value::None => false,
    }
}
