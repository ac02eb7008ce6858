//! `/admin/users`: people found by name or email (keyset pages); `/admin/users/{id}`: one
//! person's roles and groups, with the administrator's actions: deactivate or reactivate,
//! grant or revoke administration, add to a group or take out of one.

use super::{Notice, admin_only, id_field, path_id, refusal};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, encode};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_core::person::RoleKind;
use guichet_core::{GroupId, PersonId};
use serde::Deserialize;
use serde_json::json;

/// People per page.
const PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct Search {
    q: Option<String>,
    /// The last row of the previous page: its name and id.
    after_name: Option<String>,
    after_id: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let q = search.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let after = search.after_name.clone().zip(search.after_id);
    let mut people = state
        .app
        .list_persons(&s.caller, q, after, PAGE + 1)
        .await?;
    let more = people.len() as i64 > PAGE;
    people.truncate(PAGE as usize);
    let next = match people.last() {
        Some(p) if more => Some(format!(
            "/admin/users?q={}&after_name={}&after_id={}",
            encode(q.unwrap_or("")),
            encode(&p.display_name),
            p.id.0
        )),
        _ => None,
    };
    let page = json!({
        "q": q.unwrap_or(""),
        "people": people.iter().map(|p| json!({
            "id": p.id.0, "name": p.display_name, "email": p.email, "active": p.active,
        })).collect::<Vec<_>>(),
        "next_page": next,
    });
    state
        .web
        .page(&state, &s.visitor, "admin/users.html", &page)
}

const DONE: [&str; 7] = [
    "deactivate",
    "reactivate",
    "grant-admin",
    "revoke-admin",
    "join-group",
    "left-group",
    "created",
];

async fn render(
    state: &AppState,
    s: &SignedIn,
    id: PersonId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let (person, roles) = state.app.person(&s.caller, id).await?;
    let groups = state.app.groups_of_person(&s.caller, id).await?;
    let desks = state.app.list_desks().await?;
    let desk = |d| {
        desks
            .iter()
            .find(|x| x.id == d)
            .map_or("", |x| x.code.as_str())
    };
    let all = state.app.list_groups(None).await?;
    let page = json!({
        "person": {
            "id": person.id.0,
            "name": person.display_name,
            "email": person.email,
            "active": person.active,
            "admin": roles.iter().any(|r| r.kind == RoleKind::Admin),
            "me": s.caller.person_id() == Some(person.id),
        },
        "roles": roles.iter().map(|r| json!({
            "kind": r.kind.as_str(), "node": r.node_name,
        })).collect::<Vec<_>>(),
        "groups": groups.iter().map(|g| json!({
            "id": g.id.0, "code": g.code, "name": g.name, "level": g.level.as_str(), "desk": desk(g.desk),
        })).collect::<Vec<_>>(),
        "choices": all.iter().filter(|g| !groups.iter().any(|m| m.id == g.id)).map(|g| json!({
            "id": g.id.0, "label": format!("{} — {} ({})", desk(g.desk), g.name, g.level.as_str()),
        })).collect::<Vec<_>>(),
        "errors": errors,
        "done": done,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/user.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = PersonId(path_id(&id)?);
    let done = notice.of(&DONE);
    render(&state, &s, id, StatusCode::OK, &FormErrors::default(), done).await
}

/// One of the person page's buttons: `deactivate`, `reactivate`, `grant-admin`,
/// `revoke-admin`, `join-group` (with the group chosen).
pub async fn act(
    State(state): State<AppState>,
    s: SignedIn,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = PersonId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let app = &state.app;
    let (result, fallback) = match action.as_str() {
        "deactivate" => (
            app.set_person_active(&s.caller, id, false)
                .await
                .map(|_| ()),
            "active",
        ),
        "reactivate" => (
            app.set_person_active(&s.caller, id, true).await.map(|_| ()),
            "active",
        ),
        "grant-admin" => (app.set_admin(&s.caller, id, true).await, "admin"),
        "revoke-admin" => (app.set_admin(&s.caller, id, false).await, "admin"),
        "join-group" => {
            let joined = async {
                let group = GroupId(id_field(&f.text("user-group"), "group")?);
                app.add_member(&s.caller, group, id).await
            }
            .await;
            let joined = match joined {
                Err(AppError::NotFound("group")) => Err(AppError::invalid("group", "invalid")),
                other => other,
            };
            (joined, "group")
        }
        _ => return Err(PageError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{}?done={action}", id.0)).into_response()),
        Err(e) => {
            let errors = refusal(s.visitor.lang, "user", fallback, e)?;
            render(
                &state,
                &s,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                None,
            )
            .await
        }
    }
}

pub async fn leave_group(
    State(state): State<AppState>,
    s: SignedIn,
    Path((id, group)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = PersonId(path_id(&id)?);
    let group = GroupId(path_id(&group)?);
    Fields::read(&s.visitor, &body)?;
    state.app.remove_member(&s.caller, group, id).await?;
    Ok(Redirect::to(&format!("/admin/users/{}?done=left-group", id.0)).into_response())
}
