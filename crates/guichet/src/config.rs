//! The one typed configuration: defaults, then a TOML file, then `GUICHET_*` variables. Loaded
//! once in `main` and passed down; validated at start, naming the bad key.

use anyhow::{Context, bail};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://path` (created if missing) or `postgres://user:password@host/db`.
    pub database_url: String,
    /// Where `guichet serve` listens.
    pub addr: SocketAddr,
    /// Connections to the database (readers on SQLite).
    pub db_max_connections: u32,
    /// Log filter, as `RUST_LOG` (`info`, `guichet=debug,info`).
    pub log: String,
    /// Days after resolution during which a requester's answer reopens a ticket.
    pub reopen_window_days: i64,
    /// Code of the group that receives requests no application routes (default: the first N1).
    pub intake_group: Option<String>,
    /// Largest attachment, in bytes.
    pub max_attachment_bytes: usize,
    /// A broadcast's rate when its author does not choose one (messages per minute, 0 = no limit).
    pub broadcast_rate_per_minute: i64,
    /// The server-rendered pages: `[web]`.
    pub web: guichet_web::pages::WebConfig,
    /// The background workers (`[jobs]`).
    pub jobs: JobsConfig,
    /// Notices by email (`[mail]`, `[mail.smtp]`).
    pub mail: guichet_mail::MailConfig,
    /// The académie's LDAP directory (`[directory]`).
    pub directory: guichet_directory::LdapConfig,
    /// Single sign-on providers (`[sso]`, `[[sso.cas]]`, `[[sso.oidc]]`).
    pub sso: guichet_sso::SsoConfig,
}

/// `[jobs]`: the workers `guichet serve` runs beside the web server.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Jobs this process runs at the same time.
    pub workers: usize,
    /// How long a worker holds a job before another may take it over (its process died).
    pub lease_seconds: i64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            lease_seconds: 300,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/guichet.db".into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db_max_connections: 8,
            log: "info".into(),
            reopen_window_days: 14,
            intake_group: None,
            max_attachment_bytes: 10 * 1024 * 1024,
            broadcast_rate_per_minute: 600,
            web: guichet_web::pages::WebConfig::default(),
            jobs: JobsConfig::default(),
            mail: guichet_mail::MailConfig::default(),
            directory: guichet_directory::LdapConfig::default(),
            sso: guichet_sso::SsoConfig::default(),
        }
    }
}

/// A commented sample, printed by `guichet config example`; a test parses it back into the
/// defaults, so it cannot drift from the struct.
/// A mailbox name as it appears in an environment variable's name: upper case, `_` for anything
/// but ASCII letters and digits.
fn env_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub const EXAMPLE: &str = r#"# guichet.toml: every key is optional; the values below are the defaults.
# Each key can also be set by an environment variable GUICHET_<KEY> (GUICHET_DATABASE_URL…),
# which wins over this file.

# sqlite://path (the file is created on first start) or postgres://user:password@host:5432/db
database_url = "sqlite://data/guichet.db"
# Where `guichet serve` listens.
addr = "127.0.0.1:8080"
# Database connections (readers on SQLite; SQLite always has one writer).
db_max_connections = 8
# Log filter: error, warn, info, debug, or per module (guichet_web=debug,info).
log = "info"
# Days after resolution during which a requester's answer reopens the ticket.
reopen_window_days = 14
# Code of the group that receives requests no application routes (default: the first N1 group).
# intake_group = "DSI-N1"
# Largest attachment accepted, in bytes.
max_attachment_bytes = 10485760
# Messages per minute of a broadcast whose author does not choose (0: as fast as the SMTP server
# takes them). Mass information goes to everyone of its audience, whatever their preferences.
broadcast_rate_per_minute = 600

[web]
# The pages' look: "dsfr" (the State design system, reserved to State services) or "neutral"
# (a plain theme without the State's identity, e.g. for a Région).
theme = "dsfr"
# true when Guichet is reached over HTTPS (directly or behind a TLS proxy): cookies get Secure
# and the __Host- prefix.
secure_cookies = false
# Proxies in front of Guichet whose X-Forwarded-For entry to trust, counted from the right;
# 0 uses the socket's address.
trusted_proxy_hops = 0
# Failed sign-ins on one account before it is locked, and from one address before it is refused.
login_max_failures = 5
login_max_client_failures = 20
# How long a lockout lasts (and how long failures count), in minutes.
login_lockout_minutes = 15
# A session ends after this many minutes without a request.
session_idle_minutes = 480
# The expected delay shown after a submission (empty: "usually within two working days").
expected_delay_fr = ""
expected_delay_en = ""
[jobs]
# Jobs (notifications, outbox dispatch…) this process runs at the same time; `guichet serve
# --web-only` runs none. Instances sharing a PostgreSQL database share the queue.
workers = 2
# Seconds a worker holds a job; a job whose process died runs again after this.
lease_seconds = 300

