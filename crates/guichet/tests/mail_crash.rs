//! The collector killed at random points: a realistic batch of messages in a real Dovecot inbox
//! (new requests, replies to tickets created earlier in the batch, refusals), `guichet mail
//! collect --once` (8 messages at once) started on SQLite and SIGKILLed after a random delay,
//! again and again, then left to finish. Afterwards every message is exactly one ticket, reply or quarantine entry (none lost,
//! none doubled, checked in the database against the list of Message-IDs), each in the folder of
//! its outcome, and the inbox is empty.
//!
//! 500 messages and 20 kills with `GUICHET_CRASH_FULL=1`; a smaller run otherwise, to keep CI
//! short.

use guichet_store::application::ApplicationChange;
use guichet_testkit::TestDb;
use guichet_testkit::dovecot::{Dovecot, IMAP_PASSWORD, IMAP_USER};
use guichet_testkit::fixture::Fixture;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOMAIN: &str = "ac-dijon.fr";
const DIRECTORS: [&str; 3] = [
    "claire.martin@ac-dijon.fr",
    "ines.petit@ac-dijon.fr",
    "luc.moreau@ac-dijon.fr",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// A new ticket.
    Ticket,
    /// A reply on the ticket of the request with this Message-ID.
    Reply(String),
    Quarantined,
}

/// One message of the batch, before it is written out.
#[derive(Debug, Clone)]
struct Planned {
    id: String,
    from: String,
    subject: String,
    expected: Expected,
}

/// Messages appended at once after the first part of the batch.
const WAVE: usize = 10;

/// The batch in inbox order. A reply answers a request at least a wave earlier: the collector
/// runs `concurrency` senders at once, so ticket numbers follow the commits, not the inbox, and
/// a reply is written (with its ticket's reference, [`render`]) once that ticket exists, as
/// a requester answers the acknowledgement.
fn plan(n: usize, first: usize, seed: u64) -> Vec<Planned> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut out: Vec<Planned> = Vec::new();
    let mut requests: Vec<usize> = Vec::new();
    for i in 0..n {
        let id = format!("crash-{i}.{seed}@mail.{DOMAIN}");
        let roll = rng.random_range(0..100);
        let answerable = requests.iter().filter(|&&r| r + WAVE <= i).count();
        let (from, subject, expected) = if roll < 25 && i >= first && answerable > 0 {
            let target = &out[requests[rng.random_range(0..answerable)]];
            (
                target.from.clone(),
                String::new(),
                Expected::Reply(target.id.clone()),
            )
        } else if roll < 35 {
            (
                format!("parent.{i}@gmail.com"),
                "LSUN : je n'arrive pas à voir le livret".to_owned(),
                Expected::Quarantined,
            )
        } else if roll < 42 {
            // A teacher: not the director role the mailbox requires.
            (
                "paul.bernard@ac-dijon.fr".to_owned(),
                "LSUN : accès enseignant".to_owned(),
                Expected::Quarantined,
            )
        } else {
            requests.push(i);
            (
                DIRECTORS[i % DIRECTORS.len()].to_owned(),
                format!("=?UTF-8?Q?LSUN_=3A_bulletins_non_valid=C3=A9s_n=C2=B0{i}?="),
                Expected::Ticket,
            )
        };
        out.push(Planned {
            id,
            from,
            subject,
            expected,
        });
    }
    out
}

/// The raw message; a reply names the reference its request's ticket got (`tickets`: Message-ID
/// to reference, from the database).
fn render(m: &Planned, i: usize, tickets: &BTreeMap<String, String>) -> Vec<u8> {
    let (subject, extra) = match &m.expected {
        Expected::Reply(target) => {
            let reference = tickets
                .get(target)
                .unwrap_or_else(|| panic!("{target} has no ticket yet"));
            (
                format!("Re: [Guichet #{reference}] Livret scolaire"),
                format!(
                    "In-Reply-To: <ticket-{reference}.1@{DOMAIN}>\r\nReferences: <ticket-{reference}.1@{DOMAIN}>\r\n"
                ),
            )
        }
        _ => (m.subject.clone(), String::new()),
    };
    format!(
        "Return-Path: <{from}>\r\nFrom: {from}\r\nTo: assistance-lsun@{DOMAIN}\r\n\
         Subject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\
         Date: Tue, 1 Dec 2026 08:{:02}:00 +0100\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Bonjour,\r\n\r\nLes bulletins de la classe de CM2 (message {i}) ne sont pas validés.\r\n\
         Merci d'avance.\r\n",
        i % 60,
        from = m.from,
        id = m.id,
    )
    .into_bytes()
}

