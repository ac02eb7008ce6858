//! `GET /desk`: the agent's queues with their capped counts and their saved views;
//! `GET /desk/queues/{key}`: a page of one queue, in a chosen order, with a keyset "next page".

use super::agent_only;
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::render::text;
use crate::pages::requests::view::ago;
use crate::pages::visitor::SignedIn;
use crate::routes::cursor;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use guichet_app::queue::Queue;
use guichet_core::queue::{QueueKey, count_label};
use guichet_store::ticket::list::Sort;
use minijinja::value::Value;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Tickets per queue page.
const PAGE_SIZE: i64 = 50;

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
        .map(|si| json!({ "name": si.name, "until": crate::pages::requests::view::when(lang, si.until) }))
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
        .filter(|d| ["escalate", "transfer"].contains(&d.as_str()));
    let page = json!({
        "queues": queues,
        "stand_ins": stand_ins,
        "views": views,
        "done": done,
        "reference": notice.reference,
    });
    state.web.page(&state, &s.visitor, "desk/home.html", &page)
}

#[derive(Debug, Deserialize, Default)]
pub struct QueueParams {
    sort: Option<String>,
    after: Option<String>,
}

/// The orders a queue page offers, as `Sort` names.
const SORTS: [&str; 6] = [
    "-created",
    "created",
    "-updated",
    "updated",
    "-priority",
    "priority",
];

pub async fn queue(
    State(state): State<AppState>,
    s: SignedIn,
    Path(key): Path<String>,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let lang = s.visitor.lang;
    let queue_key = QueueKey::parse(&key).map_err(|_| PageError::NotFound)?;
    // An unknown order or a stale cursor is not worth an error page: the first page is shown.
    let sort = params
        .sort
        .as_deref()
        .and_then(Sort::parse)
        .unwrap_or_default();
    let after = params
        .after
        .as_deref()
        .and_then(|c| cursor::decode(sort, c));
    let items = state
        .app
        .queue_tickets(&s.caller, queue_key, sort, after, PAGE_SIZE)
        .await?;
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
    let tickets: Vec<_> = items.items.iter().map(|i| i.ticket.clone()).collect();
    let handling = state.app.handling(&s.caller, &tickets).await?;
    let now = state.app.now();
    let rows: Vec<serde_json::Value> = items
        .items
        .iter()
        .zip(handling.iter())
        .map(|(i, h)| {
            let t = &i.ticket;
            json!({
                "reference": t.reference.to_string(),
                "subject": t.subject,
                "status": t.status.as_str(),
                "priority": t.priority.as_str(),
                "level": format!("{:?}", t.level),
                "group": h.group,
                "agent": h.agent,
                "delegated": i.delegated_from.is_some(),
                "age": ago(lang, t.created_at, now),
                "created": t.created_at.to_rfc3339(),
            })
        })
        .collect();
    let next = items.next.as_ref().map(|c| {
        format!(
            "/desk/queues/{key}?sort={}&after={}",
            crate::pages::form::encode(sort.as_str()),
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
    let page = json!({
        "key": key,
        "colleagues": colleagues,
        "title": title,
        "unassigned_only": matches!(queue_key, QueueKey::GroupNew(_)),
        "rows": rows,
        "next": next,
        "sort": sort.as_str(),
        "sorts": SORTS,
    });
    state.web.page(&state, &s.visitor, "desk/queue.html", &page)
}
