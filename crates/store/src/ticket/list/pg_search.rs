//! PostgreSQL's search plan: how a list with words finds its tickets fast whatever the words'
//! frequency and age, and whatever the filter keeps.
//!
//! Left to itself, the planner answers `ORDER BY id DESC LIMIT 51` by walking the tickets
//! backwards and testing each one's `tsvector`: instant for a common word, a walk through most of
//! the table for a rare one or one nobody used lately (0.5–1.5 s at 1M tickets). Fetching every
//! match through the GIN index and sorting them is the opposite: instant for a rare word, slow for
//! a common one (40,000 matches: 0.2–0.7 s). The planner's estimates cannot tell the cases apart,
//! so the store bounds every step instead:
//!
//! 0. one school's, requester's or assignee's tickets are walked by the planner through their
//!    index, each one's words tested (5,345 tickets for the busiest school at 1M); any other
//!    filter's tickets are counted through its own index, up to [`NARROW`], and walked the same
//!    way when it keeps at most that many (a small queue). The count, not the kind of filter,
//!    decides there: an open queue of 44,000 tickets is no narrower than the whole table;
//! 1. sorted by id (the default order), the next [`FIRST_WINDOW`] ids first, the planner's way:
//!    a common word fills its page there at once;
//! 2. then the GIN index is asked for at most [`FEW`] + 1 matches beyond (in another order: for
//!    all matches). At most [`FEW`]: their ids are the candidates, looked up by key, then
//!    filtered and sorted, whatever the sort and the page;
//! 3. more, sorted by id: windows of consecutive ids (`pg_windows`), in each the cheaper of the
//!    filter's tickets there (tested one by one) and the word's matches there (through GIN and
//!    the primary key's range), until the page is full; in another order: the planner's own plan,
//!    walking the sort's index (migration 0014 gives the open or finished tickets, and a group's,
//!    one by last update) and testing each ticket's words.
//!
//! This module must not decide who may read what: the caller's filters and visibility apply to
//! every candidate, through [`page_sql`].

use super::{Cursor, Sort, Ticket, TicketFilter, Words, filter_count_sql, page_sql, pg_windows};
use crate::conn::Raw;
use crate::{Conn, StoreError};
use guichet_core::permission::Visibility;
use sqlx::PgConnection;

/// Up to this many matching tickets, the search sorts the matches itself. Sized from the
/// 1M-ticket benchmark (`bench/README.md`): fetching this many ids through GIN and looking up
/// their tickets costs a few milliseconds.
pub const FEW: i64 = 1000;

/// The ids searched first, the planner's way, for a list sorted by id.
pub const FIRST_WINDOW: i64 = 1024;

/// A filter keeping at most this many tickets is walked by the planner, each ticket's words
/// tested: a few milliseconds at 1M tickets (`bench/README.md`: 5 µs or so a ticket).
pub const NARROW: i64 = 2048;

/// Ids `lo <= id < hi`.
pub(super) type Window = (i64, i64);

/// What the GIN index says about a search's words.
#[derive(Debug)]
pub(super) enum Matches {
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

pub(super) fn pg(conn: &mut Conn) -> Result<&mut PgConnection, StoreError> {
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
    if narrow(conn, filter).await? {
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
        return pg_windows::by_id(conn, filter, &tsquery, visibility, sort, after, rows).await;
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

/// Whether the filter keeps at most [`NARROW`] tickets, counted through its own index (its
/// words and the reader's visibility left out, so the count is an upper bound): then the
/// planner walking them and testing each one's words is bounded.
async fn narrow(conn: &mut Conn, filter: &TicketFilter) -> Result<bool, StoreError> {
    // One person's or one school's tickets: a few thousand at 1M tickets (5,345 for the
    // busiest school), which the walk crosses in 15–45 ms, where windows took more queries.
    if filter.establishment.is_some()
        || filter.requester.is_some()
        || filter.assignee.is_some()
        || !filter.assignees.is_empty()
    {
        return Ok(true);
    }
    let kept = conn
        .fetch_ids(filter_count_sql(filter, NARROW + 1))
        .await?
        .first()
        .copied()
        .unwrap_or(0);
    Ok(kept <= NARROW)
}

/// Asks the GIN index for at most [`FEW`] + 1 tickets of `window` whose words match. With
/// `by_key`, the window is read from the primary key too (cheap for a small window); without,
/// only from the matches (cheap when they are few).
pub(super) async fn matches(
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
