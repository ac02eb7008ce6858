//! Reference data: the organisation tree, people and roles, desks and groups, applications.
//! Everyone signed in reads the tree, desks and applications; the desk looks people up;
//! only administrators change anything, and every change is audited.
//!
//! The administration pages' own use cases sit beside: [`members`] (who works in a group),
//! [`accounts`] (deactivating people, granting or revoking administration),
//! [`applications`] (editing an application and its email keywords) and [`desks`] (renaming
//! desks and groups, deactivating groups).

mod accounts;
mod applications;
mod desks;
mod members;

pub use applications::ApplicationInput;
pub use desks::{DeskInput, GroupInput};

use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::desk::{Expertise, Level, parse_code, parse_keywords};
use guichet_core::error::required_text;
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::person::{Locale, RoleKind, parse_email};
use guichet_core::{DeskId, GroupId, OrgNodeId, PersonId, Uai};
use guichet_store::Tx;
use guichet_store::application::{Application, NewApplication};
use guichet_store::audit::AuditRecord;
use guichet_store::desk::{Desk, Group, NewGroup};
use guichet_store::org::{NewOrgNode, OrgNode};
use guichet_store::person::{NewPerson, Person, PersonRole};
use serde_json::{Value, json};

/// A person to create, as typed.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub email: String,
    pub display_name: String,
    pub uid: Option<String>,
    pub locale: Option<String>,
    pub password: Option<String>,
}

/// An organisation node to create, as typed.
#[derive(Debug, Clone, Default)]
pub struct OrgNodeInput {
    pub kind: String,
    pub parent: Option<OrgNodeId>,
    pub name: String,
    pub code: Option<String>,
    pub uai: Option<String>,
    pub establishment_type: Option<String>,
    pub commune: Option<String>,
}

/// Writes the audit record of an administrative change, in the change's transaction.
pub(crate) async fn audit(
    tx: &mut Tx,
    caller: &Caller,
    action: &str,
    object_type: &'static str,
    id: String,
    details: Value,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    tx.audit(&AuditRecord {
        at,
        actor: caller.person_id(),
        action: action.into(),
        object_type,
        object_id: id,
        origin: caller.origin.clone(),
        details,
    })
    .await?;
    Ok(())
}

