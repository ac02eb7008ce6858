//! SLA clocks: due dates, pauses while waiting, breaches and the 80 % warning, from a ticket's
//! status history on the office calendar; and the pause property on random calendars.

use super::calendar::{any_calendar, any_instant};
use super::{paris, paris_office};
use chrono::{DateTime, Duration, Utc};
use guichet_core::FieldError;
use guichet_core::lifecycle::Status;
use guichet_core::sla::{
    ClockState, PolicyScope, SlaPolicy, StatusChange, evaluate, select_policy,
};
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, DeskId};
use proptest::prelude::*;

fn at(at: DateTime<Utc>, status: Status) -> StatusChange {
    StatusChange { at, status }
}

/// Four business hours to take in charge, two days to resolve.
fn policy() -> SlaPolicy {
    SlaPolicy::new(4 * 60, 16 * 60, 80).expect("valid policy")
}

/// Submitted on Monday 30 November 2026 at 09:00.
fn submitted() -> StatusChange {
    at(paris(2026, 11, 30, 9, 0), Status::New)
}

#[test]
fn a_new_ticket_gets_both_due_dates_and_warnings() {
    let cal = paris_office();
    let s = evaluate(&cal, &policy(), &[submitted()], paris(2026, 11, 30, 9, 0));
    let tic = s.take_in_charge;
    assert_eq!(tic.clock, ClockState::Running);
    // 09:00–12:00 is 3 h; one more after the 13:30 reopening.
    assert_eq!(tic.due, Some(paris(2026, 11, 30, 14, 30)));
    // 80 % of 4 h is 3 h 12 min.
    assert_eq!(tic.warn_at, Some(paris(2026, 11, 30, 13, 42)));
    assert_eq!(tic.remaining, Duration::hours(4));
    assert!(!tic.breached);
    // 7 h on Monday, 8 on Tuesday, the 16th hour on Wednesday morning.
    assert_eq!(s.resolve.due, Some(paris(2026, 12, 2, 9, 0)));
}

#[test]
fn taking_in_charge_stops_its_clock_for_good() {
    let cal = paris_office();
    let history = [
        submitted(),
        at(paris(2026, 11, 30, 10, 0), Status::InProgress),
        // An escalation requeues the ticket: the take-in-charge target stays met.
        at(paris(2026, 11, 30, 11, 0), Status::New),
    ];
    let s = evaluate(&cal, &policy(), &history, paris(2026, 12, 1, 10, 0));
    assert_eq!(s.take_in_charge.clock, ClockState::Stopped);
    assert_eq!(s.take_in_charge.elapsed, Duration::hours(1));
    assert_eq!(s.take_in_charge.due, None, "never reached");
    assert!(!s.take_in_charge.breached);
    assert_eq!(s.resolve.clock, ClockState::Running);
}

#[test]
fn taking_in_charge_late_is_a_breach_and_so_is_running_past_due() {
    let cal = paris_office();
    let late = [
        submitted(),
        at(paris(2026, 11, 30, 15, 0), Status::InProgress),
    ];
    let s = evaluate(&cal, &policy(), &late, paris(2026, 12, 1, 10, 0));
    assert!(s.take_in_charge.breached);
    assert_eq!(s.take_in_charge.due, Some(paris(2026, 11, 30, 14, 30)));
    assert_eq!(s.take_in_charge.remaining, Duration::minutes(-30));

    let s = evaluate(&cal, &policy(), &[submitted()], paris(2026, 12, 1, 9, 0));
    assert!(s.take_in_charge.breached);
    assert_eq!(s.take_in_charge.remaining, Duration::hours(-4));
    // At the due instant itself it is not yet breached.
    let s = evaluate(&cal, &policy(), &[submitted()], paris(2026, 11, 30, 14, 30));
    assert!(!s.take_in_charge.breached);
}

#[test]
fn waiting_pauses_the_resolve_clock_and_moves_its_due_date() {
    let cal = paris_office();
    let mut history = vec![
        submitted(),
        at(paris(2026, 11, 30, 9, 30), Status::InProgress),
        at(paris(2026, 11, 30, 11, 0), Status::Waiting),
    ];
    let paused = evaluate(&cal, &policy(), &history, paris(2026, 12, 1, 10, 0));
    assert_eq!(paused.resolve.clock, ClockState::Paused);
    assert_eq!(
        paused.resolve.due, None,
        "unknown until the requester answers"
    );
    assert_eq!(paused.resolve.remaining, Duration::hours(14));
    assert!(!paused.resolve.breached);

    // Resumed on Tuesday at 11:00: 1 + 4 + 3 = 8 business hours paused.
    history.push(at(paris(2026, 12, 1, 11, 0), Status::InProgress));
    let resumed = evaluate(&cal, &policy(), &history, paris(2026, 12, 1, 11, 0));
    assert_eq!(resumed.resolve.clock, ClockState::Running);
    assert_eq!(resumed.resolve.due, Some(paris(2026, 12, 3, 9, 0)));
    assert_eq!(resumed.resolve.elapsed, Duration::hours(2));
}

