//! Delivery reports on a broadcast's messages, through `guichet mail ingest` as an MTA's pipe
//! runs it (the real binary), on SQLite and PostgreSQL. An IEN's message to the directors of
//! their circonscription goes out through a real SMTP server (aiosmtpd on loopback); the
//! report that comes back for one director names the Message-ID read back from the delivered
//! message: that recipient is recorded `bounced` with the remote server's words, the progress
//! counts one bounce, the address counts one failure toward the threshold, and nobody is
//! answered. A delay warning changes nothing; a report naming someone the broadcast never
//! reached marks nobody.

mod common;

use guichet_app::broadcast::{AudienceInput, ComposeBroadcast};
use guichet_app::intake::EXPLAIN_KIND;
use guichet_app::{App, AppConfig, SystemClock};
use guichet_core::broadcast::BroadcastStatus;
use guichet_jobs::broadcast::Broadcaster;
use guichet_jobs::{Pool, PoolConfig, Registry};
use guichet_mail::{MailConfig, SmtpConfig, SmtpMailer};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::{SmtpServer, header};
use guichet_testkit::{TestDb, both_engines};
use std::sync::Arc;

both_engines!(a_returned_broadcast_message_is_recorded_on_its_recipient);

/// Runs `guichet mail ingest --mailbox assistance` with `message` on standard input: (exit
/// status, stderr).
fn ingest(url: &str, dir: &std::path::Path, message: &str) -> (i32, String) {
    let config = dir.join("guichet.toml");
    std::fs::write(&config, common::CONFIG).expect("config written");
    common::mail_ingest(url, &config, "assistance", message)
}

/// A Postfix delivery report for `recipient`, returning the headers of the message `id`.
fn report(n: u32, recipient: &str, status: &str, diagnostic: &str, id: &str) -> String {
    let action = if status.starts_with('5') {
        "failed"
    } else {
        "delayed"
    };
    format!(
        "From: MAILER-DAEMON@mx.ac-dijon.fr (Mail Delivery System)\r\nTo: guichet@ac-dijon.fr\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <report{n}@mx.ac-dijon.fr>\r\n\
         Date: Thu, 3 Dec 2026 09:00:00 +0100\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"R{n}\"\r\n\r\n\
         --R{n}\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.ac-dijon.fr.\r\n\r\n\
         --R{n}\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ac-dijon.fr\r\n\r\n\
         Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\
         Diagnostic-Code: smtp; {diagnostic}\r\n\r\n\
         --R{n}\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Guichet <guichet@ac-dijon.fr>\r\n\
         To: {recipient}\r\nSubject: [Guichet] Coupure ONDE mercredi\r\nMessage-ID:\r\n {id}\r\n\r\n\
         --R{n}--\r\n"
    )
}

