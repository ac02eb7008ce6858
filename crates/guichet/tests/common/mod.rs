//! What several of this crate's test binaries share.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A configuration with one mailbox, `assistance`, for the académie's domain.
pub const CONFIG: &str = r#"
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

/// [`CONFIG`] with `line` added to its `[mail]` table.
pub fn config_with(line: &str) -> String {
    CONFIG.replace("[mail]\n", &format!("[mail]\n{line}\n"))
}

/// `guichet serve --workers-only` with the configuration file `config`, once `listening` says
/// it takes connections (bounded: 60 s).
pub fn serve_workers(url: &str, config: &Path, listening: impl Fn() -> bool) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_CONFIG", config)
        .args(["serve", "--workers-only"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("guichet serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !listening() {
        if let Some(status) = child.try_wait().expect("status") {
            panic!("guichet serve ended before listening: {status}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("guichet serve not listening after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// Runs `guichet mail ingest --mailbox MAILBOX` with the configuration file `config` and `message`
/// on standard input, as an MTA's pipe does: (exit status, stderr).
pub fn mail_ingest(url: &str, config: &Path, mailbox: &str, message: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", url)
        .env("GUICHET_LOG", "warn")
        .env("GUICHET_CONFIG", config)
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
