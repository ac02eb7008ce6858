//! SLA targets on both engines: due dates computed at submission on the desk's calendar (a
//! weekend, an Alsace-Moselle holiday, the spring DST change, zone A's school holidays), the
//! clock paused while waiting, the requester reading the expected dates, the sweep warning then
//! escalating a breach once, and resolved tickets closed after the desk's delay.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Env, assert_forbidden, assert_invalid, assert_not_found, env, kinds, request, view};
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_core::desk::Level;
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::sla::ClockState;
use guichet_core::ticket::{EntryKind, EventKind, Priority};
use guichet_core::{CalendarId, DeskId};
use guichet_store::ticket::Ticket;
use guichet_testkit::{TestDb, both_engines};
use serde_json::{Value, json};

both_engines!(
    a_target_crosses_the_weekend,
    alsace_moselle_closes_on_good_friday_and_the_metropole_does_not,
    a_round_the_clock_desk_counts_the_short_dst_night_exactly,
    zone_a_school_holidays_imported_from_ics_push_the_target,
    waiting_for_the_requester_pauses_the_resolve_clock,
    a_breach_is_warned_then_escalated_once,
    resolved_tickets_close_after_the_desks_delay_without_an_answer,
    calendars_and_policies_are_for_administrators_and_checked,
);

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid instant")
}

/// Monday to Friday 08:00-12:00 and 14:00-18:00 (8 business hours a day).
fn office(territory: &str) -> Value {
    let day = json!(["08:00-12:00", "14:00-18:00"]);
    json!({
        "time_zone": "Europe/Paris",
        "territory": territory,
        "hours": { "mon": day, "tue": day, "wed": day, "thu": day, "fri": day },
    })
}

async fn calendar(e: &Env, code: &str, definition: Value) -> CalendarId {
    e.app
        .create_calendar(
            &e.admin().await,
            CalendarInput {
                code: code.into(),
                name: format!("Calendrier {code}"),
                definition,
            },
        )
        .await
        .expect("calendar created")
        .id
}

fn policy(code: &str, desk: DeskId, calendar: CalendarId, tic: u32, resolve: u32) -> PolicyInput {
    PolicyInput {
        code: code.into(),
        name: format!("Engagement {code}"),
        desk,
        application: None,
        priority: None,
        calendar,
        take_in_charge_minutes: tic,
        resolve_minutes: resolve,
        warn_percent: 80,
        breach_raise_priority: true,
        breach_next_level: true,
    }
}

/// A desk policy of 4 business hours to take in charge and 16 to resolve on `definition`.
async fn office_policy(e: &Env, definition: Value) {
    let cal = calendar(e, "BUREAU", definition).await;
    let p = policy("DSI-STD", e.fx.dsi_n1.desk, cal, 4 * 60, 16 * 60);
    e.app
        .create_policy(&e.admin().await, p)
        .await
        .expect("policy created");
}

async fn submit_at(e: &Env, at: DateTime<Utc>) -> Ticket {
    let now = e.app.now();
    e.clock.advance(at - now);
    let director = e.caller(&e.fx.director_a).await;
    e.app
        .submit(
            &director,
            request("Imprimante en panne", Some(e.fx.school_a.id)),
        )
        .await
        .expect("submitted")
}

async fn dues(e: &Env, t: &Ticket) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let director = e.caller(&e.fx.director_a).await;
    let sla = e
        .app
        .ticket_sla(&director, t.id)
        .await
        .expect("readable")
        .expect("a policy covers the ticket");
    (sla.take_in_charge.due, sla.resolve.due)
}

async fn a_target_crosses_the_weekend(db: TestDb) {
    let e = env(&db).await;
    office_policy(&e, office("metropole")).await;
    // Friday 6 March 2026, 16:00 in Paris (UTC+1).
    let t = submit_at(&e, utc(2026, 3, 6, 15, 0)).await;
    let (tic, resolve) = dues(&e, &t).await;
    // 2 h on Friday, 2 h on Monday morning.
    assert_eq!(tic, Some(utc(2026, 3, 9, 9, 0)));
    // 2 h Friday, 8 h Monday, 6 h Tuesday: 16:00 in Paris.
    assert_eq!(resolve, Some(utc(2026, 3, 10, 15, 0)));
}

