//! The IMAP collector against a real Dovecot: messages end in the folder of their outcome and
//! leave the inbox only once recorded; a temporary failure leaves them there; IDLE wakes the
//! collector; old servers (no MOVE, no IDLE) get the fallbacks; TLS and STARTTLS with the test
//! CA; a refused login says so.

use guichet_mail::config::{Secret, Security};
use guichet_mail::imap::{Collector, Disposition, ImapConfig, ImapError, MailSink, Temporary};
use guichet_testkit::dovecot::{Dovecot, IMAP_PASSWORD, IMAP_USER};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Decides by the subject, as the intake policy would by its rules, and remembers what it saw.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
    unavailable: std::sync::atomic::AtomicBool,
}

impl MailSink for Recorder {
    async fn ingest(&self, mailbox: &str, raw: &[u8]) -> Result<Disposition, Temporary> {
        assert_eq!(mailbox, "lsun");
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Temporary("database unreachable".into()));
        }
        let text = String::from_utf8_lossy(raw);
        let subject = text
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned();
        self.seen.lock().expect("lock").push(subject.clone());
        Ok(if subject.contains("spam") {
            Disposition::Refused
        } else if subject.contains("broken") {
            Disposition::Failed
        } else {
            Disposition::Processed
        })
    }
}

fn message(n: usize, subject: &str) -> Vec<u8> {
    format!(
        "From: Directrice <ce.0211234c@ac-dijon.fr>\r\nTo: lsun@ac-dijon.fr\r\n\
         Subject: {subject}\r\nMessage-ID: <{n}.imap-test@ac-dijon.fr>\r\n\
         Date: Tue, 1 Sep 2026 08:00:00 +0200\r\n\r\nBonjour, message {n}.\r\n"
    )
    .into_bytes()
}

fn config(server: &Dovecot) -> ImapConfig {
    ImapConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        security: Security::None,
        username: IMAP_USER.into(),
        password: Secret::new(IMAP_PASSWORD),
        batch: 4,
        poll_secs: 1,
        timeout_secs: 10,
        ..ImapConfig::default()
    }
}

async fn drain(collector: &mut Collector, sink: &Recorder) -> usize {
    let mut moved = 0;
    loop {
        let batch = collector.collect_batch(sink).await.expect("a batch");
        moved += batch.moved();
        if batch.moved() == 0 {
            return moved;
        }
    }
}

async fn messages_end_in_the_folder_of_their_outcome(server: Dovecot) {
    let subjects = [
        "LSUN accès refusé",
        "LSUN mot de passe",
        "spam offer",
        "LSUN livret bloqué",
        "broken mime",
        "LSUN export",
        "spam again",
        "LSUN bilan",
        "LSUN relance",
    ];
    server
        .append_all(
            "INBOX",
            subjects.iter().enumerate().map(|(i, s)| message(i, s)),
        )
        .await;
    let sink = Recorder::default();
    let config = config(&server);
    let mut collector = Collector::connect("lsun", &config).await.expect("connects");
    assert_eq!(drain(&mut collector, &sink).await, subjects.len());
    collector.logout().await;

    assert_eq!(
        *sink.seen.lock().expect("lock"),
        subjects,
        "each message once, oldest first"
    );
    assert_eq!(server.count("INBOX").await, 0, "the inbox is empty");
    assert_eq!(server.count(&config.processed_folder).await, 6);
    assert_eq!(server.count(&config.refused_folder).await, 2);
    let failed = server.messages(&config.error_folder).await;
    assert_eq!(failed.len(), 1);
    assert!(String::from_utf8_lossy(&failed[0]).contains("Subject: broken mime"));
}

async fn a_temporary_failure_leaves_messages_in_the_inbox(server: Dovecot) {
    server
        .append_all("INBOX", (0..3).map(|i| message(i, "LSUN question")))
        .await;
    let sink = Recorder::default();
    sink.unavailable
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let config = config(&server);
    let mut collector = Collector::connect("lsun", &config).await.expect("connects");
    let err = collector.collect_batch(&sink).await.expect_err("stops");
    assert!(matches!(err, ImapError::Sink(_)), "{err:?}");
    assert_eq!(server.count("INBOX").await, 3, "nothing left the inbox");
    assert_eq!(server.count(&config.processed_folder).await, 0);

    // The database is back: the same session goes on.
    sink.unavailable
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(drain(&mut collector, &sink).await, 3);
    assert_eq!(server.count("INBOX").await, 0);
    assert_eq!(server.count(&config.processed_folder).await, 3);
}

