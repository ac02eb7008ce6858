//! Notifications: from each committed ticket event, one recorded notice per recipient (with a
//! unique key, so a retried job never records or mails twice), its email queued as a job of
//! its own or kept for the person's daily digest; the delivery outcome; and the in-app list
//! with its unread count and the person's preference.
//!
//! Who is told what is [`recipients`]; rendering and SMTP are `guichet-mail`'s, driven by the
//! handlers in `guichet-jobs`. Nothing here sends mail.

pub mod recipients;

use crate::{App, AppError, Caller};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::ticket::EventKind;
use guichet_core::{GroupId, PersonId, TicketId};
use guichet_store::Tx;
use guichet_store::job::NewJob;
use guichet_store::notification::{
    Delivery, DeliveryState, NewNotification, Notification, NotifyMode,
};
use guichet_store::person::Person;
use recipients::{ESSENTIAL, Situation};
use serde_json::{Value, json};

/// The job that mails one notification.
pub const SEND_KIND: &str = "notify.send";
/// The job that mails one person's digest.
pub const DIGEST_KIND: &str = "notify.digest";
/// Attempts an email gets before its job is dead (about 4 h of back-off).
const SEND_ATTEMPTS: i64 = 10;

/// A committed ticket event, as the outbox job carries it.
#[derive(Debug, Clone)]
pub struct TicketEvent {
    pub id: i64,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    pub ticket: Option<TicketId>,
    pub actor: Option<PersonId>,
    pub payload: Value,
}

impl TicketEvent {
    /// Reads the payload of an `outbox.event` job; `None` when it is not one.
    pub fn from_job(payload: &Value) -> Option<Self> {
        Some(Self {
            id: payload["event_id"].as_i64()?,
            kind: EventKind::parse(payload["event"].as_str()?).ok()?,
            at: serde_json::from_value(payload["at"].clone()).ok()?,
            ticket: payload["ticket"].as_i64().map(TicketId),
            actor: payload["actor"].as_i64().map(PersonId),
            payload: payload["payload"].clone(),
        })
    }
}

/// How notices go out from this instance.
#[derive(Debug, Clone, Copy)]
pub struct NotifySettings {
    /// An SMTP server is configured: emails are queued; otherwise notices stay in-app.
    pub email: bool,
    /// Hour (UTC) of the daily digest.
    pub digest_hour: u32,
}

/// One notification to mail, with what its message needs.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub notification: Notification,
    pub recipient: Person,
    /// The ticket's first notification, which this one threads onto.
    pub thread_root: Option<i64>,
}

/// The next digest moment after `now`.
fn next_digest(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let at = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date_naive().and_time(at).and_utc();
    if today > now {
        today
    } else {
        today + Duration::days(1)
    }
}

fn how(
    kind: &str,
    mode: NotifyMode,
    active: bool,
    s: &NotifySettings,
) -> (Delivery, DeliveryState) {
    if !s.email || !active {
        return (Delivery::None, DeliveryState::Skipped);
    }
    match mode {
        _ if ESSENTIAL.contains(&kind) => (Delivery::Email, DeliveryState::Queued),
        NotifyMode::Immediate => (Delivery::Email, DeliveryState::Queued),
        NotifyMode::Digest => (Delivery::Digest, DeliveryState::Queued),
        NotifyMode::Off => (Delivery::None, DeliveryState::Skipped),
    }
}

