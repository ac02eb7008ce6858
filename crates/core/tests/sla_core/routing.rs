//! Routing conditions, one operator at a time, against a director's email about ONDE.

use guichet_core::desk::Level;
use guichet_core::org::OrgPath;
use guichet_core::person::RoleKind;
use guichet_core::routing::{Applied, RuleSet, TicketFacts, Trigger, evaluate};
use guichet_core::ticket::{Channel, Priority, TicketType};
use serde_json::{Value, json};

pub fn path(s: &str) -> OrgPath {
    OrgPath::from_stored(s).expect("valid path")
}

/// A director's email about ONDE from school 17 (circonscription 4, académie 1).
pub fn facts() -> TicketFacts {
    TicketFacts {
        channel: Channel::Email,
        application: Some("ONDE".into()),
        ticket_type: TicketType::Incident,
        requester_roles: vec![RoleKind::Teacher, RoleKind::Director],
        establishment: Some(path("/1/4/17/")),
        subject: "ECRAN noir sur ONDE".into(),
        body: "Le mot de passe ne fonctionne plus depuis la mise à jour des imprimantes.".into(),
        mailbox: Some("assistance@ac-dijon.fr".into()),
        priority: Priority::Medium,
    }
}

fn applied(index: usize, name: &str) -> Applied {
    Applied {
        index,
        name: name.to_owned(),
    }
}

pub fn set(json: Value) -> RuleSet {
    RuleSet::from_json_value(&json).expect("valid rule set")
}

/// Whether a one-condition rule matches `f`.
fn holds_for(condition: Value, f: &TicketFacts) -> bool {
    let rules = set(json!({"rules": [{"name": "r", "conditions": [condition],
        "actions": [{"action": "add_tags", "value": ["t"]}]}]}));
    !evaluate(&rules, f, Trigger::Created).matched.is_empty()
}

fn holds(condition: Value) -> bool {
    holds_for(condition, &facts())
}

#[test]
fn equality_operators_on_each_enumerated_field() {
    let c = |field: &str, op: &str, value: Value| json!({"field": field, "op": op, "value": value});
    assert!(holds(c("channel", "is", json!("email"))));
    assert!(!holds(c("channel", "is_not", json!("email"))));
    assert!(holds(c("channel", "in", json!(["web", "email"]))));
    assert!(!holds(c("channel", "not_in", json!(["web", "email"]))));
    assert!(holds(c("type", "is", json!("incident"))));
    assert!(holds(c("type", "not_in", json!(["request", "change"]))));
    // Roles: any of the requester's roles.
    assert!(holds(c("requester_role", "is", json!("director"))));
    assert!(holds(c("requester_role", "in", json!(["head", "teacher"]))));
    assert!(!holds(c("requester_role", "is_not", json!("teacher"))));
    assert!(holds(c(
        "requester_role",
        "not_in",
        json!(["ien", "dasen"])
    )));
    assert!(holds(c("priority", "is", json!("medium"))));
    assert!(!holds(c("priority", "in", json!(["high", "very_high"]))));
}

#[test]
fn codes_and_mailboxes_compare_normalised_and_missing_values_never_match() {
    let c = |field: &str, op: &str, value: Value| json!({"field": field, "op": op, "value": value});
    assert!(
        holds(c("application", "is", json!("onde"))),
        "codes are upper-cased"
    );
    assert!(holds(c("application", "not_in", json!(["LSUN"]))));
    assert!(holds(c("mailbox", "is", json!("Assistance@AC-Dijon.fr"))));
    let mut web = facts();
    web.application = None;
    web.mailbox = None;
    assert!(!holds_for(
        c("application", "in", json!(["ONDE", "LSUN"])),
        &web
    ));
    assert!(holds_for(c("application", "is_not", json!("ONDE")), &web));
    assert!(!holds_for(
        c("mailbox", "is", json!("assistance@ac-dijon.fr")),
        &web
    ));
    let set_op = |field: &str, op: &str| json!({"field": field, "op": op});
    assert!(holds(set_op("application", "is_set")));
    assert!(holds_for(set_op("application", "is_unset"), &web));
    assert!(!holds_for(set_op("mailbox", "is_set"), &web));
    assert!(holds(set_op("establishment", "is_set")));
}

