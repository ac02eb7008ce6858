//! People: matched by directory uid (or, the first time, by email, which links a local account
//! to its directory entry), created or updated, with the roles the directory gives them
//! replaced by the ones it gives today. Roles granted by hand are left alone.

use super::PersonRecord;
use super::run::{ChangeAction, Db, DirectorySync};
use crate::{App, AppError};
use guichet_core::error::required_text;
use guichet_core::person::{Locale, RoleKind, parse_email};
use guichet_core::{OrgNodeId, PersonId, Uai};
use guichet_store::directory::DirectoryPersonRow;
use guichet_store::person::NewPerson;
use std::collections::{HashMap, HashSet};

/// A record that passed validation.
struct Valid<'a> {
    rec: &'a PersonRecord,
    uid: String,
    email: String,
    name: String,
}

/// The roles as stored: a known node, or (dry run) the UAI of an establishment not created yet.
type RoleSet = HashSet<(RoleKind, Result<OrgNodeId, String>)>;

impl App {
    /// Syncs a batch of people in one transaction (none for a dry run).
    pub async fn sync_persons(
        &self,
        run: &mut DirectorySync,
        batch: &[PersonRecord],
    ) -> Result<(), AppError> {
        if run.dry_run() {
            let mut conn = self.store().read().await?;
            self.persons_in(run, &mut Db::Dry(&mut conn), batch).await
        } else {
            let mut tx = self.store().write().await?;
            self.persons_in(run, &mut Db::Write(&mut tx), batch).await?;
            tx.commit().await?;
            Ok(())
        }
    }

