//! Request extractors that fail with problems naming the field: a JSON body, the bearer token's
//! caller, and query parameters.

use crate::AppState;
use crate::problem::ApiError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use guichet_app::{AppError, Caller};
use guichet_core::FieldError;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// A JSON body. Syntax errors answer 400; a value of the wrong type or a missing field answers
/// 422 naming the field (its path, as `attachments[0].filename`).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::Malformed(e.body_text())
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => Ok(Self(v)),
            Err(err) => {
                let path = err.path().to_string();
                let inner = err.into_inner();
                if !inner.is_data() {
                    return Err(ApiError::Malformed(inner.to_string()));
                }
                Err(field_error(&path, &inner.to_string()).into())
            }
        }
    }
}

/// Turns serde's message into a field error: `missing field `subject`` names `subject`.
fn field_error(path: &str, message: &str) -> FieldError {
    let quoted = message.split('`').nth(1).unwrap_or("");
    let (field, code) = if message.starts_with("missing field") {
        (join(path, quoted), "required")
    } else if message.starts_with("unknown field") {
        // The path already ends with the unknown key.
        let field = if path.ends_with(quoted) {
            path.to_owned()
        } else {
            join(path, quoted)
        };
        (field, "unknown")
    } else if message.starts_with("unknown variant") {
        (path.to_owned(), "invalid")
    } else if message.contains("uai") {
        (path.to_owned(), "uai.check_letter")
    } else {
        (path.to_owned(), "json")
    };
    // Field names come from our own DTOs or the client's keys; keep them short and static-free.
    FieldError::new(leak_field(&field), code)
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// `FieldError` carries `&'static str` field names (domain fields are constants); names that come
/// from a body are interned here, bounded so that a client cannot grow memory without end.
fn leak_field(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let name = if name.is_empty() { "body" } else { name };
    if name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._[]".contains(&b))
    {
        return "body";
    }
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    if names.len() >= 512 {
        return "body";
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// The caller of an API request, from `Authorization: Bearer <token>`.
#[derive(Debug)]
pub struct Auth(pub Caller);

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or(ApiError::Unauthorized("token-missing"))?;
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "-".to_owned(), |c| c.0.ip().to_string());
        let caller = state
            .app
            .authenticate_token(token, &format!("api {ip}"))
            .await??;
        Ok(Self(caller))
    }
}

/// Query parameters, parsed one by one so that each error names its parameter.
#[derive(Debug, Default)]
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let pairs = url_pairs(query);
        Ok(Self(pairs))
    }
}

pub(crate) fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let pair = &bytes[i + 1..i + 3];
                let hex = if pair.iter().all(u8::is_ascii_hexdigit) {
                    std::str::from_utf8(pair).unwrap_or("")
                } else {
                    ""
                };
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Comma-separated or repeated values.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn parse<T>(
        &self,
        name: &'static str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => f(v)
                .map(Some)
                .ok_or_else(|| FieldError::new(name, "invalid").into()),
        }
    }

    pub fn parse_list<T>(
        &self,
        name: &'static str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, ApiError> {
        self.list(name)
            .into_iter()
            .map(|v| f(v).ok_or_else(|| ApiError::from(FieldError::new(name, "invalid"))))
            .collect()
    }

    pub fn i64(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new(name, "number").into()),
        }
    }
}

/// Not-found errors for path parts that do not parse (`/tickets/not-a-ref`).
pub fn not_found(what: &'static str) -> ApiError {
    ApiError::App(AppError::NotFound(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode() {
        let p = url_pairs("q=%C3%A9cran+noir&status=new,assigned&status=waiting&bad=%zz");
        assert_eq!(p[0], ("q".into(), "écran noir".into()));
        let params = Params(p);
        assert_eq!(params.list("status"), ["new", "assigned", "waiting"]);
        assert_eq!(params.get("bad"), Some("%zz"));
        assert_eq!(params.get("missing"), None);
    }

    #[test]
    fn serde_messages_name_fields() {
        assert_eq!(
            field_error("", "missing field `subject` at line 1").field,
            "subject"
        );
        assert_eq!(field_error("", "missing field `subject`").code, "required");
        assert_eq!(
            field_error("urgency", "unknown variant `x`, expected one of").field,
            "urgency"
        );
        assert_eq!(
            field_error("attachments[0]", "missing field `filename`").field,
            "attachments[0].filename"
        );
        assert_eq!(field_error("x", "invalid type: integer").code, "json");
    }
}
