//! `GET/POST /requests/new` and `GET /requests/{reference}/submitted`.

use crate::AppState;
use crate::i18n::Lang;
use crate::pages::error::PageError;
use crate::pages::form::{FormErrors, MultipartForm, read_multipart};
use crate::pages::render::text;
use crate::pages::visitor::SignedIn;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{AppConfig, Caller};
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_core::{ApplicationId, OrgNodeId};
use minijinja::value::Value;
use serde_json::json;

/// What the form shows and keeps between attempts.
#[derive(Debug, Default, Clone)]
struct Typed {
    application: String,
    ticket_type: String,
    subject: String,
    body: String,
    establishment: String,
}

fn limits(config: &AppConfig) -> [(&'static str, Value); 2] {
    [
        ("max", Value::from(config.max_attachments as i64)),
        (
            "size",
            Value::from((config.max_attachment_bytes / (1024 * 1024)).max(1) as i64),
        ),
    ]
}

async fn render(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    typed: &Typed,
    errors: &FormErrors,
) -> Result<Response, PageError> {
    let applications: Vec<_> = state
        .app
        .list_applications()
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| {
            // Names often start with their code already ("ONDE – base élèves").
            let label = if a.name.starts_with(&a.code) {
                a.name.clone()
            } else {
                format!("{} — {}", a.code, a.name)
            };
            json!({ "code": a.code, "label": label, "description": a.description })
        })
        .collect();
    let mut establishments = Vec::new();
    for id in &s.caller.subject.establishments {
        let node = state.app.org_node(*id).await?;
        let uai = node.uai.map(|u| u.to_string());
        establishments.push(json!({ "id": node.id.0, "name": node.name, "uai": uai }));
    }
    let config = state.app.config();
    let [(_, max), (_, size)] = limits(config);
    let page = json!({
        "applications": applications,
        "establishments": establishments,
        "types": TicketType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "typed": {
            "application": typed.application,
            "type": if typed.ticket_type.is_empty() { "incident" } else { typed.ticket_type.as_str() },
            "subject": typed.subject,
            "body": typed.body,
            "establishment": typed.establishment,
        },
        "max_files": max,
        "max_size_mb": size,
        "errors": errors,
    });
    state
        .web
        .page_with(state, &s.visitor, status, "portal/new.html", &page)
}

pub async fn form(State(state): State<AppState>, s: SignedIn) -> Result<Response, PageError> {
    render(
        &state,
        &s,
        StatusCode::OK,
        &Typed::default(),
        &FormErrors::default(),
    )
    .await
}

/// Checks every field at once, so that the summary lists all the faults of one attempt; the
/// use case checks them again and has the last word.
fn check(lang: Lang, config: &AppConfig, form: &MultipartForm, typed: &Typed) -> FormErrors {
    let mut errors = FormErrors::default();
    if TicketType::parse(&typed.ticket_type).is_err() {
        errors.add(lang, "type", "required", &[]);
    }
    if typed.subject.trim().is_empty() {
        errors.add(lang, "subject", "required", &[]);
    } else if typed.subject.trim().chars().count() > 200 {
        errors.add(lang, "subject", "too_long", &[]);
    }
    if typed.body.trim().is_empty() {
        errors.add(lang, "body", "required", &[]);
    }
    let limits = limits(config);
    if form.too_large {
        errors.add(lang, "attachments", "attachments.too_large", &limits);
    } else if form.files.len() > config.max_attachments {
        errors.add(lang, "attachments", "attachments.too_many", &limits);
    } else if let Some(f) = form
        .files
        .iter()
        .find(|f| f.data.len() > config.max_attachment_bytes)
    {
        let mut args = limits.to_vec();
        args.push(("name", Value::from(f.filename.clone())));
        errors.add(lang, "attachments", "attachments.too_large", &args);
    }
    errors
}

pub async fn submit(
    State(state): State<AppState>,
    s: SignedIn,
    body: Multipart,
) -> Result<Response, PageError> {
    let form = read_multipart(&s.visitor, body).await?;
    let f = &form.fields;
    let typed = Typed {
        application: f.text("application"),
        ticket_type: f.text("type"),
        subject: f.text("subject"),
        body: f.text("body"),
        establishment: f.text("establishment"),
    };
    let lang = s.visitor.lang;
    let config = state.app.config().clone();
    let mut errors = check(lang, &config, &form, &typed);
    let application = match typed.application.trim() {
        "" => None,
        code => match state.app.application_id("application", code).await {
            Ok(id) => Some(id),
            Err(e) => {
                errors.add_app(lang, &e, &[]);
                None
            }
        },
    };
    let establishment = establishment(&s.caller, &typed.establishment);
    if establishment.is_err() {
        errors.add(lang, "establishment", "invalid", &[]);
    }
    if !errors.is_empty() {
        return render(
            &state,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            &errors,
        )
        .await;
    }
    let req = SubmitTicket {
        on_behalf_of: None,
        establishment: establishment.unwrap_or(None),
        application: application.map(|a: ApplicationId| a),
        ticket_type: TicketType::parse(&typed.ticket_type).unwrap_or(TicketType::Incident),
        channel: Channel::Web,
        subject: typed.subject.clone(),
        body: typed.body.clone(),
        urgency: Urgency::Medium,
        impact: Impact::Low,
        attachments: form.files,
    };
    match state.app.submit(&s.caller, req).await {
        Ok(t) => Ok(Redirect::to(&format!("/requests/{}/submitted", t.reference)).into_response()),
        Err(e) => {
            if !errors.add_app(lang, &e, &limits(&config)) {
                return Err(e.into());
            }
            render(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed,
                &errors,
            )
            .await
        }
    }
}

/// The establishment chosen: one of the person's, or none when they have none.
fn establishment(caller: &Caller, typed: &str) -> Result<Option<OrgNodeId>, ()> {
    let mine = &caller.subject.establishments;
    match typed.trim() {
        "" if mine.len() <= 1 => Ok(mine.first().copied()),
        "" => Err(()),
        id => {
            let id = id.parse::<i64>().map_err(|_| ())?;
            mine.iter().copied().find(|e| e.0 == id).map(Some).ok_or(())
        }
    }
}

/// The confirmation: the reference, what happens next, the expected delay.
pub async fn submitted(
    State(state): State<AppState>,
    s: SignedIn,
    Path(reference): Path<String>,
) -> Result<Response, PageError> {
    let id = state.app.ticket_id(&reference).await?;
    let view = state.app.ticket(&s.caller, id).await?;
    let lang = s.visitor.lang;
    let configured = match lang {
        Lang::Fr => &state.web.config.expected_delay_fr,
        Lang::En => &state.web.config.expected_delay_en,
    };
    let delay = if configured.trim().is_empty() {
        text(lang, "submitted-delay-default", &[])
    } else {
        configured.clone()
    };
    let page = json!({
        "reference": view.ticket.reference.to_string(),
        "subject": view.ticket.subject,
        "delay": delay,
    });
    state
        .web
        .page(&state, &s.visitor, "portal/submitted.html", &page)
}
