//! The sync over TLS, against a real slapd with a certificate from a test authority: StartTLS
//! on `ldap://` and `ldaps://` both sync when the authority is trusted (`ca_file`); a server the
//! client cannot verify is refused before anything is read or written. TLS is the transport,
//! the same for both engines: these run on SQLite.

mod common;

use common::{Slapd, app_at, at, tree};
use guichet_app::Caller;
use guichet_directory::{DirectoryError, LdapConfig, ldap};
use guichet_testkit::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_and_ldaps_sync_with_the_academie_authority() {
    let slapd = Slapd::start_tls().await;
    let db = TestDb::sqlite().await;
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    let caller = Caller::system("test");

    let starttls = LdapConfig {
        starttls: true,
        ca_file: slapd.ca_file.clone(),
        ..slapd.config()
    };
    let report = ldap::sync(&app, &caller, &starttls, false)
        .await
        .expect("syncs over StartTLS");
    assert_eq!(report.counts.persons_created, 301);

    let ldaps = LdapConfig {
        url: slapd.ldaps_url.clone().expect("ldaps"),
        ca_file: slapd.ca_file.clone(),
        ..slapd.config()
    };
    let report = ldap::sync(&app, &caller, &ldaps, true)
        .await
        .expect("syncs over ldaps");
    assert_eq!(report.counts.persons_created, 0, "already synced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_cannot_be_verified_is_refused() {
    let slapd = Slapd::start_tls().await;
    let db = TestDb::sqlite().await;
    let app = app_at(&db.store, at(2026, 12, 3));
    tree(&app).await;
    // The system's authorities do not know the test one.
    let untrusted = LdapConfig {
        url: slapd.ldaps_url.clone().expect("ldaps"),
        ..slapd.config()
    };
    let err = ldap::sync(&app, &Caller::system("test"), &untrusted, false)
        .await
        .expect_err("refused");
    assert!(matches!(err, DirectoryError::Ldap(_)), "{err:?}");
    assert!(
        !err.to_string().contains(common::READER_PASSWORD),
        "the password never shows: {err}"
    );
    let mut conn = db.store.read().await.expect("read");
    assert!(
        conn.list_directory_runs(10).await.expect("runs").is_empty(),
        "no run started"
    );
}
