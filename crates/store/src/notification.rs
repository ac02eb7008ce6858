//! Notifications: one row per (domain event, recipient) with its delivery state, the in-app
//! list and its unread count, and each person's preference. SQL only: who is told what is
//! `guichet-app`'s decision.

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::{PersonId, TicketId};

macro_rules! names {
    ($(#[$doc:meta])* $name:ident, $column:literal, { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }

            fn from_column(value: String) -> Result<Self, StoreError> {
                parse($column, value, |s| Self::parse(s).ok_or(()))
            }
        }
    };
}

names!(
    /// How a notice reaches its recipient.
    Delivery, "notification.delivery", {
        /// An email of its own, now.
        Email => "email",
        /// A line in the next daily digest.
        Digest => "digest",
        /// Only the in-app list (the person turned non-essential notices off).
        None => "none",
    }
);

names!(
    /// Where the email of a notice is.
    DeliveryState, "notification.state", {
        Queued => "queued",
        Sent => "sent",
        /// The server refused it; `smtp_answer` says why.
        Failed => "failed",
        /// Accepted, then returned by a bounce (from the mail intake).
        Bounced => "bounced",
        /// No email was due.
        Skipped => "skipped",
    }
);

names!(
    /// A person's choice for non-essential notices.
    NotifyMode, "notification_preference.mode", {
        Immediate => "immediate",
        Digest => "digest",
        Off => "off",
    }
);

/// A notification as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: i64,
    pub unique_key: String,
    pub event_id: Option<i64>,
    pub person: PersonId,
    pub ticket: Option<TicketId>,
    /// The notice's kind (`received`, `reply`, `assigned`…): its template and its words.
    pub kind: String,
    pub delivery: Delivery,
    pub state: DeliveryState,
    /// What the notice says beyond the ticket: who acted, the reply, the group, the reference…
    pub data: serde_json::Value,
    /// The SMTP server's answer: its acceptance, or why it refused.
    pub smtp_answer: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A notification to record.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub unique_key: String,
    pub event_id: Option<i64>,
    pub person: PersonId,
    pub ticket: Option<TicketId>,
    pub kind: String,
    pub delivery: Delivery,
    pub state: DeliveryState,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, unique_key, event_id, person_id, ticket_id, kind, delivery, state, \
    data, smtp_answer, created_at, sent_at, read_at";

fn from_row(r: &impl Get) -> Result<Notification, StoreError> {
    let data = r.text("data")?;
    Ok(Notification {
        id: r.i64("id")?,
        unique_key: r.text("unique_key")?,
        event_id: r.opt_i64("event_id")?,
        person: PersonId(r.i64("person_id")?),
        ticket: r.opt_i64("ticket_id")?.map(TicketId),
        kind: r.text("kind")?,
        delivery: Delivery::from_column(r.text("delivery")?)?,
        state: DeliveryState::from_column(r.text("state")?)?,
        data: serde_json::from_str(&data).map_err(|_| StoreError::Corrupt {
            column: "notification.data",
            value: data,
        })?,
        smtp_answer: r.opt_text("smtp_answer")?,
        created_at: r.ts("created_at")?,
        sent_at: r.opt_ts("sent_at")?,
        read_at: r.opt_ts("read_at")?,
    })
}