#[test]
fn priority_bounds() {
    let c = |op: &str, p: &str| json!({"field": "priority", "op": op, "value": p});
    assert!(holds(c("at_least", "medium")) && holds(c("at_least", "low")));
    assert!(!holds(c("at_least", "high")));
    assert!(holds(c("at_most", "medium")) && !holds(c("at_most", "very_low")));
}

#[test]
fn establishment_subtrees() {
    let c = |op: &str, v: Value| json!({"field": "establishment", "op": op, "value": v});
    assert!(
        holds(c("within", json!(["/1/4/"]))),
        "in the circonscription"
    );
    assert!(holds(c("within", json!(["/1/4/17/"]))), "the school itself");
    assert!(!holds(c("within", json!(["/1/5/", "/1/4/18/"]))));
    assert!(
        !holds(c("within", json!(["/1/41/"]))),
        "a prefix of digits is not a subtree"
    );
    assert!(holds(c("not_within", json!(["/1/5/"]))));
    let mut nowhere = facts();
    nowhere.establishment = None;
    assert!(!holds_for(c("within", json!(["/1/"])), &nowhere));
    assert!(holds_for(c("not_within", json!(["/1/"])), &nowhere));
}

#[test]
fn words_match_folded_and_stemmed() {
    let c = |field: &str, op: &str, v: Value| json!({"field": field, "op": op, "value": v});
    assert!(
        holds(c("subject", "contains_all", json!(["écran"]))),
        "'écran' matches 'ECRAN'"
    );
    assert!(holds(c(
        "subject",
        "contains_all",
        json!(["écrans", "Noir"])
    )));
    assert!(!holds(c(
        "subject",
        "contains_all",
        json!(["écran", "imprimante"])
    )));
    assert!(
        !holds(c("body", "contains_any", json!(["écran"]))),
        "the body has no screen"
    );
    assert!(holds(c(
        "body",
        "contains_any",
        json!(["écran", "imprimante"])
    )));
    assert!(holds(c(
        "text",
        "contains_all",
        json!(["écran", "imprimante"])
    )));
    // A phrase matches when all its words occur; stop words are ignored.
    assert!(holds(c("body", "contains_all", json!(["mot de passe"]))));
    assert!(!holds(c("body", "contains_all", json!(["mot de tête"]))));
    assert!(holds(c(
        "text",
        "contains_none",
        json!(["clavier", "souris"])
    )));
    assert!(!holds(c(
        "text",
        "contains_none",
        json!(["clavier", "MISE À JOUR"])
    )));
}

#[test]
fn all_any_and_catch_all_rules() {
    let on = |combine: &str| {
        set(
            json!({"rules": [{"name": "r", "match": combine, "conditions": [
            {"field": "channel", "op": "is", "value": "web"},
            {"field": "application", "op": "is", "value": "ONDE"}],
            "actions": [{"action": "set_group", "value": "n1-onde"}]}]}),
        )
    };
    let f = facts();
    assert!(
        evaluate(&on("all"), &f, Trigger::Created)
            .matched
            .is_empty()
    );
    let any = evaluate(&on("any"), &f, Trigger::Created);
    assert_eq!(any.matched, vec![applied(0, "r")]);
    assert_eq!(
        any.outcome.group.map(|d| (d.value, d.rule)),
        Some(("N1-ONDE".into(), "r".into()))
    );
    let catch_all = set(json!({"rules": [{"name": "défaut", "match": "any",
        "actions": [{"action": "set_level", "value": "n1"}]}]}));
    let routed = evaluate(&catch_all, &f, Trigger::Created);
    assert_eq!(routed.outcome.level.map(|d| d.value), Some(Level::N1));
}
