//! Reading tickets: one with its timeline, or a page of a list, always through the caller's
//! visibility.

use super::change::check;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::permission::{TicketAction, may};
use guichet_core::{OrgNodeId, TicketId};
use guichet_store::ticket::list::{Cursor, Page, Sort, TicketFilter};
use guichet_store::ticket::timeline::{AttachmentMeta, Entry};
use guichet_store::ticket::{Ticket, TicketLink};

/// A ticket as its reader may see it.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    /// Internal entries only for the desk.
    pub timeline: Vec<Entry>,
    pub links: Vec<TicketLink>,
    /// What the reader may do now, for pages to offer only those actions.
    pub allowed: Vec<TicketAction>,
}

/// A list request: filters, order, where to continue, page size (1–200).
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub filter: TicketFilter,
    /// A zone (a node of the tree) whose subtree to list.
    pub zone: Option<OrgNodeId>,
    /// Free text, searched in French.
    pub text: Option<String>,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: i64,
}

const ACTIONS: [TicketAction; 9] = [
    TicketAction::Read,
    TicketAction::ReadInternal,
    TicketAction::Reply,
    TicketAction::Note,
    TicketAction::Work,
    TicketAction::Close,
    TicketAction::Reopen,
    TicketAction::Cancel,
    TicketAction::Rate,
];

impl App {
    pub async fn ticket(&self, caller: &Caller, id: TicketId) -> Result<TicketView, AppError> {
        let mut conn = self.store().read().await?;
        let ticket = conn.ticket(id).await.or_not_found("ticket")?;
        check(caller, TicketAction::Read, &ticket)?;
        let facts = ticket.facts();
        let allowed: Vec<TicketAction> = ACTIONS
            .into_iter()
            .filter(|a| may(&caller.subject, *a, &facts).is_ok())
            .collect();
        let internal = allowed.contains(&TicketAction::ReadInternal);
        let timeline = conn.timeline(id, internal).await?;
        let links = conn.links(id).await?;
        Ok(TicketView {
            ticket,
            timeline,
            links,
            allowed,
        })
    }

    pub async fn ticket_by_reference(
        &self,
        caller: &Caller,
        reference: guichet_core::ticket::TicketRef,
    ) -> Result<TicketView, AppError> {
        let id = self
            .store()
            .read()
            .await?
            .ticket_by_reference(reference)
            .await
            .or_not_found("ticket")?
            .id;
        self.ticket(caller, id).await
    }

    /// An attachment of a ticket the caller may read; internal notes' files only for the desk.
    pub async fn attachment(
        &self,
        caller: &Caller,
        ticket: TicketId,
        attachment: i64,
    ) -> Result<(AttachmentMeta, Vec<u8>), AppError> {
        let view = self.ticket(caller, ticket).await?;
        let visible = view
            .timeline
            .iter()
            .any(|e| e.attachments.iter().any(|a| a.id == attachment));
        if !visible {
            return Err(AppError::NotFound("attachment"));
        }
        let mut conn = self.store().read().await?;
        conn.attachment(ticket, attachment)
            .await
            .or_not_found("attachment")
    }

    /// A page of the tickets the caller may see.
    pub async fn list_tickets(
        &self,
        caller: &Caller,
        q: ListQuery,
    ) -> Result<Page<Ticket>, AppError> {
        if !caller.subject.active {
            return Err(AppError::Forbidden(guichet_core::permission::Denied {
                rule: "person.inactive",
            }));
        }
        let mut filter = q.filter;
        let mut conn = self.store().read().await?;
        if let Some(zone) = q.zone {
            filter.zone = Some(conn.org_node(zone).await.or_not_found("zone")?.zone());
        }
        if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
            filter.terms = guichet_core::search::query_terms(text);
            if filter.terms.is_empty() {
                return Err(AppError::invalid("q", "search.no_words"));
            }
        }
        let limit = q.limit.clamp(1, 200);
        Ok(conn
            .list_tickets(
                &filter,
                &caller.subject.visibility(),
                q.sort,
                q.after.as_ref(),
                limit,
            )
            .await?)
    }
}
