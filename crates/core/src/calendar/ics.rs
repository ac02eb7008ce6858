//! Closure periods from an iCalendar (RFC 5545) file, such as the official school calendar's
//! (one VEVENT per holiday and zone, `DTSTART;VALUE=DATE`, the zone in SUMMARY, LOCATION or
//! DESCRIPTION).
//!
//! Reads VEVENT's DTSTART, DTEND (or a DURATION in days or weeks), SUMMARY, LOCATION and
//! DESCRIPTION, skips cancelled events and refuses recurring ones; handles a BOM, CRLF or LF, folded lines and escaped text. DATE values are local
//! dates; DATE-TIME values with a TZID or in UTC are converted to the calendar's zone, floating
//! ones are read as local. Malformed input is an [`IcsError`] naming the line; it never panics.

use super::ClosurePeriod;
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

named_enum!(
    /// The school-holiday zones of metropolitan France (plus Corsica, which has its own dates).
    SchoolZone, field = "zone", { A => "A", B => "B", C => "C", Corse => "corse" }
);

/// One closure period read from the file, with the zones its text names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsClosure {
    pub period: ClosurePeriod,
    /// Zones named in SUMMARY, LOCATION or DESCRIPTION; empty when none is.
    pub zones: Vec<SchoolZone>,
}

/// The closure periods that concern a desk of `zone`: those naming it, and those naming no zone
/// at all (a national holiday, the service's own closure).
pub fn for_zone(closures: &[IcsClosure], zone: SchoolZone) -> Vec<ClosurePeriod> {
    closures
        .iter()
        .filter(|c| c.zones.is_empty() || c.zones.contains(&zone))
        .map(|c| c.period.clone())
        .collect()
}

/// Why a file could not be read; `line` is the 1-based physical line where the trouble starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct IcsError {
    pub line: usize,
    pub reason: IcsReason,
}

/// What is wrong at that line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsReason {
    #[error("not a content line (NAME:value expected)")]
    NotContentLine,
    #[error("END:{found} does not close BEGIN:{expected}")]
    Mismatched { expected: String, found: String },
    #[error("END:{0} without BEGIN")]
    UnexpectedEnd(String),
    #[error("BEGIN:{0} is never closed")]
    Unclosed(String),
    #[error("{property} is not a valid date or date-time")]
    BadDate { property: &'static str },
    #[error("unknown time zone {0}")]
    UnknownTimeZone(String),
    #[error("the event has no DTSTART")]
    MissingStart,
    #[error("DTEND is before DTSTART")]
    EndBeforeStart,
    #[error("DURATION must be a whole number of days or weeks (P3D, P2W)")]
    BadDuration,
    #[error("no VCALENDAR in the file")]
    NotCalendar,
    #[error("recurring events (RRULE, RDATE) are not supported: list each period")]
    Recurring,
}