#[test]
fn resolving_stops_and_reopening_keeps_the_time_spent() {
    let cal = paris_office();
    let history = [
        submitted(),
        at(paris(2026, 11, 30, 9, 30), Status::InProgress),
        at(paris(2026, 11, 30, 11, 0), Status::Resolved),
        at(paris(2026, 12, 1, 8, 0), Status::InProgress),
    ];
    let before = evaluate(&cal, &policy(), &history[..3], paris(2026, 12, 1, 8, 0));
    assert_eq!(before.resolve.clock, ClockState::Stopped);
    assert_eq!(before.resolve.elapsed, Duration::hours(2));
    let after = evaluate(&cal, &policy(), &history, paris(2026, 12, 1, 10, 0));
    assert_eq!(after.resolve.elapsed, Duration::hours(4));
    assert_eq!(after.resolve.remaining, Duration::hours(12));
}

#[test]
fn history_after_now_and_out_of_order_is_handled() {
    let cal = paris_office();
    let history = [
        at(paris(2026, 11, 30, 10, 0), Status::InProgress),
        submitted(),
        at(paris(2026, 12, 5, 10, 0), Status::Resolved),
    ];
    let s = evaluate(&cal, &policy(), &history, paris(2026, 11, 30, 11, 0));
    assert_eq!(s.take_in_charge.elapsed, Duration::hours(1));
    assert_eq!(s.resolve.clock, ClockState::Running);
    let empty = evaluate(&cal, &policy(), &[], paris(2026, 11, 30, 11, 0));
    assert_eq!(empty.resolve.clock, ClockState::Stopped);
    assert_eq!(empty.resolve.due, None);
}

#[test]
fn policies_are_validated_field_by_field() {
    assert_eq!(
        SlaPolicy::new(0, 60, 80),
        Err(FieldError::new("take_in_charge_minutes", "range"))
    );
    assert_eq!(
        SlaPolicy::new(60, 0, 80),
        Err(FieldError::new("resolve_minutes", "range"))
    );
    assert_eq!(
        SlaPolicy::new(60, 60, 100),
        Err(FieldError::new("warn_percent", "range"))
    );
    let parsed: SlaPolicy =
        serde_json::from_str(r#"{"take_in_charge_minutes":60,"resolve_minutes":480}"#)
            .expect("warn_percent defaults");
    assert_eq!(parsed.warn_percent, 80);
}

#[test]
fn the_most_specific_policy_applies() {
    let (dsi, other) = (DeskId(1), DeskId(2));
    let (onde, lsun) = (Some(ApplicationId(10)), Some(ApplicationId(11)));
    let scope = |desk, application, priority| PolicyScope {
        desk,
        application,
        priority,
    };
    let policies = [
        (scope(dsi, None, None), "desk default"),
        (scope(dsi, None, Some(Priority::High)), "high"),
        (scope(dsi, onde, None), "ONDE"),
        (scope(dsi, onde, Some(Priority::High)), "ONDE high"),
        (scope(other, None, None), "other desk"),
    ];
    let pick = |desk, app, prio| select_policy(&policies, desk, app, prio).copied();
    assert_eq!(pick(dsi, onde, Priority::High), Some("ONDE high"));
    assert_eq!(pick(dsi, onde, Priority::Low), Some("ONDE"));
    assert_eq!(pick(dsi, lsun, Priority::High), Some("high"));
    assert_eq!(pick(dsi, None, Priority::Low), Some("desk default"));
    assert_eq!(pick(other, onde, Priority::High), Some("other desk"));
    assert_eq!(pick(DeskId(3), onde, Priority::High), None);
}

#[test]
fn target_status_serialises_durations_in_seconds() {
    let s = evaluate(
        &paris_office(),
        &policy(),
        &[submitted()],
        paris(2026, 11, 30, 10, 0),
    );
    let json = serde_json::to_value(s).expect("serialises");
    assert_eq!(json["take_in_charge"]["elapsed_seconds"], 3600);
    assert_eq!(json["take_in_charge"]["remaining_seconds"], 3 * 3600);
    assert_eq!(json["take_in_charge"]["clock"], "running");
    assert_eq!(json["resolve"]["due"], "2026-12-02T08:00:00Z");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A pause of N business hours moves the resolve due date by exactly N business hours; a
    /// pause after the due date does not move it.
    #[test]
    fn a_pause_moves_the_due_date_by_its_business_length(
        cal in any_calendar(),
        start in any_instant(),
        minutes in 1u32..(60 * 60),
        pause_after in 0i64..(30 * 24 * 3600),
        pause_length in 1i64..(10 * 24 * 3600),
    ) {
        let policy = SlaPolicy::new(60, minutes, 80).expect("valid");
        let p1 = start + Duration::seconds(pause_after);
        let p2 = p1 + Duration::seconds(pause_length);
        let now = p2 + Duration::seconds(1);
        let plain = [at(start, Status::New), at(start, Status::InProgress)];
        let paused = [plain[0], plain[1], at(p1, Status::Waiting), at(p2, Status::InProgress)];
        let due0 = evaluate(&cal, &policy, &plain, now).resolve.due.expect("opens");
        let due1 = evaluate(&cal, &policy, &paused, now).resolve.due.expect("opens");
        if p1 < due0 {
            prop_assert!(due1 >= due0);
            prop_assert_eq!(cal.business_between(due0, due1), cal.business_between(p1, p2));
        } else {
            prop_assert_eq!(due1, due0);
        }
        let warn = evaluate(&cal, &policy, &paused, now).resolve.warn_at.expect("opens");
        prop_assert!(warn <= due1);
    }
}
