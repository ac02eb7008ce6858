//! The ICS import against a hand-written file in the style of the official school calendar, its
//! errors (each naming its line), and random input that must never panic.

use super::{date, paris, paris_office};
use guichet_core::calendar::ics::{IcsClosure, IcsError, IcsReason, SchoolZone, for_zone, parse};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("../fixtures/calendrier-scolaire-2026-2027.ics");

fn paris_tz() -> chrono_tz::Tz {
    chrono_tz::Europe::Paris
}

fn read_fixture() -> Vec<IcsClosure> {
    parse(FIXTURE, paris_tz()).expect("the fixture is valid")
}

#[test]
fn the_school_calendar_gives_closures_with_their_zones() {
    use SchoolZone::{A, B, C};
    let got: Vec<_> = read_fixture()
        .into_iter()
        .map(|c| {
            (
                c.period.first_day,
                c.period.last_day,
                c.zones,
                c.period.label,
            )
        })
        .collect();
    let expected = vec![
        (
            date(2026, 10, 17),
            date(2026, 11, 1),
            vec![A, B, C],
            "Vacances de la Toussaint",
        ),
        (
            date(2026, 12, 19),
            date(2027, 1, 3),
            vec![A, B, C],
            "Vacances de Noël",
        ),
        (
            date(2027, 2, 6),
            date(2027, 2, 21),
            vec![A],
            "Vacances d'Hiver - Zone A",
        ),
        (
            date(2027, 2, 20),
            date(2027, 3, 7),
            vec![B],
            "Vacances d'Hiver",
        ),
        // The alarm inside this event names zone A: it is not the event's text.
        (
            date(2027, 2, 13),
            date(2027, 2, 28),
            vec![C],
            "Vacances d'Hiver - Zone C",
        ),
        // DATE-TIME with TZID, ending at midnight: the last day is the day before.
        (
            date(2027, 5, 6),
            date(2027, 5, 9),
            vec![A, B, C],
            "Pont de l'Ascension",
        ),
        // 22:00 UTC is midnight in Paris in July; three weeks from there.
        (
            date(2027, 7, 15),
            date(2027, 8, 4),
            vec![],
            "Fermeture estivale du service",
        ),
        (
            date(2027, 8, 30),
            date(2027, 8, 30),
            vec![],
            "Pré-rentrée des enseignants (fermeture au public)",
        ),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(a, b, z, l)| (a, b, z, l.to_owned()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn a_zone_a_desk_closes_in_zone_a_holidays_only() {
    let zone_a = for_zone(&read_fixture(), SchoolZone::A);
    assert_eq!(
        zone_a.len(),
        6,
        "four zone A breaks and two closures without a zone"
    );
    let cal = paris_office().with_closures(zone_a).expect("ordered");
    assert!(
        !cal.is_open(paris(2027, 2, 8, 10, 0)),
        "zone A winter break"
    );
    assert!(
        cal.is_open(paris(2027, 3, 1, 10, 0)),
        "zone B's break is not ours"
    );
    assert_eq!(
        cal.next_open(paris(2027, 2, 5, 18, 0)),
        Some(paris(2027, 2, 22, 8, 0))
    );
}

fn error_of(text: &str) -> IcsError {
    parse(text, paris_tz()).expect_err("malformed")
}

#[test]
fn malformed_files_are_refused_naming_the_line() {
    let wrap = |body: &str| {
        format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n")
    };
    let cases: Vec<(String, usize, IcsReason)> = vec![
        (
            "BEGIN:VCALENDAR\nnot a property\nEND:VCALENDAR\n".into(),
            2,
            IcsReason::NotContentLine,
        ),
        (
            wrap("DTSTART;VALUE=DATE:2026-10-17\r\n"),
            3,
            IcsReason::BadDate {
                property: "DTSTART",
            },
        ),
        (
            wrap("DTSTART:20261017\r\nDTEND:20261332\r\n"),
            4,
            IcsReason::BadDate { property: "DTEND" },
        ),
        (
            wrap("DTSTART;TZID=Europe/Atlantis:20261017T080000\r\n"),
            3,
            IcsReason::UnknownTimeZone("Europe/Atlantis".into()),
        ),
        (wrap("SUMMARY:Sans date\r\n"), 4, IcsReason::MissingStart),
        (
            wrap("DTSTART:20261017\r\nDTEND:20261010\r\n"),
            4,
            IcsReason::EndBeforeStart,
        ),
        (
            wrap("DTSTART:20261017\r\nDURATION:PT3H\r\n"),
            4,
            IcsReason::BadDuration,
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261017\r\nEND:VCALENDAR\r\n".into(),
            4,
            IcsReason::Mismatched {
                expected: "VEVENT".into(),
                found: "VCALENDAR".into(),
            },
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261017\r\n".into(),
            2,
            IcsReason::Unclosed("VEVENT".into()),
        ),
        (
            "END:VCALENDAR\r\n".into(),
            1,
            IcsReason::UnexpectedEnd("VCALENDAR".into()),
        ),
        (
            wrap("DTSTART:20261017\r\nRRULE:FREQ=YEARLY\r\n"),
            4,
            IcsReason::Recurring,
        ),
        ("".into(), 1, IcsReason::NotCalendar),
        ("SUMMARY:hello\n".into(), 1, IcsReason::NotCalendar),
    ];
    for (text, line, reason) in cases {
        let err = error_of(&text);
        assert_eq!(err, IcsError { line, reason }, "{text:?}");
        assert!(
            err.to_string().starts_with(&format!("line {line}: ")),
            "{err}"
        );
    }
}

#[test]
fn cancelled_events_are_skipped() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261017\nSTATUS:CANCELLED\nEND:VEVENT\n\
                BEGIN:VEVENT\nDTSTART:20261018\nSTATUS:CONFIRMED\nEND:VEVENT\nEND:VCALENDAR\n";
    let got = parse(text, paris_tz()).expect("valid");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].period.first_day, date(2026, 10, 18));
}

