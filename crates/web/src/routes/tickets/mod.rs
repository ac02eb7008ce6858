//! `/tickets`: create, list, read; the actions on one ticket are in [`actions`].

mod actions;
pub(crate) mod cursor;
pub mod dto;

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use dto::{CreateTicket, TicketDetailDto, TicketDto, TicketPage};
use guichet_app::ticket::{ListQuery, SubmitTicket};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{Channel, Impact, Priority, TicketType, Urgency};
use guichet_core::{FieldError, OrgNodeId, PersonId};
use guichet_store::ticket::list::{Sort, TicketFilter};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(show))
        .routes(routes!(attachment))
        .merge(actions::routes())
}

/// File a request.
#[utoipa::path(post, path = "/tickets", tag = "tickets", request_body = CreateTicket,
    responses((status = 201, body = TicketDto), (status = 422, description = "A field is invalid", content_type = "application/problem+json")))]
async fn create(
    State(s): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<CreateTicket>,
) -> Result<Response, ApiError> {
    let ticket_type = match req.r#type.as_deref() {
        Some(v) => TicketType::parse(v).map_err(|e| e.at("type"))?,
        None => TicketType::Incident,
    };
    let urgency = req
        .urgency
        .as_deref()
        .map(Urgency::parse)
        .transpose()?
        .unwrap_or(Urgency::Medium);
    let impact = req
        .impact
        .as_deref()
        .map(Impact::parse)
        .transpose()?
        .unwrap_or(Impact::Medium);
    let channel = match req.channel.as_deref() {
        None => Channel::Api,
        Some("phone") => Channel::Phone,
        Some("api") => Channel::Api,
        Some(_) => return Err(FieldError::new("channel", "invalid").into()),
    };
    let application = match req.application.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(a) => Some(s.app.application_id("application", a).await?),
        None => None,
    };
    let establishment = match req
        .establishment
        .as_deref()
        .filter(|e| !e.trim().is_empty())
    {
        Some(e) => Some(s.app.establishment_id("establishment", e).await?),
        None => None,
    };
    let ticket = s
        .app
        .submit(
            &caller,
            SubmitTicket {
                on_behalf_of: req.on_behalf_of.map(PersonId),
                establishment,
                application,
                ticket_type,
                channel,
                subject: req.subject,
                body: req.body,
                urgency,
                impact,
                attachments: dto::uploads(req.attachments)?,
            },
        )
        .await?;
    let location = format!("/api/v1/tickets/{}", ticket.reference);
    let mut res = (StatusCode::CREATED, Json(TicketDto::from(&ticket))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

pub(crate) fn date(field: &'static str, v: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Ok(d.into());
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| FieldError::new(field, "date").into())
}

/// List the tickets the caller may see.
///
/// Filters combine with AND; list values are comma-separated. `assignee` and `requester` accept
/// `me`; `assignee=none` lists unassigned tickets. `q` searches subjects and messages in French
/// (accents and plurals do not matter). Pages continue with `cursor`.
#[utoipa::path(get, path = "/tickets", tag = "tickets",
    params(
        ("status" = Option<String>, Query, description = "new,assigned,in_progress,waiting,resolved,closed,rejected,cancelled, or `open`/`finished`"),
        ("group" = Option<String>, Query, description = "Group ids or codes"),
        ("assignee" = Option<String>, Query, description = "Person id, `me` or `none`"),
        ("requester" = Option<String>, Query, description = "Person id or `me`"),
        ("establishment" = Option<String>, Query, description = "UAI or org node id"),
        ("zone" = Option<i64>, Query, description = "Org node id: its whole subtree"),
        ("application" = Option<String>, Query, description = "Application codes or ids"),
        ("type" = Option<String>, Query, description = "incident,request,change"),
        ("priority" = Option<String>, Query, description = "very_low … very_high"),
        ("level" = Option<String>, Query, description = "N0 … N3"),
        ("q" = Option<String>, Query, description = "Words to search"),
        ("created_from" = Option<String>, Query, description = "Date or RFC 3339 timestamp, inclusive"),
        ("created_to" = Option<String>, Query, description = "Date or RFC 3339 timestamp, exclusive"),
        ("older_than_days" = Option<i64>, Query, description = "Created at least this many days ago (0 to 3650)"),
        ("newer_than_days" = Option<i64>, Query, description = "Created less than this many days ago (0 to 3650)"),
        ("sort" = Option<String>, Query, description = "-created (default), created, -updated, updated, -priority, priority"),
        ("cursor" = Option<String>, Query, description = "From the previous page's next_cursor"),
        ("limit" = Option<i64>, Query, description = "1 to 200, default 50"),
    ),
    responses((status = 200, body = TicketPage)))]
