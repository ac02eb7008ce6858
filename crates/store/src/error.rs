//! The store's one error type. Nothing above the store sees `sqlx::Error`.

/// What went wrong in the store, in terms the use cases can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule of the schema refused the write. `constraint` names it
    /// (`person.email`, `foreign_key`…) so the caller can name the field at fault.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// The database cannot be reached or is overloaded; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value does not parse as its domain type: a bug or a hand-edited row.
    #[error("corrupt value in {column}: {value:?}")]
    Corrupt { column: &'static str, value: String },
    #[error("migration: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Other(String),
}

impl StoreError {
    pub fn is_conflict_on(&self, name: &str) -> bool {
        matches!(self, Self::Conflict { constraint } if constraint.contains(name))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match err {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => Self::Conflict {
                    constraint: db
                        .constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| sqlite_constraint(db.message())),
                },
                ErrorKind::ForeignKeyViolation => Self::Conflict {
                    constraint: "foreign_key".into(),
                },
                _ if is_busy(db.code().as_deref()) => Self::Unavailable(db.message().into()),
                _ => Self::Other(db.message().into()),
            },
            sqlx::Error::Io(e) => Self::Unavailable(e.to_string()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
                Self::Unavailable(err.to_string())
            }
            other => Self::Other(other.to_string()),
        }
    }
}

/// SQLite says `UNIQUE constraint failed: person.email`; keep `person.email`.
pub(crate) fn sqlite_constraint(message: &str) -> String {
    message
        .rsplit_once(": ")
        .map_or(message, |(_, cols)| cols)
        .to_owned()
}

/// SQLITE_BUSY (5), SQLITE_LOCKED (6); PostgreSQL's connection and shutdown classes (08, 57P).
fn is_busy(code: Option<&str>) -> bool {
    matches!(code, Some("5" | "6" | "517" | "262"))
        || code.is_some_and(|c| c.starts_with("08") || c.starts_with("57P"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_name_the_column() {
        assert_eq!(
            sqlite_constraint("UNIQUE constraint failed: person.email"),
            "person.email"
        );
        assert!(is_busy(Some("5")));
        assert!(is_busy(Some("08006")));
        assert!(!is_busy(Some("23505")));
    }
}
