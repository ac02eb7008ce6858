//! Routing rule sets: modes and conflicts, triggers, the JSON form and its error paths; and
//! properties on random rule sets.

use super::routing::{facts, path, set};
use guichet_core::person::RoleKind;
use guichet_core::routing::{
    Action, Applied, Mode, RuleError, RuleSet, TicketFacts, Trigger, evaluate, matches,
};
use guichet_core::ticket::{Channel, Priority, TicketType};
use proptest::prelude::*;
use serde_json::{Value, json};

fn applied(index: usize, name: &str) -> Applied {
    Applied {
        index,
        name: name.to_owned(),
    }
}

/// Three rules that all match the usual facts.
fn three_rules(mode: &str) -> RuleSet {
    set(json!({"mode": mode, "rules": [
        {"name": "ONDE", "conditions": [{"field": "application", "op": "is", "value": "ONDE"}],
         "actions": [{"action": "set_group", "value": "N1-ONDE"},
                     {"action": "add_tags", "value": ["onde", "1d"]},
                     {"action": "set_sla_policy", "value": "STANDARD"}]},
        {"name": "désactivée", "enabled": false,
         "actions": [{"action": "set_group", "value": "POUBELLE"}]},
        {"name": "Directeurs", "conditions": [{"field": "requester_role", "op": "is", "value": "director"}],
         "actions": [{"action": "set_priority", "value": "high"},
                     {"action": "add_tags", "value": ["1d", "direction"]},
                     {"action": "add_watchers", "value": ["Ien.Beaune@ac-dijon.fr"]}]},
        {"name": "Écrans", "on": ["created", "application_changed"],
         "conditions": [{"field": "subject", "op": "contains_any", "value": ["écran"]}],
         "actions": [{"action": "set_group", "value": "N2-MATERIEL"}]}
    ]}))
}

#[test]
fn first_match_applies_one_rule_and_apply_all_lets_the_last_win() {
    let f = facts();
    let first = evaluate(&three_rules("first_match"), &f, Trigger::Created);
    assert_eq!(first.matched, vec![applied(0, "ONDE")]);
    assert_eq!(first.outcome.group.map(|d| d.value), Some("N1-ONDE".into()));
    assert_eq!(first.outcome.priority, None);

    let all = evaluate(&three_rules("apply_all"), &f, Trigger::Created);
    let names: Vec<&str> = all.matched.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["ONDE", "Directeurs", "Écrans"],
        "the disabled rule never matches"
    );
    let group = all.outcome.group.expect("set");
    assert_eq!(
        (group.value.as_str(), group.rule.as_str()),
        ("N2-MATERIEL", "Écrans")
    );
    assert_eq!(all.outcome.sla_policy.map(|d| d.rule), Some("ONDE".into()));
    assert_eq!(all.outcome.priority.map(|d| d.value), Some(Priority::High));
    assert_eq!(all.outcome.tags, ["onde", "1d", "direction"]);
    assert_eq!(all.outcome.watchers, ["ien.beaune@ac-dijon.fr"]);
}

#[test]
fn rules_listen_to_their_triggers_only() {
    let changed = evaluate(
        &three_rules("apply_all"),
        &facts(),
        Trigger::ApplicationChanged,
    );
    assert_eq!(changed.matched, vec![applied(3, "Écrans")]);
}

#[test]
fn json_round_trips() {
    let rules = three_rules("apply_all");
    let text = rules.to_json();
    assert_eq!(RuleSet::from_json(&text), Ok(rules.clone()));
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["version"], 1);
    assert_eq!(
        value["rules"][0]["actions"][0],
        json!({"action": "set_group", "value": "N1-ONDE"})
    );
    assert_eq!(
        value["rules"][3]["conditions"][0]["value"],
        json!(["écran"])
    );
}

