//! Editing desks and groups: a desk's name and zone; a group's name, description and whether it
//! is active. Codes, levels and expertises never change: rules, configuration and tickets refer
//! to them.
//!
//! An inactive group is offered nowhere as a target (escalation, transfer, assignment,
//! routing, SLA escalation, an application's default group) while its members still read its
//! queue. So that no request is stranded in a queue nobody is sent to any more, a group is
//! deactivated only once its queue holds no open ticket and no application or the intake
//! configuration sends new requests to it; each refusal names its reason on the `active` field.

use super::audit;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::error::required_text;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::{DeskId, GroupId, OrgNodeId};
use guichet_store::desk::{Desk, Group, GroupChange};
use serde_json::json;

/// A group's editable fields, as typed; `None` keeps the group's own (the API's PATCH).
#[derive(Debug, Clone, Default)]
pub struct GroupInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

/// A desk's editable fields, as typed; `None` keeps the desk's own (the API's PATCH).
#[derive(Debug, Clone, Default)]
pub struct DeskInput {
    pub name: Option<String>,
    /// The zone the desk serves: `None` keeps it, `Some(None)` clears it.
    pub node: Option<Option<OrgNodeId>>,
}

impl App {
    /// Renames a desk and sets its zone. Administrators only; the name is required and no
    /// other desk may bear it; audited with the name before and after.
    pub async fn update_desk(
        &self,
        caller: &Caller,
        id: DeskId,
        input: DeskInput,
    ) -> Result<Desk, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let name = input
            .name
            .map(|n| required_text("name", &n, 200))
            .transpose()?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.desk(id).await.or_not_found("desk")?;
        let name = name.unwrap_or_else(|| before.name.clone());
        if tx.desk_named(&name, Some(id)).await?.is_some() {
            return Err(AppError::conflict_on("duplicate", "name"));
        }
        let node = input.node.unwrap_or(before.node);
        if let Some(n) = node.filter(|n| Some(*n) != before.node) {
            tx.org_node(n)
                .await
                .map_err(|_| AppError::invalid("node", "invalid"))?;
        }
        let desk = tx.update_desk(id, &name, node).await?;
        audit(
            &mut tx,
            caller,
            "desk.update",
            "desk",
            id.to_string(),
            json!({
                "code": desk.code,
                "name_before": before.name,
                "name": desk.name,
                "node": desk.node,
            }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(desk)
    }

    /// One desk, for its administration page. Administrators only.
    pub async fn admin_desk(&self, caller: &Caller, id: DeskId) -> Result<Desk, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        self.store()
            .read()
            .await?
            .desk(id)
            .await
            .or_not_found("desk")
    }

    /// One group, active or not, with the number of open tickets in its queue, for its
    /// administration page. Administrators only.
    pub async fn admin_group(
        &self,
        caller: &Caller,
        id: GroupId,
    ) -> Result<(Group, i64), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        let group = conn.group(id).await.or_not_found("group")?;
        let open = conn.open_tickets_in_group(id).await?;
        Ok((group, open))
    }

    /// Renames, describes, deactivates or reactivates a group. Administrators only; the name
    /// is required and unique within the desk; deactivation is refused while requests would be
    /// stranded (see the module's header); audited with the name and state before and after.
    pub async fn update_group(
        &self,
        caller: &Caller,
        id: GroupId,
        input: GroupInput,
    ) -> Result<Group, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let name = input
            .name
            .map(|n| required_text("name", &n, 200))
            .transpose()?;
        let description = input.description.map(|d| d.trim().to_owned());
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 1000)
        {
            return Err(AppError::invalid("description", "too_long"));
        }
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.group(id).await.or_not_found("group")?;
        let name = name.unwrap_or_else(|| before.name.clone());
        let description = description.unwrap_or_else(|| before.description.clone());
        let active = input.active.unwrap_or(before.active);
        if tx
            .group_named(before.desk, &name, Some(id))
            .await?
            .is_some()
        {
            return Err(AppError::conflict_on("duplicate", "name"));
        }
        if before.active && !active {
            self.may_deactivate(&mut tx, &before).await?;
        }
        let group = tx
            .update_group(
                id,
                &GroupChange {
                    name,
                    description,
                    active,
                },
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "group.update",
            "group",
            id.to_string(),
            json!({
                "code": group.code,
                "name_before": before.name,
                "name": group.name,
                "active_before": before.active,
                "active": group.active,
            }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(group)
    }

    /// Refuses to deactivate a group that still has work or still receives new requests.
    async fn may_deactivate(
        &self,
        tx: &mut guichet_store::Tx,
        group: &Group,
    ) -> Result<(), AppError> {
        if tx.open_tickets_in_group(group.id).await? > 0 {
            return Err(AppError::conflict_on("group.open_tickets", "active"));
        }
        let apps = tx.list_applications().await?;
        if apps.iter().any(|a| a.default_group == Some(group.id)) {
            return Err(AppError::conflict_on(
                "group.default_of_application",
                "active",
            ));
        }
        if self.config().intake_group.as_deref() == Some(group.code.as_str()) {
            return Err(AppError::conflict_on("group.intake_group", "active"));
        }
        Ok(())
    }
}
