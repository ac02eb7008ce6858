//! From the core's SLA evaluation to the stored clocks: due and warning instants, the flags the
//! sweep keeps, and the next instant the sweep must look at the ticket.

use chrono::{DateTime, Utc};
use guichet_core::TicketId;
use guichet_core::calendar::Calendar;
use guichet_core::lifecycle::Status;
use guichet_core::sla::{ClockState, StatusChange, TargetStatus, evaluate};
use guichet_store::sla::{StoredPolicy, TargetRow, TicketSla};

/// The clocks of a ticket submitted at `now` (its id is set by the store).
pub(crate) fn start(policy: &StoredPolicy, calendar: &Calendar, now: DateTime<Utc>) -> TicketSla {
    let history = vec![StatusChange {
        at: now,
        status: Status::New,
    }];
    compute(TicketId(0), policy, calendar, history, now, None)
}

/// The clocks replayed from `history` at `now`, keeping what the sweep already signalled.
pub(crate) fn compute(
    ticket: TicketId,
    policy: &StoredPolicy,
    calendar: &Calendar,
    history: Vec<StatusChange>,
    now: DateTime<Utc>,
    previous: Option<&TicketSla>,
) -> TicketSla {
    let status = evaluate(calendar, &policy.targets, &history, now);
    let take_in_charge = row(&status.take_in_charge, previous.map(|p| &p.take_in_charge));
    let resolve = row(&status.resolve, previous.map(|p| &p.resolve));
    let mut sla = TicketSla {
        ticket,
        policy: policy.id,
        history,
        take_in_charge,
        resolve,
        next_check_at: None,
        computed_at: now,
    };
    sla.next_check_at = next_check_of(&sla);
    sla
}

/// The next instant the sweep must look at these clocks.
pub(crate) fn next_check_of(s: &TicketSla) -> Option<DateTime<Utc>> {
    [next_check(&s.take_in_charge), next_check(&s.resolve)]
        .into_iter()
        .flatten()
        .min()
}

fn row(t: &TargetStatus, previous: Option<&TargetRow>) -> TargetRow {
    TargetRow {
        clock: t.clock,
        due: t.due,
        warn_at: t.warn_at,
        breached: t.breached,
        remaining_seconds: t.remaining.num_seconds(),
        warned_at: previous.and_then(|p| p.warned_at),
        breach_handled_at: previous.and_then(|p| p.breach_handled_at),
    }
}

/// The earliest instant still to be signalled on a running clock.
fn next_check(t: &TargetRow) -> Option<DateTime<Utc>> {
    if t.clock != ClockState::Running {
        return None;
    }
    let warn = t.warn_at.filter(|_| t.warned_at.is_none());
    let due = t.due.filter(|_| t.breach_handled_at.is_none());
    [warn, due].into_iter().flatten().min()
}
