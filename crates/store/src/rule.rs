//! A desk's routing rules, in order: each kept as the core's JSON form of one rule, with its
//! name and enabled flag as columns. The rule set's mode is in `desk_automation`
//! ([`crate::sla::DeskAutomation`]).

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::org::OrgPath;
use guichet_core::person::RoleKind;
use guichet_core::routing::TicketFacts;
use guichet_core::ticket::{Channel, Priority, TicketRef, TicketType};
use guichet_core::{DeskId, RuleId, TicketId};
use std::collections::HashMap;

/// A stored rule; `definition` is the JSON of one rule as `guichet_core::routing` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    pub id: RuleId,
    pub desk: DeskId,
    pub position: i64,
    pub name: String,
    pub enabled: bool,
    pub definition: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, desk_id, position, name, enabled, definition, updated_at";

fn from_row(r: &impl Get) -> Result<StoredRule, StoreError> {
    let text = r.text("definition")?;
    Ok(StoredRule {
        id: RuleId(r.i64("id")?),
        desk: DeskId(r.i64("desk_id")?),
        position: r.i64("position")?,
        name: r.text("name")?,
        enabled: r.bool("enabled")?,
        definition: serde_json::from_str(&text).map_err(|_| StoreError::Corrupt {
            column: "routing_rule.definition",
            value: text.clone(),
        })?,
        updated_at: r.ts("updated_at")?,
    })
}

impl Tx {
    /// Adds a rule at the end of the desk's list.
    pub async fn insert_rule(
        &mut self,
        desk: DeskId,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<StoredRule, StoreError> {
        let sql = format!(
            "INSERT INTO routing_rule (desk_id, position, name, enabled, definition, created_at,
                updated_at)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rule
                WHERE desk_id = $1), $2, $3, $4, $5, $5)
             RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(desk.0)
                .bind(name)
                .bind(enabled)
                .bind(definition.to_string())
                .bind(ts(now))
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Replaces a rule's name, flag and definition; `NotFound` when there is none.
    pub async fn update_rule(
        &mut self,
        id: RuleId,
        name: &str,
        enabled: bool,
        definition: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<StoredRule, StoreError> {
        let sql = format!(
            "UPDATE routing_rule SET name = $1, enabled = $2, definition = $3, updated_at = $4
             WHERE id = $5 RETURNING {COLUMNS}"
        );
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(name)
                .bind(enabled)
                .bind(definition.to_string())
                .bind(ts(now))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Sets a rule's position.
    pub async fn move_rule(&mut self, id: RuleId, position: i64) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("UPDATE routing_rule SET position = $1 WHERE id = $2")
                .bind(position)
                .bind(id.0)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    pub async fn delete_rule(&mut self, id: RuleId) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query("DELETE FROM routing_rule WHERE id = $1")
                .bind(id.0)
                .execute(c)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Removes every rule of a desk (before an import replaces them).
    pub async fn delete_rules_of(&mut self, desk: DeskId) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("DELETE FROM routing_rule WHERE desk_id = $1")
                .bind(desk.0)
                .execute(c)
                .await?;
        });
        Ok(())
    }
}

impl Conn {
    pub async fn rule(&mut self, id: RuleId) -> Result<StoredRule, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM routing_rule WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// A desk's rules in order.
    pub async fn rules_of(&mut self, desk: DeskId) -> Result<Vec<StoredRule>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM routing_rule WHERE desk_id = $1 ORDER BY position, id");
        on!(self, |c| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(desk.0)
                .fetch_all(c)
                .await?;
            rows.iter().map(from_row).collect()
        })
    }
}

/// A recent ticket as routing rules see it ("test this rule").
#[derive(Debug, Clone)]
pub struct RecentTicket {
    pub id: TicketId,
    pub reference: TicketRef,
    pub facts: TicketFacts,
}

impl Conn {
    /// The last `limit` tickets, newest first, with what rules look at: two queries.
    pub async fn recent_ticket_facts(
        &mut self,
        limit: i64,
    ) -> Result<Vec<RecentTicket>, StoreError> {
        self.facts_up_to(TicketId(i64::MAX), limit).await
    }

    /// One ticket as rules see it now (its application changed: rules run again).
    pub async fn ticket_facts(&mut self, id: TicketId) -> Result<TicketFacts, StoreError> {
        match self.facts_up_to(id, 1).await?.pop() {
            Some(t) if t.id == id => Ok(t.facts),
            _ => Err(StoreError::NotFound),
        }
    }

    /// The `limit` tickets with the highest ids up to `last`, newest first.
    async fn facts_up_to(
        &mut self,
        last: TicketId,
        limit: i64,
    ) -> Result<Vec<RecentTicket>, StoreError> {
        let roles: Vec<(i64, String)> = on!(self, |c| {
            sqlx::query_as(
                "SELECT DISTINCT person_id, kind FROM person_role WHERE person_id IN
                    (SELECT requester_id FROM ticket WHERE id <= $2 ORDER BY id DESC LIMIT $1)",
            )
            .bind(limit)
            .bind(last.0)
            .fetch_all(c)
            .await?
        });
        let mut by_person: HashMap<i64, Vec<RoleKind>> = HashMap::new();
        for (person, kind) in roles {
            if let Ok(k) = RoleKind::parse(&kind) {
                by_person.entry(person).or_default().push(k);
            }
        }
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT t.id, t.reference, t.type, t.channel, t.priority, t.org_path, t.subject,
                    t.requester_id, a.code AS application_code,
                    (SELECT e.body FROM ticket_entry e WHERE e.ticket_id = t.id
                        AND e.kind = 'submitted' ORDER BY e.id LIMIT 1) AS body,
                    (SELECT e.data FROM ticket_entry e WHERE e.ticket_id = t.id
                        AND e.kind = 'submitted' AND t.channel = 'email'
                        ORDER BY e.id LIMIT 1) AS submitted_data
                 FROM ticket t LEFT JOIN application a ON a.id = t.application_id
                 WHERE t.id <= $2 ORDER BY t.id DESC LIMIT $1",
            )
            .bind(limit)
            .bind(last.0)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    let priority = r.i16("priority")?;
                    Ok(RecentTicket {
                        id: TicketId(r.i64("id")?),
                        reference: parse(
                            "ticket.reference",
                            r.text("reference")?,
                            TicketRef::parse,
                        )?,
                        facts: TicketFacts {
                            channel: parse("ticket.channel", r.text("channel")?, Channel::parse)?,
                            application: r.opt_text("application_code")?,
                            ticket_type: parse("ticket.type", r.text("type")?, TicketType::parse)?,
                            requester_roles: by_person
                                .get(&r.i64("requester_id")?)
                                .cloned()
                                .unwrap_or_default(),
                            establishment: r
                                .opt_text("org_path")?
                                .and_then(|p| OrgPath::from_stored(&p)),
                            subject: r.text("subject")?,
                            body: r.opt_text("body")?.unwrap_or_default(),
                            mailbox: r
                                .opt_text("submitted_data")?
                                .as_deref()
                                .and_then(mailbox_address),
                            priority: Priority::from_rank(priority).ok_or(StoreError::Corrupt {
                                column: "ticket.priority",
                                value: priority.to_string(),
                            })?,
                        },
                    })
                })
                .collect()
        })
    }
}

/// The mailbox address an email ticket came in through, kept with its first entry
/// (`mail.address`; tickets received before it was kept have none).
fn mailbox_address(data: &str) -> Option<String> {
    let data: serde_json::Value = serde_json::from_str(data).ok()?;
    Some(data["mail"]["address"].as_str()?.to_lowercase())
}
