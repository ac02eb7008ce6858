//! `POST /desk/queues/{key}/bulk`: one action on the tickets ticked on a queue page (take,
//! assign to a colleague, resolve, close). Each ticket goes through its own use case; the page
//! then lists every ticket's outcome, done or refused and why.

use super::agent_only;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use guichet_app::AppError;
use guichet_app::bulk::BulkAction;
use guichet_core::PersonId;
use serde_json::json;

fn action(f: &Fields) -> Result<BulkAction, AppError> {
    match f.text("bulk-action").as_str() {
        "take" => Ok(BulkAction::Take),
        "assign" => f
            .text("bulk-assignee")
            .trim()
            .parse::<i64>()
            .map(|p| BulkAction::Assign(PersonId(p)))
            .map_err(|_| AppError::invalid("bulk-assignee", "required")),
        "resolve" => Ok(BulkAction::Resolve {
            solution: f.text("bulk-solution"),
        }),
        "close" => Ok(BulkAction::Close),
        _ => Err(AppError::invalid("bulk-action", "required")),
    }
}

pub async fn bulk(
    State(state): State<AppState>,
    s: SignedIn,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let lang = s.visitor.lang;
    let f = Fields::read(&s.visitor, &body)?;
    let references: Vec<String> =
        f.0.iter()
            .filter(|(k, _)| k == "tickets")
            .map(|(_, v)| v.clone())
            .collect();
    let result = match action(&f) {
        Ok(a) => state.app.bulk(&s.caller, &a, &references).await,
        Err(e) => Err(e),
    };
    let mut errors = FormErrors::default();
    let outcomes = match result {
        Ok(outcomes) => outcomes,
        Err(e) => {
            let e = match e {
                // The selection and the solution are fields of the bulk form.
                AppError::Invalid(mut fe) if !fe.field.starts_with("bulk-") => {
                    fe.field = if fe.field == "solution" {
                        "bulk-solution"
                    } else {
                        "bulk-tickets"
                    };
                    AppError::Invalid(fe)
                }
                other => other,
            };
            if !errors.add_app(lang, &e, &[]) {
                return Err(e.into());
            }
            Vec::new()
        }
    };
    let rows: Vec<_> = outcomes
        .iter()
        .map(|o| {
            let refusal = o.result.as_ref().err().map(|e| {
                let mut one = FormErrors::default();
                if one.add_app(lang, e, &[]) {
                    one.list.remove(0).message
                } else if matches!(e, AppError::Lifecycle(_)) {
                    crate::pages::render::text(lang, "form-error-action-not_now", &[])
                } else {
                    crate::pages::render::text(lang, "desk-bulk-not-found", &[])
                }
            });
            json!({ "reference": o.reference, "refusal": refusal })
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = json!({ "key": key, "rows": rows, "errors": errors });
    state
        .web
        .page_with(&state, &s.visitor, status, "desk/bulk.html", &page)
}
