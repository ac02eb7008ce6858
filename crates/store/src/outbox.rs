//! The outbox of domain events, written in the same transaction as the change it describes, so
//! that a notification is sent if and only if the change was committed. The notification and
//! SLA workers consume it in id order.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::ticket::EventKind;
use guichet_core::{PersonId, TicketId};

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub ticket: Option<TicketId>,
    pub actor: Option<PersonId>,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub ticket: Option<TicketId>,
    pub actor: Option<PersonId>,
    pub payload: serde_json::Value,
}

fn from_row(r: &impl Get) -> Result<Event, StoreError> {
    let payload = r.text("payload")?;
    Ok(Event {
        id: r.i64("id")?,
        at: r.ts("at")?,
        kind: parse("outbox.kind", r.text("kind")?, EventKind::parse)?,
        ticket: r.opt_i64("ticket_id")?.map(TicketId),
        actor: r.opt_i64("actor_id")?.map(PersonId),
        payload: serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt {
            column: "outbox.payload",
            value: payload,
        })?,
    })
}

impl Tx {
    pub async fn emit(&mut self, e: &NewEvent) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO outbox (at, kind, ticket_id, actor_id, payload) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(ts(e.at))
            .bind(e.kind.as_str())
            .bind(e.ticket.map(|t| t.0))
            .bind(e.actor.map(|a| a.0))
            .bind(e.payload.to_string())
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Marks events as handled by their consumer.
    pub async fn mark_processed(
        &mut self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("UPDATE outbox SET processed_at = ");
        sql.arg(Arg::Ts(ts(now)))
            .push(" WHERE id IN ")
            .list(ids.iter().map(|i| Arg::I64(*i)));
        on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .execute(c)
                .await?;
        });
        Ok(())
    }
}

impl Conn {
    /// Unprocessed events, oldest first.
    pub async fn pending_events(&mut self, limit: i64) -> Result<Vec<Event>, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT id, at, kind, ticket_id, actor_id, payload FROM outbox
                 WHERE processed_at IS NULL ORDER BY id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(c)
            .await?
            .iter()
            .map(from_row)
            .collect()
        })
    }

    /// Every event of one ticket, oldest first.
    pub async fn ticket_events(&mut self, ticket: TicketId) -> Result<Vec<Event>, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT id, at, kind, ticket_id, actor_id, payload FROM outbox
                 WHERE ticket_id = $1 ORDER BY id",
            )
            .bind(ticket.0)
            .fetch_all(c)
            .await?
            .iter()
            .map(from_row)
            .collect()
        })
    }
}
