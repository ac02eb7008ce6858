//! Migrations: applied once, in step on both engines, and refused when edited afterwards.

mod common;

use guichet_store::{Store, StoreError, StoreOptions, latest_version};
use guichet_testkit::{TestDb, both_engines, skip_postgres};
use std::collections::BTreeMap;

/// The versions of the migration files, in order: numbers are reserved ahead, so there may be
/// gaps until every branch has landed.
fn file_versions() -> Vec<i64> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/postgres");
    let mut out: Vec<i64> = std::fs::read_dir(dir)
        .expect("the migrations folder")
        .filter_map(|e| e.ok()?.file_name().to_str()?.get(..4)?.parse().ok())
        .collect();
    out.sort_unstable();
    assert_eq!(out.last().copied(), Some(latest_version()));
    out
}

both_engines!(
    migrating_again_applies_nothing,
    a_second_instance_finds_the_schema_migrated,
    instances_starting_together_migrate_once,
    an_edited_migration_is_refused,
);

async fn migrating_again_applies_nothing(db: TestDb) {
    assert_eq!(db.store.migrate().await.expect("migrate"), 0);
    assert_eq!(db.store.migrate().await.expect("migrate"), 0);
    let versions = db
        .store
        .query_strings(
            "SELECT CAST(version AS TEXT) FROM schema_migration ORDER BY schema_migration.version",
        )
        .await
        .expect("applied migrations");
    let expected: Vec<Vec<String>> = file_versions()
        .iter()
        .map(|v| vec![v.to_string()])
        .collect();
    assert_eq!(versions, expected);
}

async fn a_second_instance_finds_the_schema_migrated(db: TestDb) {
    let other = Store::connect(&db.url, &StoreOptions::default())
        .await
        .expect("second instance connects");
    assert_eq!(other.migrate().await.expect("migrate"), 0);
    other.close().await;
}

async fn instances_starting_together_migrate_once(db: TestDb) {
    let url = common::fresh_url(&db).await;
    let a = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("first instance");
    let b = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("second instance");
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let applied = ra.expect("first instance migrates") + rb.expect("second instance migrates");
    assert_eq!(
        applied,
        file_versions().len(),
        "every migration is applied exactly once"
    );
    assert_eq!(a.migrate().await.expect("migrate"), 0);
    // The schema works: a person can be written and read back.
    let mut tx = a.write().await.expect("write");
    tx.insert_person(
        &guichet_store::person::NewPerson {
            uid: None,
            email: "fresh@ac-dijon.fr".into(),
            display_name: "Fresh".into(),
            locale: guichet_core::person::Locale::Fr,
        },
        chrono::Utc::now(),
    )
    .await
    .expect("person inserted");
    tx.commit().await.expect("commit");
    a.close().await;
    b.close().await;
}

async fn an_edited_migration_is_refused(db: TestDb) {
    db.store
        .execute_admin("UPDATE schema_migration SET checksum = 'edited' WHERE version = 1")
        .await
        .expect("checksum changed");
    match db.store.migrate().await {
        Err(StoreError::Migration(message)) => {
            assert!(message.contains("edited"), "{message}");
        }
        other => panic!("expected a migration error, got {other:?}"),
    }
}

/// One engine's description of the schema: each table's columns in order, with whether they
/// accept NULL; and the names of the indexes.
#[derive(Debug, PartialEq)]
struct Schema {
    tables: BTreeMap<String, Vec<(String, bool)>>,
    indexes: Vec<String>,
}

async fn sqlite_schema(store: &Store) -> Schema {
    let names = store
        .query_strings(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .await
        .expect("tables");
    let mut tables = BTreeMap::new();
    for row in names {
        let table = row[0].clone();
        let columns = store
            .query_strings(&format!(
                "SELECT name, CAST(\"notnull\" OR pk > 0 AS TEXT) FROM pragma_table_info('{table}') \
                 ORDER BY cid"
            ))
            .await
            .expect("columns")
            .into_iter()
            .map(|c| (c[0].clone(), c[1] == "1"))
            .collect();
        tables.insert(table, columns);
    }
    let indexes = store
        .query_strings(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .await
        .expect("indexes")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    Schema { tables, indexes }
}

async fn postgres_schema(store: &Store) -> Schema {
    let rows = store
        .query_strings(
            "SELECT c.table_name::text, c.column_name::text, \
                    CASE WHEN c.is_nullable = 'NO' THEN '1' ELSE '0' END \
             FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name, c.ordinal_position",
        )
        .await
        .expect("columns");
    let mut tables: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for r in rows {
        tables
            .entry(r[0].clone())
            .or_default()
            .push((r[1].clone(), r[2] == "1"));
    }
    // Primary keys and UNIQUE columns make indexes of their own on PostgreSQL, automatic ones
    // (not listed) on SQLite: compare only the indexes the migrations create by name.
    let indexes = store
        .query_strings(
            "SELECT i.indexname::text FROM pg_indexes i \
             WHERE i.schemaname = current_schema() AND NOT EXISTS ( \
                 SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname \
                 AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) \
             ORDER BY 1",
        )
        .await
        .expect("indexes")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    Schema { tables, indexes }
}

/// Both migrations describe the same tables, columns (in the same order) and nullability, and the
/// same named indexes.
///
/// Differences by design:
/// - search: SQLite's `ticket_search` is an FTS5 virtual table (one column, `terms`; the ticket id
///   is its `rowid`) with shadow tables `ticket_search_*`; PostgreSQL's is a plain table
///   `(ticket_id, terms, vec)` with a generated `tsvector` and the GIN index `ticket_search_vec`;
/// - `schema_migration` is created by the runner, not by the migrations, and is the same on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_parity() {
    if skip_postgres() {
        eprintln!("skipped: GUICHET_SKIP_POSTGRES=1");
        return;
    }
    let lite = TestDb::sqlite().await;
    let pg = TestDb::postgres().await;
    let mut lite_schema = sqlite_schema(&lite.store).await;
    let mut pg_schema = postgres_schema(&pg.store).await;

    let shadow: Vec<String> = lite_schema
        .tables
        .keys()
        .filter(|t| t.starts_with("ticket_search_"))
        .cloned()
        .collect();
    assert!(
        !shadow.is_empty(),
        "FTS5 keeps its index in ticket_search_* tables"
    );
    for t in shadow {
        lite_schema.tables.remove(&t);
    }
    let lite_search = lite_schema.tables.remove("ticket_search");
    let pg_search = pg_schema.tables.remove("ticket_search");
    assert_eq!(lite_search, Some(vec![("terms".to_owned(), false)]));
    assert_eq!(
        pg_search,
        Some(vec![
            ("ticket_id".to_owned(), true),
            ("terms".to_owned(), true),
            ("vec".to_owned(), false),
        ])
    );
    pg_schema.indexes.retain(|i| i != "ticket_search_vec");

    let lite_tables: Vec<&String> = lite_schema.tables.keys().collect();
    let pg_tables: Vec<&String> = pg_schema.tables.keys().collect();
    assert_eq!(lite_tables, pg_tables, "the same tables");
    for (table, columns) in &lite_schema.tables {
        assert_eq!(
            Some(columns),
            pg_schema.tables.get(table),
            "columns of {table} (name, NOT NULL)"
        );
    }
    assert_eq!(lite_schema.indexes, pg_schema.indexes, "the same indexes");
    assert!(lite_schema.tables.contains_key("ticket"));
    assert!(lite_schema.indexes.contains(&"ticket_updated".to_owned()));
}
