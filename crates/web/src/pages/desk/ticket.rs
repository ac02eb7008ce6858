//! `GET /desk/tickets/{reference}`: the agent's ticket page (the whole timeline, internal notes
//! labelled as such, the requester's card, the desk's forms); `POST …/message` (a public reply
//! or an internal note, with files) and `POST …/{action}` (take, assign, status, application,
//! escalate, transfer, link, priority, resolve; see [`super::moves`] for the middle three). Each form's fields are named `<action>-<field>` on the page, so the
//! error summary links to the right one when several forms ask for a reason.

use super::{agent_only, moves};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors, read_multipart};
use crate::pages::requests::view::ago;
use crate::pages::time::Times;
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_app::ticket::TicketView;
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{LinkKind, Priority};
use guichet_core::{GroupId, TicketId};
use minijinja::value::Value;
use serde::Deserialize;
use serde_json::json;

/// The forms of the page, as they name their fields and their notices.
const ACTIONS: [&str; 10] = [
    "message",
    "take",
    "assign",
    "status",
    "application",
    "escalate",
    "transfer",
    "link",
    "priority",
    "resolve",
];

#[derive(Debug, Deserialize, Default)]
pub struct Notice {
    done: Option<String>,
}

/// What the forms had typed, to show them again after a refusal.
type Typed = Vec<(String, String)>;

