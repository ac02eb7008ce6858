//! The IMAP collector: fetches a mailbox's messages by UID, hands each raw message to a
//! [`MailSink`] (in production `App::ingest_mail`, wired by `guichet-jobs`), then moves it to
//! the folder its outcome names. A message leaves the inbox only after the sink has committed its
//! outcome; when the sink fails temporarily (database unreachable) the message stays and the
//! caller backs off. A crash between the commit and the move leaves the message in the inbox:
//! fetched again, the sink recognises it (Message-ID dedupe) and it moves on as a duplicate.
//!
//! This module knows IMAP, never the database: it does not decide a message's fate, nor which
//! instance may collect (the store's lease, held by the caller).

mod collector;
mod config;
mod connect;

pub use collector::{Batch, Collector};
pub use config::ImapConfig;

use std::future::Future;

/// What became of a message, so where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// A ticket, a reply, a bounce note, an ignored automatic message, a duplicate.
    Processed,
    /// Quarantined by the intake policy.
    Refused,
    /// Processing failed; recorded as a failed message an administrator can replay.
    Failed,
}

/// The sink could not record the message now (the database is unreachable): the message must
/// stay in the inbox and be offered again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("temporary failure: {0}")]
pub struct Temporary(pub String);

/// Where collected messages go.
pub trait MailSink: Send + Sync {
    /// Records `raw`, received by `mailbox`; returns once its outcome is committed.
    fn ingest(
        &self,
        mailbox: &str,
        raw: &[u8],
    ) -> impl Future<Output = Result<Disposition, Temporary>> + Send;
}

/// Why a collector stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached, the TLS handshake failed or the connection dropped.
    #[error("{0}")]
    Connect(String),
    /// The server refused the login.
    #[error("the IMAP server refused the login of {user:?}: {reason}")]
    Login { user: String, reason: String },
    /// The server answered a command with an error.
    #[error("IMAP: {0}")]
    Protocol(String),
    /// The sink failed temporarily; the message it was given is still in the inbox.
    #[error(transparent)]
    Sink(#[from] Temporary),
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        use async_imap::error::Error as E;
        match e {
            E::Io(e) => Self::Connect(format!("connection lost: {e}")),
            E::ConnectionLost => Self::Connect("connection lost".into()),
            other => Self::Protocol(other.to_string()),
        }
    }
}
