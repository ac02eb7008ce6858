//! Mass information (broadcast): a message in French (English optional) to every person holding
//! one of some roles in one or more zones, sent by email at a chosen rate and shown as a banner.
//!
//! This module owns the rules: what a well-formed broadcast is, who may inform which zone (an IEN
//! their circonscription, a DASEN their département, the DSI or an administrator the académie;
//! nobody beyond their zone), its status machine, and how a rate becomes a schedule of batches.
//! Who the recipients are is a query of the store; sending is the jobs' business.

use crate::error::required_text;
use crate::org::Zone;
use crate::permission::{Denied, Subject};
use crate::person::RoleKind;
use crate::{FieldError, PersonId};

named_enum!(
    /// Where a broadcast is in its life.
    BroadcastStatus, field = "status", {
        /// Being written: may be changed, previewed, scheduled or cancelled.
        Draft => "draft",
        /// Waiting for its send date; may still be cancelled.
        Scheduled => "scheduled",
        /// Recipients are being listed and mailed.
        Sending => "sending",
        /// Every recipient has had their message (or its refusal recorded).
        Sent => "sent",
        Cancelled => "cancelled",
    }
);

impl BroadcastStatus {
    /// Before anything went out: the only time a broadcast may be cancelled or rescheduled.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Draft | Self::Scheduled)
    }
}

named_enum!(
    /// Where one recipient's email is.
    RecipientState, field = "state", {
        Queued => "queued",
        Sent => "sent",
        /// Refused by the SMTP server for good; its answer is kept.
        Failed => "failed",
        /// Accepted, then returned by a bounce (recorded by the mail intake).
        Bounced => "bounced",
        /// No email address: the in-app notice only.
        Skipped => "skipped",
    }
);

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest body, in characters.
pub const BODY_MAX: usize = 20_000;
/// Most zones or UAIs in one audience.
pub const ZONES_MAX: usize = 500;
/// Highest rate one may ask for, in messages per minute.
pub const RATE_MAX: i64 = 100_000;
/// Most messages one send job carries: small enough that a job is short (its lease never runs
/// out), large enough that the queue is not flooded.
pub const BATCH_MAX: i64 = 100;

/// The words of a broadcast, checked: a French subject and body, and optionally both in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject_fr: String,
    pub body_fr: String,
    pub english: Option<(String, String)>,
}

impl Message {
    /// Checks the words. English is all or nothing: a subject without a body is refused.
    pub fn parse(
        subject_fr: &str,
        body_fr: &str,
        subject_en: &str,
        body_en: &str,
    ) -> Result<Self, FieldError> {
        let subject_fr = required_text("subject_fr", subject_fr, SUBJECT_MAX)?;
        let body_fr = required_text("body_fr", body_fr, BODY_MAX)?;
        let english = match (subject_en.trim().is_empty(), body_en.trim().is_empty()) {
            (true, true) => None,
            (false, true) => return Err(FieldError::required("body_en")),
            (true, false) => return Err(FieldError::required("subject_en")),
            (false, false) => Some((
                required_text("subject_en", subject_en, SUBJECT_MAX)?,
                required_text("body_en", body_en, BODY_MAX)?,
            )),
        };
        Ok(Self {
            subject_fr,
            body_fr,
            english,
        })
    }

    /// The subject and body in `lang` (`en` when there is an English version), French otherwise.
    pub fn in_language(&self, lang: &str) -> (&str, &str) {
        match (&self.english, lang) {
            (Some((s, b)), "en") => (s, b),
            _ => (&self.subject_fr, &self.body_fr),
        }
    }
}

/// Checks the roles of an audience: at least one, no administrator (a role of configuration, not
/// of the field), each once.
pub fn parse_roles(roles: &[RoleKind]) -> Result<Vec<RoleKind>, FieldError> {
    let mut out: Vec<RoleKind> = Vec::new();
    for r in roles {
        if *r == RoleKind::Admin {
            return Err(FieldError::new("roles", "invalid"));
        }
        if !out.contains(r) {
            out.push(*r);
        }
    }
    if out.is_empty() {
        return Err(FieldError::required("roles"));
    }
    Ok(out)
}

/// Checks a rate: messages per minute, 0 meaning as fast as the server takes them.
pub fn parse_rate(rate: i64) -> Result<i64, FieldError> {
    if (0..=RATE_MAX).contains(&rate) {
        Ok(rate)
    } else {
        Err(FieldError::new("rate_per_minute", "broadcast.rate"))
    }
}

