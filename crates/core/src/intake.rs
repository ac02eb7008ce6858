//! The intake policy of a mailbox: which received messages become requests, and why the others
//! are refused. Every step here is a pure decision over facts the caller gathered (the parsed
//! message, the directory, the day's count); `guichet-app` gathers them and writes the outcome.
//! Nothing here reads mail or the database.

use crate::person::RoleKind;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A received message larger than this is refused unless the mailbox says otherwise.
pub const DEFAULT_MAX_BYTES: usize = 25 * 1024 * 1024;
/// Requests a sender may file by mail in one day unless the mailbox says otherwise.
pub const DEFAULT_DAILY_QUOTA: u32 = 10;

named_enum!(
    /// What a mailbox does with the sender's authentication (the académie MTA's verdict).
    AuthMode, field = "authentication", {
        /// Unauthenticated mail is refused.
        Require => "require",
        /// Unauthenticated mail is accepted and shown to agents as unverified.
        Flag => "flag",
        /// Authentication is not looked at.
        Off => "off",
    }
);

named_enum!(
    /// A step of the policy that a mailbox may turn off.
    Step, field = "step", {
        Domain => "domain",
        Authentication => "authentication",
        Keyword => "keyword",
        Quota => "quota",
        Role => "role",
    }
);

/// One mailbox's policy, in the order it is applied after automatic mail and threading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Sender domains accepted (`ac-dijon.fr` also accepts `sub.ac-dijon.fr`); empty: any.
    pub allowed_domains: Vec<String>,
    /// The authserv-id of the académie's own MTA, whose `Authentication-Results` is trusted.
    pub authserv_id: String,
    pub authentication: AuthMode,
    /// A subject without an application keyword is refused (else it gets `default_application`).
    pub keyword_required: bool,
    /// The application code given when no keyword is found; `None`: no application.
    pub default_application: Option<String>,
    pub daily_quota: u32,
    /// The role the sender must hold in the directory; `None`: any known, active person.
    pub required_role: Option<RoleKind>,
    /// Steps turned off for this mailbox.
    pub disabled: Vec<Step>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            allowed_domains: Vec::new(),
            authserv_id: String::new(),
            authentication: AuthMode::Off,
            keyword_required: false,
            default_application: None,
            daily_quota: DEFAULT_DAILY_QUOTA,
            required_role: None,
            disabled: Vec::new(),
        }
    }
}

/// A configured mailbox: where mail arrives and the policy it is held to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Short name (`lsun`): the `--mailbox` of the pipe, recorded on each message.
    pub name: String,
    pub address: String,
    pub max_bytes: usize,
    pub policy: Policy,
}

/// Why a message was not made a request: a stable code (`intake.domain`) and what it was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Reason {
    pub fn new(code: &str, detail: impl Into<Option<String>>) -> Self {
        Self {
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

/// The académie MTA's verdict on the sender, as the mail crate reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticated {
    Pass,
    Fail,
    /// No trusted header.
    Unknown,
}

/// The sender as the directory knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderStatus {
    Unknown,
    Inactive,
    Active { has_role: bool },
}

/// The facts the policy decides on.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The sender's address, lower-cased; `None`: the message names nobody.
    pub sender: Option<&'a str>,
    pub size: usize,
    pub authenticated: Authenticated,
    /// An application keyword was found in the subject.
    pub keyword: bool,
    /// Requests this sender filed by mail today (the quota day).
    pub accepted_today: u32,
    pub status: SenderStatus,
}

/// What the policy says of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Every refusal, in the order of the steps; empty: accepted. The first one decides.
    pub reasons: Vec<Reason>,
    /// Accepted under `flag` without a passing authentication.
    pub unverified: bool,
}

impl Verdict {
    pub fn accepted(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// The domain of an address, lower-cased.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

impl Policy {
    fn on(&self, step: Step) -> bool {
        !self.disabled.contains(&step)
    }

    /// The sender's domain is one of the allowed ones or below one.
    pub fn domain_allowed(&self, sender: &str) -> bool {
        let d = domain_of(sender).to_ascii_lowercase();
        self.allowed_domains.is_empty()
            || self.allowed_domains.iter().any(|a| {
                let a = a.trim().to_ascii_lowercase();
                d == a || d.ends_with(&format!(".{a}"))
            })
    }

    /// The steps that identify the sender: size, sender present, domain, authentication. They
    /// apply to replies on a ticket as well as to new requests.
    pub fn check_sender(&self, mailbox_max: usize, f: &Facts<'_>) -> Verdict {
        let mut v = Verdict::default();
        if f.size > mailbox_max {
            v.reasons.push(Reason::new(
                "intake.too_large",
                format!("{} > {}", f.size, mailbox_max),
            ));
        }
        let Some(sender) = f.sender else {
            v.reasons.push(Reason::new("intake.no_sender", None));
            return v;
        };
        if self.on(Step::Domain) && !self.domain_allowed(sender) {
            v.reasons
                .push(Reason::new("intake.domain", domain_of(sender).to_owned()));
        }
        if self.on(Step::Authentication) && f.authenticated != Authenticated::Pass {
            match self.authentication {
                AuthMode::Require => v.reasons.push(Reason::new(
                    "intake.unauthenticated",
                    match f.authenticated {
                        Authenticated::Fail => "fail".to_owned(),
                        _ => "none".to_owned(),
                    },
                )),
                AuthMode::Flag => v.unverified = true,
                AuthMode::Off => {}
            }
        }
        v
    }

    /// The whole policy for a new request: the sender's steps, then keyword, quota and role.
    pub fn check_request(&self, mailbox_max: usize, f: &Facts<'_>) -> Verdict {
        let mut v = self.check_sender(mailbox_max, f);
        if f.sender.is_none() {
            return v;
        }
        if self.on(Step::Keyword) && !f.keyword && self.keyword_required {
            v.reasons.push(Reason::new("intake.no_keyword", None));
        }
        if self.on(Step::Quota) && f.accepted_today >= self.daily_quota {
            v.reasons.push(Reason::new(
                "intake.quota",
                format!("{}/{}", f.accepted_today, self.daily_quota),
            ));
        }
        if self.on(Step::Role) {
            match f.status {
                SenderStatus::Unknown => v.reasons.push(Reason::new("intake.unknown_sender", None)),
                SenderStatus::Inactive => {
                    v.reasons.push(Reason::new("intake.inactive_sender", None));
                }
                SenderStatus::Active { has_role: false } => {
                    if let Some(role) = self.required_role {
                        v.reasons
                            .push(Reason::new("intake.role", role.as_str().to_owned()));
                    }
                }
                SenderStatus::Active { has_role: true } => {}
            }
        }
        v
    }
}

/// The calendar day a message counts against the quota: its date in the académie's time zone.
pub fn quota_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn lsun() -> Policy {
        Policy {
            allowed_domains: vec!["ac-dijon.fr".into()],
            authserv_id: "mx.ac-dijon.fr".into(),
            authentication: AuthMode::Require,
            keyword_required: true,
            required_role: Some(RoleKind::Director),
            ..Policy::default()
        }
    }

    fn facts(sender: &str) -> Facts<'_> {
        Facts {
            sender: Some(sender),
            size: 1000,
            authenticated: Authenticated::Pass,
            keyword: true,
            accepted_today: 0,
            status: SenderStatus::Active { has_role: true },
        }
    }

