//! How tickets read on pages: a list row (reference, status, who handles it, time since the last
//! change) and the public timeline.

use crate::i18n::Lang;
use crate::pages::render::text;
use crate::pages::time::Times;
use chrono::{DateTime, Utc};
use guichet_app::handling::Handling;
use guichet_store::ticket::Ticket;
use guichet_store::ticket::timeline::Entry;
use minijinja::value::Value;
use serde::Serialize;

/// "3 hours ago", in `lang`.
pub fn ago(lang: Lang, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    let (key, n) = match minutes {
        0 => ("ago-now", 0),
        m if m < 60 => ("ago-minutes", m),
        m if m < 48 * 60 => ("ago-hours", m / 60),
        m => ("ago-days", m / (24 * 60)),
    };
    text(lang, key, &[("n", Value::from(n))])
}

/// One ticket in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub reference: String,
    pub subject: String,
    pub status: &'static str,
    pub group: Option<String>,
    pub agent: Option<String>,
    pub ago: String,
    pub updated: String,
}

pub fn rows(lang: Lang, tickets: &[Ticket], handling: &[Handling], now: DateTime<Utc>) -> Vec<Row> {
    tickets
        .iter()
        .zip(
            handling
                .iter()
                .chain(std::iter::repeat(&Handling::default())),
        )
        .map(|(t, h)| Row {
            reference: t.reference.to_string(),
            subject: t.subject.clone(),
            status: t.status.as_str(),
            group: h.group.clone(),
            agent: h.agent.clone(),
            ago: ago(lang, t.updated_at, now),
            updated: t.updated_at.to_rfc3339(),
        })
        .collect()
}

/// An attachment link on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    pub id: i64,
    pub filename: String,
    pub size_kb: i64,
}

/// One public entry of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub kind: &'static str,
    pub author: Option<String>,
    pub body: String,
    pub when: String,
    pub at: String,
    /// The status an entry moved the ticket to, when it records a change.
    pub to_status: Option<String>,
    pub score: Option<i64>,
    pub files: Vec<FileLink>,
}

/// The entries a requester reads: public ones only, whoever the reader is (the portal is the
/// requester's view; agents read internal notes in their own workspace).
pub fn timeline(times: Times, entries: &[Entry]) -> Vec<TimelineEntry> {
    entries
        .iter()
        .filter(|e| e.public && e.kind.is_public())
        .map(|e| TimelineEntry {
            kind: e.kind.as_str(),
            author: e.author_name.clone(),
            body: e.body.clone(),
            when: times.when(e.created_at),
            at: e.created_at.to_rfc3339(),
            to_status: e.data.get("to").and_then(|v| v.as_str()).map(str::to_owned),
            score: e.data.get("score").and_then(serde_json::Value::as_i64),
            files: e
                .attachments
                .iter()
                .map(|a| FileLink {
                    id: a.id,
                    filename: a.filename.clone(),
                    size_kb: (a.size + 1023) / 1024,
                })
                .collect(),
        })
        .collect()
}
