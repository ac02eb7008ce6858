//! Renaming desks and groups, deactivating and reactivating groups, on both engines: for
//! administrators only, audited, names required and not taken twice, and a group deactivated
//! only when no request would be stranded; an inactive group is offered as no target while its
//! members still see its queue.

mod common;

use common::{assert_conflict, assert_forbidden, assert_invalid, env, submit_as};
use guichet_app::admin::{DeskInput, GroupInput};
use guichet_core::desk::{Expertise, Level};
use guichet_core::queue::QueueKey;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    only_administrators_edit_desks_and_groups,
    a_desk_is_renamed_once_its_name_is_given_and_free,
    a_group_is_renamed_and_described_within_its_desk,
    a_group_holding_work_stays_active_and_an_inactive_one_is_no_target,
);

fn rename(name: &str) -> GroupInput {
    GroupInput {
        name: Some(name.into()),
        ..GroupInput::default()
    }
}

fn active(on: bool) -> GroupInput {
    GroupInput {
        active: Some(on),
        ..GroupInput::default()
    }
}

async fn only_administrators_edit_desks_and_groups(db: TestDb) {
    let e = env(&db).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let (desk, group) = (e.fx.dsi_n1.desk, e.fx.dsi_n2.id);
    let rule = "admin_only";
    assert_forbidden(e.app.admin_desk(&agent, desk).await, rule);
    assert_forbidden(e.app.admin_group(&agent, group).await, rule);
    let input = DeskInput {
        name: Some("Piratée".into()),
        node: None,
    };
    assert_forbidden(e.app.update_desk(&agent, desk, input).await, rule);
    assert_forbidden(
        e.app.update_group(&agent, group, rename("Piraté")).await,
        rule,
    );
    assert_forbidden(e.app.update_group(&agent, group, active(false)).await, rule);
    let (g, _) = e
        .app
        .admin_group(&e.admin().await, group)
        .await
        .expect("read");
    assert_eq!((g.name.as_str(), g.active), ("Expertise N2", true));
}

async fn a_desk_is_renamed_once_its_name_is_given_and_free(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let desk = e.fx.dsi_n1.desk;
    let named = |n: &str| DeskInput {
        name: Some(n.into()),
        node: None,
    };
    assert_invalid(e.app.update_desk(&admin, desk, named("  ")).await, "name");
    // Another desk's name, whatever its case, would make two desks look alike everywhere.
    assert_conflict(
        e.app
            .update_desk(&admin, desk, named("dsden de SAÔNE-ET-LOIRE"))
            .await,
        "duplicate",
    );
    let renamed = e
        .app
        .update_desk(&admin, desk, named("  DSI de l'académie de Dijon "))
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "DSI de l'académie de Dijon");
    assert_eq!(renamed.code, "DSI", "the code stays");
    assert_eq!(renamed.node, Some(e.fx.academie.id), "the zone stays");
    // Its own name again (another case) is no conflict.
    e.app
        .update_desk(&admin, desk, named("DSI DE L'ACADÉMIE DE DIJON"))
        .await
        .expect("same desk, same name");
    let listed = e.app.list_desks().await.expect("desks");
    assert!(
        listed
            .iter()
            .any(|d| d.id == desk && d.name == "DSI DE L'ACADÉMIE DE DIJON")
    );
    let moved = e
        .app
        .update_desk(
            &admin,
            desk,
            DeskInput {
                name: None,
                node: Some(Some(e.fx.dep21.id)),
            },
        )
        .await
        .expect("zone changed");
    assert_eq!(moved.node, Some(e.fx.dep21.id));
    let trail: Vec<String> = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("desk", &desk.to_string())
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(trail, ["desk.update", "desk.update", "desk.update"]);
}

