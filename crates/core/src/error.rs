//! Validation errors that name the field at fault, so every front door can tell the user which one.

use std::fmt;

/// A value that does not satisfy a domain rule. `field` is the name used by the API and forms;
/// `code` is a stable, translatable reason (`uai.check_letter`, `required`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }

    /// The field is missing or blank.
    pub fn required(field: &'static str) -> Self {
        Self::new(field, "required")
    }

    /// The same error reported under another field name (e.g. `uai` inside `establishment`).
    pub fn at(self, field: &'static str) -> Self {
        Self { field, ..self }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

/// Trims `value` and checks its length in characters; blank counts as missing.
pub fn required_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::required(field));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(field, "too_long"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_missing_and_long_text_is_refused() {
        assert_eq!(
            required_text("subject", "  ", 10),
            Err(FieldError::required("subject"))
        );
        assert_eq!(
            required_text("subject", "abcdefghijk", 10),
            Err(FieldError::new("subject", "too_long"))
        );
        assert_eq!(
            required_text("subject", " écran ", 10).as_deref(),
            Ok("écran")
        );
    }
}
