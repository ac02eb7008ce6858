//! PostgreSQL's search plan: how a list with words finds its tickets fast whatever the words'
//! frequency and age.
//!
//! Left to itself, the planner answers `ORDER BY id DESC LIMIT 51` by walking the tickets
//! backwards and testing each one's `tsvector`: instant for a common word, a walk through the
//! whole table for a rare or old one (1.5 s at 1M tickets). Fetching every match through the GIN
//! index and sorting them is the opposite: instant for a rare word, slow for a common one (50,000
//! matches: 0.7 s). Neither plan is safe alone and the planner's estimates cannot tell them apart,
//! so the store asks the GIN index first, with a bound: when at most [`FEW`] tickets match, their
//! ids are the candidates (any sort, filter, visibility and page then costs at most [`FEW`] key
//! lookups); above it the words are common enough for the backward walk. This module must not
//! decide who may read what: the caller's filters and visibility still apply to every candidate.

use crate::StoreError;
use sqlx::PgConnection;

/// Above this many matching tickets the search walks the list's own order instead of sorting
/// the matches. Sized from the 1M-ticket benchmark (`bench/README.md`): fetching this many ids
/// through GIN and looking up their tickets costs a few milliseconds.
pub const FEW: i64 = 2000;

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
pub(super) fn tsquery(terms: &[String]) -> String {
    terms.join(" & ")
}

/// Asks the GIN index for at most [`FEW`] + 1 matching tickets.
pub(super) async fn matches(c: &mut PgConnection, tsquery: &str) -> Result<Matches, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT s.ticket_id FROM ticket_search s \
         WHERE s.vec @@ to_tsquery('simple', $1) LIMIT $2",
    )
    .bind(tsquery)
    .bind(FEW + 1)
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
