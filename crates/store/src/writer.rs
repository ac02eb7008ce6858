//! SQLite's submission writer: one thread owning a connection of its own, which writes each
//! submission in one go and commits many at once.
//!
//! Through sqlx every statement is a hand-off to the connection's worker thread and back (a
//! channel send and a futex wake each way); a submission is about eight statements under the
//! write lock, so most of the lock's time went to those hand-offs. Here a submission is one
//! message: the thread takes every message already queued, takes the writer lock
//! ([`crate::group::Group::lock`], shared with the sqlx writer so that SQLite never sees two
//! writers), writes each submission in a savepoint of one `BEGIN IMMEDIATE` transaction with
//! prepared statements, commits once (one fsync), and only then answers. A submission that fails
//! is rolled back to its savepoint and answered with its error; the others still commit. If the
//! `COMMIT` fails, every submission of the batch gets the error and none of them stays.
//!
//! The statements are those of [`crate::Tx::insert_submission`] (PostgreSQL's path); a test
//! compares the rows both paths write.

use crate::error::sqlite_constraint;
use crate::group::Writer;
use crate::ticket::submission::{NewSubmission, Submitted};
use crate::ticket::{INSERT_TICKET, NEXT_REFERENCE, inserted};
use crate::{StoreError, ts};
use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use guichet_core::ticket::{EntryKind, TicketRef};
use guichet_core::{EntryId, TicketId};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::{Mutex, oneshot};

/// Most submissions committed together: bounds the time a batch holds the lock.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<Submitted, StoreError>>;

enum Msg {
    Submit(Box<NewSubmission>, Reply),
    /// Finish what is queued, close the connection, then answer.
    Close(oneshot::Sender<()>),
}

/// The handle the store keeps: a queue to the thread.
pub(crate) struct SubmitWriter {
    queue: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for SubmitWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubmitWriter")
    }
}

fn closed() -> StoreError {
    StoreError::Unavailable("the store is closed".into())
}

impl SubmitWriter {
    /// Opens the thread's connection on `path` and starts it. Must be called inside the tokio
    /// runtime that runs the sqlx writer.
    pub(crate) fn start(path: &Path, lock: Arc<Mutex<Writer>>) -> Result<Self, StoreError> {
        let conn = open(path).map_err(store_error)?;
        let runtime = Handle::current();
        let (queue, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("guichet-sqlite-writer".into())
            .spawn(move || run(conn, rx, lock, runtime))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        Ok(Self { queue })
    }

    /// Writes one submission; returns once it is durable.
    pub(crate) async fn submit(&self, s: NewSubmission) -> Result<Submitted, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.queue
            .send(Msg::Submit(Box::new(s), tx))
            .map_err(|_| closed())?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the writer stopped before committing".into()))?
    }

    /// Writes what is queued and closes the connection.
    pub(crate) async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.queue.send(Msg::Close(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

/// The same settings as the sqlx connections (see `Store::connect`).
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA temp_store = memory; PRAGMA cache_size = -32768;",
    )?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn run(conn: Connection, rx: mpsc::Receiver<Msg>, lock: Arc<Mutex<Writer>>, rt: Handle) {
    let closed = serve(&conn, &rx, &lock, &rt);
    drop(conn);
    if let Some(ack) = closed {
        let _ = ack.send(());
    }
    // This may be the last owner of the sqlx writer connection, whose drop needs the runtime.
    let _runtime = rt.enter();
    drop(lock);
}

/// Writes batches until the store closes or is dropped; returns the close request, if any.
fn serve(
    conn: &Connection,
    rx: &mpsc::Receiver<Msg>,
    lock: &Arc<Mutex<Writer>>,
    rt: &Handle,
) -> Option<oneshot::Sender<()>> {
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::new();
        let mut close = None;
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Submit(s, reply) => batch.push((s, reply)),
                Msg::Close(ack) => {
                    close = Some(ack);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            write_batch(conn, batch, lock, rt);
        }
        if close.is_some() {
            return close;
        }
    }
    None
}

fn write_batch(
    conn: &Connection,
    batch: Vec<(Box<NewSubmission>, Reply)>,
    lock: &Arc<Mutex<Writer>>,
    rt: &Handle,
) {
    let mut writer = lock.clone().blocking_lock_owned();
    if writer.is_open() {
        // The sqlx writer's group is still to be committed: it goes first (and must, for SQLite
        // to let this connection write).
        rt.block_on(writer.flush());
    }
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let e = store_error(e);
        for (_, reply) in batch {
            let _ = reply.send(Err(StoreError::Unavailable(e.to_string())));
        }
        return;
    }
    let mut written = Vec::with_capacity(batch.len());
    for (s, reply) in batch {
        match in_savepoint(conn, *s) {
            Ok(Ok(done)) => written.push((reply, done)),
            Ok(Err(e)) => {
                let _ = reply.send(Err(e));
            }
            Err(e) => {
                // The savepoint itself failed: nothing of this batch can be trusted.
                let _ = conn.execute_batch("ROLLBACK");
                let msg = format!("savepoint failed: {}", store_error(e));
                let _ = reply.send(Err(StoreError::Unavailable(msg.clone())));
                for (reply, _) in written {
                    let _ = reply.send(Err(StoreError::Unavailable(msg.clone())));
                }
                return;
            }
        }
    }
    let committed = conn.execute_batch("COMMIT").map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        format!("commit failed: {}", store_error(e))
    });
    drop(writer);
    for (reply, done) in written {
        let _ = reply.send(match &committed {
            Ok(()) => Ok(done),
            Err(e) => Err(StoreError::Unavailable(e.clone())),
        });
    }
}

