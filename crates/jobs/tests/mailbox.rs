//! One collector per mailbox across instances: two collectors on the same Dovecot mailbox, only
//! the lease holder fetches; when it dies (stops renewing), the other takes over once the lease
//! has expired, and no message is handed over twice.

use guichet_app::SystemClock;
use guichet_jobs::mailbox::{AppSink, MailboxCollector};
use guichet_mail::config::{Secret, Security};
use guichet_mail::imap::{Disposition, ImapConfig, MailSink, Temporary};
use guichet_testkit::dovecot::{Dovecot, IMAP_PASSWORD, IMAP_USER};
use guichet_testkit::{TestDb, both_engines};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Records which instance received which message.
#[derive(Debug, Clone)]
struct Tagged {
    instance: &'static str,
    seen: Arc<Mutex<Vec<(&'static str, String)>>>,
}

impl MailSink for Tagged {
    async fn ingest(&self, _mailbox: &str, raw: &[u8]) -> Result<Disposition, Temporary> {
        let id = String::from_utf8_lossy(raw)
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: ").map(str::to_owned))
            .unwrap_or_default();
        self.seen.lock().expect("lock").push((self.instance, id));
        Ok(Disposition::Processed)
    }
}

fn message(n: usize) -> Vec<u8> {
    format!(
        "From: ce.0211234c@ac-dijon.fr\r\nTo: lsun@ac-dijon.fr\r\nSubject: LSUN {n}\r\n\
         Message-ID: <{n}.lease@ac-dijon.fr>\r\n\r\nBonjour.\r\n"
    )
    .into_bytes()
}

async fn until(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

both_engines!(only_the_lease_holder_collects_and_the_other_takes_over);

async fn only_the_lease_holder_collects_and_the_other_takes_over(db: TestDb) {
    let server = Dovecot::start();
    let config = ImapConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        security: Security::None,
        username: IMAP_USER.into(),
        password: Secret::new(IMAP_PASSWORD),
        ..ImapConfig::default()
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let lease = Duration::from_secs(3);
    let collector = |instance| {
        MailboxCollector::new(
            db.store.clone(),
            Arc::new(SystemClock),
            "lsun",
            config.clone(),
            Tagged {
                instance,
                seen: seen.clone(),
            },
        )
        .with_lease(lease)
    };
    let a = collector("a");
    let a_owner = a.owner().to_owned();
    let a_task = tokio::spawn(a.run(std::future::pending()));
    let store = db.store.clone();
    until("a to take the lease", Duration::from_secs(10), async || {
        let lease = store
            .read()
            .await
            .expect("read")
            .mailbox_lease("lsun")
            .await;
        lease.expect("lease").is_some_and(|l| l.owner == a_owner)
    })
    .await;
    let b = collector("b");
    let b_owner = b.owner().to_owned();
    let (stop_b, stopped_b) = tokio::sync::oneshot::channel::<()>();
    let b_task = tokio::spawn(b.run(async {
        let _ = stopped_b.await;
    }));

    server.append_all("INBOX", (0..6).map(message)).await;
    until("the first messages", Duration::from_secs(20), async || {
        seen.lock().expect("lock").len() == 6
    })
    .await;
    assert!(
        seen.lock()
            .expect("lock")
            .iter()
            .all(|(who, _)| *who == "a"),
        "only the holder fetched: {:?}",
        seen.lock().expect("lock")
    );

    // a dies without a word: its lease stays until it expires, then b takes the mailbox.
    a_task.abort();
    let died = Instant::now();
    server.append_all("INBOX", (6..10).map(message)).await;
    until("the take-over", Duration::from_secs(30), async || {
        seen.lock().expect("lock").len() == 10
    })
    .await;
    assert!(
        died.elapsed() >= lease / 2,
        "b waited for the lease to expire"
    );
    let seen = seen.lock().expect("lock").clone();
    assert!(seen[6..].iter().all(|(who, _)| *who == "b"), "{seen:?}");
    let mut ids: Vec<_> = seen.iter().map(|(_, id)| id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10, "no message handed over twice");
    assert_eq!(server.count("INBOX").await, 0);
    let holder = db
        .store
        .read()
        .await
        .expect("read")
        .mailbox_lease("lsun")
        .await
        .expect("lease")
        .expect("held");
    assert_eq!(holder.owner, b_owner);

    // Stopped cleanly, b gives the lease up at once.
    let _ = stop_b.send(());
    b_task.await.expect("b stops");
    let lease = db
        .store
        .read()
        .await
        .expect("read")
        .mailbox_lease("lsun")
        .await
        .expect("lease");
    assert!(lease.is_none(), "{lease:?}");
}

/// The application with the `lsun` mailbox (domain, keyword, quota, director role; no
/// authentication check) allowing `daily_quota` requests a day per sender.
async fn lsun_app(db: &TestDb, daily_quota: u32) -> guichet_app::App {
    use guichet_app::intake::IntakeSettings;
    use guichet_app::{App, AppConfig};
    use guichet_mail::config::MailboxConfig;
    use guichet_store::application::ApplicationChange;
    use guichet_testkit::fixture::Fixture;

    let fx = Fixture::build(&db.store).await;
    let mut tx = db.store.write().await.expect("tx");
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
    .await
    .expect("keywords");
    tx.commit().await.expect("commit");
    let mailbox = MailboxConfig {
        name: "lsun".into(),
        address: "assistance-lsun@ac-dijon.fr".into(),
        allowed_domains: vec!["ac-dijon.fr".into()],
        authentication: "off".into(),
        keyword_required: true,
        required_role: "director".into(),
        daily_quota,
        ..MailboxConfig::default()
    }
    .to_mailbox()
    .expect("a valid mailbox");
    App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        AppConfig {
            intake: IntakeSettings {
                mailboxes: vec![mailbox],
                message_domain: "ac-dijon.fr".into(),
                ..IntakeSettings::default()
            },
            ..AppConfig::default()
        },
    )
}

/// A request to the `lsun` mailbox.
fn mail(from: &str, subject: &str, id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: assistance-lsun@ac-dijon.fr\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@mail.ac-dijon.fr>\r\nDate: Tue, 1 Dec 2026 08:00:00 +0100\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, les bulletins sont bloqués.\r\n"
    )
    .into_bytes()
}

