//! People's accounts as administrators manage them: deactivate or reactivate a person (who
//! leaves is deactivated, never deleted), grant or revoke administration. An administrator may
//! not lock themselves out: deactivating or demoting oneself is refused.

use super::audit;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::PersonId;
use guichet_core::org::OrgKind;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::person::RoleKind;
use guichet_store::person::Person;
use serde_json::json;

impl App {
    /// Deactivates or reactivates a person; an inactive person can no longer sign in, and their
    /// sessions and tokens stop working at their next request. Audited.
    pub async fn set_person_active(
        &self,
        caller: &Caller,
        person: PersonId,
        active: bool,
    ) -> Result<Person, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        if !active && caller.person_id() == Some(person) {
            return Err(AppError::conflict_on("admin.self", "active"));
        }
        let now = self.now();
        let mut tx = self.store().write().await?;
        if !tx.set_person_active(person, active, now).await? {
            return Err(AppError::NotFound("person"));
        }
        let action = if active {
            "person.reactivate"
        } else {
            "person.deactivate"
        };
        audit(
            &mut tx,
            caller,
            action,
            "person",
            person.to_string(),
            json!({ "active": active }),
            now,
        )
        .await?;
        let updated = tx.person(person).await.or_not_found("person")?;
        self.commit_reference_change(tx).await?;
        Ok(updated)
    }

    /// Makes a person an administrator (at the root of the organisation tree), or revokes every
    /// administrator role they hold. Audited.
    pub async fn set_admin(
        &self,
        caller: &Caller,
        person: PersonId,
        admin: bool,
    ) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        if !admin && caller.person_id() == Some(person) {
            return Err(AppError::conflict_on("admin.self", "admin"));
        }
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.person(person).await.or_not_found("person")?;
        let details = if admin {
            let root = tx
                .list_org_nodes(Some(OrgKind::Academie), None, None, None, 1)
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::conflict("org.no_root"))?;
            tx.add_role(person, RoleKind::Admin, root.id).await?;
            json!({ "role": RoleKind::Admin, "node": root.id })
        } else {
            let held: Vec<_> = tx
                .roles_of(person)
                .await?
                .into_iter()
                .filter(|r| r.kind == RoleKind::Admin)
                .collect();
            for r in &held {
                tx.remove_role(person, RoleKind::Admin, r.node).await?;
            }
            json!({ "role": RoleKind::Admin, "nodes": held.iter().map(|r| r.node).collect::<Vec<_>>() })
        };
        let action = if admin {
            "person.grant_role"
        } else {
            "person.revoke_role"
        };
        audit(
            &mut tx,
            caller,
            action,
            "person",
            person.to_string(),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }
}
