//! SLA targets: time to take in charge and time to resolve, counted in business time of a
//! [`Calendar`], from a ticket's status history.
//!
//! Which statuses make each clock run (the app stores the result on the ticket and recomputes it
//! on every status change):
//!
//! | target          | runs while                  | paused while | stops at                     |
//! |-----------------|-----------------------------|--------------|------------------------------|
//! | take in charge  | `new`, `assigned`           | never        | first status beyond those    |
//! | resolve         | `new`, `assigned`, `in_progress` | `waiting` | resolved/closed/rejected/cancelled |
//!
//! Taking in charge is met once and for all: a ticket requeued later does not restart it. The
//! resolve clock restarts on reopening and keeps the business time already spent, so a ticket
//! reopened twice does not get three fresh targets. Pure: `now` is passed in.

use crate::calendar::Calendar;
use crate::lifecycle::Status;
use crate::ticket::Priority;
use crate::{ApplicationId, DeskId, FieldError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The longest target accepted: a year of business minutes is already absurd.
const MAX_TARGET_MINUTES: u32 = 366 * 24 * 60;

/// An SLA policy's targets, in business minutes of the desk's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub take_in_charge_minutes: u32,
    pub resolve_minutes: u32,
    /// When to warn, as a share of each target (80 warns when 80 % of it has been spent).
    #[serde(default = "default_warn_percent")]
    pub warn_percent: u8,
}

fn default_warn_percent() -> u8 {
    80
}

impl SlaPolicy {
    /// A policy; the error names the target that is zero or too long, or a warning share outside
    /// 1–99.
    pub fn new(
        take_in_charge_minutes: u32,
        resolve_minutes: u32,
        warn_percent: u8,
    ) -> Result<Self, FieldError> {
        let policy = Self {
            take_in_charge_minutes,
            resolve_minutes,
            warn_percent,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// Checks a policy read from storage or JSON.
    pub fn validate(&self) -> Result<(), FieldError> {
        let target_ok = |m: u32| (1..=MAX_TARGET_MINUTES).contains(&m);
        if !target_ok(self.take_in_charge_minutes) {
            return Err(FieldError::new("take_in_charge_minutes", "range"));
        }
        if !target_ok(self.resolve_minutes) {
            return Err(FieldError::new("resolve_minutes", "range"));
        }
        if !(1..=99).contains(&self.warn_percent) {
            return Err(FieldError::new("warn_percent", "range"));
        }
        Ok(())
    }
}

named_enum!(
    /// Which of a policy's two targets.
    Target, field = "target", {
        TakeInCharge => "take_in_charge",
        Resolve => "resolve",
    }
);

/// One step of a ticket's status history: from `at`, the ticket was in `status`. The first entry
/// is the submission (`new` at creation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub status: Status,
}

named_enum!(
    /// What a target's clock is doing now.
    ClockState, field = "clock", {
        Running => "running",
        /// The ticket waits for the requester or a third party.
        Paused => "paused",
        /// The target is over: taken in charge, resolved, or the ticket is finished.
        Stopped => "stopped",
    }
);

/// A target's standing at `now`. In JSON, durations are whole seconds (`elapsed_seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TargetStatus {
    pub target: Target,
    pub clock: ClockState,
    /// Business time counted so far.
    #[serde(rename = "elapsed_seconds", serialize_with = "as_seconds")]
    pub elapsed: Duration,
    /// Business time left; negative once the target is overrun.
    #[serde(rename = "remaining_seconds", serialize_with = "as_seconds")]
    pub remaining: Duration,
    /// When the target is (or was) due. `None` while paused before being reached (it moves when
    /// the clock restarts), or when it was never reached before the clock stopped.
    pub due: Option<DateTime<Utc>>,
    /// When the warning share of the target is (or was) spent, on the same terms as `due`.
    pub warn_at: Option<DateTime<Utc>>,
    /// True when the clock ran past `due` (until `now`, or until it stopped or paused).
    pub breached: bool,
}

fn as_seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}

/// Both targets of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaStatus {
    pub take_in_charge: TargetStatus,
    pub resolve: TargetStatus,
}

/// What a target's clock does while the ticket is in `status`.
fn phase(target: Target, status: Status) -> ClockState {
    use Status::*;
    match (target, status) {
        (Target::TakeInCharge, New | Assigned) => ClockState::Running,
        (Target::TakeInCharge, _) => ClockState::Stopped,
        (Target::Resolve, New | Assigned | InProgress) => ClockState::Running,
        (Target::Resolve, Waiting) => ClockState::Paused,
        (Target::Resolve, Resolved | Closed | Rejected | Cancelled) => ClockState::Stopped,
    }
}

/// A span during which a clock ran; `None` end: still running at `now`.
type RunSpan = (DateTime<Utc>, Option<DateTime<Utc>>);

/// A target's clock as the history leaves it at `now`.
struct Clock {
    spans: Vec<RunSpan>,
    state: ClockState,
    /// When the clock entered `state`.
    since: DateTime<Utc>,
}

