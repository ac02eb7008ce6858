//! Connections and transactions over either engine, and the dispatch that lets each query be
//! written once.
//!
//! [`on!`] expands a query body once per engine: the SQL text is shared (both engines accept `$n`
//! placeholders and `RETURNING`), the compiler checks each expansion against its own driver.
//! [`Get`] decodes a row the same way from either engine.

use crate::StoreError;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, Postgres, Row, Sqlite, SqliteConnection, Transaction};
use std::ops::{Deref, DerefMut};

/// Runs `$body` with `$c` bound to the connection of whichever engine `$conn` is on.
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn.raw() {
            $crate::conn::Raw::Sqlite($c) => $body,
            $crate::conn::Raw::Postgres($c) => $body,
        }
    };
}
pub(crate) use on;

pub(crate) enum Raw<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

enum Inner {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    SqliteTx(crate::group::GroupTx),
    PostgresTx(Transaction<'static, Postgres>),
}

/// A connection for reading. Write queries live on [`Tx`], so a write always happens in a
/// transaction.
pub struct Conn(Inner);

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_sqlite() {
            "Conn(sqlite)"
        } else {
            "Conn(postgres)"
        })
    }
}

impl Conn {
    pub(crate) fn sqlite(c: PoolConnection<Sqlite>) -> Self {
        Self(Inner::Sqlite(c))
    }

    pub(crate) fn postgres(c: PoolConnection<Postgres>) -> Self {
        Self(Inner::Postgres(c))
    }

    pub(crate) fn raw(&mut self) -> Raw<'_> {
        match &mut self.0 {
            Inner::Sqlite(c) => Raw::Sqlite(c),
            Inner::Postgres(c) => Raw::Postgres(c),
            Inner::SqliteTx(t) => Raw::Sqlite(t.conn()),
            Inner::PostgresTx(t) => Raw::Postgres(t),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self.0, Inner::Sqlite(_) | Inner::SqliteTx(_))
    }

    /// `FOR UPDATE` where the engine has row locks; SQLite's `BEGIN IMMEDIATE` already holds the
    /// database's write lock.
    pub(crate) fn for_update(&self) -> &'static str {
        if self.is_sqlite() { "" } else { " FOR UPDATE" }
    }
}

/// A write transaction: on SQLite a savepoint in the writer's shared `BEGIN IMMEDIATE`
/// transaction (see [`crate::group`]: the write lock is taken up front, and concurrent commits
/// share one fsync); `BEGIN` on PostgreSQL. Dropped without [`Tx::commit`], it rolls back.
/// [`Tx::commit`] returns once the change is durable.
#[derive(Debug)]
pub struct Tx(Conn);

impl Tx {
    pub(crate) fn sqlite(t: crate::group::GroupTx) -> Self {
        Self(Conn(Inner::SqliteTx(t)))
    }

    pub(crate) fn postgres(t: Transaction<'static, Postgres>) -> Self {
        Self(Conn(Inner::PostgresTx(t)))
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self.0.0 {
            Inner::SqliteTx(t) => t.commit().await?,
            Inner::PostgresTx(t) => t.commit().await?,
            Inner::Sqlite(_) | Inner::Postgres(_) => {}
        }
        Ok(())
    }
}

impl Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

/// Decodes a column the same way from either engine's row.
pub(crate) trait Get {
    fn i64(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn i16(&self, col: &str) -> Result<i16, StoreError>;
    fn opt_i16(&self, col: &str) -> Result<Option<i16>, StoreError>;
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn bool(&self, col: &str) -> Result<bool, StoreError>;
    fn ts(&self, col: &str) -> Result<DateTime<Utc>, StoreError>;
    fn opt_ts(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError>;
}

macro_rules! impl_get {
    ($row:ty) => {
        impl Get for $row {
            fn i64(&self, col: &str) -> Result<i64, StoreError> {
                Ok(self.try_get::<i64, _>(col)?)
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
                Ok(self.try_get::<Option<i64>, _>(col)?)
            }
            fn i16(&self, col: &str) -> Result<i16, StoreError> {
                Ok(self.try_get::<i16, _>(col)?)
            }
            fn opt_i16(&self, col: &str) -> Result<Option<i16>, StoreError> {
                Ok(self.try_get::<Option<i16>, _>(col)?)
            }
            fn text(&self, col: &str) -> Result<String, StoreError> {
                Ok(self.try_get::<String, _>(col)?)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
                Ok(self.try_get::<Option<String>, _>(col)?)
            }
            fn bool(&self, col: &str) -> Result<bool, StoreError> {
                Ok(self.try_get::<bool, _>(col)?)
            }
            fn ts(&self, col: &str) -> Result<DateTime<Utc>, StoreError> {
                Ok(self.try_get::<DateTime<Utc>, _>(col)?)
            }
            fn opt_ts(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
                Ok(self.try_get::<Option<DateTime<Utc>>, _>(col)?)
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError> {
                Ok(self.try_get::<Vec<u8>, _>(col)?)
            }
        }
    };
}

impl_get!(SqliteRow);
impl_get!(PgRow);

/// Parses a stored name into its domain enum, reporting the column when it does not parse.
pub(crate) fn parse<T, E>(
    column: &'static str,
    value: String,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    parse(&value).map_err(|_| StoreError::Corrupt { column, value })
}