#[test]
fn import_errors_name_the_field_path() {
    let rule = |extra: Value| {
        let mut r = json!({"name": "r", "conditions": [], "actions": []});
        for (k, v) in extra.as_object().expect("object") {
            r[k] = v.clone();
        }
        json!({"mode": "apply_all", "rules": [{"name": "ok"}, r]})
    };
    let cond = |c: Value| {
        rule(json!({"conditions": [{"field": "channel", "op": "is", "value": "web"}, c]}))
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!([]), "$", "type"),
        (json!({"version": 2}), "version", "version"),
        (json!({"mode": "some"}), "mode", "invalid"),
        (json!({"rules": {}}), "rules", "type"),
        (json!({"rulez": []}), "rulez", "unknown"),
        (rule(json!({"name": " "})), "rules[1].name", "required"),
        (rule(json!({"name": "OK"})), "rules[1].name", "duplicate"),
        (rule(json!({"enabled": "yes"})), "rules[1].enabled", "type"),
        (rule(json!({"on": []})), "rules[1].on", "required"),
        (
            rule(json!({"on": ["created", "deleted"]})),
            "rules[1].on[1]",
            "invalid",
        ),
        (rule(json!({"match": "most"})), "rules[1].match", "invalid"),
        (
            cond(json!({"field": "colour", "op": "is", "value": "x"})),
            "rules[1].conditions[1].field",
            "invalid",
        ),
        (
            cond(json!({"field": "channel", "value": "x"})),
            "rules[1].conditions[1].op",
            "required",
        ),
        (
            cond(json!({"field": "channel", "op": "within", "value": ["web"]})),
            "rules[1].conditions[1].op",
            "not_for_field",
        ),
        (
            cond(json!({"field": "channel", "op": "is", "value": "fax"})),
            "rules[1].conditions[1].value",
            "invalid",
        ),
        (
            cond(json!({"field": "channel", "op": "in", "value": ["web", "fax"]})),
            "rules[1].conditions[1].value[1]",
            "invalid",
        ),
        (
            cond(json!({"field": "channel", "op": "in", "value": "web"})),
            "rules[1].conditions[1].value",
            "type",
        ),
        (
            cond(json!({"field": "channel", "op": "in", "value": []})),
            "rules[1].conditions[1].value",
            "required",
        ),
        (
            cond(json!({"field": "channel", "op": "is"})),
            "rules[1].conditions[1].value",
            "required",
        ),
        (
            cond(json!({"field": "mailbox", "op": "is_set", "value": "x"})),
            "rules[1].conditions[1].value",
            "unexpected",
        ),
        (
            cond(json!({"field": "establishment", "op": "within", "value": ["/1/", "1/4"]})),
            "rules[1].conditions[1].value[1]",
            "invalid",
        ),
        (
            cond(json!({"field": "subject", "op": "contains_any", "value": ["le", "écran"]})),
            "rules[1].conditions[1].value[0]",
            "invalid",
        ),
        (
            cond(json!({"field": "channel", "op": "is", "value": "web", "extra": 1})),
            "rules[1].conditions[1].extra",
            "unknown",
        ),
        (
            rule(json!({"actions": [{"action": "set_groupe", "value": "N1"}]})),
            "rules[1].actions[0].action",
            "invalid",
        ),
        (
            rule(json!({"actions": [{"action": "set_group", "value": "N1 ONDE"}]})),
            "rules[1].actions[0].value",
            "invalid",
        ),
        (
            rule(json!({"actions": [{"action": "set_level", "value": "N7"}]})),
            "rules[1].actions[0].value",
            "invalid",
        ),
        (
            rule(json!({"actions": [{"action": "add_watchers", "value": ["a@b.fr", "nobody"]}]})),
            "rules[1].actions[0].value[1]",
            "invalid",
        ),
        (
            rule(json!({"actions": [{"value": "N1"}]})),
            "rules[1].actions[0].action",
            "required",
        ),
    ];
    for (input, path, code) in cases {
        let expected = RuleError::Invalid {
            path: path.into(),
            code,
        };
        assert_eq!(RuleSet::from_json_value(&input), Err(expected), "{input}");
    }
    assert_eq!(
        RuleSet::from_json("{\n  \"rules\": [,]\n}"),
        Err(RuleError::Syntax {
            line: 2,
            column: 13
        })
    );
}

// ---- properties ---------------------------------------------------------------------------

const CONDITIONS: &[&str] = &[
    r#"{"field": "channel", "op": "in", "value": ["email", "web"]}"#,
    r#"{"field": "channel", "op": "is_not", "value": "phone"}"#,
    r#"{"field": "application", "op": "is", "value": "ONDE"}"#,
    r#"{"field": "application", "op": "is_unset"}"#,
    r#"{"field": "type", "op": "is", "value": "request"}"#,
    r#"{"field": "requester_role", "op": "in", "value": ["director", "head"]}"#,
    r#"{"field": "establishment", "op": "within", "value": ["/1/4/"]}"#,
    r#"{"field": "establishment", "op": "not_within", "value": ["/1/5/"]}"#,
    r#"{"field": "text", "op": "contains_any", "value": ["écran", "imprimante"]}"#,
    r#"{"field": "subject", "op": "contains_none", "value": ["urgent"]}"#,
    r#"{"field": "mailbox", "op": "is", "value": "assistance@ac-dijon.fr"}"#,
    r#"{"field": "priority", "op": "at_least", "value": "high"}"#,
];

const ACTIONS: &[&str] = &[
    r#"{"action": "set_group", "value": "N1-ONDE"}"#,
    r#"{"action": "set_group", "value": "N2-RESEAU"}"#,
    r#"{"action": "set_level", "value": "N2"}"#,
    r#"{"action": "set_priority", "value": "very_high"}"#,
    r#"{"action": "set_application", "value": "LSUN"}"#,
    r#"{"action": "add_tags", "value": ["a", "b"]}"#,
    r#"{"action": "add_watchers", "value": ["dane@ac-dijon.fr"]}"#,
    r#"{"action": "set_sla_policy", "value": "VIP"}"#,
];

