//! One collector per mailbox across instances: two collectors on the same Dovecot mailbox, only
//! the lease holder fetches; when it dies (stops renewing), the other takes over once the lease
//! has expired, and no message is handed over twice.

use guichet_app::SystemClock;
use guichet_jobs::mailbox::MailboxCollector;
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
