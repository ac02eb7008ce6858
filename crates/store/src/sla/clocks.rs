//! Each ticket's SLA clocks (`ticket_sla`), written at submission (the writer thread on SQLite,
//! [`crate::Tx::insert_submission`] on PostgreSQL) and on every status change, and the sweep's
//! reads: tickets whose next check is due, resolved tickets due for auto-close.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::sla::{ClockState, StatusChange};
use guichet_core::{DeskId, SlaPolicyId, TicketId};

/// One target's clock as last computed, and what the sweep already did about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetRow {
    pub clock: ClockState,
    pub due: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    pub breached: bool,
    /// Business seconds left when computed (negative once overrun); frozen while paused.
    pub remaining_seconds: i64,
    /// When the warning was signalled on the timeline.
    pub warned_at: Option<DateTime<Utc>>,
    /// When the breach was signalled and escalated.
    pub breach_handled_at: Option<DateTime<Utc>>,
}

/// A ticket's SLA clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSla {
    pub ticket: TicketId,
    pub policy: SlaPolicyId,
    /// The status history the clocks are replayed from.
    pub history: Vec<StatusChange>,
    pub take_in_charge: TargetRow,
    pub resolve: TargetRow,
    /// The next instant the sweep must look at this ticket; `None`: nothing pending.
    pub next_check_at: Option<DateTime<Utc>>,
    pub computed_at: DateTime<Utc>,
}

/// The row a submission writes: its ticket id is known only inside the write.
pub type NewTicketSla = TicketSla;

/// Inserts or replaces a ticket's clocks; shared with the SQLite writer thread.
pub(crate) const UPSERT_TICKET_SLA: &str = "INSERT INTO ticket_sla (ticket_id, policy_id, history,
        take_in_charge_clock, take_in_charge_due, take_in_charge_warn_at, take_in_charge_breached,
        take_in_charge_remaining_seconds, take_in_charge_warned_at,
        take_in_charge_breach_handled_at, resolve_clock, resolve_due, resolve_warn_at,
        resolve_breached, resolve_remaining_seconds, resolve_warned_at, resolve_breach_handled_at,
        next_check_at, computed_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
    ON CONFLICT (ticket_id) DO UPDATE SET policy_id = excluded.policy_id,
        history = excluded.history, take_in_charge_clock = excluded.take_in_charge_clock,
        take_in_charge_due = excluded.take_in_charge_due,
        take_in_charge_warn_at = excluded.take_in_charge_warn_at,
        take_in_charge_breached = excluded.take_in_charge_breached,
        take_in_charge_remaining_seconds = excluded.take_in_charge_remaining_seconds,
        take_in_charge_warned_at = excluded.take_in_charge_warned_at,
        take_in_charge_breach_handled_at = excluded.take_in_charge_breach_handled_at,
        resolve_clock = excluded.resolve_clock, resolve_due = excluded.resolve_due,
        resolve_warn_at = excluded.resolve_warn_at, resolve_breached = excluded.resolve_breached,
        resolve_remaining_seconds = excluded.resolve_remaining_seconds,
        resolve_warned_at = excluded.resolve_warned_at,
        resolve_breach_handled_at = excluded.resolve_breach_handled_at,
        next_check_at = excluded.next_check_at, computed_at = excluded.computed_at";

const COLUMNS: &str = "ticket_id, policy_id, history, take_in_charge_clock, take_in_charge_due, \
    take_in_charge_warn_at, take_in_charge_breached, take_in_charge_remaining_seconds, \
    take_in_charge_warned_at, take_in_charge_breach_handled_at, resolve_clock, resolve_due, \
    resolve_warn_at, resolve_breached, resolve_remaining_seconds, resolve_warned_at, \
    resolve_breach_handled_at, next_check_at, computed_at";

impl TicketSla {
    /// The history as stored (JSON).
    pub(crate) fn history_json(&self) -> String {
        serde_json::to_string(&self.history).unwrap_or_else(|_| "[]".into())
    }
}

fn target(r: &impl Get, prefix: &str) -> Result<TargetRow, StoreError> {
    let col = |name: &str| format!("{prefix}_{name}");
    Ok(TargetRow {
        clock: parse(
            "ticket_sla.clock",
            r.text(&col("clock"))?,
            ClockState::parse,
        )?,
        due: r.opt_ts(&col("due"))?,
        warn_at: r.opt_ts(&col("warn_at"))?,
        breached: r.bool(&col("breached"))?,
        remaining_seconds: r.i64(&col("remaining_seconds"))?,
        warned_at: r.opt_ts(&col("warned_at"))?,
        breach_handled_at: r.opt_ts(&col("breach_handled_at"))?,
    })
}

