//! A real SMTP server for tests: `smtp_server.py` (aiosmtpd from PyPI, installed by `.ci/run`)
//! on 127.0.0.1 and an ephemeral port, delivering into a maildir that the test reads back.
//! Started by the test, stopped when the handle drops (its stdin closes, then it is killed).
//!
//! Recipients whose local part starts with `reject` are refused with a 550, `tempfail` with a
//! 451. [`SmtpServer::start_secured`] requires STARTTLS (a certificate made by `openssl` for
//! `localhost` and 127.0.0.1, signed by a throwaway CA) and a login;
//! [`SmtpServer::start_implicit_tls`] the same over TLS from the first byte.

use std::io::Write;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A running test SMTP server.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    /// The server's stdout, past the port line: where it confirms a [`SmtpServer::drop_connections`].
    said: BufReader<ChildStdout>,
    pub port: u16,
    dir: tempfile::TempDir,
    /// The CA that signed the server's certificate (secured servers only).
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    None,
    Starttls,
    Implicit,
}

/// The login a secured server asks for.
pub const SMTP_USER: &str = "guichet";
pub const SMTP_PASSWORD: &str = "s3cret-smtp";

impl SmtpServer {
    /// A plain server (no TLS, no login).
    pub fn start() -> Self {
        Self::spawn(Tls::None)
    }

    /// A server that requires STARTTLS and the login [`SMTP_USER`] / [`SMTP_PASSWORD`].
    pub fn start_secured() -> Self {
        Self::spawn(Tls::Starttls)
    }

    /// A server that speaks TLS from the first byte (SMTPS) and requires the login.
    pub fn start_implicit_tls() -> Self {
        Self::spawn(Tls::Implicit)
    }

    fn spawn(tls: Tls) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let maildir = dir.path().join("maildir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp_server.py");
        let mut cmd = Command::new("python3");
        cmd.arg(&script).arg("--maildir").arg(&maildir);
        let mut ca_file = None;
        if tls != Tls::None {
            let (ca, cert, key) = certificates(dir.path());
            cmd.arg("--cert").arg(cert).arg("--key").arg(key);
            if tls == Tls::Implicit {
                cmd.arg("--implicit-tls");
            }
            cmd.args(["--user", SMTP_USER, "--password", SMTP_PASSWORD]);
            ca_file = Some(ca);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 starts (the test SMTP server needs python3 and `pip install aiosmtpd`)",
            );
        let stdout = child.stdout.take().expect("piped stdout");
        let mut said = BufReader::new(stdout);
        let mut line = String::new();
        said.read_line(&mut line)
            .expect("the SMTP server prints its port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the test SMTP server did not start (is aiosmtpd installed?): {line:?}")
        });
        Self {
            child,
            said,
            port,
            dir,
            ca_file,
        }
    }

    /// Closes every open session at once, as a restarted server would; returns when done.
    pub fn drop_connections(&mut self) {
        let stdin = self.child.stdin.as_mut().expect("the server's stdin");
        stdin
            .write_all(b"drop\n")
            .and_then(|()| stdin.flush())
            .expect("the SMTP server reads its stdin");
        let mut line = String::new();
        self.said
            .read_line(&mut line)
            .expect("the SMTP server answers");
        assert_eq!(
            line.trim(),
            "dropped",
            "the SMTP server dropped its sessions"
        );
    }

    /// Every message delivered so far, raw, oldest first. The server writes a message before
    /// it answers 250, so a message the client saw accepted is already here.
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        let mut files: Vec<(std::time::SystemTime, String, PathBuf)> = entries
            .filter_map(Result::ok)
            .map(|e| {
                let modified = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                (
                    modified,
                    e.file_name().to_string_lossy().into_owned(),
                    e.path(),
                )
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, _, p)| std::fs::read_to_string(p).expect("a delivered message"))
            .collect()
    }

    /// The messages delivered to `address`.
    pub fn messages_to(&self, address: &str) -> Vec<String> {
        let wanted = format!("X-Envelope-To: {address}");
        self.messages()
            .into_iter()
            .filter(|m| m.lines().next().is_some_and(|l| l == wanted))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a certificate for `localhost` / 127.0.0.1 signed by it, made with `openssl`.
pub(crate) fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = dir.join("ca.key");
    let ca = dir.join("ca.pem");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.pem");
    let ext = dir.join("ext.cnf");
    std::fs::write(
        &ext,
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .expect("extension file");
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let p = |p: &Path| p.to_str().expect("a UTF-8 path").to_owned();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Guichet test CA",
        "-keyout",
        &p(&ca_key),
        "-out",
        &p(&ca),
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &p(&key),
        "-out",
        &p(&csr),
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca),
        "-CAkey",
        &p(&ca_key),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p(&ext),
        "-out",
        &p(&cert),
    ]);
    (ca, cert, key)
}

/// The unfolded value of `name` in a raw message's headers.
pub fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

/// A header with its RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded.
pub fn words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + 2..];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        let Some(end) = parts.get(2).and_then(|p| p.find("?=")) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let text = &parts[2][..end];
        out.push_str(&match parts[1].to_ascii_lowercase().as_str() {
            "b" => b64(text),
            _ => qp(&text.replace('_', " ")),
        });
        rest = &parts[2][end + 2..];
    }
    out.push_str(rest);
    out
}

/// The message with its quoted-printable or base64 parts decoded, enough to read the text.
pub fn decode(raw: &str) -> String {
    let boundary = header(raw, "Content-Type")
        .and_then(|t| {
            let b = t.split("boundary=").nth(1)?;
            Some(format!("\r\n--{}", b.trim_matches('"')))
        })
        .unwrap_or_else(|| "\r\n--".into());
    let mut out = String::new();
    for part in raw.split(&boundary) {
        let (head, body) = part.split_once("\r\n\r\n").unwrap_or(("", part));
        let head = head.to_ascii_lowercase();
        if head.contains("content-transfer-encoding: quoted-printable") {
            out.push_str(&qp(body));
        } else if head.contains("content-transfer-encoding: base64") {
            out.push_str(&b64(body));
        } else {
            out.push_str(body);
        }
        out.push('\n');
    }
    out
}

fn qp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let Some(v) = A.iter().position(|a| *a == c) else {
            continue;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
