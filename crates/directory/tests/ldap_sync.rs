//! The LDAP sync against a real OpenLDAP loaded with an AAF-like directory of 301 people and 41
//! establishments, on both engines: the first sync, a dry run, a change, a departure, a
//! delegation window, a bad UAI, the paging that a server's size limit makes necessary, and a
//! departed person's tickets, which agents still see.

mod common;

use common::{Slapd, app_at, at, tree, uai};
use guichet_app::Caller;
use guichet_app::directory::ChangeAction;
use guichet_app::ticket::SubmitTicket;
use guichet_core::Uai;
use guichet_core::org::EstablishmentType;
use guichet_core::person::RoleKind;
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_directory::ldap;
use guichet_store::Store;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::collections::HashSet;

both_engines!(
    a_first_sync_creates_schools_people_and_roles,
    a_dry_run_writes_nothing_but_its_record,
    a_change_and_a_departure_are_synced,
    a_delegation_counts_inside_its_window_only,
    a_departed_persons_open_tickets_stay_visible_to_agents,
);

async fn roles(store: &Store, email: &str) -> Vec<(RoleKind, String)> {
    let mut conn = store.read().await.expect("read");
    let person = conn.person_by_email(email).await.expect("person");
    let mut out = Vec::new();
    for r in conn.roles_of(person.id).await.expect("roles") {
        let node = conn.org_node(r.node).await.expect("node");
        out.push((r.kind, node.uai.map(|u| u.to_string()).unwrap_or_default()));
    }
    out.sort_by_key(|(k, u)| (u.clone(), k.as_str()));
    out
}

async fn a_first_sync_creates_schools_people_and_roles(db: TestDb) {
    let slapd = Slapd::start().await;
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let caller = Caller::system("test");

    // The reader account is capped at 100 entries a search: only paging reads everybody.
    let mut plain = ldap::connect(&slapd.config()).await.expect("binds");
    let capped = plain
        .search(
            &format!("ou=personnels,{}", common::BASE),
            ldap3::Scope::Subtree,
            "(objectClass=ENTPerson)",
            vec!["uid"],
        )
        .await
        .expect("answers");
    assert_eq!(capped.1.rc, 4, "sizeLimitExceeded without paging");

    let report = ldap::sync(&app, &caller, &slapd.config(), false)
        .await
        .expect("syncs");
    let c = report.counts;
    assert_eq!(c.establishments_created, 40);
    assert_eq!(c.establishments_rejected, 1);
    assert_eq!(
        c.persons_created, 301,
        "300 generated and the interim director"
    );
    assert_eq!(
        (c.persons_updated, c.persons_deactivated, c.persons_rejected),
        (0, 0, 0)
    );
    let bad = &report.rejections[0];
    assert!(bad.entry.contains("ou=0219999X"), "{bad:?}");
    assert!(bad.reason.contains("invalid UAI \"0219999X\""), "{bad:?}");

    let mut conn = db.store.read().await.expect("read");
    let school = conn
        .org_node_by_uai(&Uai::parse(&uai(1)).expect("uai"))
        .await
        .expect("school 1 created");
    assert_eq!(school.name, "ECOLE NUMERO 1");
    assert_eq!(
        school.establishment_type,
        Some(EstablishmentType::EcoleElementaire)
    );
    assert_eq!(school.commune.as_deref(), Some("DIJON"));
    let dep = conn
        .org_node(school.parent.expect("a parent"))
        .await
        .expect("parent");
    assert_eq!(
        dep.code.as_deref(),
        Some("21"),
        "placed under its département"
    );
    assert!(
        conn.list_org_nodes(None, None, Some("MAL CODEE"), None, 10)
            .await
            .expect("nodes")
            .is_empty(),
        "the bad UAI created nothing"
    );
    drop(conn);

    assert_eq!(
        roles(&db.store, "p0000@ac-dijon.fr").await,
        vec![(RoleKind::Director, uai(1)), (RoleKind::Staff, uai(1))],
        "a school's director"
    );
    assert_eq!(
        roles(&db.store, "p0010@ac-dijon.fr").await,
        vec![(RoleKind::Head, uai(11)), (RoleKind::Staff, uai(11))],
        "DIR at a collège makes a head"
    );
    assert_eq!(
        roles(&db.store, "p0001@ac-dijon.fr").await,
        vec![(RoleKind::Teacher, uai(2))]
    );

    let run = db
        .store
        .read()
        .await
        .expect("read")
        .directory_run(report.run_id)
        .await
        .expect("the run is recorded");
    assert_eq!(
        (run.state.as_str(), run.dry_run, run.source.as_str()),
        ("done", false, "ldap")
    );
    assert_eq!(run.counts, c);
    assert!(run.rejections.contains("0219999X"));

    // Nothing changed in the directory: nothing changes here.
    let again = ldap::sync(&app, &caller, &slapd.config(), false)
        .await
        .expect("syncs again");
    let c = again.counts;
    assert_eq!(
        (
            c.establishments_created,
            c.establishments_updated,
            c.persons_created,
            c.persons_updated,
            c.persons_deactivated
        ),
        (0, 0, 0, 0, 0),
        "{:?}",
        again.changes.first()
    );
}

