//! What an agent narrows one of their queues with on its page (status, application, level,
//! establishment, zone, age, priority), and how those filters combine with the queue's own
//! constraint. Filters only ever narrow: the caller's visibility still applies to every list
//! (through [`App::list_tickets`]), and a queue that is not the caller's is not found.

use super::{me, mine};
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use chrono::Duration;
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::org::OrgKind;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::queue::{QueueKey, ViewFilters, parse_age};
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, FieldError, OrgNodeId};
use guichet_store::org::OrgNode;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_store::view::SavedView;

/// A queue page's filters. Empty fields do not filter; the fields combine with AND, and values
/// of one field with OR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilters {
    pub statuses: Vec<Status>,
    pub applications: Vec<ApplicationId>,
    pub levels: Vec<Level>,
    pub priorities: Vec<Priority>,
    pub establishment: Option<OrgNodeId>,
    /// A node of the tree whose whole subtree is kept (a département, a circonscription…).
    pub zone: Option<OrgNodeId>,
    /// Created at least this many days ago.
    pub older_than_days: Option<i64>,
}

impl QueueFilters {
    /// Checks what needs no database: the age.
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(d) = self.older_than_days {
            parse_age("older_than_days", d)?;
        }
        Ok(())
    }
}

/// A queue with its filters applied: the list's filter and zone, or nothing at all when the
/// zone chosen lies outside a "my zone" queue's département.
pub(super) struct Scope {
    pub filter: TicketFilter,
    pub zone: Option<OrgNodeId>,
    pub empty: bool,
}

impl App {
    /// The queue `key` of the caller narrowed by `filters`. A group the caller does not work in,
    /// or a zone their desks do not serve, is not one of their queues (administrators list any
    /// group); an unknown establishment or zone is a wrong field.
    pub(super) async fn queue_scope(
        &self,
        caller: &Caller,
        key: QueueKey,
        filters: &QueueFilters,
    ) -> Result<Scope, AppError> {
        filters.validate()?;
        let s = &caller.subject;
        let mut conn = self.store().read().await?;
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
                let served = conn.desk_departements(me(caller)).await?;
                if !served.iter().any(|(id, _)| *id == d) {
                    return Err(AppError::NotFound("queue"));
                }
                filter.groups = s.groups.iter().map(|g| g.id).collect();
                zone = Some(d);
            }
        }
        filter.statuses.clone_from(&filters.statuses);
        filter.applications.clone_from(&filters.applications);
        filter.levels.clone_from(&filters.levels);
        filter.priorities.clone_from(&filters.priorities);
        if let Some(e) = filters.establishment {
            conn.org_node(e)
                .await
                .map_err(|_| AppError::invalid("establishment", "invalid"))?;
            filter.establishment = Some(e);
        }
        filter.created_to = filters
            .older_than_days
            .map(|d| self.now() - Duration::days(d));
        let mut empty = false;
        if let Some(z) = filters.zone {
            let wanted = conn
                .org_node(z)
                .await
                .map_err(|_| AppError::invalid("zone", "invalid"))?;
            zone = match zone {
                None => Some(z),
                // One zone per list: the narrower of the two, or none at all when they are apart.
                Some(d) => {
                    let queue_zone = conn.org_node(d).await.or_not_found("queue")?;
                    if queue_zone.path.contains(&wanted.path) {
                        Some(z)
                    } else {
                        empty = !wanted.path.contains(&queue_zone.path);
                        Some(d)
                    }
                }
            };
        }
        Ok(Scope {
            filter,
            zone,
            empty,
        })
    }

    /// The caller's queue `key` narrowed by `filters`, in `sort` order, as a saved view's filters:
    /// what "save these filters as a view" keeps.
    pub async fn queue_as_view(
        &self,
        caller: &Caller,
        key: QueueKey,
        filters: &QueueFilters,
        sort: Sort,
    ) -> Result<ViewFilters, AppError> {
        let scope = self.queue_scope(caller, key, filters).await?;
        if scope.empty {
            return Err(AppError::invalid("zone", "zone.outside_queue"));
        }
        let f = scope.filter;
        Ok(ViewFilters {
            statuses: f.statuses,
            open: f.open,
            groups: f.groups,
            mine: key == QueueKey::Mine,
            unassigned: f.unassigned,
            applications: f.applications,
            levels: f.levels,
            priorities: f.priorities,
            establishment: f.establishment,
            zone: scope.zone,
            older_than_days: filters.older_than_days,
            newer_than_days: None,
            sort: Some(sort.as_str().to_owned()),
        })
    }
}

impl App {
    /// Keeps the queue `key` narrowed by `filters`, in `sort` order, as the caller's view `name`.
    pub async fn save_queue_view(
        &self,
        caller: &Caller,
        key: QueueKey,
        filters: &QueueFilters,
        sort: Sort,
        name: &str,
    ) -> Result<SavedView, AppError> {
        let view = self.queue_as_view(caller, key, filters, sort).await?;
        self.save_view(caller, name, &view).await
    }
}

/// The most zones a queue page offers of each kind.
const ZONE_CHOICES: i64 = 500;

impl App {
    /// The zones a queue page offers as a filter: the départements, then the circonscriptions,
    /// each in name order. Agents and administrators only.
    pub async fn zone_choices(&self, caller: &Caller) -> Result<Vec<OrgNode>, AppError> {
        may_global(&caller.subject, GlobalAction::WorkQueues)?;
        let mut conn = self.store().read().await?;
        let mut out = Vec::new();
        for kind in [OrgKind::Departement, OrgKind::Circonscription] {
            out.extend(
                conn.list_org_nodes(Some(kind), None, None, None, ZONE_CHOICES)
                    .await?,
            );
        }
        Ok(out)
    }
}
