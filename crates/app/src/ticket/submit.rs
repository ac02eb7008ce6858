//! Submitting a request, from any front door.

use super::attach::{self, Upload};
use crate::error::NotFoundAs;
use crate::routing::RoutingInput;
use crate::{App, AppError, Caller};
use guichet_core::error::required_text;
use guichet_core::lifecycle::Status;
use guichet_core::org::OrgKind;
use guichet_core::permission::{GlobalAction, may_global, may_submit_for};
use guichet_core::search::index_text;
use guichet_core::ticket::{Channel, EventKind, Impact, Priority, TicketType, Urgency};
use guichet_core::{ApplicationId, OrgNodeId, PersonId};
use guichet_store::audit::AuditRecord;
use guichet_store::desk::Group;
use guichet_store::intake::NewInbound;
use guichet_store::org::TicketZone;
use guichet_store::outbox::NewEvent;
use guichet_store::ticket::submission::{NewSubmission, SubmittedEntry};
use guichet_store::ticket::{NewTicket, Ticket};
use serde_json::json;

/// A request as typed in a form, an email or an API call.
#[derive(Debug, Clone)]
pub struct SubmitTicket {
    /// Filed by an agent for someone else (phone intake); `None`: for the caller.
    pub on_behalf_of: Option<PersonId>,
    /// `None`: the requester's establishment when they have exactly one.
    pub establishment: Option<OrgNodeId>,
    pub application: Option<ApplicationId>,
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub subject: String,
    pub body: String,
    pub urgency: Urgency,
    pub impact: Impact,
    pub attachments: Vec<Upload>,
}

/// What a received message adds to its submission.
#[derive(Debug)]
pub(crate) struct Mailed {
    /// Recorded in the submission's transaction, so that a second delivery undoes it all;
    /// `None` when it was recorded before (a message released from quarantine).
    pub inbound: Option<NewInbound>,
    /// Kept on the first entry for the desk.
    pub data: serde_json::Value,
    /// The address of the mailbox it came in through, for `mailbox` routing conditions.
    pub address: String,
}

impl App {
    /// Files a new request: it lands in the application's group (or the intake group) as `new`.
    pub async fn submit(&self, caller: &Caller, req: SubmitTicket) -> Result<Ticket, AppError> {
        self.submit_with(caller, req, None).await
    }

