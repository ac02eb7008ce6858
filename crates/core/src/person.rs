//! People and their roles at nodes of the organisation tree.

use crate::{FieldError, OrgNodeId};
use serde::{Deserialize, Serialize};

named_enum!(
    /// A role a person holds at a node: what they are, where. Being an agent is not a role here:
    /// it is being a member of a desk's group (see [`crate::desk`]).
    RoleKind, field = "role", {
        /// Directeur d'école: head of a primary school; sees the school's requests.
        Director => "director",
        /// Chef d'établissement (principal, proviseur): head of a collège or lycée.
        Head => "head",
        Teacher => "teacher",
        /// Administrative staff of an establishment or a service.
        Staff => "staff",
        /// Inspecteur de l'Éducation nationale: reads the tickets of a circonscription.
        Ien => "ien",
        /// Directeur académique (DASEN): reads the tickets of a département.
        Dasen => "dasen",
        /// Steering staff (DSI, digital committee): reads the tickets of their zone.
        Steering => "steering",
        /// Administrator: configures Guichet; sees and does everything.
        Admin => "admin",
    }
);

impl RoleKind {
    /// Heads of an establishment see every request of that establishment.
    pub fn heads_establishment(self) -> bool {
        matches!(self, Self::Director | Self::Head)
    }

    /// Inspectors and steering staff read every ticket of their zone.
    pub fn reads_zone(self) -> bool {
        matches!(self, Self::Ien | Self::Dasen | Self::Steering)
    }
}

/// One role of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub kind: RoleKind,
    pub node: OrgNodeId,
}

named_enum!(
    /// A person's preferred language for pages and mail.
    Locale, field = "locale", { Fr => "fr", En => "en" }
);

/// French first.
#[allow(
    clippy::derivable_impls,
    reason = "named_enum! cannot carry #[default]"
)]
impl Default for Locale {
    fn default() -> Self {
        Self::Fr
    }
}

/// Normalises and checks an email address: one `@`, a dotted domain, no spaces; lower-cased so
/// that one person has one address whatever the capitalisation.
pub fn parse_email(field: &'static str, input: &str) -> Result<String, FieldError> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::required(field));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && email.len() <= 254
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new(field, "email"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            parse_email("email", " Marie.Dupont@AC-Dijon.fr ").as_deref(),
            Ok("marie.dupont@ac-dijon.fr")
        );
        for bad in [
            "marie",
            "marie@",
            "@ac-dijon.fr",
            "m@localhost",
            "m a@x.fr",
            "a@b@c.fr",
        ] {
            assert_eq!(
                parse_email("email", bad),
                Err(FieldError::new("email", "email")),
                "{bad}"
            );
        }
        assert_eq!(parse_email("email", ""), Err(FieldError::required("email")));
    }
}
