//! `[mail] lmtp_listen`: an MTA delivering to a running `guichet serve` over LMTP (RFC 2033), as
//! Postfix delivers to Dovecot. The real binary on a loopback port, on SQLite and PostgreSQL;
//! the client speaks the protocol line by line so that every answer is checked, one per
//! recipient after the message.

use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

mod common;

/// A free loopback port and a configuration file in `dir` whose LMTP listener takes it.
fn lmtp_config(dir: &Path) -> (u16, PathBuf) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    };
    let config = dir.join("guichet.toml");
    std::fs::write(
        &config,
        common::config_with(&format!("lmtp_listen = \"127.0.0.1:{port}\"")),
    )
    .expect("config written");
    (port, config)
}

/// A line-by-line LMTP client.
struct Client {
    read: BufReader<TcpStream>,
    write: TcpStream,
}

impl Client {
    fn connect(port: u16) -> Self {
        let write = TcpStream::connect(("127.0.0.1", port)).expect("connected");
        write
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout set");
        let mut c = Self {
            read: BufReader::new(write.try_clone().expect("clone")),
            write,
        };
        assert!(c.answer().starts_with("220 "));
        c
    }

    /// One reply, its continuation lines joined.
    fn answer(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            self.read.read_line(&mut line).expect("a reply");
            assert!(!line.is_empty(), "the server closed the connection");
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all.trim_end().to_owned();
            }
        }
    }

    fn send(&mut self, line: &str) -> String {
        write!(self.write, "{line}\r\n").expect("sent");
        self.answer()
    }

    /// DATA with `message` (dot-stuffed here), then one answer per accepted recipient.
    fn data(&mut self, message: &str, recipients: usize) -> Vec<String> {
        assert!(self.send("DATA").starts_with("354"));
        for line in message.split("\r\n") {
            let stuffed = if line.starts_with('.') {
                format!(".{line}")
            } else {
                line.to_owned()
            };
            write!(self.write, "{stuffed}\r\n").expect("sent");
        }
        write!(self.write, ".\r\n").expect("sent");
        (0..recipients).map(|_| self.answer()).collect()
    }
}

fn message(from: &str, id: &str, subject: &str, extra: &str) -> String {
    format!(
        "From: {from}\r\nTo: assistance@ac-dijon.fr\r\nSubject: {subject}\r\nMessage-ID: <{id}@client.example>\r\n\
         Date: Mon, 7 Dec 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n{extra}\
         Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, l'imprimante ne marche plus.\r\n\
         . Un point en début de ligne.\r\nMerci."
    )
}

