//! The use cases the broadcast jobs call: list the next batch of recipients (with their in-app
//! notices and their send jobs), read a send job's recipients, mark a few in flight and settle
//! them (one transaction each way), finish.

use crate::{App, AppError};
use chrono::Duration;
use guichet_core::broadcast::{BroadcastStatus, Pace, RecipientState};
use guichet_store::broadcast::{Broadcast, Recipient};
use guichet_store::job::NewJob;
use guichet_store::notification::{Delivery, DeliveryState, NewNotification};
use serde_json::json;

/// The job that lists a broadcast's recipients when it is due.
pub const EXPAND_KIND: &str = "broadcast.expand";
/// The job that mails one batch of recipients.
pub const SEND_KIND: &str = "broadcast.send";
/// People listed per transaction.
const EXPAND_BATCH: i64 = 500;
/// Attempts a send job gets before it is dead (about 4 h of back-off).
const SEND_ATTEMPTS: i64 = 10;

/// What the SMTP server answered for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// Accepted, with the server's answer.
    Sent(&'a str),
    /// Refused for good (5xx).
    Refused(&'a str),
    /// Refused for now (4xx, no answer): stays queued for the job's next try.
    Deferred(&'a str),
}

/// What one listing step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expansion {
    /// Recipients were listed; call again.
    More,
    /// Nothing (more) to list: complete, cancelled, or not yet due.
    Done,
}

impl App {
    /// Lists the next batch of a due broadcast's recipients in one transaction: their rows,
    /// their in-app notices, and one send job per batch of the broadcast's pace, each due at its
    /// place on the schedule. Run again after a crash, it resumes at the broadcast's cursor.
    pub async fn expand_broadcast_step(&self, id: i64) -> Result<Expansion, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let mut b = tx.broadcast(id).await?;
        match b.status {
            BroadcastStatus::Scheduled if b.send_at.is_none_or(|t| t <= now) => {
                tx.set_broadcast_status(
                    id,
                    &[BroadcastStatus::Scheduled],
                    BroadcastStatus::Sending,
                    None,
                    now,
                )
                .await?;
                b.started_at = Some(now);
            }
            BroadcastStatus::Sending if !b.expanded => {}
            // Rescheduled later (that date has its own job), cancelled, or already listed.
            _ => return Ok(Expansion::Done),
        }
        let pace = Pace::for_rate(b.rate_per_minute);
        // Whole batches per step, so each send job is full.
        let limit = pace.size * (EXPAND_BATCH / pace.size).max(1);
        let created = tx.expand_broadcast(&b, limit, now).await?;
        if created.is_empty() {
            tx.finish_broadcast(id, now).await?;
            tx.commit().await?;
            return Ok(Expansion::Done);
        }
        let data = json!({
            "broadcast": id,
            "subject": b.subject_fr,
            "subject_en": b.subject_en,
        });
        for (_, person, _) in &created {
            tx.insert_notification(&NewNotification {
                unique_key: format!("broadcast:{id}:{}", person.0),
                event_id: None,
                person: *person,
                ticket: None,
                kind: "broadcast".into(),
                delivery: Delivery::None,
                state: DeliveryState::Skipped,
                data: data.clone(),
                created_at: now,
            })
            .await?;
        }
        let queued: Vec<i64> = created
            .iter()
            .filter(|(_, _, s)| *s == RecipientState::Queued)
            .map(|(r, ..)| *r)
            .collect();
        let chunks: Vec<&[i64]> = queued.chunks(pace.size as usize).collect();
        let first = tx.take_broadcast_batches(id, chunks.len() as i64).await?;
        let start = b.started_at.unwrap_or(now);
        for (k, chunk) in chunks.iter().enumerate() {
            let (Some(lo), Some(hi)) = (chunk.first(), chunk.last()) else {
                continue;
            };
            let run_at = start + Duration::milliseconds(pace.offset_ms(first + k as i64));
            tx.enqueue(
                &NewJob {
                    kind: SEND_KIND.into(),
                    unique_key: Some(format!("broadcast.send:{id}:{lo}")),
                    payload: json!({ "broadcast": id, "first": lo, "last": hi }),
                    run_at: run_at.max(now),
                    max_attempts: SEND_ATTEMPTS,
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Expansion::More)
    }

    /// A send job's broadcast and its recipients still to mail (none once cancelled).
    pub async fn broadcast_batch(
        &self,
        id: i64,
        first: i64,
        last: i64,
    ) -> Result<(Broadcast, Vec<Recipient>), AppError> {
        let mut conn = self.store().read().await?;
        let b = conn.broadcast(id).await?;
        if b.status == BroadcastStatus::Cancelled {
            return Ok((b, Vec::new()));
        }
        let recipients = conn.queued_recipients(id, first, last).await?;
        Ok((b, recipients))
    }

    /// Records, in one transaction, that the messages of `recipients` are about to be handed
    /// to the SMTP server. For each, false when it moved since it was read (settled, or begun
    /// by another worker that took the job over): then it must not be sent.
    pub async fn begin_broadcast_recipients(
        &self,
        recipients: &[Recipient],
    ) -> Result<Vec<bool>, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let mut begun = Vec::with_capacity(recipients.len());
        for r in recipients {
            begun.push(tx.begin_recipient(r.id, r.attempts, now).await?);
        }
        tx.commit().await?;
        Ok(begun)
    }

    /// Records the server's answers for several recipients in one transaction: sent (its
    /// acceptance), failed (its refusal), or still queued with a passing refusal. A row moves
    /// only from queued, so a retried job never counts or mails a recipient twice.
    pub async fn settle_broadcast_recipients(
        &self,
        outcomes: &[(i64, Outcome<'_>)],
    ) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        for (recipient, outcome) in outcomes {
            match *outcome {
                Outcome::Sent(answer) => {
                    tx.settle_recipient(*recipient, RecipientState::Sent, answer, now)
                        .await?;
                }
                Outcome::Refused(refusal) => {
                    tx.settle_recipient(*recipient, RecipientState::Failed, refusal, now)
                        .await?;
                }
                Outcome::Deferred(passing) => tx.defer_recipient(*recipient, passing).await?,
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// [`App::settle_broadcast_recipients`] for one recipient.
    pub async fn settle_broadcast_recipient(
        &self,
        recipient: i64,
        outcome: Outcome<'_>,
    ) -> Result<(), AppError> {
        self.settle_broadcast_recipients(&[(recipient, outcome)])
            .await
    }

    /// Marks the broadcast sent when nothing is left to list or mail.
    pub async fn finish_broadcast(&self, id: i64) -> Result<bool, AppError> {
        let mut tx = self.store().write().await?;
        let done = tx.finish_broadcast(id, self.now()).await?;
        tx.commit().await?;
        Ok(done)
    }
}
