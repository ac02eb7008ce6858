//! Agents' absences and their delegates. Whether one is in force is asked with a `now` each time
//! (`starts_at <= now < ends_at`); nothing here runs on a schedule, and the rules (who may declare,
//! who may be a delegate, no overlaps) are the app's and core's.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;

/// One declared absence `[starts_at, ends_at)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    pub id: i64,
    pub person: PersonId,
    pub delegate: PersonId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Who declared it: the agent, or an administrator for them.
    pub created_by: Option<PersonId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAbsence {
    pub person: PersonId,
    pub delegate: PersonId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: Option<PersonId>,
}

const COLUMNS: &str = "id, person_id, delegate_id, starts_at, ends_at, created_by_id, created_at";

fn from_row(r: &impl Get) -> Result<Absence, StoreError> {
    Ok(Absence {
        id: r.i64("id")?,
        person: PersonId(r.i64("person_id")?),
        delegate: PersonId(r.i64("delegate_id")?),
        starts_at: r.ts("starts_at")?,
        ends_at: r.ts("ends_at")?,
        created_by: r.opt_i64("created_by_id")?.map(PersonId),
        created_at: r.ts("created_at")?,
    })
}

impl Tx {
    /// Locks the person's row so that two declarations for them are checked one after the other
    /// (PostgreSQL; SQLite's single writer already serialises them).
    pub async fn lock_person(&mut self, person: PersonId) -> Result<(), StoreError> {
        let sql = format!("SELECT id FROM person WHERE id = $1{}", self.for_update());
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .fetch_one(c)
                .await?;
        });
        Ok(())
    }

    pub async fn insert_absence(
        &mut self,
        a: &NewAbsence,
        now: DateTime<Utc>,
    ) -> Result<Absence, StoreError> {
        let sql = format!(
            "INSERT INTO absence (person_id, delegate_id, starts_at, ends_at, created_by_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(a.person.0)
                .bind(a.delegate.0)
                .bind(ts(a.starts_at))
                .bind(ts(a.ends_at))
                .bind(a.created_by.map(|p| p.0))
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Moves an absence's end (shortening it, or ending it now).
    pub async fn set_absence_end(
        &mut self,
        id: i64,
        ends_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("UPDATE absence SET ends_at = $1 WHERE id = $2")
                .bind(ts(ends_at))
                .bind(id)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    /// Removes an absence that has not started (the audit log keeps that it was declared).
    pub async fn delete_absence(&mut self, id: i64) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("DELETE FROM absence WHERE id = $1")
                .bind(id)
                .execute(c)
                .await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn absence(&mut self, id: i64) -> Result<Absence, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM absence WHERE id = $1{}",
            self.for_update()
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// A person's absences that are not over at `now` (in force or to come), soonest first.
    pub async fn absences_of(
        &mut self,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Absence>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM absence WHERE person_id = $1 AND ends_at > $2
             ORDER BY starts_at, id"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(ts(now))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// The person's absences that overlap `[start, end)`, but `except` (the one being changed).
    pub async fn overlapping_absences(
        &mut self,
        person: PersonId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        except: Option<i64>,
    ) -> Result<Vec<Absence>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM absence WHERE person_id = $1 AND ends_at > $2 AND starts_at < $3
             AND id <> $4 ORDER BY starts_at, id"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(ts(start))
                .bind(ts(end))
                .bind(except.unwrap_or(0))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// The person's absence in force at `now`, if they are away.
    pub async fn absence_in_force(
        &mut self,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Option<Absence>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM absence WHERE person_id = $1 AND ends_at > $2 AND starts_at <= $2
             ORDER BY starts_at LIMIT 1"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(ts(now))
                .fetch_optional(c)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()
        })
    }

    /// The absences in force at `now` whose delegate is `delegate`: whom they stand in for.
    pub async fn delegations_to(
        &mut self,
        delegate: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Absence>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM absence WHERE delegate_id = $1 AND ends_at > $2 AND starts_at <= $2
             ORDER BY person_id"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(delegate.0)
                .bind(ts(now))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}
