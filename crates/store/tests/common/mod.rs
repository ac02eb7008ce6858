//! Helpers shared by the store's conformance tests. Each test file compiles its own copy and uses
//! a part of it.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::permission::{Subject, Visibility};
use guichet_core::ticket::{Channel, Impact, Priority, TicketType, Urgency};
use guichet_core::{GroupId, OrgNodeId, PersonId};
use guichet_store::org::TicketZone;
use guichet_store::person::Person;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_store::ticket::{NewTicket, Ticket};
use guichet_store::{Store, Tx};
use guichet_testkit::{Engine, TestDb};

/// A UTC instant, to the second.
pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a valid date")
}

/// The zone columns of a ticket filed for `node`, or none.
pub async fn zone_of(store: &Store, node: Option<OrgNodeId>) -> TicketZone {
    match node {
        Some(n) => store
            .read()
            .await
            .expect("read connection")
            .ticket_zone(n)
            .await
            .expect("ticket zone"),
        None => TicketZone::default(),
    }
}

/// A plain new incident, submitted on the web by its requester.
pub async fn new_ticket(
    store: &Store,
    requester: PersonId,
    establishment: Option<OrgNodeId>,
    group: Option<GroupId>,
    subject: &str,
    created_at: DateTime<Utc>,
) -> NewTicket {
    NewTicket {
        ticket_type: TicketType::Incident,
        channel: Channel::Web,
        status: Status::New,
        urgency: Urgency::Medium,
        impact: Impact::Medium,
        priority: Priority::Medium,
        application: None,
        requester,
        created_by: requester,
        zone: zone_of(store, establishment).await,
        group,
        level: Level::N1,
        subject: subject.into(),
        created_at,
    }
}

/// Inserts a ticket in a transaction of its own.
pub async fn insert(store: &Store, t: &NewTicket) -> Ticket {
    let mut tx = store.write().await.expect("write transaction");
    let ticket = tx.insert_ticket(t).await.expect("ticket inserted");
    tx.commit().await.expect("commit");
    ticket
}

/// Inserts a ticket and indexes its subject for search, as submitting does.
pub async fn insert_indexed(store: &Store, t: &NewTicket) -> Ticket {
    let mut tx = store.write().await.expect("write transaction");
    let ticket = tx.insert_ticket(t).await.expect("ticket inserted");
    index(&mut tx, &ticket, &t.subject).await;
    tx.commit().await.expect("commit");
    ticket
}

/// Adds the search terms of `text` to a ticket.
pub async fn index(tx: &mut Tx, ticket: &Ticket, text: &str) {
    tx.index_terms(ticket.id, &guichet_core::search::index_text(text))
        .await
        .expect("terms indexed");
}

/// Writes a changed ticket back in a transaction of its own.
pub async fn update(store: &Store, t: &Ticket) {
    let mut tx = store.write().await.expect("write transaction");
    tx.update_ticket(t).await.expect("ticket updated");
    tx.commit().await.expect("commit");
}

/// What the permission rules know of a person.
pub async fn subject_of(store: &Store, person: &Person) -> Subject {
    let mut conn = store.read().await.expect("read connection");
    let person = conn.person(person.id).await.expect("person");
    conn.subject(&person).await.expect("subject")
}

/// A view that sees every ticket, as an administrator's.
pub fn everything(person: PersonId) -> Visibility {
    Visibility {
        all: true,
        person,
        establishments: vec![],
        zones: vec![],
        groups: vec![],
        assignees: vec![],
    }
}

/// Every ticket of a list, page after page. Checks that each page but the last is full and that
/// the last says there is no next one.
pub async fn list_all(
    store: &Store,
    filter: &TicketFilter,
    visibility: &Visibility,
    sort: Sort,
    page_size: i64,
) -> Vec<Ticket> {
    let mut conn = store.read().await.expect("read connection");
    let mut out = Vec::new();
    let mut after = None;
    for _ in 0..10_000 {
        let page = conn
            .list_tickets(filter, visibility, sort, after.as_ref(), page_size)
            .await
            .expect("a page of tickets");
        let full = page.items.len() as i64 == page_size;
        out.extend(page.items);
        match page.next {
            Some(next) => {
                assert!(full, "a page with a next page must be full");
                after = Some(next);
            }
            None => return out,
        }
    }
    panic!("pagination does not end");
}

/// The ids of tickets, in order.
pub fn ids(tickets: &[Ticket]) -> Vec<i64> {
    tickets.iter().map(|t| t.id.0).collect()
}

/// A database that has never been migrated, next to `db` (same temporary directory for SQLite,
/// same schema emptied for PostgreSQL), cleaned up with `db`. Returns its URL.
pub async fn fresh_url(db: &TestDb) -> String {
    match db.engine() {
        Engine::Sqlite => {
            let file = db
                .url
                .strip_prefix("sqlite://")
                .expect("a sqlite:// URL")
                .to_owned();
            let dir = std::path::Path::new(&file)
                .parent()
                .expect("the database is in a directory");
            format!("sqlite://{}", dir.join("fresh.db").display())
        }
        Engine::Postgres => {
            let schema = db
                .store
                .query_strings("SELECT current_schema()::text")
                .await
                .expect("current schema")[0][0]
                .clone();
            assert!(schema.starts_with("t_"), "a test schema, not {schema}");
            db.store
                .execute_admin(&format!(
                    "DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .await
                .expect("schema emptied");
            db.url.clone()
        }
    }
}
