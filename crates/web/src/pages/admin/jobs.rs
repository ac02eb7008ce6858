//! `/admin/jobs`: the job queue's failing (retrying) and dead jobs, newest first, in keyset
//! pages, each with a button to replay it (due now, attempts reset; audited by the app).

use super::{Notice, admin_only, path_id};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::Fields;
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_store::job::JobState;
use serde::Deserialize;
use serde_json::json;

/// Jobs per page.
const PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct Filter {
    state: Option<String>,
    before: Option<i64>,
    done: Option<String>,
}

fn state_of(s: Option<&str>) -> JobState {
    match s {
        Some("failed") => JobState::Failed,
        _ => JobState::Dead,
    }
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(filter): Query<Filter>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let times = Times::new(&state, s.visitor.lang);
    let shown = state_of(filter.state.as_deref());
    let mut jobs = state
        .app
        .jobs(&s.caller, shown, filter.before, PAGE + 1)
        .await?;
    let more = jobs.len() as i64 > PAGE;
    jobs.truncate(PAGE as usize);
    let next = match jobs.last() {
        Some(j) if more => Some(format!(
            "/admin/jobs?state={}&before={}",
            shown.as_str(),
            j.id
        )),
        _ => None,
    };
    let notice = Notice { done: filter.done };
    let page = json!({
        "state": shown.as_str(),
        "jobs": jobs.iter().map(|j| json!({
            "id": j.id,
            "kind": j.kind,
            "attempts": j.attempts,
            "max_attempts": j.max_attempts,
            "last_error": j.last_error,
            "run_at": times.when(j.run_at),
        })).collect::<Vec<_>>(),
        "next_page": next,
        "done": notice.of(&["replayed"]),
    });
    state.web.page(&state, &s.visitor, "admin/jobs.html", &page)
}

pub async fn replay(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = path_id(&id)?;
    let f = Fields::read(&s.visitor, &body)?;
    let back = state_of(f.get("state")).as_str();
    match state.app.replay_job(&s.caller, id).await {
        // Replayed twice (two tabs): it is back in the queue either way.
        Ok(_) | Err(AppError::Conflict { .. }) => {
            Ok(Redirect::to(&format!("/admin/jobs?state={back}&done=replayed")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