impl Tx {
    /// Records a notification; with its unique key already present, returns the existing one
    /// and `false`, so a job run twice records (and mails) once.
    pub async fn insert_notification(
        &mut self,
        n: &NewNotification,
    ) -> Result<(Notification, bool), StoreError> {
        let sql = format!(
            "INSERT INTO notification (unique_key, event_id, person_id, ticket_id, kind, delivery,
                                       state, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (unique_key) DO NOTHING RETURNING {COLUMNS}"
        );
        let created = on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&n.unique_key)
                .bind(n.event_id)
                .bind(n.person.0)
                .bind(n.ticket.map(|t| t.0))
                .bind(&n.kind)
                .bind(n.delivery.as_str())
                .bind(n.state.as_str())
                .bind(n.data.to_string())
                .bind(ts(n.created_at))
                .fetch_optional(c)
                .await?
                .as_ref()
                .map(from_row)
                .transpose()?
        });
        if let Some(n) = created {
            return Ok((n, true));
        }
        let sql = format!("SELECT {COLUMNS} FROM notification WHERE unique_key = $1");
        let existing = on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&n.unique_key)
                    .fetch_one(c)
                    .await?,
            )?
        });
        Ok((existing, false))
    }

    /// Records the outcome of an email: sent (with the server's acceptance), failed (with its
    /// refusal), bounced.
    pub async fn set_notification_state(
        &mut self,
        id: i64,
        state: DeliveryState,
        answer: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sent_at = (state == DeliveryState::Sent).then(|| ts(now));
        let answer = answer.map(|a| a.chars().take(1000).collect::<String>());
        on!(self, |c| {
            sqlx::query(
                "UPDATE notification SET state = $1, smtp_answer = COALESCE($2, smtp_answer),
                        sent_at = COALESCE($3, sent_at) WHERE id = $4",
            )
            .bind(state.as_str())
            .bind(answer)
            .bind(sent_at)
            .bind(id)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Marks `person`'s notifications read: those listed, or all of them. Returns how many
    /// were unread.
    pub async fn mark_notifications_read(
        &mut self,
        person: PersonId,
        ids: Option<&[i64]>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        match ids {
            None => {
                n += on!(self, |c| {
                    sqlx::query(
                        "UPDATE notification SET read_at = $1
                         WHERE person_id = $2 AND read_at IS NULL",
                    )
                    .bind(ts(now))
                    .bind(person.0)
                    .execute(c)
                    .await?
                    .rows_affected()
                });
            }
            Some(ids) => {
                for id in ids {
                    n += on!(self, |c| {
                        sqlx::query(
                            "UPDATE notification SET read_at = $1
                             WHERE id = $2 AND person_id = $3 AND read_at IS NULL",
                        )
                        .bind(ts(now))
                        .bind(id)
                        .bind(person.0)
                        .execute(c)
                        .await?
                        .rows_affected()
                    });
                }
            }
        }
        Ok(n)
    }

    pub async fn set_notify_mode(
        &mut self,
        person: PersonId,
        mode: NotifyMode,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO notification_preference (person_id, mode, updated_at)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (person_id) DO UPDATE SET mode = $2, updated_at = $3",
            )
            .bind(person.0)
            .bind(mode.as_str())
            .bind(ts(now))
            .execute(c)
            .await?;
        });
        Ok(())
    }
}

impl Conn {
    /// One notification; `NotFound` when there is none.
    pub async fn notification(&mut self, id: i64) -> Result<Notification, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notification WHERE id = $1");
        on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_one(c)
                    .await?,
            )
        })
    }

    /// The number of the ticket's first notification, which later notices thread onto.
    pub async fn first_notification_of(
        &mut self,
        ticket: TicketId,
    ) -> Result<Option<i64>, StoreError> {
        on!(self, |c| {
            Ok(
                sqlx::query("SELECT id FROM notification WHERE ticket_id = $1 ORDER BY id LIMIT 1")
                    .bind(ticket.0)
                    .fetch_optional(c)
                    .await?
                    .map(|r| r.i64("id"))
                    .transpose()?,
            )
        })
    }

    /// A person's notifications, newest first, below the id `before` when given.
    pub async fn notifications_of(
        &mut self,
        person: PersonId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notification WHERE person_id = $1 AND id < $2
             ORDER BY id DESC LIMIT $3"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// How many of a person's notifications are unread, counted up to `cap`.
    pub async fn unread_notifications(
        &mut self,
        person: PersonId,
        cap: i64,
    ) -> Result<i64, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM (SELECT id FROM notification
                 WHERE person_id = $1 AND read_at IS NULL LIMIT $2) AS unread",
            )
            .bind(person.0)
            .bind(cap)
            .fetch_one(c)
            .await?
            .i64("n")
        })
    }

    /// The notifications waiting for `person`'s next digest, oldest first.
    pub async fn digest_pending(
        &mut self,
        person: PersonId,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notification
             WHERE person_id = $1 AND delivery = 'digest' AND state = 'queued'
             ORDER BY id LIMIT $2"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(person.0)
                .bind(limit)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    /// A person's choice for non-essential notices; immediate when they never chose.
    pub async fn notify_mode(&mut self, person: PersonId) -> Result<NotifyMode, StoreError> {
        let mode: Option<String> = on!(self, |c| {
            sqlx::query("SELECT mode FROM notification_preference WHERE person_id = $1")
                .bind(person.0)
                .fetch_optional(c)
                .await?
                .map(|r| r.text("mode"))
                .transpose()?
        });
        match mode {
            Some(m) => NotifyMode::from_column(m),
            None => Ok(NotifyMode::Immediate),
        }
    }
}