fn imap_config(server: &Dovecot) -> ImapConfig {
    ImapConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        security: Security::None,
        username: IMAP_USER.into(),
        password: Secret::new(IMAP_PASSWORD),
        ..ImapConfig::default()
    }
}

both_engines!(appended_messages_become_tickets_and_quarantine_entries_once);

/// The production sink: `App::ingest_mail` behind the collector, on Dovecot.
async fn appended_messages_become_tickets_and_quarantine_entries_once(db: TestDb) {
    let app = lsun_app(&db, 10).await;

    let server = Dovecot::start();
    let request = mail(
        "claire.martin@ac-dijon.fr",
        "LSUN : bulletins bloqués",
        "a1",
    );
    server
        .append_all(
            "INBOX",
            [
                request.clone(),
                mail("parent.eleve@gmail.com", "LSUN : question", "b2"),
                mail("ines.petit@ac-dijon.fr", "Livret : export impossible", "c3"),
                // The same message delivered twice.
                request,
            ],
        )
        .await;
    let imap = imap_config(&server);
    let done = MailboxCollector::new(
        db.store.clone(),
        Arc::new(SystemClock),
        "lsun",
        imap.clone(),
        AppSink(app),
    )
    .collect_once()
    .await
    .expect("collected");
    assert_eq!((done.processed, done.refused, done.failed), (3, 1, 0));

    let states = db
        .store
        .query_strings("SELECT dedupe_key, state FROM inbound_message ORDER BY dedupe_key")
        .await
        .expect("recorded");
    let states: Vec<(String, String)> = states
        .into_iter()
        .map(|r| (r[0].trim_matches(['<', '>']).to_owned(), r[1].clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("a1@mail.ac-dijon.fr".to_owned(), "ticket".to_owned()),
            ("b2@mail.ac-dijon.fr".to_owned(), "quarantined".to_owned()),
            ("c3@mail.ac-dijon.fr".to_owned(), "ticket".to_owned()),
        ]
    );
    let tickets = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket")
        .await
        .expect("tickets");
    assert_eq!(tickets[0][0], "2", "the duplicate made no second ticket");
    assert_eq!(server.count("INBOX").await, 0);
    assert_eq!(server.count(&imap.processed_folder).await, 3);
    let refused = server.messages(&imap.refused_folder).await;
    assert_eq!(refused.len(), 1);
    assert!(String::from_utf8_lossy(&refused[0]).contains("gmail.com"));
}

both_engines!(a_sender_over_quota_in_a_concurrent_batch_gets_exactly_the_quota_in_order);

