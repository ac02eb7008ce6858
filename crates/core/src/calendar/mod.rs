//! Business-hours calendars: a time zone, weekly opening hours in local time, the public holidays
//! of a territory and closure periods; and the arithmetic SLA targets need on them.
//!
//! Everything is computed in the calendar's local time, one local date at a time, and turned into
//! UTC spans with the time zone's own rules, so DST is exact: on the spring-forward day an opening
//! at 02:30 does not exist and the desk opens at the first instant after the gap (03:00); on the
//! fall-back day an interval that spans the repeated hour lasts one hour more. A full day is
//! 23 or 25 hours long on those days.
//!
//! Instants are `DateTime<Utc>`; durations are business time (`chrono::Duration`). Pure: no clock.

pub mod holidays;
pub mod hours;
pub mod ics;

pub use holidays::{Holiday, Territory};
pub use hours::{OpenInterval, WeeklyHours};

use crate::FieldError;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A search gives up after this many consecutive days without an opening: longer than any
/// holiday plus closure period, so reaching it means the calendar practically never opens.
const MAX_CLOSED_DAYS: u32 = 800;

/// A half-open span of instants `[start, end)` during which the calendar is open.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// Days on which the desk is closed although they are neither weekends nor holidays: school
/// holidays, an annual closure. Local dates, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosurePeriod {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// What it is, as shown to administrators ("Vacances d'hiver - Zone A").
    #[serde(default)]
    pub label: String,
}

impl ClosurePeriod {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day <= date && date <= self.last_day
    }
}

/// A business-hours calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCalendar", into = "RawCalendar")]
pub struct Calendar {
    tz: Tz,
    hours: WeeklyHours,
    territory: Territory,
    /// False for a desk that works on public holidays (a vendor's 24/7 line).
    observes_holidays: bool,
    closures: Vec<ClosurePeriod>,
}

/// Which instant stands for a wall-clock time that occurs twice (the fall-back hour).
#[derive(Debug, Clone, Copy)]
enum Edge {
    /// An opening starts at the first occurrence.
    Start,
    /// A closing happens at the last occurrence, so the repeated hour is worked: a shift "until
    /// 02:30" ends when the clock shows 02:30 for the last time.
    End,
}

impl Calendar {
    /// A calendar in the IANA time zone `time_zone` (`Europe/Paris`, `Indian/Reunion`,
    /// `America/Cayenne`…); the error names `time_zone`.
    pub fn new(
        time_zone: &str,
        hours: WeeklyHours,
        territory: Territory,
    ) -> Result<Self, FieldError> {
        let tz: Tz = time_zone
            .parse()
            .map_err(|_| FieldError::new("time_zone", "invalid"))?;
        Ok(Self {
            tz,
            hours,
            territory,
            observes_holidays: true,
            closures: Vec::new(),
        })
    }

    /// The same calendar open on public holidays too (closures still apply).
    pub fn working_on_holidays(mut self) -> Self {
        self.observes_holidays = false;
        self
    }

    /// Whether public holidays of the territory are closed days (the default).
    pub fn observes_holidays(&self) -> bool {
        self.observes_holidays
    }

    /// Adds closure periods (e.g. imported with [`ics::parse`]); the error names `closures` when
    /// a period ends before it starts.
    pub fn with_closures(mut self, closures: Vec<ClosurePeriod>) -> Result<Self, FieldError> {
        if closures.iter().any(|c| c.last_day < c.first_day) {
            return Err(FieldError::new("closures", "order"));
        }
        self.closures.extend(closures);
        self.closures.sort_by_key(|c| c.first_day);
        Ok(self)
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn territory(&self) -> Territory {
        self.territory
    }

    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }

    pub fn closures(&self) -> &[ClosurePeriod] {
        &self.closures
    }

    /// True when `date` (local) is a public holiday of the territory or inside a closure period.
    pub fn is_closed_day(&self, date: NaiveDate) -> bool {
        (self.observes_holidays && holidays::holiday_on(self.territory, date).is_some())
            || self.closures.iter().any(|c| c.contains(date))
    }

