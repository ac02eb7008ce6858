//! How pages write an instant: in the académie's time zone, as French or English readers write
//! it. The zone is the application's (`[mail] time_zone` in `guichet.toml`, the one the mail
//! quota's calendar day uses; Europe/Paris by default), so that a director in Dijon and an
//! agent in Mâcon read the same 14:05 that their wall clock showed, summer and winter alike.
//! Every page that shows a date or time goes through [`Times`]; none formats an instant itself.

use crate::AppState;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The reader's language and the académie's time zone: what writing an instant needs.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub lang: Lang,
    pub zone: Tz,
}

impl Times {
    /// For a page in `lang`, in the time zone the application is configured with.
    pub fn new(state: &AppState, lang: Lang) -> Self {
        Self {
            lang,
            zone: state.app.config().intake.time_zone,
        }
    }

    /// "02/03/2026 à 10:00" in French, "2026-03-02 10:00" in English, in the académie's time.
    pub fn when(&self, at: DateTime<Utc>) -> String {
        when(self.lang, self.zone, at)
    }
}

/// [`Times::when`] for a given zone.
pub fn when(lang: Lang, zone: Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&zone);
    match lang {
        Lang::Fr => local.format("%d/%m/%Y à %H:%M").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("a valid date")
    }

    #[test]
    fn paris_is_two_hours_ahead_in_summer_and_one_in_winter() {
        let paris = chrono_tz::Europe::Paris;
        let summer = utc(2026, 7, 1, 12, 0);
        let winter = utc(2026, 1, 15, 12, 0);
        assert_eq!(when(Lang::Fr, paris, summer), "01/07/2026 à 14:00");
        assert_eq!(when(Lang::En, paris, summer), "2026-07-01 14:00");
        assert_eq!(when(Lang::Fr, paris, winter), "15/01/2026 à 13:00");
        assert_eq!(when(Lang::En, paris, winter), "2026-01-15 13:00");
    }

    #[test]
    fn the_day_follows_the_zone_and_another_zone_may_be_configured() {
        // 23:30 UTC on 31 December is already New Year's Day in Paris.
        let eve = utc(2026, 12, 31, 23, 30);
        assert_eq!(
            when(Lang::Fr, chrono_tz::Europe::Paris, eve),
            "01/01/2027 à 00:30"
        );
        // La Réunion (UTC+4, no summer time).
        assert_eq!(
            when(Lang::En, chrono_tz::Indian::Reunion, eve),
            "2027-01-01 03:30"
        );
    }
}
