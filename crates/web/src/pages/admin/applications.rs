//! `/admin/applications`: the applications requests are about, with the keywords that name
//! them in an email subject (mail intake matches them) and their default group; a form to
//! create one; `/admin/applications/{id}`: editing one (its code stays).

use super::{Notice, admin_only, path_id, refused_on, settle};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guichet_app::AppError;
use guichet_app::admin::ApplicationInput;
use guichet_core::{ApplicationId, GroupId};
use guichet_store::application::Application;
use serde_json::{Value, json};

/// Keywords typed as one comma-separated text: `LSU, LSUN, Livret`.
fn keywords(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The default group chosen in a `<select>`: empty is none.
fn default_group(f: &Fields) -> Result<Option<GroupId>, AppError> {
    let v = f.text("app-default_group");
    if v.trim().is_empty() {
        return Ok(None);
    }
    super::id_field(&v, "default_group").map(|id| Some(GroupId(id)))
}

/// The groups to choose a default from, named with their desk.
async fn group_choices(state: &AppState) -> Result<Vec<Value>, PageError> {
    let desks = state.app.list_desks().await?;
    Ok(state
        .app
        .list_groups(None)
        .await?
        .iter()
        .filter(|g| g.active)
        .map(|g| {
            let desk = desks
                .iter()
                .find(|d| d.id == g.desk)
                .map_or("", |d| &d.code);
            json!({ "id": g.id.0, "label": format!("{desk} — {} ({})", g.name, g.level.as_str()) })
        })
        .collect())
}

fn row(a: &Application, groups: &[Value]) -> Value {
    let group = a.default_group.and_then(|g| {
        groups
            .iter()
            .find(|v| v["id"] == g.0)
            .map(|v| v["label"].clone())
    });
    json!({
        "id": a.id.0, "code": a.code, "name": a.name, "description": a.description,
        "keywords": a.keywords.join(", "), "group": group, "active": a.active,
    })
}

async fn render_list(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Fields,
) -> Result<Response, PageError> {
    let groups = group_choices(state).await?;
    let apps: Vec<_> = state
        .app
        .list_applications()
        .await?
        .iter()
        .map(|a| row(a, &groups))
        .collect();
    let page = json!({
        "applications": apps,
        "groups": groups,
        "errors": errors,
        "done": done,
        "typed": {
            "code": typed.text("app-code"),
            "name": typed.text("app-name"),
            "description": typed.text("app-description"),
            "keywords": typed.text("app-keywords"),
            "default_group": typed.text("app-default_group"),
        },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/applications.html", &page)
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

pub async fn create(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let result = async {
        let group = default_group(&f)?;
        state
            .app
            .create_application(
                &s.caller,
                &f.text("app-code"),
                &f.text("app-name"),
                &f.text("app-description"),
                &keywords(&f.text("app-keywords")),
                group,
            )
            .await
    }
    .await;
    let result = result.map_err(|e| match e {
        AppError::NotFound("default group") => AppError::invalid("default_group", "invalid"),
        other => other,
    });
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| "/admin/applications?done=created".into(),
        refused_on(s, "app", "code"),
        |status, errors| async move { render_list(state, s, status, &errors, None, f).await },
    )
    .await
}

async fn render_one(
    state: &AppState,
    s: &SignedIn,
    id: ApplicationId,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: Option<&Fields>,
) -> Result<Response, PageError> {
    let app = state.app.admin_application(&s.caller, id).await?;
    let groups = group_choices(state).await?;
    let current = row(&app, &groups);
    let form = match typed {
        Some(f) => json!({
            "name": f.text("app-name"),
            "description": f.text("app-description"),
            "keywords": f.text("app-keywords"),
            "default_group": f.text("app-default_group"),
            "active": f.get("app-active").is_some(),
        }),
        None => json!({
            "name": app.name,
            "description": app.description,
            "keywords": app.keywords.join(", "),
            "default_group": app.default_group.map_or(String::new(), |g| g.0.to_string()),
            "active": app.active,
        }),
    };
    let page = json!({
        "application": current,
        "groups": groups,
        "errors": errors,
        "done": done,
        "typed": form,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "admin/application.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = ApplicationId(path_id(&id)?);
    let done = notice.of(&["updated"]);
    render_one(
        &state,
        &s,
        id,
        StatusCode::OK,
        &FormErrors::default(),
        done,
        None,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    s: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    admin_only(&s)?;
    let id = ApplicationId(path_id(&id)?);
    let f = Fields::read(&s.visitor, &body)?;
    let result = async {
        let input = ApplicationInput {
            name: f.text("app-name"),
            description: f.text("app-description"),
            keywords: keywords(&f.text("app-keywords")),
            default_group: default_group(&f)?,
            active: f.get("app-active").is_some(),
        };
        state.app.update_application(&s.caller, id, input).await
    }
    .await;
    let (state, s, f) = (&state, &s, &f);
    settle(
        result,
        |_| format!("/admin/applications/{}?done=updated", id.0),
        refused_on(s, "app", "name"),
        |status, errors| async move { render_one(state, s, id, status, &errors, None, Some(f)).await },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_split_on_commas() {
        assert_eq!(keywords(" LSU, LSUN ,, Livret "), ["LSU", "LSUN", "Livret"]);
        assert!(keywords(" , ").is_empty());
    }
}