/// Message-ID → (state, ticket reference) of every recorded message.
async fn recorded(db: &TestDb) -> BTreeMap<String, (String, String)> {
    let rows = db
        .store
        .query_strings(
            "SELECT m.dedupe_key, m.state, COALESCE(t.reference, '') FROM inbound_message m
             LEFT JOIN ticket t ON t.id = m.ticket_id",
        )
        .await
        .expect("inbound messages");
    let map: BTreeMap<String, (String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].trim_matches(['<', '>']).to_owned(),
                (r[1].clone(), r[2].clone()),
            )
        })
        .collect();
    assert_eq!(rows.len(), map.len(), "one record per message");
    map
}

/// The next `count` planned messages, written out with the references recorded so far.
async fn wave(db: &TestDb, planned: &[Planned], next: &mut usize, count: usize) -> Vec<Vec<u8>> {
    let tickets: BTreeMap<String, String> = recorded(db)
        .await
        .into_iter()
        .filter(|(_, (state, _))| state == "ticket")
        .map(|(id, (_, reference))| (id, reference))
        .collect();
    let end = (*next + count).min(planned.len());
    let raws = (*next..end)
        .map(|i| render(&planned[i], i, &tickets))
        .collect();
    *next = end;
    raws
}

fn config_file(dir: &std::path::Path, server: &Dovecot) -> std::path::PathBuf {
    let path = dir.join("guichet.toml");
    std::fs::write(
        &path,
        format!(
            r#"[mail]
from = "Guichet <assistance-lsun@{DOMAIN}>"
reply_to = "assistance-lsun@{DOMAIN}"
message_domain = "{DOMAIN}"

[[mail.mailbox]]
name = "lsun"
address = "assistance-lsun@{DOMAIN}"
allowed_domains = ["{DOMAIN}"]
authentication = "off"
keyword_required = true
daily_quota = 100000
required_role = "director"

[mail.mailbox.imap]
host = "127.0.0.1"
port = {port}
security = "none"
username = "{IMAP_USER}"
password = "{IMAP_PASSWORD}"
batch = 5
concurrency = 8
lease_secs = 2
"#,
            port = server.port
        ),
    )
    .expect("config written");
    path
}

