//! The reference generation: a counter bumped after every change to reference data, which
//! instances sharing a PostgreSQL database poll to know when their in-memory copy is stale
//! (see `guichet_app`'s cache).

use crate::conn::{Get, on};
use crate::{Conn, StoreError, Tx};

impl Conn {
    /// The current reference generation.
    pub async fn reference_generation(&mut self) -> Result<i64, StoreError> {
        on!(self, |c| {
            let row = sqlx::query("SELECT value FROM reference_generation WHERE id = 1")
                .fetch_one(c)
                .await?;
            row.i64("value")
        })
    }
}

impl Tx {
    /// Moves the reference generation on: every instance forgets its copy at its next poll.
    pub async fn bump_reference_generation(&mut self) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("UPDATE reference_generation SET value = value + 1 WHERE id = 1")
                .execute(c)
                .await?;
        });
        Ok(())
    }
}
