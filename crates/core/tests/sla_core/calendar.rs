//! Calendars: opening hours, holidays of each territory, closures, DST, and the arithmetic's
//! properties on random calendars in zones with awkward transitions.

use super::{date, local, office_hours, paris, paris_office};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use guichet_core::FieldError;
use guichet_core::calendar::{Calendar, ClosurePeriod, OpenInterval, Territory, WeeklyHours};
use proptest::prelude::*;

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

#[test]
fn office_hours_open_on_working_days_only() {
    let cal = paris_office();
    assert!(cal.is_open(paris(2026, 11, 30, 9, 0)), "Monday morning");
    assert!(!cal.is_open(paris(2026, 11, 30, 12, 30)), "lunch break");
    assert!(
        !cal.is_open(paris(2026, 11, 30, 12, 0)),
        "closing time is closed"
    );
    assert!(
        cal.is_open(paris(2026, 11, 30, 13, 30)),
        "reopening is open"
    );
    assert!(!cal.is_open(paris(2026, 11, 28, 10, 0)), "Saturday");
    assert!(
        !cal.is_open(paris(2026, 11, 11, 10, 0)),
        "Armistice, a Wednesday"
    );
    assert_eq!(
        cal.next_open(paris(2026, 11, 27, 18, 0)),
        Some(paris(2026, 11, 30, 8, 0)),
        "Friday evening to Monday morning"
    );
    assert_eq!(
        cal.next_open(paris(2026, 11, 30, 9, 0)),
        Some(paris(2026, 11, 30, 9, 0))
    );
}

#[test]
fn adding_business_time_skips_nights_breaks_and_weekends() {
    let cal = paris_office();
    let friday = paris(2026, 11, 27, 16, 30);
    assert_eq!(
        cal.add_business(friday, hours(2)),
        Some(paris(2026, 11, 30, 9, 0))
    );
    let morning = paris(2026, 11, 30, 11, 0);
    assert_eq!(
        cal.add_business(morning, hours(1)),
        Some(paris(2026, 11, 30, 12, 0)),
        "due at closing time, not at the reopening"
    );
    assert_eq!(
        cal.add_business(morning, hours(1) + Duration::minutes(1)),
        Some(paris(2026, 11, 30, 13, 31))
    );
    assert_eq!(
        cal.business_between(paris(2026, 11, 30, 8, 0), paris(2026, 12, 1, 8, 0)),
        hours(8)
    );
    assert_eq!(
        cal.business_between(paris(2026, 12, 1, 8, 0), paris(2026, 11, 30, 8, 0)),
        Duration::zero()
    );
    // From a Saturday, a day of work ends on Monday evening.
    assert_eq!(
        cal.add_business(paris(2026, 11, 28, 10, 0), hours(8)),
        Some(paris(2026, 11, 30, 17, 30))
    );
}

#[test]
fn each_territory_closes_on_its_own_days() {
    let cal = |t| Calendar::new("Europe/Paris", office_hours(), t).expect("valid");
    let (metro, alsace) = (cal(Territory::Metropole), cal(Territory::AlsaceMoselle));
    let good_friday = paris(2026, 4, 3, 10, 0);
    let saint_stephen = paris(2025, 12, 26, 10, 0);
    assert!(metro.is_open(good_friday) && metro.is_open(saint_stephen));
    assert!(!alsace.is_open(good_friday) && !alsace.is_open(saint_stephen));
    let easter_monday = paris(2026, 4, 6, 10, 0);
    assert!(!metro.is_open(easter_monday) && !alsace.is_open(easter_monday));

    let reunion =
        Calendar::new("Indian/Reunion", office_hours(), Territory::LaReunion).expect("valid");
    let fet_kaf = local("Indian/Reunion", 2027, 12, 20, 10, 0);
    assert!(
        !reunion.is_open(fet_kaf),
        "20 December 2027 is a Monday and a holiday"
    );
    assert!(metro.is_open(paris(2027, 12, 20, 10, 0)));
    assert_eq!(
        reunion.next_open(fet_kaf),
        Some(local("Indian/Reunion", 2027, 12, 21, 8, 0))
    );
    let vendor = cal(Territory::AlsaceMoselle).working_on_holidays();
    assert!(vendor.is_open(good_friday) && vendor.is_open(easter_monday));
    let guyane =
        Calendar::new("America/Cayenne", office_hours(), Territory::Guyane).expect("valid");
    assert!(!guyane.is_open(local("America/Cayenne", 2026, 6, 10, 10, 0)));
    assert!(guyane.is_open(local("America/Cayenne", 2026, 6, 11, 10, 0)));
}