/// A logical line after unfolding, with the physical line it starts on.
struct Line {
    number: usize,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// A date or date-time value as written.
#[derive(Clone, Copy)]
enum When {
    Date(NaiveDate),
    Local(NaiveDateTime, Option<Tz>),
    Utc(NaiveDateTime),
}

/// The event being read.
#[derive(Default)]
struct Event {
    start: Option<When>,
    end: Option<(When, usize)>,
    duration_days: Option<i64>,
    summary: String,
    location: String,
    description: String,
    cancelled: bool,
}

/// Parses `text` into closure periods, dates read in `tz` (the calendar's zone).
pub fn parse(text: &str, tz: Tz) -> Result<Vec<IcsClosure>, IcsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut event: Option<Event> = None;
    let mut out = Vec::new();
    let mut saw_calendar = false;
    let mut last_line = 0;
    for line in unfold(text) {
        let line = line?;
        last_line = line.number;
        let err = |reason| IcsError {
            line: line.number,
            reason,
        };
        match line.name.as_str() {
            "BEGIN" => {
                let what = line.value.trim().to_ascii_uppercase();
                saw_calendar |= what == "VCALENDAR";
                if what == "VEVENT" {
                    event = Some(Event::default());
                }
                stack.push((what, line.number));
            }
            "END" => {
                let what = line.value.trim().to_ascii_uppercase();
                match stack.pop() {
                    Some((open, _)) if open == what => {}
                    Some((open, _)) => {
                        return Err(err(IcsReason::Mismatched {
                            expected: open,
                            found: what,
                        }));
                    }
                    None => return Err(err(IcsReason::UnexpectedEnd(what))),
                }
                if what == "VEVENT"
                    && let Some(ev) = event.take()
                {
                    let cancelled = ev.cancelled;
                    let closure = finish(ev, line.number, tz)?;
                    if !cancelled {
                        out.push(closure);
                    }
                }
            }
            _ => {
                // Properties of VALARM or VTIMEZONE inside an event are not the event's own.
                let in_event = stack.last().is_some_and(|(s, _)| s == "VEVENT");
                let Some(ev) = event.as_mut().filter(|_| in_event) else {
                    continue;
                };
                match line.name.as_str() {
                    "DTSTART" => ev.start = Some(when(&line, "DTSTART")?),
                    "DTEND" => ev.end = Some((when(&line, "DTEND")?, line.number)),
                    "DURATION" => {
                        ev.duration_days =
                            Some(duration_days(&line.value).ok_or(err(IcsReason::BadDuration))?);
                    }
                    "SUMMARY" => ev.summary = unescape(&line.value),
                    "LOCATION" => ev.location = unescape(&line.value),
                    "DESCRIPTION" => ev.description = unescape(&line.value),
                    // Importing only the first occurrence would silently miss the others.
                    "RRULE" | "RDATE" => return Err(err(IcsReason::Recurring)),
                    "STATUS" => ev.cancelled = line.value.trim().eq_ignore_ascii_case("CANCELLED"),
                    _ => {}
                }
            }
        }
    }
    if let Some((open, number)) = stack.pop() {
        return Err(IcsError {
            line: number,
            reason: IcsReason::Unclosed(open),
        });
    }
    if !saw_calendar {
        return Err(IcsError {
            line: last_line.max(1),
            reason: IcsReason::NotCalendar,
        });
    }
    Ok(out)
}

/// Splits into physical lines (CRLF or LF), joins folded ones (a leading space or tab continues
/// the previous line) and splits each into name, parameters and value.
fn unfold(text: &str) -> impl Iterator<Item = Result<Line, IcsError>> + '_ {
    let mut physical = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .peekable();
    std::iter::from_fn(move || {
        loop {
            let (index, first) = physical.next()?;
            let mut logical = first.to_owned();
            while let Some((_, next)) = physical.peek() {
                let Some(rest) = next.strip_prefix([' ', '\t']) else {
                    break;
                };
                logical.push_str(rest);
                physical.next();
            }
            if logical.trim().is_empty() {
                continue;
            }
            return Some(split_line(index + 1, &logical));
        }
    })
}

/// `NAME;PARAM=value;PARAM="quoted:value":VALUE` into its parts.
fn split_line(number: usize, line: &str) -> Result<Line, IcsError> {
    let bad = || IcsError {
        line: number,
        reason: IcsReason::NotContentLine,
    };
    // The value starts at the first colon outside double quotes.
    let mut in_quotes = false;
    let colon = line
        .char_indices()
        .find(|&(_, c)| {
            if c == '"' {
                in_quotes = !in_quotes;
            }
            c == ':' && !in_quotes
        })
        .map(|(i, _)| i)
        .ok_or_else(bad)?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !name_ok {
        return Err(bad());
    }
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_uppercase(),
                v.trim_matches('"').to_owned(),
            )
        })
        .collect();
    Ok(Line {
        number,
        name,
        params,
        value: value.to_owned(),
    })
}