fn collect(url: &str, config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_guichet"));
    c.env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_LOG", "error")
        .arg("--config")
        .arg(config)
        .args(["mail", "collect", "--mailbox", "lsun", "--once"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_killed_at_random_points_loses_and_doubles_nothing() {
    let full = std::env::var("GUICHET_CRASH_FULL").is_ok_and(|v| v == "1");
    let (n, kills) = if full { (500, 20) } else { (120, 5) };
    let seed: u64 = std::env::var("GUICHET_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    eprintln!("crash test: {n} messages, {kills} kills, seed {seed}");

    let db = TestDb::sqlite().await;
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

    let server = Dovecot::start();
    // A quarter of the batch first, the rest in waves whenever a run empties the inbox (every
    // message appended so far is then recorded): there is always something being collected
    // when the process is killed.
    let planned = plan(n, n / 4, seed);
    let mut next = 0;
    let first = wave(&db, &planned, &mut next, n / 4).await;
    server.append_all("INBOX", first).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = config_file(dir.path(), &server);

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut killed = 0;
    // The longest wait before a kill, in milliseconds: shortened each time a run finished its
    // wave before being killed, so that a faster collector cannot run out of messages before
    // every kill is done.
    let mut longest = 250;
    let started = Instant::now();
    while killed < kills {
        let mut child = collect(&db.url, &config).spawn().expect("guichet starts");
        let delay = Duration::from_millis(rng.random_range(20..longest));
        std::thread::sleep(delay);
        if child.try_wait().expect("status").is_some() {
            // It ended first: the lease of a killed run was still held, or the inbox is empty.
            let out = child.wait_with_output().expect("output");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                if next == n {
                    break;
                }
                longest = (longest * 2 / 3).max(30);
                let more = wave(&db, &planned, &mut next, WAVE).await;
                server.append_all("INBOX", more).await;
                continue;
            }
            assert!(stderr.contains("is being collected by"), "{stderr}");
            std::thread::sleep(Duration::from_millis(500));
            continue;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        killed += 1;
        eprintln!(
            "kill {killed} after {delay:?}: {} left in the inbox",
            server.count("INBOX").await
        );
    }
    // The last runs go to the end (once the dead run's lease has expired), a wave at a time.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let out = collect(&db.url, &config).output().expect("guichet runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            if next == n {
                eprintln!("last run: {}", String::from_utf8_lossy(&out.stdout).trim());
                break;
            }
            let more = wave(&db, &planned, &mut next, WAVE).await;
            server.append_all("INBOX", more).await;
            continue;
        }
        assert!(stderr.contains("is being collected by"), "{stderr}");
        assert!(Instant::now() < deadline, "the lease never expired");
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!("{killed} kills, all collected in {:?}", started.elapsed());
    assert_eq!(
        killed, kills,
        "the inbox emptied before every kill was done"
    );

    assert_eq!(server.count("INBOX").await, 0, "the inbox is empty");
    let recorded = recorded(&db).await;
    assert_eq!(recorded.len(), n, "every message recorded, none twice");
    let mut counts = (0, 0, 0);
    let mut references = std::collections::BTreeSet::new();
    for m in &planned {
        let (state, reference) = recorded
            .get(&m.id)
            .unwrap_or_else(|| panic!("{} was lost", m.id));
        match &m.expected {
            Expected::Ticket => {
                counts.0 += 1;
                assert_eq!(state, "ticket", "{}", m.id);
                assert!(references.insert(reference.clone()), "{reference} twice");
            }
            Expected::Reply(target) => {
                counts.1 += 1;
                assert_eq!(state, "reply", "{}", m.id);
                assert_eq!(reference, &recorded[target].1, "{} answers {target}", m.id);
            }
            Expected::Quarantined => {
                counts.2 += 1;
                assert_eq!(state, "quarantined", "{}", m.id);
            }
        }
    }
    let tickets = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket")
        .await
        .expect("tickets");
    assert_eq!(
        tickets[0][0],
        counts.0.to_string(),
        "one ticket per request"
    );
    let replies = db
        .store
        .query_strings(
            "SELECT CAST(COUNT(*) AS TEXT) FROM ticket_entry WHERE kind = 'reply' AND ticket_id IN
             (SELECT ticket_id FROM inbound_message WHERE state = 'reply')",
        )
        .await;
    eprintln!(
        "{} tickets, {} replies, {} quarantined; reply entries: {replies:?}",
        counts.0, counts.1, counts.2
    );
    // Each message sits in the folder of its outcome. A kill in the middle of a MOVE may leave
    // a second copy there (Dovecot had copied it but not yet expunged it from the inbox; fetched
    // again, it was recorded as a duplicate and moved once more): the folders are compared as
    // sets of Message-IDs, the database above is the exactly-once proof.
    let ids_in = async |folder: &str| {
        let mut ids: Vec<String> = server
            .messages(folder)
            .await
            .iter()
            .filter_map(|raw| {
                String::from_utf8_lossy(raw).lines().find_map(|l| {
                    l.strip_prefix("Message-ID: <")
                        .map(|id| id.trim_end_matches('>').to_owned())
                })
            })
            .collect();
        let copies = ids.len();
        ids.sort();
        ids.dedup();
        eprintln!("{folder}: {} messages, {} copies", ids.len(), copies);
        ids
    };
    let want = |f: fn(&Expected) -> bool| -> Vec<String> {
        let mut ids: Vec<String> = planned
            .iter()
            .filter(|m| f(&m.expected))
            .map(|m| m.id.clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids_in("Guichet-traites").await,
        want(|e| !matches!(e, Expected::Quarantined))
    );
    assert_eq!(
        ids_in("Guichet-refuses").await,
        want(|e| matches!(e, Expected::Quarantined))
    );
    assert_eq!(server.count("Guichet-erreurs").await, 0);
}
