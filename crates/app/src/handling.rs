//! Who handles a ticket, in words a requester reads: the group's name and the assigned agent's
//! name, for tickets the caller may read. Pages show it on lists and on the request page.

use crate::{App, AppError, Caller};
use guichet_core::permission::{TicketAction, may};
use guichet_core::{GroupId, PersonId};
use guichet_store::StoreError;
use guichet_store::ticket::Ticket;
use std::collections::HashMap;

/// The names behind a ticket's group and assignee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handling {
    pub group: Option<String>,
    pub agent: Option<String>,
}

impl App {
    /// One [`Handling`] per ticket, in order. A ticket the caller may not read gets an empty one.
    pub async fn handling(
        &self,
        caller: &Caller,
        tickets: &[Ticket],
    ) -> Result<Vec<Handling>, AppError> {
        let mut conn = self.store().read().await?;
        let mut groups: HashMap<GroupId, Option<String>> = HashMap::new();
        let mut agents: HashMap<PersonId, Option<String>> = HashMap::new();
        let mut out = Vec::with_capacity(tickets.len());
        for t in tickets {
            if may(&caller.subject, TicketAction::Read, &t.facts()).is_err() {
                out.push(Handling::default());
                continue;
            }
            let group = match t.group {
                Some(g) => match groups.get(&g) {
                    Some(name) => name.clone(),
                    None => {
                        let name = match conn.group(g).await {
                            Ok(group) => Some(group.name),
                            Err(StoreError::NotFound) => None,
                            Err(e) => return Err(e.into()),
                        };
                        groups.insert(g, name.clone());
                        name
                    }
                },
                None => None,
            };
            let agent = match t.assignee {
                Some(a) => match agents.get(&a) {
                    Some(name) => name.clone(),
                    None => {
                        let name = match conn.person(a).await {
                            Ok(p) => Some(p.display_name),
                            Err(StoreError::NotFound) => None,
                            Err(e) => return Err(e.into()),
                        };
                        agents.insert(a, name.clone());
                        name
                    }
                },
                None => None,
            };
            out.push(Handling { group, agent });
        }
        Ok(out)
    }
}
