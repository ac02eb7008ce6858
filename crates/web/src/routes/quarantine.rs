//! `/quarantine`: the administrators' view of received mail (see `guichet_app::intake`): list
//! with filters, read one with its parsed message and reasons, release (the ticket is made
//! anyway, audited), delete, replay a failed one.

use crate::AppState;
use crate::extract::{Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use guichet_app::intake::IngestOutcome;
use guichet_core::FieldError;
use guichet_core::intake::Reason;
use guichet_store::intake::{InboundFilter, InboundMessage, InboundState};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read, delete))
        .routes(routes!(release))
        .routes(routes!(replay))
}

/// A refusal reason: a stable code (`intake.domain`) and what it was about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonDto {
    pub code: String,
    pub detail: Option<String>,
}

/// A received message.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundDto {
    pub id: i64,
    /// The Message-ID, or `sha256:<hex>` of the message when it has none.
    pub dedupe_key: String,
    pub mailbox: String,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    /// `ticket`, `reply`, `ignored`, `bounce`, `quarantined`, `failed`, `released`, `deleted`.
    pub state: String,
    /// The deciding reason first.
    pub reasons: Vec<ReasonDto>,
    /// The reference of the ticket it made or answered.
    pub ticket: Option<i64>,
    pub size: i64,
    /// False once deleted (or when larger than the mailbox accepts).
    pub has_message: bool,
}

fn reasons(r: &[Reason]) -> Vec<ReasonDto> {
    r.iter()
        .map(|r| ReasonDto {
            code: r.code.clone(),
            detail: r.detail.clone(),
        })
        .collect()
}

fn dto(m: InboundMessage) -> InboundDto {
    InboundDto {
        id: m.id,
        dedupe_key: m.dedupe_key,
        mailbox: m.mailbox,
        sender: m.sender,
        subject: m.subject,
        received_at: m.received_at,
        state: m.state.as_str().into(),
        reasons: reasons(&m.reasons),
        ticket: m.ticket.map(|t| t.0),
        size: m.size,
        has_message: m.has_raw,
    }
}

/// A page of messages; pass `next_before` as `before` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundPage {
    pub items: Vec<InboundDto>,
    pub next_before: Option<i64>,
}

/// An attachment of a received message.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundAttachmentDto {
    pub filename: String,
    pub content_type: String,
    pub size: usize,
}

/// A received message with what was read from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboundDetail {
    #[serde(flatten)]
    pub message: InboundDto,
    pub from: Option<String>,
    pub to: Vec<String>,
    pub date: Option<DateTime<Utc>>,
    pub text: Option<String>,
    pub attachments: Vec<InboundAttachmentDto>,
    /// Why it counts as automatic mail (`auto.*`), if it does.
    pub automatic: Option<String>,
}

pub(crate) fn parse_state(field: &'static str, v: &str) -> Result<InboundState, FieldError> {
    InboundState::parse(v).ok_or(FieldError::new(field, "invalid"))
}

/// Received messages, newest first (administrators). Default: the quarantined ones.
#[utoipa::path(get, path = "/quarantine", tag = "quarantine",
    params(("state" = Option<String>, Query, description = "Default `quarantined`; `all` for every state"),
        ("mailbox" = Option<String>, Query, description = "A `[[mail.mailbox]]` name"),
        ("sender" = Option<String>, Query, description = "Part of the sender's address"),
        ("before" = Option<i64>, Query, description = "Keyset cursor: the `next_before` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 200, default 50")),
    responses((status = 200, body = InboundPage),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<InboundPage>, ApiError> {
    let state = match p.get("state") {
        None | Some("") => Some(InboundState::Quarantined),
        Some("all") => None,
        Some(v) => Some(parse_state("state", v)?),
    };
    let limit = p.i64("limit")?.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(FieldError::new("limit", "range").into());
    }
    let filter = InboundFilter {
        state,
        mailbox: p
            .get("mailbox")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        sender: p.get("sender").filter(|v| !v.is_empty()).map(str::to_owned),
        before: p.i64("before")?,
        limit,
    };
    let items = s.app.list_inbound(&c, &filter).await?;
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|m| m.id))
        .flatten();
    Ok(Json(InboundPage {
        items: items.into_iter().map(dto).collect(),
        next_before,
    }))
}

fn id_of(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| not_found("message"))
}

/// One received message, parsed again from what was received (administrators).
#[utoipa::path(get, path = "/quarantine/{id}", tag = "quarantine", params(("id" = i64, Path)),
    responses((status = 200, body = InboundDetail),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 404, description = "No such message", content_type = "application/problem+json")))]
async fn read(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<InboundDetail>, ApiError> {
    let v = s.app.read_inbound(&c, id_of(&id)?).await?;
    let parsed = v.parsed;
    Ok(Json(InboundDetail {
        message: dto(v.message),
        from: parsed.as_ref().and_then(|m| m.sender().map(str::to_owned)),
        to: parsed
            .as_ref()
            .map(|m| m.to.iter().map(|a| a.email.clone()).collect())
            .unwrap_or_default(),
        date: parsed.as_ref().and_then(|m| m.date),
        text: parsed.as_ref().map(|m| m.text.clone()),
        attachments: parsed
            .as_ref()
            .map(|m| {
                m.attachments
                    .iter()
                    .map(|a| InboundAttachmentDto {
                        filename: a.filename.clone(),
                        content_type: a.content_type.clone(),
                        size: a.data.len(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        automatic: parsed
            .as_ref()
            .and_then(|m| m.automatic.map(|a| a.code().to_owned())),
    }))
}

/// The ticket a release made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Released {
    pub reference: String,
}

/// Make the ticket anyway: the sender must be a known, active person (administrators; audited).
#[utoipa::path(post, path = "/quarantine/{id}/release", tag = "quarantine", params(("id" = i64, Path)),
    responses((status = 200, body = Released),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 404, description = "No such message", content_type = "application/problem+json"),
        (status = 409, description = "Not quarantined, content deleted, or an unknown sender", content_type = "application/problem+json")))]
async fn release(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<Released>, ApiError> {
    let t = s.app.release_inbound(&c, id_of(&id)?).await?;
    Ok(Json(Released {
        reference: t.reference.to_string(),
    }))
}

/// Forget the message's content; its record stays so that a redelivery is still a duplicate
/// (administrators; audited).
#[utoipa::path(delete, path = "/quarantine/{id}", tag = "quarantine", params(("id" = i64, Path)),
    responses((status = 204),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 404, description = "No such message", content_type = "application/problem+json")))]
async fn delete(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_inbound(&c, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a replay did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    /// `ticket`, `reply`, `quarantined`, `ignored`, `bounce`, `duplicate` or `failed`.
    pub outcome: String,
}

/// Process a failed message again (administrators; audited).
#[utoipa::path(post, path = "/quarantine/{id}/replay", tag = "quarantine", params(("id" = i64, Path)),
    responses((status = 200, body = Replayed),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 404, description = "No such message", content_type = "application/problem+json"),
        (status = 409, description = "Not a failed message", content_type = "application/problem+json")))]
async fn replay(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<Replayed>, ApiError> {
    let o: IngestOutcome = s.app.replay_inbound(&c, id_of(&id)?).await?;
    Ok(Json(Replayed {
        outcome: o.state().into(),
    }))
}
