//! Turning what people type (a reference, a UAI, an application's code) into ids. A lookup
//! reveals nothing a caller may not know: a ticket reference resolves to an id, and the use case
//! that follows answers "not found" alike for a missing ticket and one the caller may not see.

use crate::error::NotFoundAs;
use crate::{App, AppError};
use guichet_core::ticket::TicketRef;
use guichet_core::{ApplicationId, FieldError, GroupId, OrgNodeId, TicketId, Uai};

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
        let mut conn = self.store().read().await?;
        let app = match code_or_id.trim().parse::<i64>() {
            Ok(id) => conn.application(ApplicationId(id)).await,
            Err(_) => conn.application_by_code(code_or_id).await,
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
        let mut conn = self.store().read().await?;
        if let Ok(id) = uai_or_id.trim().parse::<i64>() {
            return Ok(conn
                .org_node(OrgNodeId(id))
                .await
                .map_err(|_| FieldError::new(field, "invalid"))?
                .id);
        }
        let uai = Uai::parse(uai_or_id).map_err(|e| e.at(field))?;
        Ok(conn
            .org_node_by_uai(&uai)
            .await
            .map_err(|_| FieldError::new(field, "invalid"))?
            .id)
    }
}