/// Replays the history (up to `now`, in time order) for one target.
fn replay(target: Target, history: &[StatusChange], now: DateTime<Utc>) -> Clock {
    let mut changes: Vec<StatusChange> = history.iter().copied().filter(|c| c.at <= now).collect();
    changes.sort_by_key(|c| c.at);
    let mut clock = Clock {
        spans: Vec::new(),
        state: ClockState::Stopped,
        since: now,
    };
    let mut running_from: Option<DateTime<Utc>> = None;
    for change in changes {
        let next = phase(target, change.status);
        match (running_from, next) {
            (None, ClockState::Running) => running_from = Some(change.at),
            (Some(from), ClockState::Paused | ClockState::Stopped) => {
                clock.spans.push((from, Some(change.at)));
                running_from = None;
            }
            _ => {}
        }
        if next != clock.state {
            clock.since = change.at;
            clock.state = next;
        }
        if target == Target::TakeInCharge && next == ClockState::Stopped && !clock.spans.is_empty()
        {
            // Taken in charge: later requeues do not restart this clock.
            return clock;
        }
    }
    if let Some(from) = running_from {
        clock.spans.push((from, None));
    }
    clock
}

/// The instant at which the clock has counted `amount`, if it has or will while running.
fn instant_reaching(
    calendar: &Calendar,
    spans: &[RunSpan],
    amount: Duration,
) -> Option<DateTime<Utc>> {
    let mut remaining = amount;
    for (from, to) in spans {
        match to {
            Some(to) => {
                let counted = calendar.business_between(*from, *to);
                if counted >= remaining {
                    return calendar.add_business(*from, remaining);
                }
                remaining -= counted;
            }
            None => return calendar.add_business(*from, remaining),
        }
    }
    None
}

/// One target's standing.
fn evaluate_target(
    calendar: &Calendar,
    target: Target,
    minutes: u32,
    warn_percent: u8,
    history: &[StatusChange],
    now: DateTime<Utc>,
) -> TargetStatus {
    let Clock {
        spans,
        state: clock,
        since,
    } = replay(target, history, now);
    let elapsed = spans.iter().fold(Duration::zero(), |sum, (from, to)| {
        sum + calendar.business_between(*from, to.unwrap_or(now))
    });
    let goal = Duration::minutes(i64::from(minutes));
    let warn = Duration::seconds(i64::from(minutes) * 60 * i64::from(warn_percent) / 100);
    let due = instant_reaching(calendar, &spans, goal);
    let warn_at = instant_reaching(calendar, &spans, warn);
    let counted_until = if clock == ClockState::Running {
        now
    } else {
        since
    };
    TargetStatus {
        target,
        clock,
        elapsed,
        remaining: goal - elapsed,
        due,
        warn_at,
        breached: due.is_some_and(|d| d < counted_until),
    }
}

/// Both targets of `policy` for a ticket with this status history, at `now`.
pub fn evaluate(
    calendar: &Calendar,
    policy: &SlaPolicy,
    history: &[StatusChange],
    now: DateTime<Utc>,
) -> SlaStatus {
    let eval = |target, minutes| {
        evaluate_target(calendar, target, minutes, policy.warn_percent, history, now)
    };
    SlaStatus {
        take_in_charge: eval(Target::TakeInCharge, policy.take_in_charge_minutes),
        resolve: eval(Target::Resolve, policy.resolve_minutes),
    }
}

/// Where a policy applies: a desk, optionally narrowed to one application and/or one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyScope {
    pub desk: DeskId,
    pub application: Option<ApplicationId>,
    pub priority: Option<Priority>,
}

impl PolicyScope {
    /// How specific a matching scope is: the application counts more than the priority (a
    /// vendor's contract for one application beats the desk's priority grid); `None` if the scope
    /// does not cover the ticket.
    fn specificity(
        &self,
        desk: DeskId,
        application: Option<ApplicationId>,
        priority: Priority,
    ) -> Option<u8> {
        let app = match self.application {
            None => 0,
            Some(a) if Some(a) == application => 2,
            Some(_) => return None,
        };
        let prio = match self.priority {
            None => 0,
            Some(p) if p == priority => 1,
            Some(_) => return None,
        };
        (self.desk == desk).then_some(app + prio)
    }
}

/// The policy for a ticket of `desk`: the most specific scope that covers it (application and
/// priority, then application, then priority, then the desk's default); the first listed on a
/// tie. A routing rule's `set_sla_policy` overrides this choice (the app applies it).
pub fn select_policy<T>(
    scoped: &[(PolicyScope, T)],
    desk: DeskId,
    application: Option<ApplicationId>,
    priority: Priority,
) -> Option<&T> {
    let mut best: Option<(u8, &T)> = None;
    for (scope, policy) in scoped {
        if let Some(score) = scope.specificity(desk, application, priority)
            && best.is_none_or(|(b, _)| score > b)
        {
            best = Some((score, policy));
        }
    }
    best.map(|(_, p)| p)
}
