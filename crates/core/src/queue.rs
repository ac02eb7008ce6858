//! The agent's queues and saved views, as rules: which queues an agent has, how a count past
//! its cap reads, what a saved view may hold and what its relative dates mean at a given moment.
//! No IO: the app counts and lists; this module says what.

use crate::desk::Level;
use crate::error::required_text;
use crate::lifecycle::Status;
use crate::ticket::Priority;
use crate::{ApplicationId, FieldError, GroupId, OrgNodeId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Counting stops here: past it a queue shows "1,000+". Each count then reads at most this many
/// index entries, whatever the size of the queue (1M tickets or 1,000).
pub const COUNT_CAP: i64 = 1000;

/// One of an agent's queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueKey {
    /// Open tickets assigned to me, and to the absent agents I stand in for.
    Mine,
    /// A group's open tickets.
    Group(GroupId),
    /// A group's open tickets nobody has yet: to dispatch or take.
    GroupNew(GroupId),
    /// My groups' open tickets of a département my desk serves ("my zone", for a DSDEN).
    Zone(OrgNodeId),
}

impl QueueKey {
    /// Stable text for URLs: `mine`, `group-12`, `group-12-new`, `zone-4`.
    pub fn as_string(self) -> String {
        match self {
            Self::Mine => "mine".into(),
            Self::Group(g) => format!("group-{g}"),
            Self::GroupNew(g) => format!("group-{g}-new"),
            Self::Zone(z) => format!("zone-{z}"),
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("queue", "invalid");
        let id = |t: &str| t.parse::<i64>().map_err(|_| bad());
        if s == "mine" {
            return Ok(Self::Mine);
        }
        if let Some(rest) = s.strip_prefix("group-") {
            return match rest.strip_suffix("-new") {
                Some(g) => Ok(Self::GroupNew(GroupId(id(g)?))),
                None => Ok(Self::Group(GroupId(id(rest)?))),
            };
        }
        match s.strip_prefix("zone-") {
            Some(z) => Ok(Self::Zone(OrgNodeId(id(z)?))),
            None => Err(bad()),
        }
    }
}

/// How a capped count reads: `12`, or `1000+` past the cap.
pub fn count_label(value: i64, capped: bool) -> String {
    if capped {
        format!("{value}+")
    } else {
        value.to_string()
    }
}

/// The longest relative age a filter accepts, in days (ten school years).
pub const MAX_AGE_DAYS: i64 = 3650;

/// A saved view's filters: what the ticket list filters on, with ages relative to the moment
/// the view is opened (a "older than 7 days" view stays true next week). Empty fields do not
/// filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewFilters {
    pub statuses: Vec<Status>,
    /// Only open (`true`) or only finished (`false`) tickets.
    pub open: Option<bool>,
    pub groups: Vec<GroupId>,
    /// Assigned to the viewer (and those they stand in for).
    pub mine: bool,
    pub unassigned: bool,
    pub applications: Vec<ApplicationId>,
    pub levels: Vec<Level>,
    pub priorities: Vec<Priority>,
    pub establishment: Option<OrgNodeId>,
    /// A node whose whole subtree is listed.
    pub zone: Option<OrgNodeId>,
    /// Created at least this many days ago.
    pub older_than_days: Option<i64>,
    /// Created less than this many days ago.
    pub newer_than_days: Option<i64>,
    /// A ticket list sort (`-created`, `priority`…); checked by the app, which knows the sorts.
    pub sort: Option<String>,
}

/// A relative age in days, checked: 0 to [`MAX_AGE_DAYS`].
pub fn parse_age(field: &'static str, days: i64) -> Result<i64, FieldError> {
    if (0..=MAX_AGE_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(FieldError::new(field, "age.range"))
    }
}

impl ViewFilters {
    /// Checks the ages (and that "older than" and "newer than" leave a window).
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(d) = self.older_than_days {
            parse_age("older_than_days", d)?;
        }
        if let Some(d) = self.newer_than_days {
            parse_age("newer_than_days", d)?;
        }
        if let (Some(older), Some(newer)) = (self.older_than_days, self.newer_than_days)
            && older >= newer
        {
            return Err(FieldError::new("newer_than_days", "age.empty_window"));
        }
        Ok(())
    }
}

/// The creation-date window `[from, to)` that relative ages mean at `now`.
pub fn age_window(
    older_than_days: Option<i64>,
    newer_than_days: Option<i64>,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let from = newer_than_days.map(|d| now - Duration::days(d));
    let to = older_than_days.map(|d| now - Duration::days(d));
    (from, to)
}

/// A saved view's name: trimmed, 1 to 80 characters.
pub fn parse_view_name(name: &str) -> Result<String, FieldError> {
    required_text("name", name, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn queue_keys_round_trip() {
        for k in [
            QueueKey::Mine,
            QueueKey::Group(GroupId(12)),
            QueueKey::GroupNew(GroupId(12)),
            QueueKey::Zone(OrgNodeId(4)),
        ] {
            assert_eq!(QueueKey::parse(&k.as_string()), Ok(k));
        }
        for bad in [
            "",
            "group-",
            "group-x",
            "zone-1-new",
            "mine2",
            "group-1-old",
        ] {
            assert!(QueueKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn capped_counts_say_so() {
        assert_eq!(count_label(12, false), "12");
        assert_eq!(count_label(COUNT_CAP, true), "1000+");
    }

    #[test]
    fn ages_are_relative_to_now() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 10, 9, 0, 0)
            .single()
            .expect("a valid date");
        let (from, to) = age_window(Some(7), Some(30), now);
        assert_eq!(from, Some(now - Duration::days(30)));
        assert_eq!(to, Some(now - Duration::days(7)));
        assert_eq!(age_window(None, None, now), (None, None));
    }

    #[test]
    fn view_filters_are_checked() {
        let ok = ViewFilters {
            older_than_days: Some(7),
            newer_than_days: Some(30),
            ..ViewFilters::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let empty = ViewFilters {
            older_than_days: Some(30),
            newer_than_days: Some(7),
            ..ViewFilters::default()
        };
        assert_eq!(
            empty.validate(),
            Err(FieldError::new("newer_than_days", "age.empty_window"))
        );
        let negative = ViewFilters {
            older_than_days: Some(-1),
            ..ViewFilters::default()
        };
        assert_eq!(
            negative.validate().map_err(|e| e.field),
            Err("older_than_days")
        );
        assert_eq!(
            parse_view_name("  Mes urgences ").as_deref(),
            Ok("Mes urgences")
        );
        assert!(parse_view_name(" ").is_err());
        assert!(parse_view_name(&"x".repeat(81)).is_err());
    }
}
