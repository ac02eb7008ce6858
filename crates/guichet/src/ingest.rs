//! `guichet mail ingest`, the MTA's pipe, and the Unix socket through which it hands messages to
//! a running `guichet serve`.
//!
//! A process per message cannot share a commit with another, and opening the database costs
//! more than ingesting one message. Like RT's `rt-mailgate` (a client of the RT server), the
//! command therefore gives the message to the server listening on `[mail] ingest_socket` when
//! there is one; the server ingests it through the same `App::ingest_mail` as every channel, and
//! many connections at once commit together. When no socket is configured, or nothing answers on
//! it, the command ingests directly. Falling back after a failure mid-way is safe: the message is
//! recorded exactly once (Message-ID dedupe), so a second attempt finds it.
//!
//! The protocol, all integers big-endian: the client sends `1` (version, one byte), the mailbox
//! name (length `u16`, UTF-8), the raw message (length `u64`, bytes); the server answers a status
//! byte ([`Status`]) and a text (length `u32`, UTF-8) saying what became of the message. One
//! message per connection. The socket file's permissions (0660) are the authentication.

use crate::cli::{EX_TEMPFAIL, EX_USAGE, Exit, intake_settings, open};
use crate::config::Config;
use anyhow::Context;
use guichet_app::intake::IngestOutcome;
use guichet_app::{App, AppError};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

const VERSION: u8 = 1;
/// Longest mailbox name accepted on the socket.
const MAX_NAME: usize = 255;
/// Larger messages are ingested directly (they are refused as too large anyway; the server
/// need not buffer them).
const MAX_MESSAGE: u64 = 256 << 20;
/// How long the server waits for a client's request, and a client for the answer (beyond: it
/// ingests directly, which the exactly-once record makes safe).
const REQUEST_LIMIT: Duration = Duration::from_secs(60);
const ANSWER_LIMIT: Duration = Duration::from_secs(120);

/// What the server says of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Recorded (ticket, reply, quarantined, ignored, bounce, duplicate, failed for replay).
    Taken = 0,
    /// The database is unreachable: the MTA must try again later.
    Temporary = 1,
    /// No such mailbox on the server.
    UnknownMailbox = 2,
}

impl Status {
    fn from_byte(b: u8) -> Option<Self> {
        [Self::Taken, Self::Temporary, Self::UnknownMailbox]
            .into_iter()
            .find(|s| *s as u8 == b)
    }
}

/// `guichet mail ingest --mailbox NAME`: one message from standard input; through the server's
/// socket when one answers, else directly.
pub async fn mail_ingest(config: &Config, mailbox: &str) -> anyhow::Result<()> {
    let exit = |code, message: String| anyhow::Error::new(Exit { code, message });
    if intake_settings(&config.mail)?.mailbox(mailbox).is_none() {
        return Err(exit(
            EX_USAGE,
            format!("no [[mail.mailbox]] named {mailbox}"),
        ));
    }
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .context("reading the message")?;
    if let Some(path) = &config.mail.ingest_socket
        && raw.len() as u64 <= MAX_MESSAGE
    {
        match tokio::time::timeout(ANSWER_LIMIT, hand_over(path, mailbox, &raw)).await {
            Ok(Ok((Status::Taken, text))) => {
                eprintln!("{text}");
                return Ok(());
            }
            Ok(Ok((Status::Temporary, text))) => return Err(exit(EX_TEMPFAIL, text)),
            Ok(Ok((Status::UnknownMailbox, text))) => return Err(exit(EX_USAGE, text)),
            Ok(Err(e)) => {
                tracing::debug!(socket = %path.display(), error = %e, "no answer on the ingest socket; ingesting directly");
            }
            Err(_) => {
                tracing::warn!(socket = %path.display(), "the server did not answer in time; ingesting directly");
            }
        }
    }
    // Whatever keeps the database from opening, the message must stay with the MTA.
    let app = open(config)
        .await
        .map_err(|e| exit(EX_TEMPFAIL, format!("{e:#}")))?;
    let outcome = app.ingest_mail(mailbox, &raw).await;
    app.store().close().await;
    match answer(outcome, mailbox) {
        (Status::Taken, text) => {
            eprintln!("{text}");
            Ok(())
        }
        (Status::Temporary, text) => Err(exit(EX_TEMPFAIL, text)),
        (Status::UnknownMailbox, text) => Err(exit(EX_USAGE, text)),
    }
}

/// Sends one message on the socket and reads the server's answer.
async fn hand_over(path: &Path, mailbox: &str, raw: &[u8]) -> std::io::Result<(Status, String)> {
    let mut stream = UnixStream::connect(path).await?;
    let name = mailbox.as_bytes();
    if name.len() > MAX_NAME {
        return Err(invalid("mailbox name"));
    }
    let mut head = Vec::with_capacity(11 + name.len());
    head.push(VERSION);
    head.extend_from_slice(&(name.len() as u16).to_be_bytes());
    head.extend_from_slice(name);
    head.extend_from_slice(&(raw.len() as u64).to_be_bytes());
    stream.write_all(&head).await?;
    stream.write_all(raw).await?;
    stream.flush().await?;
    let status = Status::from_byte(stream.read_u8().await?).ok_or_else(|| invalid("status"))?;
    let len = stream.read_u32().await? as usize;
    let mut text = Vec::new();
    (&mut stream)
        .take(len.min(64 << 10) as u64)
        .read_to_end(&mut text)
        .await?;
    Ok((status, String::from_utf8_lossy(&text).into_owned()))
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad {what}"))
}