    /// Whether the desk is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.spans_from(at)
            .next()
            .is_some_and(|(start, _)| start <= at)
    }

    /// `at` itself if the desk is open then, else the next opening; `None` if it never opens.
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spans_from(at).next().map(|(start, _)| start)
    }

    /// The instant at which `amount` of business time has elapsed since `from`. A zero (or
    /// negative) amount gives `from`; otherwise the result is inside opening hours or exactly at a
    /// closing time (the work is due by 12:00, not at the 13:30 reopening). `None` if the
    /// calendar stops opening before then.
    pub fn add_business(&self, from: DateTime<Utc>, amount: Duration) -> Option<DateTime<Utc>> {
        if amount <= Duration::zero() {
            return Some(from);
        }
        let mut remaining = amount;
        for (start, end) in self.spans_from(from) {
            let length = end - start;
            if length >= remaining {
                return Some(start + remaining);
            }
            remaining -= length;
        }
        None
    }

    /// The business time between `from` and `to`; zero when `to` is not after `from`.
    pub fn business_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        for (start, end) in self.spans_from(from) {
            if start >= to {
                break;
            }
            total += end.min(to) - start;
        }
        total
    }

    /// The open spans that end after `from`, in order, the first clipped to start at `from` at
    /// the earliest. Ends after [`MAX_CLOSED_DAYS`] days in a row without an opening.
    fn spans_from(&self, from: DateTime<Utc>) -> impl Iterator<Item = Span> + '_ {
        let first_day = from.with_timezone(&self.tz).date_naive();
        // The day before may still be open at `from` (an interval to 24:00 across a fold).
        let mut day = first_day.pred_opt();
        let mut last_end = from;
        let mut closed_days = 0u32;
        let mut pending: std::vec::IntoIter<Span> = Vec::new().into_iter();
        let never_opens = self.hours.is_closed();
        std::iter::from_fn(move || {
            if never_opens {
                return None;
            }
            loop {
                for (start, end) in pending.by_ref() {
                    // Clamping keeps spans disjoint and ordered, even when a fold makes one day's
                    // closing fall after the next day's opening.
                    let start = start.max(last_end);
                    if start < end {
                        last_end = end;
                        return Some((start, end));
                    }
                }
                let date = day?;
                day = date.succ_opt();
                let spans = self.day_spans(date);
                if spans.is_empty() {
                    closed_days += 1;
                    if closed_days > MAX_CLOSED_DAYS {
                        return None;
                    }
                } else {
                    closed_days = 0;
                }
                pending = spans.into_iter();
            }
        })
    }

    /// The open spans of one local date, sorted and disjoint.
    fn day_spans(&self, date: NaiveDate) -> Vec<Span> {
        if self.is_closed_day(date) {
            return Vec::new();
        }
        let mut out: Vec<Span> = Vec::new();
        for interval in self.hours.on(chrono::Datelike::weekday(&date)) {
            let end_date = if interval.end_minute() >= 24 * 60 {
                date.succ_opt()
            } else {
                Some(date)
            };
            let Some(end_date) = end_date else { continue };
            let start = self.instant(date.and_time(interval.start_time()), Edge::Start);
            let end = self.instant(
                end_date.and_time(hours::minute_time(interval.end_minute())),
                Edge::End,
            );
            let start = out
                .last()
                .map_or(start, |(_, prev_end)| start.max(*prev_end));
            if start < end {
                out.push((start, end));
            }
        }
        out
    }

    /// The instant of a local wall-clock time: the first or last occurrence of a repeated time
    /// (see [`Edge`]), and for a time skipped by a DST gap the first instant after the gap.
    fn instant(&self, local: NaiveDateTime, edge: Edge) -> DateTime<Utc> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => {
                let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
                match edge {
                    Edge::Start => a.min(b),
                    Edge::End => a.max(b),
                }
            }
            LocalResult::None => self.after_gap(local),
        }
    }

    /// The first instant whose wall-clock time is at or after `local`, `local` being in a gap.
    /// UTC offsets lie within ±15 h, so the instant is within `local - 15 h ..= local + 15 h`
    /// read as UTC; wall-clock time is monotonic there (no real zone has a gap and a fold a few
    /// hours apart), so a binary search on seconds finds it exactly.
    fn after_gap(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let target = local.and_utc().timestamp();
        let wall = |secs: i64| {
            DateTime::from_timestamp(secs, 0).map(|u| {
                u.with_timezone(&self.tz)
                    .naive_local()
                    .and_utc()
                    .timestamp()
            })
        };
        let (mut lo, mut hi) = (target - 15 * 3600, target + 15 * 3600);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match wall(mid) {
                Some(w) if w >= target => hi = mid,
                Some(_) => lo = mid + 1,
                None => break,
            }
        }
        DateTime::from_timestamp(hi, 0).unwrap_or(local.and_utc())
    }
}

/// The serialised calendar: the time zone by its IANA name.
#[derive(Debug, Serialize, Deserialize)]
struct RawCalendar {
    time_zone: String,
    hours: WeeklyHours,
    territory: Territory,
    #[serde(default = "yes")]
    observes_holidays: bool,
    #[serde(default)]
    closures: Vec<ClosurePeriod>,
}

fn yes() -> bool {
    true
}

impl TryFrom<RawCalendar> for Calendar {
    type Error = FieldError;

    fn try_from(raw: RawCalendar) -> Result<Self, FieldError> {
        let calendar = Calendar::new(&raw.time_zone, raw.hours, raw.territory)?;
        let calendar = if raw.observes_holidays {
            calendar
        } else {
            calendar.working_on_holidays()
        };
        calendar.with_closures(raw.closures)
    }
}

impl From<Calendar> for RawCalendar {
    fn from(c: Calendar) -> Self {
        RawCalendar {
            time_zone: c.tz.name().to_owned(),
            hours: c.hours,
            territory: c.territory,
            observes_holidays: c.observes_holidays,
            closures: c.closures,
        }
    }
}
