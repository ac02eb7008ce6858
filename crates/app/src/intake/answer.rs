//! Quarantine and the one explanation a refused sender receives: never for automatic mail
//! (those are ignored before the policy), at most a few automatic answers per address and day,
//! queued as a job in the quarantine's own transaction so that it is sent once.

use super::{IngestOutcome, Received};
use crate::{App, AppError};
use guichet_core::TicketId;
use guichet_core::intake::Reason;
use guichet_store::intake::InboundState;
use guichet_store::job::NewJob;
use serde_json::json;

/// The job that mails a refused sender the explanation.
pub const EXPLAIN_KIND: &str = "intake.explain";

impl App {
    /// Records the message as quarantined with its reasons and queues the explanation.
    pub(crate) async fn quarantine(
        &self,
        r: &Received<'_>,
        reasons: Vec<Reason>,
        ticket: Option<TicketId>,
    ) -> Result<IngestOutcome, AppError> {
        let mut rec = r.record(InboundState::Quarantined, reasons.clone());
        rec.ticket = ticket;
        let mut tx = self.store().write().await?;
        let id = tx.insert_inbound(&rec).await?;
        let sender = r.sender();
        let cap = i64::from(self.config().intake.auto_answers_per_day);
        // A loop header was caught as automatic before; this is the last guard: never answer
        // an address of our own mailboxes.
        let ours = self
            .config()
            .intake
            .mailboxes
            .iter()
            .any(|m| m.address.eq_ignore_ascii_case(&sender));
        if !sender.is_empty() && !ours && tx.take_auto_answer(&sender, &r.day, cap).await? {
            tx.enqueue(
                &NewJob {
                    kind: EXPLAIN_KIND.into(),
                    unique_key: Some(format!("intake.explain:{id}")),
                    payload: json!({
                        "inbound": id,
                        "to": sender,
                        "mailbox": r.mailbox.address,
                        "subject": r.msg.subject,
                        "message_id": r.msg.message_id,
                        "reasons": reasons.iter().map(|x| &x.code).collect::<Vec<_>>(),
                    }),
                    run_at: r.now,
                    max_attempts: 10,
                },
                r.now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(IngestOutcome::Quarantined { id, reasons })
    }
}
