//! A real CAS 3.0 server for sign-on tests: `cas/run_cas.py` (django-cas-server from PyPI,
//! installed by `.ci/run`) on Django's threaded development server, on 127.0.0.1 and an
//! ephemeral port, with the users a test gives. It accepts Guichet's `/sso/cas/` service URLs
//! on loopback, releases the attributes `uid`, `mail`, `givenName`, `sn`, and sends single
//! logout requests. Stopped when the handle drops (stdin closes, then it is killed).

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A user of the CAS server.
#[derive(Debug, Clone)]
pub struct CasAccount {
    pub username: String,
    pub password: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// A running CAS server.
#[derive(Debug)]
pub struct CasServer {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl CasServer {
    /// Starts a server knowing `accounts` (a few seconds: Django migrates its database).
    pub fn start(accounts: &[CasAccount]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("cas/run_cas.py");
        let users: Vec<String> = accounts.iter().map(CasAccount::json).collect();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--data")
            .arg(dir.path())
            .arg("--users")
            .arg(format!("[{}]", users.join(",")))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts (the test CAS server needs `pip install django-cas-server`)");
        let port = crate::read_port(&mut child, "CAS server (is django-cas-server installed?)");
        Self {
            child,
            port,
            _dir: dir,
        }
    }

    /// The server's base URL, before `/login`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/cas", self.port)
    }
}

impl CasAccount {
    /// A user whose password is `secret`.
    pub fn new(username: &str, email: &str, first_name: &str, last_name: &str) -> Self {
        Self {
            username: username.into(),
            password: "secret".into(),
            email: email.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
        }
    }

    fn json(&self) -> String {
        let s = |v: &str| {
            let mut out = String::from("\"");
            for c in v.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        };
        format!(
            "{{\"username\":{},\"password\":{},\"email\":{},\"first_name\":{},\"last_name\":{}}}",
            s(&self.username),
            s(&self.password),
            s(&self.email),
            s(&self.first_name),
            s(&self.last_name)
        )
    }
}

impl Drop for CasServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
