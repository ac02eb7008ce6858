//! Ticket lists: filters, the reader's visibility, sort and keyset pagination, French search.
//!
//! Every list ends its index with `id`, and every page continues from the last row seen
//! (`(sort key, id) < (…)`), so the thousandth page costs what the first does.

use super::{COLUMNS, Ticket, from_row};
use crate::conn::on;
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError};
use chrono::{DateTime, Utc};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::org::{OrgKind, Zone};
use guichet_core::permission::Visibility;
use guichet_core::ticket::{Priority, TicketType};
use guichet_core::{ApplicationId, GroupId, OrgNodeId, PersonId};

mod pg_search;
mod pg_windows;

/// The bounds of PostgreSQL's search plan (see `pg_search`): it sorts the matches itself when at
/// most `SEARCH_FEW_MATCHES` tickets match, walks the first `SEARCH_FIRST_WINDOW` ids of a list
/// sorted by id the planner's way, and leaves a filter keeping at most `SEARCH_NARROW` tickets to
/// the planner. Tests load more tickets than each to reach every step.
pub use pg_search::{
    FEW as SEARCH_FEW_MATCHES, FIRST_WINDOW as SEARCH_FIRST_WINDOW, NARROW as SEARCH_NARROW,
};

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub statuses: Vec<Status>,
    /// Only open (or only finished) tickets.
    pub open: Option<bool>,
    pub groups: Vec<GroupId>,
    pub assignee: Option<PersonId>,
    /// Assigned to any of these (an agent and the absent colleagues they stand in for).
    pub assignees: Vec<PersonId>,
    /// Only tickets nobody is assigned to.
    pub unassigned: bool,
    pub requester: Option<PersonId>,
    pub establishment: Option<OrgNodeId>,
    pub zone: Option<Zone>,
    pub applications: Vec<ApplicationId>,
    pub types: Vec<TicketType>,
    pub priorities: Vec<Priority>,
    pub levels: Vec<Level>,
    /// Stems from `guichet_core::search::query_terms`; all must match.
    pub terms: Vec<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    NewestFirst,
    OldestFirst,
    RecentlyUpdated,
    LeastRecentlyUpdated,
    HighestPriority,
    LowestPriority,
}

impl Sort {
    pub const ALL: [(Sort, &'static str); 6] = [
        (Sort::NewestFirst, "-created"),
        (Sort::OldestFirst, "created"),
        (Sort::RecentlyUpdated, "-updated"),
        (Sort::LeastRecentlyUpdated, "updated"),
        (Sort::HighestPriority, "-priority"),
        (Sort::LowestPriority, "priority"),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(sort, _)| *sort)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("-created", |(_, n)| n)
    }

    fn descending(self) -> bool {
        matches!(
            self,
            Self::NewestFirst | Self::RecentlyUpdated | Self::HighestPriority
        )
    }
}

/// Where the next page starts: the sort key and id of the last ticket of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Id(i64),
    Updated(DateTime<Utc>, i64),
    Priority(i16, i64),
}

