//! `/jobs`: the administrators' view of the job queue: failing and dead jobs, newest first, and
//! replaying one (see `guichet_app::job`).

use crate::AppState;
use crate::extract::{Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use guichet_app::job::listable_state;
use guichet_core::FieldError;
use guichet_store::job::Job;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(replay))
}

/// A job of the durable queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDto {
    pub id: i64,
    /// What runs it: `outbox.event`, `noop`…
    pub kind: String,
    pub unique_key: Option<String>,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `queued`, `running`, `done`, `failed` (will retry at `run_at`) or `dead`.
    pub state: String,
    pub run_at: DateTime<Utc>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn dto(j: Job) -> JobDto {
    JobDto {
        id: j.id,
        kind: j.kind,
        unique_key: j.unique_key,
        payload: j.payload,
        state: j.state.as_str().into(),
        run_at: j.run_at,
        attempts: j.attempts,
        max_attempts: j.max_attempts,
        last_error: j.last_error,
        created_at: j.created_at,
        updated_at: j.updated_at,
        finished_at: j.finished_at,
    }
}

/// A page of jobs; pass `next_before` as `before` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobPage {
    pub items: Vec<JobDto>,
    pub next_before: Option<i64>,
}

/// Failing or dead jobs, newest first (administrators).
#[utoipa::path(get, path = "/jobs", tag = "jobs",
    params(("state" = String, Query, description = "`dead` or `failed`"),
        ("before" = Option<i64>, Query, description = "Keyset cursor: the `next_before` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 200, default 50")),
    responses((status = 200, body = JobPage),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 422, description = "`state` or `limit` is invalid", content_type = "application/problem+json")))]
async fn list(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<JobPage>, ApiError> {
    let state = match p.get("state") {
        Some(v) => listable_state("state", v)?,
        None => return Err(FieldError::new("state", "required").into()),
    };
    let before = p.i64("before")?;
    let limit = p.i64("limit")?.unwrap_or(50);
    let items = s.app.jobs(&c, state, before, limit).await?;
    let next_before = (items.len() as i64 == limit)
        .then(|| items.last().map(|j| j.id))
        .flatten();
    Ok(Json(JobPage {
        items: items.into_iter().map(dto).collect(),
        next_before,
    }))
}

/// Put a dead or failing job back in the queue, due now, attempts reset (administrators;
/// audited). A job that is queued, running or done is a conflict on `state`.
#[utoipa::path(post, path = "/jobs/{id}/replay", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobDto),
        (status = 403, description = "Administrators only", content_type = "application/problem+json"),
        (status = 404, description = "No such job", content_type = "application/problem+json"),
        (status = 409, description = "Not dead nor failing", content_type = "application/problem+json")))]
async fn replay(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<JobDto>, ApiError> {
    let id: i64 = id.parse().map_err(|_| not_found("job"))?;
    Ok(Json(dto(s.app.replay_job(&c, id).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_store::job::JobState;

    #[test]
    fn listable_states_are_dead_and_failed() {
        assert_eq!(listable_state("state", "dead").ok(), Some(JobState::Dead));
        assert_eq!(
            listable_state("state", "failed").ok(),
            Some(JobState::Failed)
        );
        assert!(listable_state("state", "done").is_err());
    }
}