async fn a_dry_run_writes_nothing_but_its_record(db: TestDb) {
    let slapd = Slapd::start().await;
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let report = ldap::sync(&app, &Caller::system("test"), &slapd.config(), true)
        .await
        .expect("dry run");
    assert!(report.dry_run);
    assert_eq!(report.counts.establishments_created, 40);
    assert_eq!(
        report.counts.persons_created, 301,
        "people at new schools are counted"
    );
    assert!(
        report
            .rejections
            .iter()
            .all(|r| !r.reason.contains("unknown establishment")),
        "a dry run knows the schools it would create: {:?}",
        report.rejections
    );
    let mut conn = db.store.read().await.expect("read");
    assert!(
        conn.list_persons(None, None, 10)
            .await
            .expect("persons")
            .is_empty()
    );
    assert!(
        conn.establishments()
            .await
            .expect("establishments")
            .is_empty()
    );
    let run = conn.directory_run(report.run_id).await.expect("recorded");
    assert!(run.dry_run);
    assert_eq!(run.counts.persons_created, 301);
}

async fn a_change_and_a_departure_are_synced(db: TestDb) {
    let slapd = Slapd::start().await;
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let caller = Caller::system("test");
    ldap::sync(&app, &caller, &slapd.config(), false)
        .await
        .expect("first sync");

    let mut admin = slapd.admin().await;
    let p1 = format!("uid=p0001,ou=personnels,{}", common::BASE);
    let moved = format!("{}$UAJ$PU$N$T3$ECOL$340", uai(3));
    admin
        .modify(
            &p1,
            vec![
                ldap3::Mod::Replace("cn", HashSet::from(["Personne Un Renommée"])),
                ldap3::Mod::Replace("FrEduRne", HashSet::from([moved.as_str()])),
            ],
        )
        .await
        .and_then(|r| r.success())
        .expect("p0001 changes school and name");
    admin
        .delete(&format!("uid=p0002,ou=personnels,{}", common::BASE))
        .await
        .and_then(|r| r.success())
        .expect("p0002 leaves");

    let report = ldap::sync(&app, &caller, &slapd.config(), false)
        .await
        .expect("syncs");
    assert_eq!(report.counts.persons_updated, 1);
    assert_eq!(report.counts.persons_deactivated, 1);
    let updated = report
        .changes
        .iter()
        .find(|c| c.action == ChangeAction::Updated)
        .expect("an update");
    assert_eq!(
        (updated.key.as_str(), updated.detail.as_str()),
        ("p0001", "name, roles")
    );
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.action == ChangeAction::Deactivated && c.key == "p0002")
    );
    assert_eq!(
        roles(&db.store, "p0001@ac-dijon.fr").await,
        vec![(RoleKind::Teacher, uai(3))]
    );

    let mut conn = db.store.read().await.expect("read");
    let gone = conn
        .person_by_email("p0002@ac-dijon.fr")
        .await
        .expect("kept, never deleted");
    assert!(!gone.active);
    assert!(conn.roles_of(gone.id).await.expect("roles").is_empty());
    let renamed = conn
        .person_by_email("p0001@ac-dijon.fr")
        .await
        .expect("p0001");
    assert_eq!(renamed.display_name, "Personne Un Renommée");
}

