//! CSV imports on both engines: the open data's establishments (Windows-1252, `;`), people
//! with roles, and all or nothing when a line is wrong.

mod common;

use common::{app_at, at, tree, uai};
use guichet_app::Caller;
use guichet_core::Uai;
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::person::RoleKind;
use guichet_directory::{DirectoryError, import_establishments_file, import_persons_file};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    establishments_are_imported_all_or_nothing,
    persons_are_imported_with_their_roles_all_or_nothing,
);

/// Writes `bytes` to a temporary file.
fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(f.path(), bytes).expect("written");
    f
}

/// The open data's columns, as Excel saves them in France: `;` and Windows-1252.
fn establishments_csv(bad_line: bool) -> Vec<u8> {
    let mut text = String::from(
        "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;nom_commune;code_departement;circonscription;ecole_maternelle;ecole_elementaire\r\n",
    );
    text.push_str(&format!(
        "{};Ecole Jean Macé;Ecole;Dijon;021;Dijon Centre;0;1\r\n",
        uai(1)
    ));
    text.push_str(&format!(
        "{};Ecole des Prés;Ecole;Talant;021;Dijon Centre;1;0\r\n",
        uai(2)
    ));
    text.push_str(&format!(
        "{};Collège Gaston Bachelard;Collège;Dijon;021;;;\r\n",
        uai(11)
    ));
    if bad_line {
        text.push_str("0219999X;Ecole mal codée;Ecole;Dijon;021;Dijon Centre;0;1\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn establishments_are_imported_all_or_nothing(db: TestDb) {
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let caller = Caller::system("test");

    let refused = import_establishments_file(&app, &caller, file(&establishments_csv(true)).path())
        .await
        .expect("checked");
    assert!(!refused.applied);
    assert_eq!(refused.report.rejections.len(), 1);
    let r = &refused.report.rejections[0];
    assert_eq!(r.entry, "line 5");
    assert!(
        r.reason
            .contains("invalid UAI \"0219999X\" (uai.check_letter)"),
        "{r:?}"
    );
    let mut conn = db.store.read().await.expect("read");
    assert!(
        conn.establishments().await.expect("list").is_empty(),
        "nothing imported"
    );
    drop(conn);

    let done = import_establishments_file(&app, &caller, file(&establishments_csv(false)).path())
        .await
        .expect("imported");
    assert!(done.applied);
    assert_eq!(done.report.counts.establishments_created, 3);
    let mut conn = db.store.read().await.expect("read");
    let school = conn
        .org_node_by_uai(&Uai::parse(&uai(1)).expect("uai"))
        .await
        .expect("school");
    assert_eq!(school.name, "Ecole Jean Macé", "Windows-1252 decoded");
    assert_eq!(
        school.establishment_type,
        Some(EstablishmentType::EcoleElementaire)
    );
    let circ = conn
        .org_node(school.parent.expect("parent"))
        .await
        .expect("circonscription");
    assert_eq!(
        (circ.kind, circ.name.as_str()),
        (OrgKind::Circonscription, "Dijon Centre")
    );
    let other = conn
        .org_node_by_uai(&Uai::parse(&uai(2)).expect("uai"))
        .await
        .expect("school 2");
    assert_eq!(other.parent, school.parent, "one circonscription for both");
    assert_eq!(
        other.establishment_type,
        Some(EstablishmentType::EcoleMaternelle)
    );
    let college = conn
        .org_node_by_uai(&Uai::parse(&uai(11)).expect("uai"))
        .await
        .expect("collège");
    assert_eq!(college.establishment_type, Some(EstablishmentType::College));
    let dep = conn
        .org_node(college.parent.expect("parent"))
        .await
        .expect("département");
    assert_eq!(
        dep.code.as_deref(),
        Some("21"),
        "code 021 is département 21"
    );
    drop(conn);

    // The same file again changes nothing.
    let again = import_establishments_file(&app, &caller, file(&establishments_csv(false)).path())
        .await
        .expect("imported");
    assert_eq!(again.report.counts.establishments_created, 0);
    assert_eq!(again.report.counts.establishments_updated, 0);
}

async fn persons_are_imported_with_their_roles_all_or_nothing(db: TestDb) {
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let caller = Caller::system("test");
    import_establishments_file(&app, &caller, file(&establishments_csv(false)).path())
        .await
        .expect("establishments");

    let unreadable = import_persons_file(
        &app,
        &caller,
        file(b"uid,mail,display_name,roles\nmd,md@ac-dijon.fr,Marie D,boss:0210001M\n").path(),
    )
    .await
    .expect_err("refused");
    match unreadable {
        DirectoryError::Lines(lines) => assert_eq!(lines[0].line, 2, "{lines:?}"),
        other => panic!("{other:?}"),
    }

    let csv = format!(
        "uid,mail,nom,prenom,roles\n\
         md,Marie.Dupont@ac-dijon.fr,Dupont,Marie,director:{}\n\
         pb,paul.b@ac-dijon.fr,Bernard,Paul,directeur:{}|teacher:{}\n\
         zz,zz@ac-dijon.fr,Zed,Zoé,teacher:{}\n",
        uai(1),
        uai(11),
        uai(2),
        uai(30)
    );
    let refused = import_persons_file(&app, &caller, file(csv.as_bytes()).path())
        .await
        .expect("checked");
    assert!(!refused.applied);
    assert_eq!(
        refused.report.rejections.len(),
        1,
        "{:?}",
        refused.report.rejections
    );
    assert!(
        refused.report.rejections[0]
            .reason
            .contains("unknown establishment")
    );
    let mut conn = db.store.read().await.expect("read");
    assert!(
        conn.person_by_email("marie.dupont@ac-dijon.fr")
            .await
            .is_err(),
        "nothing imported"
    );
    drop(conn);

    let fixed = csv.replace(
        &format!("teacher:{}\n", uai(30)),
        &format!("teacher:{}\n", uai(2)),
    );
    let done = import_persons_file(&app, &caller, file(fixed.as_bytes()).path())
        .await
        .expect("imported");
    assert!(done.applied, "{:?}", done.report.rejections);
    assert_eq!(done.report.counts.persons_created, 3);
    let mut conn = db.store.read().await.expect("read");
    let pb = conn
        .person_by_email("paul.b@ac-dijon.fr")
        .await
        .expect("imported");
    assert_eq!(pb.uid.as_deref(), Some("pb"));
    let mut roles: Vec<(RoleKind, Option<String>)> = Vec::new();
    for r in conn.roles_of(pb.id).await.expect("roles") {
        let node = conn.org_node(r.node).await.expect("node");
        roles.push((r.kind, node.uai.map(|u| u.to_string())));
    }
    roles.sort_by_key(|(k, _)| k.as_str());
    assert_eq!(
        roles,
        vec![
            (RoleKind::Head, Some(uai(11))),
            (RoleKind::Teacher, Some(uai(2)))
        ],
        "directeur at a collège is its head"
    );
}
