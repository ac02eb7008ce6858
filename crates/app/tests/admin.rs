//! Reference data: administrators change the académie; what they set up is usable at once.

mod common;

use common::{assert_conflict, assert_forbidden, assert_invalid, assert_not_found, env, request};
use guichet_app::Caller;
use guichet_app::admin::{OrgNodeInput, PersonInput};
use guichet_core::desk::{Expertise, Level};
use guichet_core::person::RoleKind;
use guichet_core::{PersonId, Uai};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    the_tree_keeps_its_shape,
    people_are_unique_by_email,
    only_administrators_change_reference_data,
    a_new_school_and_director_can_ask_for_help,
);

async fn the_tree_keeps_its_shape(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let school = |uai: &str, parent| OrgNodeInput {
        kind: "etablissement".into(),
        parent: Some(parent),
        name: "École des Lilas".into(),
        uai: Some(uai.into()),
        establishment_type: Some("ecole_elementaire".into()),
        ..OrgNodeInput::default()
    };

    assert_invalid(
        e.app
            .create_org_node(&admin, school("0740003A", e.fx.circ_dijon.id))
            .await,
        "uai",
    );
    let valid = Uai::from_number(211_003).expect("a UAI").to_string();
    assert_invalid(
        e.app
            .create_org_node(&admin, school(&valid, e.fx.school_a.id))
            .await,
        "parent",
    );
    let no_uai = OrgNodeInput {
        uai: None,
        ..school(&valid, e.fx.circ_dijon.id)
    };
    assert_invalid(e.app.create_org_node(&admin, no_uai).await, "uai");
    let orphan = OrgNodeInput {
        kind: "circonscription".into(),
        parent: None,
        name: "Sans parent".into(),
        ..OrgNodeInput::default()
    };
    assert_invalid(e.app.create_org_node(&admin, orphan).await, "parent");
    let bad_kind = OrgNodeInput {
        kind: "planete".into(),
        ..school(&valid, e.fx.circ_dijon.id)
    };
    assert_invalid(e.app.create_org_node(&admin, bad_kind).await, "kind");

    // The lower-case form of a valid UAI is accepted and stored upper-case.
    let node = e
        .app
        .create_org_node(&admin, school(&valid.to_lowercase(), e.fx.circ_dijon.id))
        .await
        .expect("created");
    assert_eq!(node.uai.as_ref().map(Uai::to_string), Some(valid.clone()));
    assert!(e.fx.circ_dijon.path.contains(&node.path));
    let taken = e
        .app
        .create_org_node(&admin, school(&valid, e.fx.circ_dijon.id))
        .await;
    match taken {
        Err(guichet_app::AppError::Conflict { field, .. }) => assert_eq!(field, Some("uai")),
        other => panic!("a UAI twice: {other:?}"),
    }
    let trail = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("org_node", &node.id.to_string())
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "org.create");
}

async fn people_are_unique_by_email(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let person = |email: &str| PersonInput {
        email: email.into(),
        display_name: "Claire Martin".into(),
        ..PersonInput::default()
    };
    match e
        .app
        .create_person(&admin, person(" Claire.Martin@ac-dijon.fr "))
        .await
    {
        Err(guichet_app::AppError::Conflict { code, field }) => {
            assert_eq!((code, field), ("person.email_taken", Some("email")));
        }
        other => panic!("an email twice: {other:?}"),
    }
    assert_invalid(
        e.app.create_person(&admin, person("pas-une-adresse")).await,
        "email",
    );
    let short = PersonInput {
        password: Some("court".into()),
        ..person("nouvelle@ac-dijon.fr")
    };
    assert_invalid(e.app.create_person(&admin, short).await, "password");
    let p = e
        .app
        .create_person(&admin, person("Nouvelle@AC-Dijon.fr"))
        .await
        .expect("created");
    assert_eq!(p.email, "nouvelle@ac-dijon.fr");
    assert!(p.active);
    assert_eq!(
        e.app
            .person_by_email("nouvelle@ac-dijon.fr")
            .await
            .expect("found")
            .id,
        p.id
    );
}

