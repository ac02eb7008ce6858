//! Guichet's persistence: one store API over SQLite (the embedded default) and PostgreSQL.
//!
//! Each query is written once where the dialects agree and dispatched to the engine at hand
//! (see [`conn`]); the engines differ only where they must: full-text search (FTS5 vs
//! `tsvector`), row locks, and DDL (`migrations/{sqlite,postgres}`). This crate owns SQL and
//! nothing else: it does not check permissions or lifecycle rules (that is `guichet-app` with
//! `guichet-core`), and nothing above it sees `sqlx::Error`.

#![forbid(unsafe_code)]

pub mod absence;
pub mod application;
pub mod audit;
pub mod broadcast;
pub mod bulk;
pub mod calendar;
mod conn;
pub mod desk;
pub mod directory;
mod error;
mod generation;
mod group;
pub mod intake;
pub mod job;
pub mod lease;
mod migrate;
pub mod notification;
pub mod org;
pub mod outbox;
pub mod person;
pub mod queue;
pub mod rule;
pub mod session;
pub mod sign_on;
pub mod sla;
mod sql;
pub mod ticket;
pub mod token;
pub mod view;
mod writer;

pub use conn::{Conn, Tx};
pub use error::StoreError;
pub use migrate::{latest_version, versions as migration_versions};

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pools {
    /// SQLite has one writer: one connection, kept by the group committer, queues writers in
    /// tokio, fairly and without SQLite's busy-sleep, and commits them in groups; readers use
    /// their own pool (WAL lets them run alongside).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        group: std::sync::Arc<group::Group>,
        /// Submissions' own writer (see [`writer`]); `None` for an in-memory database, which a
        /// second connection cannot share.
        submit: Option<std::sync::Arc<writer::SubmitWriter>>,
    },
    Postgres(PgPool),
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Reader connections for SQLite; connections for PostgreSQL.
    pub max_connections: u32,
    /// How long to wait for a connection before answering "unavailable".
    pub acquire_timeout: Duration,
}

/// A PostgreSQL connection idle for longer than this is pinged before it is handed out (the
/// server may have restarted or a firewall dropped it); one used more recently is handed out as
/// is. sqlx pings every connection by default: a round trip before each of the dozen reads and
/// writes of one submission, which was a third of its round trips on loopback.
const PING_AFTER_IDLE: Duration = Duration::from_secs(5);

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The database: cheap to clone, shared by every front door.
#[derive(Debug, Clone)]
pub struct Store {
    pools: Pools,
}

impl Store {
    /// Connects to `sqlite://path` (the file is created if missing) or `postgres://…`.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("invalid SQLite URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit that was answered survives a power cut, not only a crash.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                // Each connection has its own page cache: 32 MiB for the writers, which update
                // the indexes, 8 MiB for each reader (below), whose misses are served by the
                // kernel's page cache, shared by all. 64 MiB each made `guichet serve` reach
                // 900 MiB under the page benchmark with 8 readers.
                .pragma("cache_size", "-32768");
            // Two: the group committer keeps one for good; administrative statements (ANALYZE,
            // test probes) use the other and wait for the write lock like any SQLite client.
            let write = SqlitePoolOptions::new()
                .max_connections(2)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(base.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .acquire_timeout(options.acquire_timeout)
                // A connection to a local file does not go stale: no ping (a round trip to
                // the connection's thread) before each read.
                .test_before_acquire(false)
                .connect_with(base.clone().read_only(true).pragma("cache_size", "-8192"))
                .await?;
            let group = group::Group::start(write.acquire().await?);
            let file = base.get_filename();
            let submit = if file.as_os_str().is_empty() || file.as_os_str() == ":memory:" {
                None
            } else {
                Some(std::sync::Arc::new(writer::SubmitWriter::start(
                    file,
                    group.lock(),
                )?))
            };
            Ok(Self {
                pools: Pools::Sqlite {
                    read,
                    write,
                    group,
                    submit,
                },
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("invalid PostgreSQL URL: {e}")))?
                // Many short queries at once, not a few long ones: parallel workers only added
                // their start-up to the slowest searches (late to start on a busy machine) and
                // take cores from the other requests.
                .options([("max_parallel_workers_per_gather", "0")]);
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(2))
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_AFTER_IDLE {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(opts)
                .await?;
            Ok(Self {
                pools: Pools::Postgres(pool),
            })
        } else {
            Err(StoreError::Unavailable(
                "the database URL must start with sqlite:// or postgres://".into(),
            ))
        }
    }

    pub fn engine(&self) -> Engine {
        match self.pools {
            Pools::Sqlite { .. } => Engine::Sqlite,
            Pools::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        migrate::run(self).await
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<Conn, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite { read, .. } => Conn::sqlite(read.acquire().await?),
            Pools::Postgres(pool) => Conn::postgres(pool.acquire().await?),
        })
    }

    /// A write transaction.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite { group, .. } => Tx::sqlite(group.begin().await?),
            Pools::Postgres(pool) => Tx::postgres(pool.begin().await?),
        })
    }

    /// The SQLite writer thread, when submissions go through it.
    pub(crate) fn submit_writer(&self) -> Option<&writer::SubmitWriter> {
        match &self.pools {
            Pools::Sqlite { submit, .. } => submit.as_deref(),
            Pools::Postgres(_) => None,
        }
    }

    /// Answers whether the database is reachable (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.read().await?;
        conn::on!(conn, |c| {
            sqlx::query("SELECT 1").execute(c).await?;
        });
        Ok(())
    }

    /// Runs one administrative statement (`CREATE SCHEMA`, `VACUUM`…) outside any transaction.
    /// Never with user input.
    pub async fn execute_admin(&self, statement: &str) -> Result<(), StoreError> {
        let sql = sqlx::AssertSqlSafe(statement.to_owned());
        match &self.pools {
            Pools::Sqlite { write, .. } => {
                sqlx::raw_sql(sql).execute(write).await?;
            }
            Pools::Postgres(pool) => {
                sqlx::raw_sql(sql).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Runs one read-only query and returns its rows with every column as text (`NULL` as an
    /// empty string). For tests and diagnostics that compare the engines' catalogues; never with
    /// user input. Every column must be of a text type: cast in SQL where it is not
    /// (`CAST(n AS TEXT)` reads the same on both engines).
    #[doc(hidden)]
    pub async fn query_strings(&self, statement: &str) -> Result<Vec<Vec<String>>, StoreError> {
        use sqlx::Row;
        let sql = sqlx::AssertSqlSafe(statement.to_owned());
        let mut conn = self.read().await?;
        conn::on!(conn, |c| {
            sqlx::query(sql)
                .fetch_all(c)
                .await?
                .iter()
                .map(|row| {
                    (0..row.len())
                        .map(|i| Ok(row.try_get::<Option<String>, _>(i)?.unwrap_or_default()))
                        .collect()
                })
                .collect()
        })
    }

    /// Refreshes the planner's statistics (after a bulk load).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => {
                sqlx::query("ANALYZE").execute(write).await?;
            }
            Pools::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                read,
                write,
                group,
                submit,
            } => {
                if let Some(submit) = submit {
                    submit.close().await;
                }
                group.close().await;
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// Timestamps are stored to the microsecond, PostgreSQL's precision, so a value reads back equal
/// on both engines.
pub fn ts(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}