async fn a_group_is_renamed_and_described_within_its_desk(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let n1 = e.fx.dsi_n1.id;
    assert_invalid(e.app.update_group(&admin, n1, rename("")).await, "name");
    // The N2 group of the same desk is already "Expertise N2".
    assert_conflict(
        e.app.update_group(&admin, n1, rename("expertise n2")).await,
        "duplicate",
    );
    let long = GroupInput {
        description: Some("x".repeat(1001)),
        ..GroupInput::default()
    };
    assert_invalid(e.app.update_group(&admin, n1, long).await, "description");
    let g = e
        .app
        .update_group(
            &admin,
            n1,
            GroupInput {
                name: Some(" Accueil N1 ".into()),
                description: Some(" Premier niveau : qualifie et aiguille. ".into()),
                active: None,
            },
        )
        .await
        .expect("updated");
    assert_eq!(g.name, "Accueil N1");
    assert_eq!(g.description, "Premier niveau : qualifie et aiguille.");
    assert_eq!(
        (g.code.as_str(), g.level, g.active),
        ("DSI-N1", Level::N1, true)
    );
    // Another desk may have a group of the same name.
    e.app
        .update_group(&admin, e.fx.dsden_n1.id, rename("Accueil N1"))
        .await
        .expect("same name, other desk");
    // The agents' queue carries the new name at once.
    let agent = e.caller(&e.fx.agent_n1).await;
    let queues = e.app.queues(&agent).await.expect("queues");
    assert!(
        queues
            .queues
            .iter()
            .any(|q| q.key == QueueKey::Group(n1) && q.name == "Accueil N1")
    );
    let trail = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("group", &n1.to_string())
        .await
        .expect("audit");
    let last = trail.last().expect("audited");
    assert_eq!(last.action, "group.update");
    assert_eq!(last.details["name_before"], "Assistance N1");
    assert_eq!(last.details["name"], "Accueil N1");
}

async fn a_group_holding_work_stays_active_and_an_inactive_one_is_no_target(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let (n2, dsden) = (e.fx.dsi_n2.id, e.fx.dsden_n1.id);
    let director = e.caller(&e.fx.director_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let expert = e.caller(&e.fx.agent_n2).await;

    // A request escalated to N2 sits in its queue: N2 may not be deactivated.
    let t = submit_as(&e.app, &director, &e.fx.school_a).await;
    e.app
        .escalate(&agent, t.id, n2, "Besoin d'expertise")
        .await
        .expect("escalated");
    assert_conflict(
        e.app.update_group(&admin, n2, active(false)).await,
        "group.open_tickets",
    );
    let (_, open) = e.app.admin_group(&admin, n2).await.expect("read");
    assert_eq!(open, 1);

    // Once the request has left (transferred to the DSDEN), N2 can be deactivated.
    e.app
        .transfer(&expert, t.id, dsden, "Relève de la DSDEN")
        .await
        .expect("transferred");
    let g = e
        .app
        .update_group(&admin, n2, active(false))
        .await
        .expect("deactivated");
    assert!(!g.active);

    // Nobody can send a request there any more…
    let other = submit_as(&e.app, &director, &e.fx.school_a).await;
    assert_invalid(
        e.app.escalate(&agent, other.id, n2, "Expertise").await,
        "group",
    );
    // …its members still see its queue…
    let queues = e.app.queues(&expert).await.expect("queues");
    assert!(queues.queues.iter().any(|q| q.key == QueueKey::Group(n2)));
    // …and it can be no application's default group.
    let mut lsun = guichet_app::admin::ApplicationInput {
        name: e.fx.lsun.name.clone(),
        description: String::new(),
        keywords: e.fx.lsun.keywords.clone(),
        default_group: Some(n2),
        active: true,
    };
    assert_invalid(
        e.app
            .update_application(&admin, e.fx.lsun.id, lsun.clone())
            .await,
        "default_group",
    );

    // Reactivated, it is a target again.
    e.app
        .update_group(&admin, n2, active(true))
        .await
        .expect("reactivated");
    e.app
        .escalate(&agent, other.id, n2, "Expertise")
        .await
        .expect("escalated again");

    // A group an application sends its requests to stays active, even with an empty queue.
    let n3 = e
        .app
        .create_group(
            &admin,
            e.fx.dsi_n1.desk,
            "DSI-N3",
            "Éditeur",
            Level::N3,
            Expertise::Technical,
        )
        .await
        .expect("created");
    lsun.default_group = Some(n3.id);
    e.app
        .update_application(&admin, e.fx.lsun.id, lsun)
        .await
        .expect("default group");
    assert_conflict(
        e.app.update_group(&admin, n3.id, active(false)).await,
        "group.default_of_application",
    );
    let (n3, _) = e.app.admin_group(&admin, n3.id).await.expect("read");
    assert!(n3.active, "still active");
    let trail: Vec<String> = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("group", &n2.to_string())
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(trail, ["group.update", "group.update"]);
}