impl Cursor {
    fn for_ticket(sort: Sort, t: &Ticket) -> Self {
        match sort {
            Sort::NewestFirst | Sort::OldestFirst => Self::Id(t.id.0),
            Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated => {
                Self::Updated(t.updated_at, t.id.0)
            }
            Sort::HighestPriority | Sort::LowestPriority => {
                Self::Priority(t.priority.rank(), t.id.0)
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` on the last page.
    pub next: Option<Cursor>,
}

/// The tickets of a zone: the column that names the zone's node when there is one, else a range
/// of paths.
fn push_zone(sql: &mut Sql, zone: &Zone) {
    match zone.kind {
        OrgKind::Departement => {
            sql.push("t.departement_id = ").arg(Arg::I64(zone.node.0));
        }
        OrgKind::Circonscription => {
            sql.push("t.circonscription_id = ")
                .arg(Arg::I64(zone.node.0));
        }
        OrgKind::Etablissement => {
            sql.push("t.establishment_id = ").arg(Arg::I64(zone.node.0));
        }
        OrgKind::Academie | OrgKind::Partner => {
            let (start, end) = zone.path.subtree_range();
            sql.push("(t.org_path >= ")
                .arg(Arg::Text(start))
                .push(" AND t.org_path < ")
                .arg(Arg::Text(end))
                .push(")");
        }
    }
}

fn push_visibility(sql: &mut Sql, v: &Visibility) {
    if v.all {
        return;
    }
    let me = v.person.0;
    sql.push(" AND (t.requester_id = ")
        .arg(Arg::I64(me))
        .push(" OR t.assignee_id = ")
        .arg(Arg::I64(me))
        .push(" OR t.id IN (SELECT w.ticket_id FROM ticket_watcher w WHERE w.person_id = ")
        .arg(Arg::I64(me))
        .push(")");
    if !v.establishments.is_empty() {
        sql.push(" OR t.establishment_id IN ")
            .list(v.establishments.iter().map(|e| Arg::I64(e.0)));
    }
    for zone in &v.zones {
        sql.push(" OR ");
        push_zone(sql, zone);
    }
    if !v.groups.is_empty() {
        sql.push(" OR t.group_id IN ")
            .list(v.groups.iter().map(|g| Arg::I64(g.0)));
    }
    if !v.assignees.is_empty() {
        sql.push(" OR t.assignee_id IN ")
            .list(v.assignees.iter().map(|p| Arg::I64(p.0)));
    }
    sql.push(")");
}

fn push_in<T>(sql: &mut Sql, column: &str, values: &[T], arg: impl Fn(&T) -> Arg) {
    if !values.is_empty() {
        sql.push(" AND ")
            .push(column)
            .push(" IN ")
            .list(values.iter().map(arg));
    }
}

/// Which tickets a list's words leave, as SQL appended to its conditions.
enum Words<'a> {
    /// No words: every ticket.
    Any,
    /// SQLite: FTS5's index.
    Fts(&'a [String]),
    /// PostgreSQL: the tickets whose vector matches the `tsquery` text, found as the planner
    /// sees fit; only those with `lo <= id < hi` when a window is given.
    Vector(&'a str, Option<(i64, i64)>),
    /// PostgreSQL: these tickets, whose words are known to match.
    Ids(&'a [i64]),
}

/// The query of one page: the filter, the words, the reader's visibility, the sort and the
/// cursor, at most `rows` tickets.
fn page_sql(
    filter: &TicketFilter,
    words: Words<'_>,
    visibility: &Visibility,
    sort: Sort,
    after: Option<&Cursor>,
    rows: i64,
) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM ticket t WHERE 1 = 1"));
    push_filter(&mut sql, filter);
    match words {
        Words::Any => {}
        Words::Fts(terms) => {
            let query = terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>();
            sql.push(" AND t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ")
                .arg(Arg::Text(query.join(" ")))
                .push(")");
        }
        Words::Vector(tsquery, window) => {
            sql.push(" AND t.id IN (SELECT s.ticket_id FROM ticket_search s WHERE s.vec @@ to_tsquery('simple', ")
                .arg(Arg::Text(tsquery.to_owned()))
                .push(")");
            // The window on both sides, so that whichever table the planner walks, it walks
            // only the window.
            if let Some((lo, hi)) = window {
                sql.push(" AND s.ticket_id >= ")
                    .arg(Arg::I64(lo))
                    .push(" AND s.ticket_id < ")
                    .arg(Arg::I64(hi))
                    .push(") AND t.id >= ")
                    .arg(Arg::I64(lo))
                    .push(" AND t.id < ")
                    .arg(Arg::I64(hi));
            } else {
                sql.push(")");
            }
        }
        // The candidates are known: the planner looks each one up by key, then filters and
        // sorts them, whatever the sort and the page.
        Words::Ids(ids) => {
            sql.push(" AND t.id = ANY(CAST(")
                .arg(Arg::Text(pg_search::id_array(ids)))
                .push(" AS BIGINT[]))");
        }
    }
    push_visibility(&mut sql, visibility);
    push_order(&mut sql, sort, after);
    sql.push(" LIMIT ").arg(Arg::I64(rows));
    sql
}

/// The ids of the filter's tickets (its words and the reader's visibility left out, so that the
/// filter's own index answers, often without reading the table): with `window`, only
/// `lo <= id < hi`, in id order (newest first or not); at most `rows`.
fn filter_ids_sql(
    filter: &TicketFilter,
    window: Option<(i64, i64)>,
    newest_first: bool,
    rows: i64,
) -> Sql {
    let mut sql = Sql::new("SELECT t.id FROM ticket t WHERE 1 = 1");
    push_filter(&mut sql, filter);
    if let Some((lo, hi)) = window {
        sql.push(" AND t.id >= ")
            .arg(Arg::I64(lo))
            .push(" AND t.id < ")
            .arg(Arg::I64(hi));
    }
    sql.push(if newest_first {
        " ORDER BY t.id DESC"
    } else {
        " ORDER BY t.id ASC"
    });
    sql.push(" LIMIT ").arg(Arg::I64(rows));
    sql
}

/// How many tickets the filter keeps (its words and the reader's visibility left out), counted
/// up to `bound` only.
fn filter_count_sql(filter: &TicketFilter, bound: i64) -> Sql {
    let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM ticket t WHERE 1 = 1");
    push_filter(&mut sql, filter);
    sql.push(" LIMIT ").arg(Arg::I64(bound)).push(") AS kept");
    sql
}

/// Every condition of the filter but its words.
fn push_filter(sql: &mut Sql, filter: &TicketFilter) {
    push_in(sql, "t.status", &filter.statuses, |s| {
        Arg::Text(s.as_str().into())
    });
    if let Some(open) = filter.open {
        sql.push(" AND t.is_open = ").arg(Arg::Bool(open));
    }
    push_in(sql, "t.group_id", &filter.groups, |g| Arg::I64(g.0));
    if let Some(a) = filter.assignee {
        sql.push(" AND t.assignee_id = ").arg(Arg::I64(a.0));
    }
    push_in(sql, "t.assignee_id", &filter.assignees, |p| Arg::I64(p.0));
    if filter.unassigned {
        sql.push(" AND t.assignee_id IS NULL");
    }
    if let Some(r) = filter.requester {
        sql.push(" AND t.requester_id = ").arg(Arg::I64(r.0));
    }
    if let Some(e) = filter.establishment {
        sql.push(" AND t.establishment_id = ").arg(Arg::I64(e.0));
    }
    if let Some(zone) = &filter.zone {
        sql.push(" AND ");
        push_zone(sql, zone);
    }
    push_in(sql, "t.application_id", &filter.applications, |a| {
        Arg::I64(a.0)
    });
    push_in(sql, "t.type", &filter.types, |t| {
        Arg::Text(t.as_str().into())
    });
    push_in(sql, "t.priority", &filter.priorities, |p| {
        Arg::I16(p.rank())
    });
    push_in(sql, "t.level", &filter.levels, |l| Arg::I16(l.as_i16()));
    if let Some(from) = filter.created_from {
        sql.push(" AND t.created_at >= ")
            .arg(Arg::Ts(crate::ts(from)));
    }
    if let Some(to) = filter.created_to {
        sql.push(" AND t.created_at < ").arg(Arg::Ts(crate::ts(to)));
    }
}

/// The keyset condition of the page after `after`, then the order.
fn push_order(sql: &mut Sql, sort: Sort, after: Option<&Cursor>) {
    let (cmp, dir) = if sort.descending() {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    match after {
        None => {}
        Some(Cursor::Id(id)) => {
            sql.push(&format!(" AND t.id {cmp} ")).arg(Arg::I64(*id));
        }
        Some(Cursor::Updated(at, id)) => {
            sql.push(&format!(" AND (t.updated_at, t.id) {cmp} ("))
                .arg(Arg::Ts(*at))
                .push(", ")
                .arg(Arg::I64(*id))
                .push(")");
        }
        Some(Cursor::Priority(p, id)) => {
            sql.push(&format!(" AND (t.priority, t.id) {cmp} ("))
                .arg(Arg::I16(*p))
                .push(", ")
                .arg(Arg::I64(*id))
                .push(")");
        }
    }
    let order = match sort {
        Sort::NewestFirst | Sort::OldestFirst => format!(" ORDER BY t.id {dir}"),
        Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated => {
            format!(" ORDER BY t.updated_at {dir}, t.id {dir}")
        }
        Sort::HighestPriority | Sort::LowestPriority => {
            format!(" ORDER BY t.priority {dir}, t.id {dir}")
        }
    };
    sql.push(&order);
}

impl Conn {
    /// One page of the tickets `visibility` lets the reader see, filtered and sorted.
    pub async fn list_tickets(
        &mut self,
        filter: &TicketFilter,
        visibility: &Visibility,
        sort: Sort,
        after: Option<&Cursor>,
        limit: i64,
    ) -> Result<Page<Ticket>, StoreError> {
        let mut items = if filter.terms.is_empty() {
            let sql = page_sql(filter, Words::Any, visibility, sort, after, limit + 1);
            self.fetch_tickets(sql, true).await?
        } else if self.is_sqlite() {
            let words = Words::Fts(&filter.terms);
            let sql = page_sql(filter, words, visibility, sort, after, limit + 1);
            self.fetch_tickets(sql, true).await?
        } else {
            pg_search::search(self, filter, visibility, sort, after, limit + 1).await?
        };
        let more = items.len() as i64 > limit;
        items.truncate(usize::try_from(limit).unwrap_or(0));
        let next = if more {
            items.last().map(|t| Cursor::for_ticket(sort, t))
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Runs a query of ids (`filter_ids_sql`), planned afresh like a search's.
    async fn fetch_ids(&mut self, sql: Sql) -> Result<Vec<i64>, StoreError> {
        Ok(on!(self, |c| {
            let q = bind_all!(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.text)),
                sql.args
            );
            q.persistent(false).fetch_all(c).await?
        }))
    }

    /// Runs a page's query. A search's is planned afresh each time (`persistent: false`): a
    /// prepared statement's generic plan would not know how common the words are, which is what
    /// the plan depends on.
    async fn fetch_tickets(
        &mut self,
        sql: Sql,
        persistent: bool,
    ) -> Result<Vec<Ticket>, StoreError> {
        Ok(on!(self, |c| {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.persistent(persistent)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect::<Result<_, StoreError>>()?
        }))
    }
}