#[test]
fn closure_periods_close_whole_local_days() {
    let christmas_break = ClosurePeriod {
        first_day: date(2026, 12, 19),
        last_day: date(2027, 1, 3),
        label: "Vacances de Noël".into(),
    };
    let cal = paris_office()
        .with_closures(vec![christmas_break.clone()])
        .expect("ordered");
    assert_eq!(
        cal.next_open(paris(2026, 12, 18, 18, 0)),
        Some(paris(2027, 1, 4, 8, 0))
    );
    assert!(cal.is_open(paris(2026, 12, 18, 17, 0)));
    let backwards = ClosurePeriod {
        first_day: date(2027, 1, 3),
        last_day: date(2026, 12, 19),
        ..christmas_break
    };
    assert_eq!(
        paris_office().with_closures(vec![backwards]),
        Err(FieldError::new("closures", "order"))
    );
}

#[test]
fn dst_days_have_their_real_length() {
    let always =
        |tz| Calendar::new(tz, WeeklyHours::always(), Territory::Metropole).expect("valid");
    let paris_cal = always("Europe/Paris");
    // Measured directly: from one local midnight to the next.
    let between_midnights = |cal: &Calendar, y, m, d: u32| {
        let tz = cal.time_zone();
        let a = tz
            .with_ymd_and_hms(y, m, d, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let b = tz
            .with_ymd_and_hms(y, m, d + 1, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        cal.business_between(a, b)
    };
    assert_eq!(between_midnights(&paris_cal, 2026, 3, 29), hours(23));
    assert_eq!(between_midnights(&paris_cal, 2026, 10, 25), hours(25));
    assert_eq!(between_midnights(&paris_cal, 2026, 10, 26), hours(24));
    let reunion = always("Indian/Reunion");
    assert_eq!(between_midnights(&reunion, 2026, 3, 29), hours(24));
}

#[test]
fn an_opening_inside_the_spring_gap_starts_after_it() {
    let mut week = WeeklyHours::closed();
    let early = OpenInterval::parse("hours.sun", "02:30-04:00").expect("valid");
    week.set(Weekday::Sun, vec![early]).expect("one interval");
    let cal = Calendar::new("Europe/Paris", week, Territory::Metropole).expect("valid");
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    let midnight = paris(2026, 3, 29, 0, 0);
    assert_eq!(cal.next_open(midnight), Some(paris(2026, 3, 29, 3, 0)));
    assert_eq!(
        cal.business_between(midnight, midnight + hours(24)),
        hours(1)
    );
    // 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    let midnight = paris(2026, 10, 25, 0, 0);
    let first_0230 = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
    assert_eq!(cal.next_open(midnight), Some(first_0230));
    assert_eq!(
        cal.business_between(midnight, midnight + hours(24)),
        hours(2) + Duration::minutes(30)
    );
    // A night shift until 02:30 works until the clock shows 02:30 for the last time.
    let mut week = WeeklyHours::closed();
    let night = OpenInterval::parse("hours.sun", "01:00-02:30").expect("valid");
    week.set(Weekday::Sun, vec![night]).expect("one interval");
    let cal = Calendar::new("Europe/Paris", week, Territory::Metropole).expect("valid");
    let last_0230 = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
    assert_eq!(
        cal.add_business(midnight, hours(2) + Duration::minutes(30)),
        Some(last_0230)
    );
}

#[test]
fn transitions_at_midnight_neither_lose_nor_double_count_time() {
    let always =
        |tz| Calendar::new(tz, WeeklyHours::always(), Territory::Metropole).expect("valid");
    // Havana falls back from 01:00 CDT to 00:00 CST on Sunday 7 November 2027: midnight
    // happens twice, and Saturday's 24:00 is the later one.
    let havana = always("America/Havana");
    let sat = Utc.with_ymd_and_hms(2027, 11, 6, 4, 0, 0).unwrap(); // 00:00 CDT
    let mon = Utc.with_ymd_and_hms(2027, 11, 8, 5, 0, 0).unwrap(); // 00:00 CST
    assert_eq!(havana.business_between(sat, mon), hours(49));
    assert_eq!(havana.add_business(sat, hours(49)), Some(mon));
    assert_eq!(havana.add_business(sat, hours(25)), Some(sat + hours(25)));
    // Santiago springs forward at midnight on Sunday 6 September 2026: 00:00 does not exist.
    let santiago = always("America/Santiago");
    let sat = Utc.with_ymd_and_hms(2026, 9, 5, 4, 0, 0).unwrap(); // 00:00 -04
    let mon = Utc.with_ymd_and_hms(2026, 9, 7, 3, 0, 0).unwrap(); // 00:00 -03
    assert_eq!(santiago.business_between(sat, mon), hours(47));
    assert!(santiago.is_open(Utc.with_ymd_and_hms(2026, 9, 6, 4, 0, 0).unwrap()));
}

#[test]
fn a_calendar_that_never_opens_says_so() {
    let cal =
        Calendar::new("Europe/Paris", WeeklyHours::closed(), Territory::Metropole).expect("valid");
    let now = paris(2026, 12, 1, 10, 0);
    assert_eq!(cal.next_open(now), None);
    assert_eq!(cal.add_business(now, hours(1)), None);
    assert_eq!(cal.add_business(now, Duration::zero()), Some(now));
    assert_eq!(
        cal.business_between(now, now + hours(100)),
        Duration::zero()
    );
}

#[test]
fn calendars_round_trip_through_json_and_name_bad_fields() {
    let cal = paris_office()
        .with_closures(vec![ClosurePeriod {
            first_day: date(2027, 2, 6),
            last_day: date(2027, 2, 21),
            label: "Hiver - Zone A".into(),
        }])
        .expect("ordered");
    let json = serde_json::to_value(&cal).expect("serialises");
    assert_eq!(json["time_zone"], "Europe/Paris");
    assert_eq!(json["territory"], "metropole");
    assert_eq!(json["hours"]["fri"][1], "13:30-17:30");
    assert_eq!(json["observes_holidays"], true);
    let back: Calendar = serde_json::from_value(json.clone()).expect("parses");
    assert_eq!(back, cal);
    let mut vendor = json.clone();
    vendor["observes_holidays"] = false.into();
    let vendor: Calendar = serde_json::from_value(vendor).expect("parses");
    assert!(!vendor.observes_holidays());
    assert!(
        vendor.is_open(paris(2026, 11, 11, 10, 0)),
        "open on 11 November"
    );
    let mut bad = json;
    bad["time_zone"] = "Europe/Pariss".into();
    let err = serde_json::from_value::<Calendar>(bad).expect_err("unknown zone");
    assert!(err.to_string().contains("time_zone"), "{err}");
    assert!(Calendar::new("Mars/Olympus", office_hours(), Territory::Metropole).is_err());
}

// ---- properties on random calendars ------------------------------------------------------

/// Zones with the transitions that hurt: European DST, none, half-hour DST (Lord Howe), and a
/// gap at midnight (Santiago), plus the overseas académies'.
const ZONES: &[&str] = &[
    "Europe/Paris",
    "Indian/Reunion",
    "America/Cayenne",
    "America/Martinique",
    "Indian/Mayotte",
    "America/Santiago",
    "Australia/Lord_Howe",
    "America/Havana",
];

/// Up to three intervals a day, from sorted distinct minutes taken in pairs.
fn any_day() -> impl Strategy<Value = Vec<OpenInterval>> {
    prop::collection::btree_set(0u16..=1440, 0..=6).prop_map(|points| {
        let points: Vec<u16> = points.into_iter().collect();
        points
            .chunks_exact(2)
            .filter_map(|p| OpenInterval::new(p[0], p[1]))
            .collect()
    })
}

pub fn any_calendar() -> impl Strategy<Value = Calendar> {
    let territories = prop::sample::select(Territory::ALL.to_vec());
    (
        prop::sample::select(ZONES),
        prop::array::uniform7(any_day()),
        territories,
        0u8..4,
    )
        .prop_map(|(zone, days, territory, kind)| {
            let mut week = WeeklyHours::closed();
            for (i, intervals) in days.into_iter().enumerate() {
                let day = Weekday::try_from(i as u8).expect("0..7");
                week.set(day, intervals).expect("disjoint by construction");
            }
            // A quarter each: office hours, always open (transitions at midnight), random.
            match kind {
                0 => week = office_hours(),
                1 => week = WeeklyHours::always(),
                _ if week.is_closed() => week = office_hours(),
                _ => {}
            }
            Calendar::new(zone, week, territory).expect("known zone")
        })
}

/// Whole seconds from 2025 to 2029, around every DST transition of those years.
pub fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_735_689_600i64..1_861_920_000)
        .prop_map(|s| DateTime::from_timestamp(s, 0).expect("in range"))
}

