//! Delivery reports: tied to the notice they answer (its Message-ID carries the ticket and the
//! notification's number), that notice marked `bounced`, an internal note on the ticket, and
//! the address counted; after N permanent failures it is mailed no more (in-app only) until an
//! administrator clears it or mail arrives from it. A report on a broadcast's message
//! (`<broadcast-B.P@domain>`: the broadcast and the person) marks that recipient `bounced`
//! with the remote server's words, which the broadcast's page shows, and counts the address
//! the same way. Never answered.

use super::thread::our_message_id;
use super::{IngestOutcome, Received};
use crate::{App, AppError};
use guichet_core::PersonId;
use guichet_core::ticket::EntryKind;
use guichet_mail::inbound::Bounce;
use guichet_store::StoreError;
use guichet_store::intake::InboundState;
use guichet_store::notification::DeliveryState;
use guichet_store::ticket::timeline::NewEntry;
use serde_json::json;

/// `broadcast-B.P@domain` → (B, P) when `domain` is ours (see `guichet_jobs::broadcast`).
fn our_broadcast_id(id: &str, domain: &str) -> Option<(i64, PersonId)> {
    let (local, d) = id.trim_matches(['<', '>']).rsplit_once('@')?;
    if !d.eq_ignore_ascii_case(domain) {
        return None;
    }
    let (broadcast, person) = local.strip_prefix("broadcast-")?.split_once('.')?;
    Some((broadcast.parse().ok()?, PersonId(person.parse().ok()?)))
}

impl App {
    pub(crate) async fn record_bounce(
        &self,
        r: &Received<'_>,
        b: &Bounce,
    ) -> Result<IngestOutcome, AppError> {
        let domain = &self.config().intake.message_domain;
        let ids: Vec<&str> = b
            .original_message_ids
            .iter()
            .map(String::as_str)
            .chain(r.msg.answered_ids())
            .collect();
        let notice = ids.iter().find_map(|id| our_message_id(id, domain));
        let broadcast = ids.iter().find_map(|id| our_broadcast_id(id, domain));
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
        // A delay (4.x.x) is not a failure: the server is still trying.
        if b.permanent
            && found.is_none()
            && let Some((id, person)) = broadcast
        {
            let report = match &b.diagnostic {
                Some(words) => format!("{status} {words}"),
                None => status.clone(),
            };
            tx.bounce_recipient(id, person, &report).await?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broadcast_message_id_names_the_broadcast_and_the_person() {
        let ours = "guichet.ac-dijon.fr";
        assert_eq!(
            our_broadcast_id("<broadcast-12.3456@guichet.ac-dijon.fr>", ours),
            Some((12, PersonId(3456)))
        );
        assert_eq!(
            our_broadcast_id("broadcast-12.3456@GUICHET.ac-dijon.fr", ours),
            Some((12, PersonId(3456)))
        );
        for other in [
            "broadcast-12.3456@elsewhere.fr",
            "ticket-2026-000001.5@guichet.ac-dijon.fr",
            "broadcast-12@guichet.ac-dijon.fr",
            "broadcast-x.3456@guichet.ac-dijon.fr",
            "broadcast-12.3456",
        ] {
            assert_eq!(our_broadcast_id(other, ours), None, "{other}");
        }
    }
}
