//! PostgreSQL's search sorted by id when the filter keeps many tickets (steps 1 to 3 of
//! `pg_search`): the first window the planner's way, then the few matches left, then window
//! after window of consecutive ids.
//!
//! In each window of step 3 the store takes the cheaper side, each bounded: the filter's own
//! tickets there (their ids through the filter's index, at most [`PROBE`]) whose words are then
//! tested one by one through the search table's primary key; or, when the filter keeps more there,
//! the word's matches there (GIN and the primary key's range, at most `FEW`). Either way the
//! candidates then go through the page's query, filter and visibility included. A window where
//! both sides are large is cut in four; one where a side was small grows fourfold, so a filter
//! whose tickets are sparse (an open queue among old tickets) is crossed in a few windows.

use super::pg_search::{FEW, FIRST_WINDOW, Matches, Window, id_array, matches, pg};
use super::{Cursor, Sort, Ticket, TicketFilter, Words, filter_ids_sql, page_sql, push_filter};
use crate::sql::Sql;
use crate::{Conn, StoreError};
use guichet_core::permission::Visibility;
use sqlx::PgConnection;

/// At most this many of the filter's tickets are tested one by one in a window.
const PROBE: i64 = 2048;

/// The first window of step 3, and the largest (beyond it, the ids of a `BIGINT` would do).
const WINDOWS: (i64, i64) = (16_384, 1 << 40);

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
            (self.hi.saturating_sub(size).max(self.lo), self.hi)
        } else {
            (self.lo, self.lo.saturating_add(size).min(self.hi))
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

/// The next window's size, aiming at half the bound of the side searched (`seen` of at most
/// `bound` in a window of `size` ids): at most four times larger, at least four times smaller.
fn grow(size: i64, seen: usize, bound: i64) -> i64 {
    let seen = (seen as i64).max(1);
    let aim = i128::from(size) * i128::from(bound / 2) / i128::from(seen);
    let aim = i64::try_from(aim).unwrap_or(i64::MAX);
    aim.clamp((size / 4).max(1), size.saturating_mul(4))
        .min(WINDOWS.1)
}

/// A page sorted by id (steps 1 to 3 of `pg_search`).
pub(super) async fn by_id(
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
    if let Matches::Few(ids) = matches(pg(conn)?, tsquery, (rest.lo, rest.hi), false).await? {
        if !ids.is_empty() {
            let need = rows - found.len() as i64;
            found.extend(
                conn.fetch_tickets(page(Words::Ids(&ids), need), false)
                    .await?,
            );
        }
        return Ok(found);
    }

    // 3. Many: window after window, each from its cheaper side.
    let unfiltered = {
        let mut conditions = Sql::new("");
        push_filter(&mut conditions, filter);
        conditions.text.is_empty()
    };
    let mut size = WINDOWS.0;
    while !rest.is_empty() && (found.len() as i64) < rows {
        let window = rest.next(size);
        // Without a filter every ticket is kept: straight to the word's side.
        let kept = if unfiltered {
            Vec::new()
        } else {
            conn.fetch_ids(filter_ids_sql(
                filter,
                Some(window),
                rest.newest_first,
                PROBE + 1,
            ))
            .await?
        };
        let candidates = if !unfiltered && kept.len() as i64 <= PROBE {
            size = grow(size, kept.len(), PROBE);
            probe(pg(conn)?, tsquery, &kept).await?
        } else {
            match matches(pg(conn)?, tsquery, window, true).await? {
                // A window of at most PROBE ids keeps at most PROBE tickets, so this ends.
                Matches::Many => {
                    size = (size / 4).max(1);
                    continue;
                }
                Matches::Few(ids) => {
                    size = grow(size, ids.len(), FEW);
                    ids
                }
            }
        };
        if !candidates.is_empty() {
            let need = rows - found.len() as i64;
            found.extend(
                conn.fetch_tickets(page(Words::Ids(&candidates), need), false)
                    .await?,
            );
        }
        rest.take(window);
    }
    Ok(found)
}

/// Those of `ids` whose words match, each looked up by key and tested. `COALESCE` keeps the
/// planner from reading the word's whole GIN entry to intersect it (15 ms for a word in 38,000
/// tickets, whatever the number of ids).
async fn probe(c: &mut PgConnection, tsquery: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(
        "SELECT s.ticket_id FROM ticket_search s WHERE s.ticket_id = ANY(CAST($1 AS BIGINT[])) \
         AND COALESCE(s.vec @@ to_tsquery('simple', $2), FALSE)",
    )
    .bind(id_array(ids))
    .bind(tsquery)
    .persistent(false)
    .fetch_all(c)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_follow_the_order() {
        let mut rest = Rest {
            lo: 1,
            hi: 101,
            newest_first: true,
        };
        assert_eq!(rest.next(30), (71, 101));
        rest.take((71, 101));
        assert_eq!(rest.next(100), (1, 71));
        rest.take((1, 71));
        assert!(rest.is_empty());
        let rest = Rest {
            lo: 1,
            hi: 101,
            newest_first: false,
        };
        assert_eq!(rest.next(30), (1, 31));
    }

    #[test]
    fn windows_aim_at_half_the_bound() {
        assert_eq!(grow(100, 10, 1000), 400);
        assert_eq!(grow(1000, 250, 1000), 2000);
        assert_eq!(grow(1000, 500, 1000), 1000);
        assert_eq!(grow(1000, 1000, 1000), 500);
        assert_eq!(grow(1 << 40, 0, 1000), 1 << 40);
        assert_eq!(grow(1, 0, 1000), 4);
    }
}