async fn alsace_moselle_closes_on_good_friday_and_the_metropole_does_not(db: TestDb) {
    let e = env(&db).await;
    office_policy(&e, office("alsace_moselle")).await;
    // Thursday 2 April 2026, 16:00 in Paris (UTC+2). Good Friday is 3 April, Easter Monday 6.
    let t = submit_at(&e, utc(2026, 4, 2, 14, 0)).await;
    assert_eq!(dues(&e, &t).await.0, Some(utc(2026, 4, 7, 8, 0)));

    let db2 = TestDb::new(db.engine()).await;
    let e2 = env(&db2).await;
    office_policy(&e2, office("metropole")).await;
    let t2 = submit_at(&e2, utc(2026, 4, 2, 14, 0)).await;
    assert_eq!(dues(&e2, &t2).await.0, Some(utc(2026, 4, 3, 8, 0)));
}

async fn a_round_the_clock_desk_counts_the_short_dst_night_exactly(db: TestDb) {
    let e = env(&db).await;
    let all = json!(["00:00-24:00"]);
    let definition = json!({
        "time_zone": "Europe/Paris", "territory": "metropole", "observes_holidays": false,
        "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all },
    });
    office_policy(&e, definition).await;
    // Saturday 28 March 2026, 12:00 in Paris; the clocks go forward that night.
    let t = submit_at(&e, utc(2026, 3, 28, 11, 0)).await;
    let sla = e
        .app
        .ticket_sla(&e.caller(&e.fx.director_a).await, t.id)
        .await
        .expect("readable")
        .expect("covered");
    // 16 business hours are 16 real hours: 03:00 UTC, 05:00 in Paris, not the 04:00 that
    // counting wall-clock hours across the missing hour would give.
    assert_eq!(sla.resolve.due, Some(utc(2026, 3, 29, 3, 0)));
    assert_eq!(sla.take_in_charge.due, Some(utc(2026, 3, 28, 15, 0)));
}

async fn zone_a_school_holidays_imported_from_ics_push_the_target(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let cal = calendar(&e, "ECOLES-A", office("metropole")).await;
    let ics = include_str!("../../core/tests/fixtures/calendrier-scolaire-2026-2027.ics");
    let bad = e.app.import_closures(&admin, cal, ics, "Z").await;
    assert_invalid(bad, "zone");
    let bad = e
        .app
        .import_closures(&admin, cal, "BEGIN:VEVENT\n", "A")
        .await;
    assert_invalid(bad, "ics");
    let stored = e
        .app
        .import_closures(&admin, cal, ics, "A")
        .await
        .expect("closures imported");
    assert!(stored.calendar.closures().len() >= 3);
    let p = policy("ECOLES", e.fx.dsi_n1.desk, cal, 4 * 60, 16 * 60);
    e.app.create_policy(&admin, p).await.expect("policy");
    // Friday 5 February 2027, 16:00 in Paris: zone A is on holiday from the next day to the
    // 21st, so the desk takes it in charge on Monday 22 February.
    let t = submit_at(&e, utc(2027, 2, 5, 15, 0)).await;
    assert_eq!(dues(&e, &t).await.0, Some(utc(2027, 2, 22, 9, 0)));
}

