//! Single sign-on: people found by directory uid, and the CAS ticket behind each CAS session
//! (for single logout). Which person an identity maps to is decided by `guichet-app`.

use crate::conn::on;
use crate::person::{Person, from_row};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};

impl Conn {
    /// The person with this directory uid (exact match: uids are the directory's).
    pub async fn person_by_uid(&mut self, uid: &str) -> Result<Person, StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "SELECT id, uid, email, display_name, locale, active, created_at, updated_at
                 FROM person WHERE uid = $1",
            )
            .bind(uid)
            .fetch_one(c)
            .await?;
            from_row(&row)
        })
    }
}

impl Tx {
    /// Remembers that the session `session_hash` was opened with the CAS ticket `ticket_hash`.
    pub async fn insert_sign_on_ticket(
        &mut self,
        ticket_hash: &str,
        session_hash: &str,
        provider: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO sign_on_ticket (ticket_hash, session_hash, provider, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(ticket_hash)
            .bind(session_hash)
            .bind(provider)
            .bind(ts(at))
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Ends the session opened with `ticket_hash` at `provider`; false when there is none
    /// (already signed out, expired, or another provider's ticket).
    pub async fn end_sign_on_ticket(
        &mut self,
        ticket_hash: &str,
        provider: &str,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "DELETE FROM web_session WHERE id_hash IN
                 (SELECT session_hash FROM sign_on_ticket WHERE ticket_hash = $1 AND provider = $2)",
            )
            .bind(ticket_hash)
            .bind(provider)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }
}
