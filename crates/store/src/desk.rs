//! Desks, their groups (queues) and the agents who are members of them.

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
    })
}

const GROUP_COLUMNS: &str = "id, desk_id, code, name, level, expertise";

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
