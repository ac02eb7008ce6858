//! Business-hours calendars of SLA targets: the core's [`Calendar`] kept as JSON, with its code,
//! name, time zone and territory as columns for listing.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::CalendarId;
use guichet_core::calendar::Calendar;

/// A stored calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCalendar {
    pub id: CalendarId,
    pub code: String,
    pub name: String,
    pub calendar: Calendar,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, code, name, definition, updated_at";

fn from_row(r: &impl Get) -> Result<StoredCalendar, StoreError> {
    let definition = r.text("definition")?;
    let calendar = serde_json::from_str(&definition).map_err(|_| StoreError::Corrupt {
        column: "sla_calendar.definition",
        value: definition.clone(),
    })?;
    Ok(StoredCalendar {
        id: CalendarId(r.i64("id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        calendar,
        updated_at: r.ts("updated_at")?,
    })
}

fn definition(calendar: &Calendar) -> Result<String, StoreError> {
    serde_json::to_string(calendar).map_err(|e| StoreError::Other(e.to_string()))
}

impl Tx {
    pub async fn insert_calendar(
        &mut self,
        code: &str,
        name: &str,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Result<StoredCalendar, StoreError> {
        let sql = format!(
            "INSERT INTO sla_calendar (code, name, time_zone, territory, definition, created_at,
                updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {COLUMNS}"
        );
        let def = definition(calendar)?;
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(code)
                .bind(name)
                .bind(calendar.time_zone().name())
                .bind(calendar.territory().as_str())
                .bind(&def)
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Replaces a calendar's name and definition; `NotFound` when there is no such calendar.
    pub async fn update_calendar(
        &mut self,
        id: CalendarId,
        name: &str,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Result<StoredCalendar, StoreError> {
        let sql = format!(
            "UPDATE sla_calendar SET name = $1, time_zone = $2, territory = $3, definition = $4,
                updated_at = $5 WHERE id = $6 RETURNING {COLUMNS}"
        );
        let def = definition(calendar)?;
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(name)
                .bind(calendar.time_zone().name())
                .bind(calendar.territory().as_str())
                .bind(&def)
                .bind(ts(now))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }
}

impl Conn {
    pub async fn calendar(&mut self, id: CalendarId) -> Result<StoredCalendar, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sla_calendar WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Every calendar, by code.
    pub async fn list_calendars(&mut self) -> Result<Vec<StoredCalendar>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM sla_calendar ORDER BY code");
        on!(self, |c| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?;
            rows.iter().map(from_row).collect()
        })
    }
}
