//! Weekly opening hours in local wall-clock time: several intervals per weekday
//! (`08:00-12:00`, `13:30-17:30`), `24:00` meaning the following midnight.
//!
//! This module only validates and holds the hours; turning them into instants (and so into time
//! zones and DST) is [`super::Calendar`]'s job.

use crate::FieldError;
use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Minutes in a day; also the `24:00` that closes an interval at midnight.
const DAY_MINUTES: u16 = 24 * 60;

/// The field name of each weekday's hours, Monday first, as the API and errors spell them.
const DAY_FIELDS: [&str; 7] = [
    "hours.mon",
    "hours.tue",
    "hours.wed",
    "hours.thu",
    "hours.fri",
    "hours.sat",
    "hours.sun",
];

/// One opening interval of a day, `[start, end)` in minutes since local midnight; `end` may be
/// 1440 (`24:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpenInterval {
    start: u16,
    end: u16,
}

impl OpenInterval {
    /// An interval from minutes since midnight; `start < end <= 1440`.
    pub fn new(start: u16, end: u16) -> Option<Self> {
        (start < end && end <= DAY_MINUTES).then_some(Self { start, end })
    }

    /// Parses `HH:MM-HH:MM`; the error names `field` with code `hours`.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "hours");
        let (a, b) = input.trim().split_once('-').ok_or_else(bad)?;
        let start = parse_hhmm(a).ok_or_else(bad)?;
        let end = parse_hhmm(b).ok_or_else(bad)?;
        Self::new(start, end).ok_or_else(bad)
    }

    /// Minutes since midnight at which it opens.
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// Minutes since midnight at which it closes (1440 for midnight at the end of the day).
    pub fn end_minute(self) -> u16 {
        self.end
    }

    /// The opening wall-clock time (a start is always before 24:00).
    pub fn start_time(self) -> NaiveTime {
        minute_time(self.start)
    }
}

/// `HH:MM` to minutes since midnight, `24:00` allowed.
fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    let total = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && total <= DAY_MINUTES).then_some(total)
}

/// The wall-clock time `minute` minutes after midnight; 1440 wraps to 00:00 (the caller adds the day).
pub(crate) fn minute_time(minute: u16) -> NaiveTime {
    let m = u32::from(minute % DAY_MINUTES);
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN)
}

impl fmt::Display for OpenInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// Opening hours for each weekday. Intervals of a day are sorted and do not overlap (touching is
/// refused too, so that `08:00-12:00, 12:00-14:00` is written `08:00-14:00`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWeek", into = "RawWeek")]
pub struct WeeklyHours {
    days: [Vec<OpenInterval>; 7],
}

impl WeeklyHours {
    /// No opening at all (a calendar with these hours never opens).
    pub fn closed() -> Self {
        Self::default()
    }

    /// The same intervals on each of `days`, e.g. Monday to Friday `08:00-12:00, 13:30-17:30`.
    pub fn uniform(days: &[Weekday], intervals: &[&str]) -> Result<Self, FieldError> {
        let mut week = Self::default();
        for day in days {
            let field = DAY_FIELDS[day.num_days_from_monday() as usize];
            let parsed = intervals
                .iter()
                .map(|s| OpenInterval::parse(field, s))
                .collect::<Result<Vec<_>, _>>()?;
            week.set(*day, parsed)?;
        }
        Ok(week)
    }

    /// Always open: `00:00-24:00` every day (useful for 24/7 desks and for tests).
    pub fn always() -> Self {
        let all = OpenInterval {
            start: 0,
            end: DAY_MINUTES,
        };
        Self {
            days: std::array::from_fn(|_| vec![all]),
        }
    }

    /// Sets one weekday's intervals, sorting them; refuses overlapping or touching intervals.
    pub fn set(
        &mut self,
        day: Weekday,
        mut intervals: Vec<OpenInterval>,
    ) -> Result<(), FieldError> {
        let field = DAY_FIELDS[day.num_days_from_monday() as usize];
        intervals.sort();
        if intervals.windows(2).any(|w| w[0].end >= w[1].start) {
            return Err(FieldError::new(field, "overlap"));
        }
        self.days[day.num_days_from_monday() as usize] = intervals;
        Ok(())
    }