async fn new_mail_wakes_an_idle_collector(server: Dovecot) {
    let sink = Recorder::default();
    let mut collector = Collector::connect("lsun", &config(&server))
        .await
        .expect("connects");
    assert_eq!(drain(&mut collector, &sink).await, 0);
    let start = Instant::now();
    let waiting = tokio::spawn(collector.wait(Duration::from_secs(60)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.append("INBOX", &message(1, "LSUN nouveau")).await;
    let mut collector = tokio::time::timeout(Duration::from_secs(20), waiting)
        .await
        .expect("woken before the limit")
        .expect("task")
        .expect("IDLE ends well");
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(drain(&mut collector, &sink).await, 1);
    assert_eq!(server.count("INBOX").await, 0);
}

#[tokio::test]
async fn messages_end_in_the_folder_of_their_outcome_with_move() {
    messages_end_in_the_folder_of_their_outcome(Dovecot::start()).await;
}

#[tokio::test]
async fn messages_end_in_the_folder_of_their_outcome_without_move() {
    messages_end_in_the_folder_of_their_outcome(Dovecot::start_bare()).await;
}

#[tokio::test]
async fn a_temporary_failure_leaves_messages_in_the_inbox_with_move() {
    a_temporary_failure_leaves_messages_in_the_inbox(Dovecot::start()).await;
}

#[tokio::test]
async fn a_temporary_failure_leaves_messages_in_the_inbox_without_move() {
    a_temporary_failure_leaves_messages_in_the_inbox(Dovecot::start_bare()).await;
}

#[tokio::test]
async fn new_mail_wakes_an_idle_collector_with_idle() {
    new_mail_wakes_an_idle_collector(Dovecot::start()).await;
}

#[tokio::test]
async fn new_mail_wakes_a_polling_collector_without_idle() {
    // poll_secs is 1: the wait ends after a second whatever the limit.
    new_mail_wakes_an_idle_collector(Dovecot::start_bare()).await;
}

#[tokio::test]
async fn tls_and_starttls_trust_the_configured_ca() {
    let server = Dovecot::start_tls();
    server.append("INBOX", &message(1, "LSUN chiffré")).await;
    let ca = server.ca_file.clone().expect("a CA");
    let tls = ImapConfig {
        host: "localhost".into(),
        port: server.tls_port.expect("IMAPS"),
        security: Security::Tls,
        ca_file: Some(ca.clone()),
        ..config(&server)
    };
    let sink = Recorder::default();
    let mut collector = Collector::connect("lsun", &tls).await.expect("IMAPS");
    assert_eq!(drain(&mut collector, &sink).await, 1);
    collector.logout().await;

    let starttls = ImapConfig {
        port: server.port,
        security: Security::Starttls,
        ..tls.clone()
    };
    server.append("INBOX", &message(2, "LSUN chiffré")).await;
    let mut collector = Collector::connect("lsun", &starttls)
        .await
        .expect("STARTTLS");
    assert_eq!(drain(&mut collector, &sink).await, 1);
    collector.logout().await;

    // Without the CA, the certificate is not trusted: no login is attempted.
    let untrusted = ImapConfig {
        ca_file: None,
        ..tls
    };
    let err = Collector::connect("lsun", &untrusted)
        .await
        .expect_err("untrusted");
    let shown = err.to_string();
    assert!(matches!(err, ImapError::Connect(_)), "{shown}");
    assert!(shown.contains("TLS"), "{shown}");
}

#[tokio::test]
async fn a_refused_login_says_so_without_the_password() {
    let server = Dovecot::start();
    let wrong = ImapConfig {
        password: Secret::new("not-the-password"),
        ..config(&server)
    };
    let err = Collector::connect("lsun", &wrong)
        .await
        .expect_err("refused");
    let shown = err.to_string();
    assert!(matches!(err, ImapError::Login { .. }), "{shown}");
    assert!(
        shown.contains("refused the login of \"guichet\""),
        "{shown}"
    );
    assert!(!shown.contains("not-the-password"), "{shown}");

    let nobody = ImapConfig {
        port: {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
            l.local_addr().expect("addr").port()
        },
        ..config(&server)
    };
    let err = Collector::connect("lsun", &nobody)
        .await
        .expect_err("no server");
    assert!(matches!(err, ImapError::Connect(_)), "{err}");
}
