//! Desks, their groups (queues) and the agents who are members of them.
//!
//! A desk's code and a group's code, level and expertise never change once created (rules,
//! configuration and tickets refer to them); names, a group's description and whether it is
//! active do.

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::desk::{Expertise, GroupFacts, Level};
use guichet_core::{DeskId, GroupId, OrgNodeId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    pub id: DeskId,
    pub code: String,
    pub name: String,
    /// The zone the desk serves, if it serves one (a DSDEN serves its département).
    pub node: Option<OrgNodeId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub desk: DeskId,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub expertise: Expertise,
    /// What the group handles, in a sentence; may be empty.
    pub description: String,
    /// An inactive group is offered nowhere as a target; its members still read its queue.
    pub active: bool,
}

/// A group's editable fields, already checked.
#[derive(Debug, Clone)]
pub struct GroupChange {
    pub name: String,
    pub description: String,
    pub active: bool,
}

impl Group {
    pub fn facts(&self) -> GroupFacts {
        GroupFacts {
            id: self.id,
            desk: self.desk,
            level: self.level,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub desk: DeskId,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub expertise: Expertise,
}

fn desk_from_row(r: &impl Get) -> Result<Desk, StoreError> {
    Ok(Desk {
        id: DeskId(r.i64("id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        node: r.opt_i64("node_id")?.map(OrgNodeId),
    })
}

fn group_from_row(r: &impl Get) -> Result<Group, StoreError> {
    let level = r.i16("level")?;
    Ok(Group {
        id: GroupId(r.i64("id")?),
        desk: DeskId(r.i64("desk_id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        level: Level::from_i16(level).map_err(|_| StoreError::Corrupt {
            column: "agent_group.level",
            value: level.to_string(),
        })?,
        expertise: parse(
            "agent_group.expertise",
            r.text("expertise")?,
            Expertise::parse,
        )?,
        description: r.text("description")?,
        active: r.bool("active")?,
    })
}

const GROUP_COLUMNS: &str = "id, desk_id, code, name, level, expertise, description, active";

impl Tx {
    pub async fn insert_desk(
        &mut self,
        code: &str,
        name: &str,
        node: Option<OrgNodeId>,
        now: DateTime<Utc>,
    ) -> Result<Desk, StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "INSERT INTO desk (code, name, node_id, created_at) VALUES ($1, $2, $3, $4)
                 RETURNING id, code, name, node_id",
            )
            .bind(code)
            .bind(name)
            .bind(node.map(|n| n.0))
            .bind(ts(now))
            .fetch_one(c)
            .await?;
            desk_from_row(&row)
        })
    }

    pub async fn insert_group(
        &mut self,
        g: &NewGroup,
        now: DateTime<Utc>,
    ) -> Result<Group, StoreError> {
        let sql = format!(
            "INSERT INTO agent_group (desk_id, code, name, level, expertise, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {GROUP_COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(g.desk.0)
                .bind(&g.code)
                .bind(&g.name)
                .bind(g.level.as_i16())
                .bind(g.expertise.as_str())
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            group_from_row(&row)
        })
    }

    /// Makes a person an agent of a group; adding an existing member changes nothing.
    pub async fn add_member(&mut self, group: GroupId, person: PersonId) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO group_member (group_id, person_id) VALUES ($1, $2)
                 ON CONFLICT (group_id, person_id) DO NOTHING",
            )
            .bind(group.0)
            .bind(person.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn list_desks(&mut self) -> Result<Vec<Desk>, StoreError> {
        on!(self, |c| {
            sqlx::query("SELECT id, code, name, node_id FROM desk ORDER BY code")
                .fetch_all(c)
                .await?
                .iter()
                .map(desk_from_row)
                .collect()
        })
    }

    pub async fn desk(&mut self, id: DeskId) -> Result<Desk, StoreError> {
        on!(self, |c| {
            let row = sqlx::query("SELECT id, code, name, node_id FROM desk WHERE id = $1")
                .bind(id.0)
                .fetch_one(c)
                .await?;
            desk_from_row(&row)
        })
    }

    pub async fn list_groups(&mut self, desk: Option<DeskId>) -> Result<Vec<Group>, StoreError> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM agent_group WHERE ($1 IS NULL OR desk_id = $1) ORDER BY desk_id, level, code"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(desk.map(|d| d.0))
                .fetch_all(c)
                .await?
                .iter()
                .map(group_from_row)
                .collect()
        })
    }

    pub async fn group(&mut self, id: GroupId) -> Result<Group, StoreError> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM agent_group WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            group_from_row(&row)
        })
    }

    pub async fn group_by_code(&mut self, code: &str) -> Result<Group, StoreError> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM agent_group WHERE code = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(code)
                .fetch_one(c)
                .await?;
            group_from_row(&row)
        })
    }

    pub async fn is_member(
        &mut self,
        group: GroupId,
        person: PersonId,
    ) -> Result<bool, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM group_member WHERE group_id = $1 AND person_id = $2",
            )
            .bind(group.0)
            .bind(person.0)
            .fetch_one(c)
            .await?
                > 0)
        })
    }

    /// The group's managers (members told of its SLA breaches).
    pub async fn group_managers(&mut self, group: GroupId) -> Result<Vec<PersonId>, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT person_id FROM group_member WHERE group_id = $1 AND manager ORDER BY person_id",
            )
            .bind(group.0)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(PersonId)
            .collect())
        })
    }

    pub async fn group_members(&mut self, group: GroupId) -> Result<Vec<PersonId>, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT person_id FROM group_member WHERE group_id = $1 ORDER BY person_id",
            )
            .bind(group.0)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(PersonId)
            .collect())
        })
    }
}

