//! The pages' settings (`[web]` in `guichet.toml`): theme, cookies, sign-in throttling, the
//! sentence shown as the expected delay until SLA targets exist.

use guichet_app::session::SessionPolicy;
use serde::Deserialize;

/// Which look the pages wear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// The State design system, with the Marianne font: reserved to State services.
    #[default]
    Dsfr,
    /// A plain look of our own (a Région, a partner): no Marianne, no République française block.
    Neutral,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dsfr => "dsfr",
            Self::Neutral => "neutral",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "dsfr" => Some(Self::Dsfr),
            "neutral" => Some(Self::Neutral),
            _ => None,
        }
    }
}

/// Settings of the server-rendered pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    pub theme: Theme,
    /// Set when Guichet is reached over HTTPS (directly or behind a TLS proxy): cookies get
    /// `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    /// Proxies in front of Guichet whose `X-Forwarded-For` entry to trust, counted from the
    /// right: 0 uses the socket's address (a client can write any left-most entry).
    pub trusted_proxy_hops: usize,
    /// Failed sign-ins on one account before it is locked.
    pub login_max_failures: i64,
    /// Failed sign-ins from one address before it is refused.
    pub login_max_client_failures: i64,
    /// How long a lockout lasts (and how long failures count), in minutes.
    pub login_lockout_minutes: i64,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// The expected delay shown after a submission, in French and in English; empty: the
    /// translations' default sentence.
    pub expected_delay_fr: String,
    pub expected_delay_en: String,
    /// The single sign-on providers: `[sso]` at the top of `guichet.toml`, set here by `main`.
    #[serde(skip)]
    pub sso: guichet_sso::SsoConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        let p = SessionPolicy::default();
        Self {
            theme: Theme::default(),
            secure_cookies: false,
            trusted_proxy_hops: 0,
            login_max_failures: p.max_failures,
            login_max_client_failures: p.max_client_failures,
            login_lockout_minutes: p.lockout_minutes,
            session_idle_minutes: p.idle_minutes,
            expected_delay_fr: String::new(),
            expected_delay_en: String::new(),
            sso: guichet_sso::SsoConfig::default(),
        }
    }
}

impl WebConfig {
    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            max_failures: self.login_max_failures,
            max_client_failures: self.login_max_client_failures,
            lockout_minutes: self.login_lockout_minutes,
            idle_minutes: self.session_idle_minutes,
        }
    }

    /// Names the first setting out of range.
    pub fn validate(&self) -> Result<(), String> {
        if self.login_max_failures < 1 {
            return Err("web.login_max_failures: must be at least 1".into());
        }
        if self.login_max_client_failures < 1 {
            return Err("web.login_max_client_failures: must be at least 1".into());
        }
        if self.login_lockout_minutes < 1 {
            return Err("web.login_lockout_minutes: must be at least 1".into());
        }
        if self.session_idle_minutes < 1 {
            return Err("web.session_idle_minutes: must be at least 1".into());
        }
        self.sso.validate()?;
        Ok(())
    }
}
