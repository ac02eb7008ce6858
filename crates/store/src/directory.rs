//! What directory syncs and imports read and write: their run records, establishments by UAI,
//! people by directory uid, and the roles a sync owns (`person_role.source = 'directory'`).
//! Roles granted by hand (`manual`) are never touched here.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::org::EstablishmentType;
use guichet_core::person::RoleKind;
use guichet_core::{OrgNodeId, PersonId};

/// What a run did (or, for a dry run, would have done).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub establishments_created: i64,
    pub establishments_updated: i64,
    pub establishments_rejected: i64,
    pub persons_created: i64,
    pub persons_updated: i64,
    pub persons_deactivated: i64,
    pub persons_rejected: i64,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryRun {
    pub id: i64,
    pub source: String,
    pub dry_run: bool,
    /// `running`, `done` or `failed`.
    pub state: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: RunCounts,
    /// The first rejections, a JSON array of `{"entry", "reason"}`.
    pub rejections: String,
    pub error: Option<String>,
}

/// An establishment as a sync compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentRow {
    pub id: OrgNodeId,
    pub uai: String,
    pub name: String,
    pub establishment_type: Option<EstablishmentType>,
    pub commune: Option<String>,
}

/// A person as a sync compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPersonRow {
    pub id: PersonId,
    pub uid: Option<String>,
    pub email: String,
    pub display_name: String,
    pub active: bool,
}

const RUN_COLUMNS: &str = "id, source, dry_run, state, started_at, finished_at, \
    establishments_created, establishments_updated, establishments_rejected, persons_created, \
    persons_updated, persons_deactivated, persons_rejected, rejections, error";

fn run_from_row(r: &impl Get) -> Result<DirectoryRun, StoreError> {
    Ok(DirectoryRun {
        id: r.i64("id")?,
        source: r.text("source")?,
        dry_run: r.bool("dry_run")?,
        state: r.text("state")?,
        started_at: r.ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
        counts: RunCounts {
            establishments_created: r.i64("establishments_created")?,
            establishments_updated: r.i64("establishments_updated")?,
            establishments_rejected: r.i64("establishments_rejected")?,
            persons_created: r.i64("persons_created")?,
            persons_updated: r.i64("persons_updated")?,
            persons_deactivated: r.i64("persons_deactivated")?,
            persons_rejected: r.i64("persons_rejected")?,
        },
        rejections: r.text("rejections")?,
        error: r.opt_text("error")?,
    })
}

fn person_from_row(r: &impl Get) -> Result<DirectoryPersonRow, StoreError> {
    Ok(DirectoryPersonRow {
        id: PersonId(r.i64("id")?),
        uid: r.opt_text("uid")?,
        email: r.text("email")?,
        display_name: r.text("display_name")?,
        active: r.bool("active")?,
    })
}

