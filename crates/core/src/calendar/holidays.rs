//! French public holidays (jours fériés) per territory, computed for any year.
//!
//! The national list is the Code du travail, article L3133-1: 1 January, Easter Monday, 1 May,
//! 8 May, Ascension Thursday, Whit Monday, 14 July, 15 August, 1 November, 11 November and
//! 25 December. Territories add their own days:
//!
//! - Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle): Good Friday and 26 December, Code du travail
//!   article L3134-13 (local law kept from the 16 August 1892 ordinance). The law grants Good
//!   Friday only in communes with a Protestant temple or a mixed church; a desk calendar cannot
//!   know the commune, so the whole territory gets it, as the académie de Strasbourg does.
//! - The commemoration of the abolition of slavery (loi n° 83-550 du 30 juin 1983; dates fixed by
//!   décret n° 83-1003 du 23 novembre 1983, as amended by décret n° 2012-553 du 23 avril 2012):
//!   Guadeloupe 27 May, Guyane 10 June, Martinique 22 May, Mayotte 27 April, La Réunion
//!   20 December, Saint-Barthélemy 9 October, Saint-Martin 27 May.
//!
//! Pure date arithmetic: no clock, no time zone (a holiday is a local date of the calendar).

use chrono::{Datelike, Duration, NaiveDate};

named_enum!(
    /// A territory whose public holidays a calendar follows.
    Territory, field = "territory", {
        /// Metropolitan France outside Alsace-Moselle (and Corsica, which has no extra day).
        Metropole => "metropole",
        /// Bas-Rhin, Haut-Rhin and Moselle.
        AlsaceMoselle => "alsace_moselle",
        Guadeloupe => "guadeloupe",
        Martinique => "martinique",
        Guyane => "guyane",
        LaReunion => "la_reunion",
        Mayotte => "mayotte",
        SaintBarthelemy => "saint_barthelemy",
        SaintMartin => "saint_martin",
    }
);

named_enum!(
    /// Which public holiday a date is, so screens and timelines can name it.
    Holiday, field = "holiday", {
        NewYear => "new_year",
        GoodFriday => "good_friday",
        EasterMonday => "easter_monday",
        LabourDay => "labour_day",
        Victory1945 => "victory_1945",
        Ascension => "ascension",
        WhitMonday => "whit_monday",
        BastilleDay => "bastille_day",
        Assumption => "assumption",
        AllSaints => "all_saints",
        Armistice => "armistice",
        Christmas => "christmas",
        SaintStephen => "saint_stephen",
        /// The territory's commemoration of the abolition of slavery.
        Abolition => "abolition",
    }
);

/// Easter Sunday of a Gregorian year, by the anonymous Gregorian computus (Meeus/Jones/Butcher).
/// Valid for every year of the Gregorian calendar; `None` only outside chrono's date range.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

impl Territory {
    /// The day of the abolition of slavery in this territory, if it has one.
    fn abolition_day(self) -> Option<(u32, u32)> {
        match self {
            Self::Metropole | Self::AlsaceMoselle => None,
            Self::Guadeloupe | Self::SaintMartin => Some((5, 27)),
            Self::Martinique => Some((5, 22)),
            Self::Guyane => Some((6, 10)),
            Self::LaReunion => Some((12, 20)),
            Self::Mayotte => Some((4, 27)),
            Self::SaintBarthelemy => Some((10, 9)),
        }
    }
}

