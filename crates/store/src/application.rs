//! Applications and services a request is about, with their email keywords and default group.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::{ApplicationId, GroupId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: ApplicationId,
    pub code: String,
    pub name: String,
    pub description: String,
    /// Upper-case words that identify the application in an email subject.
    pub keywords: Vec<String>,
    pub default_group: Option<GroupId>,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub code: String,
    pub name: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub default_group: Option<GroupId>,
}

const COLUMNS: &str = "id, code, name, description, keywords, default_group_id, active";

fn from_row(r: &impl Get) -> Result<Application, StoreError> {
    let keywords = r.text("keywords")?;
    Ok(Application {
        id: ApplicationId(r.i64("id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        description: r.text("description")?,
        keywords: serde_json::from_str(&keywords).map_err(|_| StoreError::Corrupt {
            column: "application.keywords",
            value: keywords,
        })?,
        default_group: r.opt_i64("default_group_id")?.map(GroupId),
        active: r.bool("active")?,
    })
}

impl Tx {
    pub async fn insert_application(
        &mut self,
        a: &NewApplication,
        now: DateTime<Utc>,
    ) -> Result<Application, StoreError> {
        let keywords =
            serde_json::to_string(&a.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
        let sql = format!(
            "INSERT INTO application (code, name, description, keywords, default_group_id, active, created_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&a.code)
                .bind(&a.name)
                .bind(&a.description)
                .bind(&keywords)
                .bind(a.default_group.map(|g| g.0))
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }
}

impl Conn {
    pub async fn list_applications(&mut self) -> Result<Vec<Application>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM application ORDER BY code");
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    pub async fn application(&mut self, id: ApplicationId) -> Result<Application, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM application WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    pub async fn application_by_code(&mut self, code: &str) -> Result<Application, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM application WHERE code = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(code.trim().to_uppercase())
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }
}

/// What an administrator may change of an application; its code stays, since routing rules
/// and tickets refer to it.
#[derive(Debug, Clone)]
pub struct ApplicationChange {
    pub name: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub default_group: Option<GroupId>,
    pub active: bool,
}

impl Tx {
    /// Rewrites an application's editable fields.
    pub async fn update_application(
        &mut self,
        id: ApplicationId,
        a: &ApplicationChange,
    ) -> Result<Application, StoreError> {
        let keywords =
            serde_json::to_string(&a.keywords).map_err(|e| StoreError::Other(e.to_string()))?;
        let sql = format!(
            "UPDATE application SET name = $1, description = $2, keywords = $3,
                    default_group_id = $4, active = $5
             WHERE id = $6 RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&a.name)
                .bind(&a.description)
                .bind(&keywords)
                .bind(a.default_group.map(|g| g.0))
                .bind(a.active)
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }
}
