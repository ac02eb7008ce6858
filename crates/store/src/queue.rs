//! Queue counts for the agent's workspace, each one index range and capped: counting stops at
//! `cap + 1` rows, so a queue of 300,000 open tickets costs what one of 1,001 does, and the page
//! shows "1,000+". Which queues a person has is the app's question.

use crate::conn::{Get, on};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError};
use guichet_core::{GroupId, OrgNodeId, PersonId};

/// The shape of a queue, as an indexed predicate on open tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueCount {
    /// A group's open tickets: `ticket_group_queue`.
    GroupOpen(GroupId),
    /// A group's open tickets nobody is assigned to: `ticket_group_unassigned`.
    GroupNew(GroupId),
    /// Open tickets assigned to these people (the agent and those they stand in for):
    /// `ticket_assignee`.
    Assigned(Vec<PersonId>),
    /// Open tickets of a département in these groups: `ticket_departement_open`.
    Zone {
        departement: OrgNodeId,
        groups: Vec<GroupId>,
    },
}

/// A capped count: `value` is exact when `capped` is false, else "more than `cap`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub value: i64,
    pub capped: bool,
}

fn predicate(sql: &mut Sql, q: &QueueCount) {
    // `is_open = TRUE` is written out (not bound) so each engine sees the index's leading
    // equality columns.
    match q {
        QueueCount::GroupOpen(g) => {
            sql.push("group_id = ")
                .arg(Arg::I64(g.0))
                .push(" AND is_open = TRUE");
        }
        QueueCount::GroupNew(g) => {
            sql.push("group_id = ")
                .arg(Arg::I64(g.0))
                .push(" AND is_open = TRUE AND assignee_id IS NULL");
        }
        QueueCount::Assigned(people) => {
            sql.push("assignee_id IN ")
                .list(people.iter().map(|p| Arg::I64(p.0)))
                .push(" AND is_open = TRUE");
        }
        QueueCount::Zone {
            departement,
            groups,
        } => {
            sql.push("departement_id = ")
                .arg(Arg::I64(departement.0))
                .push(" AND is_open = TRUE AND group_id IN ")
                .list(groups.iter().map(|g| Arg::I64(g.0)));
        }
    }
}

fn count_statement(q: &QueueCount, cap: i64) -> Sql {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 FROM ticket WHERE ");
    predicate(&mut sql, q);
    sql.push(" LIMIT ").arg(Arg::I64(cap + 1)).push(") q");
    sql
}

impl Conn {
    /// Counts the open tickets of a queue, stopping after `cap`.
    pub async fn count_queue(&mut self, q: &QueueCount, cap: i64) -> Result<Count, StoreError> {
        let empty = match q {
            QueueCount::Assigned(p) => p.is_empty(),
            QueueCount::Zone { groups, .. } => groups.is_empty(),
            _ => false,
        };
        if empty {
            return Ok(Count {
                value: 0,
                capped: false,
            });
        }
        let sql = count_statement(q, cap);
        let n: i64 = on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_one(c).await?.i64("n")?
        });
        Ok(Count {
            value: n.min(cap),
            capped: n > cap,
        })
    }

    /// The départements where the person's desks sit (a DSDEN's desk hangs on its département):
    /// their "my zone" queues. Id and name, in name order.
    pub async fn desk_departements(
        &mut self,
        person: PersonId,
    ) -> Result<Vec<(OrgNodeId, String)>, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT DISTINCT n.id, n.name FROM group_member m
                 JOIN agent_group g ON g.id = m.group_id
                 JOIN desk d ON d.id = g.desk_id
                 JOIN org_node n ON n.id = d.node_id
                 WHERE m.person_id = $1 AND n.kind = 'departement' ORDER BY n.name, n.id",
            )
            .bind(person.0)
            .fetch_all(c)
            .await?
            .iter()
            .map(|r| Ok((OrgNodeId(r.i64("id")?), r.text("name")?)))
            .collect()
        })
    }
}
