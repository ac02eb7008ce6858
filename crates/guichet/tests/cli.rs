//! The `guichet` binary as an operator uses it: first start on an empty database, users, tokens,
//! the server on a real socket. On SQLite and on PostgreSQL.

use guichet_testkit::{TestDb, both_engines};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

fn guichet(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_guichet"));
    c.env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_LOG", "warn")
        .env_remove("GUICHET_CONFIG");
    c
}

fn run(url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = guichet(url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("guichet starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("stdin written");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("guichet ends");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A server on a free loopback port, stopped when dropped.
struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(url: &str) -> Server {
    let mut child = guichet(url)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .expect("utf-8");
        if let Some(addr) = line.strip_prefix("Guichet listens on http://") {
            break addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port");
        }
    };
    // Keep draining stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server(child, port)
}

fn http_get(port: u16, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("request sent");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("response read");
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

async fn first_start_users_tokens_and_the_server(db: TestDb) {
    let url = db.url.clone();
    // Migrations are idempotent: the test database is already migrated.
    let (ok, _, err) = run(&url, &["migrate"], None);
    assert!(ok, "{err}");

    let (ok, _, err) = run(
        &url,
        &[
            "user",
            "create",
            "--email",
            "Agent.Test@AC-Dijon.fr",
            "--name",
            "Agent Test",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(
        &url,
        &[
            "user",
            "create",
            "--email",
            "agent.test@ac-dijon.fr",
            "--name",
            "Twice",
        ],
        None,
    );
    assert!(!ok, "a second person with the same email is refused");
    assert!(err.contains("email"), "{err}");

    let (ok, token, err) = run(
        &url,
        &["token", "create", "--user", "agent.test@ac-dijon.fr"],
        None,
    );
    assert!(ok, "{err}");
    let token = token.trim_end_matches('\n');
    assert!(
        token.starts_with("gch_") && !token.contains(char::is_whitespace),
        "the token alone: {token:?}"
    );
    let (ok, _, err) = run(
        &url,
        &["token", "create", "--user", "nobody@ac-dijon.fr"],
        None,
    );
    assert!(!ok && err.contains("nobody@ac-dijon.fr"), "{err}");

    let server = tokio::task::spawn_blocking(move || serve(&url))
        .await
        .expect("server");
    let port = server.1;
    let token = token.to_owned();
    tokio::task::spawn_blocking(move || {
        assert_eq!(http_get(port, "/healthz", None).0, 200);
        assert_eq!(http_get(port, "/readyz", None).0, 200);
        let (status, body) = http_get(port, "/api/v1/me", Some(&token));
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("agent.test@ac-dijon.fr"), "{body}");
        assert_eq!(http_get(port, "/api/v1/me", None).0, 401);
        drop(server);
    })
    .await
    .expect("requests");
}

both_engines!(first_start_users_tokens_and_the_server);

#[test]
fn a_first_start_creates_the_sqlite_database_and_its_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/data/guichet.db");
    let url = format!("sqlite://{}", path.display());
    let (ok, _, err) = run(&url, &["migrate"], None);
    assert!(ok, "{err}");
    assert!(path.exists());
}

#[test]
fn a_bad_configuration_names_its_key() {
    let (ok, _, err) = run("mysql://nope", &["migrate"], None);
    assert!(!ok);
    assert!(err.contains("database_url"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["config", "example"])
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("database_url = \"sqlite://data/guichet.db\"")
    );
}
