//! Guichet's domain: the words of DESIGN.md §3 as types, and the rules that hold between them.
//!
//! This crate owns the lifecycle state machine, the permission function, UAI validation, the
//! priority matrix and the French search-text pipeline; business-hours calendars, SLA clocks and
//! routing-rule evaluation (issue 7). It must not do IO: no database, no
//! network, no clock (callers pass `now`), no async. Everything here is unit- and property-tested.

#![forbid(unsafe_code)]

/// Declares a fieldless enum with its stable snake_case name, used alike by the API, the database
/// and the translation keys: `as_str`, `parse` (an error naming `$field`), `ALL`, serde.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::FieldError> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::FieldError::new($field, "invalid")),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod absence;
pub mod broadcast;
pub mod calendar;
pub mod desk;
pub mod error;
pub mod ids;
pub mod intake;
pub mod lifecycle;
pub mod org;
pub mod permission;
pub mod person;
pub mod queue;
pub mod routing;
pub mod search;
pub mod secret;
pub mod sla;
pub mod ticket;
pub mod uai;

pub use error::FieldError;
pub use ids::{
    ApplicationId, CalendarId, DeskId, EntryId, GroupId, OrgNodeId, PersonId, RuleId, SlaPolicyId,
    TicketId,
};
pub use secret::Secret;
pub use uai::Uai;
