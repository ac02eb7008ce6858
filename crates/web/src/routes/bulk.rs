//! `POST /tickets/bulk`: one action on a selection of tickets, each ticket its own transaction;
//! the answer lists every ticket's outcome, refusals with their problem code and message.

use super::tickets::dto::TicketDto;
use crate::AppState;
use crate::extract::{ApiJson, Auth};
use crate::i18n::Lang;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use guichet_app::bulk::{BulkAction, BulkOutcome};
use guichet_core::lifecycle::WaitingOn;
use guichet_core::{FieldError, PersonId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(bulk))
}

/// One action on up to 100 tickets.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// `take`, `assign`, `wait`, `resume`, `resolve`, `close` or `reject`.
    #[schema(example = "take")]
    pub action: String,
    /// Ticket references, `YYYY-NNNNNN`.
    pub tickets: Vec<String>,
    /// For `assign`.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// For `wait`: `requester` or `third_party`.
    #[serde(default)]
    pub waiting_on: Option<String>,
    /// For `wait` (optional note) and `reject` (required).
    #[serde(default)]
    pub reason: Option<String>,
    /// For `resolve`.
    #[serde(default)]
    pub solution: Option<String>,
}

/// One ticket's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItem {
    pub reference: String,
    pub ok: bool,
    /// The ticket as it now is, when done.
    pub ticket: Option<TicketDto>,
    /// When refused: the HTTP status a single call would have had, the stable code, the field
    /// at fault if any, and the message in the request's language.
    pub status: Option<u16>,
    pub code: Option<String>,
    pub field: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub done: usize,
    pub refused: usize,
    pub items: Vec<BulkItem>,
}

fn action(b: &BulkBody) -> Result<BulkAction, ApiError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(match b.action.as_str() {
        "take" => BulkAction::Take,
        "assign" => BulkAction::Assign(PersonId(
            b.assignee_id.ok_or(FieldError::required("assignee_id"))?,
        )),
        "wait" => BulkAction::Wait {
            on: match b.waiting_on.as_deref() {
                Some(w) => WaitingOn::parse(w)?,
                None => WaitingOn::Requester,
            },
            reason: text(&b.reason),
        },
        "resume" => BulkAction::Resume,
        "resolve" => BulkAction::Resolve {
            solution: text(&b.solution),
        },
        "close" => BulkAction::Close,
        "reject" => BulkAction::Reject {
            reason: text(&b.reason),
        },
        _ => return Err(FieldError::new("action", "invalid").into()),
    })
}

fn item(o: BulkOutcome, lang: Lang) -> BulkItem {
    match o.result {
        Ok(t) => BulkItem {
            reference: o.reference,
            ok: true,
            ticket: Some(TicketDto::from(&t)),
            status: None,
            code: None,
            field: None,
            detail: None,
        },
        Err(e) => {
            let problem = ApiError::App(e).problem();
            let doc = problem.to_json(lang, "-");
            BulkItem {
                reference: o.reference,
                ok: false,
                ticket: None,
                status: Some(problem.status.as_u16()),
                code: Some(problem.code.clone()),
                field: problem.field.clone(),
                detail: doc["detail"].as_str().map(str::to_owned),
            }
        }
    }
}

/// Apply one action to a selection of tickets (at most 100), each as if done alone. The call
/// answers 200 with every ticket's outcome; it is refused as a whole only for an empty or too
/// long selection, an unknown action, or a missing solution, reason or assignee.
#[utoipa::path(post, path = "/tickets/bulk", tag = "ticket actions", request_body = BulkBody,
    responses((status = 200, body = BulkResult),
        (status = 422, description = "The selection or the action is invalid", content_type = "application/problem+json")))]
async fn bulk(
    State(s): State<AppState>,
    Auth(c): Auth,
    headers: HeaderMap,
    ApiJson(b): ApiJson<BulkBody>,
) -> Result<Json<BulkResult>, ApiError> {
    let action = action(&b)?;
    let lang = Lang::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let outcomes = s.app.bulk(&c, &action, &b.tickets).await?;
    let items: Vec<BulkItem> = outcomes.into_iter().map(|o| item(o, lang)).collect();
    let done = items.iter().filter(|i| i.ok).count();
    Ok(Json(BulkResult {
        done,
        refused: items.len() - done,
        items,
    }))
}
