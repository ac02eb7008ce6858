//! PostgreSQL's search plan: how a list with words finds its tickets fast whatever the words'
//! frequency and age.
//!
//! Left to itself, the planner answers `ORDER BY id DESC LIMIT 51` by walking the tickets
//! backwards and testing each one's `tsvector`: instant for a common word, a walk through most of
//! the table for a rare one or one nobody used lately (0.5–1.5 s at 1M tickets). Fetching every
//! match through the GIN index and sorting them is the opposite: instant for a rare word, slow for
//! a common one (40,000 matches: 0.2–0.7 s). The planner's estimates cannot tell the cases apart,
//! so the store bounds every step instead. A filter with an index of its own that usually keeps
//! few tickets (a school, a requester, an assignee, an open queue) bounds the planner's walk
//! already, and the planner's plan is kept (not bounded enough when the set is large: an open
//! queue of 44,000 tickets takes 0.3–0.5 s, see `bench/README.md`). Otherwise:
//!
//! 1. sorted by id (the default order), the next [`FIRST_WINDOW`] ids first, the planner's way:
//!    a common word fills its page there at once;
//! 2. then the GIN index is asked for at most [`FEW`] + 1 matches beyond (in another order: for
//!    all matches). At most [`FEW`]: their ids are the candidates, looked up by key, then
//!    filtered and sorted, whatever the sort and the page;
//! 3. more, sorted by id: windows of consecutive ids, each's matches (at most [`FEW`], else the
//!    window shrinks) fetched through GIN and the primary key's range, until the page is full;
//!    in another order: the planner's own plan, which finds a common word's tickets fast.
//!
//! This module must not decide who may read what: the caller's filters and visibility apply to
//! every candidate, through [`page_sql`].

use super::{Cursor, Sort, Ticket, TicketFilter, Words, page_sql};
use crate::conn::Raw;
use crate::{Conn, StoreError};
use guichet_core::permission::Visibility;
use sqlx::PgConnection;

/// Up to this many matching tickets, the search sorts the matches itself. Sized from the
/// 1M-ticket benchmark (`bench/README.md`): fetching this many ids through GIN and looking up
/// their tickets costs a few milliseconds.
pub const FEW: i64 = 1000;

/// The ids searched first, the planner's way, for a list sorted by id.
pub const FIRST_WINDOW: i64 = 4096;
/// The windows of step 3: from the first size, four times larger each up to the largest, whose
/// key range the primary key still reads in a few milliseconds; four times smaller when a window
/// has more than [`FEW`] matches.
const WINDOWS: (i64, i64) = (16_384, 65_536);

/// Ids `lo <= id < hi`.
type Window = (i64, i64);

/// What the GIN index says about a search's words.
#[derive(Debug)]
enum Matches {
    /// Every ticket whose terms match, at most [`FEW`] of them (none, perhaps).
    Few(Vec<i64>),
    /// More than [`FEW`] tickets match.
    Many,
}

/// The `to_tsquery('simple', …)` text for stems that must all match. The stems come from
/// `guichet_core::search::query_terms` and are alphanumeric, so they carry no tsquery operator.
fn tsquery(terms: &[String]) -> String {
    terms.join(" & ")
}

fn pg(conn: &mut Conn) -> Result<&mut PgConnection, StoreError> {
    match conn.raw() {
        Raw::Postgres(c) => Ok(c),
        Raw::Sqlite(_) => Err(StoreError::Other("PostgreSQL search on SQLite".into())),
    }
}

/// At most `rows` tickets of the page after `after` whose words match, on PostgreSQL.
pub(super) async fn search(
    conn: &mut Conn,
    filter: &TicketFilter,
    visibility: &Visibility,
    sort: Sort,
    after: Option<&Cursor>,
    rows: i64,
) -> Result<Vec<Ticket>, StoreError> {
    let tsquery = tsquery(&filter.terms);
    if narrow(filter) {
        let sql = page_sql(
            filter,
            Words::Vector(&tsquery, None),
            visibility,
            sort,
            after,
            rows,
        );
        return conn.fetch_tickets(sql, false).await;
    }
    if matches!(sort, Sort::NewestFirst | Sort::OldestFirst) {
        return by_id(conn, filter, &tsquery, visibility, sort, after, rows).await;
    }
    let all = (i64::MIN, i64::MAX);
    let words = match matches(pg(conn)?, &tsquery, all, false).await? {
        Matches::Few(ids) if ids.is_empty() => return Ok(Vec::new()),
        Matches::Few(ids) => {
            let sql = page_sql(filter, Words::Ids(&ids), visibility, sort, after, rows);
            return conn.fetch_tickets(sql, false).await;
        }
        Matches::Many => Words::Vector(&tsquery, None),
    };
    let sql = page_sql(filter, words, visibility, sort, after, rows);
    conn.fetch_tickets(sql, false).await
}

/// Whether the filter keeps few enough tickets, through an index of its own, that the planner
/// walking that index and testing each ticket's words is bounded: one school's, one requester's
/// or assignee's (or delegator's) tickets, an open queue.
fn narrow(filter: &TicketFilter) -> bool {
    filter.establishment.is_some()
        || filter.requester.is_some()
        || filter.assignee.is_some()
        || !filter.assignees.is_empty()
        || (!filter.groups.is_empty() && filter.open == Some(true))
}