impl App {
    /// Records the notices of one event and queues their emails, in one transaction. Running
    /// it again for the same event changes nothing. Returns the notices recorded this time.
    pub async fn notify_event(
        &self,
        event: &TicketEvent,
        settings: &NotifySettings,
    ) -> Result<usize, AppError> {
        let Some(ticket_id) = event.ticket else {
            return Ok(0);
        };
        let now = self.now();
        let mut tx = self.store().write().await?;
        let ticket = tx.ticket(ticket_id).await?;
        let p = &event.payload;
        let status = p["status"]
            .as_str()
            .and_then(|s| Status::parse(s).ok())
            .unwrap_or(ticket.status);
        let group = match p.get("group") {
            Some(g) => g.as_i64().map(GroupId),
            None => ticket.group,
        };
        let assignee = match p.get("assignee") {
            Some(a) => a.as_i64().map(PersonId),
            None => ticket.assignee,
        };
        let waiting_on_requester = match event.kind {
            EventKind::Replied => status == Status::Waiting,
            EventKind::Waiting => {
                p["details"]["waiting_on"].as_str() == Some(WaitingOn::Requester.as_str())
            }
            _ => false,
        };
        let group_members = match group {
            Some(g) => tx.group_members(g).await?,
            None => Vec::new(),
        };
        // At a breach, the managers of the group that missed the target, which the same
        // event may have escalated the ticket away from.
        let group_managers = if event.kind == EventKind::SlaBreached {
            let missed = match p["details"]["escalation"]["group"]["from"].as_str() {
                Some(code) => tx.group_by_code(code).await.ok().map(|g| g.id),
                None => group,
            };
            match missed {
                Some(g) => tx.group_managers(g).await?,
                None => Vec::new(),
            }
        } else {
            Vec::new()
        };
        let situation = Situation {
            event: event.kind,
            actor: event.actor,
            requester: ticket.requester,
            watchers: ticket.watchers.clone(),
            status,
            waiting_on_requester,
            assignee,
            group_members,
            group_managers,
        };
        let mut list: Vec<(PersonId, &'static str, Option<PersonId>)> =
            recipients::recipients(&situation)
                .into_iter()
                .map(|r| (r.person, r.kind, None))
                .collect();
        // An absent agent's notices also reach the colleague standing in for them.
        let requester_side: Vec<PersonId> = std::iter::once(ticket.requester)
            .chain(ticket.watchers.iter().copied())
            .collect();
        for (person, kind, _) in list.clone() {
            if requester_side.contains(&person) {
                continue;
            }
            if let Some(a) = tx.absence_in_force(person, event.at).await?
                && Some(a.delegate) != event.actor
                && !list.iter().any(|(p, ..)| *p == a.delegate)
            {
                list.push((a.delegate, kind, Some(person)));
            }
        }
        let mut common = json!({
            "reference": ticket.reference,
            "subject": ticket.subject,
        });
        if let Some(actor) = event.actor {
            common["actor"] = json!(tx.person(actor).await?.display_name);
        }
        if let Some(g) = group {
            common["group"] = json!(tx.group(g).await?.name);
        }
        let body = match event.kind {
            EventKind::Replied | EventKind::RequesterReplied => {
                let entry = p["details"]["entry"].as_i64();
                tx.timeline(ticket.id, false)
                    .await?
                    .into_iter()
                    .find(|e| Some(e.id.0) == entry)
                    .map(|e| e.body)
            }
            EventKind::Resolved => ticket.solution.clone(),
            _ => None,
        };
        if let Some(b) = body {
            common["body"] = json!(b);
        }
        let mut recorded = 0;
        for (person, kind, on_behalf_of) in list {
            let who = tx.person(person).await?;
            let mode = tx.notify_mode(person).await?;
            // An address that keeps bouncing is told in the application only (see `intake`).
            let bouncing = tx.address_record(&who.email).await?.bouncing;
            let (delivery, state) = how(kind, mode, who.active && !bouncing, settings);
            let mut data = common.clone();
            data["audience"] = json!(if requester_side.contains(&person) {
                "requester"
            } else {
                "agent"
            });
            if let Some(absent) = on_behalf_of {
                data["on_behalf_of"] = json!(tx.person(absent).await?.display_name);
            }
            let (n, created) = tx
                .insert_notification(&NewNotification {
                    unique_key: format!("event:{}:{}", event.id, person.0),
                    event_id: Some(event.id),
                    person,
                    ticket: Some(ticket.id),
                    kind: kind.to_owned(),
                    delivery,
                    state,
                    data,
                    created_at: now,
                })
                .await?;
            if created {
                recorded += 1;
            }
            queue_email(&mut tx, &n, settings, now).await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// The notification `id` if its email is still to send, with its recipient and thread.
    pub async fn outgoing(&self, id: i64) -> Result<Option<Outgoing>, AppError> {
        let mut conn = self.store().read().await?;
        let n = conn.notification(id).await?;
        if n.delivery != Delivery::Email || n.state != DeliveryState::Queued {
            return Ok(None);
        }
        let recipient = conn.person(n.person).await?;
        let thread_root = match n.ticket {
            Some(t) => conn.first_notification_of(t).await?,
            None => None,
        };
        Ok(Some(Outgoing {
            notification: n,
            recipient,
            thread_root,
        }))
    }

    /// Records the server's answer for notifications `ids`: accepted (sent) or refused
    /// (failed, with the refusal).
    pub async fn record_delivery(
        &self,
        ids: &[i64],
        outcome: Result<&str, &str>,
    ) -> Result<(), AppError> {
        let now = self.now();
        let (state, answer) = match outcome {
            Ok(a) => (DeliveryState::Sent, a),
            Err(a) => (DeliveryState::Failed, a),
        };
        let mut tx = self.store().write().await?;
        for id in ids {
            tx.set_notification_state(*id, state, Some(answer), now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a passing refusal (4xx, no answer): the notifications stay queued for the next
    /// try, with the server's last answer for administrators to read.
    pub async fn record_deferral(&self, ids: &[i64], answer: &str) -> Result<(), AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        for id in ids {
            tx.set_notification_state(*id, DeliveryState::Queued, Some(answer), now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The person and the notices waiting for their digest (none: nothing to send).
    pub async fn digest_of(
        &self,
        person: PersonId,
    ) -> Result<Option<(Person, Vec<Notification>)>, AppError> {
        let mut conn = self.store().read().await?;
        let pending = conn.digest_pending(person, 500).await?;
        if pending.is_empty() {
            return Ok(None);
        }
        Ok(Some((conn.person(person).await?, pending)))
    }

    /// The caller's notifications, newest first, below `before` when given.
    pub async fn my_notifications(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Notification>, AppError> {
        let me = caller.person_id().ok_or(AppError::NotFound("person"))?;
        let mut conn = self.store().read().await?;
        Ok(conn
            .notifications_of(me, before, limit.clamp(1, 100))
            .await?)
    }

    /// How many of the caller's notifications are unread (counted up to 100).
    pub async fn unread_notifications(&self, caller: &Caller) -> Result<i64, AppError> {
        let Some(me) = caller.person_id() else {
            return Ok(0);
        };
        let mut conn = self.store().read().await?;
        Ok(conn.unread_notifications(me, 100).await?)
    }

    /// Marks the caller's notifications read: those listed, or all. Others' are untouched.
    pub async fn mark_notifications_read(
        &self,
        caller: &Caller,
        ids: Option<&[i64]>,
    ) -> Result<u64, AppError> {
        let me = caller.person_id().ok_or(AppError::NotFound("person"))?;
        let mut tx = self.store().write().await?;
        let n = tx.mark_notifications_read(me, ids, self.now()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The caller's choice for non-essential notices.
    pub async fn notify_mode(&self, caller: &Caller) -> Result<NotifyMode, AppError> {
        let me = caller.person_id().ok_or(AppError::NotFound("person"))?;
        let mut conn = self.store().read().await?;
        Ok(conn.notify_mode(me).await?)
    }

    /// Sets the caller's choice: `immediate`, `digest` or `off`.
    pub async fn set_notify_mode(&self, caller: &Caller, mode: &str) -> Result<(), AppError> {
        let me = caller.person_id().ok_or(AppError::NotFound("person"))?;
        let mode = NotifyMode::parse(mode).ok_or(AppError::invalid("mode", "invalid"))?;
        let mut tx = self.store().write().await?;
        tx.set_notify_mode(me, mode, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Queues the job that mails `n` now, or the one that mails its person's next digest.
async fn queue_email(
    tx: &mut Tx,
    n: &Notification,
    settings: &NotifySettings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if n.state != DeliveryState::Queued {
        return Ok(());
    }
    let job = match n.delivery {
        Delivery::Email => NewJob {
            kind: SEND_KIND.into(),
            unique_key: Some(format!("notify:{}", n.id)),
            payload: json!({ "notification": n.id }),
            run_at: now,
            max_attempts: SEND_ATTEMPTS,
        },
        Delivery::Digest => {
            let at = next_digest(now, settings.digest_hour);
            NewJob {
                kind: DIGEST_KIND.into(),
                unique_key: Some(format!("digest:{}:{}", n.person.0, at.date_naive())),
                payload: json!({ "person": n.person.0 }),
                run_at: at,
                max_attempts: SEND_ATTEMPTS,
            }
        }
        Delivery::None => return Ok(()),
    };
    tx.enqueue(&job, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_digest_goes_out_at_the_next_hour() {
        let t = |h, m| {
            Utc.with_ymd_and_hms(2026, 9, 1, h, m, 0)
                .single()
                .expect("date")
        };
        assert_eq!(next_digest(t(8, 0), 16), t(16, 0));
        let next = next_digest(t(16, 0), 16);
        assert_eq!(next, t(16, 0) + Duration::days(1));
    }

    #[test]
    fn essential_notices_are_mailed_whatever_the_choice() {
        let on = NotifySettings {
            email: true,
            digest_hour: 16,
        };
        assert_eq!(
            how("received", NotifyMode::Off, true, &on).0,
            Delivery::Email
        );
        assert_eq!(
            how("resolved", NotifyMode::Digest, true, &on).0,
            Delivery::Email
        );
        assert_eq!(
            how("reply", NotifyMode::Digest, true, &on).0,
            Delivery::Digest
        );
        assert_eq!(how("reply", NotifyMode::Off, true, &on).0, Delivery::None);
        assert_eq!(
            how("reply", NotifyMode::Immediate, false, &on).0,
            Delivery::None
        );
        let off = NotifySettings {
            email: false,
            digest_hour: 16,
        };
        assert_eq!(
            how("received", NotifyMode::Immediate, true, &off).0,
            Delivery::None
        );
    }
}
