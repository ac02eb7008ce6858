//! A ticket's timeline: its entries, their attachments, and the search text they feed.

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::ticket::EntryKind;
use guichet_core::{EntryId, PersonId, TicketId};
use sha2::{Digest, Sha256};

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: EntryId,
    pub ticket: TicketId,
    pub kind: EntryKind,
    /// False for internal notes and internal routing details.
    pub public: bool,
    pub author: Option<PersonId>,
    pub author_name: Option<String>,
    pub body: String,
    /// What the entry records beyond its text: the old and new status, the groups of an
    /// escalation, the reason of a transfer…
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentMeta>,
}

#[derive(Debug, Clone)]
pub struct NewEntry {
    pub ticket: TicketId,
    pub kind: EntryKind,
    pub public: bool,
    pub author: Option<PersonId>,
    pub body: String,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// An attachment's description; the content is read on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: i64,
    pub entry: EntryId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// A file to attach.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl Tx {
    pub async fn add_entry(&mut self, e: &NewEntry) -> Result<EntryId, StoreError> {
        let data = e.data.to_string();
        let id: i64 = on!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO ticket_entry (ticket_id, kind, public, author_id, body, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(e.ticket.0)
            .bind(e.kind.as_str())
            .bind(e.public)
            .bind(e.author.map(|a| a.0))
            .bind(&e.body)
            .bind(&data)
            .bind(ts(e.created_at))
            .fetch_one(c)
            .await?
        });
        Ok(EntryId(id))
    }

    /// Stores a file once per content (by SHA-256) and attaches it to an entry.
    pub async fn add_attachment(
        &mut self,
        ticket: TicketId,
        entry: EntryId,
        file: &NewAttachment,
        now: DateTime<Utc>,
    ) -> Result<AttachmentMeta, StoreError> {
        let sha = hex::encode(Sha256::digest(&file.data));
        let size = i64::try_from(file.data.len()).unwrap_or(i64::MAX);
        let id: i64 = on!(self, |c| {
            sqlx::query(
                "INSERT INTO blob (sha256, size, data) VALUES ($1, $2, $3)
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&sha)
            .bind(size)
            .bind(&file.data)
            .execute(&mut *c)
            .await?;
            sqlx::query_scalar(
                "INSERT INTO attachment (ticket_id, entry_id, filename, content_type, size, sha256, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(ticket.0)
            .bind(entry.0)
            .bind(&file.filename)
            .bind(&file.content_type)
            .bind(size)
            .bind(&sha)
            .bind(ts(now))
            .fetch_one(&mut *c)
            .await?
        });
        Ok(AttachmentMeta {
            id,
            entry,
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            size,
            sha256: sha,
        })
    }

    /// Indexes a new ticket's terms (one statement, where [`Tx::index_terms`] may need two).
    pub async fn index_new_ticket(
        &mut self,
        ticket: TicketId,
        terms: &str,
    ) -> Result<(), StoreError> {
        let sql = if self.is_sqlite() {
            "INSERT INTO ticket_search (rowid, terms) VALUES ($1, $2)"
        } else {
            "INSERT INTO ticket_search (ticket_id, terms) VALUES ($1, $2)"
        };
        on!(self, |c| {
            sqlx::query(sql)
                .bind(ticket.0)
                .bind(terms)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    /// Adds search terms (already stemmed by `guichet_core::search::index_text`) to a ticket.
    pub async fn index_terms(&mut self, ticket: TicketId, terms: &str) -> Result<(), StoreError> {
        if terms.is_empty() {
            return Ok(());
        }
        if self.is_sqlite() {
            on!(self, |c| {
                let updated = sqlx::query(
                    "UPDATE ticket_search SET terms = terms || ' ' || $1 WHERE rowid = $2",
                )
                .bind(terms)
                .bind(ticket.0)
                .execute(&mut *c)
                .await?
                .rows_affected();
                if updated == 0 {
                    sqlx::query("INSERT INTO ticket_search (rowid, terms) VALUES ($1, $2)")
                        .bind(ticket.0)
                        .bind(terms)
                        .execute(&mut *c)
                        .await?;
                }
            });
        } else {
            on!(self, |c| {
                sqlx::query(
                    "INSERT INTO ticket_search (ticket_id, terms) VALUES ($1, $2)
                     ON CONFLICT (ticket_id) DO UPDATE SET terms = ticket_search.terms || ' ' || EXCLUDED.terms",
                )
                .bind(ticket.0)
                .bind(terms)
                .execute(c)
                .await?;
            });
        }
        Ok(())
    }
}

impl Conn {
    /// The timeline, oldest first, with attachments; internal entries only when asked for.
    /// Two queries whatever the number of entries.
    pub async fn timeline(
        &mut self,
        ticket: TicketId,
        include_internal: bool,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut entries: Vec<Entry> = on!(self, |c| {
            let rows = sqlx::query(
                "SELECT e.id, e.ticket_id, e.kind, e.public, e.author_id, p.display_name, e.body,
                        e.data, e.created_at
                 FROM ticket_entry e LEFT JOIN person p ON p.id = e.author_id
                 WHERE e.ticket_id = $1 AND (e.public OR $2) ORDER BY e.id",
            )
            .bind(ticket.0)
            .bind(include_internal)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    let data = r.text("data")?;
                    Ok(Entry {
                        id: EntryId(r.i64("id")?),
                        ticket: TicketId(r.i64("ticket_id")?),
                        kind: parse("ticket_entry.kind", r.text("kind")?, EntryKind::parse)?,
                        public: r.bool("public")?,
                        author: r.opt_i64("author_id")?.map(PersonId),
                        author_name: r.opt_text("display_name")?,
                        body: r.text("body")?,
                        data: serde_json::from_str(&data).map_err(|_| StoreError::Corrupt {
                            column: "ticket_entry.data",
                            value: data,
                        })?,
                        created_at: r.ts("created_at")?,
                        attachments: Vec::new(),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?
        });
        let attachments = self.attachments_of(ticket).await?;
        for a in attachments {
            if let Some(e) = entries.iter_mut().find(|e| e.id == a.entry) {
                e.attachments.push(a);
            }
        }
        Ok(entries)
    }

    pub async fn attachments_of(
        &mut self,
        ticket: TicketId,
    ) -> Result<Vec<AttachmentMeta>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT id, entry_id, filename, content_type, size, sha256 FROM attachment
                 WHERE ticket_id = $1 ORDER BY id",
            )
            .bind(ticket.0)
            .fetch_all(c)
            .await?;
            rows.iter().map(attachment_from_row).collect()
        })
    }

    /// An attachment of a ticket and its content.
    pub async fn attachment(
        &mut self,
        ticket: TicketId,
        id: i64,
    ) -> Result<(AttachmentMeta, Vec<u8>), StoreError> {
        on!(self, |c| {
            let row = sqlx::query(
                "SELECT a.id, a.entry_id, a.filename, a.content_type, a.size, a.sha256, b.data
                 FROM attachment a JOIN blob b ON b.sha256 = a.sha256
                 WHERE a.ticket_id = $1 AND a.id = $2",
            )
            .bind(ticket.0)
            .bind(id)
            .fetch_one(c)
            .await?;
            Ok((attachment_from_row(&row)?, row.bytes("data")?))
        })
    }
}

fn attachment_from_row(r: &impl Get) -> Result<AttachmentMeta, StoreError> {
    Ok(AttachmentMeta {
        id: r.i64("id")?,
        entry: EntryId(r.i64("entry_id")?),
        filename: r.text("filename")?,
        content_type: r.text("content_type")?,
        size: r.i64("size")?,
        sha256: r.text("sha256")?,
    })
}
