//! `guichet mail ingest` as an MTA's pipe runs it: the exit status tells the MTA whether the
//! message was taken (0), must be retried (75, the database is unreachable) or was misrouted
//! (64, no such mailbox). The real binary, on SQLite and PostgreSQL; directly, and through the
//! socket of a running `guichet serve`.

mod common;

use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command};

/// Runs `guichet mail ingest` with `message` on standard input: (exit status, stderr).
fn ingest(url: &str, dir: &std::path::Path, mailbox: &str, message: &str) -> (i32, String) {
    let config = dir.join("guichet.toml");
    std::fs::write(&config, common::CONFIG).expect("config written");
    common::mail_ingest(url, &config, mailbox, message)
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
    let url = unreachable_database();
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

/// A PostgreSQL URL on a port where nothing listens.
fn unreachable_database() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("postgres://postgres@127.0.0.1:{port}/test")
}

/// `guichet serve --workers-only` with `config`, once its ingest socket takes connections (a
/// dead server's socket file may be there before).
fn serve(url: &str, config: &Path, socket: &Path) -> Child {
    common::serve_workers(url, config, || {
        std::os::unix::net::UnixStream::connect(socket).is_ok()
    })
}

both_engines!(the_pipe_hands_its_messages_to_a_running_server);

/// With `[mail] ingest_socket`, the command gives the message to the running server: it works
/// even though the command itself could not reach the database. Once the server is gone (killed,
/// its socket file left behind; or stopped, the file removed), the command ingests directly.
async fn the_pipe_hands_its_messages_to_a_running_server(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("ingest.sock");
    let config = dir.path().join("guichet.toml");
    std::fs::write(
        &config,
        common::config_with(&format!("ingest_socket = \"{}\"", socket.display())),
    )
    .expect("config written");
    let director = fx.director_a.email.clone();
    let nowhere = unreachable_database();
    let url = db.url.clone();
    let (config_, socket_) = (config.clone(), socket.clone());
    let steps = tokio::task::spawn_blocking(move || {
        let (config, socket) = (config_, socket_);
        let mut server = serve(&url, &config, &socket);
        let mode = std::fs::metadata(&socket)
            .expect("socket")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o660,
            "only the owner and the group may write"
        );

        // The command's own database URL leads nowhere: only the server can have taken these.
        let (code, err) = common::mail_ingest(
            &nowhere,
            &config,
            "assistance",
            &message(&director, "s1", "Écran"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("ticket 20"), "{err}");
        let (code, err) = common::mail_ingest(
            &nowhere,
            &config,
            "assistance",
            &message(&director, "s1", "Écran"),
        );
        assert_eq!((code, err.trim()), (0, "duplicate"));
        let (code, err) = common::mail_ingest(
            &nowhere,
            &config,
            "assistance",
            &message("x@gmail.com", "s2", "Spam"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("quarantined") && err.contains("intake.domain"),
            "{err}"
        );

        // Killed: its socket file stays, nothing answers; the command goes to the database.
        server.kill().expect("SIGKILL");
        server.wait().expect("reaped");
        assert!(socket.exists());
        let (code, err) = common::mail_ingest(
            &nowhere,
            &config,
            "assistance",
            &message(&director, "s3", "Clavier"),
        );
        assert_eq!(
            code, 75,
            "the database unreachable, the MTA must retry: {err}"
        );
        let (code, err) = common::mail_ingest(
            &url,
            &config,
            "assistance",
            &message(&director, "s3", "Clavier"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("ticket 20"), "{err}");

        // A new server replaces the dead one's socket; stopped, it removes it.
        let server = serve(&url, &config, &socket);
        let (code, err) = common::mail_ingest(
            &nowhere,
            &config,
            "assistance",
            &message(&director, "s4", "Souris"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("ticket 20"), "{err}");
        let term = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(term.success());
        let out = server.wait_with_output().expect("guichet serve stops");
        assert!(out.status.success(), "a clean exit: {}", out.status);
        assert!(!socket.exists(), "the socket file is removed");
    });
    steps.await.expect("the steps ran");
    let tickets = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket WHERE channel = 'email'")
        .await
        .expect("count");
    assert_eq!(tickets[0][0], "3", "s1 once, s3 and s4");
    let records = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM inbound_message")
        .await
        .expect("count");
    assert_eq!(records[0][0], "4", "s1, s2, s3, s4: one record each");
}