fn any_rule_json(i: usize) -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(prop::sample::select(CONDITIONS), 0..4),
        prop::collection::vec(prop::sample::select(ACTIONS), 0..4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(conds, acts, enabled, any_match, on_change)| {
            let parse = |s: &&str| serde_json::from_str::<Value>(s).expect("valid JSON");
            let on = if on_change {
                json!(["application_changed"])
            } else {
                json!(["created"])
            };
            json!({"name": format!("rule {i}"), "enabled": enabled, "on": on,
                   "match": if any_match { "any" } else { "all" },
                   "conditions": conds.iter().map(parse).collect::<Vec<_>>(),
                   "actions": acts.iter().map(parse).collect::<Vec<_>>()})
        })
}

fn any_rule_set() -> impl Strategy<Value = RuleSet> {
    (any::<bool>(), 0usize..8)
        .prop_flat_map(|(first, n)| {
            let rules: Vec<_> = (0..n).map(any_rule_json).collect();
            (Just(first), rules)
        })
        .prop_map(|(first, rules)| {
            let mode = if first { "first_match" } else { "apply_all" };
            set(json!({"mode": mode, "rules": rules}))
        })
}

/// Arbitrary JSON, with the keys and words of the rule format mixed in to get past the first
/// checks.
fn any_json() -> impl Strategy<Value = Value> {
    let words = prop::sample::select(vec![
        "rules",
        "name",
        "conditions",
        "actions",
        "field",
        "op",
        "value",
        "action",
        "mode",
        "on",
        "match",
        "channel",
        "in",
        "is",
        "within",
        "set_group",
        "add_tags",
        "/1/",
        "all",
        "any",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        words.clone().prop_map(|w| json!(w)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((words.clone(), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

fn any_facts() -> impl Strategy<Value = TicketFacts> {
    (
        prop::sample::select(Channel::ALL.to_vec()),
        prop::option::of(prop::sample::select(vec!["ONDE", "LSUN"])),
        prop::sample::select(TicketType::ALL.to_vec()),
        prop::sample::subsequence(RoleKind::ALL.to_vec(), 0..3),
        prop::option::of(prop::sample::select(vec!["/1/4/17/", "/1/5/", "/1/"])),
        prop::sample::subsequence(vec!["écran", "URGENT", "imprimantes", "bonjour"], 0..4),
        any::<bool>(),
        prop::sample::select(Priority::ALL.to_vec()),
    )
        .prop_map(
            |(channel, app, ticket_type, roles, est, words, mail, priority)| TicketFacts {
                channel,
                application: app.map(str::to_owned),
                ticket_type,
                requester_roles: roles,
                establishment: est.map(path),
                subject: words.join(" "),
                body: String::new(),
                mailbox: mail.then(|| "assistance@ac-dijon.fr".to_owned()),
                priority,
            },
        )
}

proptest! {
    #[test]
    fn evaluation_follows_the_rules_one_by_one(rules in any_rule_set(), f in any_facts(),
                                               change in any::<bool>()) {
        let trigger = if change { Trigger::ApplicationChanged } else { Trigger::Created };
        let routing = evaluate(&rules, &f, trigger);
        let eligible: Vec<Applied> = rules.rules.iter().enumerate()
            .filter(|(_, r)| r.enabled && r.on.contains(&trigger) && matches(r, &f))
            .map(|(i, r)| applied(i, &r.name))
            .collect();
        for a in &routing.matched {
            prop_assert!(rules.rules[a.index].enabled, "a disabled rule matched");
        }
        if rules.mode == Mode::FirstMatch {
            prop_assert!(routing.matched.len() <= 1);
            prop_assert_eq!(routing.matched.first(), eligible.first());
        } else {
            prop_assert_eq!(&routing.matched, &eligible);
        }
        // Last wins: the group comes from the last applied rule that sets one.
        let last_group_rule = routing.matched.iter().rev().find(|a| {
            rules.rules[a.index].actions.iter().any(|a| matches!(a, Action::SetGroup(_)))
        });
        prop_assert_eq!(routing.outcome.group.map(|d| d.rule), last_group_rule.map(|a| a.name.clone()));
    }

    #[test]
    fn any_json_is_refused_or_accepted_without_panicking(json in any_json()) {
        let _ = RuleSet::from_json_value(&json);
        let _ = RuleSet::from_json_value(&json!({"rules": [json]}));
    }

    #[test]
    fn damaged_exports_never_panic(rules in any_rule_set(), cut in 0usize..2000, junk in "\\PC{0,6}") {
        let text = rules.to_json();
        let cut = text.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(text.len());
        let damaged = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
        let _ = RuleSet::from_json(&damaged);
    }

    #[test]
    fn rule_sets_round_trip_through_json(rules in any_rule_set()) {
        prop_assert_eq!(RuleSet::from_json(&rules.to_json()), Ok(rules));
    }
}
