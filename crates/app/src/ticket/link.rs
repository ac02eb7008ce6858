//! Links between tickets. Marking a ticket as a duplicate closes it and makes its requester a
//! watcher of the original, so they follow the one ticket that will be worked.

use super::change::check;
use crate::{App, AppError, Caller};
use guichet_core::TicketId;
use guichet_core::lifecycle::Move;
use guichet_core::permission::TicketAction;
use guichet_core::ticket::{EntryKind, EventKind, LinkKind};
use guichet_store::ticket::Ticket;
use guichet_store::ticket::timeline::NewEntry;
use serde_json::json;

impl App {
    /// Links `id` to `other`: `Duplicate` reads "id duplicates other", `Parent` "id is the
    /// parent of other".
    pub async fn link(
        &self,
        caller: &Caller,
        id: TicketId,
        other: TicketId,
        kind: LinkKind,
    ) -> Result<Ticket, AppError> {
        if id == other {
            return Err(AppError::invalid("other", "link.self"));
        }
        let (mut c, target) = self
            .change_with_other(caller, id, TicketAction::Work, other)
            .await?;
        let target = target.ok_or(AppError::NotFound("other ticket"))?;
        check(caller, TicketAction::Read, &target).map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("other ticket"),
            e => e,
        })?;
        if !c.tx.links(id).await?.iter().all(|l| l.other != other) {
            return Err(AppError::conflict_on("link.exists", "other"));
        }
        c.tx.add_link(id, other, kind, c.now).await?;
        let data = json!({ "kind": kind, "other": target.reference });
        c.entry(EntryKind::Link, true, "", data.clone()).await?;
        c.tx.add_entry(&NewEntry {
            ticket: other,
            kind: EntryKind::Link,
            public: true,
            author: caller.person_id(),
            body: String::new(),
            data: json!({ "kind": kind, "from": c.ticket.reference }),
            created_at: c.now,
        })
        .await?;
        if kind == LinkKind::Duplicate {
            c.tx.add_watcher(other, c.ticket.requester).await?;
            if c.ticket.status.is_open() {
                if c.ticket.status == guichet_core::lifecycle::Status::New {
                    c.apply(Move::TakeInCharge)?;
                }
                c.apply(Move::Resolve)?;
                c.apply(Move::Close)?;
                c.ticket.solution = Some(format!("duplicate:{}", target.reference));
            }
        }
        c.finish(EventKind::Linked, "link", data).await
    }

    /// Removes the link between two tickets, whichever way it was made.
    pub async fn unlink(
        &self,
        caller: &Caller,
        id: TicketId,
        other: TicketId,
    ) -> Result<Ticket, AppError> {
        let (mut c, _) = self
            .change_with_other(caller, id, TicketAction::Work, other)
            .await?;
        if !c.tx.remove_link(id, other).await? {
            return Err(AppError::NotFound("link"));
        }
        let other_ref = c.tx.ticket(other).await?.reference;
        let data = json!({ "other": other_ref });
        c.entry(EntryKind::Unlink, true, "", data.clone()).await?;
        // The other ticket told the link's making; it tells its end too.
        c.tx.add_entry(&NewEntry {
            ticket: other,
            kind: EntryKind::Unlink,
            public: true,
            author: caller.person_id(),
            body: String::new(),
            data: json!({ "from": c.ticket.reference }),
            created_at: c.now,
        })
        .await?;
        c.finish(EventKind::Unlinked, "unlink", data).await
    }
}