/// A DTSTART/DTEND value: `20250215` (DATE), `20250215T080000` with an optional TZID, or
/// `20250215T070000Z`.
fn when(line: &Line, property: &'static str) -> Result<When, IcsError> {
    let bad = |reason| IcsError {
        line: line.number,
        reason,
    };
    let bad_date = || bad(IcsReason::BadDate { property });
    let value = line.value.trim();
    let is_date = line
        .params
        .iter()
        .any(|(k, v)| k == "VALUE" && v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
    if is_date {
        return NaiveDate::parse_from_str(value, "%Y%m%d")
            .map(When::Date)
            .map_err(|_| bad_date());
    }
    if let Some(utc) = value.strip_suffix(['Z', 'z']) {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .map(When::Utc)
            .map_err(|_| bad_date());
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map_err(|_| bad_date())?;
    let zone = match line.params.iter().find(|(k, _)| k == "TZID") {
        Some((_, name)) => {
            // Some producers prefix the IANA name with a slash or a vendor path.
            let name = name.trim_start_matches('/');
            let zone = name
                .parse::<Tz>()
                .map_err(|_| bad(IcsReason::UnknownTimeZone(name.to_owned())))?;
            Some(zone)
        }
        None => None,
    };
    Ok(When::Local(local, zone))
}

/// `P3D`, `P2W` (with an optional leading `+`) in days; times within the day are not supported.
fn duration_days(value: &str) -> Option<i64> {
    let v = value
        .trim()
        .trim_start_matches('+')
        .strip_prefix(['P', 'p'])?;
    let (number, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: i64 = number.parse().ok()?;
    match unit {
        "D" | "d" => Some(n),
        "W" | "w" => n.checked_mul(7),
        _ => None,
    }
    .filter(|d| (0..=3660).contains(d))
}

/// The local date of a value in `tz`, and whether it is exactly local midnight (an exclusive end
/// at midnight closes the day before).
fn local_date(value: When, tz: Tz) -> (NaiveDate, bool) {
    let local = match value {
        When::Date(d) => return (d, true),
        When::Utc(naive) => Utc
            .from_utc_datetime(&naive)
            .with_timezone(&tz)
            .naive_local(),
        When::Local(naive, None) => naive,
        When::Local(naive, Some(zone)) => match zone.from_local_datetime(&naive).earliest() {
            Some(t) => t.with_timezone(&tz).naive_local(),
            // A time inside its zone's DST gap: its wall-clock date is still the right day.
            None => naive,
        },
    };
    (local.date(), local.time() == chrono::NaiveTime::MIN)
}

/// Turns a finished VEVENT into a closure period. DTEND is exclusive (RFC 5545): a DATE end is
/// the day after the last day; a DATE-TIME end at local midnight is too.
fn finish(ev: Event, end_line: usize, tz: Tz) -> Result<IcsClosure, IcsError> {
    let start = ev.start.ok_or(IcsError {
        line: end_line,
        reason: IcsReason::MissingStart,
    })?;
    let (first_day, _) = local_date(start, tz);
    let last_day = match (ev.end, ev.duration_days) {
        (Some((end, line)), _) => {
            let (date, at_midnight) = local_date(end, tz);
            let last = if at_midnight {
                date.pred_opt()
            } else {
                Some(date)
            };
            let last = last.unwrap_or(date).max(first_day);
            let before = match (start, end) {
                (When::Date(s), When::Date(e)) => e < s,
                _ => date < first_day,
            };
            if before {
                return Err(IcsError {
                    line,
                    reason: IcsReason::EndBeforeStart,
                });
            }
            last
        }
        (None, Some(days)) if days > 0 => first_day
            .checked_add_signed(Duration::days(days - 1))
            .unwrap_or(first_day),
        // No end: a DATE event is that one day, a DATE-TIME event ends when it starts.
        _ => first_day,
    };
    let zones = zones_in(&[&ev.summary, &ev.location, &ev.description]);
    Ok(IcsClosure {
        period: ClosurePeriod {
            first_day,
            last_day,
            label: ev.summary,
        },
        zones,
    })
}

/// Zones named in the texts: `Zone A`, `zones A et B`, `Zone C`, `Corse`, case and accents aside.
fn zones_in(texts: &[&str]) -> Vec<SchoolZone> {
    let mut out = Vec::new();
    for text in texts {
        let folded = crate::search::fold(text);
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for (i, w) in words.iter().enumerate() {
            if *w == "corse" && !out.contains(&SchoolZone::Corse) {
                out.push(SchoolZone::Corse);
            }
            if *w != "zone" && *w != "zones" {
                continue;
            }
            // The letters that follow: "zones a, b et c".
            for next in words[i + 1..].iter().filter(|n| **n != "et") {
                let zone = match *next {
                    "a" => SchoolZone::A,
                    "b" => SchoolZone::B,
                    "c" => SchoolZone::C,
                    _ => break,
                };
                if !out.contains(&zone) {
                    out.push(zone);
                }
            }
        }
    }
    out
}

/// RFC 5545 TEXT unescaping: `\,` `\;` `\\` `\n`.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out.trim().to_owned()
}
