//! Guichet's workers: a tokio pool ([`Pool`]) that claims jobs from the durable queue in
//! `guichet-store`, runs the [`Handler`] registered for their kind, and records the outcome
//! (done, retried with back-off, dead); and the outbox dispatcher that turns committed domain
//! events into jobs.
//!
//! This crate decides when and how jobs run, never what a use case does: a handler calls
//! `guichet-app` like any other front door. Handlers must be idempotent: a job whose worker died
//! runs again once its lease expires.

#![forbid(unsafe_code)]

pub mod broadcast;
mod directory;
pub mod intake;
pub mod mailbox;
pub mod notify;
mod pool;
pub mod sla;

pub use directory::{DIRECTORY_SYNC_KIND, DirectorySyncJob};
pub use pool::{Pool, PoolConfig, Waker, stop_requested};

use guichet_mail::{MailConfig, SmtpMailer};
use guichet_store::job::Job;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Why a run failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// A passing trouble (a server that did not answer): retried after a back-off.
    #[error("{0}")]
    Retryable(String),
    /// The job can never succeed (its payload does not parse): dead at once, for an
    /// administrator to look at.
    #[error("{0}")]
    Permanent(String),
    /// Stopped between two items because the pool shuts down ([`stop_requested`]): the job is
    /// released as it stands, without counting an attempt, and resumes at its next item.
    #[error("stopped at shutdown")]
    Interrupted,
}

/// Runs the jobs of one kind.
pub trait Handler: Send + Sync + 'static {
    /// Runs one job. Must be idempotent: the same job may run again after a crash.
    fn run(&self, job: &Job) -> impl Future<Output = Result<(), JobError>> + Send;
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// [`Handler`] made object-safe, so the registry can hold handlers of different types.
trait ErasedHandler: Send + Sync {
    fn run_boxed<'a>(&'a self, job: &'a Job) -> BoxFuture<'a>;
}

impl<H: Handler> ErasedHandler for H {
    fn run_boxed<'a>(&'a self, job: &'a Job) -> BoxFuture<'a> {
        Box::pin(self.run(job))
    }
}

/// The handlers by job kind. A pool claims only the kinds it has a handler for, so an instance
/// running an older binary leaves newer kinds to the others.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn ErasedHandler>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("kinds", &self.kinds())
            .finish()
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for `kind`, replacing any earlier one.
    pub fn register(mut self, kind: &str, handler: impl Handler) -> Self {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
        self
    }

    /// The registered kinds, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        kinds.sort_unstable();
        kinds
    }

    fn get(&self, kind: &str) -> Option<Arc<dyn ErasedHandler>> {
        self.handlers.get(kind).cloned()
    }
}

/// The kind of [`Noop`] jobs.
pub const NOOP_KIND: &str = "noop";

/// Does nothing, successfully: checks that the workers run (`guichet` tests, health probes).
#[derive(Debug, Clone, Copy, Default)]
pub struct Noop;

impl Handler for Noop {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// The handlers `guichet serve` registers.
pub fn default_registry() -> Registry {
    Registry::new().register(NOOP_KIND, Noop)
}

/// The SMTP mailer of `config`, or none when no server is configured (notices and broadcasts
/// are then recorded for the application only).
pub fn smtp_mailer(config: &MailConfig) -> Result<Option<SmtpMailer>, String> {
    config
        .enabled()
        .then(|| SmtpMailer::new(&config.smtp).map_err(|e| e.to_string()))
        .transpose()
}
