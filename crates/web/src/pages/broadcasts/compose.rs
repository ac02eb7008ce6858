//! `/broadcasts/new`: the compose form. One form, three buttons: "preview" shows the audience's
//! size and first people (the form comes back with them, nothing recorded), "save draft" and
//! "send / schedule" record it. A refused form comes back with its values and an error summary
//! naming each field (422); a zone beyond the caller's is named (403).

use super::{TIME_ZONE, parse_day_end, parse_when, steering_only};
use crate::AppState;
use crate::pages::error::PageError;
use crate::pages::form::{Fields, FormErrors};
use crate::pages::visitor::SignedIn;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guichet_app::AppError;
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast, Preview};
use guichet_core::org::OrgKind;
use guichet_core::person::RoleKind;
use minijinja::value::Value as Arg;
use serde::Serialize;
use serde_json::{Value, json};

/// What the author typed, given back to the form as it was.
#[derive(Debug, Clone, Default, Serialize)]
struct Typed {
    subject_fr: String,
    body_fr: String,
    subject_en: String,
    body_en: String,
    roles: Vec<String>,
    zones: Vec<String>,
    uais: String,
    send_at: String,
    rate_per_minute: String,
    banner_until: String,
}

impl Typed {
    fn read(f: &Fields) -> Self {
        let all = |name: &str| -> Vec<String> {
            f.0.iter()
                .filter(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
                .collect()
        };
        Self {
            subject_fr: f.text("subject_fr"),
            body_fr: f.text("body_fr"),
            subject_en: f.text("subject_en"),
            body_en: f.text("body_en"),
            roles: all("roles"),
            zones: all("zones"),
            uais: f.text("uais"),
            send_at: f.text("send_at"),
            rate_per_minute: f.text("rate_per_minute"),
            banner_until: f.text("banner_until"),
        }
    }

    /// The audience; a zone that is not a number is not one the form offered.
    fn audience(&self) -> Result<AudienceInput, AppError> {
        let zones = self
            .zones
            .iter()
            .map(|z| z.parse().map_err(|_| AppError::invalid("zones", "invalid")))
            .collect::<Result<Vec<i64>, _>>()?;
        let uais = self
            .uais
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(AudienceInput {
            roles: self.roles.clone(),
            zones,
            uais,
        })
    }
}

/// The form's checks that need no use case, each on its own field, so that the summary names
/// every field at fault at once; the use case checks everything again.
fn precheck(t: &Typed) -> Vec<AppError> {
    let mut out = Vec::new();
    for (value, field) in [(&t.subject_fr, "subject_fr"), (&t.body_fr, "body_fr")] {
        if value.trim().is_empty() {
            out.push(AppError::invalid(field, "required"));
        }
    }
    if t.roles.is_empty() {
        out.push(AppError::invalid("roles", "required"));
    }
    if t.zones.is_empty() && t.uais.trim().is_empty() {
        out.push(AppError::invalid("zones", "required"));
    }
    out
}

/// The optional rate: blank is the configured default.
fn rate(t: &Typed) -> Result<Option<i64>, AppError> {
    let raw = t.rate_per_minute.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| AppError::invalid("rate_per_minute", "broadcast.rate"))
}

