//! `GET /desk`: the agent's queues with their capped counts and their saved views;
//! `GET /desk/queues/{key}`: a page of one queue, filtered and in a chosen order, with a keyset
//! "next page" that keeps the filters.

use super::agent_only;
use super::filters::{self, QueueParams};
use crate::AppState;
use crate::extract::url_pairs;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{FormErrors, encode};
use crate::pages::render::text;
use crate::pages::requests::view::ago;
use crate::pages::visitor::SignedIn;
use crate::routes::cursor;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use guichet_app::queue::{Queue, QueueFilters, QueueItem};
use guichet_core::TicketId;
use guichet_core::queue::{QueueKey, count_label};
use guichet_core::sla::ClockState;
use guichet_store::sla::{TargetRow, TicketSla};
use guichet_store::ticket::Ticket;
use minijinja::value::Value;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// Tickets per queue page.
pub(super) const PAGE_SIZE: i64 = 50;

/// One queue on the workspace home.
#[derive(Debug, Serialize)]
struct QueueLink {
    key: String,
    label: String,
    open: String,
    unassigned: Option<String>,
    unassigned_key: Option<String>,
}

/// How a queue is named on pages: "assigned to me" and "my zone" are ours to translate.
fn label(lang: Lang, q: &Queue) -> String {
    match q.key {
        QueueKey::Mine => text(lang, "desk-queue-mine", &[]),
        QueueKey::Group(_) | QueueKey::GroupNew(_) => match &q.code {
            Some(code) => format!("{} ({code})", q.name),
            None => q.name.clone(),
        },
        QueueKey::Zone(_) => text(
            lang,
            "desk-queue-zone",
            &[("name", Value::from(q.name.clone()))],
        ),
    }
}

/// What a ticket page's form did before sending the agent here.
#[derive(Debug, Deserialize, Default)]
pub struct HomeNotice {
    done: Option<String>,
    reference: Option<String>,
}

pub async fn home(
    State(state): State<AppState>,
    s: SignedIn,
    Query(notice): Query<HomeNotice>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let lang = s.visitor.lang;
    let ws = state.app.queues(&s.caller).await?;
    let queues: Vec<QueueLink> = ws
        .queues
        .iter()
        .map(|q| QueueLink {
            key: q.key.as_string(),
            label: label(lang, q),
            open: count_label(q.open.value, q.open.capped),
            unassigned: q.unassigned.map(|c| count_label(c.value, c.capped)),
            unassigned_key: match q.key {
                QueueKey::Group(g) => Some(QueueKey::GroupNew(g).as_string()),
                _ => None,
            },
        })
        .collect();
    let stand_ins: Vec<serde_json::Value> = ws
        .standing_in_for
        .iter()
        .map(|si| json!({ "name": si.name, "until": crate::pages::time::Times::new(&state, lang).when(si.until) }))
        .collect();
    let views: Vec<serde_json::Value> = state
        .app
        .views(&s.caller)
        .await?
        .iter()
        .map(|v| json!({ "id": v.id, "name": v.name }))
        .collect();
    let done = notice
        .done
        .filter(|d| ["escalate", "transfer", "view-deleted"].contains(&d.as_str()));
    let page = json!({
        "queues": queues,
        "stand_ins": stand_ins,
        "views": views,
        "done": done,
        "reference": notice.reference,
    });
    state.web.page(&state, &s.visitor, "desk/home.html", &page)
}

pub async fn queue(
    State(state): State<AppState>,
    s: SignedIn,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let params = QueueParams::from_pairs(&url_pairs(query.as_deref().unwrap_or("")));
    let queue_key = QueueKey::parse(&key).map_err(|_| PageError::NotFound)?;
    let mut errors = FormErrors::default();
    let filters = filters::parse(&state, s.visitor.lang, &params, &mut errors).await;
    show(&state, &s, queue_key, &params, &filters, errors, &json!({})).await
}