    fn validate<'a>(run: &mut DirectorySync, rec: &'a PersonRecord) -> Option<Valid<'a>> {
        let entry = if rec.origin.is_empty() {
            &rec.uid
        } else {
            &rec.origin
        };
        let uid = rec.uid.trim();
        let problem = if uid.is_empty() || uid.len() > 200 {
            Some("uid missing".to_owned())
        } else if run.seen.contains(uid) {
            Some(format!("uid {uid} appears twice"))
        } else {
            None
        };
        let email = rec.email.as_deref().map(|e| parse_email("email", e));
        let name = required_text("display_name", &rec.display_name, 200);
        let problem = problem.or_else(|| match (&email, &name) {
            (None, _) => Some(format!("uid {uid}: mail missing")),
            (Some(Err(e)), _) => Some(format!(
                "uid {uid}: mail {} ({})",
                e.code,
                rec.email.as_deref().unwrap_or("")
            )),
            (_, Err(e)) => Some(format!("uid {uid}: name {}", e.code)),
            _ => None,
        });
        if let Some(reason) = problem {
            run.report.counts.persons_rejected += 1;
            run.reject(entry, reason);
            return None;
        }
        run.seen.insert(uid.into());
        Some(Valid {
            rec,
            uid: uid.to_owned(),
            email: email.and_then(Result::ok).unwrap_or_default(),
            name: name.unwrap_or_default(),
        })
    }

    /// The roles of a record, at establishments the run knows; the others are reported.
    fn roles_of(run: &mut DirectorySync, v: &Valid<'_>) -> RoleSet {
        let mut roles = RoleSet::new();
        for role in &v.rec.roles {
            let known = Uai::parse(&role.uai)
                .ok()
                .and_then(|u| run.establishments.get(u.as_str()).map(|k| (u, k.clone())));
            let Some((uai, known)) = known else {
                run.reject(
                    &v.uid,
                    format!(
                        "uid {}: role {} at unknown establishment {:?} left out",
                        v.uid,
                        role.kind.as_str(),
                        role.uai.trim()
                    ),
                );
                continue;
            };
            let kind = match role.kind {
                RoleKind::Director | RoleKind::Head => match known.establishment_type {
                    Some(t) if !t.is_primary() => RoleKind::Head,
                    _ => RoleKind::Director,
                },
                other => other,
            };
            roles.insert((kind, known.id.ok_or_else(|| uai.as_str().to_owned())));
        }
        roles
    }

    /// Syncs records in chunks small enough for the engines' bound-parameter limits.
    pub(super) async fn persons_in(
        &self,
        run: &mut DirectorySync,
        db: &mut Db<'_>,
        batch: &[PersonRecord],
    ) -> Result<(), AppError> {
        for chunk in batch.chunks(500) {
            self.persons_chunk(run, db, chunk).await?;
        }
        Ok(())
    }

    async fn persons_chunk(
        &self,
        run: &mut DirectorySync,
        db: &mut Db<'_>,
        batch: &[PersonRecord],
    ) -> Result<(), AppError> {
        let now = self.now();
        let valid: Vec<Valid<'_>> = batch
            .iter()
            .filter_map(|r| Self::validate(run, r))
            .collect();
        let uids: Vec<&str> = valid.iter().map(|v| v.uid.as_str()).collect();
        let emails: Vec<&str> = valid.iter().map(|v| v.email.as_str()).collect();
        let found = db.conn().persons_by_uid_or_email(&uids, &emails).await?;
        let mut by_uid: HashMap<String, DirectoryPersonRow> = HashMap::new();
        let mut by_email: HashMap<String, DirectoryPersonRow> = HashMap::new();
        for p in found {
            by_email.insert(p.email.clone(), p.clone());
            if let Some(uid) = p.uid.clone() {
                by_uid.insert(uid, p);
            }
        }
        let ids: Vec<PersonId> = by_uid.values().map(|p| p.id).collect();
        let mut stored: HashMap<PersonId, RoleSet> = HashMap::new();
        for (person, kind, node) in db.conn().directory_roles(&ids).await? {
            stored.entry(person).or_default().insert((kind, Ok(node)));
        }
        let mut emails_taken: HashSet<String> = HashSet::new();
        for v in &valid {
            let entry = if v.rec.origin.is_empty() {
                &v.uid
            } else {
                &v.rec.origin
            };
            let existing = by_uid
                .get(&v.uid)
                .or_else(|| by_email.get(&v.email).filter(|p| p.uid.is_none()));
            let email_owner = by_email.get(&v.email).map(|p| p.id);
            if email_owner.is_some() && email_owner != existing.map(|p| p.id)
                || !emails_taken.insert(v.email.clone())
            {
                run.report.counts.persons_rejected += 1;
                run.reject(
                    entry,
                    format!("uid {}: mail {} belongs to another person", v.uid, v.email),
                );
                continue;
            }
            let roles = Self::roles_of(run, v);
            let write_roles: Vec<(RoleKind, OrgNodeId)> = roles
                .iter()
                .filter_map(|(k, n)| n.as_ref().ok().map(|n| (*k, *n)))
                .collect();
            match existing {
                None => {
                    if let Db::Write(tx) = db {
                        let person = tx
                            .insert_person(
                                &NewPerson {
                                    uid: Some(v.uid.clone()),
                                    email: v.email.clone(),
                                    display_name: v.name.clone(),
                                    locale: Locale::default(),
                                },
                                now,
                            )
                            .await?;
                        tx.replace_directory_roles(person.id, &write_roles).await?;
                    }
                    run.report.counts.persons_created += 1;
                    run.change(ChangeAction::Created, "person", &v.uid, v.name.clone());
                }
                Some(p) => {
                    let mut changed = Vec::new();
                    if p.uid.as_deref() != Some(v.uid.as_str()) {
                        changed.push("uid");
                    }
                    if p.email != v.email {
                        changed.push("mail");
                    }
                    if p.display_name != v.name {
                        changed.push("name");
                    }
                    if !p.active {
                        changed.push("reactivated");
                    }
                    let before = stored.get(&p.id).cloned().unwrap_or_default();
                    if before != roles {
                        changed.push("roles");
                    }
                    if changed.is_empty() {
                        continue;
                    }
                    if let Db::Write(tx) = db {
                        tx.update_directory_person(p.id, &v.uid, &v.email, &v.name, now)
                            .await?;
                        tx.replace_directory_roles(p.id, &write_roles).await?;
                    }
                    run.report.counts.persons_updated += 1;
                    run.change(ChangeAction::Updated, "person", &v.uid, changed.join(", "));
                }
            }
        }
        Ok(())
    }
}