/// May `subject` send to every one of `zones`? Each zone must lie inside a zone the person
/// steers (IEN, DASEN, steering staff) — an administrator may inform anyone. The rule names
/// why it refuses: `broadcast.steering_only` for someone who steers nothing,
/// `broadcast.beyond_zone` for a zone outside theirs.
pub fn may_broadcast(subject: &Subject, zones: &[Zone]) -> Result<(), Denied> {
    if !subject.active {
        return Err(Denied {
            rule: "person.inactive",
        });
    }
    if subject.admin {
        return Ok(());
    }
    if subject.zones.is_empty() {
        return Err(Denied {
            rule: "broadcast.steering_only",
        });
    }
    let inside = |z: &Zone| subject.zones.iter().any(|mine| mine.contains(&z.path));
    if zones.iter().all(inside) {
        Ok(())
    } else {
        Err(Denied {
            rule: "broadcast.beyond_zone",
        })
    }
}

/// May `subject` read a broadcast (its progress, its recipients)? Its author, an
/// administrator, or someone who could have sent it (every zone inside theirs).
pub fn may_read_broadcast(subject: &Subject, author: PersonId, zones: &[Zone]) -> bool {
    author == subject.person || may_broadcast(subject, zones).is_ok()
}

/// How a rate becomes a schedule: recipients go out in batches of `size`, batch `k` due
/// `k · interval_ms` after the start. Written into each batch job's `run_at`, so a restart keeps
/// the pace without anything sleeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub size: i64,
    pub interval_ms: i64,
}

impl Pace {
    /// The pace for `rate` messages per minute (0: unlimited).
    pub fn for_rate(rate: i64) -> Self {
        if rate <= 0 {
            return Self {
                size: BATCH_MAX,
                interval_ms: 0,
            };
        }
        let size = rate.clamp(1, BATCH_MAX);
        Self {
            size,
            interval_ms: size * 60_000 / rate,
        }
    }

