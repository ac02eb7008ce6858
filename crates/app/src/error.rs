//! What a use case answers when it refuses. Front doors map each variant to their own words
//! (an HTTP status and a problem document, a CLI message, a mail to the sender).

use guichet_core::FieldError;
use guichet_core::lifecycle::LifecycleError;
use guichet_core::permission::Denied;
use guichet_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field of the request is missing or wrong.
    #[error("invalid field {0}")]
    Invalid(#[from] FieldError),
    /// The caller may not do this. `Denied::NOT_VISIBLE` is reported as not found.
    #[error("{0}")]
    Forbidden(#[from] Denied),
    /// No such object (or not one the caller may see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The lifecycle forbids this move from the ticket's status.
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    /// The request contradicts the current state: a duplicate, a window that has passed.
    /// `code` is a stable rule name; `field` the field at fault, when there is one.
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        field: Option<&'static str>,
    },
    /// The database cannot be reached: try again later.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn conflict(code: &'static str) -> Self {
        Self::Conflict { code, field: None }
    }

    pub fn conflict_on(code: &'static str, field: &'static str) -> Self {
        Self::Conflict {
            code,
            field: Some(field),
        }
    }

    pub fn invalid(field: &'static str, code: &'static str) -> Self {
        Self::Invalid(FieldError::new(field, code))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("object"),
            StoreError::Conflict { constraint } => {
                // SQLite names the column (`person.email`); PostgreSQL the constraint, which
                // defaults to `person_email_key`.
                let column = constraint.strip_suffix("_key").unwrap_or(&constraint);
                Self::Conflict {
                    code: "duplicate",
                    field: ["email", "uid", "uai", "code", "reference"]
                        .into_iter()
                        .find(|f| column.ends_with(f)),
                }
            }
            StoreError::Unavailable(m) => Self::Unavailable(m),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// Maps a store "not found" to a named one.
pub(crate) trait NotFoundAs<T> {
    fn or_not_found(self, what: &'static str) -> Result<T, AppError>;
}

impl<T> NotFoundAs<T> for Result<T, StoreError> {
    fn or_not_found(self, what: &'static str) -> Result<T, AppError> {
        self.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound(what),
            other => other.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_violation_names_its_field_on_both_engines() {
        for constraint in ["person.email", "person_email_key"] {
            let e = AppError::from(StoreError::Conflict {
                constraint: constraint.into(),
            });
            assert!(
                matches!(
                    e,
                    AppError::Conflict {
                        code: "duplicate",
                        field: Some("email")
                    }
                ),
                "{constraint}: {e:?}"
            );
        }
        let e = AppError::from(StoreError::Conflict {
            constraint: "ticket_counter_pkey".into(),
        });
        assert!(matches!(e, AppError::Conflict { field: None, .. }), "{e:?}");
    }
}
