//! An LMTP listener (RFC 2033) in `guichet serve`, for an MTA that delivers in bulk.
//!
//! The pipe (`guichet mail ingest`) starts a process per message: a fork and exec of this 46 MB
//! binary by the MTA, then its configuration and runtime, which bound it to a few hundred
//! messages per second on two cores whatever the server does. Over LMTP the MTA keeps a few
//! connections open and hands each message over as it would to Dovecot (Postfix:
//! `lsun@ac-dijon.fr lmtp:inet:127.0.0.1:2424` in a transport map, or `lmtp:unix:/run/…`);
//! each message goes through the same `App::ingest_mail` as every channel, and the MTA gets
//! one answer per recipient: 250 once the message's outcome is committed (a ticket, a reply,
//! a quarantine entry, an ignored or duplicate message), 451 when the database is unreachable
//! (the MTA keeps the message and tries again), 550 for an address no mailbox has.
//!
//! A recipient names a mailbox by its `address`, or by its `name` as the local part (for a
//! transport map that rewrites addresses). The envelope sender is kept as a `Return-Path`
//! header on top of the message, as a delivery agent does, so that the intake policy sees an
//! empty one (a bounce) as such.
//!
//! LMTP carries no authentication: the listener takes a loopback address or a Unix socket
//! (mode 0660, for the MTA's group) and refuses any other address.

use crate::ingest::{Status, answer, bind_unix};
use anyhow::Context;
use guichet_app::App;
use guichet_app::intake::IngestOutcome;
use guichet_core::intake::Mailbox;
use guichet_mail::config::LmtpEndpoint as Endpoint;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;

/// Largest message taken; beyond, 552 and the MTA returns it to its sender.
const MAX_MESSAGE: usize = 64 << 20;
/// Longest command line (RFC 5321 asks for 512 at least).
const MAX_LINE: usize = 4096;
/// Recipients in one transaction.
const MAX_RECIPIENTS: usize = 100;
/// How long a connection may stay silent (RFC 5321 suggests 5 minutes).
const IDLE_LIMIT: Duration = Duration::from_secs(300);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 64;

enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

/// The listening socket, until stopped.
pub struct Lmtp {
    listener: Listener,
}

impl Lmtp {
    pub async fn bind(endpoint: &Endpoint) -> anyhow::Result<Self> {
        let listener = match endpoint {
            Endpoint::Tcp(addr) => Listener::Tcp(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("mail.lmtp_listen: cannot listen on {addr}"))?,
            ),
            Endpoint::Unix(path) => {
                Listener::Unix(bind_unix(path, "mail.lmtp_listen").await?, path.clone())
            }
        };
        Ok(Self { listener })
    }

    /// Serves connections until `stop` turns true; then each session finishes the message it
    /// is taking and answers its next command 421, so that the MTA comes back later.
    pub async fn run(self, app: App, stop: watch::Receiver<bool>) {
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        let mut sessions = tokio::task::JoinSet::new();
        let mut stopping = stop.clone();
        loop {
            let slot = tokio::select! {
                () = stopped(&mut stopping) => break,
                s = slots.clone().acquire_owned() => s,
            };
            let Ok(slot) = slot else { break };
            let accepted = tokio::select! {
                () = stopped(&mut stopping) => break,
                a = accept(&self.listener) => a,
            };
            let (app, stop) = (app.clone(), stop.clone());
            match accepted {
                Ok(Conn::Tcp(s)) => {
                    let _ = s.set_nodelay(true);
                    sessions.spawn(async move { session(app, s, stop, slot).await });
                }
                Ok(Conn::Unix(s)) => {
                    sessions.spawn(async move { session(app, s, stop, slot).await });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "lmtp: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            while sessions.try_join_next().is_some() {}
        }
        if let Listener::Unix(_, path) = &self.listener {
            let _ = std::fs::remove_file(path);
        }
        drop(self.listener);
        while sessions.join_next().await.is_some() {}
    }
}

/// Resolves once `stop` is true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

enum Conn {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> std::io::Result<Conn> {
    match listener {
        Listener::Tcp(l) => l.accept().await.map(|(s, _)| Conn::Tcp(s)),
        Listener::Unix(l, _) => l.accept().await.map(|(s, _)| Conn::Unix(s)),
    }
}

/// One transaction's envelope.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    /// Each accepted recipient's mailbox name, in order.
    to: Vec<String>,
}

/// A line read from the client, or why there is none.
enum Line {
    Text(String),
    TooLong,
    Closed,
}

async fn read_line<R: AsyncBufReadExt + Unpin>(r: &mut R) -> Line {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        IDLE_LIMIT,
        (&mut *r)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut buf),
    )
    .await;
    match read {
        Ok(Ok(0)) | Ok(Err(_)) | Err(_) => Line::Closed,
        Ok(Ok(_)) if !buf.ends_with(b"\n") => Line::TooLong,
        Ok(Ok(_)) => Line::Text(
            String::from_utf8_lossy(&buf)
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
    }
}

