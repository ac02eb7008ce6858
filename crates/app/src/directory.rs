//! Directory sync and imports: establishments (by UAI), people (by directory uid) and the roles
//! the directory gives them, from the académie's LDAP or from CSV files.
//!
//! A front door (`guichet-directory`) reads its source and hands records over in batches; this
//! module validates them, compares them with what is stored and writes the difference, each
//! batch in a transaction of its own so that 200,000 people never hold one giant transaction
//! (an import, which is all or nothing, runs its batches in one). People who left the directory
//! are deactivated, never deleted, so their tickets stay. A dry run reads and counts the same
//! way and writes nothing but its run record. Only administrators (or Guichet itself) sync.

mod establishment;
mod import;
mod person;
mod run;
mod schedule;

pub use establishment::establishment_type_from_label;
pub use import::ImportOutcome;
pub use run::{Change, ChangeAction, DirectorySync, Rejection, SyncReport};
pub use schedule::{SYNC_JOB_KIND, next_daily};

use guichet_core::person::RoleKind;

/// An establishment as a source gives it. Only `uai` and `name` are required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstablishmentRecord {
    /// Where it comes from, for rejections: a DN, `line 12`.
    pub origin: String,
    pub uai: String,
    pub name: String,
    /// The source's label (`Ecole`, `Collège`, `LYC`, `ECOLE ELEMENTAIRE PUBLIQUE`…).
    pub type_label: Option<String>,
    pub commune: Option<String>,
    /// The département's code (`21`, `021`); derived from the UAI when absent.
    pub departement: Option<String>,
    /// The circonscription's name (primary schools); created under the département if new.
    pub circonscription: Option<String>,
}

/// A person as a source gives them, with the roles they hold today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonRecord {
    pub origin: String,
    pub uid: String,
    pub email: Option<String>,
    pub display_name: String,
    pub roles: Vec<RoleRecord>,
}

/// A role at an establishment. [`RoleKind::Director`] and [`RoleKind::Head`] both mean "heads
/// it": the sync stores the one that fits the establishment (director of a primary school, head
/// of a collège or lycée).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub kind: RoleKind,
    pub uai: String,
}

/// Where a run's records come from: recorded with the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Ldap,
    CsvEstablishments,
    CsvPersons,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ldap => "ldap",
            Self::CsvEstablishments => "csv:establishments",
            Self::CsvPersons => "csv:persons",
        }
    }
}
