//! Issue 7's pure core seen from outside the crate: business-hours calendars (DST, holidays,
//! closures), SLA clocks, the ICS import and routing rules. One test binary for all of them, so
//! that the 2-core CI links it once.

mod calendar;
mod ics;
mod routing;
mod rule_sets;
mod sla;

use chrono::{DateTime, NaiveDate, TimeZone, Utc, Weekday};
use guichet_core::calendar::{Calendar, Territory, WeeklyHours};

/// Monday to Friday 08:00–12:00 and 13:30–17:30: the usual académie desk.
pub fn office_hours() -> WeeklyHours {
    use Weekday::*;
    WeeklyHours::uniform(&[Mon, Tue, Wed, Thu, Fri], &["08:00-12:00", "13:30-17:30"])
        .expect("valid hours")
}

pub fn paris_office() -> Calendar {
    Calendar::new("Europe/Paris", office_hours(), Territory::Metropole).expect("valid calendar")
}

/// The instant of a wall-clock time in `tz`, which must exist and be unambiguous.
pub fn local(tz: &str, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = tz.parse().expect("known zone");
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

pub fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    local("Europe/Paris", y, mo, d, h, mi)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
