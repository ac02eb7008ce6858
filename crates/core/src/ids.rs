//! Newtype identifiers, so a ticket id can never be passed where a person id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A node of the organisation tree (académie, département, circonscription, establishment, partner).
    OrgNodeId,
    /// A person: requester, agent, steering staff or administrator.
    PersonId,
    /// A desk (guichet): DSI académique, a DSDEN, the Région, a vendor.
    DeskId,
    /// A group (queue) of a desk, at one support level.
    GroupId,
    /// An application or service a request is about (LSUN, ONDE…).
    ApplicationId,
    /// A ticket's internal id; people use its [`crate::ticket::TicketRef`].
    TicketId,
    /// One entry of a ticket's timeline.
    EntryId,
    /// A business-hours calendar of SLA targets.
    CalendarId,
    /// An SLA policy (targets for a desk, application, priority).
    SlaPolicyId,
    /// A routing rule of a desk.
    RuleId,
);
