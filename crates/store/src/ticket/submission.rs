//! A whole submission written at once: the ticket with its reference, its first timeline entry
//! and attachments, its search terms, its audit record and its outbox event.
//!
//! [`crate::Store::submit_ticket`] is the hot path of every front door. On PostgreSQL it runs
//! [`Tx::insert_submission`] in a transaction of its own; on SQLite it hands the submission to
//! the writer thread ([`crate::writer`]) in one message, where the same rows are written with
//! prepared statements and many submissions share one commit. Both paths write the same rows:
//! a test compares them column by column.

use super::Ticket;
use super::timeline::{NewAttachment, NewEntry};
use crate::audit::AuditRecord;
use crate::intake::NewInbound;
use crate::outbox::NewEvent;
use crate::sla::TicketSla;
use crate::ticket::NewTicket;
use crate::{Store, StoreError, Tx};
use guichet_core::ticket::EntryKind;
use guichet_core::{EntryId, PersonId};

/// Builds the audit record and the outbox event once the ticket has its id and reference.
/// It runs inside the write, so it must be quick and pure.
pub type Records = Box<dyn FnOnce(&Ticket) -> (AuditRecord, NewEvent) + Send>;

/// Everything one submission writes.
pub struct NewSubmission {
    pub ticket: NewTicket,
    /// The first timeline entry (`EntryKind::Submitted`); it is dated like the ticket.
    pub entry: SubmittedEntry,
    pub attachments: Vec<NewAttachment>,
    /// Search terms, already computed by `guichet_core::search::index_text`.
    pub terms: String,
    pub records: Records,
    /// What routing rules and the SLA policy add (empty when nothing applies).
    pub routing: SubmittedRouting,
    /// The received message this submission comes from: recorded in the same transaction, so
    /// that a message already recorded (a second delivery) undoes the whole submission.
    pub inbound: Option<NewInbound>,
}

/// What routing rules and the SLA policy add to a submission, written in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct SubmittedRouting {
    /// One internal `routing` entry per applied rule, after the submission's own entry.
    pub entries: Vec<RoutingEntry>,
    pub tags: Vec<String>,
    pub watchers: Vec<PersonId>,
    /// The ticket's SLA clocks; their `ticket` is set once the ticket exists.
    pub sla: Option<TicketSla>,
}

/// The new ticket's watchers, as a read of the ticket would list them.
pub(crate) fn sorted_watchers(r: &SubmittedRouting) -> Vec<PersonId> {
    let mut w = r.watchers.clone();
    w.sort();
    w.dedup();
    w
}

/// An internal timeline entry written by Guichet itself (no author).
#[derive(Debug, Clone)]
pub struct RoutingEntry {
    pub body: String,
    pub data: serde_json::Value,
}

impl RoutingEntry {
    pub(crate) fn for_ticket(&self, t: &Ticket) -> NewEntry {
        NewEntry {
            ticket: t.id,
            kind: EntryKind::Routing,
            public: false,
            author: None,
            body: self.body.clone(),
            data: self.data.clone(),
            created_at: t.created_at,
        }
    }
}

impl std::fmt::Debug for NewSubmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSubmission")
            .field("ticket", &self.ticket)
            .field("entry", &self.entry)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

/// The submission's own timeline entry, before its ticket exists.
#[derive(Debug, Clone)]
pub struct SubmittedEntry {
    pub public: bool,
    pub author: Option<PersonId>,
    pub body: String,
    pub data: serde_json::Value,
}

impl SubmittedEntry {
    pub(crate) fn for_ticket(&self, t: &Ticket) -> NewEntry {
        NewEntry {
            ticket: t.id,
            kind: EntryKind::Submitted,
            public: self.public,
            author: self.author,
            body: self.body.clone(),
            data: self.data.clone(),
            created_at: t.created_at,
        }
    }
}

/// What a submission wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub ticket: Ticket,
    pub entry: EntryId,
}

impl Tx {
    /// Writes a submission statement by statement in this transaction: PostgreSQL's path, and
    /// the reference the SQLite writer thread is held to.
    pub async fn insert_submission(&mut self, s: NewSubmission) -> Result<Submitted, StoreError> {
        let ticket = self.insert_ticket(&s.ticket).await?;
        let entry = self.add_entry(&s.entry.for_ticket(&ticket)).await?;
        for a in &s.attachments {
            self.add_attachment(ticket.id, entry, a, ticket.created_at)
                .await?;
        }
        self.index_new_ticket(ticket.id, &s.terms).await?;
        self.insert_routing(&ticket, &s.routing).await?;
        let mut ticket = ticket;
        ticket.watchers = sorted_watchers(&s.routing);
        let (audit, event) = (s.records)(&ticket);
        self.audit(&audit).await?;
        self.emit(&event).await?;
        if let Some(mut inbound) = s.inbound {
            inbound.ticket = Some(ticket.id);
            inbound.entry = Some(entry);
            self.insert_inbound(&inbound).await?;
        }
        Ok(Submitted { ticket, entry })
    }

    /// Writes what routing added to a new ticket: entries, tags, watchers, SLA clocks.
    async fn insert_routing(&mut self, t: &Ticket, r: &SubmittedRouting) -> Result<(), StoreError> {
        for e in &r.entries {
            self.add_entry(&e.for_ticket(t)).await?;
        }
        self.add_tags(t.id, &r.tags).await?;
        for w in &r.watchers {
            self.add_watcher(t.id, *w).await?;
        }
        if let Some(sla) = &r.sla {
            self.put_ticket_sla(&TicketSla {
                ticket: t.id,
                ..sla.clone()
            })
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// Writes a submission in one transaction and returns once it is durable.
    pub async fn submit_ticket(&self, s: NewSubmission) -> Result<Submitted, StoreError> {
        // The writer thread knows the web's submission only; a received message takes the
        // statement-by-statement path, rarer and still one transaction.
        if let Some(writer) = self.submit_writer().filter(|_| s.inbound.is_none()) {
            return writer.submit(s).await;
        }
        let mut tx = self.write().await?;
        let done = tx.insert_submission(s).await?;
        tx.commit().await?;
        Ok(done)
    }
}
