//! `/desk/phone`: phone intake. The agent finds the caller by name, email or UAI, picks them,
//! and files the request on their behalf (channel `phone`); the new ticket's agent page follows.

use super::agent_only;
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_app::ticket::SubmitTicket;
use guichet_core::PersonId;
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use serde::Deserialize;
use serde_json::json;

/// People listed for one search.
const HITS: i64 = 20;

#[derive(Debug, Deserialize, Default)]
pub struct Search {
    q: Option<String>,
    person: Option<i64>,
}

async fn render(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    search: &Search,
    errors: &FormErrors,
    typed: &Fields,
) -> Result<Response, PageError> {
    let lang = s.visitor.lang;
    let q = search.q.clone().unwrap_or_default();
    let mut search_errors = FormErrors::default();
    let hits: Vec<_> = if q.trim().is_empty() {
        Vec::new()
    } else {
        match state.app.find_requesters(&s.caller, &q, None, HITS).await {
            Ok(h) => h
                .iter()
                .map(|h| json!({ "id": h.person.id.0, "name": h.person.display_name, "email": h.person.email }))
                .collect(),
            Err(e) => {
                let e = match e {
                    AppError::Invalid(mut fe) => {
                        fe.field = "phone-q";
                        AppError::Invalid(fe)
                    }
                    other => other,
                };
                if !search_errors.add_app(lang, &e, &[]) {
                    return Err(e.into());
                }
                Vec::new()
            }
        }
    };
    let chosen = match search.person {
        Some(p) => Some(
            state
                .app
                .requester_card(&s.caller, PersonId(p), None)
                .await?,
        ),
        None => None,
    };
    let applications: Vec<_> = state
        .app
        .list_applications()
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| json!({ "code": a.code, "name": a.name }))
        .collect();
    let errors = if errors.is_empty() {
        &search_errors
    } else {
        errors
    };
    let page = json!({
        "q": q,
        "hits": hits,
        "searched": !q.trim().is_empty(),
        "chosen": chosen.map(|c| json!({
            "id": c.person.id.0,
            "name": c.person.display_name,
            "email": c.person.email,
            "places": c.places.iter().map(|p| p.establishment.name.clone()).collect::<Vec<_>>(),
        })),
        "applications": applications,
        "types": TicketType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "errors": errors,
        "typed": {
            "application": typed.text("phone-application"),
            "type": typed.text("phone-type"),
            "subject": typed.text("phone-subject"),
            "body": typed.text("phone-body"),
        },
    });
    state
        .web
        .page_with(state, &s.visitor, status, "desk/phone.html", &page)
}

pub async fn show(
    State(state): State<AppState>,
    s: SignedIn,
    Query(search): Query<Search>,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let none = Fields::default();
    render(
        &state,
        &s,
        StatusCode::OK,
        &search,
        &FormErrors::default(),
        &none,
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    agent_only(&s)?;
    let lang = s.visitor.lang;
    let f = Fields::read(&s.visitor, &body)?;
    let person = f
        .text("person")
        .trim()
        .parse::<i64>()
        .map_err(|_| PageError::NotFound)?;
    let application = match f.text("phone-application").trim() {
        "" => Ok(None),
        code => state
            .app
            .application_id("application", code)
            .await
            .map(Some),
    };
    let result = match application {
        Ok(application) => {
            let req = SubmitTicket {
                on_behalf_of: Some(PersonId(person)),
                establishment: None,
                application,
                ticket_type: TicketType::parse(&f.text("phone-type"))
                    .unwrap_or(TicketType::Incident),
                channel: Channel::Phone,
                subject: f.text("phone-subject"),
                body: f.text("phone-body"),
                urgency: Urgency::Medium,
                impact: Impact::Low,
                attachments: Vec::new(),
            };
            state.app.submit(&s.caller, req).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/desk/tickets/{}", t.reference)).into_response()),
        Err(e) => {
            let mut errors = FormErrors::default();
            let named = match &e {
                AppError::Invalid(fe) => {
                    errors.add(lang, &format!("phone-{}", fe.field), fe.code, &[]);
                    true
                }
                _ => false,
            };
            if !named {
                return Err(e.into());
            }
            let search = Search {
                q: None,
                person: Some(person),
            };
            render(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                &search,
                &errors,
                &f,
            )
            .await
        }
    }
}