/// The queue page: its filters, its rows when the filters are right (else 422 and the error
/// summary), the "save as a view" form with what it had typed.
pub(super) async fn show(
    state: &AppState,
    s: &SignedIn,
    queue_key: QueueKey,
    params: &QueueParams,
    filters: &QueueFilters,
    mut errors: FormErrors,
    typed: &serde_json::Value,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let key = queue_key.as_string();
    let sort = params.sort();
    // A stale cursor is not worth an error page: the first page is shown.
    let after = params
        .after
        .as_deref()
        .and_then(|c| cursor::decode(sort, c));
    let mut page = None;
    if errors.is_empty() {
        match state
            .app
            .queue_tickets(&s.caller, queue_key, filters, sort, after, PAGE_SIZE)
            .await
        {
            Ok(p) => page = Some(p),
            Err(e) if filters::add_error(&mut errors, lang, &e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let ws = state.app.queues(&s.caller).await?;
    let title = ws
        .queues
        .iter()
        .find(|q| match (q.key, queue_key) {
            (QueueKey::Group(a), QueueKey::GroupNew(b)) => a == b,
            (a, b) => a == b,
        })
        .map(|q| label(lang, q))
        .unwrap_or_else(|| key.clone());
    let query = params.filters_query();
    let now = state.app.now();
    let rows = match &page {
        Some(p) => rows(lang, &p.items, &slas(state, s, &p.items).await?, now),
        None => Vec::new(),
    };
    let next = page.as_ref().and_then(|p| p.next.as_ref()).map(|c| {
        let filters = if query.is_empty() {
            String::new()
        } else {
            format!("&{query}")
        };
        format!(
            "/desk/queues/{key}?sort={}&after={}{filters}",
            encode(sort.as_str()),
            cursor::encode(sort, c)
        )
    });
    let colleagues: Vec<serde_json::Value> = state
        .app
        .colleagues(&s.caller)
        .await?
        .into_iter()
        .map(|(id, name)| json!({ "id": id.0, "name": name }))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = json!({
        "key": key,
        "colleagues": colleagues,
        "title": title,
        "unassigned_only": matches!(queue_key, QueueKey::GroupNew(_)),
        "rows": rows,
        "next_page": next,
        "sort": sort.as_str(),
        "params": params.typed(),
        "filter_pairs": params.filter_pairs(),
        "filtered": !query.is_empty(),
        "choices": filters::choices(state, s).await?,
        "errors": errors,
        "typed": typed,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "desk/queue.html", &page)
}

/// The SLA clocks of a page's tickets, in one query.
pub(super) async fn slas(
    state: &AppState,
    s: &SignedIn,
    items: &[QueueItem],
) -> Result<HashMap<TicketId, TicketSla>, PageError> {
    let tickets: Vec<Ticket> = items.iter().map(|i| i.ticket.clone()).collect();
    Ok(state.app.listed_slas(&s.caller, &tickets).await?)
}

/// A wall-clock span as a row says it: minutes, hours, then days.
fn span(lang: Lang, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (key, n) = match minutes {
        m if m < 60 => ("desk-sla-minutes", m.max(1)),
        m if m < 48 * 60 => ("desk-sla-hours", m / 60),
        m => ("desk-sla-days", m / (24 * 60)),
    };
    text(lang, key, &[("n", Value::from(n))])
}

/// One target's badge: late (a breach, said in words), paused, or due in so long (a warning
/// once the policy's share is spent); nothing once the target is met.
fn target_badge(
    lang: Lang,
    target: &str,
    t: &TargetRow,
    now: DateTime<Utc>,
) -> Option<serde_json::Value> {
    let name = text(lang, &format!("desk-sla-{target}"), &[]);
    let late = t.breached || (t.clock == ClockState::Running && t.due.is_some_and(|d| d <= now));
    let (kind, label) = match t.clock {
        ClockState::Stopped if !t.breached => return None,
        _ if late => (
            "error",
            text(lang, "desk-sla-late", &[("target", Value::from(name))]),
        ),
        ClockState::Paused => (
            "info",
            text(lang, "desk-sla-paused", &[("target", Value::from(name))]),
        ),
        _ => {
            let due = t.due?;
            let left = span(lang, (due - now).num_seconds());
            let warned = t.warn_at.is_some_and(|w| w <= now);
            let args = [("target", Value::from(name)), ("left", Value::from(left))];
            (
                if warned { "warning" } else { "new" },
                text(lang, "desk-sla-due", &args),
            )
        }
    };
    Some(json!({ "kind": kind, "label": label, "due": t.due.map(|d| d.to_rfc3339()) }))
}

/// A row's SLA badges: take in charge, then resolve.
fn sla_badges(lang: Lang, sla: Option<&TicketSla>, now: DateTime<Utc>) -> Vec<serde_json::Value> {
    let Some(sla) = sla else {
        return Vec::new();
    };
    [("take", &sla.take_in_charge), ("resolve", &sla.resolve)]
        .into_iter()
        .filter_map(|(name, t)| target_badge(lang, name, t, now))
        .collect()
}

/// A list's rows as the queue and view pages show them, with their SLA badges.
pub(super) fn rows(
    lang: Lang,
    items: &[QueueItem],
    slas: &HashMap<TicketId, TicketSla>,
    now: DateTime<Utc>,
) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|i| {
            let t = &i.ticket;
            let n = &i.names;
            json!({
                "reference": t.reference.to_string(),
                "subject": t.subject,
                "status": t.status.as_str(),
                "priority": t.priority.as_str(),
                "level": t.level.as_str(),
                "requester": n.requester,
                "establishment": n.establishment,
                "uai": n.uai,
                "group": n.group,
                "agent": n.agent,
                "delegated": i.delegated_from.is_some(),
                "age": ago(lang, t.created_at, now),
                "created": t.created_at.to_rfc3339(),
                "sla": sla_badges(lang, slas.get(&t.id), now),
            })
        })
        .collect()
}
