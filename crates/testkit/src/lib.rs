//! Test helpers shared by every crate's tests: an isolated, migrated database per test on either
//! engine ([`TestDb`]), a macro that runs one scenario on both ([`both_engines!`]), and a small
//! académie to act in ([`fixture::Fixture`]).
//!
//! PostgreSQL tests use the server at `GUICHET_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), each in a schema of its own that is dropped
//! afterwards. They fail when that server does not answer, unless `GUICHET_SKIP_POSTGRES=1`
//! says to skip them: CI never sets it.

pub mod cas;
pub mod dovecot;
pub mod fixture;
pub mod oidc;
pub mod smtp;

use guichet_store::{Store, StoreOptions};
use rand::Rng;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A migrated, empty database that disappears with the test.
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with (a binary under test can be pointed at it).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<String>,
}

pub fn postgres_url() -> String {
    std::env::var("GUICHET_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into())
}

/// True when PostgreSQL tests are explicitly switched off.
pub fn skip_postgres() -> bool {
    std::env::var("GUICHET_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

impl TestDb {
    pub async fn new(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => Self::sqlite().await,
            Engine::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("guichet.db").display());
        let store = Store::connect(&url, &StoreOptions::default())
            .await
            .expect("SQLite opens");
        store.migrate().await.expect("migrations apply on SQLite");
        Self {
            store,
            url,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    pub async fn postgres() -> Self {
        let admin_url = postgres_url();
        let schema = format!("t_{:016x}", rand::rng().random::<u64>());
        let admin = Store::connect(&admin_url, &StoreOptions::default())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL at {admin_url} does not answer ({e}); start it or set \
                     GUICHET_SKIP_POSTGRES=1 to skip the PostgreSQL tests"
                )
            });
        admin
            .execute_admin(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("schema created");
        admin.close().await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        let store = Store::connect(&url, &StoreOptions::default())
            .await
            .expect("PostgreSQL opens");
        store
            .migrate()
            .await
            .expect("migrations apply on PostgreSQL");
        Self {
            store,
            url,
            _dir: None,
            pg_schema: Some(schema),
        }
    }

    pub fn engine(&self) -> Engine {
        if self.pg_schema.is_some() {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(schema) = self.pg_schema.take() else {
            return;
        };
        // Drop runs outside any runtime we may block on: clean up from a thread of its own.
        let store = self.store.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    store.close().await;
                    if let Ok(admin) =
                        Store::connect(&postgres_url(), &StoreOptions::default()).await
                    {
                        let _ = admin
                            .execute_admin(&format!("DROP SCHEMA {schema} CASCADE"))
                            .await;
                        admin.close().await;
                    }
                });
            }
        })
        .join();
    }
}

/// Runs an `async fn(TestDb)` scenario as two tests, one per engine:
/// `both_engines!(references_are_unique);` makes `references_are_unique::sqlite` and
/// `references_are_unique::postgres`.
#[macro_export]
macro_rules! both_engines {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario($crate::TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::skip_postgres() {
                    eprintln!("skipped: GUICHET_SKIP_POSTGRES=1");
                    return;
                }
                super::$scenario($crate::TestDb::postgres().await).await;
            }
        }
    )+};
}

/// The port a test server prints on its first line of output once it listens.
fn read_port(child: &mut std::process::Child, what: &str) -> u16 {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the test server prints its port");
    line.trim().parse().unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("the test {what} did not start: {line:?}")
    })
}