    /// When batch `k` (from 0) is due, in milliseconds after the start.
    pub fn offset_ms(&self, k: i64) -> i64 {
        k.saturating_mul(self.interval_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgNodeId;
    use crate::org::{OrgKind, OrgPath};
    use crate::permission::RoleAt;

    fn zone(kind: OrgKind, ids: &[i64]) -> Zone {
        let mut path = OrgPath::root(OrgNodeId(ids[0]));
        for id in &ids[1..] {
            path = path.child(OrgNodeId(*id));
        }
        Zone {
            node: OrgNodeId(*ids.last().expect("an id")),
            kind,
            path,
        }
    }

    // Académie 1 → départements 2 and 3 → circonscriptions 4 (in 2) and 5 (in 3) → school 6 in 4.
    fn academie() -> Zone {
        zone(OrgKind::Academie, &[1])
    }
    fn dep21() -> Zone {
        zone(OrgKind::Departement, &[1, 2])
    }
    fn dep71() -> Zone {
        zone(OrgKind::Departement, &[1, 3])
    }
    fn circ_dijon() -> Zone {
        zone(OrgKind::Circonscription, &[1, 2, 4])
    }
    fn circ_macon() -> Zone {
        zone(OrgKind::Circonscription, &[1, 3, 5])
    }
    fn school() -> Zone {
        zone(OrgKind::Etablissement, &[1, 2, 4, 6])
    }

    fn holding(kind: RoleKind, at: Zone) -> Subject {
        Subject::new(PersonId(7), true, &[RoleAt { kind, zone: at }], Vec::new())
    }

    #[test]
    fn an_ien_informs_their_circonscription_and_nothing_beyond() {
        let ien = holding(RoleKind::Ien, circ_dijon());
        assert_eq!(may_broadcast(&ien, &[circ_dijon()]), Ok(()));
        assert_eq!(may_broadcast(&ien, &[school()]), Ok(()));
        for beyond in [circ_macon(), dep21(), academie()] {
            assert_eq!(
                may_broadcast(&ien, &[circ_dijon(), beyond.clone()]),
                Err(Denied {
                    rule: "broadcast.beyond_zone"
                }),
                "{beyond:?}"
            );
        }
    }

    #[test]
    fn a_dasen_informs_their_departement_and_the_dsi_the_academie() {
        let dasen = holding(RoleKind::Dasen, dep21());
        assert_eq!(may_broadcast(&dasen, &[dep21(), circ_dijon()]), Ok(()));
        assert!(may_broadcast(&dasen, &[dep71()]).is_err());
        assert!(may_broadcast(&dasen, &[academie()]).is_err());
        let dsi = holding(RoleKind::Steering, academie());
        assert_eq!(
            may_broadcast(&dsi, &[academie(), dep71(), circ_macon()]),
            Ok(())
        );
    }

    #[test]
    fn directors_and_agents_inform_nobody_and_admins_everybody() {
        let director = holding(RoleKind::Director, school());
        assert_eq!(
            may_broadcast(&director, &[school()]),
            Err(Denied {
                rule: "broadcast.steering_only"
            })
        );
        let mut admin = Subject::new(PersonId(1), true, &[], Vec::new());
        admin.admin = true;
        assert_eq!(may_broadcast(&admin, &[academie()]), Ok(()));
        admin.active = false;
        assert_eq!(
            may_broadcast(&admin, &[academie()]),
            Err(Denied {
                rule: "person.inactive"
            })
        );
    }

    #[test]
    fn a_broadcast_is_read_by_its_author_and_by_whoever_steers_its_zones() {
        let ien = holding(RoleKind::Ien, circ_dijon());
        assert!(may_read_broadcast(&ien, PersonId(99), &[school()]));
        assert!(!may_read_broadcast(&ien, PersonId(99), &[dep21()]));
        assert!(may_read_broadcast(&ien, PersonId(7), &[dep21()]), "author");
    }

    #[test]
    fn words_are_checked_and_english_is_all_or_nothing() {
        let m = Message::parse(" Coupure ONDE ", "Lundi 8h-10h", "", "").expect("valid");
        assert_eq!(m.subject_fr, "Coupure ONDE");
        assert_eq!(m.in_language("en"), ("Coupure ONDE", "Lundi 8h-10h"));
        assert_eq!(
            Message::parse("", "x", "", ""),
            Err(FieldError::required("subject_fr"))
        );
        assert_eq!(
            Message::parse("s", "b", "ONDE outage", ""),
            Err(FieldError::required("body_en"))
        );
        let long = "x".repeat(SUBJECT_MAX + 1);
        assert_eq!(
            Message::parse(&long, "b", "", ""),
            Err(FieldError::new("subject_fr", "too_long"))
        );
        let both = Message::parse("s", "b", "S", "B").expect("valid");
        assert_eq!(both.in_language("en"), ("S", "B"));
        assert_eq!(both.in_language("fr"), ("s", "b"));
    }

    #[test]
    fn roles_are_needed_once_each_and_never_admin() {
        assert_eq!(
            parse_roles(&[RoleKind::Director, RoleKind::Director, RoleKind::Head]),
            Ok(vec![RoleKind::Director, RoleKind::Head])
        );
        assert_eq!(parse_roles(&[]), Err(FieldError::required("roles")));
        assert_eq!(
            parse_roles(&[RoleKind::Admin]),
            Err(FieldError::new("roles", "invalid"))
        );
        assert_eq!(
            parse_rate(-1),
            Err(FieldError::new("rate_per_minute", "broadcast.rate"))
        );
    }

    #[test]
    fn a_rate_becomes_batches_spread_over_the_minute() {
        assert_eq!(
            Pace::for_rate(0),
            Pace {
                size: BATCH_MAX,
                interval_ms: 0
            }
        );
        // 30 a minute: one batch of 30 every minute.
        let slow = Pace::for_rate(30);
        assert_eq!((slow.size, slow.interval_ms), (30, 60_000));
        assert_eq!(slow.offset_ms(3), 180_000);
        // 600 a minute: batches of 100 every 10 s.
        let fast = Pace::for_rate(600);
        assert_eq!((fast.size, fast.interval_ms), (100, 10_000));
        // Whatever the rate, no minute carries more than it allows.
        for rate in [1, 7, 59, 100, 101, 599, 1000, 12_345] {
            let p = Pace::for_rate(rate);
            let per_minute = p.size * (60_000 / p.interval_ms.max(1));
            assert!(per_minute <= rate, "{rate}: {p:?}");
        }
    }
}
