//! What several of this crate's test binaries share.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

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