    fn codes(v: &Verdict) -> Vec<&str> {
        v.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn a_director_writing_with_the_keyword_is_accepted() {
        let v = lsun().check_request(DEFAULT_MAX_BYTES, &facts("f.b@ac-dijon.fr"));
        assert!(v.accepted(), "{v:?}");
        assert!(!v.unverified);
    }

    #[test]
    fn every_failing_step_is_recorded_in_order() {
        let f = Facts {
            authenticated: Authenticated::Fail,
            keyword: false,
            accepted_today: 10,
            status: SenderStatus::Active { has_role: false },
            ..facts("x@gmail.com")
        };
        let v = lsun().check_request(DEFAULT_MAX_BYTES, &f);
        assert_eq!(
            codes(&v),
            [
                "intake.domain",
                "intake.unauthenticated",
                "intake.no_keyword",
                "intake.quota",
                "intake.role"
            ]
        );
        assert_eq!(v.reasons[0].detail.as_deref(), Some("gmail.com"));
    }

    #[test]
    fn subdomains_are_allowed_but_lookalikes_are_not() {
        let p = lsun();
        assert!(p.domain_allowed("a@ac-dijon.fr"));
        assert!(p.domain_allowed("a@ce.ac-dijon.fr"));
        assert!(!p.domain_allowed("a@fake-ac-dijon.fr"));
        assert!(!p.domain_allowed("a@ac-dijon.fr.evil.example"));
    }

    #[test]
    fn flag_mode_accepts_and_marks_unverified() {
        let p = Policy {
            authentication: AuthMode::Flag,
            ..lsun()
        };
        let f = Facts {
            authenticated: Authenticated::Unknown,
            ..facts("a@ac-dijon.fr")
        };
        let v = p.check_request(DEFAULT_MAX_BYTES, &f);
        assert!(v.accepted());
        assert!(v.unverified);
    }

    #[test]
    fn disabled_steps_and_optional_keyword_do_not_refuse() {
        let p = Policy {
            keyword_required: false,
            disabled: vec![Step::Quota, Step::Domain],
            ..lsun()
        };
        let f = Facts {
            keyword: false,
            accepted_today: 99,
            ..facts("a@elsewhere.org")
        };
        assert!(p.check_request(DEFAULT_MAX_BYTES, &f).accepted());
    }

    #[test]
    fn unknown_and_inactive_senders_are_named_as_such() {
        let p = Policy::default();
        let f = Facts {
            status: SenderStatus::Unknown,
            ..facts("a@ac-dijon.fr")
        };
        assert_eq!(
            codes(&p.check_request(100_000, &f)),
            ["intake.unknown_sender"]
        );
        let f = Facts {
            status: SenderStatus::Inactive,
            ..f
        };
        assert_eq!(
            codes(&p.check_request(100_000, &f)),
            ["intake.inactive_sender"]
        );
        // No role required: any active person passes.
        let f = Facts {
            status: SenderStatus::Active { has_role: false },
            ..f
        };
        assert!(p.check_request(100_000, &f).accepted());
    }

    #[test]
    fn size_and_missing_sender() {
        let f = Facts {
            sender: None,
            size: 200,
            ..facts("")
        };
        assert_eq!(
            codes(&lsun().check_request(100, &f)),
            ["intake.too_large", "intake.no_sender"]
        );
    }

    #[test]
    fn the_quota_day_is_the_academies_calendar_day() {
        // 23:30 UTC on 1 March is already 2 March in Paris (UTC+1 in winter).
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 23, 30, 0).unwrap();
        assert_eq!(
            quota_day(at, chrono_tz::Europe::Paris),
            NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date")
        );
        // In summer Paris is UTC+2: 21:59 UTC is still the same day, 22:00 is the next.
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 21, 59, 0).unwrap();
        assert_eq!(at.date_naive(), quota_day(at, chrono_tz::Europe::Paris));
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 22, 0, 0).unwrap();
        assert_ne!(at.date_naive(), quota_day(at, chrono_tz::Europe::Paris));
    }
}
