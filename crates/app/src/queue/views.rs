//! Saved views: named filter sets an agent keeps (their own only), and the tickets of one.

use super::{QueueItem, me, mine};
use crate::error::NotFoundAs;
use crate::ticket::ListQuery;
use crate::{App, AppError, Caller};
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::queue::{ViewFilters, age_window, parse_view_name};
use guichet_store::StoreError;
use guichet_store::ticket::list::{Cursor, Page, Sort, TicketFilter};
use guichet_store::view::SavedView;

impl App {
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
        let page = self.with_names(page, f.mine.then(|| me(caller))).await?;
        Ok((page, sort))
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
