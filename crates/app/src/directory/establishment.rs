//! Establishments: validated by UAI, placed under their département (and circonscription),
//! created or updated by name, type and commune. An establishment is never moved nor removed
//! by a sync.

use super::EstablishmentRecord;
use super::run::{ChangeAction, Db, DirectorySync, Known, departement_key};
use crate::{App, AppError};
use guichet_core::error::required_text;
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::{OrgNodeId, Uai};
use guichet_store::org::NewOrgNode;

/// Reads a source's establishment type: the national open data's labels (`Ecole`, `Collège`,
/// `Lycée`), the AAF's (`ECOLE ELEMENTAIRE PUBLIQUE`, `CLG`, `LP`…). Unknown labels are `other`.
pub fn establishment_type_from_label(label: &str) -> EstablishmentType {
    let l = fold(label);
    let word = |w: &str| {
        l.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|x| x == w)
    };
    if l.contains("maternelle") || word("empu") || word("empr") {
        EstablishmentType::EcoleMaternelle
    } else if l.contains("elementaire") || word("eepu") || word("eepr") {
        EstablishmentType::EcoleElementaire
    } else if l.contains("ecole") || l.contains("primaire") || word("eppu") || word("eppr") {
        EstablishmentType::EcolePrimaire
    } else if l.contains("college") || word("clg") {
        EstablishmentType::College
    } else if l.contains("lycee prof") || word("lp") || word("lpo") && l.contains("prof") {
        EstablishmentType::LyceeProfessionnel
    } else if l.contains("lycee") || word("lyc") || word("legt") || word("lgt") || word("lpo") {
        EstablishmentType::Lycee
    } else {
        EstablishmentType::Other
    }
}