#[test]
fn folded_lines_count_from_their_first_line() {
    // The bad value is folded over lines 3 and 4; the error points at line 3.
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026\n 1017X\nEND:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(error_of(text).line, 3);
    let ok = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026\n 1017\nSUMMARY:Vacances\n  de f\n\tin\nEND:VEVENT\nEND:VCALENDAR";
    let got = parse(ok, paris_tz()).expect("valid");
    assert_eq!(got[0].period.first_day, date(2026, 10, 17));
    assert_eq!(got[0].period.label, "Vacances de fin");
}

proptest! {
    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse(&text, paris_tz());
    }

    #[test]
    fn random_lines_of_properties_never_panic(
        lines in prop::collection::vec(
            prop_oneof![
                Just("BEGIN:VCALENDAR".to_owned()),
                Just("BEGIN:VEVENT".to_owned()),
                Just("END:VEVENT".to_owned()),
                Just("END:VCALENDAR".to_owned()),
                "(DTSTART|DTEND|DURATION|SUMMARY|LOCATION)(;(VALUE|TZID)=[A-Za-z/\"]{0,12})?:[0-9TZPDW:;\\-+ ]{0,20}",
                " [0-9A-Za-z\\\\,]{0,10}",
            ],
            0..30,
        )
    ) {
        let text = lines.join("\r\n");
        if let Ok(closures) = parse(&text, paris_tz()) {
            for c in closures {
                prop_assert!(c.period.first_day <= c.period.last_day);
            }
        }
    }

    #[test]
    fn damaged_fixtures_never_panic(cut in 0usize..FIXTURE.len(), junk in "\\PC{0,8}") {
        let mut text: String = FIXTURE.chars().take(cut).collect();
        text.push_str(&junk);
        text.extend(FIXTURE.chars().skip(cut + junk.len()));
        let _ = parse(&text, paris_tz());
    }
}
