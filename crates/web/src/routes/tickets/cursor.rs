//! Opaque pagination cursors: the sort and the last row's key, base64url-encoded, so that a
//! cursor from one sort cannot be replayed against another.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use guichet_store::ticket::list::{Cursor, Sort};

pub fn encode(sort: Sort, c: &Cursor) -> String {
    let raw = match c {
        Cursor::Id(id) => format!("{}|i|{id}", sort.as_str()),
        Cursor::Updated(at, id) => format!("{}|u|{}|{id}", sort.as_str(), at.to_rfc3339()),
        Cursor::Priority(p, id) => format!("{}|p|{p}|{id}", sort.as_str()),
    };
    URL_SAFE_NO_PAD.encode(raw)
}

/// `None` when the cursor is not one of ours or belongs to another sort.
pub fn decode(sort: Sort, s: &str) -> Option<Cursor> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(s.trim()).ok()?).ok()?;
    let mut parts = raw.split('|');
    if parts.next()? != sort.as_str() {
        return None;
    }
    let cursor = match (parts.next()?, sort) {
        ("i", Sort::NewestFirst | Sort::OldestFirst) => Cursor::Id(parts.next()?.parse().ok()?),
        ("u", Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated) => {
            let at: DateTime<Utc> = DateTime::parse_from_rfc3339(parts.next()?).ok()?.into();
            Cursor::Updated(at, parts.next()?.parse().ok()?)
        }
        ("p", Sort::HighestPriority | Sort::LowestPriority) => {
            Cursor::Priority(parts.next()?.parse().ok()?, parts.next()?.parse().ok()?)
        }
        _ => return None,
    };
    parts.next().is_none().then_some(cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_within_their_sort_only() {
        let at = DateTime::parse_from_rfc3339("2026-09-01T08:30:00.123456Z")
            .map(Into::into)
            .expect("date");
        for (sort, c) in [
            (Sort::NewestFirst, Cursor::Id(42)),
            (Sort::RecentlyUpdated, Cursor::Updated(at, 7)),
            (Sort::LowestPriority, Cursor::Priority(3, 9)),
        ] {
            let s = encode(sort, &c);
            assert_eq!(decode(sort, &s), Some(c));
            assert_eq!(decode(Sort::OldestFirst, &s), None);
        }
        assert_eq!(decode(Sort::NewestFirst, "garbage!"), None);
    }
}
