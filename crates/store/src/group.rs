//! Group commit for SQLite's single writer.
//!
//! A durable SQLite commit costs an fsync, and SQLite has one writer: committing each use case on
//! its own caps throughput at one fsync per ticket. Here every write transaction is a savepoint
//! inside one shared `BEGIN IMMEDIATE` transaction on the writer connection. A use case's
//! [`crate::Tx::commit`] releases its savepoint and then waits; the flusher task, queued on the
//! writer behind every use case that was already waiting, commits them all with one `COMMIT`
//! and one fsync, and answers each. Nobody is answered before their change is durable; if the
//! `COMMIT` fails, everyone in the group gets the error, and none of their changes stays.
//! A use case dropped without committing is rolled back to its savepoint before anyone else
//! writes.
//!
//! Submissions take another road to the same lock: the writer thread ([`crate::writer`]) holds
//! [`Group::lock`] while it writes a batch on its own connection, after committing whatever
//! this connection had pending, so the two connections never wait on SQLite's busy handler.

use crate::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection};
use std::sync::{Arc, Weak};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

/// The writer connection and the state of the shared transaction.
pub(crate) struct Writer {
    conn: Option<PoolConnection<Sqlite>>,
    /// The shared `BEGIN IMMEDIATE` is open.
    in_tx: bool,
    /// A use case left its savepoint open (it was dropped): roll it back before going on.
    dirty: bool,
    /// Use cases whose savepoint is released, waiting for the shared commit.
    waiters: Vec<oneshot::Sender<Result<(), String>>>,
}

/// Shared by every clone of the store.
pub(crate) struct Group {
    writer: Arc<Mutex<Writer>>,
    flush: Arc<Notify>,
}

impl Drop for Group {
    fn drop(&mut self) {
        // Wakes the flusher so that it sees the writer gone and ends.
        self.flush.notify_one();
    }
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Group")
    }
}

/// A use case's hold on the writer, inside its savepoint.
pub(crate) struct GroupTx {
    guard: Option<OwnedMutexGuard<Writer>>,
    group: Arc<Group>,
}

const SAVEPOINT: &str = "SAVEPOINT guichet_tx";
const RELEASE: &str = "RELEASE SAVEPOINT guichet_tx";
const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT guichet_tx";

async fn exec(conn: &mut SqliteConnection, sql: &'static str) -> Result<(), StoreError> {
    sqlx::raw_sql(sql).execute(conn).await?;
    Ok(())
}

impl Writer {
    fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.conn
            .as_deref_mut()
            .ok_or_else(|| StoreError::Unavailable("the store is closed".into()))
    }

    /// Undoes what a dropped use case left in its savepoint.
    async fn settle(&mut self) -> Result<(), StoreError> {
        if self.dirty {
            let conn = self.conn()?;
            exec(conn, ROLLBACK_TO).await?;
            exec(conn, RELEASE).await?;
            self.dirty = false;
        }
        Ok(())
    }

    /// True while this connection has a transaction open, committed or not yet.
    pub(crate) fn is_open(&self) -> bool {
        self.in_tx || self.dirty
    }

    /// Commits the shared transaction and answers every waiter.
    pub(crate) async fn flush(&mut self) {
        if let Err(e) = self.settle().await {
            tracing::error!(error = %e, "rolling back an abandoned savepoint failed");
        }
        if !self.in_tx {
            return;
        }
        let result = match self.conn() {
            Ok(conn) => match sqlx::raw_sql("COMMIT").execute(&mut *conn).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    // The group is lost as a whole: make sure nothing of it stays.
                    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
                    Err(e.to_string())
                }
            },
            Err(e) => Err(e.to_string()),
        };
        self.in_tx = false;
        for w in self.waiters.drain(..) {
            let _ = w.send(result.clone());
        }
    }
}

impl Group {
    /// Takes the writer connection for good and starts the flusher.
    pub(crate) fn start(conn: PoolConnection<Sqlite>) -> Arc<Self> {
        let group = Arc::new(Self {
            writer: Arc::new(Mutex::new(Writer {
                conn: Some(conn),
                in_tx: false,
                dirty: false,
                waiters: Vec::new(),
            })),
            flush: Arc::new(Notify::new()),
        });
        tokio::spawn(flusher(Arc::downgrade(&group.writer), group.flush.clone()));
        group
    }

    /// The writer lock, for the writer thread: whoever holds it is SQLite's one writer.
    pub(crate) fn lock(&self) -> Arc<Mutex<Writer>> {
        self.writer.clone()
    }

    /// Opens a use case's transaction: waits for the writer, then opens its savepoint.
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<GroupTx, StoreError> {
        let mut guard = self.writer.clone().lock_owned().await;
        guard.settle().await?;
        if !guard.in_tx {
            exec(guard.conn()?, "BEGIN IMMEDIATE").await?;
            guard.in_tx = true;
        }
        exec(guard.conn()?, SAVEPOINT).await?;
        guard.dirty = true;
        Ok(GroupTx {
            guard: Some(guard),
            group: self.clone(),
        })
    }

    /// Commits what is pending and gives the connection back, so that the pool can close.
    pub(crate) async fn close(&self) {
        let mut w = self.writer.lock().await;
        w.flush().await;
        w.conn = None;
    }
}

/// Commits the group whenever a use case asks, after everyone already queued for the writer.
async fn flusher(writer: Weak<Mutex<Writer>>, flush: Arc<Notify>) {
    loop {
        flush.notified().await;
        let Some(writer) = writer.upgrade() else {
            return;
        };
        writer.lock().await.flush().await;
    }
}

impl GroupTx {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        self.guard
            .as_mut()
            .and_then(|g| g.conn.as_deref_mut())
            .expect("a GroupTx holds the open writer until it is committed or dropped")
    }

    /// Releases the savepoint and waits until the shared commit made it durable.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        let mut guard = self
            .guard
            .take()
            .ok_or_else(|| StoreError::Other("committed twice".into()))?;
        let released = match guard.conn() {
            Ok(conn) => exec(conn, RELEASE).await,
            Err(e) => Err(e),
        };
        if let Err(e) = released {
            // Leave it dirty: the next writer rolls it back.
            drop(guard);
            self.group.flush.notify_one();
            return Err(e);
        }
        guard.dirty = false;
        let (tx, rx) = oneshot::channel();
        guard.waiters.push(tx);
        drop(guard);
        self.group.flush.notify_one();
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Unavailable(format!("commit failed: {e}"))),
            Err(_) => Err(StoreError::Unavailable(
                "the writer stopped before committing".into(),
            )),
        }
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        if self.guard.take().is_some() {
            // Still dirty: the savepoint is rolled back by the next writer or the flusher, which
            // also commits the group this use case may have joined.
            self.group.flush.notify_one();
        }
    }
}