async fn only_administrators_change_reference_data(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    for who in [&fx.director_a, &fx.agent_n1, &fx.ien_dijon] {
        let c = e.caller(who).await;
        let node = OrgNodeInput {
            kind: "circonscription".into(),
            parent: Some(fx.dep21.id),
            name: "Dijon 2".into(),
            ..OrgNodeInput::default()
        };
        assert_forbidden(e.app.create_org_node(&c, node).await, "admin_only");
        let person = PersonInput {
            email: "x@ac-dijon.fr".into(),
            display_name: "X".into(),
            ..PersonInput::default()
        };
        assert_forbidden(e.app.create_person(&c, person).await, "admin_only");
        assert_forbidden(
            e.app
                .grant_role(&c, fx.teacher_a.id, RoleKind::Director, fx.school_a.id)
                .await,
            "admin_only",
        );
        assert_forbidden(
            e.app.create_desk(&c, "REGION", "Région", None).await,
            "admin_only",
        );
        assert_forbidden(
            e.app.add_member(&c, fx.dsi_n2.id, fx.agent_n1.id).await,
            "admin_only",
        );
    }
    // Looking people up is the desk's, and one's own record everyone's.
    let director = e.caller(&fx.director_a).await;
    assert_forbidden(
        e.app.list_persons(&director, None, None, 50).await,
        "desk_only",
    );
    assert_forbidden(e.app.person(&director, fx.teacher_a.id).await, "desk_only");
    e.app
        .person(&director, fx.director_a.id)
        .await
        .expect("one's own record");
    let agent = e.caller(&fx.agent_n1).await;
    let (_, roles) = e.app.person(&agent, fx.teacher_a.id).await.expect("read");
    assert_eq!(roles.len(), 1);
    assert_not_found(e.app.person(&agent, PersonId(999_999)).await, "person");
}

/// What an administrator sets up is at once usable: a school, its director, a desk and group.
async fn a_new_school_and_director_can_ask_for_help(db: TestDb) {
    let e = env(&db).await;
    let system = Caller::system("cli");
    let uai = Uai::from_number(711_002).expect("a UAI").to_string();
    let school = e
        .app
        .create_org_node(
            &system,
            OrgNodeInput {
                kind: "etablissement".into(),
                parent: Some(e.fx.circ_macon.id),
                name: "École Saint-Exupéry".into(),
                uai: Some(uai),
                ..OrgNodeInput::default()
            },
        )
        .await
        .expect("school created");
    let admin = e.admin().await;
    let director = e
        .app
        .create_person(
            &admin,
            PersonInput {
                email: "nora.haddad@ac-dijon.fr".into(),
                display_name: "Nora Haddad".into(),
                ..PersonInput::default()
            },
        )
        .await
        .expect("person created");
    e.app
        .grant_role(&admin, director.id, RoleKind::Director, school.id)
        .await
        .expect("role granted");
    let desk = e
        .app
        .create_desk(&admin, "dsden71-n2", "Expertise 71", Some(e.fx.dep71.id))
        .await
        .expect("desk");
    assert_eq!(desk.code, "DSDEN71-N2");
    assert_conflict(
        e.app
            .create_desk(&admin, "DSDEN71-N2", "Encore", None)
            .await,
        "duplicate",
    );
    let group = e
        .app
        .create_group(
            &admin,
            desk.id,
            "71-N2",
            "Expertise 71",
            Level::N2,
            Expertise::Technical,
        )
        .await
        .expect("group");
    e.app
        .add_member(&admin, group.id, e.fx.agent_n2.id)
        .await
        .expect("member");

    let caller = e.caller(&director).await;
    let t = e
        .app
        .submit(&caller, request("Première demande", None))
        .await
        .expect("submitted");
    assert_eq!(t.zone.establishment, Some(school.id), "their only school");
    assert_eq!(t.zone.departement, Some(e.fx.dep71.id));
    let dasen = e.caller(&e.fx.dasen71).await;
    e.app
        .ticket(&dasen, t.id)
        .await
        .expect("in the DASEN's zone");

    // The new N2 group of the DSDEN receives escalations from the DSDEN's N1.
    let dsden = e.caller(&e.fx.agent_dsden).await;
    let dsi = e.caller(&e.fx.agent_n1).await;
    e.app
        .transfer(&dsi, t.id, e.fx.dsden_n1.id, "Pour le 71")
        .await
        .expect("transferred");
    let up = e
        .app
        .escalate(&dsden, t.id, group.id, "Expertise nécessaire")
        .await
        .expect("escalated");
    assert_eq!(up.level, Level::N2);
    let expert = e.caller(&e.fx.agent_n2).await;
    e.app.take_in_charge(&expert, t.id).await.expect("taken");
}
