//! `[mail]` and `[mail.smtp]`: where notices go out, who they come from, and where an
//! administrator's templates live. Secrets are [`Secret`]s, whose `Debug` never shows them.

use serde::Deserialize;
use std::path::PathBuf;

pub use guichet_core::Secret;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain text: only for a relay on the same machine or a trusted network.
    #[default]
    None,
    /// Plain connection upgraded by STARTTLS, refused if the server does not offer it.
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

impl Security {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "starttls" => Some(Self::Starttls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }
}

/// `[mail.smtp]`: the server notices are handed to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// Host name of the SMTP server; empty: no mail is sent (notices stay in the application).
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Login, when the server asks for one.
    pub username: String,
    pub password: Secret,
    /// A PEM file of certificate authorities to trust besides the system's (an internal CA).
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the server at each step.
    pub timeout_secs: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 25,
            security: Security::None,
            username: String::new(),
            password: Secret::default(),
            ca_file: None,
            timeout_secs: 30,
        }
    }
}

/// `[mail]`: the outgoing identity of the desk and the notices' settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `From:` of every notice.
    pub from: String,
    /// `Reply-To:`: the desk's mailbox, where answers come back onto the ticket.
    pub reply_to: String,
    /// The right-hand side of `Message-ID`s; empty: the domain of `from`.
    pub message_domain: String,
    /// The address users reach Guichet at, for the links in notices.
    pub public_url: String,
    /// A folder whose templates (`notice.txt`, `received.html`…) replace the built-in ones.
    pub templates_dir: Option<PathBuf>,
    /// Hour (UTC, 0-23) at which daily digests go out.
    pub digest_hour: u32,
    pub smtp: SmtpConfig,
    /// `[[mail.mailbox]]`: the mailboxes requests arrive in, each with its intake policy.
    #[serde(rename = "mailbox")]
    pub mailboxes: Vec<MailboxConfig>,
    /// The académie's time zone: the calendar day of the intake quota.
    pub time_zone: String,
    /// Automatic answers (refusal explanations) one address receives in a day at most.
    pub auto_answers_per_day: u32,
    /// Delivery failures after which an address is marked bouncing and no longer mailed.
    pub bounce_threshold: u32,
    /// Days a quarantined or ignored message is kept.
    pub quarantine_retention_days: u32,
    /// A Unix socket `guichet serve` (workers) listens on for `guichet mail ingest`, which hands
    /// it each message instead of opening the database itself. Created mode 0660: who may write
    /// to it may submit mail, so its group is the MTA's.
    pub ingest_socket: Option<PathBuf>,
    /// Where `guichet serve` (workers) takes mail over LMTP: a loopback `address:port` or the
    /// absolute path of a Unix socket (see [`LmtpEndpoint`]).
    pub lmtp_listen: Option<String>,
}

/// Where the LMTP listener listens. LMTP carries no authentication: only a loopback address or
/// a Unix socket (mode 0660, for the MTA's group) is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LmtpEndpoint {
    Tcp(std::net::SocketAddr),
    Unix(PathBuf),
}

impl LmtpEndpoint {
    /// A path (starting with `/`, at most 100 bytes) or a loopback `address:port`.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.starts_with('/') {
            // sun_path holds 108 bytes with its terminating NUL.
            if s.len() > 100 {
                return Err("mail.lmtp_listen: a socket path of at most 100 bytes".into());
            }
            return Ok(Self::Unix(PathBuf::from(s)));
        }
        let addr: std::net::SocketAddr = s.parse().map_err(|_| {
            format!("mail.lmtp_listen: {s:?} is neither a socket path nor address:port")
        })?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "mail.lmtp_listen: LMTP has no authentication; listen on a loopback address or a Unix socket, not {addr}"
            ));
        }
        Ok(Self::Tcp(addr))
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "Guichet <guichet@localhost>".into(),
            reply_to: "guichet@localhost".into(),
            message_domain: String::new(),
            public_url: "http://127.0.0.1:8080".into(),
            templates_dir: None,
            digest_hour: 16,
            smtp: SmtpConfig::default(),
            mailboxes: Vec::new(),
            time_zone: "Europe/Paris".into(),
            auto_answers_per_day: 5,
            bounce_threshold: 3,
            quarantine_retention_days: 90,
            ingest_socket: None,
            lmtp_listen: None,
        }
    }
}

