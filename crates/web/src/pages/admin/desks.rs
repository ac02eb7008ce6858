//! `/admin/desks`: the desks (guichets) with their groups, and a form to create one;
//! `/admin/desks/{id}`: renaming one (its code stays: configuration and rules refer to it).

use super::{Notice, admin_only, path_id, refused_on, settle};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guichet_app::admin::DeskInput;
use guichet_core::DeskId;
use serde_json::json;

async fn render(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Fields,
) -> Result<Response, PageError> {
    let desks = state.app.list_desks().await?;
    let groups = state.app.list_groups(None).await?;
    let rows: Vec<_> = desks
        .iter()
        .map(|d| {
            json!({
                "id": d.id.0,
                "code": d.code,
                "name": d.name,
                "groups": groups.iter().filter(|g| g.desk == d.id).map(|g| json!({
                    "id": g.id.0, "code": g.code, "level": g.level.as_str(), "active": g.active,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let page = json!({
        "desks": rows,
        "errors": errors,
        "done": done,
        "typed": { "code": typed.text("desk-code"), "name": typed.text("desk-name") },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/desks.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let done = notice.of(&["created", "updated"]);
    let none = Fields::default();
    render(
        &state,
        &s,
        StatusCode::OK,
        &FormErrors::default(),
        done,
        &none,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let result = state
        .app
        .create_desk(&s.caller, &f.text("desk-code"), &f.text("desk-name"), None)
        .await;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| "/admin/desks?done=created".into(),
        refused_on(s, "desk", "code"),
        |status, errors| async move { render(state, s, status, &errors, None, f).await },
    )
    .await
}

async fn render_one(
    state: &AppState,
    s: &SignedIn,
    id: DeskId,
    status: StatusCode,
    errors: &FormErrors,
    typed: Option<&Fields>,
) -> Result<Response, PageError> {
    let desk = state.app.admin_desk(&s.caller, id).await?;
    let name = typed.map_or_else(|| desk.name.clone(), |f| f.text("desk-name"));
    let page = json!({
        "desk": { "id": desk.id.0, "code": desk.code, "name": desk.name },
        "errors": errors,
        "typed": { "name": name },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/desk.html", &page)
}

pub async fn edit(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = DeskId(path_id(&id)?);
    render_one(&state, &s, id, StatusCode::OK, &FormErrors::default(), None).await
}

/// Renames the desk; the zone it serves is kept (the page does not offer it).
pub async fn update(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = DeskId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let input = DeskInput {
        name: Some(f.text("desk-name")),
        node: None,
    };
    let result = state.app.update_desk(&s.caller, id, input).await;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| "/admin/desks?done=updated".into(),
        refused_on(s, "desk", "name"),
        |status, errors| async move { render_one(state, s, id, status, &errors, Some(f)).await },
    )
    .await
}
