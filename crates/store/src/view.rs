//! Saved views: a named set of list filters an agent keeps. The filters are stored as the JSON
//! the app validated; this module neither reads nor checks them.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;

#[derive(Debug, Clone, PartialEq)]
pub struct SavedView {
    pub id: i64,
    pub person: PersonId,
    pub name: String,
    pub filters: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, person_id, name, filters, created_at, updated_at";

fn from_row(r: &impl Get) -> Result<SavedView, StoreError> {
    let raw = r.text("filters")?;
    Ok(SavedView {
        id: r.i64("id")?,
        person: PersonId(r.i64("person_id")?),
        name: r.text("name")?,
        filters: serde_json::from_str(&raw).map_err(|_| StoreError::Corrupt {
            column: "saved_view.filters",
            value: raw,
        })?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

impl Tx {
    /// A new view; a name the person already uses is a conflict on `saved_view.name`.
    pub async fn insert_view(
        &mut self,
        person: PersonId,
        name: &str,
        filters: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<SavedView, StoreError> {
        let sql = format!(
            "INSERT INTO saved_view (person_id, name, filters, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(name)
                .bind(filters.to_string())
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Replaces a view's name and filters; `false` when the person has no such view.
    pub async fn update_view(
        &mut self,
        person: PersonId,
        id: i64,
        name: &str,
        filters: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on!(self, |c| {
            let done = sqlx::query(
                "UPDATE saved_view SET name = $1, filters = $2, updated_at = $3
                 WHERE id = $4 AND person_id = $5",
            )
            .bind(name)
            .bind(filters.to_string())
            .bind(ts(now))
            .bind(id)
            .bind(person.0)
            .execute(c)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Deletes one of the person's views; `false` when they have no such view.
    pub async fn delete_view(&mut self, person: PersonId, id: i64) -> Result<bool, StoreError> {
        on!(self, |c| {
            let done = sqlx::query("DELETE FROM saved_view WHERE id = $1 AND person_id = $2")
                .bind(id)
                .bind(person.0)
                .execute(c)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}

impl Conn {
    /// The person's views in name order.
    pub async fn views_of(&mut self, person: PersonId) -> Result<Vec<SavedView>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM saved_view WHERE person_id = $1 ORDER BY name, id");
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// One of the person's views: another person's is not found.
    pub async fn view_of(&mut self, person: PersonId, id: i64) -> Result<SavedView, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM saved_view WHERE id = $1 AND person_id = $2");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(person.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }
}
