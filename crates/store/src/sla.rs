//! SLA policies (targets per desk, application, priority, on a calendar), desks' automation
//! settings, and each ticket's SLA clocks with the sweep's index. The arithmetic is the core's
//! (`guichet_core::sla`); this module only keeps its results.

mod clocks;
pub(crate) mod sqlite_rows;

pub use clocks::{NewTicketSla, TargetRow, TicketSla};

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::routing::Mode;
use guichet_core::sla::{PolicyScope, SlaPolicy};
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, CalendarId, DeskId, SlaPolicyId};

/// What happens when a target is breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreachActions {
    /// Raise the ticket's priority one step.
    pub raise_priority: bool,
    /// Move the ticket to the desk's group of the next level (N1 → N2 → N3).
    pub next_level: bool,
}

/// A stored SLA policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    pub id: SlaPolicyId,
    pub code: String,
    pub name: String,
    pub scope: PolicyScope,
    pub calendar: CalendarId,
    pub targets: SlaPolicy,
    pub on_breach: BreachActions,
}

/// A policy to write.
#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub code: String,
    pub name: String,
    pub scope: PolicyScope,
    pub calendar: CalendarId,
    pub targets: SlaPolicy,
    pub on_breach: BreachActions,
}

/// A desk's automation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskAutomation {
    pub desk: DeskId,
    pub rule_mode: Mode,
    /// Days after which a resolved ticket without the requester's answer is closed.
    pub auto_close_days: Option<i32>,
}

const POLICY_COLUMNS: &str = "id, code, name, desk_id, application_id, priority, calendar_id, \
    take_in_charge_minutes, resolve_minutes, warn_percent, breach_raise_priority, \
    breach_next_level";

fn corrupt(column: &'static str, value: impl ToString) -> StoreError {
    StoreError::Corrupt {
        column,
        value: value.to_string(),
    }
}

fn policy_from_row(r: &impl Get) -> Result<StoredPolicy, StoreError> {
    let minutes = |col: &'static str| -> Result<u32, StoreError> {
        let v = r.i64(col)?;
        u32::try_from(v).map_err(|_| corrupt("sla_policy.minutes", v))
    };
    let warn = r.i16("warn_percent")?;
    let targets = SlaPolicy {
        take_in_charge_minutes: minutes("take_in_charge_minutes")?,
        resolve_minutes: minutes("resolve_minutes")?,
        warn_percent: u8::try_from(warn).map_err(|_| corrupt("sla_policy.warn_percent", warn))?,
    };
    let priority = r
        .opt_i16("priority")?
        .map(|p| Priority::from_rank(p).ok_or(corrupt("sla_policy.priority", p)))
        .transpose()?;
    Ok(StoredPolicy {
        id: SlaPolicyId(r.i64("id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        scope: PolicyScope {
            desk: DeskId(r.i64("desk_id")?),
            application: r.opt_i64("application_id")?.map(ApplicationId),
            priority,
        },
        calendar: CalendarId(r.i64("calendar_id")?),
        targets,
        on_breach: BreachActions {
            raise_priority: r.bool("breach_raise_priority")?,
            next_level: r.bool("breach_next_level")?,
        },
    })
}

