//! The daily sync: one job a day, keyed by its date so that instances starting together, and a
//! run that schedules its successor while retrying, never queue it twice.

use crate::{App, AppError};
use chrono::{DateTime, Days, NaiveTime, Utc};
use guichet_store::job::{Job, NewJob};

/// The job kind of the daily directory sync.
pub const SYNC_JOB_KIND: &str = "directory.sync";

/// The first moment at `time` (UTC) strictly after `now`.
pub fn next_daily(now: DateTime<Utc>, time: NaiveTime) -> DateTime<Utc> {
    let today = now.date_naive().and_time(time).and_utc();
    if today > now {
        today
    } else {
        now.date_naive()
            .checked_add_days(Days::new(1))
            .map_or(today, |d| d.and_time(time).and_utc())
    }
}

impl App {
    /// Queues the directory sync of `at`'s day, unless that day's is already queued.
    pub async fn schedule_directory_sync(&self, at: DateTime<Utc>) -> Result<Job, AppError> {
        let mut tx = self.store().write().await?;
        let queued = tx
            .enqueue(
                &NewJob {
                    kind: SYNC_JOB_KIND.into(),
                    unique_key: Some(format!("{SYNC_JOB_KIND}:{}", at.date_naive())),
                    payload: serde_json::json!({}),
                    run_at: at,
                    max_attempts: 5,
                },
                self.now(),
            )
            .await?;
        tx.commit().await?;
        Ok(queued.job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_next_run_is_today_or_tomorrow() {
        let t = NaiveTime::from_hms_opt(2, 30, 0).expect("a time");
        let at = |h, m| {
            Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0)
                .single()
                .expect("valid")
        };
        assert_eq!(next_daily(at(1, 0), t), at(2, 30));
        assert_eq!(
            next_daily(at(2, 30), t),
            Utc.with_ymd_and_hms(2026, 12, 4, 2, 30, 0)
                .single()
                .expect("valid")
        );
    }
}
