//! Turning what people type (a reference, a UAI, an application's code) into ids, and reading
//! the reference data a submission needs through the cache (see [`crate::cache`]). A lookup
//! reveals nothing a caller may not know: a ticket reference resolves to an id, and the use case
//! that follows answers "not found" alike for a missing ticket and one the caller may not see.

use crate::error::NotFoundAs;
use crate::{App, AppError};
use guichet_core::ticket::TicketRef;
use guichet_core::{ApplicationId, FieldError, GroupId, OrgNodeId, TicketId, Uai};
use guichet_store::StoreError;
use guichet_store::application::Application;
use guichet_store::desk::Group;
use guichet_store::org::{OrgNode, TicketZone};
use std::sync::Arc;

impl App {
    pub async fn ticket_id(&self, reference: &str) -> Result<TicketId, AppError> {
        let reference = TicketRef::parse(reference).map_err(|_| AppError::NotFound("ticket"))?;
        let mut conn = self.store().read().await?;
        Ok(conn
            .ticket_by_reference(reference)
            .await
            .or_not_found("ticket")?
            .id)
    }

    /// An application by code (`LSUN`) or id.
    pub async fn application_id(
        &self,
        field: &'static str,
        code_or_id: &str,
    ) -> Result<ApplicationId, AppError> {
        let app = match code_or_id.trim().parse::<i64>() {
            Ok(id) => self.application_by_id(ApplicationId(id)).await,
            Err(_) => self.application_by_code(code_or_id).await,
        };
        Ok(app.map_err(|_| FieldError::new(field, "invalid"))?.id)
    }

    /// A group by code (`DSI-N2`) or id.
    pub async fn group_id(
        &self,
        field: &'static str,
        code_or_id: &str,
    ) -> Result<GroupId, AppError> {
        let mut conn = self.store().read().await?;
        let group = match code_or_id.trim().parse::<i64>() {
            Ok(id) => conn.group(GroupId(id)).await,
            Err(_) => conn.group_by_code(&code_or_id.trim().to_uppercase()).await,
        };
        Ok(group.map_err(|_| FieldError::new(field, "invalid"))?.id)
    }

    /// An establishment by UAI (validated: a wrong check letter is reported as such) or node id.
    pub async fn establishment_id(
        &self,
        field: &'static str,
        uai_or_id: &str,
    ) -> Result<OrgNodeId, AppError> {
        if let Ok(id) = uai_or_id.trim().parse::<i64>() {
            return Ok(self
                .node_by_id(OrgNodeId(id))
                .await
                .map_err(|_| FieldError::new(field, "invalid"))?
                .id);
        }
        let uai = Uai::parse(uai_or_id).map_err(|e| e.at(field))?;
        let key = uai.to_string();
        if let Some(id) = self.cache().uai(&key) {
            return Ok(id);
        }
        let stamp = self.cache().stamp();
        let mut conn = self.store().read().await?;
        let node = conn
            .org_node_by_uai(&uai)
            .await
            .map_err(|_| FieldError::new(field, "invalid"))?;
        self.cache().put_uai(stamp, key, node.id);
        Ok(node.id)
    }

    /// An application, from the cache when it holds it.
    pub(crate) async fn application_by_id(
        &self,
        id: ApplicationId,
    ) -> Result<Application, StoreError> {
        if let Some(app) = self.cache().application(&id) {
            return Ok(app);
        }
        let stamp = self.cache().stamp();
        let app = self.store().read().await?.application(id).await?;
        self.cache().put_application(stamp, id, app.clone());
        Ok(app)
    }

    /// Every application (the store's order), from the cache when it holds them.
    pub(crate) async fn applications(&self) -> Result<Arc<Vec<Application>>, StoreError> {
        if let Some(list) = self.cache().application_list(&()) {
            return Ok(list);
        }
        let stamp = self.cache().stamp();
        let list = Arc::new(self.store().read().await?.list_applications().await?);
        self.cache().put_application_list(stamp, (), list.clone());
        Ok(list)
    }

    pub(crate) async fn application_by_code(&self, code: &str) -> Result<Application, StoreError> {
        let key = code.to_owned();
        if let Some(id) = self.cache().application_code(&key) {
            return self.application_by_id(id).await;
        }
        let stamp = self.cache().stamp();
        let app = self.store().read().await?.application_by_code(code).await?;
        self.cache().put_application_code(stamp, key, app.id);
        self.cache().put_application(stamp, app.id, app.clone());
        Ok(app)
    }

    /// A group, from the cache when it holds it.
    pub(crate) async fn group_by_id(&self, id: GroupId) -> Result<Group, StoreError> {
        if let Some(g) = self.cache().group(&id) {
            return Ok(g);
        }
        let stamp = self.cache().stamp();
        let g = self.store().read().await?.group(id).await?;
        self.cache().put_group(stamp, id, g.clone());
        Ok(g)
    }

    /// An organisation node, from the cache when it holds it.
    pub(crate) async fn node_by_id(&self, id: OrgNodeId) -> Result<OrgNode, StoreError> {
        if let Some(n) = self.cache().node(&id) {
            return Ok(n);
        }
        let stamp = self.cache().stamp();
        let n = self.store().read().await?.org_node(id).await?;
        self.cache().put_node(stamp, id, n.clone());
        Ok(n)
    }

    /// The zone columns a ticket of `node` copies, from the cache when it holds them.
    pub(crate) async fn zone_of(&self, node: OrgNode) -> Result<TicketZone, StoreError> {
        if let Some(z) = self.cache().zone(&node.id) {
            return Ok(z);
        }
        let stamp = self.cache().stamp();
        let id = node.id;
        let z = self.store().read().await?.ticket_zone_of(node).await?;
        self.cache().put_zone(stamp, id, z.clone());
        Ok(z)
    }
}
