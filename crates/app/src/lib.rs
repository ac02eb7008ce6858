//! Guichet's use cases: the only place tickets are written.
//!
//! Web pages, the JSON API, inbound mail and the CLI all call these functions. Each use case is
//! one transaction that checks permission through `guichet-core`, applies the lifecycle, and
//! writes the change, its timeline entry, its audit record and its outbox event together.
//! Nothing here knows HTTP or SQL.

#![forbid(unsafe_code)]

pub mod absence;
pub mod admin;
pub mod broadcast;
pub mod bulk;
mod cache;
mod caller;
pub mod directory;
mod error;
pub mod handling;
pub mod intake;
pub mod job;
mod lookup;
pub mod notify;
pub mod password;
pub mod queue;
pub mod requester;
pub mod routing;
pub mod session;
pub mod sign_on;
pub mod sla;
pub mod ticket;
pub mod token;

pub use caller::Caller;
pub use error::AppError;

use chrono::{DateTime, Utc};
use guichet_store::{Engine, Store};
use std::sync::Arc;

/// The time, injected so that tests can choose it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Settings the use cases follow.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long after resolution a requester's answer reopens the ticket.
    pub reopen_window_days: i64,
    /// Code of the group that receives requests no application routes (the N1 referent's queue).
    /// Unset: the first N1 group.
    pub intake_group: Option<String>,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// Most attachments on one entry.
    pub max_attachments: usize,
    /// Mail intake: the mailboxes and their policies.
    pub intake: intake::IntakeSettings,
    /// A broadcast's rate when its author does not choose one, in messages per minute
    /// (0 = as fast as the SMTP server takes them).
    pub broadcast_rate_per_minute: i64,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            reopen_window_days: 14,
            intake_group: None,
            max_attachment_bytes: 10 * 1024 * 1024,
            max_attachments: 10,
            intake: intake::IntakeSettings::default(),
            broadcast_rate_per_minute: 600,
        }
    }
}

/// The use cases, over one store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    config: Arc<AppConfig>,
    cache: Arc<cache::Cache>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        // See `cache`: on PostgreSQL several processes share the data.
        let cache = Arc::new(cache::Cache::new(store.engine() == Engine::Postgres));
        Self {
            store,
            clock,
            config: Arc::new(config),
            cache,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn cache(&self) -> &cache::Cache {
        &self.cache
    }

    /// Commits a transaction that changed reference data (or people, roles, tokens): it bumps
    /// the reference generation inside it, so that other instances forget their copy at their
    /// next poll, and clears this process's cache once committed.
    pub(crate) async fn commit_reference_change(
        &self,
        mut tx: guichet_store::Tx,
    ) -> Result<(), AppError> {
        tx.bump_reference_generation().await?;
        tx.commit().await?;
        self.cache.clear();
        Ok(())
    }

    /// Reads the database's reference generation once, so that the in-memory copy of reference
    /// data follows other instances' changes (PostgreSQL; nothing to do on SQLite).
    pub async fn sync_reference_cache(&self) -> Result<(), AppError> {
        if self.cache.shared() {
            let generation = self.store.read().await?.reference_generation().await?;
            self.cache.observe(generation);
        }
        Ok(())
    }

    /// Keeps the reference cache in step with the database for as long as the process runs:
    /// what `guichet serve` and the mail collector run beside their work on PostgreSQL. Without
    /// it, a PostgreSQL process reads reference data from the database every time.
    pub async fn keep_reference_cache(self) {
        if !self.cache.shared() {
            return;
        }
        let mut tick = tokio::time::interval(cache::SYNC_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.sync_reference_cache().await {
                tracing::debug!(error = %e, "reference generation not read; the cache waits");
            }
        }
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn now(&self) -> DateTime<Utc> {
        guichet_store::ts(self.clock.now())
    }
}