async fn list(
    State(s): State<AppState>,
    Auth(caller): Auth,
    p: Params,
) -> Result<Json<TicketPage>, ApiError> {
    let mut filter = TicketFilter::default();
    for v in p.list("status") {
        match v {
            "open" => filter.open = Some(true),
            "finished" => filter.open = Some(false),
            v => filter
                .statuses
                .push(Status::parse(v).map_err(|e| e.at("status"))?),
        }
    }
    for g in p.list("group") {
        filter.groups.push(s.app.group_id("group", g).await?);
    }
    let me = caller.person_id();
    match p.get("assignee") {
        None => {}
        Some("none") => filter.unassigned = true,
        Some("me") => filter.assignee = me.or(Some(PersonId(0))),
        Some(v) => {
            filter.assignee = Some(PersonId(
                v.parse()
                    .map_err(|_| FieldError::new("assignee", "invalid"))?,
            ))
        }
    }
    match p.get("requester") {
        None => {}
        Some("me") => filter.requester = me.or(Some(PersonId(0))),
        Some(v) => {
            filter.requester = Some(PersonId(
                v.parse()
                    .map_err(|_| FieldError::new("requester", "invalid"))?,
            ))
        }
    }
    if let Some(e) = p.get("establishment") {
        filter.establishment = Some(s.app.establishment_id("establishment", e).await?);
    }
    for a in p.list("application") {
        filter
            .applications
            .push(s.app.application_id("application", a).await?);
    }
    filter.types = p.parse_list("type", |v| TicketType::parse(v).ok())?;
    filter.priorities = p.parse_list("priority", |v| Priority::parse(v).ok())?;
    filter.levels = p.parse_list("level", |v| Level::parse(v).ok())?;
    filter.created_from = p
        .get("created_from")
        .map(|v| date("created_from", v))
        .transpose()?;
    filter.created_to = p
        .get("created_to")
        .map(|v| date("created_to", v))
        .transpose()?;
    // Ages relative to now, narrowing any explicit dates.
    let older = p.i64("older_than_days")?;
    let newer = p.i64("newer_than_days")?;
    for (field, days) in [("older_than_days", older), ("newer_than_days", newer)] {
        if let Some(d) = days {
            guichet_core::queue::parse_age(field, d)?;
        }
    }
    let (from, to) = guichet_core::queue::age_window(older, newer, s.app.now());
    filter.created_from = filter.created_from.max(from);
    filter.created_to = match (filter.created_to, to) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let sort = p.parse("sort", Sort::parse)?.unwrap_or_default();
    let after = match p.get("cursor") {
        Some(c) => Some(cursor::decode(sort, c).ok_or(FieldError::new("cursor", "cursor"))?),
        None => None,
    };
    let limit = p.i64("limit")?.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(FieldError::new("limit", "invalid").into());
    }
    let zone = p.i64("zone")?.map(OrgNodeId);
    let query = ListQuery {
        filter,
        zone,
        text: p.get("q").map(str::to_owned),
        sort,
        after,
        limit,
    };
    let page = s.app.list_tickets(&caller, query).await?;
    Ok(Json(TicketPage {
        items: page.items.iter().map(TicketDto::from).collect(),
        next_cursor: page.next.as_ref().map(|c| cursor::encode(sort, c)),
    }))
}

/// A ticket with its timeline (internal notes only for the desk).
#[utoipa::path(get, path = "/tickets/{reference}", tag = "tickets",
    params(("reference" = String, Path, description = "YYYY-NNNNNN")),
    responses((status = 200, body = TicketDetailDto), (status = 404, description = "No such ticket, or not yours to see", content_type = "application/problem+json")))]
async fn show(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Path(reference): Path<String>,
) -> Result<Json<TicketDetailDto>, ApiError> {
    let id = s.app.ticket_id(&reference).await?;
    let view = s.app.ticket(&caller, id).await?;
    Ok(Json(TicketDetailDto::from(&view)))
}

/// An attachment's content.
#[utoipa::path(get, path = "/tickets/{reference}/attachments/{id}", tag = "tickets",
    params(("reference" = String, Path), ("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream")))]
async fn attachment(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ticket = s.app.ticket_id(&reference).await?;
    let id: i64 = id
        .parse()
        .map_err(|_| crate::extract::not_found("attachment"))?;
    let (meta, data) = s.app.attachment(&caller, ticket, id).await?;
    let mut res = data.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&meta.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // Never rendered inline: a file from a requester must not run in the desk's browser.
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