/// The public holidays of `territory` in `year`, sorted by date. Empty outside chrono's range.
pub fn holidays(territory: Territory, year: i32) -> Vec<(NaiveDate, Holiday)> {
    let Some(easter) = easter(year) else {
        return Vec::new();
    };
    let fixed = |month: u32, day: u32, holiday: Holiday| {
        NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, holiday))
    };
    let from_easter = |days: i64, holiday: Holiday| {
        easter
            .checked_add_signed(Duration::days(days))
            .map(|d| (d, holiday))
    };
    let mut out: Vec<(NaiveDate, Holiday)> = [
        fixed(1, 1, Holiday::NewYear),
        from_easter(1, Holiday::EasterMonday),
        fixed(5, 1, Holiday::LabourDay),
        fixed(5, 8, Holiday::Victory1945),
        from_easter(39, Holiday::Ascension),
        from_easter(50, Holiday::WhitMonday),
        fixed(7, 14, Holiday::BastilleDay),
        fixed(8, 15, Holiday::Assumption),
        fixed(11, 1, Holiday::AllSaints),
        fixed(11, 11, Holiday::Armistice),
        fixed(12, 25, Holiday::Christmas),
    ]
    .into_iter()
    .flatten()
    .collect();
    if territory == Territory::AlsaceMoselle {
        out.extend(from_easter(-2, Holiday::GoodFriday));
        out.extend(fixed(12, 26, Holiday::SaintStephen));
    }
    if let Some((month, day)) = territory.abolition_day() {
        out.extend(fixed(month, day, Holiday::Abolition));
    }
    // Two holidays may share a date (8 May and Ascension in 2008): keep both names, sorted.
    out.sort_by_key(|(date, _)| *date);
    out
}

/// The holiday `date` is in `territory`, if any.
pub fn holiday_on(territory: Territory, date: NaiveDate) -> Option<Holiday> {
    holidays(territory, date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn easter_matches_known_years() {
        let known = [
            (1818, 3, 22), // earliest possible
            (1943, 4, 25), // latest possible
            (2000, 4, 23),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter(y), Some(ymd(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn metropolitan_2025_has_the_eleven_days() {
        let days: Vec<NaiveDate> = holidays(Territory::Metropole, 2025)
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        let expected = [
            ymd(2025, 1, 1),
            ymd(2025, 4, 21),
            ymd(2025, 5, 1),
            ymd(2025, 5, 8),
            ymd(2025, 5, 29),
            ymd(2025, 6, 9),
            ymd(2025, 7, 14),
            ymd(2025, 8, 15),
            ymd(2025, 11, 1),
            ymd(2025, 11, 11),
            ymd(2025, 12, 25),
        ];
        assert_eq!(days, expected);
    }

    #[test]
    fn territories_add_their_days() {
        let am = Territory::AlsaceMoselle;
        assert_eq!(holiday_on(am, ymd(2024, 3, 29)), Some(Holiday::GoodFriday));
        assert_eq!(
            holiday_on(am, ymd(2026, 12, 26)),
            Some(Holiday::SaintStephen)
        );
        assert_eq!(holiday_on(Territory::Metropole, ymd(2024, 3, 29)), None);
        assert_eq!(holiday_on(Territory::Metropole, ymd(2026, 12, 26)), None);
        let abolition = [
            (Territory::Mayotte, 4, 27),
            (Territory::Martinique, 5, 22),
            (Territory::Guadeloupe, 5, 27),
            (Territory::SaintMartin, 5, 27),
            (Territory::Guyane, 6, 10),
            (Territory::SaintBarthelemy, 10, 9),
            (Territory::LaReunion, 12, 20),
        ];
        for (t, m, d) in abolition {
            assert_eq!(
                holiday_on(t, ymd(2026, m, d)),
                Some(Holiday::Abolition),
                "{t}"
            );
            assert_eq!(holiday_on(Territory::Metropole, ymd(2026, m, d)), None);
            assert_eq!(holidays(t, 2026).len(), 12, "{t}");
        }
        assert_eq!(holidays(am, 2026).len(), 13);
    }

    #[test]
    fn a_shared_date_keeps_both_names() {
        // 2008: Ascension fell on 1 May.
        let h = holidays(Territory::Metropole, 2008);
        let on_may_first: Vec<_> = h.iter().filter(|(d, _)| *d == ymd(2008, 5, 1)).collect();
        assert_eq!(on_may_first.len(), 2);
        assert!(holiday_on(Territory::Metropole, ymd(2008, 5, 1)).is_some());
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_in_its_window(year in 1583i32..4000) {
            let e = easter(year).expect("in range");
            prop_assert_eq!(e.weekday(), chrono::Weekday::Sun);
            prop_assert!(e >= ymd(year, 3, 22) && e <= ymd(year, 4, 25));
            let days = holidays(Territory::Metropole, year);
            prop_assert_eq!(days.len(), 11);
            prop_assert!(days.iter().all(|(d, _)| d.year() == year));
        }
    }
}