    /// The intervals of one weekday, sorted.
    pub fn on(&self, day: Weekday) -> &[OpenInterval] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// True when no day has any opening.
    pub fn is_closed(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// The serialised form: `{"mon": ["08:00-12:00", "13:30-17:30"], …}`, days without hours left out.
#[derive(Debug, Serialize, Deserialize)]
struct RawWeek(BTreeMap<String, Vec<String>>);

impl TryFrom<RawWeek> for WeeklyHours {
    type Error = FieldError;

    fn try_from(raw: RawWeek) -> Result<Self, FieldError> {
        let mut week = Self::default();
        for (name, intervals) in raw.0 {
            let index = DAY_FIELDS
                .iter()
                .position(|f| f.strip_prefix("hours.") == Some(name.as_str()))
                .ok_or(FieldError::new("hours", "weekday"))?;
            let field = DAY_FIELDS[index];
            let parsed = intervals
                .iter()
                .map(|s| OpenInterval::parse(field, s))
                .collect::<Result<Vec<_>, _>>()?;
            let day =
                Weekday::try_from(index as u8).map_err(|_| FieldError::new(field, "weekday"))?;
            week.set(day, parsed)?;
        }
        Ok(week)
    }
}

impl From<WeeklyHours> for RawWeek {
    fn from(week: WeeklyHours) -> Self {
        let map = week
            .days
            .iter()
            .zip(DAY_FIELDS)
            .filter(|(intervals, _)| !intervals.is_empty())
            .map(|(intervals, field)| {
                let name = field.trim_start_matches("hours.").to_owned();
                (name, intervals.iter().map(ToString::to_string).collect())
            })
            .collect();
        RawWeek(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_and_refuse_nonsense() {
        let i = OpenInterval::parse("h", "08:00-12:30").expect("valid");
        assert_eq!((i.start_minute(), i.end_minute()), (480, 750));
        assert_eq!(i.to_string(), "08:00-12:30");
        let night = OpenInterval::parse("h", "20:00-24:00").expect("24:00 closes at midnight");
        assert_eq!(night.end_minute(), 1440);
        for bad in [
            "12:00-08:00",
            "08:00-08:00",
            "8-12",
            "08:60-12:00",
            "24:01-24:30",
            "",
            "08:00",
        ] {
            assert_eq!(
                OpenInterval::parse("hours.mon", bad),
                Err(FieldError::new("hours.mon", "hours")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn overlapping_intervals_are_refused_with_the_day() {
        let err = WeeklyHours::uniform(&[Weekday::Wed], &["08:00-12:00", "11:00-14:00"]);
        assert_eq!(err, Err(FieldError::new("hours.wed", "overlap")));
        let touching = WeeklyHours::uniform(&[Weekday::Fri], &["08:00-12:00", "12:00-14:00"]);
        assert_eq!(touching, Err(FieldError::new("hours.fri", "overlap")));
    }

    #[test]
    fn json_round_trips_and_names_the_bad_day() {
        let week = WeeklyHours::uniform(
            &[Weekday::Mon, Weekday::Tue],
            &["13:30-17:30", "08:00-12:00"],
        )
        .expect("valid");
        assert_eq!(week.on(Weekday::Mon)[0].to_string(), "08:00-12:00");
        let json = serde_json::to_string(&week).expect("serialises");
        assert_eq!(
            json,
            r#"{"mon":["08:00-12:00","13:30-17:30"],"tue":["08:00-12:00","13:30-17:30"]}"#
        );
        let back: WeeklyHours = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, week);
        let err =
            serde_json::from_str::<WeeklyHours>(r#"{"thu":["9h-12h"]}"#).expect_err("bad hours");
        assert!(err.to_string().contains("hours.thu"), "{err}");
        let err = serde_json::from_str::<WeeklyHours>(r#"{"jeudi":[]}"#).expect_err("bad day");
        assert!(err.to_string().contains("hours: weekday"), "{err}");
    }
}