async fn a_delegation_counts_inside_its_window_only(db: TestDb) {
    let slapd = Slapd::start().await;
    let during = app_at(&db.store, at(2026, 11, 15));
    tree(&during).await;
    let caller = Caller::system("test");
    ldap::sync(&during, &caller, &slapd.config(), false)
        .await
        .expect("syncs");
    assert_eq!(
        roles(&db.store, "paul.interim@ac-dijon.fr").await,
        vec![(RoleKind::Director, uai(1)), (RoleKind::Teacher, uai(1))],
        "directs school 1 during November"
    );
    let after = app_at(&db.store, at(2026, 12, 1));
    let report = ldap::sync(&after, &caller, &slapd.config(), false)
        .await
        .expect("syncs");
    assert_eq!(report.counts.persons_updated, 1);
    assert_eq!(
        roles(&db.store, "paul.interim@ac-dijon.fr").await,
        vec![(RoleKind::Teacher, uai(1))],
        "the delegation ended on 30 November"
    );
}

async fn a_departed_persons_open_tickets_stay_visible_to_agents(db: TestDb) {
    let slapd = Slapd::start().await;
    let fx = Fixture::build(&db.store).await;
    let app = app_at(&db.store, at(2026, 12, 3));
    let system = Caller::system("test");
    ldap::sync(&app, &system, &slapd.config(), false)
        .await
        .expect("first sync");

    let mut conn = db.store.read().await.expect("read");
    let teacher = conn
        .person_by_email("p0001@ac-dijon.fr")
        .await
        .expect("synced");
    let school = conn
        .org_node_by_uai(&Uai::parse(&uai(2)).expect("uai"))
        .await
        .expect("school 2");
    drop(conn);
    let as_teacher = app.caller(teacher.id, "test").await.expect("caller");
    let ticket = app
        .submit(
            &as_teacher,
            SubmitTicket {
                on_behalf_of: None,
                establishment: Some(school.id),
                application: None,
                ticket_type: TicketType::Incident,
                channel: Channel::Web,
                subject: "Le TBI ne s'allume plus".into(),
                body: "Depuis lundi, le tableau de la classe reste noir.".into(),
                urgency: Urgency::Medium,
                impact: Impact::Medium,
                attachments: Vec::new(),
            },
        )
        .await
        .expect("submitted");

    let mut admin = slapd.admin().await;
    admin
        .delete(&format!("uid=p0001,ou=personnels,{}", common::BASE))
        .await
        .and_then(|r| r.success())
        .expect("p0001 leaves");
    let report = ldap::sync(&app, &system, &slapd.config(), false)
        .await
        .expect("syncs");
    assert_eq!(report.counts.persons_deactivated, 1);

    let agent = app.caller(fx.agent_n1.id, "test").await.expect("agent");
    let seen = app
        .ticket(&agent, ticket.id)
        .await
        .expect("the agent still sees it");
    assert!(seen.ticket.status.is_open(), "{:?}", seen.ticket.status);
    assert_eq!(seen.ticket.requester, teacher.id);
    let mut conn = db.store.read().await.expect("read");
    assert!(!conn.person(teacher.id).await.expect("kept").active);
}
