//! Saved views on pages: `POST /desk/queues/{key}/views` keeps a queue page's filters under a
//! name; `GET /desk/views/{id}` lists the view's tickets (an agent's own views only: another's
//! is not found); `POST /desk/views/{id}/delete` removes it.

use super::agent_only;
use super::filters::{self, QueueParams};
use super::queues::{PAGE_SIZE, rows, show as show_queue, slas};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, encode};
use crate::pages::visitor::SignedIn;
use crate::routes::cursor;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_app::queue::view_sort;
use guichet_core::queue::QueueKey;
use serde::Deserialize;
use serde_json::json;

/// `POST /desk/queues/{key}/views`: the filter fields (hidden) and `view-name`.
pub async fn save(
    State(state): State<AppState>,
    s: SignedIn,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let lang = s.visitor.lang;
    let queue_key = QueueKey::parse(&key).map_err(|_| PageError::NotFound)?;
    let f = Fields::read(&s.visitor, &body)?;
    let mut params = QueueParams::from_pairs(&f.0);
    // A saved view starts at its first page.
    params.after = None;
    let name = f.text("view-name");
    let typed = json!({ "view-name": name });
    let mut errors = FormErrors::default();
    let filters = filters::parse(&state, lang, &params, &mut errors).await;
    if !errors.is_empty() {
        return show_queue(&state, &s, queue_key, &params, &filters, errors, &typed).await;
    }
    match state
        .app
        .save_queue_view(&s.caller, queue_key, &filters, params.sort(), &name)
        .await
    {
        Ok(view) => {
            Ok(Redirect::to(&format!("/desk/views/{}?done=saved", view.id)).into_response())
        }
        Err(e) => {
            match &e {
                AppError::Invalid(fe) if fe.field == "name" => {
                    errors.add(lang, "view-name", fe.code, &[])
                }
                AppError::Conflict {
                    code,
                    field: Some("name"),
                } => errors.add(lang, "view-name", code, &[]),
                _ if filters::add_error(&mut errors, lang, &e) => {}
                _ => return Err(e.into()),
            }
            show_queue(&state, &s, queue_key, &params, &filters, errors, &typed).await
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ViewParams {
    after: Option<String>,
    done: Option<String>,
}

/// `GET /desk/views/{id}`: a page of the view's tickets, with a keyset "next page".
pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<ViewParams>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let view = state.app.view(&s.caller, id).await?;
    let sort = view_sort(&view)?;
    let after = params
        .after
        .as_deref()
        .and_then(|c| cursor::decode(sort, c));
    let (page, sort) = state
        .app
        .view_tickets(&s.caller, id, after, PAGE_SIZE)
        .await?;
    let next = page.next.as_ref().map(|c| {
        format!(
            "/desk/views/{id}?after={}",
            encode(&cursor::encode(sort, c))
        )
    });
    let page = json!({
        "id": id,
        "name": view.name,
        "rows": rows(s.visitor.lang, &page.items, &slas(&state, &s, &page.items).await?, state.app.now()),
        "next_page": next,
        "sort": sort.as_str(),
        "done": params.done.filter(|d| d == "saved"),
    });
    state.web.page(&state, &s.visitor, "desk/view.html", &page)
}

/// `POST /desk/views/{id}/delete`: back to the workspace home, which says so.
pub async fn delete(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    Fields::read(&s.visitor, &body)?;
    state.app.delete_view(&s.caller, id).await?;
    Ok(Redirect::to("/desk?done=view-deleted").into_response())
}
