//! The SLA sweep and the auto-close of resolved tickets: what the `sla.sweep` job runs.
//!
//! Both are idempotent. The sweep reads the tickets whose next check is due (one range of a
//! partial index), then per ticket, under its row lock: a warning share spent is written once
//! on the timeline (`sla_warning`, event `ticket.sla_warning` for the group's notice); a breach
//! is written once (`sla_breach`, event `ticket.sla_breached`) and escalated as the policy says
//! (priority one step up, the desk's group of the next level). The flags stored with the clocks
//! make a second run, or a second instance, find nothing left to do.

use super::clock;
use crate::ticket::change::Change;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Duration, Utc};
use guichet_core::TicketId;
use guichet_core::desk::Level;
use guichet_core::lifecycle::{Actor, Move, Status};
use guichet_core::permission::TicketAction;
use guichet_core::sla::{ClockState, Target};
use guichet_core::ticket::{EntryKind, EventKind, Priority};
use guichet_store::sla::{StoredPolicy, TargetRow, TicketSla};
use serde_json::{Value, json};

/// Most tickets one sweep handles; the next run continues.
const BATCH: i64 = 500;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub checked: usize,
    pub warned: usize,
    pub breached: usize,
    pub auto_closed: usize,
    /// Tickets whose check failed (left for the next run; the others are still done).
    pub failed: usize,
}

impl SweepReport {
    /// True when the sweep filled its batch with tickets it could check: more are probably due,
    /// and running again at once handles a mass breach in seconds rather than a batch a minute.
    /// A batch of failures is not run again (those tickets would come back first).
    pub fn more_due(&self) -> bool {
        i64::try_from(self.checked).is_ok_and(|n| n >= BATCH) && self.failed < self.checked
    }
}

/// What the sweep signals on one ticket.
#[derive(Debug, Default)]
struct Signals {
    warned: Vec<Target>,
    breached: Vec<Target>,
}

fn target_mut(s: &mut TicketSla, t: Target) -> &mut TargetRow {
    match t {
        Target::TakeInCharge => &mut s.take_in_charge,
        Target::Resolve => &mut s.resolve,
    }
}

/// Sets the flags of what is due at `now` and says what to signal.
fn due_signals(s: &mut TicketSla, now: DateTime<Utc>) -> Signals {
    let mut signals = Signals::default();
    for t in [Target::TakeInCharge, Target::Resolve] {
        let row = target_mut(s, t);
        if row.clock != ClockState::Running {
            continue;
        }
        if row.due.is_some_and(|d| d <= now) && row.breach_handled_at.is_none() {
            row.breach_handled_at = Some(now);
            row.warned_at.get_or_insert(now);
            signals.breached.push(t);
        } else if row.warn_at.is_some_and(|w| w <= now) && row.warned_at.is_none() {
            row.warned_at = Some(now);
            signals.warned.push(t);
        }
    }
    s.next_check_at = clock::next_check_of(s);
    signals
}

impl App {
    /// Runs the SLA sweep and the auto-close once, at the clock's time.
    pub async fn sla_sweep(&self) -> Result<SweepReport, AppError> {
        let now = self.now();
        let mut report = SweepReport::default();
        let due = self
            .store()
            .read()
            .await?
            .sla_checks_due(now, BATCH)
            .await?;
        for id in due {
            report.checked += 1;
            match self.check_ticket(id).await {
                Ok((warned, breached)) => {
                    report.warned += warned;
                    report.breached += breached;
                }
                // The database is gone: the job is retried later.
                Err(e @ AppError::Unavailable(_)) => return Err(e),
                // One ticket in an unexpected state must not hold back the others.
                Err(e) => {
                    tracing::warn!(ticket = id.0, error = %e, "SLA check failed");
                    report.failed += 1;
                }
            }
        }
        report.auto_closed = self.auto_close(now).await?;
        Ok(report)
    }