async fn waiting_for_the_requester_pauses_the_resolve_clock(db: TestDb) {
    let e = env(&db).await;
    office_policy(&e, office("metropole")).await;
    // Monday 9 March 2026, 09:00 in Paris.
    let t = submit_at(&e, utc(2026, 3, 9, 8, 0)).await;
    // 7 h on Monday, 8 on Tuesday, 1 on Wednesday.
    assert_eq!(dues(&e, &t).await.1, Some(utc(2026, 3, 11, 8, 0)));
    let agent = e.caller(&e.fx.agent_n1).await;
    e.clock.advance(Duration::hours(1));
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    e.clock.advance(Duration::hours(1));
    e.app
        .wait(
            &agent,
            t.id,
            WaitingOn::Requester,
            "Quel modèle d'imprimante ?",
        )
        .await
        .expect("waiting");
    let director = e.caller(&e.fx.director_a).await;
    let paused = e
        .app
        .ticket_sla(&director, t.id)
        .await
        .expect("readable")
        .expect("covered");
    assert_eq!(paused.take_in_charge.clock, ClockState::Stopped);
    assert!(!paused.take_in_charge.breached);
    assert_eq!(paused.resolve.clock, ClockState::Paused);
    assert_eq!(paused.resolve.remaining_seconds, 14 * 3600);
    // The requester answers a day later (8 business hours): the target moves by exactly that,
    // from Wednesday 09:00 to Thursday 09:00 in Paris.
    e.clock.advance(Duration::hours(24));
    e.app
        .reply(&director, t.id, "Une HP LaserJet.", Vec::new(), false)
        .await
        .expect("answered");
    assert_eq!(dues(&e, &t).await.1, Some(utc(2026, 3, 12, 8, 0)));
}

async fn a_breach_is_warned_then_escalated_once(db: TestDb) {
    let e = env(&db).await;
    let all = json!(["00:00-24:00"]);
    let cal = calendar(
        &e,
        "H24",
        json!({
            "time_zone": "Europe/Paris", "territory": "metropole", "observes_holidays": false,
            "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all },
        }),
    )
    .await;
    let p = policy("URGENT", e.fx.dsi_n1.desk, cal, 60, 8 * 60);
    e.app
        .create_policy(&e.admin().await, p)
        .await
        .expect("policy");
    let t = submit_at(&e, utc(2026, 3, 9, 8, 0)).await;
    assert_eq!(t.priority, Priority::Medium);
    assert_eq!(e.app.sla_sweep().await.expect("sweep").checked, 0);

    e.clock.advance(Duration::minutes(50));
    let first = e.app.sla_sweep().await.expect("sweep");
    assert_eq!((first.warned, first.breached), (1, 0));
    let again = e.app.sla_sweep().await.expect("sweep");
    assert_eq!((again.warned, again.breached), (0, 0));

    e.clock.advance(Duration::minutes(15));
    let breach = e.app.sla_sweep().await.expect("sweep");
    assert_eq!((breach.warned, breach.breached), (0, 1));
    let after = e.app.sla_sweep().await.expect("sweep");
    assert_eq!((after.warned, after.breached), (0, 0));

    let admin = e.admin().await;
    let v = view(&e.app, &admin, t.id).await;
    assert_eq!(v.ticket.priority, Priority::High);
    assert_eq!(v.ticket.group, Some(e.fx.dsi_n2.id));
    assert_eq!(v.ticket.level, Level::N2);
    assert_eq!(v.ticket.status, Status::New);
    let k = kinds(&v);
    assert_eq!(k.iter().filter(|k| **k == EntryKind::SlaWarning).count(), 1);
    assert_eq!(k.iter().filter(|k| **k == EntryKind::SlaBreach).count(), 1);
    let breach_entry = v
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::SlaBreach)
        .expect("breach entry");
    assert_eq!(breach_entry.data["escalation"]["group"]["to"], "DSI-N2");
    let events = e.events(t.id).await;
    assert!(events.contains(&EventKind::SlaWarning));
    assert!(events.contains(&EventKind::SlaBreached));
    // The requester does not see the internal entries.
    let director = e.caller(&e.fx.director_a).await;
    let theirs = kinds(&view(&e.app, &director, t.id).await);
    assert!(!theirs.contains(&EntryKind::SlaBreach), "{theirs:?}");
    let sla = e
        .app
        .ticket_sla(&director, t.id)
        .await
        .expect("readable")
        .expect("covered");
    assert!(sla.take_in_charge.breached);
}

