//! Bulk loading of historical tickets, for demo data and benchmarks.
//!
//! This is the one path that writes tickets without going through a use case: it loads history
//! (tickets already resolved long ago) that must not notify anyone, so it writes the same rows as
//! the use cases (ticket, timeline, search terms, reference counter) but no outbox events.
//! It assumes nobody else writes tickets meanwhile.

use crate::conn::on;
use crate::org::TicketZone;
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Datelike, Utc};
use guichet_core::desk::Level;
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::org::{OrgKind, OrgPath};
use guichet_core::search::index_text;
use guichet_core::ticket::{Channel, EntryKind, Impact, Priority, TicketType, Urgency};
use guichet_core::{ApplicationId, GroupId, OrgNodeId, PersonId};
use std::collections::HashMap;

/// A historical ticket with its timeline. Tickets must be given in creation order.
#[derive(Debug, Clone)]
pub struct BulkTicket {
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub status: Status,
    pub waiting_on: Option<WaitingOn>,
    pub urgency: Urgency,
    pub impact: Impact,
    pub priority: Priority,
    pub application: Option<ApplicationId>,
    pub requester: PersonId,
    pub establishment: Option<OrgNodeId>,
    pub group: Option<GroupId>,
    pub assignee: Option<PersonId>,
    pub level: Level,
    pub subject: String,
    pub solution: Option<String>,
    pub satisfaction: Option<i16>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub taken_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub entries: Vec<BulkEntry>,
}

