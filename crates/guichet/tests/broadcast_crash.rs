//! Crash test: `guichet serve --workers-only` (the real binary, its workers, the database) is
//! killed with SIGKILL in the middle of a 2,000-recipient broadcast, then started again. Every
//! recipient ends with its message, read back from the SMTP server's maildir, and nobody gets
//! it twice unless the kill fell between the server's acceptance and the commit that records it
//! (at most one message per worker in flight; the copy carries the same Message-ID).

use chrono::Utc;
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast};
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::broadcast::BroadcastStatus;
use guichet_core::person::{Locale, RoleKind};
use guichet_store::person::NewPerson;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::SmtpServer;
use guichet_testkit::{TestDb, both_engines};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

both_engines!(a_broadcast_killed_midway_reaches_everyone_once);

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

async fn a_broadcast_killed_midway_reaches_everyone_once(db: TestDb) {
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

    let mut first = start(&db, &smtp);
    // Kill it once a good part, not all, has gone out.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let sent = app.broadcast(&admin, id).await.expect("read").progress.sent;
        if sent >= 400 {
            break;
        }
        assert!(
            first.try_wait().expect("status").is_none(),
            "guichet stopped on its own"
        );
        assert!(Instant::now() < deadline, "nothing was sent in 2 minutes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().expect("SIGKILL");
    first.wait().expect("killed");
    let at_kill = app.broadcast(&admin, id).await.expect("read");
    assert_eq!(at_kill.broadcast.status, BroadcastStatus::Sending);
    assert!(
        at_kill.progress.sent < RECIPIENTS as i64,
        "killed before the end"
    );

    let mut second = start(&db, &smtp);
    let deadline = Instant::now() + Duration::from_secs(300);
    let view = loop {
        let v = app.broadcast(&admin, id).await.expect("read");
        if v.broadcast.status == BroadcastStatus::Sent {
            break v;
        }
        assert!(
            Instant::now() < deadline,
            "not finished after restart: {:?}",
            v.progress
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status();
    second.wait().expect("stopped");

    assert_eq!(view.progress.sent, RECIPIENTS as i64);
    let counts = per_recipient(&smtp);
    let missing: Vec<&String> = emails.iter().filter(|e| !counts.contains_key(*e)).collect();
    assert!(missing.is_empty(), "never received: {missing:?}");
    let twice: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
    eprintln!(
        "{} recipients, {} messages, killed after {} recorded sent; received twice: {twice:?}",
        RECIPIENTS,
        counts.values().sum::<usize>(),
        at_kill.progress.sent
    );
    assert!(
        twice.len() <= WORKERS,
        "only a message in flight at the kill may go twice: {twice:?}"
    );
    assert_eq!(counts.len(), RECIPIENTS, "nobody outside the audience");
}
