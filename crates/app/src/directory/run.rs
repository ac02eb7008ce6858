//! A run: its state between batches (the establishments by UAI, the uids seen so far), its
//! report, and the use cases that start and finish it.

use super::Source;
use crate::{App, AppError, Caller};
use guichet_core::OrgNodeId;
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_store::audit::AuditRecord;
use guichet_store::directory::{EstablishmentRow, RunCounts};
use guichet_store::{Conn, Tx};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Changes and rejections kept in the report; the counts go on beyond.
const REPORT_CAP: usize = 10_000;
/// Rejections stored with the run record.
const STORED_REJECTIONS: usize = 1_000;
/// People walked (and deactivated) per transaction when looking for departures.
const DEPARTURE_PAGE: i64 = 1_000;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    Deactivated,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deactivated => "deactivated",
        }
    }
}

/// One line of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: ChangeAction,
    /// `establishment` or `person`.
    pub object: &'static str,
    /// The UAI or the uid.
    pub key: String,
    /// What changed, for an update (`name, roles`).
    pub detail: String,
}

/// An entry left out, or a part of one (a role at an unknown establishment), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub entry: String,
    pub reason: String,
}

/// What a run did, or would have done.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub run_id: i64,
    pub dry_run: bool,
    pub counts: RunCounts,
    /// The first changes (up to 10,000); `more_changes` counts the others.
    pub changes: Vec<Change>,
    pub more_changes: u64,
    pub rejections: Vec<Rejection>,
    pub more_rejections: u64,
}

/// An establishment as the run knows it; `id` is `None` for one a dry run would create.
#[derive(Debug, Clone)]
pub(super) struct Known {
    pub id: Option<OrgNodeId>,
    pub name: String,
    pub establishment_type: Option<EstablishmentType>,
    pub commune: Option<String>,
}

/// A run in progress: pass it to each batch, then to [`App::finish_directory_run`].
#[derive(Debug)]
pub struct DirectorySync {
    pub(super) source: Source,
    pub(super) report: SyncReport,
    pub(super) establishments: HashMap<String, Known>,
    /// Départements by code without leading zeros (`21`, `2A`, `971`).
    pub(super) departements: HashMap<String, OrgNodeId>,
    /// Circonscriptions by (département, lower-cased name).
    pub(super) circonscriptions: HashMap<(OrgNodeId, String), Option<OrgNodeId>>,
    pub(super) academie: Option<OrgNodeId>,
    /// Directory uids met in this run: who is not among them at the end has left. About 40
    /// bytes a person: 8 MB for 200,000.
    pub(super) seen: HashSet<Box<str>>,
}

impl DirectorySync {
    pub fn dry_run(&self) -> bool {
        self.report.dry_run
    }

    pub fn counts(&self) -> &RunCounts {
        &self.report.counts
    }

    pub(super) fn change(
        &mut self,
        action: ChangeAction,
        object: &'static str,
        key: &str,
        detail: String,
    ) {
        if self.report.changes.len() < REPORT_CAP {
            self.report.changes.push(Change {
                action,
                object,
                key: key.to_owned(),
                detail,
            });
        } else {
            self.report.more_changes += 1;
        }
    }

    pub(super) fn reject(&mut self, entry: &str, reason: String) {
        if self.report.rejections.len() < REPORT_CAP {
            self.report.rejections.push(Rejection {
                entry: entry.to_owned(),
                reason,
            });
        } else {
            self.report.more_rejections += 1;
        }
    }
}

/// Where a batch reads and, unless it is a dry run, writes.
pub(super) enum Db<'a> {
    Dry(&'a mut Conn),
    Write(&'a mut Tx),
}

impl Db<'_> {
    pub fn conn(&mut self) -> &mut Conn {
        match self {
            Self::Dry(c) => c,
            Self::Write(t) => t,
        }
    }
}

/// Département codes compare without leading zeros: `021` (open data) is `21` (the tree).
pub(super) fn departement_key(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    let trimmed = code.trim_start_matches('0');
    if trimmed.is_empty() {
        code
    } else {
        trimmed.to_owned()
    }
}

