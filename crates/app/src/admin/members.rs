//! Who works in a group: administrators list a group's agents, add one by email and take one
//! out. Each change is one audited transaction; the cached subjects are cleared after it.

use super::audit;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::person::parse_email;
use guichet_core::{GroupId, PersonId};
use guichet_store::StoreError;
use guichet_store::desk::Group;
use guichet_store::person::Person;
use serde_json::json;

impl App {
    /// A group and its members in name order. Administrators only.
    pub async fn group_members(
        &self,
        caller: &Caller,
        group: GroupId,
    ) -> Result<(Group, Vec<Person>), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let g = conn.group(group).await.or_not_found("group")?;
        let members = conn.members_of(group).await?;
        Ok((g, members))
    }

    /// Makes the active person with `email` an agent of `group`; the form names people by
    /// email, so an unknown or inactive one is an error on the `email` field.
    pub async fn add_member_by_email(
        &self,
        caller: &Caller,
        group: GroupId,
        email: &str,
    ) -> Result<Person, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let email = parse_email("email", email)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.group(group).await.or_not_found("group")?;
        let person = match tx.person_by_email(&email).await {
            Err(StoreError::NotFound) => return Err(AppError::invalid("email", "person.unknown")),
            other => other?,
        };
        if !person.active {
            return Err(AppError::invalid("email", "person.inactive"));
        }
        tx.add_member(group, person.id).await?;
        audit(
            &mut tx,
            caller,
            "group.add_member",
            "group",
            group.to_string(),
            json!({ "person": person.id }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(person)
    }

    /// Takes an agent out of a group. Administrators only; not a member is not found.
    pub async fn remove_member(
        &self,
        caller: &Caller,
        group: GroupId,
        person: PersonId,
    ) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        if !tx.remove_member(group, person).await? {
            return Err(AppError::NotFound("member"));
        }
        audit(
            &mut tx,
            caller,
            "group.remove_member",
            "group",
            group.to_string(),
            json!({ "person": person }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }

    /// Makes a member of `group` one of its managers, or no longer one: managers are told
    /// when a ticket of the group misses an SLA target. Administrators only; not a member is
    /// not found.
    pub async fn set_group_manager(
        &self,
        caller: &Caller,
        group: GroupId,
        person: PersonId,
        manager: bool,
    ) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        if !tx.set_manager(group, person, manager).await? {
            return Err(AppError::NotFound("member"));
        }
        audit(
            &mut tx,
            caller,
            "group.set_manager",
            "group",
            group.to_string(),
            json!({ "person": person, "manager": manager }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The managers of a group. Administrators only.
    pub async fn group_managers(
        &self,
        caller: &Caller,
        group: GroupId,
    ) -> Result<Vec<PersonId>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        Ok(self.store().read().await?.group_managers(group).await?)
    }

    /// The groups a person works in, with their names. Administrators only.
    pub async fn groups_of_person(
        &self,
        caller: &Caller,
        person: PersonId,
    ) -> Result<Vec<Group>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let facts = conn.groups_of(person).await?;
        let mut groups = Vec::with_capacity(facts.len());
        for f in facts {
            groups.push(conn.group(f.id).await?);
        }
        Ok(groups)
    }
}
