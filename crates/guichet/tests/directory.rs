//! `guichet directory …` as an operator runs it: a sync against a real slapd printing its diff
//! (a dry run first), and a CSV import refused whole for one bad line, then accepted. On SQLite
//! and on PostgreSQL.

#[path = "../../directory/tests/common/mod.rs"]
mod common;

use guichet_app::Caller;
use guichet_testkit::{TestDb, both_engines};
use std::process::Command;

both_engines!(
    sync_prints_the_diff_and_a_dry_run_writes_nothing,
    an_import_with_a_bad_line_imports_nothing,
);

fn guichet(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", &db.url)
        .env("GUICHET_LOG", "warn")
        .env_remove("GUICHET_CONFIG")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("guichet runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn sync_prints_the_diff_and_a_dry_run_writes_nothing(db: TestDb) {
    let (ok, _, err) = guichet(&db, &["directory", "sync"], &[]);
    assert!(!ok && err.contains("directory is not configured"), "{err}");

    let slapd = common::Slapd::start().await;
    common::tree(&common::app_at(&db.store, common::at(2026, 12, 3))).await;
    let env = [
        ("GUICHET_DIRECTORY_URL", slapd.url.as_str()),
        ("GUICHET_DIRECTORY_BIND_DN", common::READER_DN),
        ("GUICHET_DIRECTORY_BIND_PASSWORD", common::READER_PASSWORD),
    ];
    let (ok, out, err) = guichet(&db, &["directory", "sync", "--dry-run"], &env);
    assert!(ok, "{err}");
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert!(
        out.contains("persons: 301 created, 0 updated, 0 deactivated, 0 rejected"),
        "{out}"
    );
    let (ok, out, err) = guichet(&db, &["directory", "sync"], &env);
    assert!(ok, "{err}");
    assert!(
        out.contains("persons: 301 created"),
        "the dry run wrote nothing: {out}"
    );
    assert!(out.contains("created person p0000 (Personne 0)\n"), "{out}");
    assert!(
        out.contains("rejected ou=0219999X,ou=structures,dc=education,dc=gouv,dc=fr: invalid UAI"),
        "{out}"
    );
    assert!(!out.contains(common::READER_PASSWORD) && !err.contains(common::READER_PASSWORD));
}

async fn an_import_with_a_bad_line_imports_nothing(db: TestDb) {
    common::tree(&common::app_at(&db.store, common::at(2026, 12, 3))).await;
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("annuaire.csv");
    let header = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;nom_commune;code_departement\n";
    std::fs::write(
        &file,
        format!(
            "{header}{};Ecole A;Ecole;Dijon;021\n0219999X;Ecole B;Ecole;Dijon;021\n",
            common::uai(1)
        ),
    )
    .expect("written");
    let path = file.to_str().expect("a UTF-8 path");
    let (ok, out, err) = guichet(&db, &["directory", "import-establishments", path], &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("rejected line 3: invalid UAI \"0219999X\" (uai.check_letter)"),
        "{out}"
    );
    assert!(err.contains("nothing imported"), "{err}");
    let runs = common::app_at(&db.store, common::at(2026, 12, 3))
        .directory_runs(&Caller::system("test"), 10)
        .await
        .expect("runs");
    assert!(runs.iter().all(|r| r.dry_run), "only the check ran");

    std::fs::write(
        &file,
        format!("{header}{};Ecole A;Ecole;Dijon;021\n", common::uai(1)),
    )
    .expect("written");
    let (ok, out, err) = guichet(&db, &["directory", "import-establishments", path], &[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("establishments: 1 created, 0 updated, 0 rejected"),
        "{out}"
    );
}
