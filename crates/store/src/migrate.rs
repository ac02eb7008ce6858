//! Applies the embedded migrations of `migrations/{sqlite,postgres}`, each in one transaction,
//! and refuses to run when an applied file was edited afterwards.
//!
//! Written by hand rather than with `sqlx::migrate!`: that macro needs sqlx's `macros` feature,
//! which compiles both drivers and SQLite's C code a second time, and this runner is 60 lines.

use crate::{Store, StoreError};
use sha2::{Digest, Sha256};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "search_statistics",
        sqlite: include_str!("../../../migrations/sqlite/0002_search_statistics.sql"),
        postgres: include_str!("../../../migrations/postgres/0002_search_statistics.sql"),
    },
    Migration {
        version: 4,
        name: "search_pending_list",
        sqlite: include_str!("../../../migrations/sqlite/0004_search_pending_list.sql"),
        postgres: include_str!("../../../migrations/postgres/0004_search_pending_list.sql"),
    },
    Migration {
        version: 5,
        name: "web_session",
        sqlite: include_str!("../../../migrations/sqlite/0005_web_session.sql"),
        postgres: include_str!("../../../migrations/postgres/0005_web_session.sql"),
    },
    Migration {
        version: 6,
        name: "agent_desk",
        sqlite: include_str!("../../../migrations/sqlite/0006_agent_desk.sql"),
        postgres: include_str!("../../../migrations/postgres/0006_agent_desk.sql"),
    },
    Migration {
        version: 7,
        name: "job_queue",
        sqlite: include_str!("../../../migrations/sqlite/0007_job_queue.sql"),
        postgres: include_str!("../../../migrations/postgres/0007_job_queue.sql"),
    },
    Migration {
        version: 10,
        name: "notification",
        sqlite: include_str!("../../../migrations/sqlite/0010_notification.sql"),
        postgres: include_str!("../../../migrations/postgres/0010_notification.sql"),
    },
    Migration {
        version: 12,
        name: "routing_sla",
        sqlite: include_str!("../../../migrations/sqlite/0012_routing_sla.sql"),
        postgres: include_str!("../../../migrations/postgres/0012_routing_sla.sql"),
    },
    Migration {
        version: 14,
        name: "list_by_update",
        sqlite: include_str!("../../../migrations/sqlite/0014_list_by_update.sql"),
        postgres: include_str!("../../../migrations/postgres/0014_list_by_update.sql"),
    },
    Migration {
        version: 15,
        name: "directory",
        sqlite: include_str!("../../../migrations/sqlite/0015_directory.sql"),
        postgres: include_str!("../../../migrations/postgres/0015_directory.sql"),
    },
    Migration {
        version: 16,
        name: "mail_intake",
        sqlite: include_str!("../../../migrations/sqlite/0016_mail_intake.sql"),
        postgres: include_str!("../../../migrations/postgres/0016_mail_intake.sql"),
    },
    Migration {
        version: 17,
        name: "mailbox_lease",
        sqlite: include_str!("../../../migrations/sqlite/0017_mailbox_lease.sql"),
        postgres: include_str!("../../../migrations/postgres/0017_mailbox_lease.sql"),
    },
    Migration {
        version: 18,
        name: "broadcast",
        sqlite: include_str!("../../../migrations/sqlite/0018_broadcast.sql"),
        postgres: include_str!("../../../migrations/postgres/0018_broadcast.sql"),
    },
    Migration {
        version: 19,
        name: "sign_on",
        sqlite: include_str!("../../../migrations/sqlite/0019_sign_on.sql"),
        postgres: include_str!("../../../migrations/postgres/0019_sign_on.sql"),
    },
    Migration {
        version: 20,
        name: "routing_admin",
        sqlite: include_str!("../../../migrations/sqlite/0020_routing_admin.sql"),
        postgres: include_str!("../../../migrations/postgres/0020_routing_admin.sql"),
    },
    Migration {
        version: 21,
        name: "broadcast_attempt",
        sqlite: include_str!("../../../migrations/sqlite/0021_broadcast_attempt.sql"),
        postgres: include_str!("../../../migrations/postgres/0021_broadcast_attempt.sql"),
    },
    Migration {
        version: 22,
        name: "group_admin",
        sqlite: include_str!("../../../migrations/sqlite/0022_group_admin.sql"),
        postgres: include_str!("../../../migrations/postgres/0022_group_admin.sql"),
    },
    Migration {
        version: 23,
        name: "requester_open",
        sqlite: include_str!("../../../migrations/sqlite/0023_requester_open.sql"),
        postgres: include_str!("../../../migrations/postgres/0023_requester_open.sql"),
    },
    Migration {
        version: 24,
        name: "reference_generation",
        sqlite: include_str!("../../../migrations/sqlite/0024_reference_generation.sql"),
        postgres: include_str!("../../../migrations/postgres/0024_reference_generation.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migration (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// An advisory lock key so that several instances starting together migrate one at a time.
const PG_LOCK_KEY: i64 = 0x0067_7569_6368_6574;

pub(crate) async fn run(store: &Store) -> Result<usize, StoreError> {
    let mut applied = 0;
    let mut tx = store.write().await?;
    let sqlite = tx.is_sqlite();
    crate::conn::on!(tx, |c| {
        if !sqlite {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *c)
                .await?;
        }
        sqlx::query(CREATE_TABLE).execute(&mut *c).await?;
    });
    tx.commit().await?;

    for m in MIGRATIONS {
        let sql = if sqlite { m.sqlite } else { m.postgres };
        let checksum = hex::encode(Sha256::digest(sql.as_bytes()));
        let mut tx = store.write().await?;
        let done: Option<String> = crate::conn::on!(tx, |c| {
            if !sqlite {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_LOCK_KEY)
                    .execute(&mut *c)
                    .await?;
            }
            sqlx::query_scalar("SELECT checksum FROM schema_migration WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *c)
                .await?
        });
        match done {
            Some(sum) if sum == checksum => continue,
            Some(_) => {
                return Err(StoreError::Migration(format!(
                    "migration {:04}_{} was edited after it was applied; add a new migration instead",
                    m.version, m.name
                )));
            }
            None => {}
        }
        tracing::info!(version = m.version, name = m.name, "applying migration");
        crate::conn::on!(tx, |c| {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *c)
                .await
                .map_err(|e| StoreError::Migration(format!("{:04}_{}: {e}", m.version, m.name)))?;
            sqlx::query(
                "INSERT INTO schema_migration (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(&checksum)
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(&mut *c)
            .await?;
        });
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

/// Every migration version this binary knows, oldest first (numbers are assigned per branch,
/// so there may be gaps until every branch has landed).
pub fn versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|m| m.version).collect()
}

/// The newest migration this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
