//! The administration's own use cases on both engines: group members, account state,
//! administration rights and application edits are for administrators only, audited, and take
//! effect at the next request.

mod common;

use common::{assert_conflict, assert_forbidden, assert_invalid, assert_not_found, env};
use guichet_app::admin::ApplicationInput;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    only_administrators_manage_members_accounts_and_applications,
    members_come_and_go_and_every_change_is_audited,
    an_application_keeps_its_code_and_normalises_its_keywords,
);

async fn only_administrators_manage_members_accounts_and_applications(db: TestDb) {
    let e = env(&db).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let (group, person) = (e.fx.dsi_n1.id, e.fx.teacher_a.id);
    let rule = "admin_only";
    assert_forbidden(e.app.group_members(&agent, group).await, rule);
    assert_forbidden(
        e.app
            .add_member_by_email(&agent, group, &e.fx.teacher_a.email)
            .await,
        rule,
    );
    assert_forbidden(
        e.app.remove_member(&agent, group, e.fx.agent_n1.id).await,
        rule,
    );
    assert_forbidden(e.app.groups_of_person(&agent, person).await, rule);
    assert_forbidden(e.app.set_person_active(&agent, person, false).await, rule);
    assert_forbidden(e.app.set_admin(&agent, e.fx.agent_n1.id, true).await, rule);
    assert_forbidden(e.app.admin_application(&agent, e.fx.lsun.id).await, rule);
    let input = ApplicationInput {
        name: "LSUN".into(),
        ..ApplicationInput::default()
    };
    assert_forbidden(
        e.app.update_application(&agent, e.fx.lsun.id, input).await,
        rule,
    );
    let (_, members) = e
        .app
        .group_members(&e.admin().await, group)
        .await
        .expect("members");
    assert!(
        members.iter().any(|m| m.id == e.fx.agent_n1.id),
        "unchanged"
    );
}

async fn members_come_and_go_and_every_change_is_audited(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let group = e.fx.dsi_n2.id;
    let teacher = &e.fx.teacher_a;
    assert!(!e.caller(teacher).await.subject.is_agent());
    e.app
        .add_member_by_email(&admin, group, &teacher.email.to_uppercase())
        .await
        .expect("added");
    assert!(e.caller(teacher).await.subject.in_group(group));
    assert_invalid(
        e.app
            .add_member_by_email(&admin, group, "personne@ac-dijon.fr")
            .await,
        "email",
    );
    assert_invalid(
        e.app
            .add_member_by_email(&admin, group, "pas une adresse")
            .await,
        "email",
    );
    e.app
        .remove_member(&admin, group, teacher.id)
        .await
        .expect("removed");
    assert!(!e.caller(teacher).await.subject.is_agent());
    assert_not_found(
        e.app.remove_member(&admin, group, teacher.id).await,
        "member",
    );

    e.app
        .set_person_active(&admin, teacher.id, false)
        .await
        .expect("deactivated");
    assert!(!e.caller(teacher).await.subject.active);
    assert_invalid(
        e.app
            .add_member_by_email(&admin, group, &teacher.email)
            .await,
        "email",
    );
    let back = e
        .app
        .set_person_active(&admin, teacher.id, true)
        .await
        .expect("reactivated");
    assert!(back.active);

    e.app
        .set_admin(&admin, teacher.id, true)
        .await
        .expect("granted");
    let promoted = e.caller(teacher).await;
    assert!(promoted.subject.admin);
    assert_conflict(
        e.app.set_admin(&promoted, teacher.id, false).await,
        "admin.self",
    );
    assert_conflict(
        e.app.set_person_active(&promoted, teacher.id, false).await,
        "admin.self",
    );
    e.app
        .set_admin(&admin, teacher.id, false)
        .await
        .expect("revoked");
    assert!(!e.caller(teacher).await.subject.admin);

    let mut conn = db.store.read().await.expect("read");
    let person_trail: Vec<String> = conn
        .audit_trail("person", &teacher.id.to_string())
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        person_trail,
        [
            "person.deactivate",
            "person.reactivate",
            "person.grant_role",
            "person.revoke_role"
        ]
    );
    let group_trail: Vec<String> = conn
        .audit_trail("group", &group.to_string())
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(group_trail, ["group.add_member", "group.remove_member"]);
}

async fn an_application_keeps_its_code_and_normalises_its_keywords(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let lsun = e.fx.lsun.id;
    let input = |keywords: &[&str]| ApplicationInput {
        name: "Livret scolaire".into(),
        description: "  Le livret du CP à la 3e  ".into(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        default_group: Some(e.fx.dsi_n2.id),
        active: true,
    };
    let app = e
        .app
        .update_application(&admin, lsun, input(&["lsu", " LSUN ", "Livret", "livret"]))
        .await
        .expect("updated");
    assert_eq!(app.code, e.fx.lsun.code);
    assert_eq!(app.keywords, ["LSU", "LSUN", "LIVRET"]);
    assert_eq!(app.description, "Le livret du CP à la 3e");
    assert_eq!(app.default_group, Some(e.fx.dsi_n2.id));
    assert_eq!(
        e.app
            .list_applications()
            .await
            .expect("list")
            .iter()
            .find(|a| a.id == lsun),
        Some(&app),
        "read back as written"
    );
    assert_invalid(
        e.app.update_application(&admin, lsun, input(&[" "])).await,
        "keywords",
    );
    let nameless = ApplicationInput {
        name: " ".into(),
        ..input(&[])
    };
    assert_invalid(
        e.app.update_application(&admin, lsun, nameless).await,
        "name",
    );
    let bad_group = ApplicationInput {
        default_group: Some(guichet_core::GroupId(999_999)),
        ..input(&[])
    };
    assert_invalid(
        e.app.update_application(&admin, lsun, bad_group).await,
        "default_group",
    );
    let trail = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("application", &lsun.to_string())
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1, "refused edits leave no trace");
    assert_eq!(trail[0].action, "application.update");
}