impl MailConfig {
    /// True when an SMTP server is configured.
    pub fn enabled(&self) -> bool {
        !self.smtp.host.trim().is_empty()
    }

    /// The domain of `Message-ID`s.
    pub fn domain(&self) -> String {
        if !self.message_domain.trim().is_empty() {
            return self.message_domain.trim().to_owned();
        }
        let addr = self
            .from
            .rsplit_once('<')
            .map_or(self.from.as_str(), |(_, a)| a.trim_end_matches('>'));
        addr.rsplit_once('@')
            .map_or("localhost", |(_, d)| d)
            .trim()
            .to_owned()
    }

    /// Checks the settings, naming the bad key.
    pub fn validate(&self) -> Result<(), String> {
        use lettre::message::Mailbox;
        self.from
            .parse::<Mailbox>()
            .map_err(|e| format!("mail.from: not an address ({e})"))?;
        self.reply_to
            .parse::<Mailbox>()
            .map_err(|e| format!("mail.reply_to: not an address ({e})"))?;
        if self.digest_hour > 23 {
            return Err("mail.digest_hour: between 0 and 23".into());
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err("mail.public_url: must start with http:// or https://".into());
        }
        if self.enabled() && self.smtp.port == 0 {
            return Err("mail.smtp.port: must not be 0".into());
        }
        if self.smtp.username.is_empty() != self.smtp.password.is_empty() {
            return Err("mail.smtp.password: set both username and password, or neither".into());
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err("mail.time_zone: not a time zone (e.g. Europe/Paris)".into());
        }
        if let Some(path) = &self.ingest_socket {
            // sun_path holds 108 bytes with its terminating NUL.
            if !path.is_absolute() || path.as_os_str().len() > 100 {
                return Err(
                    "mail.ingest_socket: an absolute path of at most 100 bytes (/run/guichet/ingest.sock)"
                        .into(),
                );
            }
        }
        if let Some(listen) = &self.lmtp_listen {
            LmtpEndpoint::parse(listen)?;
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, m) in self.mailboxes.iter().enumerate() {
            m.to_mailbox()
                .map_err(|e| format!("mail.mailbox[{i}].{e}"))?;
            if let Some(imap) = &m.imap {
                imap.validate(&format!("mail.mailbox[{i}].imap"))?;
            }
            if !names.insert(m.name.as_str()) {
                return Err(format!("mail.mailbox[{i}].name: {} is used twice", m.name));
            }
        }
        Ok(())
    }
}

/// `[[mail.mailbox]]`: one mailbox requests arrive in, and its intake policy.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailboxConfig {
    /// Short name (`lsun`), as `guichet mail ingest --mailbox` names it.
    pub name: String,
    pub address: String,
    /// Larger messages are refused (`intake.too_large`).
    pub max_bytes: usize,
    /// Sender domains accepted; empty: any.
    pub allowed_domains: Vec<String>,
    /// The authserv-id of the académie's MTA, whose `Authentication-Results` is trusted.
    pub authserv_id: String,
    /// `require`, `flag` (accepted, shown as unverified) or `off`.
    pub authentication: String,
    /// A subject without an application keyword is refused.
    pub keyword_required: bool,
    /// Application code given when the subject names none; empty: no application.
    pub default_application: String,
    pub daily_quota: u32,
    /// Role code the sender must hold (`director`); empty: any known, active person.
    pub required_role: String,
    /// Steps turned off: `domain`, `authentication`, `keyword`, `quota`, `role`.
    pub disabled_steps: Vec<String>,
    /// `[mail.mailbox.imap]`: collect this mailbox from an IMAP server (none: messages come
    /// through the pipe only).
    pub imap: Option<crate::imap::ImapConfig>,
}

