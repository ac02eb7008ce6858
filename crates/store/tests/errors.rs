//! Errors a caller acts on: a uniqueness rule names its field, a missing row is "not found",
//! the same on both engines.

mod common;

use chrono::Utc;
use guichet_core::desk::{Expertise, Level};
use guichet_core::org::OrgKind;
use guichet_core::person::Locale;
use guichet_core::{ApplicationId, DeskId, GroupId, OrgNodeId, PersonId, Uai};
use guichet_store::desk::NewGroup;
use guichet_store::org::NewOrgNode;
use guichet_store::person::NewPerson;
use guichet_store::{Store, StoreError};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_second_person_with_the_same_email_is_a_conflict_on_email,
    other_uniqueness_rules_name_their_field,
    missing_rows_are_not_found,
);

fn someone(email: &str, uid: Option<&str>) -> NewPerson {
    NewPerson {
        uid: uid.map(str::to_owned),
        email: email.into(),
        display_name: "Quelqu'un".into(),
        locale: Locale::Fr,
    }
}

async fn insert_person(store: &Store, p: &NewPerson) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    tx.insert_person(p, Utc::now()).await?;
    tx.commit().await
}

async fn a_second_person_with_the_same_email_is_a_conflict_on_email(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let err = insert_person(&db.store, &someone(&fx.teacher_a.email, None))
        .await
        .expect_err("the email is taken");
    assert!(
        matches!(&err, StoreError::Conflict { constraint } if constraint.contains("email")),
        "{err:?}"
    );
    assert!(err.is_conflict_on("email"));
    assert!(!err.is_conflict_on("uid"));
    // Nothing was written, and the store carries on.
    let mut conn = db.store.read().await.expect("read");
    assert_eq!(
        conn.person_by_email(&fx.teacher_a.email)
            .await
            .expect("the first one")
            .id,
        fx.teacher_a.id
    );
    drop(conn);
    insert_person(&db.store, &someone("nouveau@ac-dijon.fr", None))
        .await
        .expect("another email is fine");
}

async fn other_uniqueness_rules_name_their_field(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    insert_person(&db.store, &someone("a@ac-dijon.fr", Some("uid-1")))
        .await
        .expect("first");
    let err = insert_person(&db.store, &someone("b@ac-dijon.fr", Some("uid-1")))
        .await
        .expect_err("the uid is taken");
    assert!(err.is_conflict_on("uid"), "{err:?}");

    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .insert_group(
            &NewGroup {
                desk: fx.dsi_n1.desk,
                code: fx.dsi_n1.code.clone(),
                name: "Doublon".into(),
                level: Level::N1,
                expertise: Expertise::Functional,
            },
            Utc::now(),
        )
        .await
        .expect_err("the group code is taken");
    assert!(err.is_conflict_on("code"), "{err:?}");
    drop(tx);

    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .insert_desk("DSI", "Autre DSI", None, Utc::now())
        .await
        .expect_err("the desk code is taken");
    assert!(err.is_conflict_on("code"), "{err:?}");
    drop(tx);

    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .insert_org_node(
            &NewOrgNode {
                kind: OrgKind::Etablissement,
                parent: Some(fx.circ_macon.id),
                name: "Doublon".into(),
                code: None,
                uai: fx.school_a.uai.clone(),
                establishment_type: None,
                commune: None,
            },
            Utc::now(),
        )
        .await
        .expect_err("the UAI is taken");
    assert!(err.is_conflict_on("uai"), "{err:?}");
    drop(tx);

    // A role at a node that does not exist breaks a reference.
    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .add_role(
            fx.teacher_a.id,
            guichet_core::person::RoleKind::Teacher,
            OrgNodeId(987_654),
        )
        .await
        .expect_err("no such node");
    assert!(err.is_conflict_on("foreign_key"), "{err:?}");
}

async fn missing_rows_are_not_found(db: TestDb) {
    let _fx = Fixture::build(&db.store).await;
    let mut conn = db.store.read().await.expect("read");
    let not_found = |r: &Result<(), StoreError>| matches!(r, Err(StoreError::NotFound));
    let results = [
        conn.person(PersonId(987_654)).await.map(drop),
        conn.person_by_email("personne@ac-dijon.fr").await.map(drop),
        conn.password_hash(PersonId(987_654)).await.map(drop),
        conn.org_node(OrgNodeId(987_654)).await.map(drop),
        conn.org_node_by_uai(&Uai::from_number(999_999).expect("a UAI"))
            .await
            .map(drop),
        conn.ticket_zone(OrgNodeId(987_654)).await.map(drop),
        conn.desk(DeskId(987_654)).await.map(drop),
        conn.group(GroupId(987_654)).await.map(drop),
        conn.group_by_code("NOPE").await.map(drop),
        conn.application(ApplicationId(987_654)).await.map(drop),
        conn.application_by_code("NOPE").await.map(drop),
    ];
    for (i, r) in results.iter().enumerate() {
        assert!(not_found(r), "lookup {i}: {r:?}");
    }
}
