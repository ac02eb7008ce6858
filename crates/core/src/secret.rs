//! A password or key read from the configuration: it reaches the one place that hands it to a
//! server (SMTP, LDAP), and never a log, since `Debug` prints `***`.

use serde::Deserialize;

/// A value that must never be shown: `Debug` prints `***` (or `""` when it is empty, so an
/// unset secret is visible as such).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that hands it to the server.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Secret::new("s3cret")), "***");
        assert_eq!(format!("{:?}", Secret::default()), "\"\"");
    }
}