#[derive(Debug, Clone)]
pub struct BulkEntry {
    pub kind: EntryKind,
    pub public: bool,
    pub author: Option<PersonId>,
    pub body: String,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Rows per INSERT statement. PostgreSQL takes many (under its 65,535-parameter limit); SQLite
/// looks each parameter up by name when binding, which grows with the square of their number,
/// so it gets statements of about a thousand parameters.
fn rows_per_statement(sqlite: bool) -> usize {
    if sqlite { 32 } else { 400 }
}

impl Conn {
    /// The zone columns of every node, computed from the tree in one query.
    pub async fn all_ticket_zones(&mut self) -> Result<HashMap<OrgNodeId, TicketZone>, StoreError> {
        let nodes: Vec<(i64, String, String)> = on!(self, |c| {
            sqlx::query_as("SELECT id, kind, path FROM org_node WHERE path IS NOT NULL")
                .fetch_all(c)
                .await?
        });
        let kinds: HashMap<i64, String> = nodes.iter().map(|(id, k, _)| (*id, k.clone())).collect();
        let find = |path: &OrgPath, kind: OrgKind| {
            path.ids()
                .find(|id| kinds.get(&id.0).map(String::as_str) == Some(kind.as_str()))
        };
        Ok(nodes
            .iter()
            .filter_map(|(id, _, path)| {
                let path = OrgPath::from_stored(path)?;
                Some((
                    OrgNodeId(*id),
                    TicketZone {
                        establishment: Some(OrgNodeId(*id)),
                        circonscription: find(&path, OrgKind::Circonscription),
                        departement: find(&path, OrgKind::Departement),
                        path: Some(path),
                    },
                ))
            })
            .collect())
    }
}

impl Store {
    /// Loads historical tickets in one transaction; returns how many were loaded.
    pub async fn bulk_insert_tickets(
        &self,
        zones: &HashMap<OrgNodeId, TicketZone>,
        tickets: &[BulkTicket],
    ) -> Result<usize, StoreError> {
        // The search terms are computed before the write lock is taken: stemming is the costly
        // part of a load and need not keep other writers waiting.
        let all_terms: Vec<String> = tickets
            .iter()
            .map(|t| {
                let mut terms = index_text(&t.subject);
                for e in t.entries.iter().filter(|e| e.public) {
                    let more = index_text(&e.body);
                    if !more.is_empty() {
                        terms.push(' ');
                        terms.push_str(&more);
                    }
                }
                terms
            })
            .collect();
        let mut tx = self.write().await?;
        let (mut next_ticket, mut next_entry): (i64, i64) = on!(tx, |c| {
            let t: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM ticket")
                .fetch_one(&mut *c)
                .await?;
            let e: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM ticket_entry")
                .fetch_one(&mut *c)
                .await?;
            (t + 1, e + 1)
        });
        let mut counters: HashMap<i32, i64> = HashMap::new();
        let sqlite = tx.is_sqlite();

        let rows = rows_per_statement(sqlite);
        for (chunk_index, chunk) in tickets.chunks(rows).enumerate() {
            let mut t_sql = Sql::new(
                "INSERT INTO ticket (id, reference, type, channel, status, is_open, waiting_on,
                 urgency, impact, priority, application_id, requester_id, created_by_id,
                 establishment_id, circonscription_id, departement_id, org_path, group_id,
                 assignee_id, level, subject, solution, satisfaction, created_at, updated_at,
                 taken_at, resolved_at, closed_at) VALUES ",
            );
            let mut e_rows: Vec<(i64, i64, &BulkEntry)> = Vec::new();
            let mut s_sql = Sql::new(if sqlite {
                "INSERT INTO ticket_search (rowid, terms) VALUES "
            } else {
                "INSERT INTO ticket_search (ticket_id, terms) VALUES "
            });
            for (i, t) in chunk.iter().enumerate() {
                let id = next_ticket;
                next_ticket += 1;
                let year = t.created_at.year();
                let seq = match counters.get_mut(&year) {
                    Some(n) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        let current = current_counter(&mut tx, year).await?;
                        counters.insert(year, current + 1);
                        current + 1
                    }
                };
                let zone = t
                    .establishment
                    .and_then(|e| zones.get(&e))
                    .cloned()
                    .unwrap_or_default();
                if i > 0 {
                    t_sql.push(", ");
                }
                t_sql.list([
                    Arg::I64(id),
                    Arg::Text(format!("{year:04}-{seq:06}")),
                    Arg::Text(t.ticket_type.as_str().into()),
                    Arg::Text(t.channel.as_str().into()),
                    Arg::Text(t.status.as_str().into()),
                    Arg::Bool(t.status.is_open()),
                    opt_text(t.waiting_on.map(|w| w.as_str().to_owned())),
                    Arg::Text(t.urgency.as_str().into()),
                    Arg::Text(t.impact.as_str().into()),
                    Arg::I16(t.priority.rank()),
                    opt_i64(t.application.map(|a| a.0)),
                    Arg::I64(t.requester.0),
                    Arg::I64(t.requester.0),
                    opt_i64(zone.establishment.map(|n| n.0)),
                    opt_i64(zone.circonscription.map(|n| n.0)),
                    opt_i64(zone.departement.map(|n| n.0)),
                    opt_text(zone.path.map(|p| p.as_str().to_owned())),
                    opt_i64(t.group.map(|g| g.0)),
                    opt_i64(t.assignee.map(|p| p.0)),
                    Arg::I16(t.level.as_i16()),
                    Arg::Text(t.subject.clone()),
                    opt_text(t.solution.clone()),
                    t.satisfaction
                        .map_or(Arg::OptI16(None), |s| Arg::OptI16(Some(s))),
                    Arg::Ts(ts(t.created_at)),
                    Arg::Ts(ts(t.updated_at)),
                    opt_ts(t.taken_at),
                    opt_ts(t.resolved_at),
                    opt_ts(t.closed_at),
                ]);
                for e in &t.entries {
                    e_rows.push((next_entry, id, e));
                    next_entry += 1;
                }
                let terms = all_terms[chunk_index * rows + i].clone();
                if i > 0 {
                    s_sql.push(", ");
                }
                s_sql.list([Arg::I64(id), Arg::Text(terms)]);
            }
            execute(&mut tx, t_sql).await?;
            execute(&mut tx, s_sql).await?;
            for entry_rows in e_rows.chunks(rows) {
                let mut sql = Sql::new(
                    "INSERT INTO ticket_entry (id, ticket_id, kind, public, author_id, body, data, created_at) VALUES ",
                );
                for (i, (id, ticket, e)) in entry_rows.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.list([
                        Arg::I64(*id),
                        Arg::I64(*ticket),
                        Arg::Text(e.kind.as_str().into()),
                        Arg::Bool(e.public),
                        opt_i64(e.author.map(|a| a.0)),
                        Arg::Text(e.body.clone()),
                        Arg::Text(e.data.to_string()),
                        Arg::Ts(ts(e.created_at)),
                    ]);
                }
                execute(&mut tx, sql).await?;
            }
        }

        for (year, value) in counters {
            on!(tx, |c| {
                sqlx::query(
                    "INSERT INTO ticket_counter (year, value) VALUES ($1, $2)
                     ON CONFLICT (year) DO UPDATE SET value = CASE
                        WHEN EXCLUDED.value > ticket_counter.value THEN EXCLUDED.value
                        ELSE ticket_counter.value END",
                )
                .bind(year)
                .bind(value)
                .execute(c)
                .await?;
            });
        }
        if !sqlite {
            on!(tx, |c| {
                for table in ["ticket", "ticket_entry"] {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *c)
                        .await?;
                }
            });
        }
        tx.commit().await?;
        Ok(tickets.len())
    }
}

async fn current_counter(tx: &mut crate::Tx, year: i32) -> Result<i64, StoreError> {
    on!(tx, |c| {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT value FROM ticket_counter WHERE year = $1")
                .bind(year)
                .fetch_optional(c)
                .await?
                .unwrap_or(0),
        )
    })
}

async fn execute(tx: &mut crate::Tx, sql: Sql) -> Result<(), StoreError> {
    on!(tx, |c| {
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
            .execute(c)
            .await?;
    });
    Ok(())
}

fn opt_i64(v: Option<i64>) -> Arg {
    Arg::OptI64(v)
}

fn opt_text(v: Option<String>) -> Arg {
    Arg::OptText(v)
}

fn opt_ts(v: Option<DateTime<Utc>>) -> Arg {
    Arg::OptTs(v.map(ts))
}
