//! The requester as the desk sees them: finding one for phone intake (by name, email or an
//! establishment's UAI) and their card on a ticket page (roles, school and UAI, circonscription,
//! other open requests). Desk agents and administrators only; the open requests listed are
//! those the caller may read.

use crate::error::NotFoundAs;
use crate::ticket::ListQuery;
use crate::{App, AppError, Caller};
use guichet_core::org::OrgKind;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::{OrgNodeId, PersonId, TicketId, Uai};
use guichet_store::Conn;
use guichet_store::org::OrgNode;
use guichet_store::person::{Person, PersonRole};
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::TicketFilter;

/// An establishment with where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub establishment: OrgNode,
    pub circonscription: Option<OrgNode>,
    pub departement: Option<OrgNode>,
}

/// What the desk sees of a requester.
#[derive(Debug, Clone)]
pub struct RequesterCard {
    pub person: Person,
    pub roles: Vec<PersonRole>,
    /// Each establishment where they hold a role.
    pub places: Vec<Place>,
    /// Their open requests the caller may read, newest first, at most [`CARD_REQUESTS`].
    pub open_requests: Vec<Ticket>,
    /// More open requests than shown.
    pub more_requests: bool,
}

/// How many open requests a card shows.
pub const CARD_REQUESTS: i64 = 20;

/// One person found for phone intake, with their roles.
#[derive(Debug, Clone)]
pub struct RequesterHit {
    pub person: Person,
    pub roles: Vec<PersonRole>,
}

async fn place(conn: &mut Conn, establishment: OrgNodeId) -> Result<Place, AppError> {
    let establishment = conn.org_node(establishment).await?;
    let mut place = Place {
        establishment,
        circonscription: None,
        departement: None,
    };
    // Walk up the tree: an establishment hangs under a circonscription, or straight under a
    // département (collèges, lycées).
    let mut parent = place.establishment.parent;
    while let Some(id) = parent {
        let node = conn.org_node(id).await?;
        parent = node.parent;
        match node.kind {
            OrgKind::Circonscription => place.circonscription = Some(node),
            OrgKind::Departement => {
                place.departement = Some(node);
                break;
            }
            _ => {}
        }
    }
    Ok(place)
}

impl App {
    /// A requester's card. `except` leaves out the ticket being shown from their other requests.
    pub async fn requester_card(
        &self,
        caller: &Caller,
        person: PersonId,
        except: Option<TicketId>,
    ) -> Result<RequesterCard, AppError> {
        may_global(&caller.subject, GlobalAction::ReadPersons)?;
        let mut conn = self.store().read().await?;
        let p = conn.person(person).await.or_not_found("person")?;
        let roles = conn.roles_of(person).await?;
        let mut places = Vec::new();
        for r in &roles {
            let is_new = !places
                .iter()
                .any(|pl: &Place| pl.establishment.id == r.node);
            if r.node_kind == OrgKind::Etablissement && is_new {
                places.push(place(&mut conn, r.node).await?);
            }
        }
        drop(conn);
        let page = self
            .list_tickets(
                caller,
                ListQuery {
                    filter: TicketFilter {
                        requester: Some(person),
                        open: Some(true),
                        ..TicketFilter::default()
                    },
                    // One more, in case the shown ticket is among them.
                    limit: CARD_REQUESTS + 1,
                    ..ListQuery::default()
                },
            )
            .await?;
        let mut open_requests: Vec<Ticket> = page
            .items
            .into_iter()
            .filter(|t| Some(t.id) != except)
            .collect();
        let more_requests = page.next.is_some()
            || open_requests.len() > usize::try_from(CARD_REQUESTS).unwrap_or(0);
        open_requests.truncate(usize::try_from(CARD_REQUESTS).unwrap_or(0));
        Ok(RequesterCard {
            person: p,
            roles,
            places,
            open_requests,
            more_requests,
        })
    }

    /// People to file a phone request for: a valid UAI lists the establishment's staff; other
    /// text searches names and emails. Paged on (name, id); `limit` 1–100.
    pub async fn find_requesters(
        &self,
        caller: &Caller,
        q: &str,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<RequesterHit>, AppError> {
        may_global(&caller.subject, GlobalAction::ReadPersons)?;
        let q = q.trim();
        if q.chars().count() < 2 {
            return Err(AppError::invalid("q", "search.too_short"));
        }
        let limit = limit.clamp(1, 100);
        let mut conn = self.store().read().await?;
        let people = match Uai::parse(q) {
            Ok(uai) => match conn.org_node_by_uai(&uai).await {
                Ok(node) => conn.persons_at(node.id, after, limit).await?,
                Err(guichet_store::StoreError::NotFound) => Vec::new(),
                Err(e) => return Err(e.into()),
            },
            Err(_) => conn.list_persons(Some(q), after, limit).await?,
        };
        let mut hits = Vec::with_capacity(people.len());
        for person in people {
            let roles = conn.roles_of(person.id).await?;
            hits.push(RequesterHit { person, roles });
        }
        Ok(hits)
    }
}
