//! What routing adds to a submission, written by SQLite's submission writer thread
//! ([`crate::writer`]) with the same statements as [`crate::Tx::insert_submission`].

use super::clocks::{INSERT_TAG, UPSERT_TICKET_SLA};
use crate::ticket::Ticket;
use crate::ticket::submission::SubmittedRouting;
use crate::writer::ts_text;
use rusqlite::{Connection, params};

/// Writes the routing entries, tags, watchers and SLA clocks of the new ticket `t`.
pub(crate) fn write_routing(
    conn: &Connection,
    t: &Ticket,
    r: &SubmittedRouting,
) -> rusqlite::Result<()> {
    let created = ts_text(t.created_at);
    for e in &r.entries {
        let entry = e.for_ticket(t);
        conn.prepare_cached(
            "INSERT INTO ticket_entry (ticket_id, kind, public, author_id, body, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )?
        .execute(params![
            t.id.0,
            entry.kind.as_str(),
            entry.public,
            entry.author.map(|a| a.0),
            &entry.body,
            entry.data.to_string(),
            &created,
        ])?;
    }
    for tag in &r.tags {
        conn.prepare_cached(INSERT_TAG)?
            .execute(params![t.id.0, tag])?;
    }
    for w in &r.watchers {
        conn.prepare_cached(
            "INSERT INTO ticket_watcher (ticket_id, person_id) VALUES ($1, $2)
             ON CONFLICT (ticket_id, person_id) DO NOTHING",
        )?
        .execute(params![t.id.0, w.0])?;
    }
    if let Some(s) = &r.sla {
        let (a, b) = (&s.take_in_charge, &s.resolve);
        conn.prepare_cached(UPSERT_TICKET_SLA)?.execute(params![
            t.id.0,
            s.policy.0,
            s.history_json(),
            a.clock.as_str(),
            a.due.map(ts_text),
            a.warn_at.map(ts_text),
            a.breached,
            a.remaining_seconds,
            a.warned_at.map(ts_text),
            a.breach_handled_at.map(ts_text),
            b.clock.as_str(),
            b.due.map(ts_text),
            b.warn_at.map(ts_text),
            b.breached,
            b.remaining_seconds,
            b.warned_at.map(ts_text),
            b.breach_handled_at.map(ts_text),
            s.next_check_at.map(ts_text),
            ts_text(s.computed_at),
        ])?;
    }
    Ok(())
}
