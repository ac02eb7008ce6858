//! A new request by mail: the policy's remaining steps (keyword, quota, role) and the ticket,
//! submitted through the same use case as the portal's form with channel `email`.

use super::thread::{body_of, mail_data};
use super::{IngestOutcome, Received};
use crate::ticket::{Mailed, SubmitTicket, Upload};
use crate::{App, AppError};
use guichet_core::intake::{Facts, SenderStatus};
use guichet_core::org::OrgKind;
use guichet_core::ticket::{Channel, Impact, LinkKind, TicketType, Urgency};
use guichet_core::{ApplicationId, OrgNodeId};
use guichet_mail::inbound::{KeywordSet, fold};
use guichet_store::StoreError;
use guichet_store::intake::InboundState;
use guichet_store::ticket::Ticket;
use serde_json::json;

/// The message's attachments as uploads, the original `.eml` last; those the attachment limits
/// refuse are left out (their names are kept on the entry) rather than refusing the request.
pub(crate) fn uploads(app: &App, r: &Received<'_>) -> (Vec<Upload>, Vec<String>) {
    let config = app.config();
    let mut kept: Vec<Upload> = Vec::new();
    let mut dropped = Vec::new();
    let original = Upload {
        filename: "message.eml".into(),
        content_type: "message/rfc822".into(),
        data: r.raw.to_vec(),
    };
    let files = r.msg.attachments.iter().map(|a| Upload {
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        data: a.data.clone(),
    });
    for u in files.chain(std::iter::once(original)) {
        let room = kept.len() < config.max_attachments;
        if room && crate::ticket::attach::validate(config, std::slice::from_ref(&u)).is_ok() {
            kept.push(u);
        } else {
            dropped.push(u.filename);
        }
    }
    (kept, dropped)
}

impl App {
    /// The policy for a new request, then the ticket (linked to `previous`, a ticket finished
    /// too long ago that the message answered).
    pub(crate) async fn request_by_mail(
        &self,
        r: &Received<'_>,
        previous: Option<Ticket>,
    ) -> Result<IngestOutcome, AppError> {
        let policy = &r.mailbox.policy;
        let sender = r.sender();
        // Before taking a connection: a cache miss takes one of its own.
        let applications = self.applications().await?;
        let mut conn = self.store().read().await?;
        let person = match conn.person_by_email(&sender).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let roles = match &person {
            Some(p) => conn.roles_of(p.id).await?,
            None => Vec::new(),
        };
        let accepted_today = conn.requests_of_day(&sender, &r.day).await?;

        let keywords = KeywordSet::new(
            applications
                .iter()
                .filter(|a| a.active)
                .map(|a| (a.id, a.keywords.iter().chain(std::iter::once(&a.code)))),
        );
        let found = keywords.find(&r.msg.subject);
        let status = match &person {
            None => SenderStatus::Unknown,
            Some(p) if !p.active => SenderStatus::Inactive,
            Some(_) => SenderStatus::Active {
                has_role: policy
                    .required_role
                    .is_none_or(|role| roles.iter().any(|x| x.kind == role)),
            },
        };
        let facts = Facts {
            sender: r.msg.sender(),
            size: r.raw.len(),
            authenticated: self.authenticated(r),
            keyword: found.is_some(),
            accepted_today: u32::try_from(accepted_today).unwrap_or(u32::MAX),
            status,
        };
        let verdict = policy.check_request(r.mailbox.max_bytes, &facts);
        let Some(person) = person.filter(|_| verdict.accepted()) else {
            drop(conn);
            return self
                .quarantine(r, verdict.reasons, previous.map(|t| t.id))
                .await;
        };
        // The person and roles just read make the caller: only their groups are left to read.
        let caller = self
            .caller_with(
                &mut conn,
                person,
                &roles,
                &format!("mail {}", r.mailbox.name),
            )
            .await?;
        drop(conn);

        let application = match found {
            Some(id) => Some(id),
            None => match &policy.default_application {
                Some(code) => Some(self.application_by_code(code).await?.id),
                None => None,
            },
        };
        // The establishments where the sender holds the role the mailbox asks for (any role
        // when it asks for none): the one the message names by UAI, else the first.
        let mut schools: Vec<OrgNodeId> = roles
            .iter()
            .filter(|x| x.node_kind == OrgKind::Etablissement)
            .filter(|x| policy.required_role.is_none_or(|role| x.kind == role))
            .map(|x| x.node)
            .collect();
        schools.dedup();
        let (establishment, guessed) = self.named_school(&schools, r).await?;
        self.submit_request(
            r,
            &caller,
            application,
            establishment,
            guessed,
            verdict.unverified,
            previous,
        )
        .await
    }

    /// The school of `schools` whose UAI the subject or body names; else the first, guessed.
    async fn named_school(
        &self,
        schools: &[OrgNodeId],
        r: &Received<'_>,
    ) -> Result<(Option<OrgNodeId>, bool), AppError> {
        if schools.len() < 2 {
            return Ok((schools.first().copied(), false));
        }
        let text = fold(&format!("{}\n{}", r.msg.subject, r.msg.text));
        for id in schools {
            let node = self.node_by_id(*id).await?;
            if node
                .uai
                .is_some_and(|u| text.contains(&u.as_str().to_lowercase()))
            {
                return Ok((Some(*id), false));
            }
        }
        Ok((schools.first().copied(), true))
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site, each a fact of the request"
    )]
    async fn submit_request(
        &self,
        r: &Received<'_>,
        caller: &crate::Caller,
        application: Option<ApplicationId>,
        establishment: Option<OrgNodeId>,
        guessed: bool,
        unverified: bool,
        previous: Option<Ticket>,
    ) -> Result<IngestOutcome, AppError> {
        let (files, dropped) = uploads(self, r);
        let subject = match r.msg.subject.trim() {
            "" => "—".to_owned(),
            s => s.chars().take(200).collect(),
        };
        let mut mail = mail_data(r, unverified, &dropped);
        mail["establishment_guessed"] = json!(guessed);
        if let Some(p) = &previous {
            mail["answers"] = json!(p.reference);
        }
        let req = SubmitTicket {
            on_behalf_of: None,
            establishment,
            application,
            ticket_type: TicketType::Incident,
            channel: Channel::Email,
            subject,
            body: body_of(&r.msg.text, &r.msg.text),
            urgency: Urgency::Medium,
            impact: Impact::Medium,
            attachments: files,
        };
        let record = r.record(InboundState::Ticket, Vec::new());
        let ticket = self
            .submit_with(
                caller,
                req,
                Some(Mailed {
                    inbound: Some(record),
                    data: mail,
                    address: r.mailbox.address.clone(),
                }),
            )
            .await?;
        let linked = match previous {
            Some(p) => {
                // After the submission's commit: the ticket and its record are already safe;
                // the link is the desk's convenience.
                let system = crate::Caller::system(&format!("mail {}", r.mailbox.name));
                if let Err(e) = self.link(&system, ticket.id, p.id, LinkKind::Related).await {
                    tracing::warn!(error = %e, "linking a mailed request to the ticket it answers");
                }
                Some(p.reference.to_string())
            }
            None => None,
        };
        Ok(IngestOutcome::Ticket {
            reference: ticket.reference.to_string(),
            unverified,
            linked,
        })
    }
}
