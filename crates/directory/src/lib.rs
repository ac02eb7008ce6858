//! Guichet's directory adapters: the académie's LDAP (AAF) sync and the CSV imports.
//!
//! This crate reads the outside world and turns it into records; writing them is
//! `guichet-app`'s business (`App::sync_persons`, `App::import_establishments`…), like any other
//! front door. It never touches the store.

#![forbid(unsafe_code)]

pub mod aaf;
pub mod config;
pub mod csv_import;
pub mod ldap;
pub mod report;

pub use config::{LdapConfig, Mapping, Secret};
pub use csv_import::LineError;

use guichet_app::directory::ImportOutcome;
use guichet_app::{App, AppError, Caller};
use std::path::Path;

/// Why a sync or an import did not happen, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("the directory is not configured: {0}")]
    NotConfigured(String),
    /// The server could not be reached, refused the bind, or failed a search.
    #[error("LDAP: {0}")]
    Ldap(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("{0}")]
    File(String),
    /// Lines of a file that cannot be read; nothing was imported.
    #[error("{} line(s) in error", .0.len())]
    Lines(Vec<LineError>),
}

fn read(path: &Path) -> Result<String, DirectoryError> {
    std::fs::read(path)
        .map(|b| csv_import::decode(&b))
        .map_err(|e| DirectoryError::File(format!("{}: {e}", path.display())))
}

/// Imports the establishments of a CSV file, all or nothing.
pub async fn import_establishments_file(
    app: &App,
    caller: &Caller,
    path: &Path,
) -> Result<ImportOutcome, DirectoryError> {
    let records = csv_import::establishments(&read(path)?).map_err(DirectoryError::Lines)?;
    Ok(app.import_establishments(caller, &records).await?)
}

/// Imports the people (and their roles) of a CSV file, all or nothing.
pub async fn import_persons_file(
    app: &App,
    caller: &Caller,
    path: &Path,
) -> Result<ImportOutcome, DirectoryError> {
    let records = csv_import::persons(&read(path)?).map_err(DirectoryError::Lines)?;
    Ok(app.import_persons(caller, &records).await?)
}
