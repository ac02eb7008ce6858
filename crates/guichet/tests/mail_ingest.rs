//! `guichet mail ingest` as an MTA's pipe runs it: the exit status tells the MTA whether the
//! message was taken (0), must be retried (75, the database is unreachable) or was misrouted
//! (64, no such mailbox). The real binary, on SQLite and PostgreSQL.

use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::io::Write;
use std::process::{Command, Stdio};

const CONFIG: &str = r#"
[mail]
from = "Guichet <guichet@ac-dijon.fr>"
reply_to = "assistance@ac-dijon.fr"

[[mail.mailbox]]
name = "assistance"
address = "assistance@ac-dijon.fr"
allowed_domains = ["ac-dijon.fr"]
authserv_id = "mx.ac-dijon.fr"
authentication = "flag"
"#;

/// Runs `guichet mail ingest` with `message` on standard input: (exit status, stderr).
fn ingest(url: &str, dir: &std::path::Path, mailbox: &str, message: &str) -> (i32, String) {
    let config = dir.join("guichet.toml");
    std::fs::write(&config, CONFIG).expect("config written");
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_CONFIG", &config)
        .args(["mail", "ingest", "--mailbox", mailbox])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("guichet starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message.as_bytes())
        .expect("message written");
    let out = child.wait_with_output().expect("guichet ends");
    (
        out.status.code().expect("an exit status"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn message(from: &str, id: &str, subject: &str) -> String {
    format!(
        "From: {from}\r\nTo: assistance@ac-dijon.fr\r\nSubject: {subject}\r\nMessage-ID: <{id}@client.example>\r\n\
         Date: Thu, 3 Dec 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, l'imprimante ne marche plus.\r\n"
    )
}

both_engines!(the_pipe_takes_each_message_once_and_names_its_outcome);

async fn the_pipe_takes_each_message_once_and_names_its_outcome(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = db.url.clone();
    let director = fx.director_a.email.clone();
    let dir_path = dir.path().to_owned();
    let run = move |mailbox: &'static str, m: String| {
        let (url, dir) = (url.clone(), dir_path.clone());
        tokio::task::spawn_blocking(move || ingest(&url, &dir, mailbox, &m))
    };

    let (code, err) = run("assistance", message(&director, "a1", "Imprimante"))
        .await
        .expect("ran");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ticket 20"), "{err}");
    // The MTA delivers it again: taken, nothing new.
    let (code, err) = run("assistance", message(&director, "a1", "Imprimante"))
        .await
        .expect("ran");
    assert_eq!((code, err.trim()), (0, "duplicate"));
    // An outsider: quarantined, and still taken off the MTA's hands.
    let (code, err) = run("assistance", message("x@gmail.com", "a2", "Spam"))
        .await
        .expect("ran");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("quarantined") && err.contains("intake.domain"),
        "{err}"
    );
    // A mailbox that is not configured: the MTA's routing is wrong.
    let (code, err) = run("nope", message(&director, "a3", "x"))
        .await
        .expect("ran");
    assert_eq!(code, 64, "{err}");
    let tickets = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket WHERE channel = 'email'")
        .await
        .expect("count");
    assert_eq!(tickets[0][0], "1");
}

/// PostgreSQL on a port where nothing listens: 75, so that the MTA keeps the message and retries.
#[test]
fn an_unreachable_database_is_a_temporary_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url = format!("postgres://postgres@127.0.0.1:{port}/test");
    let started = std::time::Instant::now();
    let (code, err) = ingest(
        &url,
        dir.path(),
        "assistance",
        &message("a@ac-dijon.fr", "b1", "x"),
    );
    assert_eq!(code, 75, "{err}");
    eprintln!("answered 75 in {:?}", started.elapsed());
}
