//! Routing rules on both engines: a ticket routed by each kind of condition, with the rule
//! named on its (internal) timeline; actions (level, priority, tags, watchers, SLA policy);
//! first match and apply all; and the administrators' use cases (create, refuse with the field
//! path, reorder, disable, export and import, test against recent tickets), audited; rules
//! marked `application_changed` run again when an agent reclassifies a ticket.

mod common;

use common::{Env, assert_conflict, assert_forbidden, assert_invalid, env, kinds, request, view};
use guichet_app::routing::RuleInput;
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_app::ticket::SubmitTicket;
use guichet_core::desk::Level;
use guichet_core::ticket::{Channel, EntryKind, Impact, Priority, TicketType, Urgency};
use guichet_store::ticket::Ticket;
use guichet_testkit::{TestDb, both_engines};
use serde_json::{Value, json};

both_engines!(
    a_ticket_is_routed_by_each_condition_kind,
    actions_combine_in_apply_all_and_stop_at_first_match,
    administrators_edit_reorder_export_and_test_rules,
    rules_that_ask_for_it_run_again_when_the_application_changes,
);

fn to_n2(name: &str, condition: Value) -> Value {
    json!({
        "name": name,
        "conditions": [condition],
        "actions": [{ "action": "set_group", "value": "DSI-N2" }],
    })
}

async fn import(e: &Env, mode: &str, rules: Vec<Value>) {
    e.app
        .import_rules(
            &e.admin().await,
            e.fx.dsi_n1.desk,
            &json!({ "version": 1, "mode": mode, "rules": rules }),
        )
        .await
        .expect("rules imported");
}

async fn submit(e: &Env, who: &guichet_store::person::Person, req: SubmitTicket) -> Ticket {
    let caller = e.caller(who).await;
    e.app.submit(&caller, req).await.expect("submitted")
}

async fn a_ticket_is_routed_by_each_condition_kind(db: TestDb) {
    let e = env(&db).await;
    let fx = e.fx.clone();
    let plain = || request("Question", Some(fx.school_a.id));
    // (condition, a request it matches, a request it does not match, who submits)
    let cases: Vec<(
        Value,
        SubmitTicket,
        SubmitTicket,
        &guichet_store::person::Person,
    )> = vec![
        (
            json!({ "field": "channel", "op": "is", "value": "phone" }),
            SubmitTicket {
                channel: Channel::Phone,
                ..plain()
            },
            plain(),
            &fx.director_a,
        ),
        (
            json!({ "field": "application", "op": "is", "value": "ONDE" }),
            SubmitTicket {
                application: Some(fx.onde.id),
                ..plain()
            },
            SubmitTicket {
                application: Some(fx.lsun.id),
                ..plain()
            },
            &fx.director_a,
        ),
        (
            json!({ "field": "type", "op": "in", "value": ["request", "change"] }),
            SubmitTicket {
                ticket_type: TicketType::Request,
                ..plain()
            },
            plain(),
            &fx.director_a,
        ),
        (
            json!({ "field": "requester_role", "op": "is", "value": "teacher" }),
            plain(),
            plain(),
            &fx.teacher_a,
        ),
        (
            json!({ "field": "establishment", "op": "within",
                    "value": [fx.circ_macon.path.as_str()] }),
            request("Question", Some(fx.school_c.id)),
            plain(),
            &fx.director_c,
        ),
        (
            json!({ "field": "subject", "op": "contains_any", "value": ["imprimantes"] }),
            request("L'imprimante bourre", Some(fx.school_a.id)),
            plain(),
            &fx.director_a,
        ),
        (
            json!({ "field": "body", "op": "contains_all", "value": ["détails demande"] }),
            plain(),
            SubmitTicket {
                body: "Rien à signaler.".into(),
                ..plain()
            },
            &fx.director_a,
        ),
        (
            json!({ "field": "text", "op": "contains_none", "value": ["question"] }),
            request("Écran noir", Some(fx.school_a.id)),
            plain(),
            &fx.director_a,
        ),
        (
            json!({ "field": "priority", "op": "at_least", "value": "high" }),
            SubmitTicket {
                urgency: Urgency::High,
                impact: Impact::High,
                ..plain()
            },
            plain(),
            &fx.director_a,
        ),
    ];
    for (i, (condition, hit, miss, who)) in cases.into_iter().enumerate() {
        let field = condition["field"].as_str().expect("a field").to_owned();
        import(
            &e,
            "first_match",
            vec![to_n2(&format!("Règle {field}"), condition)],
        )
        .await;
        let routed = submit(&e, who, hit).await;
        assert_eq!(
            routed.group,
            Some(fx.dsi_n2.id),
            "case {i} ({field}) routes"
        );
        assert_eq!(routed.level, Level::N2, "case {i}");
        let v = view(&e.app, &e.admin().await, routed.id).await;
        let entry = v
            .timeline
            .iter()
            .find(|en| en.kind == EntryKind::Routing)
            .expect("a routing entry");
        assert_eq!(entry.body, format!("Règle {field}"));
        assert_eq!(entry.data["set"]["group"], "DSI-N2");
        // Those two depend on who files; the others' misses stand for them.
        if !matches!(field.as_str(), "requester_role" | "establishment") {
            let stays = submit(&e, who, miss).await;
            assert_eq!(
                stays.group,
                Some(fx.dsi_n1.id),
                "case {i} ({field}) leaves others"
            );
        }
    }
    // The requester does not see why their ticket went where it went.
    let director = e.caller(&fx.director_a).await;
    let t = submit(
        &e,
        &fx.director_a,
        SubmitTicket {
            urgency: Urgency::High,
            impact: Impact::High,
            ..plain()
        },
    )
    .await;
    assert!(!kinds(&view(&e.app, &director, t.id).await).contains(&EntryKind::Routing));
}

