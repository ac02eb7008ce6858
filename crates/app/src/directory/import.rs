//! Imports (CSV files): all or nothing. The records are first checked by a dry pass, which
//! finds every rejection; with none, they are written in one transaction.

use super::run::{Db, DirectorySync};
use super::{EstablishmentRecord, PersonRecord, Source, SyncReport};
use crate::{App, AppError, Caller};

/// What an import did: `applied` is false when a rejection stopped it (and nothing was written).
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub applied: bool,
    pub report: SyncReport,
}

/// Records of one kind.
enum Records<'a> {
    Establishments(&'a [EstablishmentRecord]),
    Persons(&'a [PersonRecord]),
}

impl App {
    /// Imports establishments, all or nothing.
    pub async fn import_establishments(
        &self,
        caller: &Caller,
        records: &[EstablishmentRecord],
    ) -> Result<ImportOutcome, AppError> {
        self.import(caller, Records::Establishments(records)).await
    }

    /// Imports people with their roles, all or nothing. Nobody is deactivated: a file lists
    /// whom it adds or changes, not the whole directory.
    pub async fn import_persons(
        &self,
        caller: &Caller,
        records: &[PersonRecord],
    ) -> Result<ImportOutcome, AppError> {
        self.import(caller, Records::Persons(records)).await
    }

    async fn import(
        &self,
        caller: &Caller,
        records: Records<'_>,
    ) -> Result<ImportOutcome, AppError> {
        let source = match records {
            Records::Establishments(_) => Source::CsvEstablishments,
            Records::Persons(_) => Source::CsvPersons,
        };
        let mut check = self.start_directory_run(caller, source, true).await?;
        {
            let mut conn = self.store().read().await?;
            self.pass(&mut check, &mut Db::Dry(&mut conn), &records)
                .await?;
        }
        if !check.report.rejections.is_empty() {
            let report = self.finish_directory_run(caller, check, false).await?;
            return Ok(ImportOutcome {
                applied: false,
                report,
            });
        }
        let mut run = self.start_directory_run(caller, source, false).await?;
        let mut tx = self.store().write().await?;
        let done = self.pass(&mut run, &mut Db::Write(&mut tx), &records).await;
        match done {
            Ok(()) => tx.commit().await?,
            Err(e) => {
                drop(tx);
                self.fail_directory_run(run, &e.to_string()).await?;
                return Err(e);
            }
        }
        // The dry run's record stays: it says the file was checked.
        self.finish_directory_run(caller, check, false).await?;
        let report = self.finish_directory_run(caller, run, false).await?;
        Ok(ImportOutcome {
            applied: true,
            report,
        })
    }

    async fn pass(
        &self,
        run: &mut DirectorySync,
        db: &mut Db<'_>,
        records: &Records<'_>,
    ) -> Result<(), AppError> {
        match records {
            Records::Establishments(r) => self.establishments_in(run, db, r).await,
            Records::Persons(r) => self.persons_in(run, db, r).await,
        }
    }
}
