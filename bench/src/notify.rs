//! `guichet-bench notify`: issue 5's throughput, end to end through a real `guichet serve
//! --workers-only` and a real SMTP server on loopback (aiosmtpd from the testkit, writing a
//! maildir that is counted afterwards). A fresh database with the test académie, then
//! - `broadcast`: N directors, one broadcast to them with the rate limit off; the clock runs
//!   from the moment it is scheduled (`send_broadcast`) until it is recorded sent;
//! - `notices`: N tickets submitted through the app's `submit` use case while the workers are
//!   stopped (N outbox events waiting), then the workers started; the clock runs until every
//!   event is dispatched and every notice mailed.
//!
//! Both check the maildir: every message the database says is sent was received.

use anyhow::{Context, bail};
use chrono::Utc;
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, SystemClock};
use guichet_core::person::{Locale, RoleKind};
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_store::person::NewPerson;
use guichet_store::{Store, StoreOptions};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::SmtpServer;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    /// `sqlite://path` (deleted first) or `postgres://…/db` (its public schema is recreated).
    #[arg(long, env = "GUICHET_DATABASE_URL")]
    pub database_url: String,
    /// The `guichet` binary to measure.
    #[arg(long, default_value = "target/release/guichet")]
    pub guichet: PathBuf,
    /// `broadcast` or `notices`.
    #[arg(long, default_value = "broadcast")]
    pub mode: String,
    /// Recipients of the broadcast, or tickets submitted.
    #[arg(long, default_value_t = 10_000)]
    pub count: usize,
    /// `[jobs] workers` of the measured `guichet serve`.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Gives up after this long.
    #[arg(long, default_value_t = 900)]
    pub timeout_secs: u64,
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

