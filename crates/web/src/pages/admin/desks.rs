//! `/admin/desks`: the desks (guichets) with their groups, and a form to create one.

use super::{Notice, admin_only, refused_on, settle};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
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
                "code": d.code,
                "name": d.name,
                "groups": groups.iter().filter(|g| g.desk == d.id).map(|g| json!({
                    "id": g.id.0, "code": g.code, "level": g.level.as_str(),
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
    let done = notice.of(&["created"]);
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
