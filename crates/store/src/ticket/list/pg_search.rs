//! PostgreSQL's search plan: how a list with words finds its tickets fast whatever the words'
//! frequency and age.
//!
//! Left to itself, the planner answers `ORDER BY id DESC LIMIT 51` by walking the tickets
//! backwards and testing each one's `tsvector`: instant for a common word, a walk through most of
//! the table for a rare one or one nobody used lately (0.5–1.5 s at 1M tickets). Fetching every
//! match through the GIN index and sorting them is the opposite: instant for a rare word, slow for
//! a common one (40,000 matches: 0.2–0.7 s). The planner's estimates cannot tell the cases apart,
//! so the store asks the GIN index first, with a bound:
//!
//! - sorted by id (the default order): ids are taken in windows of consecutive ids from the
//!   cursor on, a small one first, then four times larger each; a window's matches (at most
//!   [`FEW`], else the window shrinks) are the candidates of that part of the page, looked up by
//!   key, until the page is full. A common word fills the page from the first window, a rare one
//!   costs a few windows. The GIN index gives the matches, the BRIN index on `ticket_id`
//!   (migration 0004) the window's pages, so a window costs what its matches cost;
//! - in another order, at most [`FEW`] matching tickets: their ids are the candidates; any sort,
//!   filter, visibility and page then costs at most [`FEW`] key lookups;
//! - in another order, more: the planner's own plan, which finds a common word's tickets fast.
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
pub const FEW: i64 = 2000;

/// The first window of ids searched for a common word, and the smallest one.
const FIRST_WINDOW: i64 = 4096;
const SMALLEST_WINDOW: i64 = 256;

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
    if matches!(sort, Sort::NewestFirst | Sort::OldestFirst) {
        return by_windows(conn, filter, &tsquery, visibility, sort, after, rows).await;
    }
    let words = match matches(pg(conn)?, &tsquery, None).await? {
        Matches::Few(ids) if ids.is_empty() => return Ok(Vec::new()),
        Matches::Few(ids) => {
            let sql = page_sql(filter, Words::Ids(&ids), visibility, sort, after, rows);
            return conn.fetch_tickets(sql, false).await;
        }
        Matches::Many => Words::Vector(&tsquery),
    };
    let sql = page_sql(filter, words, visibility, sort, after, rows);
    conn.fetch_tickets(sql, false).await
}

/// Ids `lo <= id < hi`.
type Window = (i64, i64);

/// The page of a common word sorted by id: window after window of ids from the cursor on,
/// each window's matches fetched through GIN and then filtered like any candidates.
async fn by_windows(
    conn: &mut Conn,
    filter: &TicketFilter,
    tsquery: &str,
    visibility: &Visibility,
    sort: Sort,
    after: Option<&Cursor>,
    rows: i64,
) -> Result<Vec<Ticket>, StoreError> {
    let newest_first = sort == Sort::NewestFirst;
    let (first, last): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(MIN(ticket_id), 0), COALESCE(MAX(ticket_id), 0) FROM ticket_search",
    )
    .fetch_one(pg(conn)?)
    .await?;
    // The ids still to search, [lo, hi).
    let (mut lo, mut hi) = (first, last + 1);
    if let Some(Cursor::Id(id)) = after {
        if newest_first {
            hi = hi.min(*id);
        } else {
            lo = lo.max(*id + 1);
        }
    }
    let mut found = Vec::new();
    let mut size = FIRST_WINDOW;
    while lo < hi && (found.len() as i64) < rows {
        let window: Window = if newest_first {
            ((hi - size).max(lo), hi)
        } else {
            (lo, (lo + size).min(hi))
        };
        let ids = match matches(pg(conn)?, tsquery, Some(window)).await? {
            Matches::Many if size > SMALLEST_WINDOW => {
                size /= 4;
                continue;
            }
            // Even the smallest window has more matches than FEW: a word in (nearly) every
            // ticket, whose page the planner's own walk finds at once.
            Matches::Many => {
                let words = Words::Vector(tsquery);
                let sql = page_sql(filter, words, visibility, sort, after, rows);
                return conn.fetch_tickets(sql, false).await;
            }
            Matches::Few(ids) => ids,
        };
        if !ids.is_empty() {
            let need = rows - found.len() as i64;
            let sql = page_sql(filter, Words::Ids(&ids), visibility, sort, after, need);
            found.extend(conn.fetch_tickets(sql, false).await?);
        }
        if newest_first {
            hi = window.0;
        } else {
            lo = window.1;
        }
        size = size.saturating_mul(4);
    }
    Ok(found)
}

/// Asks the GIN index for at most [`FEW`] + 1 matching tickets, in `window` if given.
async fn matches(
    c: &mut PgConnection,
    tsquery: &str,
    window: Option<Window>,
) -> Result<Matches, StoreError> {
    let (lo, hi) = window.unwrap_or((i64::MIN, i64::MAX));
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT s.ticket_id FROM ticket_search s \
         WHERE s.vec @@ to_tsquery('simple', $1) AND s.ticket_id >= $2 AND s.ticket_id < $3 \
         LIMIT $4",
    )
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
