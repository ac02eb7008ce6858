//! The rhythm of a school year: when requests arrive. Peaks at the rentrée and at the report-book
//! deadlines (end of each trimester), troughs in school holidays (zone A dates, approximated)
//! and on public holidays, weekdays far above weekends, office hours in Paris time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use rand::Rng;
use rand::rngs::StdRng;

/// Applications that may have a surge day (an outage, a national campaign).
const SURGE_APPS: &[&str] = &["ENT", "MESSAGERIE", "RESEAU", "ONDE", "LSUN"];

/// Relative arrivals per local hour of the day.
const HOURS: [f64; 24] = [
    0.01, 0.005, 0.005, 0.005, 0.01, 0.03, 0.1, 0.35, 1.0, 1.3, 1.2, 1.05, 0.85, 0.95, 1.0, 0.9,
    1.0, 1.1, 0.75, 0.45, 0.35, 0.25, 0.1, 0.04,
];

/// One hour of the window and how many requests it draws, relative to the others.
#[derive(Debug, Clone)]
pub struct Slot {
    pub start: DateTime<Utc>,
    /// Exclusive; shorter than an hour only for the hour that contains `now`.
    pub end: DateTime<Utc>,
    pub weight: f64,
    /// The local (Paris) date of the slot.
    pub date: NaiveDate,
    /// An application that has an abnormal surge that day.
    pub surge: Option<&'static str>,
}

/// Every hour from the window's start to `now`, weighted.
#[derive(Debug)]
pub struct Calendar {
    pub slots: Vec<Slot>,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

/// The first day of the school year `date` falls in.
pub fn school_year_start(date: NaiveDate) -> NaiveDate {
    let year = if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    };
    ymd(year, 9, 1)
}

/// The demo history starts on the rentrée at least two years before `now`.
pub fn window_start(now: DateTime<Utc>) -> NaiveDate {
    let two_years_before = now.date_naive() - Duration::days(730);
    school_year_start(two_years_before)
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d = ymd(year, month, 31);
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().expect("a previous day");
    }
    d
}

/// Paris's offset from UTC in hours on a local date (summer time from the last Sunday of March to
/// the last Sunday of October; the night of the change itself does not matter here).
pub fn paris_offset(date: NaiveDate) -> i64 {
    let summer = date >= last_sunday(date.year(), 3) && date < last_sunday(date.year(), 10);
    if summer { 2 } else { 1 }
}

/// The UTC instant of a Paris wall-clock time.
pub fn paris_to_utc(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = date
        .and_hms_opt(hour, minute, 0)
        .expect("a valid time of day");
    Utc.from_utc_datetime(&local) - Duration::hours(paris_offset(date))
}

/// The Paris wall-clock date and hour of a UTC instant.
pub fn utc_to_paris(t: DateTime<Utc>) -> (NaiveDate, u32) {
    let guess = (t + Duration::hours(1)).date_naive();
    let local = t + Duration::hours(paris_offset(guess));
    (local.date_naive(), chrono::Timelike::hour(&local))
}

/// Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, month as u32, day as u32)
}

/// French public holidays.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    if fixed.contains(&(date.month(), date.day())) {
        return true;
    }
    let e = easter(date.year());
    [
        e + Duration::days(1),
        e + Duration::days(39),
        e + Duration::days(50),
    ]
    .contains(&date)
}

/// True during school holidays (zone A, dates approximated from one year to the next).
pub fn is_school_holiday(date: NaiveDate) -> bool {
    let md = (date.month(), date.day());
    let within = |from: (u32, u32), to: (u32, u32)| md >= from && md <= to;
    within((10, 19), (11, 3))
        || within((12, 20), (12, 31))
        || within((1, 1), (1, 4))
        || within((2, 7), (2, 22))
        || within((4, 4), (4, 20))
        || within((7, 5), (8, 31))
}

/// How busy a day of the school year is, before the weekday and the noise.
fn period_factor(date: NaiveDate) -> f64 {
    let (m, d) = (date.month(), date.day());
    if is_public_holiday(date) {
        return 0.05;
    }
    if is_school_holiday(date) {
        return match (m, d) {
            (8, 25..) => 0.45,
            (7, ..=10) => 0.5,
            (7 | 8, _) => 0.04,
            (12, _) | (1, _) => 0.1,
            _ => 0.22,
        };
    }
    match (m, d) {
        (9, ..=15) => 2.4,
        (9, _) => 1.7,
        (10, _) => 1.15,
        (11, 20..) => 1.2,
        (12, _) => 1.35,
        (3, 15..) | (4, ..=3) => 1.35,
        (5, _) => 0.85,
        (6, ..=14) => 1.3,
        (6, _) => 1.5,
        (7, _) => 0.7,
        _ => 1.0,
    }
}

fn weekday_factor(date: NaiveDate) -> f64 {
    match date.weekday() {
        Weekday::Mon => 1.15,
        Weekday::Tue => 1.1,
        Weekday::Wed => 0.7,
        Weekday::Thu => 1.05,
        Weekday::Fri => 0.9,
        Weekday::Sat => 0.1,
        Weekday::Sun => 0.05,
    }
}