/// Up to three weeks of business time, in whole seconds.
fn any_amount() -> impl Strategy<Value = Duration> {
    (0i64..21 * 24 * 3600).prop_map(Duration::seconds)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn due_dates_fall_inside_opening_hours(cal in any_calendar(), a in any_instant(), d in any_amount()) {
        prop_assume!(d > Duration::zero());
        let due = cal.add_business(a, d).expect("these calendars open every week");
        prop_assert!(due > a);
        // Due at an instant of opening or exactly at a closing: the second before is open.
        prop_assert!(cal.is_open(due - Duration::seconds(1)), "due {due} outside hours");
    }

    #[test]
    fn adding_is_monotonic(cal in any_calendar(), a in any_instant(), b in any_instant(),
                           d1 in any_amount(), d2 in any_amount()) {
        let (a, b) = (a.min(b), a.max(b));
        let (d1, d2) = (d1.min(d2), d1.max(d2));
        prop_assert!(cal.add_business(a, d1) <= cal.add_business(a, d2));
        prop_assert!(cal.add_business(a, d1) <= cal.add_business(b, d1));
    }

    #[test]
    fn between_inverts_add(cal in any_calendar(), a in any_instant(), d in any_amount()) {
        let due = cal.add_business(a, d).expect("opens");
        prop_assert_eq!(cal.business_between(a, due), d);
    }

    #[test]
    fn between_is_additive_and_agrees_with_is_open(cal in any_calendar(), a in any_instant(),
                                                   b in any_instant(), c in any_instant()) {
        let mut v = [a, b, c];
        v.sort();
        let [a, b, c] = v;
        prop_assert_eq!(
            cal.business_between(a, c),
            cal.business_between(a, b) + cal.business_between(b, c)
        );
        let one = Duration::seconds(1);
        let open_second = cal.business_between(a, a + one) == one;
        prop_assert_eq!(cal.is_open(a), open_second);
        let next = cal.next_open(a).expect("opens");
        prop_assert!(next >= a && cal.is_open(next));
        prop_assert_eq!(cal.business_between(a, next), Duration::zero());
    }

    #[test]
    fn paris_days_last_23_24_or_25_hours(day in 0i64..5 * 366) {
        let cal = Calendar::new("Europe/Paris", WeeklyHours::always(), Territory::Metropole)
            .expect("valid");
        let d = super::date(2025, 1, 1) + Duration::days(day);
        // Holidays are closed all day; their length says nothing about DST.
        prop_assume!(!cal.is_closed_day(d));
        let tz = cal.time_zone();
        let start = tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
            .single().expect("midnight exists in Paris").with_timezone(&Utc);
        let length = cal.business_between(start, end_of_day(&cal, d));
        let last_sunday = |month: u32| {
            let mut x = super::date(d.year(), month, 31);
            while x.weekday() != Weekday::Sun { x = x.pred_opt().expect("in range"); }
            x
        };
        let expected = if d == last_sunday(3) { 23 } else if d == last_sunday(10) { 25 } else { 24 };
        prop_assert_eq!(length, Duration::hours(expected));
    }
}

/// The instant the local date after `d` starts, in the calendar's zone.
fn end_of_day(cal: &Calendar, d: chrono::NaiveDate) -> DateTime<Utc> {
    let next = d
        .succ_opt()
        .expect("in range")
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    cal.time_zone()
        .from_local_datetime(&next)
        .single()
        .expect("midnight exists in Paris")
        .with_timezone(&Utc)
}
