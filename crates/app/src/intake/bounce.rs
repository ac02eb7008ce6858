//! Delivery reports: tied to the notice they answer (its Message-ID carries the ticket and the
//! notification's number), that notice marked `bounced`, an internal note on the ticket, and
//! the address counted; after N permanent failures it is mailed no more (in-app only) until an
//! administrator clears it or mail arrives from it. Never answered.

use super::thread::our_message_id;
use super::{IngestOutcome, Received};
use crate::{App, AppError};
use guichet_core::ticket::EntryKind;
use guichet_mail::inbound::Bounce;
use guichet_store::StoreError;
use guichet_store::intake::InboundState;
use guichet_store::notification::DeliveryState;
use guichet_store::ticket::timeline::NewEntry;
use serde_json::json;

impl App {
    pub(crate) async fn record_bounce(
        &self,
        r: &Received<'_>,
        b: &Bounce,
    ) -> Result<IngestOutcome, AppError> {
        let domain = &self.config().intake.message_domain;
        let notice = b
            .original_message_ids
            .iter()
            .chain(
                r.msg
                    .answered_ids()
                    .map(ToOwned::to_owned)
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .find_map(|id| our_message_id(id, domain));
        let mut tx = self.store().write().await?;
        // The notification, when it is ours and still exists (not after a restore).
        let found = match notice {
            Some((reference, n)) => match tx.notification(n).await {
                Ok(note) => {
                    let ticket = match note.ticket {
                        Some(t) => Some(tx.ticket(t).await?),
                        None => None,
                    };
                    ticket
                        .filter(|t| t.reference == reference)
                        .map(|t| (note, t))
                }
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let mut rec = r.record(InboundState::Bounce, Vec::new());
        let status = b.status.clone().unwrap_or_default();
        let reference = match &found {
            Some((note, ticket)) => {
                let recipient = match b.recipients.first() {
                    Some(a) => a.clone(),
                    None => tx.person(note.person).await?.email,
                };
                if b.permanent {
                    tx.set_notification_state(
                        note.id,
                        DeliveryState::Bounced,
                        Some(&format!("{status} {recipient}")),
                        r.now,
                    )
                    .await?;
                }
                let entry = tx
                    .add_entry(&NewEntry {
                        ticket: ticket.id,
                        kind: EntryKind::Note,
                        public: false,
                        author: None,
                        body: format!("{recipient} : {status}"),
                        data: json!({
                            "bounce": {
                                "recipient": recipient,
                                "status": status,
                                "permanent": b.permanent,
                                "notification": note.id,
                            }
                        }),
                        created_at: r.now,
                    })
                    .await?;
                rec.ticket = Some(ticket.id);
                rec.entry = Some(entry);
                Some(ticket.reference.to_string())
            }
            None => None,
        };
        if b.permanent {
            let threshold = i64::from(self.config().intake.bounce_threshold);
            for address in &b.recipients {
                tx.record_bounce(address, threshold, r.now).await?;
            }
        }
        tx.insert_inbound(&rec).await?;
        tx.commit().await?;
        Ok(IngestOutcome::Bounce { reference })
    }
}
