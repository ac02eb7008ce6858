//! The directory: finding schools and people by name, whatever the case of accented capitals,
//! and paging through them.

mod common;

use chrono::Utc;
use guichet_core::Uai;
use guichet_core::org::OrgKind;
use guichet_core::person::Locale;
use guichet_store::Store;
use guichet_store::person::NewPerson;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    schools_are_found_by_name_in_any_case,
    people_are_found_by_name_in_any_case,
    directory_lists_page_in_name_order,
);

async fn node_names(store: &Store, kind: Option<OrgKind>, q: &str) -> Vec<String> {
    let mut conn = store.read().await.expect("read");
    conn.list_org_nodes(kind, None, Some(q), None, 100)
        .await
        .expect("nodes")
        .into_iter()
        .map(|n| n.name)
        .collect()
}

async fn person_names(store: &Store, q: &str) -> Vec<String> {
    let mut conn = store.read().await.expect("read");
    conn.list_persons(Some(q), None, 100)
        .await
        .expect("persons")
        .into_iter()
        .map(|p| p.display_name)
        .collect()
}

async fn schools_are_found_by_name_in_any_case(db: TestDb) {
    let _fx = Fixture::build(&db.store).await;
    // Names come in code-point order: SQLite compares bytes, and the test server's collation
    // (C.UTF-8) does the same.
    let schools = [
        "École maternelle Les Tilleuls",
        "École primaire Lamartine",
        "École élémentaire Jean Jaurès",
    ];
    for q in ["école", "École", "ÉCOLE", " école "] {
        assert_eq!(
            node_names(&db.store, Some(OrgKind::Etablissement), q).await,
            schools,
            "{q:?}"
        );
    }
    for q in ["jaurès", "JAURÈS", "Jean Jaurès"] {
        assert_eq!(node_names(&db.store, None, q).await, [schools[2]], "{q:?}");
    }
    assert_eq!(node_names(&db.store, None, "mâcon").await, ["Mâcon"]);
    assert_eq!(node_names(&db.store, None, "MÂCON").await, ["Mâcon"]);
    assert_eq!(
        node_names(&db.store, None, "saône").await,
        ["Saône-et-Loire"]
    );
    // By UAI, in any case.
    let uai = Uai::from_number(711_001).expect("a UAI");
    for q in [uai.as_str().to_owned(), uai.as_str().to_lowercase()] {
        assert_eq!(node_names(&db.store, None, &q).await, [schools[1]], "{q:?}");
    }
    // Wildcards typed by a user are not patterns (SQL's are dropped, GLOB's are plain text).
    for q in [
        "école%primaire",
        "école_primaire",
        "école*primaire",
        "école?primaire",
    ] {
        assert!(node_names(&db.store, None, q).await.is_empty(), "{q:?}");
    }
    assert_eq!(node_names(&db.store, None, "%").await.len(), 8);
}

async fn people_are_found_by_name_in_any_case(db: TestDb) {
    let _fx = Fixture::build(&db.store).await;
    let mut tx = db.store.write().await.expect("write");
    for (email, name) in [
        ("elodie.durand@ac-dijon.fr", "Élodie Durand"),
        ("oeuvre@ac-dijon.fr", "Œdipe Étienne"),
    ] {
        tx.insert_person(
            &NewPerson {
                uid: None,
                email: email.into(),
                display_name: name.into(),
                locale: Locale::Fr,
            },
            Utc::now(),
        )
        .await
        .expect("person");
    }
    tx.commit().await.expect("commit");
    for q in ["élodie", "Élodie", "ÉLODIE", "durand", "elodie.durand@"] {
        assert_eq!(person_names(&db.store, q).await, ["Élodie Durand"], "{q:?}");
    }
    for q in ["œdipe", "ŒDIPE", "étienne", "ÉTIENNE"] {
        assert_eq!(person_names(&db.store, q).await, ["Œdipe Étienne"], "{q:?}");
    }
    assert_eq!(person_names(&db.store, "hélène").await, ["Hélène Roux"]);
    assert_eq!(person_names(&db.store, "HÉLÈNE").await, ["Hélène Roux"]);
    assert_eq!(person_names(&db.store, "LEFÈVRE").await, ["Marc Lefèvre"]);
}

async fn directory_lists_page_in_name_order(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let mut conn = db.store.read().await.expect("read");
    let all: Vec<String> = conn
        .list_persons(None, None, 1000)
        .await
        .expect("persons")
        .into_iter()
        .map(|p| p.display_name)
        .collect();
    assert_eq!(all.len(), 11);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = conn.list_persons(None, after, 3).await.expect("page");
        after = page.last().map(|p| (p.display_name.clone(), p.id.0));
        let last = page.len() < 3;
        paged.extend(page.into_iter().map(|p| p.display_name));
        if last {
            break;
        }
    }
    assert_eq!(paged, all);

    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = conn
            .list_org_nodes(None, None, None, after, 2)
            .await
            .expect("page");
        after = page.last().map(|n| (n.name.clone(), n.id.0));
        let last = page.len() < 2;
        paged.extend(page.into_iter().map(|n| n.name));
        if last {
            break;
        }
    }
    assert_eq!(paged.len(), 8);
    let children: Vec<String> = conn
        .list_org_nodes(None, Some(fx.circ_dijon.id), None, None, 10)
        .await
        .expect("children")
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(
        children,
        [
            "École maternelle Les Tilleuls",
            "École élémentaire Jean Jaurès"
        ]
    );
}
