//! `guichet-bench mail`: messages per second through mail intake, end to end (issue 4). A fresh
//! database with the test académie and DIRECTORS more school directors (the requests of an
//! académie come from many schools; one sender's messages are taken in order), a private
//! Dovecot on loopback, N new requests from those directors in turn; then either
//! - `imap`: all N APPENDed to the inbox first, then the time `guichet mail collect --once` takes
//!   until every message is a ticket with its acknowledgement queued and the inbox is empty; or
//! - `pipe`: one `guichet mail ingest --mailbox lsun < message` process per message, 2 in flight,
//!   as RT's `rt-mailgate` benchmark pipes its messages, each opening the database; or
//! - `pipe-socket`: the same processes, handing each message to a `guichet serve --workers-only`
//!   started first with `[mail] ingest_socket` (RT's mail gateway is likewise a client of the
//!   running server); the server's start is not timed; or
//! - `lmtp`: an MTA's delivery over LMTP to the `guichet serve --workers-only` listening on
//!   `[mail] lmtp_listen` (a Unix socket): IN_FLIGHT connections, as an MTA keeps several, each
//!   delivering its share of the messages one after another (MAIL, RCPT and DATA pipelined).
//!
//! Both count the tickets and the events queued for their acknowledgements afterwards.

use anyhow::{Context, bail};
use guichet_core::person::{Locale, RoleKind};
use guichet_store::application::ApplicationChange;
use guichet_store::person::NewPerson;
use guichet_store::{Store, StoreOptions};
use guichet_testkit::dovecot::{Dovecot, IMAP_PASSWORD, IMAP_USER};
use guichet_testkit::fixture::Fixture;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// `sqlite://path` (deleted first) or `postgres://…/db` (its public schema is recreated).
    #[arg(long, env = "GUICHET_DATABASE_URL")]
    pub database_url: String,
    /// The `guichet` binary to measure.
    #[arg(long, default_value = "target/release/guichet")]
    pub guichet: PathBuf,
    #[arg(long, default_value_t = 2_000)]
    pub messages: usize,
    /// `imap`, `pipe`, `pipe-socket` or `lmtp`.
    #[arg(long, default_value = "imap")]
    pub mode: String,
    /// Messages in flight for `pipe` and `pipe-socket`; connections for `lmtp`.
    #[arg(long, default_value_t = 2)]
    pub in_flight: usize,
    /// School directors the messages come from, in turn.
    #[arg(long, default_value_t = 100)]
    pub directors: usize,
}

fn director(i: usize) -> String {
    format!("directeur.{i}@ac-dijon.fr")
}

fn message(i: usize, directors: usize) -> Vec<u8> {
    let from = director(i % directors.max(1));
    format!(
        "Return-Path: <{from}>\r\nFrom: {from}\r\nTo: assistance-lsun@ac-dijon.fr\r\n\
         Subject: =?UTF-8?Q?LSUN_=3A_bulletins_non_valid=C3=A9s_n=C2=B0{i}?=\r\n\
         Message-ID: <bench-{i}.{}@mail.ac-dijon.fr>\r\nDate: Tue, 1 Dec 2026 08:00:00 +0100\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\nBonjour,\r\n\r\nLes bulletins de la classe de \
         CM2 ne sont pas validés depuis ce matin.\r\nMerci d'avance.\r\n",
        std::process::id()
    )
    .into_bytes()
}

