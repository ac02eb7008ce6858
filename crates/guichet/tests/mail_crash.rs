//! The collector killed at random points: a realistic batch of messages in a real Dovecot inbox
//! (new requests, replies to tickets created in the same batch, refusals), `guichet mail collect
//! --once` started on SQLite and SIGKILLed after a random delay, again and again, then left to
//! finish. Afterwards every message is exactly one ticket, reply or quarantine entry (none lost,
//! none doubled, checked in the database against the list of Message-IDs), each in the folder of
//! its outcome, and the inbox is empty.
//!
//! 500 messages and 20 kills with `GUICHET_CRASH_FULL=1`; a smaller run otherwise, to keep CI
//! short.

use chrono::Datelike;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// The n-th ticket of the batch (1-based).
    Ticket(usize),
    /// A reply on the n-th ticket.
    Reply(usize),
    Quarantined,
}

/// The batch: raw messages in inbox order and what each must become, by Message-ID.
fn batch(n: usize, seed: u64) -> (Vec<Vec<u8>>, BTreeMap<String, Expected>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let year = chrono::Utc::now().year();
    let mut raws = Vec::new();
    let mut expected = BTreeMap::new();
    let mut tickets: Vec<&str> = Vec::new();
    for i in 0..n {
        let id = format!("crash-{i}.{seed}@mail.{DOMAIN}");
        let roll = rng.random_range(0..100);
        let (from, subject, extra, outcome) = if roll < 25 && tickets.len() > 3 {
            let k = rng.random_range(1..=tickets.len() - 2);
            let reference = format!("{year}-{k:06}");
            (
                tickets[k - 1].to_owned(),
                format!("Re: [Guichet #{reference}] Livret scolaire"),
                format!(
                    "In-Reply-To: <ticket-{reference}.1@{DOMAIN}>\r\nReferences: <ticket-{reference}.1@{DOMAIN}>\r\n"
                ),
                Expected::Reply(k),
            )
        } else if roll < 35 {
            (
                format!("parent.{i}@gmail.com"),
                "LSUN : je n'arrive pas à voir le livret".to_owned(),
                String::new(),
                Expected::Quarantined,
            )
        } else if roll < 42 {
            // A teacher: not the director role the mailbox requires.
            (
                "paul.bernard@ac-dijon.fr".to_owned(),
                "LSUN : accès enseignant".to_owned(),
                String::new(),
                Expected::Quarantined,
            )
        } else {
            let from = DIRECTORS[i % DIRECTORS.len()];
            tickets.push(from);
            (
                from.to_owned(),
                format!("=?UTF-8?Q?LSUN_=3A_bulletins_non_valid=C3=A9s_n=C2=B0{i}?="),
                String::new(),
                Expected::Ticket(tickets.len()),
            )
        };
        let raw = format!(
            "Return-Path: <{from}>\r\nFrom: {from}\r\nTo: assistance-lsun@{DOMAIN}\r\n\
             Subject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\
             Date: Tue, 1 Dec 2026 08:{:02}:00 +0100\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
             Bonjour,\r\n\r\nLes bulletins de la classe de CM2 (message {i}) ne sont pas validés.\r\n\
             Merci d'avance.\r\n",
            i % 60
        );
        raws.push(raw.into_bytes());
        expected.insert(id, outcome);
    }
    (raws, expected)
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
    let (raws, expected) = batch(n, seed);
    // A quarter of the batch first, the rest in waves of 10 whenever a run empties the inbox before
    // every kill is done (a fast machine), in the batch's order: there is always something
    // being collected when the process is killed.
    let mut reserve: std::collections::VecDeque<Vec<u8>> = raws.into_iter().collect();
    let first: Vec<Vec<u8>> = reserve.drain(..reserve.len() / 4).collect();
    server.append_all("INBOX", first).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = config_file(dir.path(), &server);

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut killed = 0;
    let started = Instant::now();
    while killed < kills {
        let mut child = collect(&db.url, &config).spawn().expect("guichet starts");
        let delay = Duration::from_millis(rng.random_range(20..250));
        std::thread::sleep(delay);
        if child.try_wait().expect("status").is_some() {
            // It ended first: the lease of a killed run was still held, or the inbox is empty.
            let out = child.wait_with_output().expect("output");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                if reserve.is_empty() {
                    break;
                }
                let wave: Vec<Vec<u8>> = reserve.drain(..reserve.len().min(10)).collect();
                server.append_all("INBOX", wave).await;
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
    server.append_all("INBOX", reserve.drain(..)).await;
    // The last run goes to the end (once the dead run's lease has expired).
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let out = collect(&db.url, &config).output().expect("guichet runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            eprintln!("last run: {}", String::from_utf8_lossy(&out.stdout).trim());
            break;
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
    let rows = db
        .store
        .query_strings(
            "SELECT m.dedupe_key, m.state, COALESCE(t.reference, '') FROM inbound_message m
             LEFT JOIN ticket t ON t.id = m.ticket_id",
        )
        .await
        .expect("inbound messages");
    let year = chrono::Utc::now().year();
    let recorded: BTreeMap<String, (String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].trim_matches(['<', '>']).to_owned(),
                (r[1].clone(), r[2].clone()),
            )
        })
        .collect();
    assert_eq!(rows.len(), recorded.len(), "one record per message");
    assert_eq!(recorded.len(), n, "every message recorded, none twice");
    let mut counts = (0, 0, 0);
    for (id, want) in &expected {
        let (state, reference) = recorded.get(id).unwrap_or_else(|| panic!("{id} was lost"));
        match want {
            Expected::Ticket(k) => {
                counts.0 += 1;
                assert_eq!(
                    (state.as_str(), reference.as_str()),
                    ("ticket", format!("{year}-{k:06}").as_str()),
                    "{id}"
                );
            }
            Expected::Reply(k) => {
                counts.1 += 1;
                assert_eq!(
                    (state.as_str(), reference.as_str()),
                    ("reply", format!("{year}-{k:06}").as_str()),
                    "{id}"
                );
            }
            Expected::Quarantined => {
                counts.2 += 1;
                assert_eq!(state, "quarantined", "{id}");
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
        expected
            .iter()
            .filter(|(_, e)| f(e))
            .map(|(id, _)| id.clone())
            .collect()
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