async fn render(
    state: &AppState,
    s: &SignedIn,
    view: &TicketView,
    status: StatusCode,
    errors: &FormErrors,
    done: Option<&str>,
    typed: &Typed,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let times = Times::new(state, lang);
    let t = &view.ticket;
    let now = state.app.now();
    let handling = state
        .app
        .handling(&s.caller, std::slice::from_ref(t))
        .await?
        .pop()
        .unwrap_or_default();
    let card = state
        .app
        .requester_card(&s.caller, t.requester, Some(t.id))
        .await?;
    let groups = state.app.list_groups(None).await?;
    let current = groups.iter().find(|g| Some(g.id) == t.group);
    let group_json = |g: &guichet_store::desk::Group| json!({ "id": g.id.0, "label": format!("{} ({}, {})", g.name, g.code, g.level.as_str()) });
    // An inactive group is offered as no target.
    let escalate_to: Vec<_> = groups
        .iter()
        .filter(|g| g.active && g.level > t.level && current.is_none_or(|c| c.desk == g.desk))
        .map(group_json)
        .collect();
    let transfer_to: Vec<_> = groups
        .iter()
        .filter(|g| g.active && current.is_some_and(|c| c.desk != g.desk))
        .map(group_json)
        .collect();
    let assignable = match t.group {
        Some(g) => state.app.assignable(&s.caller, g).await?,
        None => Vec::new(),
    };
    let colleagues: Vec<_> = assignable
        .into_iter()
        .filter(|(id, _)| Some(*id) != t.assignee)
        .map(|(id, name)| json!({ "id": id.0.to_string(), "name": name }))
        .collect();
    let applications: Vec<_> = state
        .app
        .list_applications()
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| json!({ "code": a.code, "name": a.name, "current": Some(a.id) == t.application }))
        .collect();
    let may = |a| view.allowed.contains(&a);
    let open = !t.status.is_terminal();
    let timeline: Vec<_> = view
        .timeline
        .iter()
        .map(|e| {
            json!({
                "kind": e.kind.as_str(),
                "internal": !e.public || !e.kind.is_public(),
                "author": e.author_name,
                "body": e.body,
                "when": times.when(e.created_at),
                "at": e.created_at.to_rfc3339(),
                "to_status": e.data.get("to").and_then(|v| v.as_str()),
                "to_group": e.data.get("to_group").and_then(|v| v.as_str()),
                "files": e.attachments.iter().map(|a| json!({
                    "id": a.id, "filename": a.filename, "size_kb": (a.size + 1023) / 1024
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let typed: serde_json::Map<String, serde_json::Value> =
        typed.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let config = state.app.config();
    let page = json!({
        "ticket": {
            "reference": t.reference.to_string(),
            "subject": t.subject,
            "status": t.status.as_str(),
            "priority": t.priority.as_str(),
            "level": t.level.as_str(),
            "channel": t.channel.as_str(),
            "group": handling.group,
            "agent": handling.agent,
            "age": ago(lang, t.created_at, now),
            "created": t.created_at.to_rfc3339(),
        },
        "requester": {
            "name": card.person.display_name,
            "email": card.person.email,
            "places": card.places.iter().map(|p| json!({
                "name": p.establishment.name,
                "uai": p.establishment.uai.as_ref().map(ToString::to_string),
                "departement": p.departement.as_ref().map(|d| d.name.clone()),
            })).collect::<Vec<_>>(),
            "open": card.open_requests.iter().map(|o| json!({
                "reference": o.reference.to_string(), "subject": o.subject,
            })).collect::<Vec<_>>(),
            "more": card.more_requests,
        },
        "timeline": timeline,
        "offers": {
            "reply": may(TicketAction::Reply) && open,
            "note": may(TicketAction::Note),
            "work": may(TicketAction::Work) && open,
            "take": may(TicketAction::Work) && open && t.assignee != s.caller.person_id(),
        },
        "colleagues": colleagues,
        "status_moves": moves::status_choices(t.status),
        "applications": applications,
        "escalate_to": escalate_to,
        "transfer_to": transfer_to,
        "priorities": Priority::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "link_kinds": LinkKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "errors": errors,
        "done": done.filter(|d| ACTIONS.contains(d) || *d == "note" || *d == "reply"),
        "typed": typed,
        "max_files": config.max_attachments,
        "max_size_mb": (config.max_attachment_bytes / (1024 * 1024)).max(1),
    });
    state
        .web
        .page_with(state, &s.visitor, status, "desk/ticket.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let id = state.app.ticket_id(&reference).await?;
    let view = state.app.ticket(&s.caller, id).await?;
    render(
        &state,
        &s,
        &view,
        StatusCode::OK,
        &FormErrors::default(),
        notice.done.as_deref(),
        &Vec::new(),
    )
    .await
}

fn done(reference: &str, what: &str) -> Response {
    Redirect::to(&format!("/desk/tickets/{reference}?done={what}")).into_response()
}

/// The page again with the error of `action`'s form, or an error page when it is no field's.
async fn refused(
    state: &AppState,
    s: &SignedIn,
    id: TicketId,
    e: AppError,
    action: &str,
    typed: Typed,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let mut errors = FormErrors::default();
    let config = state.app.config();
    let limits = [
        ("max", Value::from(config.max_attachments as i64)),
        (
            "size",
            Value::from((config.max_attachment_bytes / (1024 * 1024)).max(1) as i64),
        ),
    ];
    match &e {
        AppError::Invalid(f) => errors.add(lang, &format!("{action}-{}", f.field), f.code, &limits),
        AppError::Conflict { code, field } => {
            let name = field.map_or_else(|| action.to_owned(), |f| format!("{action}-{f}"));
            errors.add(lang, &name, code, &[]);
        }
        AppError::Lifecycle(_) => errors.add(lang, action, "action.not_now", &[]),
        _ => return Err(e.into()),
    }
    let view = state.app.ticket(&s.caller, id).await?;
    render(
        state,
        s,
        &view,
        StatusCode::UNPROCESSABLE_ENTITY,
        &errors,
        None,
        &typed,
    )
    .await
}

/// `POST …/message`: `kind` is `reply` (the requester reads it) or `note` (the desk only).
pub async fn message(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
    body: Multipart,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let id = state.app.ticket_id(&reference).await?;
    let form = read_multipart(&s.visitor, body).await?;
    let text = form.fields.text("message-body");
    let kind = form.fields.text("kind");
    let typed = vec![("message-body".to_owned(), text.clone())];
    if form.too_large {
        let e = AppError::invalid("attachments", "attachments.too_large");
        return refused(&state, &s, id, e, "message", typed).await;
    }
    let result = match kind.as_str() {
        "note" => state.app.note(&s.caller, id, &text, form.files).await,
        "reply" => {
            state
                .app
                .reply(&s.caller, id, &text, form.files, false)
                .await
        }
        _ => Err(AppError::invalid("kind", "invalid")),
    };
    match result {
        Ok(_) => Ok(done(&reference, &kind)),
        Err(e) => refused(&state, &s, id, e, "message", typed).await,
    }
}

/// The group a form chose, by id.
fn group(f: &Fields, field: &'static str) -> Result<GroupId, AppError> {
    f.text(field)
        .trim()
        .parse::<i64>()
        .map(GroupId)
        .map_err(|_| AppError::invalid("group", "required"))
}

/// `POST …/{action}`: one of the desk's moves on the ticket.
pub async fn act(
    State(state): State<AppState>,
    s: SignedIn,
    Path((reference, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    if !ACTIONS.contains(&action.as_str()) || action == "message" {
        return Err(PageError::NotFound);
    }
    let id = state.app.ticket_id(&reference).await?;
    let f = Fields::read(&s.visitor, &body)?;
    let typed: Typed = f.0.iter().filter(|(k, _)| k != "csrf").cloned().collect();
    let app = &state.app;
    let c = &s.caller;
    let field = |name: &str| f.text(&format!("{action}-{name}"));
    let result = match action.as_str() {
        "take" => app.take_in_charge(c, id).await,
        "assign" => moves::assign(&state, c, id, &field("assignee")).await,
        "status" => moves::change_status(&state, c, id, &field("status"), &field("reason")).await,
        "application" => moves::change_application(&state, c, id, &field("application")).await,
        "escalate" => match group(&f, "escalate-group") {
            Ok(g) => app.escalate(c, id, g, &field("reason")).await,
            Err(e) => Err(e),
        },
        "transfer" => match group(&f, "transfer-group") {
            Ok(g) => app.transfer(c, id, g, &field("reason")).await,
            Err(e) => Err(e),
        },
        "link" => link(&state, &s, id, &field("other"), &field("kind")).await,
        "priority" => match Priority::parse(&field("priority")) {
            Ok(p) => app.change_priority(c, id, p).await,
            Err(e) => Err(e.into()),
        },
        _ => app.resolve(c, id, &field("solution")).await,
    };
    match result {
        // A ticket sent to a group the agent is not in leaves their sight: the workspace home
        // then says where it went.
        Ok(_) if app.ticket(c, id).await.is_err() => Ok(Redirect::to(&format!(
            "/desk?done={action}&reference={}",
            crate::pages::form::encode(&reference)
        ))
        .into_response()),
        Ok(_) => Ok(done(&reference, &action)),
        Err(e) => refused(&state, &s, id, e, &action, typed).await,
    }
}

async fn link(
    state: &AppState,
    s: &SignedIn,
    id: TicketId,
    other: &str,
    kind: &str,
) -> Result<guichet_store::ticket::Ticket, AppError> {
    let kind = LinkKind::parse(kind)?;
    let other = state
        .app
        .ticket_id(other)
        .await
        .map_err(|_| AppError::invalid("other", "reference"))?;
    state.app.link(&s.caller, id, other, kind).await
}