/// Lower case without French accents, for matching labels.
fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl App {
    /// Syncs a batch of establishments in one transaction (none for a dry run).
    pub async fn sync_establishments(
        &self,
        run: &mut DirectorySync,
        batch: &[EstablishmentRecord],
    ) -> Result<(), AppError> {
        if run.dry_run() {
            let mut conn = self.store().read().await?;
            self.establishments_in(run, &mut Db::Dry(&mut conn), batch)
                .await
        } else {
            let mut tx = self.store().write().await?;
            self.establishments_in(run, &mut Db::Write(&mut tx), batch)
                .await?;
            tx.commit().await?;
            Ok(())
        }
    }

    pub(super) async fn establishments_in(
        &self,
        run: &mut DirectorySync,
        db: &mut Db<'_>,
        batch: &[EstablishmentRecord],
    ) -> Result<(), AppError> {
        let now = self.now();
        for rec in batch {
            let entry = if rec.origin.is_empty() {
                &rec.uai
            } else {
                &rec.origin
            };
            let uai = match Uai::parse(&rec.uai) {
                Ok(u) => u,
                Err(e) => {
                    run.report.counts.establishments_rejected += 1;
                    run.reject(
                        entry,
                        format!("invalid UAI {:?} ({})", rec.uai.trim(), e.code),
                    );
                    continue;
                }
            };
            let name = match required_text("name", &rec.name, 200) {
                Ok(n) => n,
                Err(e) => {
                    run.report.counts.establishments_rejected += 1;
                    run.reject(entry, format!("UAI {uai}: name {}", e.code));
                    continue;
                }
            };
            let establishment_type = rec
                .type_label
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(establishment_type_from_label);
            let commune = optional(&rec.commune);
            match run.establishments.get(uai.as_str()).cloned() {
                Some(known) => {
                    let mut changed = Vec::new();
                    if known.name != name {
                        changed.push("name");
                    }
                    let new_type = establishment_type.or(known.establishment_type);
                    if new_type != known.establishment_type {
                        changed.push("type");
                    }
                    let new_commune = commune.clone().or(known.commune.clone());
                    if new_commune != known.commune {
                        changed.push("commune");
                    }
                    if changed.is_empty() {
                        continue;
                    }
                    if let (Db::Write(tx), Some(id)) = (&mut *db, known.id) {
                        tx.update_establishment(id, &name, new_type, new_commune.as_deref())
                            .await?;
                    }
                    run.report.counts.establishments_updated += 1;
                    run.change(
                        ChangeAction::Updated,
                        "establishment",
                        uai.as_str(),
                        changed.join(", "),
                    );
                    run.establishments.insert(
                        uai.as_str().to_owned(),
                        Known {
                            id: known.id,
                            name,
                            establishment_type: new_type,
                            commune: new_commune,
                        },
                    );
                }
                None => {
                    let Some(parent) = self.parent_of(run, db, rec, &uai).await? else {
                        run.report.counts.establishments_rejected += 1;
                        run.reject(
                            entry,
                            format!("UAI {uai}: no académie nor département to attach it to"),
                        );
                        continue;
                    };
                    let id = match (&mut *db, parent) {
                        (Db::Write(tx), Some(parent)) => Some(
                            tx.insert_org_node(
                                &NewOrgNode {
                                    kind: OrgKind::Etablissement,
                                    parent: Some(parent),
                                    name: name.clone(),
                                    code: None,
                                    uai: Some(uai.clone()),
                                    establishment_type,
                                    commune: commune.clone(),
                                },
                                now,
                            )
                            .await?
                            .id,
                        ),
                        _ => None,
                    };
                    run.report.counts.establishments_created += 1;
                    run.change(
                        ChangeAction::Created,
                        "establishment",
                        uai.as_str(),
                        name.clone(),
                    );
                    run.establishments.insert(
                        uai.as_str().to_owned(),
                        Known {
                            id,
                            name,
                            establishment_type,
                            commune,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    /// The node a new establishment goes under: its circonscription (created if new), else its
    /// département (from the record, else the UAI's first digits), else the académie.
    /// `Some(None)`: a dry run's circonscription that does not exist yet; `None`: nowhere.
    async fn parent_of(
        &self,
        run: &mut DirectorySync,
        db: &mut Db<'_>,
        rec: &EstablishmentRecord,
        uai: &Uai,
    ) -> Result<Option<Option<OrgNodeId>>, AppError> {
        let code = optional(&rec.departement).unwrap_or_else(|| uai.as_str()[..3].to_owned());
        let Some(dep) = run.departements.get(&departement_key(&code)).copied() else {
            return Ok(run.academie.map(Some));
        };
        let Some(circ) = optional(&rec.circonscription) else {
            return Ok(Some(Some(dep)));
        };
        let key = (dep, circ.to_lowercase());
        if let Some(found) = run.circonscriptions.get(&key) {
            return Ok(Some(*found));
        }
        let created = match db {
            Db::Write(tx) => Some(
                tx.insert_org_node(
                    &NewOrgNode {
                        kind: OrgKind::Circonscription,
                        parent: Some(dep),
                        name: circ,
                        code: None,
                        uai: None,
                        establishment_type: None,
                        commune: None,
                    },
                    self.now(),
                )
                .await?
                .id,
            ),
            Db::Dry(_) => None,
        };
        run.circonscriptions.insert(key, created);
        Ok(Some(created))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_both_sources_are_understood() {
        use EstablishmentType::*;
        for (label, t) in [
            ("Ecole", EcolePrimaire),
            ("ECOLE ELEMENTAIRE PUBLIQUE", EcoleElementaire),
            ("École maternelle", EcoleMaternelle),
            ("EEPU", EcoleElementaire),
            ("Collège", College),
            ("CLG", College),
            ("Lycée", Lycee),
            ("LYC", Lycee),
            ("Lycée professionnel", LyceeProfessionnel),
            ("LP", LyceeProfessionnel),
            ("Service Administratif", Other),
        ] {
            assert_eq!(establishment_type_from_label(label), t, "{label}");
        }
    }
}