fn serve(url: &str, config: &Path, port: u16) -> Child {
    common::serve_workers(url, config, || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
}

both_engines!(an_mta_delivers_over_lmtp_and_gets_one_answer_per_recipient);

async fn an_mta_delivers_over_lmtp_and_gets_one_answer_per_recipient(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, config) = lmtp_config(dir.path());
    let director = fx.director_a.email.clone();
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        let server = serve(&url, &config, port);
        let mut c = Client::connect(port);
        assert!(
            c.send("MAIL FROM:<a@ac-dijon.fr>").starts_with("503"),
            "LHLO first"
        );
        let hello = c.send("LHLO mx.ac-dijon.fr");
        assert!(
            hello.contains("PIPELINING") && hello.contains("SIZE"),
            "{hello}"
        );
        assert!(
            c.send("RCPT TO:<assistance@ac-dijon.fr>")
                .starts_with("503"),
            "MAIL first"
        );
        assert!(c.send("DATA").starts_with("503"));

        // A request: one recipient taken, one unknown (refused at once, no answer after DATA).
        assert!(
            c.send(&format!("MAIL FROM:<{director}> SIZE=600"))
                .starts_with("250")
        );
        assert!(
            c.send("RCPT TO:<Assistance@AC-Dijon.fr>")
                .starts_with("250")
        );
        let unknown = c.send("RCPT TO:<personne@ac-dijon.fr>");
        assert!(unknown.starts_with("550 5.1.1"), "{unknown}");
        let answers = c.data(&message(&director, "l1", "Imprimante", ""), 1);
        assert!(answers[0].starts_with("250 2.0.0 ticket 20"), "{answers:?}");

        // The same message again, to the mailbox twice (by address and by name): one record,
        // one answer per recipient.
        assert!(
            c.send(&format!("MAIL FROM:<{director}>"))
                .starts_with("250")
        );
        assert!(
            c.send("RCPT TO:<assistance@ac-dijon.fr>")
                .starts_with("250")
        );
        assert!(
            c.send("RCPT TO:<assistance@guichet.local>")
                .starts_with("250")
        );
        let answers = c.data(&message(&director, "l1", "Imprimante", ""), 2);
        assert_eq!(answers, ["250 2.0.0 duplicate", "250 2.0.0 duplicate"]);

        // Refused by the policy: taken (quarantined with its reason), not returned to the MTA.
        assert!(c.send("MAIL FROM:<x@gmail.com>").starts_with("250"));
        assert!(
            c.send("RCPT TO:<assistance@ac-dijon.fr>")
                .starts_with("250")
        );
        let answers = c.data(&message("x@gmail.com", "l2", "Spam", ""), 1);
        assert!(
            answers[0].starts_with("250") && answers[0].contains("intake.domain"),
            "{answers:?}"
        );

        // A delivery report from the null sender: kept as Return-Path, never made a request.
        assert!(c.send("MAIL FROM:<>").starts_with("250"));
        assert!(
            c.send("RCPT TO:<assistance@ac-dijon.fr>")
                .starts_with("250")
        );
        let answers = c.data(
            &message(
                "MAILER-DAEMON@ac-dijon.fr",
                "l3",
                "Absent",
                "Auto-Submitted: auto-replied\r\n",
            ),
            1,
        );
        assert!(answers[0].starts_with("250 2.0.0 ignored"), "{answers:?}");
        assert!(c.send("RSET").starts_with("250"));
        assert!(c.send("QUIT").starts_with("221"));

        let term = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(term.success());
        let out = server.wait_with_output().expect("guichet serve stops");
        assert!(out.status.success(), "a clean exit: {}", out.status);
    })
    .await
    .expect("the steps ran");

    let records = db
        .store
        .query_strings("SELECT state FROM inbound_message ORDER BY id")
        .await
        .expect("records");
    let states: Vec<&str> = records.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(states, ["ticket", "quarantined", "ignored"]);
    let bodies = db
        .store
        .query_strings(
            "SELECT e.body FROM ticket_entry e JOIN ticket t ON t.id = e.ticket_id \
             WHERE t.channel = 'email'",
        )
        .await
        .expect("entries");
    assert_eq!(bodies.len(), 1, "one ticket");
    assert!(
        bodies[0][0].contains("\n. Un point en début de ligne.") && !bodies[0][0].contains(".. Un"),
        "dot-unstuffed: {:?}",
        bodies[0][0]
    );
}

/// Stopping the server does not wait for an idle MTA connection: it is told 421 (come back later)
/// and the server exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_tells_an_idle_connection_to_come_back() {
    let db = TestDb::sqlite().await;
    Fixture::build(&db.store).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, config) = lmtp_config(dir.path());
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        let server = serve(&url, &config, port);
        let mut c = Client::connect(port);
        assert!(c.send("LHLO mx.ac-dijon.fr").starts_with("250"));
        let term = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(term.success());
        let told = c.answer();
        assert!(told.starts_with("421 4.3.2"), "{told}");
        let out = server.wait_with_output().expect("guichet serve stops");
        // Held by the idle connection, it would exit with an error after its stop limit.
        assert!(out.status.success(), "a clean exit: {}", out.status);
    })
    .await
    .expect("the steps ran");
}
