//! The append-only audit log: who did what, when, from where. The schema refuses updates and
//! deletes (triggers on both engines).

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor: Option<PersonId>,
    /// `ticket.escalate`, `person.create`, `token.revoke`…
    pub action: String,
    pub object_type: &'static str,
    pub object_id: String,
    /// The front door and address: `api 127.0.0.1`, `cli`, `mail`.
    pub origin: String,
    pub details: serde_json::Value,
}

impl Tx {
    pub async fn audit(&mut self, r: &AuditRecord) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, origin, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(ts(r.at))
            .bind(r.actor.map(|a| a.0))
            .bind(&r.action)
            .bind(r.object_type)
            .bind(&r.object_id)
            .bind(&r.origin)
            .bind(r.details.to_string())
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

/// An audit record as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<PersonId>,
    pub action: String,
    pub origin: String,
    pub details: serde_json::Value,
}

impl Conn {
    /// The audit trail of one object, oldest first.
    pub async fn audit_trail(
        &mut self,
        object_type: &str,
        object_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT id, at, actor_id, action, origin, details FROM audit_log
                 WHERE object_type = $1 AND object_id = $2 ORDER BY id",
            )
            .bind(object_type)
            .bind(object_id)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    let details = r.text("details")?;
                    Ok(AuditEntry {
                        id: r.i64("id")?,
                        at: r.ts("at")?,
                        actor: r.opt_i64("actor_id")?.map(PersonId),
                        action: r.text("action")?,
                        origin: r.text("origin")?,
                        details: serde_json::from_str(&details).map_err(|_| {
                            StoreError::Corrupt {
                                column: "audit_log.details",
                                value: details,
                            }
                        })?,
                    })
                })
                .collect()
        })
    }
}
