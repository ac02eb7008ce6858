//! What the API shows of tickets, and what it accepts to create and change them.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use guichet_app::ticket::{TicketView, Upload};
use guichet_core::FieldError;
use guichet_core::permission::TicketAction;
use guichet_store::ticket::timeline::{AttachmentMeta, Entry};
use guichet_store::ticket::{Ticket, TicketLink};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDto {
    /// Human reference, `YYYY-NNNNNN`.
    #[schema(example = "2026-000123")]
    pub reference: String,
    #[schema(example = "incident")]
    pub r#type: String,
    #[schema(example = "web")]
    pub channel: String,
    /// `new`, `assigned`, `in_progress`, `waiting`, `resolved`, `closed`, `rejected`, `cancelled`.
    #[schema(example = "new")]
    pub status: String,
    pub waiting_on: Option<String>,
    pub urgency: String,
    pub impact: String,
    #[schema(example = "medium")]
    pub priority: String,
    pub application_id: Option<i64>,
    pub requester_id: i64,
    pub created_by_id: i64,
    pub establishment_id: Option<i64>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    #[schema(example = "N1")]
    pub level: String,
    pub subject: String,
    pub solution: Option<String>,
    pub satisfaction: Option<i16>,
    pub watcher_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub taken_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<&Ticket> for TicketDto {
    fn from(t: &Ticket) -> Self {
        Self {
            reference: t.reference.to_string(),
            r#type: t.ticket_type.as_str().into(),
            channel: t.channel.as_str().into(),
            status: t.status.as_str().into(),
            waiting_on: t.waiting_on.map(|w| w.as_str().into()),
            urgency: t.urgency.as_str().into(),
            impact: t.impact.as_str().into(),
            priority: t.priority.as_str().into(),
            application_id: t.application.map(|a| a.0),
            requester_id: t.requester.0,
            created_by_id: t.created_by.0,
            establishment_id: t.zone.establishment.map(|e| e.0),
            group_id: t.group.map(|g| g.0),
            assignee_id: t.assignee.map(|a| a.0),
            level: t.level.as_str().into(),
            subject: t.subject.clone(),
            solution: t.solution.clone(),
            satisfaction: t.satisfaction,
            watcher_ids: t.watchers.iter().map(|w| w.0).collect(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            taken_at: t.taken_at,
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
        }
    }
}

/// An attachment's description; its content is at `/tickets/{reference}/attachments/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<&AttachmentMeta> for AttachmentDto {
    fn from(a: &AttachmentMeta) -> Self {
        Self {
            id: a.id,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDto {
    pub id: i64,
    /// `submitted`, `reply`, `note`, `status_change`, `assignment`, `escalation`, `transfer`…
    pub kind: String,
    /// False for internal entries, which only the desk sees.
    pub public: bool,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentDto>,
}

impl From<&Entry> for EntryDto {
    fn from(e: &Entry) -> Self {
        Self {
            id: e.id.0,
            kind: e.kind.as_str().into(),
            public: e.public,
            author_id: e.author.map(|a| a.0),
            author_name: e.author_name.clone(),
            body: e.body.clone(),
            data: e.data.clone(),
            created_at: e.created_at,
            attachments: e.attachments.iter().map(AttachmentDto::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkDto {
    /// `duplicate`, `related` or `parent`.
    pub kind: String,
    /// True when the link was made from this ticket ("this ticket duplicates the other").
    pub outgoing: bool,
    pub reference: String,
    pub subject: String,
    pub status: String,
}

impl From<&TicketLink> for LinkDto {
    fn from(l: &TicketLink) -> Self {
        Self {
            kind: l.kind.as_str().into(),
            outgoing: l.outgoing,
            reference: l.other_reference.to_string(),
            subject: l.other_subject.clone(),
            status: l.other_status.as_str().into(),
        }
    }
}

/// A ticket with its timeline, as its reader may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetailDto {
    pub ticket: TicketDto,
    pub timeline: Vec<EntryDto>,
    pub links: Vec<LinkDto>,
    /// What the reader may do now: `reply`, `note`, `work`, `close`, `reopen`, `cancel`, `rate`.
    pub allowed: Vec<String>,
}

impl From<&TicketView> for TicketDetailDto {
    fn from(v: &TicketView) -> Self {
        let name = |a: &TicketAction| {
            serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        Self {
            ticket: TicketDto::from(&v.ticket),
            timeline: v.timeline.iter().map(EntryDto::from).collect(),
            links: v.links.iter().map(LinkDto::from).collect(),
            allowed: v.allowed.iter().filter_map(name).collect(),
        }
    }
}

/// A page of tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A file, base64-encoded.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UploadDto {
    pub filename: String,
    #[serde(default)]
    pub content_type: String,
    /// The file's bytes, standard base64.
    pub content_base64: String,
}

pub fn uploads(list: Vec<UploadDto>) -> Result<Vec<Upload>, FieldError> {
    list.into_iter()
        .map(|u| {
            let data = base64::engine::general_purpose::STANDARD
                .decode(u.content_base64.trim())
                .map_err(|_| FieldError::new("attachments", "invalid"))?;
            Ok(Upload {
                filename: u.filename,
                content_type: u.content_type,
                data,
            })
        })
        .collect()
}

/// A new request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    #[schema(example = "Impossible de valider les bulletins dans LSUN")]
    pub subject: String,
    pub body: String,
    /// `incident` (default), `request` or `change`.
    #[serde(default)]
    pub r#type: Option<String>,
    /// `low`, `medium` (default), `high`.
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub impact: Option<String>,
    /// An application's code (`LSUN`) or id.
    #[serde(default)]
    pub application: Option<String>,
    /// The establishment's UAI (`0211234C`) or org node id; default: the requester's only one.
    #[serde(default)]
    pub establishment: Option<String>,
    /// File for someone else (phone intake, desk only): a person id.
    #[serde(default)]
    pub on_behalf_of: Option<i64>,
    /// `api` (default), or `phone` for phone intake.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub attachments: Vec<UploadDto>,
}

/// A reply or note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    pub body: String,
    /// For a desk reply: put the ticket on hold until the requester answers.
    #[serde(default)]
    pub wait_for_requester: bool,
    #[serde(default)]
    pub attachments: Vec<UploadDto>,
}

/// A move that needs a reason (reopen, cancel, reject).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[serde(default)]
    pub reason: String,
}

/// Escalation or transfer: the target group and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteBody {
    /// The target group's id or code.
    pub group: String,
    pub reason: String,
}

/// Assignment: an agent of the ticket's group, and/or another group of the same desk and level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// A group's id or code.
    #[serde(default)]
    pub group: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitBody {
    /// `requester` or `third_party`.
    pub waiting_on: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    pub solution: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityBody {
    /// `very_low`, `low`, `medium`, `high`, `very_high`.
    pub priority: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    /// An application's code or id.
    pub application: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The other ticket's reference.
    pub other: String,
    /// `duplicate` (this ticket duplicates the other: it is closed), `related`, `parent`.
    pub kind: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyBody {
    /// 1 (unhappy) to 5 (very happy).
    pub score: i16,
    #[serde(default)]
    pub comment: String,
}