/// One connection, holding one of the listener's `_slot`s until it ends.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    app: App,
    stream: S,
    mut stop: watch::Receiver<bool>,
    _slot: tokio::sync::OwnedSemaphorePermit,
) {
    let (read, mut write) = tokio::io::split(stream);
    let mut read = BufReader::new(read);
    let mailboxes = &app.config().intake.mailboxes;
    let mut greeted = false;
    let mut env = Envelope::default();
    if reply(&mut write, "220 guichet LMTP ready").await.is_err() {
        return;
    }
    loop {
        // Between two commands, never inside a message: a message being received is taken.
        let next = tokio::select! {
            l = read_line(&mut read) => l,
            () = stopped(&mut stop) => {
                let _ = reply(&mut write, "421 4.3.2 Guichet is stopping; try again later").await;
                return;
            }
        };
        let line = match next {
            Line::Text(l) => l,
            Line::TooLong => {
                let _ = reply(&mut write, "500 5.5.2 line too long").await;
                return;
            }
            Line::Closed => return,
        };
        let (verb, arg) = match line.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim()),
            None => (line.to_ascii_uppercase(), ""),
        };
        let answer = match verb.as_str() {
            "LHLO" => {
                greeted = true;
                env = Envelope::default();
                format!(
                    "250-guichet\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE {MAX_MESSAGE}"
                )
            }
            "MAIL" if !greeted => "503 5.5.1 LHLO first".into(),
            "MAIL" if env.from.is_some() => "503 5.5.1 nested MAIL".into(),
            "MAIL" => match path_of(arg, "FROM:") {
                Some(from) => {
                    env.from = Some(from);
                    "250 2.1.0 sender ok".into()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".into(),
            },
            "RCPT" if env.from.is_none() => "503 5.5.1 MAIL first".into(),
            "RCPT" if env.to.len() >= MAX_RECIPIENTS => "452 4.5.3 too many recipients".into(),
            "RCPT" => match path_of(arg, "TO:") {
                Some(to) => match mailbox_for(mailboxes, &to) {
                    Some(m) => {
                        env.to.push(m.name.clone());
                        "250 2.1.5 recipient ok".into()
                    }
                    None => format!("550 5.1.1 no mailbox for {to}"),
                },
                None => "501 5.5.4 syntax: RCPT TO:<address>".into(),
            },
            "DATA" if env.to.is_empty() => "503 5.5.1 no valid recipients".into(),
            "DATA" => {
                if reply(&mut write, "354 end with <CRLF>.<CRLF>")
                    .await
                    .is_err()
                {
                    return;
                }
                let Some(body) = read_data(&mut read).await else {
                    return;
                };
                let answers = deliver(&app, &env, body).await;
                env = Envelope::default();
                answers.join("\r\n")
            }
            "RSET" => {
                env = Envelope::default();
                "250 2.0.0 reset".into()
            }
            "NOOP" => "250 2.0.0 ok".into(),
            "VRFY" => "252 2.5.0 cannot verify".into(),
            "QUIT" => {
                let _ = reply(&mut write, "221 2.0.0 bye").await;
                return;
            }
            "HELO" | "EHLO" => "500 5.5.1 this is LMTP: LHLO".into(),
            _ => "500 5.5.2 unknown command".into(),
        };
        if reply(&mut write, &answer).await.is_err() {
            return;
        }
    }
}

