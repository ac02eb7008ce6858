//! The `imap` table of a `[[mail.mailbox]]` entry: the server a mailbox is collected from, and
//! the folders its messages end in. The password is a [`Secret`]: `Debug` never shows it.

use crate::config::{Secret, Security};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    /// 993 for `tls`; 143 for `starttls` and `none`.
    pub port: u16,
    /// `tls` (IMAPS), `starttls`, or `none`, which is only accepted on the loopback interface.
    pub security: Security,
    pub username: String,
    pub password: Secret,
    /// A PEM file of certificate authorities to trust besides the system's (an internal CA).
    pub ca_file: Option<PathBuf>,
    /// The folder collected.
    pub folder: String,
    /// Where messages go once they became a ticket, a reply, a note or were ignored.
    pub processed_folder: String,
    /// Where quarantined messages go.
    pub refused_folder: String,
    /// Where messages whose processing failed go (replayable from the administration).
    pub error_folder: String,
    /// Seconds between two looks at the folder when the server does not offer IDLE.
    pub poll_secs: u64,
    /// Messages fetched at once.
    pub batch: u32,
    /// Messages of a batch processed at the same time, each in its own transaction (different
    /// senders only: one sender's messages are taken in order, one after another).
    pub concurrency: u32,
    /// Seconds to wait for the server at each step.
    pub timeout_secs: u64,
    /// Seconds an instance holds the mailbox without renewing it; after a crash, another
    /// instance takes over once they have passed.
    pub lease_secs: u64,
}

impl Default for ImapConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 993,
            security: Security::Tls,
            username: String::new(),
            password: Secret::default(),
            ca_file: None,
            folder: "INBOX".into(),
            processed_folder: "Guichet-traites".into(),
            refused_folder: "Guichet-refuses".into(),
            error_folder: "Guichet-erreurs".into(),
            poll_secs: 60,
            batch: 50,
            concurrency: 8,
            timeout_secs: 60,
            lease_secs: 60,
        }
    }
}

impl ImapConfig {
    /// Checks the settings; the error names the bad key under `prefix` (`mail.mailbox[0].imap`).
    pub fn validate(&self, prefix: &str) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err(format!("{prefix}.host: not set"));
        }
        if self.port == 0 {
            return Err(format!("{prefix}.port: must not be 0"));
        }
        if self.security == Security::None && !is_loopback(&self.host) {
            return Err(format!(
                "{prefix}.security: \"none\" sends the password in clear; only allowed for a \
                 server on this machine (127.0.0.1, ::1, localhost), use \"tls\" or \"starttls\""
            ));
        }
        if self.username.trim().is_empty() || self.password.is_empty() {
            return Err(format!("{prefix}.password: set both username and password"));
        }
        let folders = [
            ("folder", &self.folder),
            ("processed_folder", &self.processed_folder),
            ("refused_folder", &self.refused_folder),
            ("error_folder", &self.error_folder),
        ];
        for (key, name) in folders {
            if name.trim().is_empty() || name.contains(['"', '\\', '\r', '\n']) {
                return Err(format!("{prefix}.{key}: not a folder name"));
            }
        }
        if folders[1..].iter().any(|(_, f)| f == &&self.folder) {
            return Err(format!(
                "{prefix}.processed_folder: the destination folders must differ from the collected one"
            ));
        }
        if self.batch == 0 {
            return Err(format!("{prefix}.batch: at least 1"));
        }
        if self.concurrency == 0 {
            return Err(format!("{prefix}.concurrency: at least 1"));
        }
        if self.lease_secs < 2 {
            return Err(format!("{prefix}.lease_secs: at least 2"));
        }
        if self.poll_secs == 0 {
            return Err(format!("{prefix}.poll_secs: at least 1"));
        }
        Ok(())
    }
}

pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ImapConfig {
        ImapConfig {
            host: "imap.ac-dijon.fr".into(),
            username: "lsun".into(),
            password: Secret::new("s3cret"),
            ..ImapConfig::default()
        }
    }

    #[test]
    fn plain_imap_is_for_loopback_only() {
        assert!(valid().validate("imap").is_ok());
        let plain = ImapConfig {
            security: Security::None,
            ..valid()
        };
        assert!(
            plain
                .validate("imap")
                .expect_err("refused")
                .starts_with("imap.security")
        );
        for host in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            let local = ImapConfig {
                host: host.into(),
                ..plain.clone()
            };
            assert!(local.validate("imap").is_ok(), "{host}");
        }
    }

    #[test]
    fn folders_are_checked_and_the_password_never_shows() {
        let same = ImapConfig {
            refused_folder: "INBOX".into(),
            ..valid()
        };
        assert!(same.validate("imap").is_err());
        let none_at_once = ImapConfig {
            concurrency: 0,
            ..valid()
        };
        assert_eq!(
            none_at_once.validate("imap"),
            Err("imap.concurrency: at least 1".into())
        );
        let shown = format!("{:?}", valid());
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