[mail]
# Notices (request received, taken in charge, reply, resolved…) by email. `From:` of every notice,
# and `Reply-To:`, the desk's mailbox where answers come back onto the ticket.
from = "Guichet <guichet@localhost>"
reply_to = "guichet@localhost"
# Right-hand side of Message-IDs (<ticket-REF.N@domain>); empty: the domain of `from`.
message_domain = ""
# The address users reach Guichet at, for the links in notices.
public_url = "http://127.0.0.1:8080"
# A folder whose files replace the built-in templates (notice.txt, notice.html, received.html,
# digest.txt…: see crates/mail/templates); the words themselves are in locales/*/notify.ftl.
# templates_dir = "/etc/guichet/templates"
# Hour (UTC, 0-23) at which daily digests go out, for people who chose them.
digest_hour = 16
# Email intake (the [[mail.mailbox]] tables below). The académie's time zone: the calendar day of
# each sender's daily quota, and the time every page shows dates and times in.
time_zone = "Europe/Paris"
# Automatic answers (refusal explanations) one address receives in a day at most.
auto_answers_per_day = 5
# Delivery failures after which an address is marked bouncing and gets in-app notices only.
bounce_threshold = 3
# Days a quarantined or ignored message is kept.
quarantine_retention_days = 90
# A Unix socket `guichet serve` (with workers) listens on for `guichet mail ingest`: the pipe
# command then hands each message to the running server (which commits many at once) instead of
# opening the database itself; when nothing listens there, it ingests directly. Created mode
# 0660: whoever may write to it may submit mail, so give it the MTA's group (and keep its
# directory closed to others).
# ingest_socket = "/run/guichet/ingest.sock"
# An LMTP listener in `guichet serve` (with workers), for an MTA that delivers in bulk (Postfix:
# `lmtp:inet:127.0.0.1:2424` or `lmtp:unix:/run/guichet/lmtp.sock` in a transport map): no process
# per message. A recipient names a mailbox by its address, or by its name as the local part. LMTP
# has no authentication: a loopback address or a Unix socket (mode 0660, the MTA's group) only.
# lmtp_listen = "127.0.0.1:2424"

[mail.smtp]
# The SMTP server notices are handed to; empty: no email, notices stay in the application.
host = ""
port = 25
# "none" (a local relay), "starttls" (required, never downgraded) or "tls" (SMTPS, port 465).
security = "none"
# Login, when the server asks for one (GUICHET_MAIL_SMTP_PASSWORD keeps it out of this file).
username = ""
password = ""
# A PEM file of certificate authorities to trust besides the system's.
# ca_file = "/etc/guichet/smtp-ca.pem"
# Seconds to wait for the server at each step.
timeout_secs = 30

# A mailbox requests arrive in, with its intake policy; repeat the table for each one. Messages
# come from its IMAP folder (`[mail.mailbox.imap]`, collected by `guichet serve`'s workers, one
# instance at a time) or from the MTA through `guichet mail ingest --mailbox lsun`.
# [[mail.mailbox]]
# name = "lsun"
# address = "assistance-lsun@ac-dijon.fr"
# max_bytes = 26214400
# allowed_domains = ["ac-dijon.fr"]
# # The authserv-id of the académie's MTA, whose Authentication-Results header is trusted.
# authserv_id = "mx.ac-dijon.fr"
# # "require" (refused when not authenticated), "flag" (accepted, shown unverified) or "off".
# authentication = "require"
# keyword_required = true
# default_application = ""
# daily_quota = 10
# # Role the sender must hold in the directory ("director"); empty: any known, active person.
# required_role = "director"
# # Steps turned off among "domain", "authentication", "keyword", "quota", "role".
# disabled_steps = []
# [mail.mailbox.imap]
# host = "imap.ac-dijon.fr"
# port = 993
# security = "tls"            # or "starttls"; "none" only for a server on this machine
# username = "assistance-lsun"
# password = ""              # better: GUICHET_MAIL_MAILBOX_LSUN_IMAP_PASSWORD
# folder = "INBOX"
# processed_folder = "Guichet-traites"
# refused_folder = "Guichet-refuses"
# error_folder = "Guichet-erreurs"
# poll_secs = 60              # when the server offers no IDLE
# batch = 50
# concurrency = 8             # messages of a batch processed at once (one sender's in order)
# timeout_secs = 60
# lease_secs = 60             # another instance takes the mailbox over this long after a crash

