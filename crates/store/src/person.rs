//! People, their roles at nodes, and what the permission rules need to know of them.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::desk::{GroupFacts, Level};
use guichet_core::org::{OrgKind, OrgPath, Zone};
use guichet_core::permission::{RoleAt, Subject};
use guichet_core::person::{Locale, RoleKind};
use guichet_core::{DeskId, GroupId, OrgNodeId, PersonId};

/// A person as pages and the API show them. The password hash is never part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    /// The directory's identifier, when the person comes from the directory.
    pub uid: Option<String>,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub uid: Option<String>,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
}

/// A role with the node it is held at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRole {
    pub kind: RoleKind,
    pub node: OrgNodeId,
    pub node_name: String,
    pub node_kind: OrgKind,
    pub node_path: OrgPath,
}

const COLUMNS: &str = "id, uid, email, display_name, locale, active, created_at, updated_at";

pub(crate) fn from_row(r: &impl Get) -> Result<Person, StoreError> {
    Ok(Person {
        id: PersonId(r.i64("id")?),
        uid: r.opt_text("uid")?,
        email: r.text("email")?,
        display_name: r.text("display_name")?,
        locale: parse("person.locale", r.text("locale")?, Locale::parse)?,
        active: r.bool("active")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

impl Tx {
    pub async fn insert_person(
        &mut self,
        p: &NewPerson,
        now: DateTime<Utc>,
    ) -> Result<Person, StoreError> {
        let sql = format!(
            "INSERT INTO person (uid, email, display_name, locale, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&p.uid)
                .bind(&p.email)
                .bind(&p.display_name)
                .bind(p.locale.as_str())
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    pub async fn set_password_hash(
        &mut self,
        person: PersonId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("UPDATE person SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(ts(now))
                .bind(person.0)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    /// Grants a role; granting one the person already holds changes nothing.
    pub async fn add_role(
        &mut self,
        person: PersonId,
        kind: RoleKind,
        node: OrgNodeId,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO person_role (person_id, kind, node_id) VALUES ($1, $2, $3)
                 ON CONFLICT (person_id, kind, node_id) DO NOTHING",
            )
            .bind(person.0)
            .bind(kind.as_str())
            .bind(node.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn person(&mut self, id: PersonId) -> Result<Person, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM person WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// By email, case-insensitively (emails are stored lower-cased).
    pub async fn person_by_email(&mut self, email: &str) -> Result<Person, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM person WHERE email = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(email.trim().to_lowercase())
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// The stored password hash, if the person has a local password.
    pub async fn password_hash(&mut self, person: PersonId) -> Result<Option<String>, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, Option<String>>(
                "SELECT password_hash FROM person WHERE id = $1",
            )
            .bind(person.0)
            .fetch_one(c)
            .await?)
        })
    }

    /// People whose name or email contains `q`, in name order, keyset-paginated on (name, id).
    pub async fn list_persons(
        &mut self,
        q: Option<&str>,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<Person>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM person WHERE 1 = 1"));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            let needle = q.to_lowercase().replace(['%', '_'], "");
            sql.push(" AND (")
                .contains_ignoring_case(self.is_sqlite(), "display_name", &needle)
                .push(" OR email LIKE ")
                .arg(Arg::Text(format!("%{needle}%")))
                .push(")");
        }
        if let Some((name, id)) = after {
            sql.push(" AND (display_name, id) > (")
                .arg(Arg::Text(name))
                .push(", ")
                .arg(Arg::I64(id))
                .push(")");
        }
        sql.push(" ORDER BY display_name, id LIMIT ")
            .arg(Arg::I64(limit));
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c).await?.iter().map(from_row).collect()
        })
    }

    /// People holding any role at `node` (an establishment's staff, for phone intake by UAI), in
    /// name order, keyset-paginated on (name, id).
    pub async fn persons_at(
        &mut self,
        node: OrgNodeId,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<Person>, StoreError> {
        let cols = COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = Sql::new(&format!(
            "SELECT {cols} FROM person p WHERE p.id IN \
             (SELECT r.person_id FROM person_role r WHERE r.node_id = "
        ));
        sql.arg(Arg::I64(node.0)).push(")");
        if let Some((name, id)) = after {
            sql.push(" AND (p.display_name, p.id) > (")
                .arg(Arg::Text(name))
                .push(", ")
                .arg(Arg::I64(id))
                .push(")");
        }
        sql.push(" ORDER BY p.display_name, p.id LIMIT ")
            .arg(Arg::I64(limit));
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c).await?.iter().map(from_row).collect()
        })
    }

    pub async fn roles_of(&mut self, person: PersonId) -> Result<Vec<PersonRole>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT r.kind, r.node_id, n.name, n.kind AS node_kind, n.path
                 FROM person_role r JOIN org_node n ON n.id = r.node_id
                 WHERE r.person_id = $1 ORDER BY n.path, r.kind",
            )
            .bind(person.0)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    let path = r.text("path")?;
                    Ok(PersonRole {
                        kind: parse("person_role.kind", r.text("kind")?, RoleKind::parse)?,
                        node: OrgNodeId(r.i64("node_id")?),
                        node_name: r.text("name")?,
                        node_kind: parse("org_node.kind", r.text("node_kind")?, OrgKind::parse)?,
                        node_path: OrgPath::from_stored(&path).ok_or(StoreError::Corrupt {
                            column: "org_node.path",
                            value: path,
                        })?,
                    })
                })
                .collect()
        })
    }

    /// The groups a person works in.
    pub async fn groups_of(&mut self, person: PersonId) -> Result<Vec<GroupFacts>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT g.id, g.desk_id, g.level FROM group_member m
                 JOIN agent_group g ON g.id = m.group_id WHERE m.person_id = $1 ORDER BY g.id",
            )
            .bind(person.0)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(GroupFacts {
                        id: GroupId(r.i64("id")?),
                        desk: DeskId(r.i64("desk_id")?),
                        level: Level::from_i16(r.i16("level")?).map_err(|_| {
                            StoreError::Corrupt {
                                column: "agent_group.level",
                                value: "?".into(),
                            }
                        })?,
                    })
                })
                .collect()
        })
    }

    /// Everything the permission rules need to know of a person, in two queries.
    pub async fn subject(&mut self, person: &Person) -> Result<Subject, StoreError> {
        let roles = self.roles_of(person.id).await?;
        self.subject_with(person, &roles).await
    }

    /// The same, for a caller whose roles ([`Self::roles_of`]) were already read: one query.
    pub async fn subject_with(
        &mut self,
        person: &Person,
        roles: &[PersonRole],
    ) -> Result<Subject, StoreError> {
        let roles = roles
            .iter()
            .cloned()
            .map(|r| RoleAt {
                kind: r.kind,
                zone: Zone {
                    node: r.node,
                    kind: r.node_kind,
                    path: r.node_path,
                },
            })
            .collect::<Vec<_>>();
        let groups = self.groups_of(person.id).await?;
        Ok(Subject::new(person.id, person.active, &roles, groups))
    }
}

/// Administration of accounts: deactivating, reactivating, revoking a role.
impl Tx {
    /// Marks a person active or not (a person who leaves is deactivated, never deleted);
    /// `false` when no such person exists.
    pub async fn set_person_active(
        &mut self,
        person: PersonId,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query("UPDATE person SET active = $1, updated_at = $2 WHERE id = $3")
                .bind(active)
                .bind(ts(now))
                .bind(person.0)
                .execute(c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Revokes a role; `false` when the person did not hold it.
    pub async fn remove_role(
        &mut self,
        person: PersonId,
        kind: RoleKind,
        node: OrgNodeId,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "DELETE FROM person_role WHERE person_id = $1 AND kind = $2 AND node_id = $3",
            )
            .bind(person.0)
            .bind(kind.as_str())
            .bind(node.0)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }
}

impl Conn {
    /// The members of a group, in name order.
    pub async fn members_of(&mut self, group: GroupId) -> Result<Vec<Person>, StoreError> {
        let cols = COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols} FROM group_member m JOIN person p ON p.id = m.person_id
             WHERE m.group_id = $1 ORDER BY p.display_name, p.id"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(group.0)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}