    /// Signals what is due on one ticket; returns how many warnings and breaches.
    async fn check_ticket(&self, id: TicketId) -> Result<(usize, usize), AppError> {
        let caller = Caller::system("sla");
        let mut c = match self.change(&caller, id, TicketAction::Work).await {
            Ok(c) => c,
            Err(AppError::NotFound(_)) => return Ok((0, 0)),
            Err(e) => return Err(e),
        };
        c.actor = Actor::System;
        let Some(stored) = c.tx.ticket_sla(id).await? else {
            return Ok((0, 0));
        };
        let policy = c.tx.policy(stored.policy).await?;
        let calendar = c.tx.calendar(policy.calendar).await?.calendar;
        let mut sla = clock::compute(
            id,
            &policy,
            &calendar,
            stored.history.clone(),
            c.now,
            Some(&stored),
        );
        let signals = due_signals(&mut sla, c.now);
        c.tx.put_ticket_sla(&sla).await?;
        let counts = (signals.warned.len(), signals.breached.len());
        if let Some(first) = signals.breached.first() {
            let details = escalate(&mut c, &policy, *first).await?;
            let data = json!({ "targets": signals.breached, "escalation": details });
            c.entry(EntryKind::SlaBreach, false, "", data.clone())
                .await?;
            c.finish(EventKind::SlaBreached, "sla_breach", data).await?;
        } else if !signals.warned.is_empty() {
            let data = json!({
                "targets": signals.warned,
                "warn_percent": policy.targets.warn_percent,
            });
            c.entry(EntryKind::SlaWarning, false, "", data.clone())
                .await?;
            c.finish(EventKind::SlaWarning, "sla_warning", data).await?;
        } else {
            c.tx.commit().await?;
        }
        Ok(counts)
    }

    /// Closes the resolved tickets of every desk that asks for it, once their requester has
    /// not answered for the desk's number of days; returns how many.
    async fn auto_close(&self, now: DateTime<Utc>) -> Result<usize, AppError> {
        let desks = self.store().read().await?.auto_closing_desks().await?;
        let mut closed = 0;
        for (desk, days) in desks {
            let cutoff = now - Duration::days(i64::from(days));
            let ids = self
                .store()
                .read()
                .await?
                .resolved_before(desk, cutoff, BATCH)
                .await?;
            for id in ids {
                if self.close_unanswered(id, cutoff, days).await? {
                    closed += 1;
                }
            }
        }
        Ok(closed)
    }

    async fn close_unanswered(
        &self,
        id: TicketId,
        cutoff: DateTime<Utc>,
        days: i32,
    ) -> Result<bool, AppError> {
        let caller = Caller::system("sla");
        let mut c = self.change(&caller, id, TicketAction::Close).await?;
        c.actor = Actor::System;
        // Checked again under the lock: the requester may have answered meanwhile.
        if c.ticket.status != Status::Resolved || c.ticket.resolved_at.is_none_or(|r| r >= cutoff) {
            return Ok(false);
        }
        c.apply(Move::Close)?;
        let details = json!({ "auto_close": true, "days": days });
        c.finish(EventKind::Closed, "auto_close", details).await?;
        Ok(true)
    }
}

/// Escalates a breached ticket as its policy says; returns what was done.
async fn escalate(
    c: &mut Change<'_>,
    policy: &StoredPolicy,
    target: Target,
) -> Result<Value, AppError> {
    let mut done = json!({ "target": target });
    if policy.on_breach.raise_priority
        && let Some(p) = Priority::from_rank(c.ticket.priority.rank() + 1)
    {
        done["priority"] = json!({ "from": c.ticket.priority, "to": p });
        c.ticket.priority = p;
    }
    let next_level = Level::from_i16(c.ticket.level.as_i16() + 1).ok();
    if policy.on_breach.next_level
        && let (Some(level), Some(current)) = (next_level, c.ticket.group)
    {
        let current = c.tx.group(current).await?;
        let mut groups: Vec<_> =
            c.tx.list_groups(Some(current.desk))
                .await?
                .into_iter()
                .filter(|g| g.level == level && g.active)
                .collect();
        // The same expertise first, then by code.
        groups.sort_by_key(|g| (g.expertise != current.expertise, g.code.clone()));
        if let Some(g) = groups.first() {
            c.apply(Move::Requeue)?;
            c.ticket.group = Some(g.id);
            c.ticket.level = g.level;
            c.ticket.assignee = None;
            done["group"] = json!({ "from": current.code, "to": g.code });
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_batch_of_checked_tickets_asks_for_another() {
        let full = usize::try_from(BATCH).expect("small");
        let report = |checked, failed| SweepReport {
            checked,
            failed,
            ..SweepReport::default()
        };
        assert!(report(full, 0).more_due());
        assert!(report(full, 3).more_due());
        assert!(
            !report(full - 1, 0).more_due(),
            "the due tickets are all done"
        );
        assert!(
            !report(full, full).more_due(),
            "the same failures would come back"
        );
        assert!(!report(0, 0).more_due());
    }
}