impl App {
    /// Starts a run: checks the caller, records it, and reads the establishments and the tree's
    /// upper nodes once.
    pub async fn start_directory_run(
        &self,
        caller: &Caller,
        source: Source,
        dry_run: bool,
    ) -> Result<DirectorySync, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let run_id = tx
            .insert_directory_run(source.as_str(), dry_run, now)
            .await?;
        tx.commit().await?;
        let mut conn = self.store().read().await?;
        let establishments = conn
            .establishments()
            .await?
            .into_iter()
            .map(|e: EstablishmentRow| {
                (
                    e.uai,
                    Known {
                        id: Some(e.id),
                        name: e.name,
                        establishment_type: e.establishment_type,
                        commune: e.commune,
                    },
                )
            })
            .collect();
        let mut departements = HashMap::new();
        let mut circonscriptions = HashMap::new();
        let mut academie = None;
        for kind in [
            OrgKind::Academie,
            OrgKind::Departement,
            OrgKind::Circonscription,
        ] {
            let mut after = None;
            loop {
                let page = conn
                    .list_org_nodes(Some(kind), None, None, after, 500)
                    .await?;
                for n in &page {
                    match kind {
                        OrgKind::Academie => academie = academie.or(Some(n.id)),
                        OrgKind::Departement => {
                            if let Some(code) = &n.code {
                                departements.insert(departement_key(code), n.id);
                            }
                        }
                        _ => {
                            if let Some(parent) = n.parent {
                                circonscriptions
                                    .insert((parent, n.name.to_lowercase()), Some(n.id));
                            }
                        }
                    }
                }
                match page.last() {
                    Some(last) if page.len() == 500 => after = Some((last.name.clone(), last.id.0)),
                    _ => break,
                }
            }
        }
        Ok(DirectorySync {
            source,
            report: SyncReport {
                run_id,
                dry_run,
                ..SyncReport::default()
            },
            establishments,
            departements,
            circonscriptions,
            academie,
            seen: HashSet::new(),
        })
    }

    /// Ends a run: with `deactivate_missing` (a full sync), deactivates the directory's people
    /// not met in this run, a page per transaction; records the counts and audits the run.
    /// Refuses to deactivate anyone when the run met nobody: an empty answer is a broken
    /// filter or server, not everybody leaving.
    pub async fn finish_directory_run(
        &self,
        caller: &Caller,
        mut run: DirectorySync,
        deactivate_missing: bool,
    ) -> Result<SyncReport, AppError> {
        if deactivate_missing && let Err(e) = self.deactivate_departed(&mut run).await {
            self.fail_directory_run(run, &e.to_string()).await?;
            return Err(e);
        }
        let now = self.now();
        let report = run.report;
        let stored: Vec<&super::Rejection> =
            report.rejections.iter().take(STORED_REJECTIONS).collect();
        let mut tx = self.store().write().await?;
        tx.finish_directory_run(
            report.run_id,
            &report.counts,
            &serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into()),
            None,
            now,
        )
        .await?;
        let c = &report.counts;
        tx.audit(&AuditRecord {
            at: now,
            actor: caller.person_id(),
            action: "directory.run".into(),
            object_type: "directory_run",
            object_id: report.run_id.to_string(),
            origin: caller.origin.clone(),
            details: json!({
                "source": run.source.as_str(),
                "dry_run": report.dry_run,
                "establishments": [c.establishments_created, c.establishments_updated, c.establishments_rejected],
                "persons": [c.persons_created, c.persons_updated, c.persons_deactivated, c.persons_rejected],
            }),
        })
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(report)
    }

    /// Records that a run stopped on an error (the batches already committed stay).
    pub async fn fail_directory_run(
        &self,
        run: DirectorySync,
        error: &str,
    ) -> Result<(), AppError> {
        let stored: Vec<&super::Rejection> = run
            .report
            .rejections
            .iter()
            .take(STORED_REJECTIONS)
            .collect();
        let mut tx = self.store().write().await?;
        tx.finish_directory_run(
            run.report.run_id,
            &run.report.counts,
            &serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into()),
            Some(error),
            self.now(),
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }

    async fn deactivate_departed(&self, run: &mut DirectorySync) -> Result<(), AppError> {
        let mut after = 0;
        loop {
            let page = self
                .store()
                .read()
                .await?
                .active_directory_persons(after, DEPARTURE_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.0.0;
            if run.seen.is_empty() {
                return Err(AppError::conflict("directory.empty"));
            }
            let gone: Vec<_> = page
                .into_iter()
                .filter(|(_, uid)| !run.seen.contains(uid.as_str()))
                .collect();
            if gone.is_empty() {
                continue;
            }
            if !run.dry_run() {
                let ids: Vec<_> = gone.iter().map(|(id, _)| *id).collect();
                let mut tx = self.store().write().await?;
                tx.deactivate_directory_persons(&ids, self.now()).await?;
                tx.commit().await?;
            }
            for (_, uid) in &gone {
                run.report.counts.persons_deactivated += 1;
                run.change(ChangeAction::Deactivated, "person", uid, String::new());
            }
        }
        Ok(())
    }

    /// The latest runs, newest first. Administrators only.
    pub async fn directory_runs(
        &self,
        caller: &Caller,
        limit: i64,
    ) -> Result<Vec<guichet_store::directory::DirectoryRun>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        Ok(self
            .store()
            .read()
            .await?
            .list_directory_runs(limit.clamp(1, 200))
            .await?)
    }
}