    /// [`App::submit`] for a received message, when `mailed` is given.
    pub(crate) async fn submit_with(
        &self,
        caller: &Caller,
        req: SubmitTicket,
        mailed: Option<Mailed>,
    ) -> Result<Ticket, AppError> {
        let (inbound, mail, mailbox) = match mailed {
            Some(m) => (m.inbound, Some(m.data), Some(m.address.to_lowercase())),
            None => (None, None, None),
        };
        may_global(&caller.subject, GlobalAction::Submit)?;
        let subject = required_text("subject", &req.subject, 200)?;
        let body = required_text("body", &req.body, 50_000)?;
        attach::validate(self.config(), &req.attachments)?;

        // Naming oneself is filing one's own request: the same rules as naming nobody.
        let on_behalf_of = req
            .on_behalf_of
            .filter(|id| Some(*id) != caller.person_id());
        // Reads go through the cache (reference data) or a connection taken only when needed:
        // the common case, a requester filing for their own school, reads nothing here.
        let requester = match on_behalf_of {
            Some(id) => {
                may_global(&caller.subject, GlobalAction::SubmitOnBehalf)?;
                let mut conn = self.store().read().await?;
                let p = conn.person(id).await.or_not_found("requester")?;
                if !p.active {
                    return Err(AppError::invalid("on_behalf_of", "person.inactive"));
                }
                p.id
            }
            None => caller
                .person_id()
                .ok_or(AppError::invalid("on_behalf_of", "required"))?,
        };
        let establishment = match req.establishment {
            Some(e) => Some(e),
            None if on_behalf_of.is_none() => only(&caller.subject.establishments),
            // Phone intake: the requester's school when they have only one, so that the ticket
            // sits in its zone for the director, the IEN and the DASEN.
            None => {
                let roles = self.store().read().await?.roles_of(requester).await?;
                let mut schools: Vec<OrgNodeId> = roles
                    .iter()
                    .filter(|r| r.node_kind == OrgKind::Etablissement)
                    .map(|r| r.node)
                    .collect();
                schools.dedup();
                only(&schools)
            }
        };
        let zone = match establishment {
            Some(e) => {
                let node = self.node_by_id(e).await.or_not_found("establishment")?;
                if !matches!(node.kind, OrgKind::Etablissement | OrgKind::Partner) {
                    return Err(AppError::invalid("establishment", "establishment.kind"));
                }
                if on_behalf_of.is_none() {
                    may_submit_for(&caller.subject, e)?;
                }
                self.zone_of(node).await?
            }
            None => TicketZone::default(),
        };
        let application = match req.application {
            Some(id) => {
                let app = self
                    .application_by_id(id)
                    .await
                    .or_not_found("application")?;
                if !app.active {
                    return Err(AppError::invalid("application", "application.inactive"));
                }
                Some(app)
            }
            None => None,
        };
        let group = match application.as_ref().and_then(|a| a.default_group) {
            Some(g) => self.group_by_id(g).await?,
            None => self.intake_group().await?,
        };

        let now = self.now();
        let routed = self
            .route_new_ticket(RoutingInput {
                group,
                application,
                priority: Priority::from_matrix(req.urgency, req.impact),
                channel: req.channel,
                ticket_type: req.ticket_type,
                requester,
                establishment: zone.path.clone(),
                subject: &subject,
                body: &body,
                mailbox: mailbox.as_deref(),
                now,
            })
            .await?;
        let (group, application) = (&routed.group, &routed.application);
        let actor = caller.person_id();
        let details = json!({
            "group": group.code,
            "application": application.as_ref().map(|a| &a.code),
            "on_behalf_of": on_behalf_of,
            "rules": routed.rules,
        });
        let origin = caller.origin.clone();
        let terms = index_text(&format!("{subject}\n{body}"));
        let submission = NewSubmission {
            ticket: NewTicket {
                ticket_type: req.ticket_type,
                channel: req.channel,
                status: Status::New,
                urgency: req.urgency,
                impact: req.impact,
                priority: routed.priority,
                application: application.as_ref().map(|a| a.id),
                requester,
                created_by: actor.unwrap_or(requester),
                zone,
                group: Some(group.id),
                level: routed.level,
                subject,
                created_at: now,
            },
            entry: SubmittedEntry {
                public: true,
                author: actor,
                body,
                data: match mail {
                    Some(mail) => json!({ "channel": req.channel, "mail": mail }),
                    None => json!({ "channel": req.channel }),
                },
            },
            attachments: req.attachments.iter().map(attach::to_new).collect(),
            terms,
            routing: routed.routing,
            inbound,
            // The reference is known only inside the write: the records are made there.
            records: Box::new(move |ticket| {
                let audit = AuditRecord {
                    at: now,
                    actor,
                    action: "ticket.submit".into(),
                    object_type: "ticket",
                    object_id: ticket.reference.to_string(),
                    origin,
                    details: details.clone(),
                };
                let event = NewEvent {
                    at: now,
                    kind: EventKind::Submitted,
                    ticket: Some(ticket.id),
                    actor,
                    payload: json!({
                        "reference": ticket.reference,
                        "requester": requester,
                        "details": details,
                    }),
                };
                (audit, event)
            }),
        };
        Ok(self.store().submit_ticket(submission).await?.ticket)
    }

    /// The queue for requests nothing else routes: the configured group, else the first N1.
    async fn intake_group(&self) -> Result<Group, AppError> {
        if let Some(g) = self.cache().intake_group(&()) {
            return Ok(g);
        }
        let stamp = self.cache().stamp();
        let mut conn = self.store().read().await?;
        let group = match &self.config().intake_group {
            Some(code) => conn
                .group_by_code(code)
                .await
                .or_not_found("intake group")?,
            None => conn
                .list_groups(None)
                .await?
                .into_iter()
                .filter(|g| g.active)
                .min_by_key(|g| (g.level != guichet_core::desk::Level::N1, g.id))
                .ok_or(AppError::conflict("desk.no_group"))?,
        };
        self.cache().put_intake_group(stamp, (), group.clone());
        Ok(group)
    }
}

fn only(nodes: &[OrgNodeId]) -> Option<OrgNodeId> {
    match nodes {
        [one] => Some(*one),
        _ => None,
    }
}