async fn actions_combine_in_apply_all_and_stop_at_first_match(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let all = json!(["00:00-24:00"]);
    let cal = e
        .app
        .create_calendar(
            &admin,
            CalendarInput {
                code: "H24".into(),
                name: "24/7".into(),
                definition: json!({ "time_zone": "Europe/Paris", "territory": "metropole",
                    "observes_holidays": false,
                    "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all,
                        "sat": all, "sun": all } }),
            },
        )
        .await
        .expect("calendar");
    let vip = PolicyInput {
        code: "VIP".into(),
        name: "Prioritaire".into(),
        desk: e.fx.dsi_n1.desk,
        application: None,
        priority: None,
        calendar: cal.id,
        take_in_charge_minutes: 30,
        resolve_minutes: 240,
        warn_percent: 80,
        breach_raise_priority: false,
        breach_next_level: false,
    };
    e.app.create_policy(&admin, vip).await.expect("policy");
    let rules = vec![
        json!({ "name": "Tout ONDE", "conditions": [
                    { "field": "application", "op": "is", "value": "ONDE" }],
                "actions": [{ "action": "add_tags", "value": ["onde"] },
                            { "action": "set_priority", "value": "low" }] }),
        json!({ "name": "ONDE bloquant", "conditions": [
                    { "field": "text", "op": "contains_any", "value": ["bloqué"] }],
                "actions": [{ "action": "set_level", "value": "N2" },
                            { "action": "set_priority", "value": "very_high" },
                            { "action": "add_tags", "value": ["urgent"] },
                            { "action": "add_watchers", "value": ["ien.dijon1@ac-dijon.fr",
                                                                  "personne@ac-dijon.fr"] },
                            { "action": "set_sla_policy", "value": "VIP" }] }),
    ];
    import(&e, "apply_all", rules.clone()).await;
    let onde = |subject: &str| SubmitTicket {
        application: Some(e.fx.onde.id),
        ..request(subject, Some(e.fx.school_a.id))
    };
    let t = submit(&e, &e.fx.director_a, onde("Compte bloqué dans ONDE")).await;
    // Both rules apply; the last one's priority wins; the level finds the desk's N2 group.
    assert_eq!(t.priority, Priority::VeryHigh);
    assert_eq!(t.group, Some(e.fx.dsi_n2.id));
    let tags = e
        .app
        .store()
        .read()
        .await
        .expect("read")
        .tags(t.id)
        .await
        .expect("tags");
    assert_eq!(tags, vec!["onde".to_owned(), "urgent".to_owned()]);
    // A watcher address nobody has is skipped.
    assert_eq!(t.watchers, vec![e.fx.ien_dijon.id]);
    let director = e.caller(&e.fx.director_a).await;
    let sla = e
        .app
        .ticket_sla(&director, t.id)
        .await
        .expect("read")
        .expect("clocks");
    assert_eq!(sla.take_in_charge.remaining_seconds, 30 * 60);
    let v = view(&e.app, &e.admin().await, t.id).await;
    let routing: Vec<_> = v
        .timeline
        .iter()
        .filter(|en| en.kind == EntryKind::Routing)
        .collect();
    assert_eq!(routing.len(), 2);

    import(&e, "first_match", rules).await;
    let t = submit(&e, &e.fx.director_a, onde("Compte bloqué dans ONDE")).await;
    assert_eq!(t.priority, Priority::Low);
    assert_eq!(t.group, Some(e.fx.dsi_n1.id));
}

