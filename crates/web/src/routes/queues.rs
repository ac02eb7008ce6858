//! `/queues`: the agent's workspace, its queues with capped counts, and each queue's tickets
//! ("assigned to me" marks the tickets of absent colleagues the caller stands in for).

use super::tickets::cursor;
use super::tickets::dto::TicketDto;
use crate::AppState;
use crate::extract::{Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guichet_app::queue::{Queue, QueueFilters, QueueItem};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::queue::{QueueKey, count_label};
use guichet_core::ticket::Priority;
use guichet_core::{FieldError, OrgNodeId};
use guichet_store::queue::Count;
use guichet_store::ticket::list::{Page, Sort};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(tickets))
}

/// A count that stops at 1,000: `label` reads `1000+` past it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub count: i64,
    pub capped: bool,
    #[schema(example = "1000+")]
    pub label: String,
}

impl From<Count> for CountDto {
    fn from(c: Count) -> Self {
        Self {
            count: c.value,
            capped: c.capped,
            label: count_label(c.value, c.capped),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueDto {
    /// `mine`, `group-12`, `zone-4`: the path segment of the queue's tickets.
    #[schema(example = "group-12")]
    pub key: String,
    /// `mine`, `group` or `zone`.
    pub kind: &'static str,
    /// The group's or département's name; empty for `mine`.
    pub name: String,
    pub code: Option<String>,
    pub open: CountDto,
    /// For a group: its open tickets nobody has yet, listed at `unassigned_key`.
    pub unassigned: Option<CountDto>,
    pub unassigned_key: Option<String>,
}

/// An absent colleague whose tickets are in the caller's `mine` queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandInDto {
    pub person_id: i64,
    pub name: String,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuesDto {
    pub queues: Vec<QueueDto>,
    pub standing_in_for: Vec<StandInDto>,
}

fn queue_dto(q: Queue) -> QueueDto {
    let (kind, unassigned_key) = match q.key {
        QueueKey::Mine => ("mine", None),
        QueueKey::Group(g) | QueueKey::GroupNew(g) => {
            ("group", Some(QueueKey::GroupNew(g).as_string()))
        }
        QueueKey::Zone(_) => ("zone", None),
    };
    QueueDto {
        key: q.key.as_string(),
        kind,
        name: q.name,
        code: q.code,
        open: q.open.into(),
        unassigned: q.unassigned.map(CountDto::from),
        unassigned_key,
    }
}

/// A ticket of a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItemDto {
    pub ticket: TicketDto,
    /// In `mine`: the absent agent this ticket is assigned to, when it is not the caller.
    pub delegated_from: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItemDto>,
    pub next_cursor: Option<String>,
}

/// A page of queue items, with its cursor for `sort`.
pub(crate) fn page(p: &Page<QueueItem>, sort: Sort) -> QueuePage {
    QueuePage {
        items: p
            .items
            .iter()
            .map(|i| QueueItemDto {
                ticket: TicketDto::from(&i.ticket),
                delegated_from: i.delegated_from.map(|p| p.0),
            })
            .collect(),
        next_cursor: p.next.as_ref().map(|c| cursor::encode(sort, c)),
    }
}

/// The `cursor` and `limit` parameters of a page in `sort`.
pub(crate) fn paging(
    p: &Params,
    sort: Sort,
) -> Result<(Option<guichet_store::ticket::list::Cursor>, i64), ApiError> {
    let after = match p.get("cursor") {
        Some(c) => Some(cursor::decode(sort, c).ok_or(FieldError::new("cursor", "cursor"))?),
        None => None,
    };
    let limit = p.i64("limit")?.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(FieldError::new("limit", "invalid").into());
    }
    Ok((after, limit))
}

/// The caller's queues with their counts (agents and administrators).
#[utoipa::path(get, path = "/queues", tag = "queues",
    responses((status = 200, body = QueuesDto), (status = 403, description = "Desk agents only", content_type = "application/problem+json")))]
async fn list(State(s): State<AppState>, Auth(c): Auth) -> Result<Json<QueuesDto>, ApiError> {
    let ws = s.app.queues(&c).await?;
    Ok(Json(QueuesDto {
        queues: ws.queues.into_iter().map(queue_dto).collect(),
        standing_in_for: ws
            .standing_in_for
            .into_iter()
            .map(|si| StandInDto {
                person_id: si.person.0,
                name: si.name,
                until: si.until,
            })
            .collect(),
    }))
}

/// A page of one of the caller's queues, open tickets only, narrowed by the filters.
#[utoipa::path(get, path = "/queues/{key}/tickets", tag = "queues",
    params(("key" = String, Path, description = "`mine`, `group-{id}`, `group-{id}-new`, `zone-{id}`"),
        ("sort" = Option<String>, Query, description = "As for /tickets"),
        ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query, description = "1 to 200, default 50"),
        ("status" = Option<String>, Query, description = "Open statuses, comma-separated: `new,assigned`"),
        ("application" = Option<String>, Query, description = "Application codes, comma-separated"),
        ("level" = Option<String>, Query, description = "`N0` to `N3`, comma-separated"),
        ("priority" = Option<String>, Query, description = "Priorities, comma-separated"),
        ("establishment" = Option<String>, Query, description = "An establishment's UAI"),
        ("zone" = Option<i64>, Query, description = "An organisation node: its whole subtree"),
        ("older_than_days" = Option<i64>, Query, description = "Created at least this many days ago")),
    responses((status = 200, body = QueuePage), (status = 400, description = "A filter's value is wrong", content_type = "application/problem+json"), (status = 404, description = "Not one of the caller's queues", content_type = "application/problem+json")))]
async fn tickets(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(key): Path<String>,
    p: Params,
) -> Result<Json<QueuePage>, ApiError> {
    let key = QueueKey::parse(&key).map_err(|_| not_found("queue"))?;
    let sort = p.parse("sort", Sort::parse)?.unwrap_or_default();
    let (after, limit) = paging(&p, sort)?;
    let filters = filters(&s, &p).await?;
    let items = s
        .app
        .queue_tickets(&c, key, &filters, sort, after, limit)
        .await?;
    Ok(Json(page(&items, sort)))
}

/// The queue filters of a query string: each list comma-separated or repeated; a wrong value
/// is a 400 naming its parameter.
async fn filters(s: &AppState, p: &Params) -> Result<QueueFilters, ApiError> {
    let mut f = QueueFilters {
        statuses: p.parse_list("status", |v| Status::parse(v).ok())?,
        levels: p.parse_list("level", |v| Level::parse(v).ok())?,
        priorities: p.parse_list("priority", |v| Priority::parse(v).ok())?,
        zone: p.i64("zone")?.map(OrgNodeId),
        older_than_days: p.i64("older_than_days")?,
        ..QueueFilters::default()
    };
    for a in p.list("application") {
        f.applications
            .push(s.app.application_id("application", a).await?);
    }
    if let Some(e) = p.get("establishment") {
        f.establishment = Some(s.app.establishment_id("establishment", e).await?);
    }
    f.validate()?;
    Ok(f)
}