impl Default for MailboxConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            address: String::new(),
            max_bytes: guichet_core::intake::DEFAULT_MAX_BYTES,
            allowed_domains: Vec::new(),
            authserv_id: String::new(),
            authentication: "require".into(),
            keyword_required: false,
            default_application: String::new(),
            daily_quota: guichet_core::intake::DEFAULT_DAILY_QUOTA,
            required_role: String::new(),
            disabled_steps: Vec::new(),
            imap: None,
        }
    }
}

impl MailboxConfig {
    /// The mailbox as the intake policy reads it; the error names the bad key.
    pub fn to_mailbox(&self) -> Result<guichet_core::intake::Mailbox, String> {
        use guichet_core::intake::{AuthMode, Mailbox, Policy, Step};
        use guichet_core::person::RoleKind;
        if self.name.trim().is_empty() {
            return Err("name: required".into());
        }
        let authentication = AuthMode::parse(self.authentication.trim())
            .map_err(|_| "authentication: require, flag or off".to_owned())?;
        if authentication != AuthMode::Off && self.authserv_id.trim().is_empty() {
            return Err("authserv_id: required unless authentication = \"off\"".into());
        }
        let required_role = match self.required_role.trim() {
            "" => None,
            r => Some(RoleKind::parse(r).map_err(|_| format!("required_role: unknown role {r}"))?),
        };
        let disabled = self
            .disabled_steps
            .iter()
            .map(|s| Step::parse(s.trim()).map_err(|_| format!("disabled_steps: unknown step {s}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Mailbox {
            name: self.name.trim().to_owned(),
            address: self.address.trim().to_ascii_lowercase(),
            max_bytes: self.max_bytes,
            policy: Policy {
                allowed_domains: self.allowed_domains.clone(),
                authserv_id: self.authserv_id.trim().to_owned(),
                authentication,
                keyword_required: self.keyword_required,
                default_application: Some(self.default_application.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                daily_quota: self.daily_quota,
                required_role,
                disabled,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lmtp_listens_only_on_loopback_or_a_socket() {
        assert_eq!(
            LmtpEndpoint::parse("127.0.0.1:2424"),
            Ok(LmtpEndpoint::Tcp(
                "127.0.0.1:2424".parse().expect("address")
            ))
        );
        assert!(LmtpEndpoint::parse("[::1]:2424").is_ok());
        assert!(LmtpEndpoint::parse("/run/guichet/lmtp.sock").is_ok());
        let refused = LmtpEndpoint::parse("0.0.0.0:2424").expect_err("every interface");
        assert!(refused.contains("loopback"), "{refused}");
        assert!(LmtpEndpoint::parse("lmtp").is_err());
        let config = MailConfig {
            lmtp_listen: Some("192.0.2.1:24".into()),
            ..MailConfig::default()
        };
        assert!(
            config
                .validate()
                .expect_err("a public address")
                .starts_with("mail.lmtp_listen")
        );
    }

    #[test]
    fn a_password_never_shows_in_debug() {
        let c = SmtpConfig {
            username: "guichet".into(),
            password: Secret::new("s3cret"),
            ..SmtpConfig::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn the_message_domain_defaults_to_the_senders() {
        let c = MailConfig {
            from: "Assistance <assistance@ac-dijon.fr>".into(),
            ..MailConfig::default()
        };
        assert_eq!(c.domain(), "ac-dijon.fr");
        assert!(c.validate().is_ok());
        let bad = MailConfig {
            from: "nobody".into(),
            ..MailConfig::default()
        };
        assert!(
            bad.validate()
                .expect_err("refused")
                .starts_with("mail.from")
        );
    }
}