[directory]
# The académie's LDAP (AAF), synced daily by the workers and by `guichet directory sync`.
# Empty: no sync. ldap://host:389 (with starttls = true) or ldaps://host:636.
url = ""
starttls = false
# ca_file = "/etc/ssl/certs/academie-ca.pem"   (default: the system's authorities)
# The account to bind with; its password is best given as GUICHET_DIRECTORY_BIND_PASSWORD.
bind_dn = ""
bind_password = ""
people_base = "ou=personnels,dc=education,dc=gouv,dc=fr"
people_filter = "(objectClass=ENTPerson)"
# Empty: establishments come from `guichet directory import-establishments` only.
establishments_base = "ou=structures,dc=education,dc=gouv,dc=fr"
establishments_filter = "(objectClass=ENTStructure)"
page_size = 500
batch_size = 500
timeout_seconds = 30
# When the daily sync runs (UTC, HH:MM).
daily_at = "02:30"

[directory.mapping]
uid = "uid"
display_name = "cn"
surname = "sn"
given_name = "givenName"
mail = "mail"
assignments = "FrEduRne"
responsibilities = "FrEduRneResp"
functions = "FrEduFonctAdm"
delegations = "FrEduResDel"
# Functions that make a person the head (school director) of the establishments they are
# responsible for, and those that make them a teacher where they are assigned.
director_functions = ["DIR"]
teacher_functions = ["ENS"]
establishment_uai = "ENTStructureUAI"
establishment_name = "ENTStructureNomCourant"
establishment_type = "ENTStructureTypeStruct"
establishment_commune = "l"

[sso]
# The address users reach Guichet at: CAS services and OpenID Connect redirect URIs are built on
# it (register <public_url>/sso/oidc/<id>/callback at the provider). Empty: [mail] public_url.
# Every provider below is listed on the sign-in page; local accounts remain.
public_url = ""

# A CAS 2.0/3.0 server (an ENT, an academic portal); repeat the block for several.
# [[sso.cas]]
# id = "ent"                       # in URLs: /sso/cas/ent
# label = "ENT de l'académie"      # the sign-in page's button
# url = "https://cas.ac-exemple.fr/cas"
# version = "3"                    # "3": /p3/serviceValidate, with attributes; "2": /serviceValidate
# match_by = "uid"                 # the person's directory "uid" or "email"
# attribute = ""                   # attribute holding that value; empty: the CAS user name
# email_attribute = "mail"         # for people created on first sign-in
# name_attribute = "displayName"
# unknown = "refuse"               # people the directory lacks: "refuse", or "create" (no role)
# logout = true                    # signing out of Guichet signs out of CAS too

# An OpenID Connect provider (authorization code with PKCE); repeat for several.
# [[sso.oidc]]
# id = "federation"                # in URLs: /sso/oidc/federation
# label = "Fédération d'identité"
# issuer = "https://idp.ac-exemple.fr"   # its /.well-known/openid-configuration is read
# client_id = "guichet"
# client_secret = ""               # empty: a public client (PKCE alone)
# match_by = "uid"                 # "uid" or "email"
# claim = ""                       # empty: preferred_username for uid, email for email
# scopes = ["openid", "profile", "email"]
# unknown = "refuse"
"#;

impl Config {
    /// The pages' settings with the sign-on providers, on `[mail] public_url` when `[sso]` has
    /// none of its own.
    pub fn web_config(&self) -> guichet_web::pages::WebConfig {
        let mut sso = self.sso.clone();
        if sso.public_url.is_empty() {
            sso.public_url = self.mail.public_url.clone();
        }
        guichet_web::pages::WebConfig {
            sso,
            ..self.web.clone()
        }
    }