impl Tx {
    pub async fn insert_policy(
        &mut self,
        p: &NewPolicy,
        now: DateTime<Utc>,
    ) -> Result<StoredPolicy, StoreError> {
        let sql = format!(
            "INSERT INTO sla_policy (code, name, desk_id, application_id, priority, calendar_id,
                take_in_charge_minutes, resolve_minutes, warn_percent, breach_raise_priority,
                breach_next_level, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
             RETURNING {POLICY_COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&p.code)
                .bind(&p.name)
                .bind(p.scope.desk.0)
                .bind(p.scope.application.map(|a| a.0))
                .bind(p.scope.priority.map(Priority::rank))
                .bind(p.calendar.0)
                .bind(i64::from(p.targets.take_in_charge_minutes))
                .bind(i64::from(p.targets.resolve_minutes))
                .bind(i16::from(p.targets.warn_percent))
                .bind(p.on_breach.raise_priority)
                .bind(p.on_breach.next_level)
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            policy_from_row(&row)
        })
    }

    /// Replaces a policy's settings (its code stays); `NotFound` when there is none.
    pub async fn update_policy(
        &mut self,
        id: SlaPolicyId,
        p: &NewPolicy,
        now: DateTime<Utc>,
    ) -> Result<StoredPolicy, StoreError> {
        let sql = format!(
            "UPDATE sla_policy SET name = $1, desk_id = $2, application_id = $3, priority = $4,
                calendar_id = $5, take_in_charge_minutes = $6, resolve_minutes = $7,
                warn_percent = $8, breach_raise_priority = $9, breach_next_level = $10,
                updated_at = $11
             WHERE id = $12 RETURNING {POLICY_COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&p.name)
                .bind(p.scope.desk.0)
                .bind(p.scope.application.map(|a| a.0))
                .bind(p.scope.priority.map(Priority::rank))
                .bind(p.calendar.0)
                .bind(i64::from(p.targets.take_in_charge_minutes))
                .bind(i64::from(p.targets.resolve_minutes))
                .bind(i16::from(p.targets.warn_percent))
                .bind(p.on_breach.raise_priority)
                .bind(p.on_breach.next_level)
                .bind(ts(now))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            policy_from_row(&row)
        })
    }

    /// Sets a desk's automation settings (an upsert).
    pub async fn set_desk_automation(
        &mut self,
        a: &DeskAutomation,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO desk_automation (desk_id, rule_mode, auto_close_days, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (desk_id) DO UPDATE SET rule_mode = excluded.rule_mode,
                    auto_close_days = excluded.auto_close_days, updated_at = excluded.updated_at",
            )
            .bind(a.desk.0)
            .bind(a.rule_mode.as_str())
            .bind(a.auto_close_days)
            .bind(ts(now))
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn policy(&mut self, id: SlaPolicyId) -> Result<StoredPolicy, StoreError> {
        let sql = format!("SELECT {POLICY_COLUMNS} FROM sla_policy WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            policy_from_row(&row)
        })
    }

    /// The policies of one desk, or of every desk, in creation order (the order
    /// `select_policy` breaks ties by).
    pub async fn list_policies(
        &mut self,
        desk: Option<DeskId>,
    ) -> Result<Vec<StoredPolicy>, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLUMNS} FROM sla_policy WHERE ($1 IS NULL OR desk_id = $1) ORDER BY id"
        );
        on!(self, |c| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(desk.map(|d| d.0))
                .fetch_all(c)
                .await?;
            rows.iter().map(policy_from_row).collect()
        })
    }

    /// A desk's automation settings: the defaults (first match, no auto-close) when never set.
    pub async fn desk_automation(&mut self, desk: DeskId) -> Result<DeskAutomation, StoreError> {
        let row: Option<(String, Option<i32>)> = on!(self, |c| {
            sqlx::query_as(
                "SELECT rule_mode, auto_close_days FROM desk_automation WHERE desk_id = $1",
            )
            .bind(desk.0)
            .fetch_optional(c)
            .await?
        });
        let (mode, auto_close_days) = match row {
            Some((mode, days)) => (
                Mode::parse(&mode).map_err(|_| corrupt("desk_automation.rule_mode", mode))?,
                days,
            ),
            None => (Mode::FirstMatch, None),
        };
        Ok(DeskAutomation {
            desk,
            rule_mode: mode,
            auto_close_days,
        })
    }

    /// Desks that close resolved tickets automatically, with their delay in days.
    pub async fn auto_closing_desks(&mut self) -> Result<Vec<(DeskId, i32)>, StoreError> {
        let rows: Vec<(i64, i32)> = on!(self, |c| {
            sqlx::query_as(
                "SELECT desk_id, auto_close_days FROM desk_automation
                 WHERE auto_close_days IS NOT NULL ORDER BY desk_id",
            )
            .fetch_all(c)
            .await?
        });
        Ok(rows.into_iter().map(|(d, n)| (DeskId(d), n)).collect())
    }
}
