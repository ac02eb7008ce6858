//! The `sla.sweep` job on both engines: scheduling it twice queues one job per minute; a run
//! queues the next minute's sweep before sweeping, and warns about a ticket whose target is
//! near, through the pool like any other job.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, Caller, Clock};
use guichet_core::ticket::{Channel, EventKind, Impact, TicketType, Urgency};
use guichet_jobs::{Pool, PoolConfig, Registry, sla};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::sync::{Arc, Mutex};

both_engines!(the_sweep_job_reschedules_itself_and_warns);

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

async fn the_sweep_job_reschedules_itself_and_warns(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let start = Utc
        .with_ymd_and_hms(2026, 3, 9, 8, 0, 30)
        .single()
        .expect("a valid date");
    let clock = Arc::new(TestClock(Mutex::new(start)));
    let app = App::new(db.store.clone(), clock.clone(), AppConfig::default());
    let admin = app.caller(fx.admin.id, "test").await.expect("admin caller");
    let all = json!(["00:00-24:00"]);
    let cal = app
        .create_calendar(
            &admin,
            CalendarInput {
                code: "H24".into(),
                name: "24/7".into(),
                definition: json!({ "time_zone": "Europe/Paris", "territory": "metropole",
                    "observes_holidays": false,
                    "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all,
                        "sat": all, "sun": all } }),
            },
        )
        .await
        .expect("calendar");
    let policy = PolicyInput {
        code: "STD".into(),
        name: "Standard".into(),
        desk: fx.dsi_n1.desk,
        application: None,
        priority: None,
        calendar: cal.id,
        take_in_charge_minutes: 10,
        resolve_minutes: 600,
        warn_percent: 50,
        breach_raise_priority: true,
        breach_next_level: false,
    };
    app.create_policy(&admin, policy).await.expect("policy");
    let director = app.caller(fx.director_a.id, "test").await.expect("caller");
    let ticket = app
        .submit(
            &director,
            SubmitTicket {
                on_behalf_of: None,
                establishment: Some(fx.school_a.id),
                application: None,
                ticket_type: TicketType::Incident,
                channel: Channel::Web,
                subject: "Vidéoprojecteur".into(),
                body: "Il ne s'allume plus.".into(),
                urgency: Urgency::Medium,
                impact: Impact::Medium,
                attachments: Vec::new(),
            },
        )
        .await
        .expect("submitted");

    let registry = sla::register(Registry::new(), app.clone());
    let pool = Pool::new(
        db.store.clone(),
        clock.clone(),
        registry,
        PoolConfig::default(),
    );
    sla::schedule(&db.store, clock.now())
        .await
        .expect("scheduled");
    sla::schedule(&db.store, clock.now())
        .await
        .expect("scheduled again");
    assert!(
        !pool.run_once("w").await.expect("ran"),
        "not due before 08:01"
    );

    // 08:06: half of the 10 minutes are spent; the 08:01 sweep runs and warns.
    clock.advance(Duration::minutes(6));
    assert!(
        pool.run_once("w").await.expect("ran"),
        "the queued sweep runs"
    );
    assert!(
        !pool.run_once("w").await.expect("ran"),
        "one sweep per minute"
    );
    let events = |app: App| async move {
        app.store()
            .read()
            .await
            .expect("read")
            .ticket_events(ticket.id)
            .await
            .expect("events")
            .into_iter()
            .map(|e| e.kind)
            .collect::<Vec<_>>()
    };
    assert!(events(app.clone()).await.contains(&EventKind::SlaWarning));

    // The next minute's sweep was queued by the first one: at 08:12 it finds the breach.
    clock.advance(Duration::minutes(6));
    assert!(pool.run_once("w").await.expect("ran"));
    assert!(events(app.clone()).await.contains(&EventKind::SlaBreached));
    let _ = Caller::system("test");
}
