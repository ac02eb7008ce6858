//! `/admin/groups`: every desk's groups (code, name, level N0–N3, expertise, state) and a form
//! to create one; `/admin/groups/{id}`: renaming, describing, deactivating or reactivating the
//! group (its code, level and expertise stay), its agents, adding one by email, taking one out.

use super::{Notice, admin_only, id_field, path_id, refused_on, settle};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_app::admin::GroupInput;
use guichet_core::desk::{Expertise, Level};
use guichet_core::{DeskId, GroupId, PersonId};
use guichet_store::desk::Group;
use serde_json::json;

const EXPERTISES: [Expertise; 3] = [
    Expertise::Functional,
    Expertise::Pedagogical,
    Expertise::Technical,
];

async fn render_list(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Fields,
) -> Result<Response, PageError> {
    let desks = state.app.list_desks().await?;
    let groups = state.app.list_groups(None).await?;
    let rows: Vec<_> = groups
        .iter()
        .map(|g| {
            let desk = desks.iter().find(|d| d.id == g.desk);
            json!({
                "id": g.id.0,
                "code": g.code,
                "name": g.name,
                "level": g.level.as_str(),
                "expertise": g.expertise.as_str(),
                "desk": desk.map_or("", |d| d.code.as_str()),
                "active": g.active,
            })
        })
        .collect();
    let page = json!({
        "groups": rows,
        "desks": desks.iter().map(|d| json!({ "id": d.id.0, "label": format!("{} — {}", d.code, d.name) })).collect::<Vec<_>>(),
        "levels": Level::ALL.iter().map(|l| json!({ "id": l.as_str() })).collect::<Vec<_>>(),
        "expertises": EXPERTISES.map(|x| json!({ "id": x.as_str() })),
        "errors": errors,
        "done": done,
        "typed": {
            "code": typed.text("group-code"),
            "name": typed.text("group-name"),
            "level": typed.text("group-level"),
            "expertise": typed.text("group-expertise"),
            "desk": typed.text("group-desk"),
        },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/groups.html", &page)
}

pub async fn list(
    State(state): State<AppState>,
    s: SignedIn,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let none = Fields::default();
    let done = notice.of(&["created"]);
    render_list(
        &state,
        &s,
        StatusCode::OK,
        &FormErrors::default(),
        done,
        &none,
    )
    .await
}

/// A `<select>` left on its blank choice is a required field, not an invalid one.
fn chosen(f: &Fields, name: &str, field: &'static str) -> Result<String, AppError> {
    let v = f.text(name).trim().to_owned();
    if v.is_empty() {
        Err(AppError::invalid(field, "required"))
    } else {
        Ok(v)
    }
}

pub async fn create(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let result = async {
        let desk = DeskId(id_field(&f.text("group-desk"), "desk")?);
        let level = Level::parse(&chosen(&f, "group-level", "level")?)?;
        let expertise = Expertise::parse(&chosen(&f, "group-expertise", "expertise")?)?;
        state
            .app
            .create_group(
                &s.caller,
                desk,
                &f.text("group-code"),
                &f.text("group-name"),
                level,
                expertise,
            )
            .await
    }
    .await;
    // An unknown desk is a wrong choice in the form, not a missing page.
    let result = result.map_err(|e| match e {
        AppError::NotFound("desk") => AppError::invalid("desk", "invalid"),
        other => other,
    });
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |g| format!("/admin/groups/{}?done=created", g.id.0),
        refused_on(s, "group", "code"),
        |status, errors| async move { render_list(state, s, status, &errors, None, f).await },
    )
    .await
}

/// The edit form's values: as typed when it was the form sent, else the group's own.
fn edit_form(group: &Group, typed: &Fields) -> serde_json::Value {
    let mut form = if typed.get("group-name").is_some() {
        json!({
            "name": typed.text("group-name"),
            "description": typed.text("group-description"),
            "active": typed.get("group-active").is_some(),
        })
    } else {
        json!({ "name": group.name, "description": group.description, "active": group.active })
    };
    form["email"] = json!(typed.text("member-email"));
    form
}

async fn render_group(
    state: &AppState,
    s: &SignedIn,
    id: GroupId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Fields,
) -> Result<Response, PageError> {
    let (group, open) = state.app.admin_group(&s.caller, id).await?;
    let (_, members) = state.app.group_members(&s.caller, id).await?;
    let managers = state.app.group_managers(&s.caller, id).await?;
    let desk = state
        .app
        .list_desks()
        .await?
        .into_iter()
        .find(|d| d.id == group.desk);
    let page = json!({
        "group": {
            "id": group.id.0,
            "code": group.code,
            "name": group.name,
            "level": group.level.as_str(),
            "expertise": group.expertise.as_str(),
            "desk": desk.map(|d| format!("{} — {}", d.code, d.name)),
            "active": group.active,
            "open": open,
        },
        "members": members.iter().map(|p| json!({
            "id": p.id.0, "name": p.display_name, "email": p.email, "active": p.active,
            "manager": managers.contains(&p.id),
        })).collect::<Vec<_>>(),
        "errors": errors,
        "done": done,
        "typed": edit_form(&group, typed),
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/group.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = GroupId(path_id(&id)?);
    let done = notice.of(&["created", "added", "removed", "manager", "updated"]);
    let none = Fields::default();
    render_group(
        &state,
        &s,
        id,
        StatusCode::OK,
        &FormErrors::default(),
        done,
        &none,
    )
    .await
}

/// Renames, describes, deactivates or reactivates the group.
pub async fn update(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = GroupId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let input = GroupInput {
        name: Some(f.text("group-name")),
        description: Some(f.text("group-description")),
        active: Some(f.get("group-active").is_some()),
    };
    let result = state.app.update_group(&s.caller, id, input).await;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| format!("/admin/groups/{}?done=updated", id.0),
        refused_on(s, "group", "name"),
        |status, errors| async move { render_group(state, s, id, status, &errors, None, f).await },
    )
    .await
}

pub async fn add_member(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = GroupId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let result = state
        .app
        .add_member_by_email(&s.caller, id, &f.text("member-email"))
        .await;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| format!("/admin/groups/{}?done=added", id.0),
        refused_on(s, "member", "email"),
        |status, errors| async move { render_group(state, s, id, status, &errors, None, f).await },
    )
    .await
}

pub async fn remove_member(
    State(state): State<AppState>,
    s: SignedIn,
    Path((id, person)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = GroupId(path_id(&id)?);
    let person = PersonId(path_id(&person)?);
    Fields::read(&s.visitor, &body)?;
    state.app.remove_member(&s.caller, id, person).await?;
    Ok(Redirect::to(&format!("/admin/groups/{}?done=removed", id.0)).into_response())
}

/// Makes a member one of the group's managers (told of its SLA breaches), or no longer one.
pub async fn set_manager(
    State(state): State<AppState>,
    s: SignedIn,
    Path((id, person)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = GroupId(path_id(&id)?);
    let person = PersonId(path_id(&person)?);
    let f = Fields::read(&s.visitor, &body)?;
    let manager = f.get("manager") == Some("yes");
    state
        .app
        .set_group_manager(&s.caller, id, person, manager)
        .await?;
    Ok(Redirect::to(&format!("/admin/groups/{}?done=manager", id.0)).into_response())
}