async fn resolved_tickets_close_after_the_desks_delay_without_an_answer(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let desk = e.fx.dsi_n1.desk;
    assert_invalid(
        e.app
            .set_desk_automation(&admin, desk, "first_match", Some(0))
            .await,
        "auto_close_days",
    );
    e.app
        .set_desk_automation(&admin, desk, "first_match", Some(7))
        .await
        .expect("automation set");
    let agent = e.caller(&e.fx.agent_n1).await;
    let director = e.caller(&e.fx.director_a).await;
    let quiet = submit_at(&e, utc(2026, 3, 9, 8, 0)).await;
    let answered = submit_at(&e, utc(2026, 3, 9, 8, 5)).await;
    for t in [&quiet, &answered] {
        e.app.take_in_charge(&agent, t.id).await.expect("taken");
        e.app
            .resolve(&agent, t.id, "Pilote réinstallé.")
            .await
            .expect("resolved");
    }
    e.clock.advance(Duration::days(6));
    e.app
        .reopen(&director, answered.id, "Toujours en panne.")
        .await
        .expect("reopened");
    assert_eq!(e.app.sla_sweep().await.expect("sweep").auto_closed, 0);
    e.clock.advance(Duration::days(2));
    assert_eq!(e.app.sla_sweep().await.expect("sweep").auto_closed, 1);
    assert_eq!(e.app.sla_sweep().await.expect("sweep").auto_closed, 0);
    let closed = view(&e.app, &director, quiet.id).await;
    assert_eq!(closed.ticket.status, Status::Closed);
    assert!(
        e.audit_actions(&closed.ticket)
            .await
            .contains(&"ticket.auto_close".to_owned())
    );
    assert!(e.events(quiet.id).await.contains(&EventKind::Closed));
    let open = view(&e.app, &director, answered.id).await;
    assert_eq!(open.ticket.status, Status::InProgress);
}

async fn calendars_and_policies_are_for_administrators_and_checked(db: TestDb) {
    let e = env(&db).await;
    let admin = e.admin().await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let input = |definition: Value| CalendarInput {
        code: "PARIS".into(),
        name: "Paris".into(),
        definition,
    };
    assert_forbidden(
        e.app
            .create_calendar(&agent, input(office("metropole")))
            .await,
        "admin_only",
    );
    let mut bad_tz = office("metropole");
    bad_tz["time_zone"] = json!("Europe/Dijon");
    assert_invalid(
        e.app.create_calendar(&admin, input(bad_tz)).await,
        "time_zone",
    );
    let cal = calendar(&e, "PARIS", office("metropole")).await;
    let mut p = policy("STD", e.fx.dsi_n1.desk, cal, 0, 60);
    assert_invalid(
        e.app.create_policy(&admin, p.clone()).await,
        "take_in_charge_minutes",
    );
    p.take_in_charge_minutes = 30;
    p.calendar = CalendarId(9999);
    assert_not_found(e.app.create_policy(&admin, p.clone()).await, "calendar");
    p.calendar = cal;
    let created = e
        .app
        .create_policy(&admin, p.clone())
        .await
        .expect("policy");
    p.resolve_minutes = 120;
    let updated = e
        .app
        .update_policy(&admin, created.id, p)
        .await
        .expect("updated");
    assert_eq!(updated.targets.resolve_minutes, 120);
    let listed = e
        .app
        .list_policies(&admin, Some(e.fx.dsi_n1.desk))
        .await
        .expect("listed");
    assert_eq!(listed, vec![updated]);
    // The requester reads the clocks of their ticket; another director finds no such ticket.
    let director = e.caller(&e.fx.director_c).await;
    let t = e
        .app
        .submit(&director, request("Tableau blanc", Some(e.fx.school_c.id)))
        .await
        .expect("submitted");
    let mine = e.app.ticket_sla(&director, t.id).await.expect("readable");
    assert!(mine.is_some_and(|s| s.take_in_charge.due.is_some()));
    let other = e.caller(&e.fx.director_a).await;
    assert_not_found(e.app.ticket_sla(&other, t.id).await, "ticket");
}
