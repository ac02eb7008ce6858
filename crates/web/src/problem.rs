//! The API's one error type and its rendering as RFC 9457 `application/problem+json`.
//!
//! [`ApiError`] is the only place that knows HTTP status codes: its `match` below reads as the
//! table of them. A handler's error becomes an untranslated [`Problem`] carried in the response;
//! [`render`], a middleware that knows the request's `Accept-Language`, writes the body in French
//! or English. Every problem has a stable `code` clients can rely on, and `field` when one field
//! is at fault.

use crate::i18n::Lang;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guichet_app::AppError;
use guichet_app::token::TokenError;
use guichet_core::FieldError;
use guichet_core::lifecycle::LifecycleError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("malformed body: {0}")]
    Malformed(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::App(AppError::Invalid(e))
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        Self::Unauthorized(match e {
            TokenError::Malformed => "token-malformed",
            TokenError::Unknown => "token-unknown",
            TokenError::Revoked => "token-revoked",
            TokenError::Inactive => "token-inactive",
        })
    }
}

/// A message argument: literal text, or a key to translate first.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Key(String),
}

/// A problem before translation.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// The problem type: `invalid-field`, `not-found`…
    pub kind: &'static str,
    /// The stable code of the rule or value at fault: `uai.check_letter`, `ticket.desk_only`.
    pub code: String,
    pub field: Option<String>,
    detail_key: String,
    args: Vec<(&'static str, Arg)>,
}

fn key(prefix: &str, code: &str) -> String {
    format!("{prefix}-{}", code.replace('.', "-"))
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &'static str,
        code: impl Into<String>,
        detail_key: String,
    ) -> Self {
        Self {
            status,
            kind,
            code: code.into(),
            field: None,
            detail_key,
            args: Vec::new(),
        }
    }

    fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self.args.push(("field", Arg::Text(field.to_owned())));
        self
    }

    fn arg(mut self, name: &'static str, value: Arg) -> Self {
        self.args.push((name, value));
        self
    }

    /// The problem document in `lang`.
    pub fn to_json(&self, lang: Lang, request_id: &str) -> serde_json::Value {
        let mut args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, a)| {
                let v = match a {
                    Arg::Text(t) => t.clone(),
                    Arg::Key(k) => lang.try_text(k, &[]).unwrap_or_else(|| k.clone()),
                };
                (*name, v)
            })
            .collect();
        args.push(("request", request_id.to_owned()));
        let title = lang
            .try_text(&format!("problem-{}", self.kind), &[])
            .unwrap_or_else(|| self.kind.to_owned());
        let detail = lang
            .try_text(&self.detail_key, &args)
            .unwrap_or_else(|| format!("{title} ({})", self.code));
        let mut doc = serde_json::json!({
            "type": format!("urn:guichet:problem:{}", self.kind),
            "title": title,
            "status": self.status.as_u16(),
            "detail": detail,
            "code": self.code,
        });
        if let Some(f) = &self.field {
            doc["field"] = serde_json::Value::String(f.clone());
        }
        if self.status.is_server_error() {
            doc["request_id"] = serde_json::Value::String(request_id.to_owned());
        }
        doc
    }
}

impl ApiError {
    pub fn problem(&self) -> Problem {
        use StatusCode as S;
        match self {
            Self::App(AppError::Invalid(e)) => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "invalid-field",
                e.code,
                key("field", e.code),
            )
            .field(e.field),
            Self::App(AppError::Forbidden(d)) => {
                Problem::new(S::FORBIDDEN, "forbidden", d.rule, key("rule", d.rule))
            }
            Self::App(AppError::NotFound(what)) => {
                Problem::new(S::NOT_FOUND, "not-found", "not_found", "not-found".into()).arg(
                    "what",
                    Arg::Key(format!("object-{}", what.replace(' ', "-"))),
                )
            }
            Self::App(AppError::Lifecycle(e)) => {
                let (code, status, mv) = match e {
                    LifecycleError::NotFromStatus { status, mv } => {
                        ("lifecycle.not_from_status", Some(*status), *mv)
                    }
                    LifecycleError::NotForActor { mv, .. } => {
                        ("lifecycle.not_for_actor", None, *mv)
                    }
                };
                let mut p = Problem::new(
                    S::CONFLICT,
                    "transition-forbidden",
                    code,
                    key(
                        "lifecycle",
                        &code.replace('_', "-").replace("lifecycle.", ""),
                    ),
                )
                .arg("move", Arg::Key(format!("move-{}", mv.name())));
                if let Some(s) = status {
                    p = p.arg("status", Arg::Key(format!("status-{}", s.as_str())));
                }
                p
            }
            Self::App(AppError::Conflict { code, field }) => {
                let p = Problem::new(S::CONFLICT, "conflict", *code, key("conflict", code));
                match field {
                    Some(f) => p.field(f),
                    None => p,
                }
            }
            Self::App(AppError::Unavailable(_)) => Problem::new(
                S::SERVICE_UNAVAILABLE,
                "unavailable",
                "unavailable",
                "unavailable-detail".into(),
            ),
            Self::App(AppError::Internal(_)) => Problem::new(
                S::INTERNAL_SERVER_ERROR,
                "internal",
                "internal",
                "internal-detail".into(),
            ),
            Self::Unauthorized(k) => Problem::new(
                S::UNAUTHORIZED,
                "unauthorized",
                k.replace('-', "."),
                (*k).into(),
            ),
            Self::Malformed(reason) => Problem::new(
                S::BAD_REQUEST,
                "malformed-body",
                "body.malformed",
                "body-malformed".into(),
            )
            .arg("reason", Arg::Text(reason.clone())),
            Self::UnsupportedMediaType => Problem::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "malformed-body",
                "body.content_type",
                "body-content-type".into(),
            ),
            Self::PayloadTooLarge => Problem::new(
                S::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "body.too_large",
                "payload-too-large-detail".into(),
            ),
            Self::RouteNotFound => Problem::new(
                S::NOT_FOUND,
                "route-not-found",
                "route.not_found",
                "route-not-found-detail".into(),
            ),
            Self::MethodNotAllowed => Problem::new(
                S::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "route.method",
                "method-not-allowed-detail".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        if problem.status.is_server_error() {
            // The cause chain goes to the log, never to the client.
            tracing::error!(error = %self, "request failed");
        }
        let mut res = problem.status.into_response();
        if problem.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if problem.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res.extensions_mut().insert(problem);
        res
    }
}

/// Writes every [`Problem`] in the request's language.
pub async fn render(req: Request, next: Next) -> Response {
    let lang = Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let res = next.run(req).await;
    let Some(problem) = res.extensions().get::<Problem>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let body = problem.to_json(lang, &request_id).to_string();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    parts.headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// A panic in a handler becomes a problem like any other 500, never a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::App(AppError::Internal("handler panicked".into())).into_response()
}
