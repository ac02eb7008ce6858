//! Threading: a message answering one of our notices (its `In-Reply-To`/`References` name a
//! Message-ID we made, `<ticket-REF.N@our-domain>`) or carrying the subject tag
//! `[Guichet #REF]` belongs to that ticket. The reference alone is enough, so a reply to a
//! notice sent before a restore still threads.

use super::request::uploads;
use super::{IngestOutcome, Received};
use crate::{App, AppError, Caller};
use chrono::Duration;
use guichet_core::intake::{Authenticated, Facts, SenderStatus};
use guichet_core::lifecycle::{Move, Status, WaitingOn};
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind, TicketRef};
use guichet_mail::inbound::Inbound;
use guichet_store::StoreError;
use guichet_store::intake::InboundState;
use guichet_store::ticket::Ticket;
use serde_json::json;

/// `ticket-REF.N@domain` → (REF, N) when `domain` is ours.
pub(crate) fn our_message_id(id: &str, domain: &str) -> Option<(TicketRef, i64)> {
    let (local, d) = id.trim_matches(['<', '>']).rsplit_once('@')?;
    if !d.eq_ignore_ascii_case(domain) {
        return None;
    }
    let rest = local.strip_prefix("ticket-")?;
    let (reference, n) = rest.rsplit_once('.')?;
    Some((TicketRef::parse(reference).ok()?, n.parse().ok()?))
}

/// The reference in a subject tag `[Guichet #REF]`.
pub(crate) fn subject_tag(subject: &str) -> Option<TicketRef> {
    let at = subject.find("[Guichet #")?;
    let rest = &subject[at + "[Guichet #".len()..];
    let end = rest.find(']')?;
    TicketRef::parse(rest[..end].trim()).ok()
}