async fn administrators_edit_reorder_export_and_test_rules(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let desk = e.fx.dsi_n1.desk;
    let rule = |name: &str, word: &str| RuleInput {
        definition: to_n2(
            name,
            json!({ "field": "subject", "op": "contains_any", "value": [word] }),
        ),
    };
    assert_forbidden(
        e.app.create_rule(&agent, desk, rule("A", "écran")).await,
        "admin_only",
    );
    let bad = RuleInput {
        definition: json!({ "name": "Mauvaise", "conditions": [
            { "field": "priority", "op": "contains_any", "value": ["x"] }] }),
    };
    assert_invalid(
        e.app.create_rule(&admin, desk, bad).await,
        "conditions[0].op",
    );
    let a = e
        .app
        .create_rule(&admin, desk, rule("Écrans", "écran"))
        .await
        .expect("a");
    let b = e
        .app
        .create_rule(&admin, desk, rule("Imprimantes", "imprimante"))
        .await
        .expect("b");
    assert_conflict(
        e.app.create_rule(&admin, desk, rule("ecrans", "x")).await,
        "duplicate",
    );

    let view = e
        .app
        .reorder_rules(&admin, desk, &[b.id, a.id])
        .await
        .expect("reordered");
    let names: Vec<_> = view.rules.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, ["Imprimantes", "Écrans"]);
    assert_invalid(e.app.reorder_rules(&admin, desk, &[b.id]).await, "order");

    e.app
        .set_rule_enabled(&admin, b.id, false)
        .await
        .expect("disabled");
    let director = e.caller(&e.fx.director_a).await;
    let printer = e
        .app
        .submit(&director, request("Imprimante HS", Some(e.fx.school_a.id)))
        .await
        .expect("submitted");
    assert_eq!(
        printer.group,
        Some(e.fx.dsi_n1.id),
        "a disabled rule does not route"
    );
    let screen = e
        .app
        .submit(&director, request("Écran noir", Some(e.fx.school_a.id)))
        .await
        .expect("submitted");
    assert_eq!(screen.group, Some(e.fx.dsi_n2.id));

    // "Test this rule": the recent tickets a draft would match, disabled or not.
    let matches = e
        .app
        .test_rule(&admin, rule("Brouillon", "imprimante"))
        .await
        .expect("tested");
    assert_eq!(
        matches.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![printer.id]
    );

    let exported = e.app.export_rules(&admin, desk).await.expect("exported");
    assert_eq!(exported["rules"][0]["name"], "Imprimantes");
    assert_eq!(exported["rules"][0]["enabled"], false);
    let other = e.fx.dsden_n1.desk;
    let imported = e
        .app
        .import_rules(&admin, other, &exported)
        .await
        .expect("imported");
    assert_eq!(imported.rules.len(), 2);
    assert_eq!(
        e.app.export_rules(&admin, other).await.expect("again"),
        exported
    );
    let broken = json!({ "rules": [{ "name": "X", "actions": [{ "action": "set_group" }] }] });
    assert_invalid(
        e.app.import_rules(&admin, other, &broken).await,
        "rules[0].actions[0].value",
    );
    assert_eq!(
        e.app
            .list_rules(&admin, other)
            .await
            .expect("listed")
            .rules
            .len(),
        2
    );

    e.app.delete_rule(&admin, a.id).await.expect("deleted");
    let audit = e
        .app
        .store()
        .read()
        .await
        .expect("read")
        .audit_trail("routing_rule", &b.id.to_string())
        .await
        .expect("audit");
    let actions: Vec<_> = audit.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["rule.create", "rule.disable"]);
}