    /// Loads the file at `path` (or `./guichet.toml` when it exists), then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let default_path = PathBuf::from("guichet.toml");
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None if default_path.exists() => Some(default_path),
            None => None,
        };
        let mut config = match file {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("reading {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("in {}", p.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        fn parse<T: std::str::FromStr>(key: &str, v: String) -> anyhow::Result<T> {
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{key}: invalid value {v:?}"))
        }
        if let Some(v) = var("GUICHET_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = var("GUICHET_ADDR") {
            self.addr = parse("GUICHET_ADDR", v)?;
        }
        if let Some(v) = var("GUICHET_DB_MAX_CONNECTIONS") {
            self.db_max_connections = parse("GUICHET_DB_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = var("GUICHET_LOG") {
            self.log = v;
        }
        if let Some(v) = var("GUICHET_REOPEN_WINDOW_DAYS") {
            self.reopen_window_days = parse("GUICHET_REOPEN_WINDOW_DAYS", v)?;
        }
        if let Some(v) = var("GUICHET_INTAKE_GROUP") {
            self.intake_group = Some(v).filter(|v| !v.trim().is_empty());
        }
        if let Some(v) = var("GUICHET_BROADCAST_RATE_PER_MINUTE") {
            self.broadcast_rate_per_minute = parse("GUICHET_BROADCAST_RATE_PER_MINUTE", v)?;
        }
        if let Some(v) = var("GUICHET_JOBS_LEASE_SECONDS") {
            self.jobs.lease_seconds = parse("GUICHET_JOBS_LEASE_SECONDS", v)?;
        }
        if let Some(v) = var("GUICHET_MAX_ATTACHMENT_BYTES") {
            self.max_attachment_bytes = parse("GUICHET_MAX_ATTACHMENT_BYTES", v)?;
        }
        if let Some(v) = var("GUICHET_WEB_THEME") {
            self.web.theme = guichet_web::pages::Theme::parse(&v).ok_or_else(|| {
                anyhow::anyhow!("GUICHET_WEB_THEME: \"dsfr\" or \"neutral\", not {v:?}")
            })?;
        }
        if let Some(v) = var("GUICHET_WEB_SECURE_COOKIES") {
            self.web.secure_cookies = parse("GUICHET_WEB_SECURE_COOKIES", v)?;
        }
        if let Some(v) = var("GUICHET_WEB_TRUSTED_PROXY_HOPS") {
            self.web.trusted_proxy_hops = parse("GUICHET_WEB_TRUSTED_PROXY_HOPS", v)?;
        }
        if let Some(v) = var("GUICHET_WEB_LOGIN_MAX_FAILURES") {
            self.web.login_max_failures = parse("GUICHET_WEB_LOGIN_MAX_FAILURES", v)?;
        }
        if let Some(v) = var("GUICHET_WEB_LOGIN_LOCKOUT_MINUTES") {
            self.web.login_lockout_minutes = parse("GUICHET_WEB_LOGIN_LOCKOUT_MINUTES", v)?;
        }
        if let Some(v) = var("GUICHET_JOBS_WORKERS") {
            self.jobs.workers = parse("GUICHET_JOBS_WORKERS", v)?;
        }
        self.apply_mail_env(&var)?;
        self.apply_directory_env(&var);
        Ok(())
    }

    /// `GUICHET_MAIL_*` and `GUICHET_MAIL_SMTP_*`.
    fn apply_mail_env(&mut self, var: &impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let m = &mut self.mail;
        for (key, field) in [
            ("GUICHET_MAIL_FROM", &mut m.from),
            ("GUICHET_MAIL_REPLY_TO", &mut m.reply_to),
            ("GUICHET_MAIL_MESSAGE_DOMAIN", &mut m.message_domain),
            ("GUICHET_MAIL_PUBLIC_URL", &mut m.public_url),
            ("GUICHET_MAIL_SMTP_HOST", &mut m.smtp.host),
            ("GUICHET_MAIL_SMTP_USERNAME", &mut m.smtp.username),
        ] {
            if let Some(v) = var(key) {
                *field = v;
            }
        }
        if let Some(v) = var("GUICHET_MAIL_SMTP_PASSWORD") {
            m.smtp.password = guichet_mail::Secret::new(v);
        }
        // Each IMAP mailbox's password, out of the file: GUICHET_MAIL_MAILBOX_<NAME>_IMAP_PASSWORD,
        // the name upper-cased with anything but letters and digits as `_` (lsun-dsden → LSUN_DSDEN).
        for mailbox in &mut m.mailboxes {
            let key = format!(
                "GUICHET_MAIL_MAILBOX_{}_IMAP_PASSWORD",
                env_name(&mailbox.name)
            );
            if let (Some(v), Some(imap)) = (var(&key), mailbox.imap.as_mut()) {
                imap.password = guichet_mail::Secret::new(v);
            }
        }
        if let Some(v) = var("GUICHET_MAIL_TEMPLATES_DIR") {
            m.templates_dir = Some(v.into()).filter(|p: &PathBuf| !p.as_os_str().is_empty());
        }
        if let Some(v) = var("GUICHET_MAIL_SMTP_CA_FILE") {
            m.smtp.ca_file = Some(v.into()).filter(|p: &PathBuf| !p.as_os_str().is_empty());
        }
        let num = |key: &str, v: String| -> anyhow::Result<u64> {
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{key}: invalid value {v:?}"))
        };
        if let Some(v) = var("GUICHET_MAIL_SMTP_PORT") {
            m.smtp.port = u16::try_from(num("GUICHET_MAIL_SMTP_PORT", v)?)
                .map_err(|_| anyhow::anyhow!("GUICHET_MAIL_SMTP_PORT: out of range"))?;
        }
        if let Some(v) = var("GUICHET_MAIL_SMTP_TIMEOUT_SECS") {
            m.smtp.timeout_secs = num("GUICHET_MAIL_SMTP_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = var("GUICHET_MAIL_DIGEST_HOUR") {
            m.digest_hour = u32::try_from(num("GUICHET_MAIL_DIGEST_HOUR", v)?)
                .map_err(|_| anyhow::anyhow!("GUICHET_MAIL_DIGEST_HOUR: out of range"))?;
        }
        if let Some(v) = var("GUICHET_MAIL_SMTP_SECURITY") {
            m.smtp.security = guichet_mail::Security::parse(&v).ok_or_else(|| {
                anyhow::anyhow!("GUICHET_MAIL_SMTP_SECURITY: none, starttls or tls, not {v:?}")
            })?;
        }
        Ok(())
    }

    /// `GUICHET_DIRECTORY_*`.
    fn apply_directory_env(&mut self, var: &impl Fn(&str) -> Option<String>) {
        if let Some(v) = var("GUICHET_DIRECTORY_URL") {
            self.directory.url = v;
        }
        if let Some(v) = var("GUICHET_DIRECTORY_BIND_DN") {
            self.directory.bind_dn = v;
        }
        if let Some(v) = var("GUICHET_DIRECTORY_BIND_PASSWORD") {
            self.directory.bind_password = guichet_directory::Secret::new(v);
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        let url = &self.database_url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            bail!(
                "database_url: must start with sqlite:// or postgres:// (got {})",
                redact(url)
            );
        }
        if self.db_max_connections == 0 {
            bail!("db_max_connections: must be at least 1");
        }
        if self.reopen_window_days < 0 {
            bail!("reopen_window_days: must not be negative");
        }
        if self.max_attachment_bytes == 0 {
            bail!("max_attachment_bytes: must be positive");
        }
        self.web_config().validate().map_err(anyhow::Error::msg)?;
        if !(0..=guichet_core::broadcast::RATE_MAX).contains(&self.broadcast_rate_per_minute) {
            bail!("broadcast_rate_per_minute: must be between 0 and 100000");
        }
        if !(5..=86_400).contains(&self.jobs.lease_seconds) {
            bail!("jobs.lease_seconds: must be between 5 and 86400");
        }
        if !(1..=64).contains(&self.jobs.workers) {
            bail!("jobs.workers: must be between 1 and 64");
        }
        self.mail.validate().map_err(anyhow::Error::msg)?;
        self.directory.validate().map_err(anyhow::Error::msg)?;
        Ok(())
    }

    /// For SQLite, creates the database file's directory.
    pub fn prepare_data_dir(&self) -> anyhow::Result<()> {
        if let Some(rest) = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or(rest);
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        Ok(())
    }
}

/// The URL without its password, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_example_is_the_defaults() {
        let parsed: Config = toml::from_str(EXAMPLE).expect("example parses");
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn environment_wins_and_bad_values_name_their_key() {
        let env: HashMap<&str, &str> = [
            ("GUICHET_DATABASE_URL", "postgres://u:secret@db/guichet"),
            ("GUICHET_ADDR", "0.0.0.0:9000"),
        ]
        .into();
        let mut c = Config::default();
        c.apply_env(|k| env.get(k).map(|v| (*v).to_owned()))
            .expect("applies");
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.database_url, "postgres://u:secret@db/guichet");
        let err = Config::default()
            .apply_env(|k| (k == "GUICHET_ADDR").then(|| "nowhere".to_owned()))
            .expect_err("refused");
        assert!(err.to_string().contains("GUICHET_ADDR"), "{err}");
        let bad = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(
            bad.validate()
                .expect_err("refused")
                .to_string()
                .starts_with("database_url")
        );
    }

    #[test]
    fn the_theme_is_a_choice_of_two() {
        let c: Config = toml::from_str("[web]\ntheme = \"neutral\"").expect("parses");
        assert_eq!(c.web.theme, guichet_web::pages::Theme::Neutral);
        assert!(toml::from_str::<Config>("[web]\ntheme = \"pink\"").is_err());
        let err = Config::default()
            .apply_env(|k| (k == "GUICHET_WEB_THEME").then(|| "pink".to_owned()))
            .expect_err("refused");
        assert!(err.to_string().contains("GUICHET_WEB_THEME"), "{err}");
    }

    #[test]
    fn the_smtp_settings_come_from_the_environment_and_the_password_is_never_shown() {
        let env: HashMap<&str, &str> = [
            ("GUICHET_MAIL_SMTP_HOST", "smtp.ac-dijon.fr"),
            ("GUICHET_MAIL_SMTP_PORT", "587"),
            ("GUICHET_MAIL_SMTP_SECURITY", "starttls"),
            ("GUICHET_MAIL_SMTP_USERNAME", "guichet"),
            ("GUICHET_MAIL_SMTP_PASSWORD", "s3cret"),
        ]
        .into();
        let mut c = Config::default();
        c.apply_env(|k| env.get(k).map(|v| (*v).to_owned()))
            .expect("applies");
        assert_eq!(c.mail.smtp.port, 587);
        assert_eq!(c.mail.smtp.security, guichet_mail::Security::Starttls);
        assert_eq!(c.mail.smtp.password.expose(), "s3cret");
        assert!(c.validate().is_ok());
        assert!(!format!("{c:?}").contains("s3cret"));
        let err = Config::default()
            .apply_env(|k| (k == "GUICHET_MAIL_SMTP_SECURITY").then(|| "ssl3".to_owned()))
            .expect_err("refused");
        assert!(
            err.to_string().contains("GUICHET_MAIL_SMTP_SECURITY"),
            "{err}"
        );
    }

    #[test]
    fn an_imap_password_comes_from_the_environment_by_mailbox_name() {
        let mut c: Config = toml::from_str(
            "[[mail.mailbox]]\nname = \"lsun-dsden\"\naddress = \"lsun@ac-dijon.fr\"\n\
             authserv_id = \"mx.ac-dijon.fr\"\n\
             [mail.mailbox.imap]\nhost = \"imap.ac-dijon.fr\"\nusername = \"lsun\"\n",
        )
        .expect("parses");
        assert!(c.validate().is_err(), "no password yet");
        c.apply_env(|k| {
            (k == "GUICHET_MAIL_MAILBOX_LSUN_DSDEN_IMAP_PASSWORD").then(|| "p4ss".into())
        })
        .expect("applies");
        let imap = c.mail.mailboxes[0].imap.as_ref().expect("imap");
        assert_eq!(imap.password.expose(), "p4ss");
        c.validate().expect("valid with the password");
        assert!(!format!("{c:?}").contains("p4ss"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = toml::from_str::<Config>("databse_url = \"x\"").expect_err("typo refused");
        assert!(err.to_string().contains("databse_url"), "{err}");
    }

    #[test]
    fn sign_on_providers_are_read_and_checked() {
        let text = r#"
[sso]
[[sso.cas]]
id = "ent"
label = "ENT"
url = "https://cas.ac-exemple.fr/cas"
match_by = "email"
attribute = "mail"
unknown = "create"
[[sso.oidc]]
id = "federation"
label = "Fédération"
issuer = "https://idp.ac-exemple.fr"
client_id = "guichet"
"#;
        let c: Config = toml::from_str(text).expect("parses");
        c.validate().expect("valid");
        // Service URLs fall back on the notices' public address.
        assert_eq!(c.web_config().sso.public_url, c.mail.public_url);
        assert_eq!(c.sso.cas[0].unknown, guichet_sso::Unknown::Create);
        let bad = text.replace("https://idp.ac-exemple.fr", "idp.ac-exemple.fr");
        let c: Config = toml::from_str(&bad).expect("parses");
        let err = c.validate().expect_err("refused").to_string();
        assert!(err.contains("sso.oidc"), "{err}");
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://guichet:s3cret@db:5432/g"),
            "postgres://guichet:***@db:5432/g"
        );
        assert_eq!(
            redact("sqlite://data/guichet.db"),
            "sqlite://data/guichet.db"
        );
    }
}
