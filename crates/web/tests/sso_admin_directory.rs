//! `/admin/directory`: an administrator reads the directory's sync runs (a failed CSV import
//! with its reason, a dry run of the LDAP sync); anyone else finds no such page.

mod pages_common;

use axum::http::StatusCode;
use guichet_app::Caller;
use guichet_app::directory::Source;
use guichet_testkit::{TestDb, both_engines};
use pages_common::{PASSWORD, Site};

async fn administrators_read_the_sync_runs(db: TestDb) {
    let site = Site::new(db).await;
    let system = Caller::system("test");
    let run = site
        .app
        .start_directory_run(&system, Source::Ldap, true)
        .await
        .expect("started");
    site.app
        .finish_directory_run(&system, run, false)
        .await
        .expect("finished");
    let run = site
        .app
        .start_directory_run(&system, Source::CsvPersons, false)
        .await
        .expect("started");
    site.app
        .fail_directory_run(run, "ligne 3 : UAI 0000000A invalide")
        .await
        .expect("failed");

    let hash = guichet_app::password::hash(PASSWORD).expect("hashes");
    let mut tx = site.app.store().write().await.expect("write");
    tx.set_password_hash(site.fx.admin.id, &hash, chrono::Utc::now())
        .await
        .expect("password set");
    tx.commit().await.expect("commit");
    let mut b = site.signed_in(&site.fx.admin).await;
    let index = b.get("/admin").await;
    assert!(index.has("href=\"/admin/directory\""), "{}", index.html);
    let page = b.get("/admin/directory").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Synchronisations de l'annuaire"));
    assert!(page.has("Annuaire LDAP (essai à blanc)"), "{}", page.html);
    assert!(page.has("Fichier CSV de personnes"));
    assert!(page.has("en échec"));
    assert!(page.has("ligne 3 : UAI 0000000A invalide"));
    // Newest first.
    let csv = page.html.find("Fichier CSV de personnes").expect("csv run");
    let ldap = page.html.find("Annuaire LDAP").expect("ldap run");
    assert!(csv < ldap);

    let mut director = site.signed_in(&site.fx.director_a).await;
    let page = director.get("/admin/directory").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

both_engines!(administrators_read_the_sync_runs);
