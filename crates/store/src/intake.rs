//! Received mail: one row per distinct message with its outcome (the dedupe key makes a second
//! delivery a no-op), the quota count, the administrators' quarantine list, and the addresses
//! Guichet mails (bounces, automatic answers of the day). SQL only: whether a message becomes a
//! ticket is `guichet-app`'s decision.

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::intake::Reason;
use guichet_core::{EntryId, TicketId};
use sqlx::Row;

/// What became of a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboundState {
    /// A new ticket.
    Ticket,
    /// A reply on an existing ticket (which it may have reopened).
    Reply,
    /// Automatic mail: not a request, never answered.
    Ignored,
    /// A delivery report, tied to the notice it answers.
    Bounce,
    /// Refused by the policy; an administrator may release or delete it.
    Quarantined,
    /// Processing failed; an administrator may replay it.
    Failed,
    /// Released from quarantine by an administrator: a ticket was made anyway.
    Released,
    /// Deleted by an administrator or the retention sweep: the raw message is gone.
    Deleted,
}

impl InboundState {
    pub const ALL: &'static [Self] = &[
        Self::Ticket,
        Self::Reply,
        Self::Ignored,
        Self::Bounce,
        Self::Quarantined,
        Self::Failed,
        Self::Released,
        Self::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
            Self::Reply => "reply",
            Self::Ignored => "ignored",
            Self::Bounce => "bounce",
            Self::Quarantined => "quarantined",
            Self::Failed => "failed",
            Self::Released => "released",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// A received message to record.
#[derive(Debug, Clone)]
pub struct NewInbound {
    /// The Message-ID, else `sha256:<hex>` of the raw message.
    pub dedupe_key: String,
    pub mailbox: String,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    /// `YYYY-MM-DD` in the académie's time zone.
    pub quota_day: String,
    pub state: InboundState,
    pub reasons: Vec<Reason>,
    pub ticket: Option<TicketId>,
    pub entry: Option<EntryId>,
    pub size: i64,
    pub raw: Option<Vec<u8>>,
}

/// A received message as stored, without its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub id: i64,
    pub dedupe_key: String,
    pub mailbox: String,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub state: InboundState,
    pub reasons: Vec<Reason>,
    pub ticket: Option<TicketId>,
    pub entry: Option<EntryId>,
    pub size: i64,
    pub has_raw: bool,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, dedupe_key, mailbox, sender, subject, received_at, state, reasons, \
    ticket_id, entry_id, size, raw IS NOT NULL AS has_raw, updated_at";

fn from_row(r: &impl Get) -> Result<InboundMessage, StoreError> {
    let reasons = r.text("reasons")?;
    Ok(InboundMessage {
        id: r.i64("id")?,
        dedupe_key: r.text("dedupe_key")?,
        mailbox: r.text("mailbox")?,
        sender: r.text("sender")?,
        subject: r.text("subject")?,
        received_at: r.ts("received_at")?,
        state: parse("inbound_message.state", r.text("state")?, |s| {
            InboundState::parse(s).ok_or(())
        })?,
        reasons: serde_json::from_str(&reasons).map_err(|_| StoreError::Corrupt {
            column: "inbound_message.reasons",
            value: reasons,
        })?,
        ticket: r.opt_i64("ticket_id")?.map(TicketId),
        entry: r.opt_i64("entry_id")?.map(EntryId),
        size: r.i64("size")?,
        has_raw: r.bool("has_raw")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// The administrators' list: filters and a page.
#[derive(Debug, Clone, Default)]
pub struct InboundFilter {
    pub state: Option<InboundState>,
    pub mailbox: Option<String>,
    /// Part of the sender's address.
    pub sender: Option<String>,
    /// Ids below this one (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// An address's delivery record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressRecord {
    pub bounces: i64,
    pub bouncing: bool,
}

impl Tx {
    /// Records a received message. A message already recorded (same dedupe key) is refused with
    /// `Conflict { constraint: "inbound_message.dedupe_key" }`, which undoes the whole
    /// transaction: the outcome it would have produced with it.
    pub async fn insert_inbound(&mut self, m: &NewInbound) -> Result<i64, StoreError> {
        let reasons =
            serde_json::to_string(&m.reasons).map_err(|e| StoreError::Other(e.to_string()))?;
        let id = on!(self, |c| {
            sqlx::query(
                "INSERT INTO inbound_message (dedupe_key, mailbox, sender, subject, received_at,
                    quota_day, state, reasons, ticket_id, entry_id, size, raw, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $5) RETURNING id",
            )
            .bind(&m.dedupe_key)
            .bind(&m.mailbox)
            .bind(&m.sender)
            .bind(&m.subject)
            .bind(ts(m.received_at))
            .bind(&m.quota_day)
            .bind(m.state.as_str())
            .bind(reasons)
            .bind(m.ticket.map(|t| t.0))
            .bind(m.entry.map(|e| e.0))
            .bind(m.size)
            .bind(m.raw.as_deref())
            .fetch_one(c)
            .await
            .map_err(|e| dedupe_conflict(e.into()))?
            .i64("id")?
        });
        Ok(id)
    }

    /// Moves a recorded message to a new state (release, delete, replay), with the ticket it
    /// produced; `drop_raw` forgets the message itself.
    pub async fn set_inbound_state(
        &mut self,
        id: i64,
        state: InboundState,
        ticket: Option<TicketId>,
        entry: Option<EntryId>,
        drop_raw: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = if drop_raw {
            "UPDATE inbound_message SET state = $1, ticket_id = COALESCE($2, ticket_id),
                entry_id = COALESCE($3, entry_id), raw = NULL, updated_at = $4 WHERE id = $5"
        } else {
            "UPDATE inbound_message SET state = $1, ticket_id = COALESCE($2, ticket_id),
                entry_id = COALESCE($3, entry_id), updated_at = $4 WHERE id = $5"
        };
        let n = on!(self, |c| {
            sqlx::query(sql)
                .bind(state.as_str())
                .bind(ticket.map(|t| t.0))
                .bind(entry.map(|e| e.0))
                .bind(ts(now))
                .bind(id)
                .execute(c)
                .await?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Forgets a message entirely (before replaying it: the replay records it anew).
    pub async fn delete_inbound(&mut self, id: i64) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query("DELETE FROM inbound_message WHERE id = $1")
                .bind(id)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    /// The retention sweep: messages in `states` received before `before` lose their row.
    pub async fn purge_inbound(
        &mut self,
        states: &[InboundState],
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        for s in states {
            total += on!(self, |c| {
                sqlx::query("DELETE FROM inbound_message WHERE state = $1 AND received_at < $2")
                    .bind(s.as_str())
                    .bind(ts(before))
                    .execute(c)
                    .await?
                    .rows_affected()
            });
        }
        Ok(total)
    }

    /// Counts one delivery failure of `address`; at `threshold` failures it is marked bouncing.
    pub async fn record_bounce(
        &mut self,
        address: &str,
        threshold: i64,
        now: DateTime<Utc>,
    ) -> Result<AddressRecord, StoreError> {
        on!(self, |c| {
            let r = sqlx::query(
                "INSERT INTO mail_address (address, bounces, bouncing, last_bounce_at)
                 VALUES ($1, 1, $2, $3)
                 ON CONFLICT (address) DO UPDATE SET bounces = mail_address.bounces + 1,
                    bouncing = mail_address.bounces + 1 >= $4, last_bounce_at = $3
                 RETURNING bounces, bouncing",
            )
            .bind(address)
            .bind(threshold <= 1)
            .bind(ts(now))
            .bind(threshold)
            .fetch_one(c)
            .await?;
            Ok(AddressRecord {
                bounces: r.i64("bounces")?,
                bouncing: r.bool("bouncing")?,
            })
        })
    }

    /// Clears an address's failures (an administrator did, or mail came from it). Returns
    /// whether it was marked bouncing.
    pub async fn clear_bounces(&mut self, address: &str) -> Result<bool, StoreError> {
        on!(self, |c| {
            let was = sqlx::query("SELECT bouncing FROM mail_address WHERE address = $1")
                .bind(address)
                .fetch_optional(&mut *c)
                .await?
                .map(|r| r.bool("bouncing"))
                .transpose()?
                .unwrap_or(false);
            sqlx::query("UPDATE mail_address SET bounces = 0, bouncing = FALSE WHERE address = $1")
                .bind(address)
                .execute(&mut *c)
                .await?;
            Ok(was)
        })
    }

    /// Takes one of `address`'s automatic answers of `day`; `false` when `cap` are used.
    pub async fn take_auto_answer(
        &mut self,
        address: &str,
        day: &str,
        cap: i64,
    ) -> Result<bool, StoreError> {
        on!(self, |c| {
            let r = sqlx::query(
                "INSERT INTO mail_address (address, answers_day, answers) VALUES ($1, $2, 1)
                 ON CONFLICT (address) DO UPDATE SET
                    answers = CASE WHEN mail_address.answers_day = $2
                                   THEN mail_address.answers + 1 ELSE 1 END,
                    answers_day = $2
                 RETURNING answers",
            )
            .bind(address)
            .bind(day)
            .fetch_one(c)
            .await?;
            Ok(r.i64("answers")? <= cap)
        })
    }
}

/// A unique violation on the dedupe key, named the same on both engines.
fn dedupe_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict { constraint } if constraint.contains("dedupe_key") => {
            StoreError::Conflict {
                constraint: "inbound_message.dedupe_key".into(),
            }
        }
        e => e,
    }
}

impl Conn {
    /// The message recorded under `key`, if any.
    pub async fn inbound_by_key(
        &mut self,
        key: &str,
    ) -> Result<Option<InboundMessage>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM inbound_message WHERE dedupe_key = $1");
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(key)
                .fetch_optional(c)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()
        })
    }

    pub async fn inbound(&mut self, id: i64) -> Result<InboundMessage, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM inbound_message WHERE id = $1");
        on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_one(c)
                    .await?,
            )
        })
    }

    /// The message as received; `None` once deleted.
    pub async fn inbound_raw(&mut self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        on!(self, |c| {
            let r = sqlx::query("SELECT raw FROM inbound_message WHERE id = $1")
                .bind(id)
                .fetch_one(c)
                .await?;
            Ok(r.try_get::<Option<Vec<u8>>, _>("raw")?)
        })
    }

    /// Newest first.
    pub async fn list_inbound(
        &mut self,
        f: &InboundFilter,
    ) -> Result<Vec<InboundMessage>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM inbound_message
             WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR mailbox = $2)
               AND ($3 IS NULL OR sender LIKE $3) AND ($4 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5"
        );
        let sender = f
            .sender
            .as_ref()
            .map(|s| format!("%{}%", s.trim().to_lowercase().replace(['%', '_'], "")));
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(f.state.map(InboundState::as_str))
                .bind(f.mailbox.as_deref())
                .bind(sender.as_deref())
                .bind(f.before)
                .bind(f.limit.clamp(1, 500))
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// Requests `sender` filed by mail on `day` (the quota): new tickets, released ones too.
    pub async fn requests_of_day(&mut self, sender: &str, day: &str) -> Result<i64, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM inbound_message
                 WHERE sender = $1 AND quota_day = $2 AND state IN ('ticket', 'released')",
            )
            .bind(sender)
            .bind(day)
            .fetch_one(c)
            .await?
            .i64("n")
        })
    }

    /// `address`'s delivery record (zero when never mailed back).
    pub async fn address_record(&mut self, address: &str) -> Result<AddressRecord, StoreError> {
        on!(self, |c| {
            Ok(
                sqlx::query("SELECT bounces, bouncing FROM mail_address WHERE address = $1")
                    .bind(address)
                    .fetch_optional(c)
                    .await?
                    .map(|r| -> Result<AddressRecord, StoreError> {
                        Ok(AddressRecord {
                            bounces: r.i64("bounces")?,
                            bouncing: r.bool("bouncing")?,
                        })
                    })
                    .transpose()?
                    .unwrap_or_default(),
            )
        })
    }
}
