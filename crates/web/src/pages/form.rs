//! Forms: reading a URL-encoded or multipart body, checking its CSRF token, and collecting
//! field errors for the error summary at the top of the form (RGAA: each error names its field
//! and links to it; the values typed are kept).
//!
//! Every form template includes `{{ csrf }}` in a hidden `csrf` field (the `form.html` macros
//! do it); [`Fields::read`] and [`read_multipart`] refuse a body without the right one.

use super::error::PageError;
use super::render::{text, try_text};
use super::visitor::Visitor;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::extract::Multipart;
use guichet_app::AppError;
use guichet_app::ticket::Upload;
use minijinja::value::Value;
use serde::Serialize;

/// A URL-encoded form's fields, in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Parses a URL-encoded body and checks its token against the visitor's.
    pub fn read(visitor: &Visitor, body: &Bytes) -> Result<Self, PageError> {
        let fields = Self(crate::extract::url_pairs(&String::from_utf8_lossy(body)));
        visitor.check_csrf(fields.get("csrf"))?;
        Ok(fields)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The field's value, or an empty string.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }
}

/// A multipart form: its text fields and its files (file inputs left empty are skipped).
#[derive(Debug, Default)]
pub struct MultipartForm {
    pub fields: Fields,
    pub files: Vec<Upload>,
    /// The body was cut by the size limit: the files are too large together.
    pub too_large: bool,
}

/// Reads a multipart body whole, then checks its token.
pub async fn read_multipart(
    visitor: &Visitor,
    mut body: Multipart,
) -> Result<MultipartForm, PageError> {
    let mut form = MultipartForm::default();
    loop {
        let field = match body.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                form.too_large = true;
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().unwrap_or("").to_owned();
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(_) => {
                form.too_large = true;
                break;
            }
        };
        match filename {
            Some(f) if f.is_empty() && data.is_empty() => {}
            Some(filename) => form.files.push(Upload {
                filename,
                content_type,
                data: data.to_vec(),
            }),
            None => form
                .fields
                .0
                .push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
    visitor.check_csrf(form.fields.get("csrf"))?;
    Ok(form)
}

/// One error of a form, in the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct FieldMessage {
    /// The form field's name (its input has `id="field-<name>"`).
    pub field: String,
    pub message: String,
}

/// The errors of a submitted form, for the summary and beside each field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormErrors {
    pub list: Vec<FieldMessage>,
    /// The first message of each field, for the message beside it.
    pub by_field: std::collections::BTreeMap<String, String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds an error on `field` with the message of `code` (`form-error-<code>` in pages.ftl,
    /// else the API's `field-<code>`).
    pub fn add(&mut self, lang: Lang, field: &str, code: &str, args: &[(&str, Value)]) {
        let label = text(lang, &format!("field-label-{field}"), &[]);
        self.add_labelled(lang, field, &label, code, args);
    }

    /// [`FormErrors::add`] for a field whose label is not a fixed text (a numbered row of a
    /// form: "Condition 2: value").
    pub fn add_labelled(
        &mut self,
        lang: Lang,
        field: &str,
        label: &str,
        code: &str,
        args: &[(&str, Value)],
    ) {
        let slug = code.replace('.', "-");
        let mut all: Vec<(&str, Value)> = args.to_vec();
        all.push(("field", Value::from(label)));
        let page_key = format!("form-error-{slug}");
        let message = try_text(lang, &page_key, &all)
            .unwrap_or_else(|| text(lang, &format!("field-{slug}"), &all));
        self.by_field
            .entry(field.to_owned())
            .or_insert_with(|| message.clone());
        self.list.push(FieldMessage {
            field: field.to_owned(),
            message,
        });
    }

    /// Adds the error a use case answered with; `false` when it is not about a field (the
    /// caller then lets it become an error page).
    pub fn add_app(&mut self, lang: Lang, e: &AppError, args: &[(&str, Value)]) -> bool {
        match e {
            AppError::Invalid(f) => {
                self.add(lang, f.field, f.code, args);
                true
            }
            AppError::Conflict {
                code,
                field: Some(f),
            } => {
                self.add(lang, f, code, args);
                true
            }
            _ => false,
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path to go back to after sign-in or a language switch: anything else becomes `/`,
/// so that no link can send a person to another site through us.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/requests/new")), "/requests/new");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("/requests/new?x=1&y"), "/requests/new%3Fx%3D1%26y");
    }
}
