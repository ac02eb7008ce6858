//! `guichet-bench mail`: messages per second through mail intake, end to end (issue 4). A fresh
//! database with the test académie, a private Dovecot on loopback, N new requests from school
//! directors; then either
//! - `imap`: all N APPENDed to the inbox first, then the time `guichet mail collect --once` takes
//!   until every message is a ticket with its acknowledgement queued and the inbox is empty; or
//! - `pipe`: one `guichet mail ingest --mailbox lsun < message` process per message, 2 in flight,
//!   as RT's `rt-mailgate` benchmark pipes its messages.
//!
//! Both count the tickets and the events queued for their acknowledgements afterwards.

use anyhow::{Context, bail};
use guichet_store::application::ApplicationChange;
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
    /// `imap` or `pipe`.
    #[arg(long, default_value = "imap")]
    pub mode: String,
    /// Messages in flight for `pipe`.
    #[arg(long, default_value_t = 2)]
    pub in_flight: usize,
}

const DIRECTORS: [&str; 3] = [
    "claire.martin@ac-dijon.fr",
    "ines.petit@ac-dijon.fr",
    "luc.moreau@ac-dijon.fr",
];

fn message(i: usize) -> Vec<u8> {
    let from = DIRECTORS[i % DIRECTORS.len()];
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

fn config(dir: &Path, imap_port: u16) -> anyhow::Result<PathBuf> {
    let path = dir.join("guichet.toml");
    std::fs::write(
        &path,
        format!(
            r#"[mail]
from = "Guichet <assistance-lsun@ac-dijon.fr>"
reply_to = "assistance-lsun@ac-dijon.fr"
message_domain = "ac-dijon.fr"

[[mail.mailbox]]
name = "lsun"
address = "assistance-lsun@ac-dijon.fr"
allowed_domains = ["ac-dijon.fr"]
authentication = "off"
keyword_required = true
daily_quota = 1000000
required_role = "director"

[mail.mailbox.imap]
host = "127.0.0.1"
port = {imap_port}
security = "none"
username = "{IMAP_USER}"
password = "{IMAP_PASSWORD}"
batch = 100
"#
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
    tx.commit().await?;
    let tickets_before = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await?;
    let events_before = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox").await?;

    let server = Dovecot::start();
    let dir = tempfile::tempdir()?;
    let config = config(dir.path(), server.port)?;
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
    let start;
    match args.mode.as_str() {
        "imap" => {
            server.append_all("INBOX", (0..n).map(message)).await;
            start = Instant::now();
            let out = guichet(&["mail", "collect", "--mailbox", "lsun", "--once"])
                .output()
                .context("running guichet mail collect")?;
            if !out.status.success() {
                bail!("collect failed: {}", String::from_utf8_lossy(&out.stderr));
            }
            eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());
        }
        "pipe" => {
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
                        .write_all(&message(next))?;
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
        other => bail!("--mode: imap or pipe, not {other}"),
    }
    let secs = start.elapsed().as_secs_f64();
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
         {events} events queued (acknowledgements), {left} left in the inbox",
        mode = args.mode,
        rate = n as f64 / secs,
    );
    if tickets != n {
        bail!("{tickets} tickets for {n} messages");
    }
    store.close().await;
    Ok(())
}