/// Writes one submission in its own savepoint. The outer error is the savepoint's; the inner
/// one the submission's, which is rolled back.
fn in_savepoint(
    conn: &Connection,
    s: NewSubmission,
) -> rusqlite::Result<Result<Submitted, StoreError>> {
    conn.prepare_cached("SAVEPOINT guichet_submit")?
        .execute([])?;
    match write_one(conn, s) {
        Ok(done) => {
            conn.prepare_cached("RELEASE guichet_submit")?.execute([])?;
            Ok(Ok(done))
        }
        Err(e) => {
            conn.prepare_cached("ROLLBACK TO guichet_submit")?
                .execute([])?;
            conn.prepare_cached("RELEASE guichet_submit")?.execute([])?;
            Ok(Err(store_error(e)))
        }
    }
}

/// sqlx's text for a timestamp (`Encode<Sqlite> for DateTime`), so that both write alike.
pub(crate) fn ts_text(t: DateTime<Utc>) -> String {
    ts(t).to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn write_one(conn: &Connection, s: NewSubmission) -> rusqlite::Result<Submitted> {
    let t = &s.ticket;
    let year = t.created_at.year();
    let seq: i64 = conn
        .prepare_cached(NEXT_REFERENCE)?
        .query_row([year], |r| r.get(0))?;
    let reference = TicketRef::new(year, seq);
    let created = ts_text(t.created_at);
    let id: i64 = conn.prepare_cached(INSERT_TICKET)?.query_row(
        params![
            reference.to_string(),
            t.ticket_type.as_str(),
            t.channel.as_str(),
            t.status.as_str(),
            t.status.is_open(),
            t.urgency.as_str(),
            t.impact.as_str(),
            t.priority.rank(),
            t.application.map(|a| a.0),
            t.requester.0,
            t.created_by.0,
            t.zone.establishment.map(|n| n.0),
            t.zone.circonscription.map(|n| n.0),
            t.zone.departement.map(|n| n.0),
            t.zone.path.as_ref().map(|p| p.as_str()),
            t.group.map(|g| g.0),
            t.level.as_i16(),
            &t.subject,
            &created,
        ],
        |r| r.get(0),
    )?;
    let ticket = inserted(t, TicketId(id), reference);

    let e = &s.entry;
    let entry: i64 = conn
        .prepare_cached(
            "INSERT INTO ticket_entry (ticket_id, kind, public, author_id, body, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )?
        .query_row(
            params![
                id,
                EntryKind::Submitted.as_str(),
                e.public,
                e.author.map(|a| a.0),
                &e.body,
                e.data.to_string(),
                &created,
            ],
            |r| r.get(0),
        )?;
    for a in &s.attachments {
        let sha = hex::encode(Sha256::digest(&a.data));
        let size = i64::try_from(a.data.len()).unwrap_or(i64::MAX);
        conn.prepare_cached(
            "INSERT INTO blob (sha256, size, data) VALUES ($1, $2, $3)
             ON CONFLICT (sha256) DO NOTHING",
        )?
        .execute(params![&sha, size, &a.data])?;
        conn.prepare_cached(
            "INSERT INTO attachment (ticket_id, entry_id, filename, content_type, size, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )?
        .execute(params![id, entry, &a.filename, &a.content_type, size, &sha, &created])?;
    }
    conn.prepare_cached("INSERT INTO ticket_search (rowid, terms) VALUES ($1, $2)")?
        .execute(params![id, &s.terms])?;
    crate::sla::sqlite_rows::write_routing(conn, &ticket, &s.routing)?;
    let mut ticket = ticket;
    ticket.watchers = crate::ticket::submission::sorted_watchers(&s.routing);

    let (audit, event) = (s.records)(&ticket);
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, origin, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )?
    .execute(params![
        ts_text(audit.at),
        audit.actor.map(|a| a.0),
        &audit.action,
        audit.object_type,
        &audit.object_id,
        &audit.origin,
        audit.details.to_string(),
    ])?;
    conn.prepare_cached(
        "INSERT INTO outbox (at, kind, ticket_id, actor_id, payload) VALUES ($1, $2, $3, $4, $5)",
    )?
    .execute(params![
        ts_text(event.at),
        event.kind.as_str(),
        event.ticket.map(|t| t.0),
        event.actor.map(|a| a.0),
        event.payload.to_string(),
    ])?;
    Ok(Submitted {
        ticket,
        entry: EntryId(entry),
    })
}

/// The same mapping as `From<sqlx::Error>`: constraint names, busy as unavailable.
fn store_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    match &e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(f, msg) => match f.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                StoreError::Conflict {
                    constraint: sqlite_constraint(msg.as_deref().unwrap_or_default()),
                }
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::Conflict {
                constraint: "foreign_key".into(),
            },
            _ if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
            {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Other(e.to_string()),
        },
        _ => StoreError::Other(e.to_string()),
    }
}