/// One batch, eight at once: three directors, one of whom sends more than the daily quota (one
/// of those in capitals). Their messages are taken in order: the first `quota` become tickets,
/// the rest are quarantined for the quota, and the other directors' requests are unaffected.
async fn a_sender_over_quota_in_a_concurrent_batch_gets_exactly_the_quota_in_order(db: TestDb) {
    let quota = 3;
    let app = lsun_app(&db, quota).await;
    let server = Dovecot::start();
    let mut raws = Vec::new();
    let mut claire = Vec::new();
    for i in 0..7 {
        let from = if i == 2 {
            "Claire.Martin@AC-DIJON.FR"
        } else {
            "claire.martin@ac-dijon.fr"
        };
        let id = format!("claire-{i}");
        raws.push(mail(from, &format!("LSUN : bulletin n°{i}"), &id));
        claire.push(format!("{id}@mail.ac-dijon.fr"));
        if i < 3 {
            raws.push(mail(
                "ines.petit@ac-dijon.fr",
                &format!("LSUN : export {i}"),
                &format!("ines-{i}"),
            ));
            raws.push(mail(
                "luc.moreau@ac-dijon.fr",
                &format!("Livret : accès {i}"),
                &format!("luc-{i}"),
            ));
        }
    }
    raws.push(mail("parent.eleve@gmail.com", "LSUN : question", "parent"));
    server.append_all("INBOX", raws).await;
    let imap = ImapConfig {
        concurrency: 8,
        ..imap_config(&server)
    };
    let done = MailboxCollector::new(
        db.store.clone(),
        Arc::new(SystemClock),
        "lsun",
        imap.clone(),
        AppSink(app),
    )
    .collect_once()
    .await
    .expect("collected");
    assert_eq!((done.processed, done.refused, done.failed), (9, 5, 0));

    let rows = db
        .store
        .query_strings("SELECT dedupe_key, state, reasons FROM inbound_message")
        .await
        .expect("recorded");
    let outcome = |id: &str| -> (String, String) {
        let row = rows
            .iter()
            .find(|r| r[0].trim_matches(['<', '>']) == id)
            .unwrap_or_else(|| panic!("{id} not recorded"));
        (row[1].clone(), row[2].clone())
    };
    for (i, id) in claire.iter().enumerate() {
        let (state, reasons) = outcome(id);
        if i < quota as usize {
            assert_eq!(state, "ticket", "claire's message {i} is within the quota");
        } else {
            assert_eq!(
                state, "quarantined",
                "claire's message {i} is over the quota"
            );
            // Refused at exactly the quota: the count saw her earlier requests, all committed.
            assert!(
                reasons.contains("\"intake.quota\"") && reasons.contains("3/3"),
                "{id}: {reasons}"
            );
        }
    }
    for i in 0..3 {
        for who in ["ines", "luc"] {
            assert_eq!(outcome(&format!("{who}-{i}@mail.ac-dijon.fr")).0, "ticket");
        }
    }
    assert_eq!(outcome("parent@mail.ac-dijon.fr").0, "quarantined");
    let per_requester = db
        .store
        .query_strings(
            "SELECT p.email, CAST(COUNT(*) AS TEXT) FROM ticket t
             JOIN person p ON p.id = t.requester_id GROUP BY p.email ORDER BY p.email",
        )
        .await
        .expect("tickets");
    assert_eq!(
        per_requester,
        [
            ["claire.martin@ac-dijon.fr", "3"],
            ["ines.petit@ac-dijon.fr", "3"],
            ["luc.moreau@ac-dijon.fr", "3"],
        ]
        .map(|r| r.map(str::to_owned).to_vec())
    );
    // Claire's tickets in the order she wrote them: their references rise with her numbers.
    let claire_refs = db
        .store
        .query_strings(
            "SELECT t.subject FROM ticket t JOIN person p ON p.id = t.requester_id
             WHERE p.email = 'claire.martin@ac-dijon.fr' ORDER BY t.reference",
        )
        .await
        .expect("claire's tickets");
    assert_eq!(
        claire_refs,
        (0..3)
            .map(|i| vec![format!("LSUN : bulletin n°{i}")])
            .collect::<Vec<_>>()
    );
    assert_eq!(server.count("INBOX").await, 0);
    assert_eq!(server.count(&imap.processed_folder).await, 9);
    assert_eq!(server.count(&imap.refused_folder).await, 5);
}
