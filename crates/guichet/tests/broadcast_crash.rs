//! Crash tests: `guichet serve --workers-only` (the real binary, its workers, the database)
//! is stopped in the middle of a 2,000-recipient broadcast, then started again; the messages
//! are read back from the SMTP server's maildir.
//!
//! - Stopped by SIGTERM, it finishes the messages in flight, records them, exits 0: every
//!   recipient receives the message exactly once.
//! - Killed by SIGKILL, nobody is lost; the only copies are of the messages in flight at the
//!   kill (at most [`IN_FLIGHT`] per worker, marked in flight in the database), each with the
//!   same Message-ID as the first, so a client shows one.

use chrono::Utc;
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast};
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::broadcast::BroadcastStatus;
use guichet_core::person::{Locale, RoleKind};
use guichet_jobs::broadcast::IN_FLIGHT;
use guichet_store::person::NewPerson;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::SmtpServer;
use guichet_testkit::{TestDb, both_engines};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

both_engines!(
    a_broadcast_stopped_midway_reaches_everyone_exactly_once,
    a_broadcast_killed_midway_loses_nobody,
);

const RECIPIENTS: usize = 2_000;
const WORKERS: usize = 2;

fn start(db: &TestDb, smtp: &SmtpServer) -> Child {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", &db.url)
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_MAIL_SMTP_HOST", "127.0.0.1")
        .env("GUICHET_MAIL_SMTP_PORT", smtp.port.to_string())
        .env("GUICHET_MAIL_FROM", "Guichet <guichet@ac-dijon.fr>")
        .env("GUICHET_JOBS_WORKERS", WORKERS.to_string())
        // A killed worker's job is taken over after this, not after the default 5 minutes.
        .env("GUICHET_JOBS_LEASE_SECONDS", "5")
        .env_remove("GUICHET_CONFIG")
        .args(["serve", "--workers-only"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("guichet starts")
}

/// Counts the delivered messages per envelope recipient.
fn per_recipient(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for m in smtp.messages() {
        if let Some(to) = m
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("X-Envelope-To: "))
        {
            *counts.entry(to.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// One running broadcast to 2,000 directors, its author, and the SMTP server it goes to.
struct Scenario {
    app: App,
    admin: Caller,
    id: i64,
    emails: Vec<String>,
    smtp: SmtpServer,
}

impl Scenario {
    async fn progress(&self) -> guichet_app::broadcast::BroadcastView {
        self.app
            .broadcast(&self.admin, self.id)
            .await
            .expect("read")
    }

    /// Waits until `sent` recipients are recorded sent, `guichet` still running.
    async fn wait_for_sent(&self, guichet: &mut Child, sent: i64) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.progress().await.progress.sent < sent {
            assert!(
                guichet.try_wait().expect("status").is_none(),
                "guichet stopped on its own"
            );
            assert!(Instant::now() < deadline, "{sent} not sent in 2 minutes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Restarts `guichet`, waits for the broadcast to finish, stops it again.
    async fn finish(&self, db: &TestDb) {
        let mut again = start(db, &self.smtp);
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let v = self.progress().await;
            if v.broadcast.status == BroadcastStatus::Sent {
                assert_eq!(v.progress.sent, RECIPIENTS as i64);
                break;
            }
            assert!(
                Instant::now() < deadline,
                "not finished after restart: {:?}",
                v.progress
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            terminate(&mut again).await.success(),
            "guichet stops cleanly"
        );
    }

    /// The recipients still queued whose message was handed to the server without an answer
    /// recorded.
    async fn in_flight(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .app
                .broadcast_recipients(&self.admin, self.id, Some("queued"), after, 500)
                .await
                .expect("recipients");
            let Some(last) = page.last() else {
                return found;
            };
            after = Some(last.id);
            found.extend(
                page.into_iter()
                    .filter(|r| r.sending_since.is_some())
                    .map(|r| r.email),
            );
        }
    }
}

/// Sends SIGTERM and waits (bounded) for `guichet` to exit.
async fn terminate(guichet: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &guichet.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        if let Some(status) = guichet.try_wait().expect("status") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = guichet.kill();
            panic!("guichet did not stop within 40 s of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn scenario(db: &TestDb) -> Scenario {
    let fx = Fixture::build(&db.store).await;
    let mut emails = Vec::with_capacity(RECIPIENTS);
    let mut tx = db.store.write().await.expect("tx");
    for i in 0..RECIPIENTS {
        let school = if i % 2 == 0 {
            &fx.school_a
        } else {
            &fx.school_b
        };
        let email = format!("directeur{i:04}@ac-dijon.fr");
        let p = tx
            .insert_person(
                &NewPerson {
                    uid: None,
                    email: email.clone(),
                    display_name: format!("Directeur {i}"),
                    locale: Locale::Fr,
                },
                Utc::now(),
            )
            .await
            .expect("person");
        tx.add_role(p.id, RoleKind::Staff, school.id)
            .await
            .expect("role");
        emails.push(email);
    }
    tx.commit().await.expect("commit");

    let app = App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        AppConfig::default(),
    );
    let admin: Caller = app.caller(fx.admin.id, "test").await.expect("caller");
    let b = app
        .create_broadcast(
            &admin,
            ComposeBroadcast {
                subject_fr: "Rentrée : nouvelle version d'ONDE".into(),
                body_fr: "La nouvelle version d'ONDE est en ligne.".into(),
                audience: AudienceInput {
                    roles: vec!["staff".into()],
                    zones: vec![fx.circ_dijon.id.0],
                    uais: Vec::new(),
                },
                rate_per_minute: Some(0),
                ..ComposeBroadcast::default()
            },
        )
        .await
        .expect("created");
    let id = b.broadcast.id;
    let smtp = SmtpServer::start();
    app.send_broadcast(&admin, id, None).await.expect("sent");
    Scenario {
        app,
        admin,
        id,
        emails,
        smtp,
    }
}

async fn a_broadcast_stopped_midway_reaches_everyone_exactly_once(db: TestDb) {
    let t = Instant::now();
    let sc = scenario(&db).await;
    eprintln!("setup {:?}", t.elapsed());
    let mut first = start(&db, &sc.smtp);
    sc.wait_for_sent(&mut first, 400).await;
    eprintln!("400 sent {:?}", t.elapsed());
    let status = terminate(&mut first).await;
    eprintln!("stopped {:?}", t.elapsed());
    assert!(status.success(), "SIGTERM ends guichet cleanly: {status}");

    // Every message the server accepted is recorded sent, none left in flight.
    let at_stop = sc.progress().await;
    assert_eq!(at_stop.broadcast.status, BroadcastStatus::Sending);
    assert!(
        at_stop.progress.sent < RECIPIENTS as i64,
        "stopped before the end"
    );
    let delivered: usize = per_recipient(&sc.smtp).values().sum();
    assert_eq!(delivered as i64, at_stop.progress.sent);
    assert_eq!(sc.in_flight().await, Vec::<String>::new());

    sc.finish(&db).await;
    eprintln!("finished {:?}", t.elapsed());
    let counts = per_recipient(&sc.smtp);
    let wrong: Vec<(&String, usize)> = sc
        .emails
        .iter()
        .map(|e| (e, counts.get(e).copied().unwrap_or(0)))
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(wrong.is_empty(), "not received exactly once: {wrong:?}");
    assert_eq!(counts.len(), RECIPIENTS, "nobody outside the audience");
}

async fn a_broadcast_killed_midway_loses_nobody(db: TestDb) {
    let sc = scenario(&db).await;
    let mut first = start(&db, &sc.smtp);
    sc.wait_for_sent(&mut first, 400).await;
    first.kill().expect("SIGKILL");
    first.wait().expect("killed");
    let at_kill = sc.progress().await;
    assert_eq!(at_kill.broadcast.status, BroadcastStatus::Sending);
    assert!(
        at_kill.progress.sent < RECIPIENTS as i64,
        "killed before the end"
    );
    let uncertain = sc.in_flight().await;
    assert!(
        uncertain.len() <= WORKERS * IN_FLIGHT,
        "at most {IN_FLIGHT} messages in flight per worker: {uncertain:?}"
    );

    sc.finish(&db).await;
    let counts = per_recipient(&sc.smtp);
    let missing: Vec<&String> = sc
        .emails
        .iter()
        .filter(|e| !counts.contains_key(*e))
        .collect();
    assert!(missing.is_empty(), "never received: {missing:?}");
    assert_eq!(counts.len(), RECIPIENTS, "nobody outside the audience");
    let twice: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(e, _)| e)
        .collect();
    eprintln!(
        "{RECIPIENTS} recipients, {} messages, killed after {} recorded sent; in flight {uncertain:?}; received twice {twice:?}",
        counts.values().sum::<usize>(),
        at_kill.progress.sent
    );
    for e in &twice {
        assert!(
            uncertain.contains(e),
            "{e} received twice but was not in flight at the kill"
        );
        let ids: Vec<String> = sc
            .smtp
            .messages_to(e)
            .iter()
            .map(|m| message_id(m))
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] == w[1]),
            "a copy carries the first message's Message-ID: {ids:?}"
        );
    }
}

/// The `Message-ID` header of a raw message.
fn message_id(raw: &str) -> String {
    raw.lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("message-id"))
                .map(|(_, v)| v.trim().to_owned())
        })
        .expect("a Message-ID")
}