/// The message after DATA, dot-unstuffed: `Err(size)` when over [`MAX_MESSAGE`] (read to its
/// end all the same, to answer it); `None` when the connection was lost mid-message (nothing was
/// taken, the MTA tries again).
async fn read_data<R: AsyncBufReadExt + Unpin>(r: &mut R) -> Option<Result<Vec<u8>, usize>> {
    let mut raw = Vec::new();
    let mut size = 0usize;
    let mut chunk = Vec::new();
    // Whether the next chunk begins a line (a long line comes in several chunks).
    let mut line_start = true;
    loop {
        chunk.clear();
        let n = tokio::time::timeout(
            IDLE_LIMIT,
            (&mut *r).take(64 << 10).read_until(b'\n', &mut chunk),
        )
        .await
        .ok()?
        .ok()?;
        if n == 0 {
            return None;
        }
        if line_start && (chunk == b".\r\n" || chunk == b".\n") {
            break;
        }
        let text = match line_start {
            true => chunk.strip_prefix(b".").unwrap_or(&chunk),
            false => &chunk[..],
        };
        size += text.len();
        if size <= MAX_MESSAGE {
            raw.extend_from_slice(text);
        }
        line_start = chunk.ends_with(b"\n");
    }
    Some(if size <= MAX_MESSAGE {
        Ok(raw)
    } else {
        Err(size)
    })
}

/// Ingests the message once per distinct mailbox; one answer per recipient, in order.
async fn deliver(app: &App, env: &Envelope, body: Result<Vec<u8>, usize>) -> Vec<String> {
    let raw = match body {
        Ok(raw) => raw,
        Err(size) => {
            let line = format!("552 5.3.4 message of {size} bytes, over the {MAX_MESSAGE} taken");
            return env.to.iter().map(|_| line.clone()).collect();
        }
    };
    let from = env.from.as_deref().unwrap_or_default();
    let mut message = format!("Return-Path: <{from}>\r\n").into_bytes();
    message.extend_from_slice(&raw);
    let mut done: Vec<(&str, String)> = Vec::new();
    let mut answers = Vec::with_capacity(env.to.len());
    for mailbox in &env.to {
        if let Some((_, a)) = done.iter().find(|(m, _)| m == mailbox) {
            answers.push(a.clone());
            continue;
        }
        let outcome = app.ingest_mail(mailbox, &message).await;
        let failed = matches!(&outcome, Ok(IngestOutcome::Failed { .. }));
        let (status, text) = answer(outcome, mailbox);
        let line = match status {
            Status::Taken if failed => format!("250 2.0.0 kept for an administrator: {text}"),
            Status::Taken => format!("250 2.0.0 {text}"),
            Status::Temporary => format!("451 4.3.0 {}", one_line(&text)),
            Status::UnknownMailbox => format!("550 5.1.1 {text}"),
        };
        done.push((mailbox, line.clone()));
        answers.push(line);
    }
    answers
}

/// The mailbox an envelope recipient names: its address, or its name as the local part.
fn mailbox_for<'a>(mailboxes: &'a [Mailbox], to: &str) -> Option<&'a Mailbox> {
    mailboxes
        .iter()
        .find(|m| !m.address.is_empty() && m.address.eq_ignore_ascii_case(to))
        .or_else(|| {
            let local = to.split('@').next().unwrap_or_default();
            mailboxes
                .iter()
                .find(|m| m.name.eq_ignore_ascii_case(local))
        })
}

/// The address of `FROM:<a@b> PARAMS` (or `TO:`): `Some("")` for the null path `<>`.
fn path_of(arg: &str, keyword: &str) -> Option<String> {
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    let address = &inner[..end];
    (!address.contains(['\r', '\n', ' '])).then(|| address.to_owned())
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_read_with_or_without_parameters() {
        assert_eq!(
            path_of("FROM:<a@ac-dijon.fr> SIZE=12 BODY=8BITMIME", "FROM:"),
            Some("a@ac-dijon.fr".into())
        );
        assert_eq!(path_of("from: <>", "FROM:"), Some(String::new()));
        assert_eq!(path_of("TO:a@b", "TO:"), None);
        assert_eq!(path_of("TO:<a b@c>", "TO:"), None);
        assert_eq!(path_of("", "TO:"), None);
    }
}
