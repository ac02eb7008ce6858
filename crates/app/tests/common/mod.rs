//! Helpers shared by the use-case scenarios. Each test file compiles its own copy and uses a part
//! of it.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_app::ticket::{ListQuery, SubmitTicket, TicketView, Upload};
use guichet_app::{App, AppConfig, AppError, Caller, Clock};
use guichet_core::ticket::{Channel, EntryKind, EventKind, Impact, TicketType, Urgency};
use guichet_core::{OrgNodeId, TicketId};
use guichet_store::org::OrgNode;
use guichet_store::person::Person;
use guichet_store::ticket::Ticket;
use guichet_testkit::TestDb;
use guichet_testkit::fixture::Fixture;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// Monday 2 March 2026, 9:00 UTC: where every scenario's clock starts.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a valid date")
}

/// The use cases over a test database, the académie of the fixture, and the hand-moved clock.
#[derive(Debug)]
pub struct Env {
    pub app: App,
    pub clock: Arc<TestClock>,
    pub fx: Fixture,
}

pub async fn env(db: &TestDb) -> Env {
    let fx = Fixture::build(&db.store).await;
    let clock = Arc::new(TestClock::at(start()));
    let app = App::new(db.store.clone(), clock.clone(), AppConfig::default());
    Env { app, clock, fx }
}

impl Env {
    /// The caller for a person of the fixture.
    pub async fn caller(&self, p: &Person) -> Caller {
        self.app
            .caller(p.id, "test")
            .await
            .expect("caller resolves")
    }

    pub async fn admin(&self) -> Caller {
        self.caller(&self.fx.admin).await
    }

    /// Every ticket in the database, as an administrator lists them.
    pub async fn all_tickets(&self) -> Vec<Ticket> {
        let admin = self.admin().await;
        list_ids_and_tickets(&self.app, &admin).await
    }

    /// The event kinds of a ticket's outbox, oldest first.
    pub async fn events(&self, id: TicketId) -> Vec<EventKind> {
        self.app
            .store()
            .read()
            .await
            .expect("read connection")
            .ticket_events(id)
            .await
            .expect("events")
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    /// The audit actions recorded on a ticket, oldest first.
    pub async fn audit_actions(&self, t: &Ticket) -> Vec<String> {
        self.app
            .store()
            .read()
            .await
            .expect("read connection")
            .audit_trail("ticket", &t.reference.to_string())
            .await
            .expect("audit trail")
            .into_iter()
            .map(|a| a.action)
            .collect()
    }
}

/// A web request for `establishment` (or the requester's only one), about no application.
pub fn request(subject: &str, establishment: Option<OrgNodeId>) -> SubmitTicket {
    SubmitTicket {
        on_behalf_of: None,
        establishment,
        application: None,
        ticket_type: TicketType::Incident,
        channel: Channel::Web,
        subject: subject.into(),
        body: format!("{subject} : détails de la demande."),
        urgency: Urgency::Medium,
        impact: Impact::Medium,
        attachments: Vec::new(),
    }
}

/// `caller` submits a plain request for `school`.
pub async fn submit_as(app: &App, caller: &Caller, school: &OrgNode) -> Ticket {
    app.submit(
        caller,
        request(&format!("Problème à {}", school.name), Some(school.id)),
    )
    .await
    .expect("request submitted")
}

pub fn upload(name: &str, data: &[u8]) -> Upload {
    Upload {
        filename: name.into(),
        content_type: "application/octet-stream".into(),
        data: data.to_vec(),
    }
}

/// Every ticket `caller` may list (one page of up to 200 is enough here).
pub async fn list_ids_and_tickets(app: &App, caller: &Caller) -> Vec<Ticket> {
    let page = app
        .list_tickets(
            caller,
            ListQuery {
                limit: 200,
                ..ListQuery::default()
            },
        )
        .await
        .expect("list");
    assert!(page.next.is_none(), "a single page");
    page.items
}

pub async fn listed(app: &App, caller: &Caller) -> BTreeSet<TicketId> {
    list_ids_and_tickets(app, caller)
        .await
        .into_iter()
        .map(|t| t.id)
        .collect()
}

pub async fn view(app: &App, caller: &Caller, id: TicketId) -> TicketView {
    app.ticket(caller, id).await.expect("ticket readable")
}

pub fn kinds(v: &TicketView) -> Vec<EntryKind> {
    v.timeline.iter().map(|e| e.kind).collect()
}

#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(r: Result<T, AppError>, field: &str) {
    match r {
        Err(AppError::Invalid(e)) => assert_eq!(e.field, field, "wrong field: {e:?}"),
        other => panic!("expected Invalid({field}), got {other:?}"),
    }
}

#[track_caller]
pub fn assert_forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, rule: &str) {
    match r {
        Err(AppError::Forbidden(d)) => assert_eq!(d.rule, rule),
        other => panic!("expected Forbidden({rule}), got {other:?}"),
    }
}

#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    match r {
        Err(AppError::NotFound(w)) => assert_eq!(w, what),
        other => panic!("expected NotFound({what}), got {other:?}"),
    }
}

#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(r: Result<T, AppError>, code: &str) {
    match r {
        Err(AppError::Conflict { code: c, .. }) => assert_eq!(c, code),
        other => panic!("expected Conflict({code}), got {other:?}"),
    }
}

#[track_caller]
pub fn assert_lifecycle<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(
        matches!(r, Err(AppError::Lifecycle(_))),
        "expected a lifecycle refusal, got {r:?}"
    );
}