/// The ids left to search, `[lo, hi)`, from the cursor on.
struct Rest {
    lo: i64,
    hi: i64,
    newest_first: bool,
}

impl Rest {
    /// The next `size` ids in the list's order.
    fn next(&self, size: i64) -> Window {
        if self.newest_first {
            ((self.hi - size).max(self.lo), self.hi)
        } else {
            (self.lo, (self.lo + size).min(self.hi))
        }
    }

    /// Leaves out a window taken with [`Rest::next`].
    fn take(&mut self, window: Window) {
        if self.newest_first {
            self.hi = window.0;
        } else {
            self.lo = window.1;
        }
    }

    fn is_empty(&self) -> bool {
        self.lo >= self.hi
    }
}

/// A page sorted by id (steps 1 to 3 of the module's header).
async fn by_id(
    conn: &mut Conn,
    filter: &TicketFilter,
    tsquery: &str,
    visibility: &Visibility,
    sort: Sort,
    after: Option<&Cursor>,
    rows: i64,
) -> Result<Vec<Ticket>, StoreError> {
    let (first, last): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(MIN(ticket_id), 0), COALESCE(MAX(ticket_id), 0) FROM ticket_search",
    )
    .fetch_one(pg(conn)?)
    .await?;
    let mut rest = Rest {
        lo: first,
        hi: last + 1,
        newest_first: sort == Sort::NewestFirst,
    };
    if let Some(Cursor::Id(id)) = after {
        if rest.newest_first {
            rest.hi = rest.hi.min(*id);
        } else {
            rest.lo = rest.lo.max(*id + 1);
        }
    }
    let page = |words: Words<'_>, rows| page_sql(filter, words, visibility, sort, after, rows);

    // 1. The planner's walk, bounded to the first window.
    let window = rest.next(FIRST_WINDOW);
    let mut found = conn
        .fetch_tickets(page(Words::Vector(tsquery, Some(window)), rows), false)
        .await?;
    rest.take(window);
    if found.len() as i64 >= rows || rest.is_empty() {
        return Ok(found);
    }

    // 2. Few matches left: they are the candidates.
    let ids = match matches(pg(conn)?, tsquery, (rest.lo, rest.hi), false).await? {
        Matches::Few(ids) => Some(ids),
        Matches::Many => None,
    };
    if let Some(ids) = ids {
        if !ids.is_empty() {
            let need = rows - found.len() as i64;
            found.extend(
                conn.fetch_tickets(page(Words::Ids(&ids), need), false)
                    .await?,
            );
        }
        return Ok(found);
    }

    // 3. Many: window after window.
    let (mut size, largest) = WINDOWS;
    while !rest.is_empty() && (found.len() as i64) < rows {
        let window = rest.next(size);
        let ids = match matches(pg(conn)?, tsquery, window, true).await? {
            // A window of at most FEW ids cannot have more matches, so this ends.
            Matches::Many => {
                size = (size / 4).max(1);
                continue;
            }
            Matches::Few(ids) => ids,
        };
        if !ids.is_empty() {
            let need = rows - found.len() as i64;
            found.extend(
                conn.fetch_tickets(page(Words::Ids(&ids), need), false)
                    .await?,
            );
        }
        rest.take(window);
        size = (size * 4).min(largest);
    }
    Ok(found)
}

/// Asks the GIN index for at most [`FEW`] + 1 tickets of `window` whose words match. With
/// `by_key`, the window is read from the primary key too (cheap for a small window); without,
/// only from the matches (cheap when they are few).
async fn matches(
    c: &mut PgConnection,
    tsquery: &str,
    (lo, hi): Window,
    by_key: bool,
) -> Result<Matches, StoreError> {
    // `+ 0` keeps the planner from reading a large range of the primary key to intersect it.
    let id = if by_key {
        "s.ticket_id"
    } else {
        "s.ticket_id + 0"
    };
    let sql = format!(
        "SELECT s.ticket_id FROM ticket_search s \
         WHERE s.vec @@ to_tsquery('simple', $1) AND {id} >= $2 AND {id} < $3 LIMIT $4"
    );
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(tsquery)
        .bind(lo)
        .bind(hi)
        .bind(FEW + 1)
        .persistent(false)
        .fetch_all(c)
        .await?;
    if ids.len() as i64 > FEW {
        Ok(Matches::Many)
    } else {
        Ok(Matches::Few(ids))
    }
}

/// The ids as a PostgreSQL array literal (`{1,2,3}`), bound as one text parameter and cast to
/// `BIGINT[]`: one placeholder whatever the number of candidates.
pub(super) fn id_array(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 8 + 2);
    out.push('{');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_an_array_literal() {
        assert_eq!(id_array(&[]), "{}");
        assert_eq!(id_array(&[7]), "{7}");
        assert_eq!(id_array(&[3, 1, 20]), "{3,1,20}");
    }

    #[test]
    fn every_stem_must_match() {
        assert_eq!(tsquery(&["ecran".into(), "noir".into()]), "ecran & noir");
    }
}
