//! `/admin/directory`: the latest directory sync runs and imports (LDAP, CSV), newest first,
//! with their counts, first rejections and error. Read only: syncs run from the daily job or
//! `guichet directory sync`.

use super::admin_only;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

/// Runs shown.
const SHOWN: i64 = 50;

/// Rejections shown per run (the run keeps the first ones).
const REJECTIONS: usize = 5;

pub async fn list(State(state): State<AppState>, s: SignedIn) -> Result<Response, PageError> {
    admin_only(&s)?;
    let times = Times::new(&state, s.visitor.lang);
    let runs = state.app.directory_runs(&s.caller, SHOWN).await?;
    let page = json!({
        "runs": runs.iter().map(|r| {
            let rejections: Vec<Value> = serde_json::from_str::<Vec<Value>>(&r.rejections)
                .unwrap_or_default()
                .into_iter()
                .take(REJECTIONS)
                .collect();
            let c = &r.counts;
            json!({
                "id": r.id,
                "source": r.source,
                "dry_run": r.dry_run,
                "state": r.state,
                "started_at": times.when(r.started_at),
                "finished_at": r.finished_at.map(|t| times.when(t)),
                "establishments": [c.establishments_created, c.establishments_updated, c.establishments_rejected],
                "persons": [c.persons_created, c.persons_updated, c.persons_deactivated, c.persons_rejected],
                "rejections": rejections,
                "error": r.error,
            })
        }).collect::<Vec<_>>(),
    });
    state
        .web
        .page(&state, &s.visitor, "admin/directory.html", &page)
}