/// What to tell the MTA of an ingestion.
pub(crate) fn answer(outcome: Result<IngestOutcome, AppError>, mailbox: &str) -> (Status, String) {
    match outcome {
        Ok(o) => (Status::Taken, describe(&o)),
        Err(AppError::NotFound(_)) => (Status::UnknownMailbox, format!("no mailbox {mailbox}")),
        Err(e) => (Status::Temporary, e.to_string()),
    }
}

fn describe(o: &IngestOutcome) -> String {
    match o {
        IngestOutcome::Ticket { reference, .. } => format!("ticket {reference}"),
        IngestOutcome::Reply { reference, .. } => format!("reply on {reference}"),
        IngestOutcome::Quarantined { id, reasons } => format!(
            "quarantined #{id}: {}",
            reasons.first().map_or("", |r| r.code.as_str())
        ),
        IngestOutcome::Ignored { reason } => format!("ignored: {reason}"),
        IngestOutcome::Bounce { reference } => {
            format!("bounce on {}", reference.as_deref().unwrap_or("-"))
        }
        IngestOutcome::Duplicate => "duplicate".into(),
        IngestOutcome::Failed { id, error } => format!("failed #{id}: {error}"),
    }
}

/// The server's side: a listening socket, until stopped.
#[derive(Debug)]
pub struct IngestSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl IngestSocket {
    /// Creates the socket at `path`, mode 0660 (see [`bind_unix`]).
    pub async fn bind(path: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            listener: bind_unix(path, "mail.ingest_socket").await?,
            path: path.to_owned(),
        })
    }

    /// Ingests each connection's message until `stop`; then lets those in flight finish and
    /// removes the socket file.
    pub async fn run(self, app: App, stop: impl std::future::Future<Output = ()>) {
        let mut in_flight = tokio::task::JoinSet::new();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        in_flight.spawn(serve_one(app.clone(), stream));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "ingest socket: accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            }
        }
        let _ = std::fs::remove_file(&self.path);
        drop(self.listener);
        while in_flight.join_next().await.is_some() {}
    }
}

/// One connection: read the request, ingest, answer.
async fn serve_one(app: App, mut stream: UnixStream) {
    let request = tokio::time::timeout(REQUEST_LIMIT, read_request(&mut stream)).await;
    let (mailbox, raw) = match request {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "ingest socket: unreadable request");
            return;
        }
        Err(_) => {
            tracing::warn!("ingest socket: no request in time");
            return;
        }
    };
    let (status, text) = answer(app.ingest_mail(&mailbox, &raw).await, &mailbox);
    let text = text.into_bytes();
    let mut out = Vec::with_capacity(5 + text.len());
    out.push(status as u8);
    out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&text);
    // The client may have gone (its MTA timed out): the message is recorded all the same.
    if let Err(e) = stream.write_all(&out).await {
        tracing::debug!(error = %e, "ingest socket: the client left before the answer");
    }
}

async fn read_request(stream: &mut UnixStream) -> std::io::Result<(String, Vec<u8>)> {
    if stream.read_u8().await? != VERSION {
        return Err(invalid("version"));
    }
    let len = usize::from(stream.read_u16().await?);
    if len > MAX_NAME {
        return Err(invalid("mailbox name"));
    }
    let mut name = vec![0; len];
    stream.read_exact(&mut name).await?;
    let name = String::from_utf8(name).map_err(|_| invalid("mailbox name"))?;
    let len = stream.read_u64().await?;
    if len > MAX_MESSAGE {
        return Err(invalid("message length"));
    }
    let mut raw = Vec::new();
    stream.take(len).read_to_end(&mut raw).await?;
    if raw.len() as u64 != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok((name, raw))
}

/// Listens on a Unix socket at `path`, mode 0660 (`setting` names it in errors). A socket file
/// left by a server that died is replaced; one a live server answers on, or a file that is not
/// a socket, is an error.
pub(crate) async fn bind_unix(path: &Path, setting: &str) -> anyhow::Result<UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        anyhow::ensure!(
            meta.file_type().is_socket(),
            "{setting}: {} exists and is not a socket",
            path.display()
        );
        anyhow::ensure!(
            UnixStream::connect(path).await.is_err(),
            "{setting}: another server listens on {}",
            path.display()
        );
        std::fs::remove_file(path)
            .with_context(|| format!("removing the stale socket {}", path.display()))?;
    }
    // Bound under a temporary name, given its mode, then renamed: the socket never exists at
    // its published path with the umask's permissions.
    let staging = path.with_file_name(format!(
        ".{}.{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("socket"),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&staging);
    let listener = UnixListener::bind(&staging)
        .with_context(|| format!("{setting}: cannot listen on {}", path.display()))?;
    std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o660))
        .and_then(|()| std::fs::rename(&staging, path))
        .with_context(|| format!("{setting}: cannot create {}", path.display()))?;
    Ok(listener)
}