async fn fresh_store(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    let store = Store::connect(url, &StoreOptions::default()).await?;
    if url.starts_with("postgres") {
        store
            .execute_admin("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
            .await?;
    }
    store.migrate().await?;
    Ok(store)
}

/// The configuration: the `lsun` mailbox collected by IMAP, or, with `socket`, taking piped
/// mail through the server's socket (no IMAP table: the server collects nothing meanwhile).
fn config(
    dir: &Path,
    imap_port: u16,
    socket: Option<&Path>,
    lmtp: bool,
) -> anyhow::Result<PathBuf> {
    let path = dir.join("guichet.toml");
    let socket_line = socket.map_or(String::new(), |p| {
        let key = if lmtp { "lmtp_listen" } else { "ingest_socket" };
        format!("{key} = \"{}\"\n", p.display())
    });
    let imap = if socket.is_some() {
        String::new()
    } else {
        format!(
            r#"
[mail.mailbox.imap]
host = "127.0.0.1"
port = {imap_port}
security = "none"
username = "{IMAP_USER}"
password = "{IMAP_PASSWORD}"
batch = 100
"#
        )
    };
    std::fs::write(
        &path,
        format!(
            r#"[mail]
from = "Guichet <assistance-lsun@ac-dijon.fr>"
reply_to = "assistance-lsun@ac-dijon.fr"
message_domain = "ac-dijon.fr"
{socket_line}
[[mail.mailbox]]
name = "lsun"
address = "assistance-lsun@ac-dijon.fr"
allowed_domains = ["ac-dijon.fr"]
authentication = "off"
keyword_required = true
daily_quota = 1000000
required_role = "director"
{imap}"#
        ),
    )?;
    Ok(path)
}

async fn count(store: &Store, sql: &str) -> anyhow::Result<usize> {
    let rows = store.query_strings(sql).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

pub async fn run(args: MailArgs) -> anyhow::Result<()> {
    let store = fresh_store(&args.database_url).await?;
    let fx = Fixture::build(&store).await;
    let mut tx = store.write().await?;
    tx.update_application(
        fx.lsun.id,
        &ApplicationChange {
            name: fx.lsun.name.clone(),
            description: fx.lsun.description.clone(),
            keywords: vec!["LSUN".into(), "LSU".into(), "LIVRET".into()],
            default_group: fx.lsun.default_group,
            active: true,
        },
    )
    .await?;
    let schools = [&fx.school_a, &fx.school_b, &fx.school_c];
    for i in 0..args.directors {
        let person = tx
            .insert_person(
                &NewPerson {
                    uid: None,
                    email: director(i),
                    display_name: format!("Directeur {i}"),
                    locale: Locale::Fr,
                },
                chrono::Utc::now(),
            )
            .await?;
        tx.add_role(person.id, RoleKind::Director, schools[i % schools.len()].id)
            .await?;
    }
    tx.commit().await?;
    let tickets_before = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await?;
    let events_before = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox").await?;

    let server = Dovecot::start();
    let dir = tempfile::tempdir()?;
    let lmtp = args.mode == "lmtp";
    let socket = match args.mode.as_str() {
        "pipe-socket" => Some(dir.path().join("ingest.sock")),
        "lmtp" => Some(dir.path().join("lmtp.sock")),
        _ => None,
    };
    let config = config(dir.path(), server.port, socket.as_deref(), lmtp)?;
    let guichet = |args_: &[&str]| {
        let mut c = Command::new(&args.guichet);
        c.env("GUICHET_DATABASE_URL", &args.database_url)
            .env("GUICHET_LOG", "warn")
            .arg("--config")
            .arg(&config)
            .args(args_);
        c
    };
    let n = args.messages;
    let d = args.directors;
    let mut serving = Served(match &socket {
        Some(path) => Some(start_server(guichet(&["serve", "--workers-only"]), path)?),
        None => None,
    });
    let start;
    match args.mode.as_str() {
        "imap" => {
            server
                .append_all("INBOX", (0..n).map(|i| message(i, d)))
                .await;
            start = Instant::now();
            let out = guichet(&["mail", "collect", "--mailbox", "lsun", "--once"])
                .output()
                .context("running guichet mail collect")?;
            if !out.status.success() {
                bail!("collect failed: {}", String::from_utf8_lossy(&out.stderr));
            }
            eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());
        }
        "pipe" | "pipe-socket" => {
            start = Instant::now();
            let mut next = 0;
            let mut running = Vec::new();
            while next < n || !running.is_empty() {
                while next < n && running.len() < args.in_flight.max(1) {
                    let mut child = guichet(&["mail", "ingest", "--mailbox", "lsun"])
                        .stdin(Stdio::piped())
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .spawn()
                        .context("running guichet mail ingest")?;
                    child
                        .stdin
                        .take()
                        .context("stdin")?
                        .write_all(&message(next, d))?;
                    running.push(child);
                    next += 1;
                }
                let child = running.remove(0);
                let out = child.wait_with_output()?;
                if !out.status.success() {
                    bail!("ingest failed: {}", String::from_utf8_lossy(&out.stderr));
                }
            }
        }
        "lmtp" => {
            let path = socket.clone().context("the LMTP socket")?;
            let k = args.in_flight.max(1);
            start = Instant::now();
            let mut connections = tokio::task::JoinSet::new();
            for c in 0..k {
                let path = path.clone();
                let mine: Vec<Vec<u8>> = (c..n).step_by(k).map(|i| message(i, d)).collect();
                connections.spawn(async move { lmtp_deliver(&path, mine).await });
            }
            while let Some(done) = connections.join_next().await {
                done??;
            }
        }
        other => bail!("--mode: imap, pipe, pipe-socket or lmtp, not {other}"),
    }
    let secs = start.elapsed().as_secs_f64();
    if let Some(child) = serving.0.take() {
        stop_server(child)?;
    }
    let tickets =
        count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await? - tickets_before;
    let events = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox").await? - events_before;
    let left = server.count("INBOX").await;
    let engine = if args.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    println!(
        "mail {mode} {engine}: {n} messages in {secs:.2} s = {rate:.1} messages/s; {tickets} tickets, \
         {events} events queued (acknowledgements), {left} left in the inbox; {in_flight} in flight, \
         {d} senders",
        mode = args.mode,
        in_flight = if args.mode == "imap" {
            0
        } else {
            args.in_flight
        },
        rate = n as f64 / secs,
    );
    if tickets != n {
        bail!("{tickets} tickets for {n} messages");
    }
    store.close().await;
    Ok(())
}

/// One LMTP connection delivering `messages` in turn, each answered 250 or the run fails.
async fn lmtp_deliver(path: &Path, messages: Vec<Vec<u8>>) -> anyhow::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let stream = tokio::net::UnixStream::connect(path).await?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    // One reply, continuation lines skipped: its last line.
    async fn reply(
        read: &mut BufReader<tokio::net::unix::OwnedReadHalf>,
        line: &mut String,
    ) -> anyhow::Result<String> {
        loop {
            line.clear();
            if read.read_line(line).await? == 0 {
                bail!("the LMTP server closed the connection");
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(line.trim_end().to_owned());
            }
        }
    }
    reply(&mut read, &mut line).await?;
    write.write_all(b"LHLO bench.local\r\n").await?;
    reply(&mut read, &mut line).await?;
    for (i, m) in messages.iter().enumerate() {
        write
            .write_all(
                b"MAIL FROM:<sender@ac-dijon.fr>\r\nRCPT TO:<assistance-lsun@ac-dijon.fr>\r\nDATA\r\n",
            )
            .await?;
        for expected in ["250", "250", "354"] {
            let got = reply(&mut read, &mut line).await?;
            if !got.starts_with(expected) {
                bail!("message {i}: {got}");
            }
        }
        let mut body = Vec::with_capacity(m.len() + 16);
        for l in m.split_inclusive(|b| *b == b'\n') {
            if l.first() == Some(&b'.') {
                body.push(b'.');
            }
            body.extend_from_slice(l);
        }
        if !body.ends_with(b"\n") {
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b".\r\n");
        write.write_all(&body).await?;
        let got = reply(&mut read, &mut line).await?;
        if !got.starts_with("250") {
            bail!("message {i}: {got}");
        }
    }
    write.write_all(b"QUIT\r\n").await?;
    Ok(())
}

/// The server of `pipe-socket`, killed if the run fails before stopping it.
struct Served(Option<std::process::Child>);

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `guichet serve` and waits (bounded) for its ingest socket.
fn start_server(mut command: Command, socket: &Path) -> anyhow::Result<std::process::Child> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running guichet serve")?;
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while !socket.exists() {
        if let Some(status) = child.try_wait()? {
            bail!("guichet serve ended before listening: {status}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("guichet serve did not create {} in 60 s", socket.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Ok(child)
}

/// SIGTERM, then waits for a clean exit.
fn stop_server(mut child: std::process::Child) -> anyhow::Result<()> {
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    if !term.success() {
        let _ = child.kill();
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("guichet serve stopped with {status}");
    }
    Ok(())
}