async fn a_returned_broadcast_message_is_recorded_on_its_recipient(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let app = App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        AppConfig::default(),
    );
    let smtp = SmtpServer::start();
    let mail = MailConfig {
        from: "Guichet <guichet@ac-dijon.fr>".into(),
        reply_to: "assistance@ac-dijon.fr".into(),
        smtp: SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp.port,
            ..SmtpConfig::default()
        },
        ..MailConfig::default()
    };
    let mailer = SmtpMailer::new(&mail.smtp).expect("transport");
    let registry = Broadcaster::new(app.clone(), Some(mailer), mail).register(Registry::new());
    let pool = Pool::new(
        db.store.clone(),
        Arc::new(SystemClock),
        registry,
        PoolConfig::default(),
    );
    let ien = app.caller(fx.ien_dijon.id, "test").await.expect("caller");
    let b = app
        .create_broadcast(
            &ien,
            ComposeBroadcast {
                subject_fr: "Coupure ONDE mercredi".into(),
                body_fr: "ONDE sera indisponible mercredi de 8 h à 10 h.".into(),
                audience: AudienceInput {
                    roles: vec!["director".into()],
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
    app.send_broadcast(&ien, id, None).await.expect("sent");
    while pool.run_once("test-worker").await.expect("a job") {}
    let sent = app.broadcast(&ien, id).await.expect("read");
    assert_eq!(sent.broadcast.status, BroadcastStatus::Sent);
    assert_eq!((sent.progress.sent, sent.progress.bounced), (2, 0));
    let delivered = smtp.messages().len();

    // The Message-IDs as the directors' servers received them.
    let id_of = |address: &str| {
        let m = smtp.messages_to(address);
        assert_eq!(m.len(), 1, "{address} received one message");
        header(&m[0], "Message-ID").expect("a Message-ID")
    };
    let a = fx.director_a.email.to_lowercase();
    let b_addr = fx.director_b.email.to_lowercase();
    let (id_a, id_b) = (id_of(&a), id_of(&b_addr));
    assert_eq!(
        id_a,
        format!("<broadcast-{id}.{}@ac-dijon.fr>", fx.director_a.id.0)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let run = |m: String| {
        let (url, dir) = (db.url.clone(), dir.path().to_owned());
        tokio::task::spawn_blocking(move || ingest(&url, &dir, &m))
    };
    // A delay warning for director B: still trying, nothing to record on the recipient.
    let (code, err) = run(report(
        1,
        &b_addr,
        "4.4.1",
        "connect to mx.ecole-pasteur.fr[203.0.113.9]:25: Connection timed out",
        &id_b,
    ))
    .await
    .expect("ran");
    assert_eq!(code, 0, "{err}");
    // A report naming a person the broadcast never reached marks nobody.
    let stray = format!("<broadcast-{id}.{}@ac-dijon.fr>", fx.teacher_a.id.0);
    let (code, err) = run(report(
        2,
        &fx.teacher_a.email,
        "5.1.1",
        "550 5.1.1 User unknown",
        &stray,
    ))
    .await
    .expect("ran");
    assert_eq!(code, 0, "{err}");
    // Director A's address is gone.
    let (code, err) = run(report(
        3,
        &a,
        "5.1.1",
        &format!("550 5.1.1 <{a}>: Recipient address rejected: User unknown"),
        &id_a,
    ))
    .await
    .expect("ran");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bounce"), "{err}");

    let after = app.broadcast(&ien, id).await.expect("read");
    assert_eq!(
        (after.progress.sent, after.progress.bounced),
        (1, 1),
        "one of two came back"
    );
    let bounced = app
        .broadcast_recipients(&ien, id, Some("bounced"), None, 10)
        .await
        .expect("recipients");
    assert_eq!(bounced.len(), 1, "{bounced:?}");
    assert_eq!(bounced[0].email.to_lowercase(), a);
    assert!(bounced[0].sent_at.is_some(), "when it was sent is kept");
    let words = bounced[0].smtp_answer.clone().unwrap_or_default();
    assert!(
        words.starts_with("5.1.1") && words.contains("Recipient address rejected"),
        "{words}"
    );
    let still: Vec<String> = app
        .broadcast_recipients(&ien, id, Some("sent"), None, 10)
        .await
        .expect("recipients")
        .into_iter()
        .map(|r| r.email.to_lowercase())
        .collect();
    assert_eq!(still, vec![b_addr.clone()], "a delay is not a bounce");

    // Counted toward the threshold like a ticket notice's bounce; the delay is not.
    let mut conn = db.store.read().await.expect("conn");
    let record = conn.address_record(&a).await.expect("record");
    assert_eq!((record.bounces, record.bouncing), (1, false));
    assert_eq!(
        conn.address_record(&b_addr).await.expect("record").bounces,
        0
    );
    drop(conn);

    // Never answered: nothing more was mailed, and no answer waits in the queue.
    while pool.run_once("test-worker").await.expect("a job") {}
    assert_eq!(smtp.messages().len(), delivered);
    let answers = db
        .store
        .query_strings(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM job WHERE kind = '{EXPLAIN_KIND}'"
        ))
        .await
        .expect("count");
    assert_eq!(answers[0][0], "0", "no answer queued");
}