/// Administration of desks and groups: renaming, describing, deactivating.
impl Tx {
    /// Renames a desk and sets the zone it serves.
    pub async fn update_desk(
        &mut self,
        id: DeskId,
        name: &str,
        node: Option<OrgNodeId>,
    ) -> Result<Desk, StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "UPDATE desk SET name = $1, node_id = $2 WHERE id = $3
                 RETURNING id, code, name, node_id",
            )
            .bind(name)
            .bind(node.map(|n| n.0))
            .bind(id.0)
            .fetch_one(c)
            .await?;
            desk_from_row(&row)
        })
    }

    pub async fn update_group(
        &mut self,
        id: GroupId,
        g: &GroupChange,
    ) -> Result<Group, StoreError> {
        let sql = format!(
            "UPDATE agent_group SET name = $1, description = $2, active = $3 WHERE id = $4
             RETURNING {GROUP_COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&g.name)
                .bind(&g.description)
                .bind(g.active)
                .bind(id.0)
                .fetch_one(c)
                .await?;
            group_from_row(&row)
        })
    }
}

/// What renaming and deactivating must check first.
impl Conn {
    /// Another desk with this name (compared without regard to case), if any.
    pub async fn desk_named(
        &mut self,
        name: &str,
        except: Option<DeskId>,
    ) -> Result<Option<DeskId>, StoreError> {
        let desks = self.list_desks().await?;
        Ok(same_name(
            desks.iter().map(|d| (d.id, d.name.as_str())),
            name,
            except,
        ))
    }

    /// Another group of the same desk with this name (compared without regard to case), if any.
    pub async fn group_named(
        &mut self,
        desk: DeskId,
        name: &str,
        except: Option<GroupId>,
    ) -> Result<Option<GroupId>, StoreError> {
        let groups = self.list_groups(Some(desk)).await?;
        Ok(same_name(
            groups.iter().map(|g| (g.id, g.name.as_str())),
            name,
            except,
        ))
    }

    /// How many tickets still to be worked sit in the group's queue (the queue index counts them).
    pub async fn open_tickets_in_group(&mut self, group: GroupId) -> Result<i64, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM ticket WHERE group_id = $1 AND is_open = TRUE",
            )
            .bind(group.0)
            .fetch_one(c)
            .await?)
        })
    }
}

/// The first of `named` whose name is `name` without regard to case, other than `except`.
/// Compared here rather than in SQL: SQLite's `LOWER` folds ASCII letters only (`Saône`), and
/// desks and groups are a few dozen rows.
fn same_name<'a, Id: PartialEq + Copy>(
    named: impl Iterator<Item = (Id, &'a str)>,
    name: &str,
    except: Option<Id>,
) -> Option<Id> {
    let wanted = name.to_lowercase();
    named
        .filter(|(id, _)| Some(*id) != except)
        .find(|(_, n)| n.to_lowercase() == wanted)
        .map(|(id, _)| id)
}

/// Administration of memberships: taking an agent out of a group, naming its managers.
impl Tx {
    /// Makes a member a manager of the group or not; `false` when they are not a member.
    pub async fn set_manager(
        &mut self,
        group: GroupId,
        person: PersonId,
        manager: bool,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE group_member SET manager = $3 WHERE group_id = $1 AND person_id = $2",
            )
            .bind(group.0)
            .bind(person.0)
            .bind(manager)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Takes a person out of a group; `false` when they were not a member.
    pub async fn remove_member(
        &mut self,
        group: GroupId,
        person: PersonId,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query("DELETE FROM group_member WHERE group_id = $1 AND person_id = $2")
                .bind(group.0)
                .bind(person.0)
                .execute(c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }
}
