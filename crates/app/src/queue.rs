//! The agent's workspace: their queues with counts, each queue's tickets, and saved views.
//!
//! Counts are capped index ranges (`guichet_core::queue::COUNT_CAP`), so the workspace costs the
//! same at 1M tickets as at 1,000. Every list goes through [`App::list_tickets`], so it shows
//! only what the caller may read; a queue's count covers tickets its list shows (a group the
//! caller works in, what is assigned to them or to those they stand in for).

use crate::error::NotFoundAs;
use crate::ticket::ListQuery;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::queue::{COUNT_CAP, QueueKey, ViewFilters, age_window, parse_view_name};
use guichet_core::{GroupId, PersonId};
use guichet_store::queue::{Count, QueueCount};
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::{Cursor, Page, Sort, TicketFilter};
use guichet_store::view::SavedView;
use guichet_store::{Conn, StoreError};

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
            let group = conn.group(g.id).await?;
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
        for g in &caller.subject.groups {
            for p in conn.group_members(g.id).await? {
                if p == me(caller) || out.iter().any(|(id, _)| *id == p) {
                    continue;
                }
                let person = conn.person(p).await?;
                if person.active {
                    out.push((p, person.display_name));
                }
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// A page of one of the caller's queues. A group the caller does not work in, or a zone
    /// their desks do not serve, is not one of their queues (administrators list any group).
    pub async fn queue_tickets(
        &self,
        caller: &Caller,
        key: QueueKey,
        sort: Sort,
        after: Option<Cursor>,
        limit: i64,
    ) -> Result<Page<QueueItem>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let s = &caller.subject;
        let mut filter = TicketFilter {
            open: Some(true),
            ..TicketFilter::default()
        };
        let mut zone = None;
        match key {
            QueueKey::Mine => filter.assignees = mine(caller),
            QueueKey::Group(g) | QueueKey::GroupNew(g) => {
                if !(s.admin || s.in_group(g)) {
                    return Err(AppError::NotFound("queue"));
                }
                filter.groups = vec![g];
                filter.unassigned = matches!(key, QueueKey::GroupNew(_));
            }
            QueueKey::Zone(d) => {
                let mut conn = self.store().read().await?;
                let served = conn.desk_departements(me(caller)).await?;
                if !served.iter().any(|(id, _)| *id == d) {
                    return Err(AppError::NotFound("queue"));
                }
                filter.groups = s.groups.iter().map(|g| g.id).collect();
                zone = Some(d);
            }
        }
        let page = self
            .list_tickets(
                caller,
                ListQuery {
                    filter,
                    zone,
                    text: None,
                    sort,
                    after,
                    limit,
                },
            )
            .await?;
        let mine = key == QueueKey::Mine;
        Ok(items(page, mine.then(|| me(caller))))
    }

    /// Saves a named filter set for the caller. A name they already use is a conflict.
    pub async fn save_view(
        &self,
        caller: &Caller,
        name: &str,
        filters: &ViewFilters,
    ) -> Result<SavedView, AppError> {
        let (name, json) = self.checked_view(caller, name, filters).await?;
        let mut tx = self.store().write().await?;
        let view = tx
            .insert_view(me(caller), &name, &json, self.now())
            .await
            .map_err(name_taken)?;
        tx.commit().await?;
        Ok(view)
    }

    /// Renames a view or replaces its filters.
    pub async fn update_view(
        &self,
        caller: &Caller,
        id: i64,
        name: &str,
        filters: &ViewFilters,
    ) -> Result<SavedView, AppError> {
        let (name, json) = self.checked_view(caller, name, filters).await?;
        let mut tx = self.store().write().await?;
        if !tx
            .update_view(me(caller), id, &name, &json, self.now())
            .await
            .map_err(name_taken)?
        {
            return Err(AppError::NotFound("view"));
        }
        let view = tx.view_of(me(caller), id).await.or_not_found("view")?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn delete_view(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let mut tx = self.store().write().await?;
        if !tx.delete_view(me(caller), id).await? {
            return Err(AppError::NotFound("view"));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The caller's views, in name order.
    pub async fn views(&self, caller: &Caller) -> Result<Vec<SavedView>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        Ok(self.store().read().await?.views_of(me(caller)).await?)
    }

    /// One of the caller's views; another person's is not found.
    pub async fn view(&self, caller: &Caller, id: i64) -> Result<SavedView, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        self.store()
            .read()
            .await?
            .view_of(me(caller), id)
            .await
            .or_not_found("view")
    }

    /// A page of a saved view's tickets, its ages taken from now; answers the view's sort too,
    /// for the next page's cursor.
    pub async fn view_tickets(
        &self,
        caller: &Caller,
        id: i64,
        after: Option<Cursor>,
        limit: i64,
    ) -> Result<(Page<QueueItem>, Sort), AppError> {
        let view = self.view(caller, id).await?;
        let f = view_filters(&view)?;
        let sort = parse_sort(f.sort.as_deref())?;
        let (created_from, created_to) =
            age_window(f.older_than_days, f.newer_than_days, self.now());
        let filter = TicketFilter {
            statuses: f.statuses,
            open: f.open,
            groups: f.groups,
            assignees: if f.mine { mine(caller) } else { Vec::new() },
            unassigned: f.unassigned,
            establishment: f.establishment,
            applications: f.applications,
            priorities: f.priorities,
            levels: f.levels,
            created_from,
            created_to,
            ..TicketFilter::default()
        };
        let page = self
            .list_tickets(
                caller,
                ListQuery {
                    filter,
                    zone: f.zone,
                    text: None,
                    sort,
                    after,
                    limit,
                },
            )
            .await?;
        Ok((items(page, f.mine.then(|| me(caller))), sort))
    }

    async fn checked_view(
        &self,
        caller: &Caller,
        name: &str,
        filters: &ViewFilters,
    ) -> Result<(String, serde_json::Value), AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let name = parse_view_name(name)?;
        filters.validate()?;
        parse_sort(filters.sort.as_deref())?;
        let mut conn = self.store().read().await?;
        for (field, node) in [
            ("zone", filters.zone),
            ("establishment", filters.establishment),
        ] {
            if let Some(n) = node {
                conn.org_node(n)
                    .await
                    .map_err(|_| AppError::invalid(field, "invalid"))?;
            }
        }
        let json = serde_json::to_value(filters)
            .map_err(|e| AppError::Internal(format!("view filters: {e}")))?;
        Ok((name, json))
    }
}

/// A saved view's filters as stored.
pub fn view_filters(view: &SavedView) -> Result<ViewFilters, AppError> {
    serde_json::from_value(view.filters.clone())
        .map_err(|e| AppError::Internal(format!("saved view {}: {e}", view.id)))
}

/// The order a saved view lists in.
pub fn view_sort(view: &SavedView) -> Result<Sort, AppError> {
    parse_sort(view_filters(view)?.sort.as_deref())
}

fn parse_sort(sort: Option<&str>) -> Result<Sort, AppError> {
    match sort {
        None => Ok(Sort::default()),
        Some(s) => Sort::parse(s).ok_or(AppError::invalid("sort", "invalid")),
    }
}

fn name_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::conflict_on("view.name_taken", "name"),
        other => other.into(),
    }
}

fn items(page: Page<Ticket>, me: Option<PersonId>) -> Page<QueueItem> {
    Page {
        items: page
            .items
            .into_iter()
            .map(|ticket| {
                let delegated_from = match (me, ticket.assignee) {
                    (Some(me), Some(a)) if a != me => Some(a),
                    _ => None,
                };
                QueueItem {
                    ticket,
                    delegated_from,
                }
            })
            .collect(),
        next: page.next,
    }
}