impl App {
    pub async fn create_org_node(
        &self,
        caller: &Caller,
        input: OrgNodeInput,
    ) -> Result<OrgNode, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let kind = OrgKind::parse(&input.kind)?;
        let name = required_text("name", &input.name, 200)?;
        let uai = input.uai.as_deref().map(Uai::parse).transpose()?;
        let establishment_type = input
            .establishment_type
            .as_deref()
            .map(EstablishmentType::parse)
            .transpose()?;
        if kind == OrgKind::Etablissement && uai.is_none() {
            return Err(AppError::invalid("uai", "required"));
        }
        let now = self.now();
        let mut tx = self.store().write().await?;
        let parent_kind = match input.parent {
            Some(p) => Some(tx.org_node(p).await.or_not_found("parent")?.kind),
            None => None,
        };
        if !kind.allowed_parent(parent_kind) {
            return Err(AppError::invalid("parent", "org.parent_kind"));
        }
        let node = tx
            .insert_org_node(
                &NewOrgNode {
                    kind,
                    parent: input.parent,
                    name,
                    code: input.code.filter(|c| !c.trim().is_empty()),
                    uai,
                    establishment_type,
                    commune: input.commune.filter(|c| !c.trim().is_empty()),
                },
                now,
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "org.create",
            "org_node",
            node.id.to_string(),
            json!({ "kind": kind, "uai": node.uai }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(node)
    }

    pub async fn org_node(&self, id: OrgNodeId) -> Result<OrgNode, AppError> {
        self.store()
            .read()
            .await?
            .org_node(id)
            .await
            .or_not_found("org node")
    }

    pub async fn list_org_nodes(
        &self,
        kind: Option<OrgKind>,
        parent: Option<OrgNodeId>,
        q: Option<&str>,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<OrgNode>, AppError> {
        Ok(self
            .store()
            .read()
            .await?
            .list_org_nodes(kind, parent, q, after, limit.clamp(1, 200))
            .await?)
    }

    /// Creates a person (a local account when a password is given).
    pub async fn create_person(
        &self,
        caller: &Caller,
        input: PersonInput,
    ) -> Result<Person, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let email = parse_email("email", &input.email)?;
        let display_name = required_text("display_name", &input.display_name, 200)?;
        let locale = input
            .locale
            .as_deref()
            .map(Locale::parse)
            .transpose()?
            .unwrap_or_default();
        let hash = match input.password.as_deref() {
            Some(p) if p.chars().count() < 12 => {
                return Err(AppError::invalid("password", "password.too_short"));
            }
            Some(p) => Some(hash_blocking(p.to_owned()).await?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.store().write().await?;
        let person = tx
            .insert_person(
                &NewPerson {
                    uid: input.uid,
                    email,
                    display_name,
                    locale,
                },
                now,
            )
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict {
                    field: Some("email"),
                    ..
                } => AppError::conflict_on("person.email_taken", "email"),
                other => other,
            })?;
        if let Some(h) = hash {
            tx.set_password_hash(person.id, &h, now).await?;
        }
        audit(
            &mut tx,
            caller,
            "person.create",
            "person",
            person.id.to_string(),
            json!({ "email": person.email }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(person)
    }

    pub async fn grant_role(
        &self,
        caller: &Caller,
        person: PersonId,
        kind: RoleKind,
        node: OrgNodeId,
    ) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.person(person).await.or_not_found("person")?;
        tx.org_node(node).await.or_not_found("node")?;
        tx.add_role(person, kind, node).await?;
        audit(
            &mut tx,
            caller,
            "person.grant_role",
            "person",
            person.to_string(),
            json!({ "role": kind, "node": node }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }

    /// A person and their roles; the caller themselves, or anyone for the desk.
    pub async fn person(
        &self,
        caller: &Caller,
        id: PersonId,
    ) -> Result<(Person, Vec<PersonRole>), AppError> {
        if caller.person_id() != Some(id) {
            may_global(&caller.subject, GlobalAction::ReadPersons)?;
        }
        let mut conn = self.store().read().await?;
        let person = conn.person(id).await.or_not_found("person")?;
        let roles = conn.roles_of(id).await?;
        Ok((person, roles))
    }

    pub async fn person_by_email(&self, email: &str) -> Result<Person, AppError> {
        self.store()
            .read()
            .await?
            .person_by_email(email)
            .await
            .or_not_found("person")
    }

    pub async fn list_persons(
        &self,
        caller: &Caller,
        q: Option<&str>,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<Person>, AppError> {
        may_global(&caller.subject, GlobalAction::ReadPersons)?;
        Ok(self
            .store()
            .read()
            .await?
            .list_persons(q, after, limit.clamp(1, 200))
            .await?)
    }

    pub async fn create_desk(
        &self,
        caller: &Caller,
        code: &str,
        name: &str,
        node: Option<OrgNodeId>,
    ) -> Result<Desk, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let code = parse_code("code", code)?;
        let name = required_text("name", name, 200)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        if let Some(n) = node {
            tx.org_node(n).await.or_not_found("node")?;
        }
        let desk = tx.insert_desk(&code, &name, node, now).await?;
        audit(
            &mut tx,
            caller,
            "desk.create",
            "desk",
            desk.id.to_string(),
            json!({ "code": code }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(desk)
    }

    pub async fn create_group(
        &self,
        caller: &Caller,
        desk: DeskId,
        code: &str,
        name: &str,
        level: Level,
        expertise: Expertise,
    ) -> Result<Group, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let code = parse_code("code", code)?;
        let name = required_text("name", name, 200)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.desk(desk).await.or_not_found("desk")?;
        let group = tx
            .insert_group(
                &NewGroup {
                    desk,
                    code,
                    name,
                    level,
                    expertise,
                },
                now,
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "group.create",
            "group",
            group.id.to_string(),
            json!({ "code": group.code }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(group)
    }

    pub async fn add_member(
        &self,
        caller: &Caller,
        group: GroupId,
        person: PersonId,
    ) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.group(group).await.or_not_found("group")?;
        tx.person(person).await.or_not_found("person")?;
        tx.add_member(group, person).await?;
        audit(
            &mut tx,
            caller,
            "group.add_member",
            "group",
            group.to_string(),
            json!({ "person": person }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(())
    }

    pub async fn list_desks(&self) -> Result<Vec<Desk>, AppError> {
        Ok(self.store().read().await?.list_desks().await?)
    }

    pub async fn list_groups(&self, desk: Option<DeskId>) -> Result<Vec<Group>, AppError> {
        Ok(self.store().read().await?.list_groups(desk).await?)
    }

    pub async fn create_application(
        &self,
        caller: &Caller,
        code: &str,
        name: &str,
        description: &str,
        keywords: &[String],
        default_group: Option<GroupId>,
    ) -> Result<Application, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let code = parse_code("code", code)?;
        let name = required_text("name", name, 200)?;
        let keywords = parse_keywords(keywords)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        if let Some(g) = default_group
            && !tx.group(g).await.or_not_found("default group")?.active
        {
            return Err(AppError::invalid("default_group", "group.inactive"));
        }
        let app = tx
            .insert_application(
                &NewApplication {
                    code,
                    name,
                    description: description.trim().to_owned(),
                    keywords,
                    default_group,
                },
                now,
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "application.create",
            "application",
            app.id.to_string(),
            json!({ "code": app.code }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(app)
    }

    pub async fn list_applications(&self) -> Result<Vec<Application>, AppError> {
        Ok(self.store().read().await?.list_applications().await?)
    }
}

/// Argon2 takes tens of milliseconds of CPU: off the async workers.
pub(crate) async fn hash_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || crate::password::hash(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}