impl App {
    /// The ticket `msg` answers, if it answers one that exists.
    pub(crate) async fn threaded_ticket(&self, msg: &Inbound) -> Result<Option<Ticket>, AppError> {
        let domain = &self.config().intake.message_domain;
        let by_id = msg
            .answered_ids()
            .find_map(|id| our_message_id(id, domain).map(|(r, _)| r));
        let Some(reference) = by_id.or_else(|| subject_tag(&msg.subject)) else {
            return Ok(None);
        };
        match self
            .store()
            .read()
            .await?
            .ticket_by_reference(reference)
            .await
        {
            Ok(t) => Ok(Some(t)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A message on `ticket`: the sender must be who they say (domain, authentication) and its
    /// requester or a watcher. It becomes a reply (reopening the ticket within the reopen
    /// window), or, when the ticket is finished for good, a new request linked to it.
    pub(crate) async fn reply_by_mail(
        &self,
        r: &Received<'_>,
        ticket: Ticket,
    ) -> Result<IngestOutcome, AppError> {
        let policy = &r.mailbox.policy;
        let sender = r.sender();
        let person = match self.store().read().await?.person_by_email(&sender).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let facts = Facts {
            sender: r.msg.sender(),
            size: r.raw.len(),
            authenticated: self.authenticated(r),
            keyword: true,
            accepted_today: 0,
            status: SenderStatus::Active { has_role: true },
        };
        let mut verdict = policy.check_sender(r.mailbox.max_bytes, &facts);
        let participant = person
            .as_ref()
            .filter(|p| p.active && (p.id == ticket.requester || ticket.watchers.contains(&p.id)));
        if participant.is_none() && verdict.accepted() {
            verdict.reasons.push(guichet_core::intake::Reason::new(
                "intake.not_participant",
                ticket.reference.to_string(),
            ));
        }
        let Some(person) = participant.cloned().filter(|_| verdict.accepted()) else {
            return self.quarantine(r, verdict.reasons, Some(ticket.id)).await;
        };

        let is_requester = person.id == ticket.requester;
        let window = Duration::days(self.config().reopen_window_days);
        let finished_at = ticket.closed_at.or(ticket.resolved_at);
        let reopen = match ticket.status {
            Status::Resolved | Status::Closed => {
                is_requester && finished_at.is_some_and(|at| r.now - at <= window)
            }
            _ => false,
        };
        let finished =
            ticket.status.is_terminal() || ticket.status == Status::Resolved && is_requester;
        if finished && !reopen {
            // Finished for good: a new request, linked to the old one (the policy applies).
            return self.request_by_mail(r, Some(ticket)).await;
        }

        // Intake has checked the sender: the reply is written in their name with Guichet's
        // rights, so that a closed ticket can reopen within the window.
        let caller = Caller {
            person: Some(person.clone()),
            ..Caller::system(&format!("mail {}", r.mailbox.name))
        };
        let (files, dropped) = uploads(self, r);
        let mut c = self.change(&caller, ticket.id, TicketAction::Reply).await?;
        if reopen {
            let assigned = c.ticket.assignee.is_some();
            c.apply(Move::Reopen { assigned })?;
        } else if is_requester
            && c.ticket.status == Status::Waiting
            && c.ticket.waiting_on == Some(WaitingOn::Requester)
        {
            c.apply(Move::Resume)?;
        }
        let body = body_of(&r.msg.reply_text, &r.msg.text);
        let data = json!({
            "channel": "email",
            "mail": mail_data(r, verdict.unverified, &dropped),
        });
        let entry = c.entry(EntryKind::Reply, true, &body, data).await?;
        let stored =
            crate::ticket::attach::store_all(&mut c.tx, c.ticket.id, entry, &files, c.now).await?;
        let mut record = r.record(InboundState::Reply, Vec::new());
        record.ticket = Some(c.ticket.id);
        record.entry = Some(entry);
        c.tx.insert_inbound(&record).await?;
        let reference = c.ticket.reference.to_string();
        let event = if reopen {
            EventKind::Reopened
        } else {
            EventKind::RequesterReplied
        };
        let details = json!({ "entry": entry, "attachments": stored.len(), "channel": "email" });
        c.finish(event, "reply", details).await?;
        Ok(IngestOutcome::Reply {
            reference,
            reopened: reopen,
        })
    }

    /// The académie MTA's verdict on the sender, read from its `Authentication-Results`.
    pub(crate) fn authenticated(&self, r: &Received<'_>) -> Authenticated {
        use guichet_mail::inbound::{AuthVerdict, authentication};
        let from = r.msg.sender().unwrap_or_default();
        let domain = guichet_core::intake::domain_of(from);
        match authentication(
            &r.msg.authentication_results,
            &r.mailbox.policy.authserv_id,
            domain,
        ) {
            AuthVerdict::Pass => Authenticated::Pass,
            AuthVerdict::Fail => Authenticated::Fail,
            AuthVerdict::Unknown => Authenticated::Unknown,
        }
    }
}

/// The text a timeline entry shows: the reply without its quoted history, else the whole text,
/// bounded like any entry.
pub(crate) fn body_of(reply: &str, text: &str) -> String {
    let t = if reply.trim().is_empty() { text } else { reply };
    let t: String = t.trim().chars().take(20_000).collect();
    if t.is_empty() { "—".into() } else { t }
}

/// What the desk sees of the message on its entry.
pub(crate) fn mail_data(
    r: &Received<'_>,
    unverified: bool,
    dropped: &[String],
) -> serde_json::Value {
    json!({
        "mailbox": r.mailbox.name,
        "address": r.mailbox.address,
        "from": r.sender(),
        "message_id": r.msg.message_id,
        "unverified": unverified,
        "dropped_attachments": dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_message_ids_carry_the_reference() {
        let (r, n) = our_message_id(
            "ticket-2026-000123.7@guichet.ac-dijon.fr",
            "guichet.ac-dijon.fr",
        )
        .expect("ours");
        assert_eq!((r.to_string().as_str(), n), ("2026-000123", 7));
        assert!(
            our_message_id("ticket-2026-000123.7@other.example", "guichet.ac-dijon.fr").is_none()
        );
        assert!(our_message_id("CAF=abc@mail.gmail.com", "guichet.ac-dijon.fr").is_none());
    }

    #[test]
    fn the_subject_tag_names_the_ticket() {
        let r = subject_tag("RE: [Guichet #2026-000042] Bulletins").expect("tag");
        assert_eq!(r.to_string(), "2026-000042");
        assert!(subject_tag("Guichet 2026-000042").is_none());
        assert!(subject_tag("[Guichet #pas-une-ref]").is_none());
    }
}