/// Puts a refusal on the form: a zone beyond the caller's is named (403), a field error is
/// named (422); anything else becomes an error page.
async fn refuse(
    state: &AppState,
    s: &SignedIn,
    audience: &AudienceInput,
    e: AppError,
    errors: &mut FormErrors,
) -> Result<StatusCode, PageError> {
    let lang = s.visitor.lang;
    if let AppError::Forbidden(d) = &e
        && d.rule == "broadcast.beyond_zone"
    {
        let beyond = state
            .app
            .broadcast_zones_beyond(&s.caller, audience)
            .await?;
        for node in &beyond {
            let field = if audience.zones.contains(&node.id.0) {
                "zones"
            } else {
                "uais"
            };
            let name = match &node.uai {
                Some(uai) => format!("{} ({uai})", node.name),
                None => node.name.clone(),
            };
            errors.add(
                lang,
                field,
                "broadcast.beyond_zone",
                &[("zone", Arg::from(name))],
            );
        }
        if beyond.is_empty() {
            errors.add(lang, "zones", "broadcast.beyond_zone_any", &[]);
        }
        return Ok(StatusCode::FORBIDDEN);
    }
    // A body is long at 20,000 characters, not at a subject's 200: say the right limit.
    let e = match e {
        AppError::Invalid(f) if f.code == "too_long" && f.field.starts_with("body_") => {
            AppError::invalid(f.field, "broadcast.body_too_long")
        }
        other => other,
    };
    if errors.add_app(lang, &e, &[]) {
        Ok(StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        Err(e.into())
    }
}

fn preview_json(p: &Preview) -> Value {
    json!({
        "count": p.count,
        "sample": p.sample.iter().map(|m| json!({
            "name": m.name, "email": m.email, "place": m.place, "uai": m.uai,
        })).collect::<Vec<_>>(),
    })
}

/// Renders the form with what was typed, its errors and the preview.
async fn render(
    state: &AppState,
    s: &SignedIn,
    status: StatusCode,
    typed: &Typed,
    errors: &FormErrors,
    preview: Option<&Preview>,
) -> Result<Response, PageError> {
    let roles: Vec<Value> = RoleKind::ALL
        .iter()
        .filter(|r| **r != RoleKind::Admin)
        .map(|r| {
            let code = r.as_str();
            json!({ "code": code, "checked": typed.roles.iter().any(|x| x == code) })
        })
        .collect();
    let zones: Vec<Value> = state
        .app
        .broadcast_zone_choices(&s.caller)
        .await?
        .into_iter()
        .map(|n| {
            let id = n.id.0.to_string();
            let kind = match n.kind {
                OrgKind::Academie => "academie",
                OrgKind::Departement => "departement",
                _ => "circonscription",
            };
            json!({
                "id": id, "name": n.name, "kind": kind,
                "checked": typed.zones.contains(&id),
            })
        })
        .collect();
    let now = state.app.now().with_timezone(&TIME_ZONE);
    state.web.page_with(
        state,
        &s.visitor,
        status,
        "broadcasts/new.html",
        &json!({
            "typed": typed,
            "errors": errors,
            "role_choices": roles,
            "zone_choices": zones,
            "preview": preview.map(preview_json),
            "default_rate": state.app.config().broadcast_rate_per_minute,
            "min_send_at": now.format("%Y-%m-%dT%H:%M").to_string(),
            "min_day": now.format("%Y-%m-%d").to_string(),
        }),
    )
}

/// `GET /broadcasts/new`: the empty form.
pub async fn form(State(state): State<AppState>, s: SignedIn) -> Result<Response, PageError> {
    steering_only(&s)?;
    let none = FormErrors::default();
    render(&state, &s, StatusCode::OK, &Typed::default(), &none, None).await
}

/// `POST /broadcasts/new`: preview, save a draft, or send (now or at the chosen time).
pub async fn submit(
    State(state): State<AppState>,
    s: SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    steering_only(&s)?;
    let f = Fields::read(&s.visitor, &body)?;
    let lang = s.visitor.lang;
    let typed = Typed::read(&f);
    let action = f.text("action");
    let mut errors = FormErrors::default();
    let audience = match typed.audience() {
        Ok(a) => a,
        Err(e) => {
            errors.add_app(lang, &e, &[]);
            AudienceInput::default()
        }
    };

    if action == "preview" {
        if typed.roles.is_empty() {
            errors.add(lang, "roles", "required", &[]);
        }
        if errors.is_empty() {
            match state.app.preview_audience(&s.caller, &audience).await {
                Ok(p) => {
                    return render(&state, &s, StatusCode::OK, &typed, &errors, Some(&p)).await;
                }
                Err(e) => {
                    let status = refuse(&state, &s, &audience, e, &mut errors).await?;
                    return render(&state, &s, status, &typed, &errors, None).await;
                }
            }
        }
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &s, status, &typed, &errors, None).await;
    }

    let send = action == "send";
    for e in precheck(&typed) {
        errors.add_app(lang, &e, &[]);
    }
    let rate = rate(&typed).map_err(|e| errors.add_app(lang, &e, &[])).ok();
    let send_at = parse_when(&typed.send_at, "send_at")
        .map_err(|e| errors.add_app(lang, &e, &[]))
        .ok()
        .flatten();
    if send_at.is_some_and(|t| t <= state.app.now()) {
        errors.add(lang, "send_at", "broadcast.send_past", &[]);
    }
    let banner_until = parse_day_end(&typed.banner_until, "banner_until")
        .map_err(|e| errors.add_app(lang, &e, &[]))
        .ok()
        .flatten();
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &s, status, &typed, &errors, None).await;
    }
    let compose = ComposeBroadcast {
        subject_fr: typed.subject_fr.clone(),
        body_fr: typed.body_fr.clone(),
        subject_en: typed.subject_en.clone(),
        body_en: typed.body_en.clone(),
        audience: audience.clone(),
        rate_per_minute: rate.flatten(),
        banner_until,
    };
    let created = match state.app.create_broadcast(&s.caller, compose).await {
        Ok(v) => v,
        Err(e) => {
            let status = refuse(&state, &s, &audience, e, &mut errors).await?;
            return render(&state, &s, status, &typed, &errors, None).await;
        }
    };
    let id = created.broadcast.id;
    if !send {
        return Ok(Redirect::to(&format!("/broadcasts/{id}?done=draft")).into_response());
    }
    // The draft is recorded: a refusal now is shown on its own page, where it can be sent again.
    let sent = state.app.send_broadcast(&s.caller, id, send_at).await?;
    let done = if sent.broadcast.send_at.is_some_and(|t| t > state.app.now()) {
        "scheduled"
    } else {
        "sending"
    };
    Ok(Redirect::to(&format!("/broadcasts/{id}?done={done}")).into_response())
}
