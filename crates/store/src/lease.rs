//! Leases on IMAP mailboxes: which instance collects each one. One row per mailbox; taking it
//! is a single `INSERT … ON CONFLICT DO UPDATE … WHERE` that succeeds only when the row is free,
//! expired or already ours, so two instances racing for it cannot both win (PostgreSQL locks the
//! row; SQLite runs it in the writer's `BEGIN IMMEDIATE` transaction).
//!
//! Times come from the caller's clock, as everywhere else in the store. The lease length must
//! be well above the clock skew between instances.

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};

/// Who holds a mailbox, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxLease {
    pub mailbox: String,
    pub owner: String,
    pub taken_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Tx {
    /// Takes or renews the lease of `mailbox` for `owner` until `until`; false when another
    /// owner holds it and it has not expired at `now`.
    pub async fn take_mailbox_lease(
        &mut self,
        mailbox: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "INSERT INTO mailbox_lease (mailbox, owner, taken_at, expires_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (mailbox) DO UPDATE SET
                     owner = excluded.owner,
                     taken_at = CASE WHEN mailbox_lease.owner = excluded.owner
                                     THEN mailbox_lease.taken_at ELSE excluded.taken_at END,
                     expires_at = excluded.expires_at
                 WHERE mailbox_lease.owner = excluded.owner OR mailbox_lease.expires_at < $3",
            )
            .bind(mailbox)
            .bind(owner)
            .bind(ts(now))
            .bind(ts(until))
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Gives the lease up, if `owner` still holds it, so another instance need not wait for it
    /// to expire.
    pub async fn release_mailbox_lease(
        &mut self,
        mailbox: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("DELETE FROM mailbox_lease WHERE mailbox = $1 AND owner = $2")
                .bind(mailbox)
                .bind(owner)
                .execute(c)
                .await?;
        });
        Ok(())
    }
}

impl Conn {
    /// The lease of `mailbox`, expired or not; `None` when nobody ever took it or it was released.
    pub async fn mailbox_lease(
        &mut self,
        mailbox: &str,
    ) -> Result<Option<MailboxLease>, StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "SELECT mailbox, owner, taken_at, expires_at FROM mailbox_lease WHERE mailbox = $1",
            )
            .bind(mailbox)
            .fetch_optional(c)
            .await?;
            row.map(|r| {
                Ok(MailboxLease {
                    mailbox: r.text("mailbox")?,
                    owner: r.text("owner")?,
                    taken_at: r.ts("taken_at")?,
                    expires_at: r.ts("expires_at")?,
                })
            })
            .transpose()
        })
    }
}