/// How much more (or less) an application is asked about on a date than usual: LSUN at the
/// trimester deadlines, ONDE at the rentrée and for next year's admissions, ECECA before the
/// parents' elections in October, APAE for the annual report.
pub fn app_factor(app: &str, date: NaiveDate) -> f64 {
    let (m, d) = (date.month(), date.day());
    match (app, m, d) {
        ("LSUN", 12, ..=19) | ("LSUN", 3, 15..) | ("LSUN", 4, ..=3) | ("LSUN", 6, _) => 3.0,
        ("LSUN", 11, 20..) => 1.8,
        ("LSUN", 9, _) => 0.4,
        ("ONDE", 9, _) => 2.5,
        ("ONDE", 8, 25..) => 2.0,
        ("ONDE", 5 | 6, _) => 1.5,
        ("ECECA", 9, 15..) | ("ECECA", 10, ..=17) => 7.0,
        ("ECECA", _, _) => 0.15,
        ("APAE", 1 | 2, _) => 2.0,
        ("APAE", 6, _) => 1.5,
        ("ENT" | "MATERIEL", 9, _) => 1.7,
        ("MESSAGERIE", 9, _) => 1.3,
        ("USAGES", 11 | 1, _) => 1.3,
        _ => 1.0,
    }
}

/// A rough normal deviate (Irwin–Hall), enough for noise.
pub fn normal(rng: &mut StdRng) -> f64 {
    let sum: f64 = (0..4).map(|_| rng.random::<f64>()).sum();
    (sum - 2.0) * 3f64.sqrt()
}

impl Calendar {
    /// Weighs every hour from [`window_start`] to `now`, with day-to-day noise and a few surge
    /// days drawn from `rng`.
    pub fn build(now: DateTime<Utc>, rng: &mut StdRng) -> Self {
        let mut slots = Vec::new();
        let mut date = window_start(now);
        let (last, _) = utc_to_paris(now);
        while date <= last {
            let mut day = period_factor(date) * weekday_factor(date) * (0.2 * normal(rng)).exp();
            let school_day = !is_school_holiday(date)
                && !is_public_holiday(date)
                && date.weekday().num_days_from_monday() < 5;
            let surge = if school_day && rng.random_bool(0.015) {
                day *= 2.0;
                Some(SURGE_APPS[rng.random_range(0..SURGE_APPS.len())])
            } else {
                None
            };
            for (hour, weight) in HOURS.iter().enumerate() {
                let start = paris_to_utc(date, hour as u32, 0);
                if start >= now {
                    break;
                }
                let end = (start + Duration::hours(1)).min(now);
                let fraction = (end - start).num_seconds() as f64 / 3600.0;
                slots.push(Slot {
                    start,
                    end,
                    weight: day * weight * fraction,
                    date,
                    surge,
                });
            }
            date = date.succ_opt().expect("a next day");
        }
        Self { slots }
    }

    /// How many of `count` tickets each slot gets: proportional to the weights, cumulatively
    /// rounded so that the counts add up to exactly `count`.
    pub fn allocate(&self, count: usize) -> impl Iterator<Item = (&Slot, usize)> + '_ {
        let total: f64 = self.slots.iter().map(|s| s.weight).sum();
        let last = self.slots.len().saturating_sub(1);
        let mut cumulative = 0.0;
        let mut given = 0usize;
        self.slots.iter().enumerate().filter_map(move |(i, slot)| {
            cumulative += slot.weight;
            let target = if i == last {
                count
            } else {
                ((count as f64 * cumulative / total).round() as usize).min(count)
            };
            let n = target.saturating_sub(given);
            given = given.max(target);
            (n > 0).then_some((slot, n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn calendar_facts() {
        assert_eq!(easter(2025), ymd(2025, 4, 20));
        assert_eq!(easter(2026), ymd(2026, 4, 5));
        assert!(is_public_holiday(ymd(2025, 4, 21)));
        assert!(is_public_holiday(ymd(2026, 5, 14)), "Ascension 2026");
        assert_eq!(paris_offset(ymd(2026, 1, 10)), 1);
        assert_eq!(paris_offset(ymd(2026, 7, 10)), 2);
        let t = paris_to_utc(ymd(2026, 7, 10), 9, 30);
        assert_eq!(t.to_rfc3339(), "2026-07-10T07:30:00+00:00");
        assert_eq!(utc_to_paris(t), (ymd(2026, 7, 10), 9));
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 18, 0, 0)
            .single()
            .expect("date");
        assert_eq!(window_start(now), ymd(2024, 9, 1));
    }

    #[test]
    fn allocation_is_exact_and_seasonal() {
        let now = Utc
            .with_ymd_and_hms(2026, 6, 20, 10, 17, 0)
            .single()
            .expect("date");
        let cal = Calendar::build(now, &mut StdRng::seed_from_u64(1));
        assert!(cal.slots.iter().all(|s| s.start < now && s.end <= now));
        let mut by_month = [0usize; 13];
        let mut total = 0;
        for (slot, n) in cal.allocate(100_000) {
            by_month[slot.date.month() as usize] += n;
            total += n;
        }
        assert_eq!(total, 100_000);
        assert!(by_month[9] > 3 * by_month[8], "{by_month:?}");
        assert!(by_month[9] > by_month[11]);
    }
}