async fn rules_that_ask_for_it_run_again_when_the_application_changes(db: TestDb) {
    let e = env(&db).await;
    let fx = e.fx.clone();
    import(
        &e,
        "apply_all",
        vec![
            json!({
                "name": "LSUN à l'expertise",
                "on": ["created", "application_changed"],
                "conditions": [{ "field": "application", "op": "is", "value": "LSUN" }],
                "actions": [
                    { "action": "set_group", "value": "DSI-N2" },
                    { "action": "set_priority", "value": "high" },
                    { "action": "add_tags", "value": ["lsun"] },
                ],
            }),
            // Only at creation: a reclassification does not run it.
            json!({
                "name": "Étiquette LSUN",
                "conditions": [{ "field": "application", "op": "is", "value": "LSUN" }],
                "actions": [{ "action": "add_tags", "value": ["jamais"] }],
            }),
        ],
    )
    .await;
    let t = submit(
        &e,
        &fx.director_a,
        SubmitTicket {
            application: Some(fx.onde.id),
            ..request("Livret inaccessible", Some(fx.school_a.id))
        },
    )
    .await;
    assert_eq!(t.group, Some(fx.dsi_n1.id), "ONDE: no rule at creation");

    // N1 takes it, then sees it is about LSUN: the rule moves it to N2, back in the queue.
    let agent = e.caller(&fx.agent_n1).await;
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    let moved = e
        .app
        .change_application(&agent, t.id, fx.lsun.id)
        .await
        .expect("reclassified");
    assert_eq!(moved.application, Some(fx.lsun.id));
    assert_eq!(moved.group, Some(fx.dsi_n2.id), "routed again");
    assert_eq!(moved.level, Level::N2);
    assert_eq!(moved.assignee, None, "back in the N2 queue, unassigned");
    assert_eq!(moved.priority, Priority::High);
    let mut conn = e.app.store().read().await.expect("read");
    assert_eq!(conn.tags(t.id).await.expect("tags"), ["lsun"]);
    drop(conn);
    let v = view(&e.app, &e.admin().await, t.id).await;
    let routing: Vec<_> = v
        .timeline
        .iter()
        .filter(|en| en.kind == EntryKind::Routing)
        .collect();
    assert_eq!(routing.len(), 1, "one rule applied, written once");
    assert_eq!(routing[0].body, "LSUN à l'expertise");
    assert_eq!(routing[0].data["on"], "application_changed");
    assert_eq!(routing[0].data["set"]["group"], "DSI-N2");

    // Without such a rule, a reclassification leaves the group alone.
    let other = submit(
        &e,
        &fx.director_a,
        SubmitTicket {
            application: Some(fx.lsun.id),
            ..request("Autre livret", Some(fx.school_a.id))
        },
    )
    .await;
    assert_eq!(other.group, Some(fx.dsi_n2.id), "routed at creation");
    let n2 = e.caller(&fx.agent_n2).await;
    let back = e
        .app
        .change_application(&n2, other.id, fx.onde.id)
        .await
        .expect("reclassified");
    assert_eq!(back.group, Some(fx.dsi_n2.id), "no rule for ONDE: it stays");
}
