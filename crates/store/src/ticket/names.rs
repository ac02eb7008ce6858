//! The names a list of tickets shows beside each row (requester, establishment and its UAI, group,
//! assigned agent), read for a whole page in one query rather than one per row.

use crate::conn::{Get, on};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError};
use guichet_core::TicketId;
use std::collections::HashMap;

/// What a list row names, besides the ticket itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowNames {
    pub requester: String,
    pub establishment: Option<String>,
    pub uai: Option<String>,
    pub group: Option<String>,
    pub agent: Option<String>,
}

impl Conn {
    /// The names of each ticket's row, by ticket id; one query whatever the number of tickets.
    pub async fn row_names(
        &mut self,
        tickets: &[TicketId],
    ) -> Result<HashMap<TicketId, RowNames>, StoreError> {
        if tickets.is_empty() {
            return Ok(HashMap::new());
        }
        let mut sql = Sql::new(
            "SELECT t.id, r.display_name AS requester, o.name AS establishment, o.uai AS uai,
                    g.name AS group_name, a.display_name AS agent
             FROM ticket t
             JOIN person r ON r.id = t.requester_id
             LEFT JOIN org_node o ON o.id = t.establishment_id
             LEFT JOIN agent_group g ON g.id = t.group_id
             LEFT JOIN person a ON a.id = t.assignee_id
             WHERE t.id IN ",
        );
        sql.list(tickets.iter().map(|t| Arg::I64(t.0)));
        on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        TicketId(r.i64("id")?),
                        RowNames {
                            requester: r.text("requester")?,
                            establishment: r.opt_text("establishment")?,
                            uai: r.opt_text("uai")?,
                            group: r.opt_text("group_name")?,
                            agent: r.opt_text("agent")?,
                        },
                    ))
                })
                .collect()
        })
    }
}