async fn count(store: &Store, sql: &str) -> anyhow::Result<usize> {
    let rows = store.query_strings(sql).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// A `guichet serve --workers-only` mailing through `smtp`; stopped by SIGTERM on drop.
struct Workers(Child);

impl Workers {
    fn start(args: &NotifyArgs, smtp: &SmtpServer) -> anyhow::Result<Self> {
        let child = Command::new(&args.guichet)
            .env("GUICHET_DATABASE_URL", &args.database_url)
            .env(
                "GUICHET_LOG",
                std::env::var("NOTIFY_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("GUICHET_MAIL_SMTP_HOST", "127.0.0.1")
            .env("GUICHET_MAIL_SMTP_PORT", smtp.port.to_string())
            .env("GUICHET_MAIL_FROM", "Guichet <guichet@ac-dijon.fr>")
            .env("GUICHET_JOBS_WORKERS", args.workers.to_string())
            .env_remove("GUICHET_CONFIG")
            .args(["serve", "--workers-only"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", args.guichet.display()))?;
        Ok(Self(child))
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// Polls `done` every 50 ms until it holds; the elapsed time since `start`.
async fn wait_until<F, Fut>(start: Instant, timeout: Duration, mut done: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    loop {
        if done().await? {
            return Ok(start.elapsed().as_secs_f64());
        }
        if start.elapsed() > timeout {
            bail!("not done after {} s", timeout.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn run(args: NotifyArgs) -> anyhow::Result<()> {
    let store = fresh_store(&args.database_url).await?;
    let fx = Fixture::build(&store).await;
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let admin = app.caller(fx.admin.id, "bench").await?;
    let smtp = SmtpServer::start();
    let engine = if args.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let n = args.count;
    let timeout = Duration::from_secs(args.timeout_secs);
    match args.mode.as_str() {
        "broadcast" => {
            let mut tx = store.write().await?;
            for i in 0..n {
                let school = if i % 2 == 0 {
                    &fx.school_a
                } else {
                    &fx.school_b
                };
                let p = tx
                    .insert_person(
                        &NewPerson {
                            uid: None,
                            email: format!("directeur{i:05}@ac-dijon.fr"),
                            display_name: format!("Directeur {i}"),
                            locale: if i % 10 == 0 { Locale::En } else { Locale::Fr },
                        },
                        Utc::now(),
                    )
                    .await?;
                tx.add_role(p.id, RoleKind::Staff, school.id).await?;
            }
            tx.commit().await?;
            let b = app
                .create_broadcast(
                    &admin,
                    ComposeBroadcast {
                        subject_fr: "Rentrée : nouvelle version d'ONDE".into(),
                        body_fr: "La nouvelle version d'ONDE est en ligne.\n\nBonne rentrée."
                            .into(),
                        subject_en: "New ONDE release".into(),
                        body_en: "The new ONDE release is online.".into(),
                        audience: AudienceInput {
                            roles: vec!["staff".into()],
                            zones: vec![fx.circ_dijon.id.0],
                            uais: Vec::new(),
                        },
                        rate_per_minute: Some(0),
                        ..ComposeBroadcast::default()
                    },
                )
                .await?;
            let id = b.broadcast.id;
            let workers = Workers::start(&args, &smtp)?;
            // Let the workers start (and settle their own start-up jobs) before the clock runs.
            tokio::time::sleep(Duration::from_secs(3)).await;
            let start = Instant::now();
            app.send_broadcast(&admin, id, None).await?;
            let secs = wait_until(start, timeout, || async {
                let v = app.broadcast(&admin, id).await?;
                Ok(v.broadcast.status == guichet_core::broadcast::BroadcastStatus::Sent)
            })
            .await?;
            drop(workers);
            let v = app.broadcast(&admin, id).await?;
            let received = smtp.messages().len();
            println!(
                "broadcast {engine}: {n} recipients in {secs:.2} s = {rate:.1} messages/s \
                 (from scheduled to last sent, {w} workers, rate limit off); {sent} recorded sent, \
                 {failed} failed, {received} received by the SMTP server",
                rate = v.progress.sent as f64 / secs,
                w = args.workers,
                sent = v.progress.sent,
                failed = v.progress.failed,
            );
            if v.progress.sent != n as i64 || received != n {
                bail!("{} sent, {received} received for {n}", v.progress.sent);
            }
        }
        "notices" => {
            let director = app.caller(fx.director_a.id, "bench").await?;
            let created = Instant::now();
            for i in 0..n {
                app.submit(
                    &director,
                    SubmitTicket {
                        on_behalf_of: None,
                        establishment: Some(fx.school_a.id),
                        application: None,
                        ticket_type: TicketType::Incident,
                        channel: Channel::Web,
                        subject: format!("LSUN : bulletins non validés n°{i}"),
                        body: "Les bulletins de CM2 ne sont pas validés depuis ce matin.".into(),
                        urgency: Urgency::Medium,
                        impact: Impact::Medium,
                        attachments: Vec::new(),
                    },
                )
                .await?;
            }
            let creation = created.elapsed().as_secs_f64();
            let events = count(
                &store,
                "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE processed_at IS NULL",
            )
            .await?;
            let start = Instant::now();
            let workers = Workers::start(&args, &smtp)?;
            let secs = wait_until(start, timeout, || async {
                let pending = count(
                    &store,
                    "SELECT CAST((SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL)
                          + (SELECT COUNT(*) FROM job WHERE state IN ('queued', 'running', 'failed')
                               AND kind IN ('outbox.event', 'notify.send'))
                          + (SELECT COUNT(*) FROM notification
                               WHERE delivery = 'email' AND state = 'queued') AS TEXT)",
                )
                .await?;
                Ok(pending == 0)
            })
            .await?;
            drop(workers);
            let mailed = count(
                &store,
                "SELECT CAST(COUNT(*) AS TEXT) FROM notification
                 WHERE delivery = 'email' AND state = 'sent'",
            )
            .await?;
            let in_app = count(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM notification").await?;
            let received = smtp.messages().len();
            println!(
                "notices {engine}: {events} ticket events -> {mailed} notices mailed in {secs:.2} s \
                 = {rate:.1} notices/s, {erate:.1} events/s (workers started on the backlog, \
                 {w} workers); {in_app} notifications in all, {received} received by the SMTP \
                 server; the {n} submissions took {creation:.1} s",
                rate = mailed as f64 / secs,
                erate = events as f64 / secs,
                w = args.workers,
            );
            if received != mailed || events < n {
                bail!("{mailed} notices sent, {received} received, {events} events");
            }
        }
        other => bail!("--mode: broadcast or notices, not {other}"),
    }
    store.close().await;
    Ok(())
}