fn from_row(r: &impl Get) -> Result<TicketSla, StoreError> {
    let history = r.text("history")?;
    Ok(TicketSla {
        ticket: TicketId(r.i64("ticket_id")?),
        policy: SlaPolicyId(r.i64("policy_id")?),
        history: serde_json::from_str(&history).map_err(|_| StoreError::Corrupt {
            column: "ticket_sla.history",
            value: history.clone(),
        })?,
        take_in_charge: target(r, "take_in_charge")?,
        resolve: target(r, "resolve")?,
        next_check_at: r.opt_ts("next_check_at")?,
        computed_at: r.ts("computed_at")?,
    })
}

impl Tx {
    /// Writes a ticket's clocks, replacing what was there.
    pub async fn put_ticket_sla(&mut self, s: &TicketSla) -> Result<(), StoreError> {
        let (a, b) = (&s.take_in_charge, &s.resolve);
        on!(self, |c| {
            sqlx::query(UPSERT_TICKET_SLA)
                .bind(s.ticket.0)
                .bind(s.policy.0)
                .bind(s.history_json())
                .bind(a.clock.as_str())
                .bind(a.due.map(ts))
                .bind(a.warn_at.map(ts))
                .bind(a.breached)
                .bind(a.remaining_seconds)
                .bind(a.warned_at.map(ts))
                .bind(a.breach_handled_at.map(ts))
                .bind(b.clock.as_str())
                .bind(b.due.map(ts))
                .bind(b.warn_at.map(ts))
                .bind(b.breached)
                .bind(b.remaining_seconds)
                .bind(b.warned_at.map(ts))
                .bind(b.breach_handled_at.map(ts))
                .bind(s.next_check_at.map(ts))
                .bind(ts(s.computed_at))
                .execute(c)
                .await?;
        });
        Ok(())
    }

    /// Adds tags to a ticket, ignoring those it already has.
    pub async fn add_tags(&mut self, ticket: TicketId, tags: &[String]) -> Result<(), StoreError> {
        for tag in tags {
            on!(self, |c| {
                sqlx::query(INSERT_TAG)
                    .bind(ticket.0)
                    .bind(tag)
                    .execute(c)
                    .await?;
            });
        }
        Ok(())
    }
}

/// Shared with the SQLite writer thread.
pub(crate) const INSERT_TAG: &str = "INSERT INTO ticket_tag (ticket_id, tag) VALUES ($1, $2)
    ON CONFLICT (ticket_id, tag) DO NOTHING";

impl Conn {
    /// A ticket's clocks; `None` when no policy covers it.
    pub async fn ticket_sla(&mut self, ticket: TicketId) -> Result<Option<TicketSla>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM ticket_sla WHERE ticket_id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(ticket.0)
                .fetch_optional(c)
                .await?;
            row.as_ref().map(from_row).transpose()
        })
    }

    /// The clocks of several tickets (a queue page's rows), in no particular order: one query,
    /// however many rows the page shows.
    pub async fn ticket_slas(
        &mut self,
        tickets: &[TicketId],
    ) -> Result<Vec<TicketSla>, StoreError> {
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM ticket_sla WHERE ticket_id IN "
        ));
        sql.list(tickets.iter().map(|t| Arg::I64(t.0)));
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c).await?.iter().map(from_row).collect()
        })
    }

    /// A ticket's tags, sorted.
    pub async fn tags(&mut self, ticket: TicketId) -> Result<Vec<String>, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, String>(
                "SELECT tag FROM ticket_tag WHERE ticket_id = $1 ORDER BY tag",
            )
            .bind(ticket.0)
            .fetch_all(c)
            .await?)
        })
    }

    /// Tickets whose next SLA check is at or before `now`, earliest first: one range of the
    /// partial index, whatever the number of tickets.
    pub async fn sla_checks_due(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<TicketId>, StoreError> {
        let ids: Vec<i64> = on!(self, |c| {
            sqlx::query_scalar(
                "SELECT ticket_id FROM ticket_sla
                 WHERE next_check_at IS NOT NULL AND next_check_at <= $1
                 ORDER BY next_check_at, ticket_id LIMIT $2",
            )
            .bind(ts(now))
            .bind(limit)
            .fetch_all(c)
            .await?
        });
        Ok(ids.into_iter().map(TicketId).collect())
    }

    /// Tickets of `desk`'s groups resolved before `cutoff` and still resolved, oldest first.
    pub async fn resolved_before(
        &mut self,
        desk: DeskId,
        cutoff: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<TicketId>, StoreError> {
        let ids: Vec<i64> = on!(self, |c| {
            sqlx::query_scalar(
                "SELECT t.id FROM ticket t JOIN agent_group g ON g.id = t.group_id
                 WHERE t.status = 'resolved' AND t.resolved_at < $1 AND g.desk_id = $2
                 ORDER BY t.resolved_at, t.id LIMIT $3",
            )
            .bind(ts(cutoff))
            .bind(desk.0)
            .bind(limit)
            .fetch_all(c)
            .await?
        });
        Ok(ids.into_iter().map(TicketId).collect())
    }
}