impl Tx {
    /// Records the start of a run; returns its id.
    pub async fn insert_directory_run(
        &mut self,
        source: &str,
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar(
                "INSERT INTO directory_run (source, dry_run, state, started_at)
                 VALUES ($1, $2, 'running', $3) RETURNING id",
            )
            .bind(source)
            .bind(dry_run)
            .bind(ts(now))
            .fetch_one(c)
            .await?)
        })
    }

    /// Records how a run ended: `done` without `error`, `failed` with it.
    pub async fn finish_directory_run(
        &mut self,
        id: i64,
        counts: &RunCounts,
        rejections: &str,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let state = if error.is_some() { "failed" } else { "done" };
        on!(self, |c| {
            sqlx::query(
                "UPDATE directory_run SET state = $1, finished_at = $2,
                 establishments_created = $3, establishments_updated = $4,
                 establishments_rejected = $5, persons_created = $6, persons_updated = $7,
                 persons_deactivated = $8, persons_rejected = $9, rejections = $10, error = $11
                 WHERE id = $12",
            )
            .bind(state)
            .bind(ts(now))
            .bind(counts.establishments_created)
            .bind(counts.establishments_updated)
            .bind(counts.establishments_rejected)
            .bind(counts.persons_created)
            .bind(counts.persons_updated)
            .bind(counts.persons_deactivated)
            .bind(counts.persons_rejected)
            .bind(rejections)
            .bind(error)
            .bind(id)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Changes what a sync owns of an establishment: its name, type and commune.
    pub async fn update_establishment(
        &mut self,
        id: OrgNodeId,
        name: &str,
        establishment_type: Option<EstablishmentType>,
        commune: Option<&str>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "UPDATE org_node SET name = $1, establishment_type = $2, commune = $3 WHERE id = $4",
            )
            .bind(name)
            .bind(establishment_type.map(EstablishmentType::as_str))
            .bind(commune)
            .bind(id.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Writes what a sync owns of a person (uid, email, name) and makes them active.
    pub async fn update_directory_person(
        &mut self,
        id: PersonId,
        uid: &str,
        email: &str,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "UPDATE person SET uid = $1, email = $2, display_name = $3, active = TRUE,
                 updated_at = $4 WHERE id = $5",
            )
            .bind(uid)
            .bind(email)
            .bind(display_name)
            .bind(ts(now))
            .bind(id.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Replaces the roles a person holds from the directory; roles granted by hand stay (a role
    /// held both ways stays manual).
    pub async fn replace_directory_roles(
        &mut self,
        person: PersonId,
        roles: &[(RoleKind, OrgNodeId)],
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("DELETE FROM person_role WHERE person_id = $1 AND source = 'directory'")
                .bind(person.0)
                .execute(&mut *c)
                .await?;
            for (kind, node) in roles {
                sqlx::query(
                    "INSERT INTO person_role (person_id, kind, node_id, source)
                     VALUES ($1, $2, $3, 'directory')
                     ON CONFLICT (person_id, kind, node_id) DO NOTHING",
                )
                .bind(person.0)
                .bind(kind.as_str())
                .bind(node.0)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// Deactivates people (never deletes them) and drops the roles the directory gave them.
    pub async fn deactivate_directory_persons(
        &mut self,
        ids: &[PersonId],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut update = Sql::new("UPDATE person SET active = FALSE, updated_at = ");
        update
            .arg(Arg::Ts(ts(now)))
            .push(" WHERE id IN ")
            .list(ids.iter().map(|i| Arg::I64(i.0)));
        let mut roles =
            Sql::new("DELETE FROM person_role WHERE source = 'directory' AND person_id IN ");
        roles.list(ids.iter().map(|i| Arg::I64(i.0)));
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(update.text)), update.args);
            q.execute(&mut *c).await?;
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(roles.text)), roles.args);
            q.execute(&mut *c).await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn directory_run(&mut self, id: i64) -> Result<DirectoryRun, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM directory_run WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_one(c)
                .await?;
            run_from_row(&row)
        })
    }

    /// The latest runs, newest first.
    pub async fn list_directory_runs(
        &mut self,
        limit: i64,
    ) -> Result<Vec<DirectoryRun>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM directory_run ORDER BY id DESC LIMIT $1");
        on!(self, |c| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .fetch_all(c)
                .await?;
            rows.iter().map(run_from_row).collect()
        })
    }

    /// Every establishment with a UAI (an académie has a few thousand; the nation 60,000), for a
    /// sync to compare against without one query per entry.
    pub async fn establishments(&mut self) -> Result<Vec<EstablishmentRow>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT id, uai, name, establishment_type, commune FROM org_node
                 WHERE uai IS NOT NULL ORDER BY id",
            )
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(EstablishmentRow {
                        id: OrgNodeId(r.i64("id")?),
                        uai: r.text("uai")?,
                        name: r.text("name")?,
                        establishment_type: r
                            .opt_text("establishment_type")?
                            .map(|t| {
                                parse("org_node.establishment_type", t, EstablishmentType::parse)
                            })
                            .transpose()?,
                        commune: r.opt_text("commune")?,
                    })
                })
                .collect()
        })
    }

    /// The people with these directory uids or these emails (a batch of a sync).
    pub async fn persons_by_uid_or_email(
        &mut self,
        uids: &[&str],
        emails: &[&str],
    ) -> Result<Vec<DirectoryPersonRow>, StoreError> {
        if uids.is_empty() && emails.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            Sql::new("SELECT id, uid, email, display_name, active FROM person WHERE uid IN ");
        sql.list(
            uids.iter()
                .map(|u| Arg::Text((*u).to_owned()))
                .chain(uids.is_empty().then(|| Arg::Text(String::new()))),
        )
        .push(" OR email IN ")
        .list(
            emails
                .iter()
                .map(|e| Arg::Text((*e).to_owned()))
                .chain(emails.is_empty().then(|| Arg::Text(String::new()))),
        );
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c).await?.iter().map(person_from_row).collect()
        })
    }

    /// The roles these people hold from the directory.
    pub async fn directory_roles(
        &mut self,
        persons: &[PersonId],
    ) -> Result<Vec<(PersonId, RoleKind, OrgNodeId)>, StoreError> {
        if persons.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT person_id, kind, node_id FROM person_role
             WHERE source = 'directory' AND person_id IN ",
        );
        sql.list(persons.iter().map(|p| Arg::I64(p.0)))
            .push(" ORDER BY person_id, kind, node_id");
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        PersonId(r.i64("person_id")?),
                        parse("person_role.kind", r.text("kind")?, RoleKind::parse)?,
                        OrgNodeId(r.i64("node_id")?),
                    ))
                })
                .collect()
        })
    }

    /// Active people from the directory (with a uid), in id order after `after`: the sync walks
    /// them to find who left.
    pub async fn active_directory_persons(
        &mut self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(PersonId, String)>, StoreError> {
        on!(self, |c| {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, uid FROM person WHERE uid IS NOT NULL AND active AND id > $1
                 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(c)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, uid)| (PersonId(id), uid))
                .collect())
        })
    }
}
