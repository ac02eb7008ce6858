//! The agent's workspace: their queues with counts, each queue's tickets, and saved views.
//!
//! Counts are capped index ranges (`guichet_core::queue::COUNT_CAP`), so the workspace costs the
//! same at 1M tickets as at 1,000. Every list goes through [`App::list_tickets`], so it shows
//! only what the caller may read; a queue's count covers tickets its list shows (a group the
//! caller works in, what is assigned to them or to those they stand in for).

mod filters;
mod views;

pub use filters::QueueFilters;
pub use views::{view_filters, view_sort};

use crate::ticket::ListQuery;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::queue::{COUNT_CAP, QueueKey};
use guichet_core::{GroupId, PersonId, TicketId};
use guichet_store::Conn;
use guichet_store::queue::{Count, QueueCount};
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::{Cursor, Page, Sort};
use guichet_store::ticket::names::RowNames;

/// One queue of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub key: QueueKey,
    /// The group's or the département's name; empty for "assigned to me" (pages translate it).
    pub name: String,
    /// The group's code, for a group's queue.
    pub code: Option<String>,
    /// Open tickets.
    pub open: Count,
    /// Open tickets nobody has yet, for a group's queue.
    pub unassigned: Option<Count>,
}

/// An absent colleague whose tickets show in "assigned to me".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandIn {
    pub person: PersonId,
    pub name: String,
    pub until: DateTime<Utc>,
}

/// The workspace's queues, and whom the caller stands in for now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queues {
    pub queues: Vec<Queue>,
    pub standing_in_for: Vec<StandIn>,
}

/// A ticket of a queue: in "assigned to me", `delegated_from` names the absent agent it is
/// assigned to when it is not the caller's own.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub ticket: Ticket,
    pub delegated_from: Option<PersonId>,
    /// The requester, establishment, group and agent names the row shows.
    pub names: RowNames,
}

fn me(caller: &Caller) -> PersonId {
    caller.subject.person
}

/// The agent and those they stand in for.
fn mine(caller: &Caller) -> Vec<PersonId> {
    let mut people = vec![me(caller)];
    people.extend(caller.subject.delegators.iter().copied());
    people
}

async fn count(conn: &mut Conn, q: QueueCount) -> Result<Count, AppError> {
    Ok(conn.count_queue(&q, COUNT_CAP).await?)
}

impl App {
    /// The caller's queues: "assigned to me" (with the tickets of absent colleagues they stand in
    /// for), one per group they work in (open and unassigned), and "my zone" for each
    /// département their desks serve. Agents and administrators only.
    pub async fn queues(&self, caller: &Caller) -> Result<Queues, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let now = self.now();
        let mut conn = self.store().read().await?;
        let mut queues = vec![Queue {
            key: QueueKey::Mine,
            name: String::new(),
            code: None,
            open: count(&mut conn, QueueCount::Assigned(mine(caller))).await?,
            unassigned: None,
        }];
        for g in &caller.subject.groups {
            // Group names are reference data: the cache answers, the held connection otherwise
            // (not `group_by_id`, which would take a second connection while this one is held).
            let group = match self.cache().group(&g.id) {
                Some(group) => group,
                None => {
                    let stamp = self.cache().stamp();
                    let group = conn.group(g.id).await?;
                    self.cache().put_group(stamp, g.id, group.clone());
                    group
                }
            };
            queues.push(Queue {
                key: QueueKey::Group(g.id),
                name: group.name,
                code: Some(group.code),
                open: count(&mut conn, QueueCount::GroupOpen(g.id)).await?,
                unassigned: Some(count(&mut conn, QueueCount::GroupNew(g.id)).await?),
            });
        }
        let groups: Vec<GroupId> = caller.subject.groups.iter().map(|g| g.id).collect();
        for (departement, name) in conn.desk_departements(me(caller)).await? {
            let open = count(
                &mut conn,
                QueueCount::Zone {
                    departement,
                    groups: groups.clone(),
                },
            )
            .await?;
            queues.push(Queue {
                key: QueueKey::Zone(departement),
                name,
                code: None,
                open,
                unassigned: None,
            });
        }
        let mut standing_in_for = Vec::new();
        for p in &caller.subject.delegators {
            let Some(absence) = conn.absence_in_force(*p, now).await? else {
                continue;
            };
            standing_in_for.push(StandIn {
                person: *p,
                name: conn.person(*p).await?.display_name,
                until: absence.ends_at,
            });
        }
        Ok(Queues {
            queues,
            standing_in_for,
        })
    }

    /// The caller's colleagues: active people working in one of the caller's groups, by name.
    /// What the pages offer as "assign to" and as a delegate.
    pub async fn colleagues(&self, caller: &Caller) -> Result<Vec<(PersonId, String)>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let mut conn = self.store().read().await?;
        let mut out: Vec<(PersonId, String)> = Vec::new();
        // One query per group (an agent works in one to three), names included.
        for g in &caller.subject.groups {
            for person in conn.members_of(g.id).await? {
                let p = person.id;
                if p == me(caller) || !person.active || out.iter().any(|(id, _)| *id == p) {
                    continue;
                }
                out.push((p, person.display_name));
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// Whom a ticket of `group` may be assigned to: the group's active members, by name.
    pub async fn assignable(
        &self,
        caller: &Caller,
        group: GroupId,
    ) -> Result<Vec<(PersonId, String)>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let mut conn = self.store().read().await?;
        // One query, names included.
        let mut out: Vec<(PersonId, String)> = conn
            .members_of(group)
            .await?
            .into_iter()
            .filter(|p| p.active)
            .map(|p| (p.id, p.display_name))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// A page of one of the caller's queues, narrowed by `filters` (see [`QueueFilters`]), with
    /// the names each row shows.
    pub async fn queue_tickets(
        &self,
        caller: &Caller,
        key: QueueKey,
        filters: &QueueFilters,
        sort: Sort,
        after: Option<Cursor>,
        limit: i64,
    ) -> Result<Page<QueueItem>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let scope = self.queue_scope(caller, key, filters).await?;
        if scope.empty {
            return Ok(Page {
                items: Vec::new(),
                next: None,
            });
        }
        let page = self
            .list_tickets(
                caller,
                ListQuery {
                    filter: scope.filter,
                    zone: scope.zone,
                    text: None,
                    sort,
                    after,
                    limit,
                },
            )
            .await?;
        let mine = key == QueueKey::Mine;
        self.with_names(page, mine.then(|| me(caller))).await
    }

    /// A page's tickets with their rows' names, read in one query. In "assigned to me" (`me`
    /// given), a ticket assigned to someone else is one the caller stands in for.
    pub(crate) async fn with_names(
        &self,
        page: Page<Ticket>,
        me: Option<PersonId>,
    ) -> Result<Page<QueueItem>, AppError> {
        let ids: Vec<TicketId> = page.items.iter().map(|t| t.id).collect();
        let mut names = self.store().read().await?.row_names(&ids).await?;
        let items = page
            .items
            .into_iter()
            .map(|ticket| {
                let delegated_from = match (me, ticket.assignee) {
                    (Some(me), Some(a)) if a != me => Some(a),
                    _ => None,
                };
                QueueItem {
                    names: names.remove(&ticket.id).unwrap_or_default(),
                    ticket,
                    delegated_from,
                }
            })
            .collect();
        Ok(Page {
            items,
            next: page.next,
        })
    }
}
