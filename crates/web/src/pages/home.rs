//! `GET /`: the requester's home: their requests still in progress (and those awaiting their
//! confirmation), a school director's view of their school's requests, the announcements area,
//! and the big "new request" action.

use super::error::PageError;
use super::requests::view::rows;
use super::visitor::SignedIn;
use crate::AppState;
use crate::i18n::Lang;
use axum::extract::State;
use axum::response::Response;
use guichet_app::ticket::ListQuery;
use guichet_core::lifecycle::Status;
use guichet_store::broadcast::Broadcast;
use guichet_store::ticket::list::{Sort, TicketFilter};
use serde_json::json;

/// How many rows each list of the home page shows.
const HOME_ROWS: i64 = 50;

pub async fn show(State(state): State<AppState>, s: SignedIn) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let me = s.caller.person_id();
    let mut statuses = Status::OPEN.to_vec();
    statuses.push(Status::Resolved);
    let mine = state
        .app
        .list_tickets(
            &s.caller,
            ListQuery {
                filter: TicketFilter {
                    statuses: statuses.clone(),
                    requester: me,
                    ..TicketFilter::default()
                },
                sort: Sort::RecentlyUpdated,
                limit: HOME_ROWS,
                ..ListQuery::default()
            },
        )
        .await?
        .items;
    let now = state.app.now();
    let handling = state.app.handling(&s.caller, &mine).await?;
    let mine = rows(lang, &mine, &handling, now);

    // A director reads their school's requests (others' included, read-only).
    let mut schools = Vec::new();
    for school in s.caller.subject.visibility().establishments {
        let node = state.app.org_node(school).await?;
        let tickets: Vec<_> = state
            .app
            .list_tickets(
                &s.caller,
                ListQuery {
                    filter: TicketFilter {
                        statuses: statuses.clone(),
                        establishment: Some(school),
                        ..TicketFilter::default()
                    },
                    sort: Sort::RecentlyUpdated,
                    limit: HOME_ROWS,
                    ..ListQuery::default()
                },
            )
            .await?
            .items
            .into_iter()
            .filter(|t| Some(t.requester) != me)
            .collect();
        let handling = state.app.handling(&s.caller, &tickets).await?;
        schools.push(json!({
            "name": node.name,
            "rows": rows(lang, &tickets, &handling, now),
        }));
    }
    // The broadcasts whose audience holds this person, while their banner lasts.
    let announcements: Vec<serde_json::Value> = state
        .app
        .banners(&s.caller)
        .await?
        .iter()
        .map(|b| announcement(lang, b))
        .collect();
    let page = json!({
        "mine": mine,
        "schools": schools,
        "announcements": announcements,
    });
    state
        .web
        .page(&state, &s.visitor, "portal/home.html", &page)
}

/// A broadcast as the portal's banner shows it: in English when the reader chose English and the
/// author wrote it (as its email does), its body in paragraphs.
fn announcement(lang: Lang, b: &Broadcast) -> serde_json::Value {
    let (title, body) = match (lang, &b.subject_en, &b.body_en) {
        (Lang::En, Some(s), Some(t)) => (s, t),
        _ => (&b.subject_fr, &b.body_fr),
    };
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    json!({ "title": title, "paragraphs": paragraphs })
}
