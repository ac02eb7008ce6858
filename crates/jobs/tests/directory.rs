//! The daily `directory.sync` job against a real slapd, on both engines: scheduling it twice
//! queues one job for the day; through the pool, it syncs the directory (the run recorded with
//! its counts) and queues the next day's; a directory that does not answer is retried later,
//! never lost.

#[path = "../../directory/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, TimeZone, Utc};
use guichet_app::{App, AppConfig, Clock};
use guichet_jobs::{DIRECTORY_SYNC_KIND, DirectorySyncJob, Pool, PoolConfig, Registry};
use guichet_store::job::{Job, JobState};
use guichet_testkit::{TestDb, both_engines};
use std::sync::{Arc, Mutex};

both_engines!(the_daily_job_syncs_queues_tomorrows_and_retries_an_absent_directory);

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, m, 0)
        .single()
        .expect("a valid date")
}

/// The directory sync jobs in one state, oldest first.
async fn sync_jobs(app: &App, state: JobState) -> Vec<Job> {
    let mut jobs = app
        .store()
        .read()
        .await
        .expect("read")
        .list_jobs(state, None, 100)
        .await
        .expect("jobs");
    jobs.retain(|j| j.kind == DIRECTORY_SYNC_KIND);
    jobs.reverse();
    jobs
}

async fn the_daily_job_syncs_queues_tomorrows_and_retries_an_absent_directory(db: TestDb) {
    let slapd = common::Slapd::start().await;
    let clock = Arc::new(TestClock(Mutex::new(utc(3, 1, 0))));
    let app = App::new(db.store.clone(), clock.clone(), AppConfig::default());
    common::tree(&app).await;
    let config = slapd.config();
    assert_eq!(config.daily_at, "02:30", "the default time of day");
    let job = DirectorySyncJob::new(app.clone(), config);
    // Two instances starting together: one job for the day.
    job.schedule_next().await.expect("scheduled");
    job.schedule_next().await.expect("scheduled again");
    let queued = sync_jobs(&app, JobState::Queued).await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].run_at, utc(3, 2, 30));

    let registry = Registry::new().register(DIRECTORY_SYNC_KIND, job);
    let pool = Pool::new(
        db.store.clone(),
        clock.clone(),
        registry,
        PoolConfig::default(),
    );
    assert!(!pool.run_once("w").await.expect("idle"), "not before 02:30");

    clock.set(utc(3, 2, 31));
    assert!(
        pool.run_once("w").await.expect("ran"),
        "the day's sync runs"
    );
    let runs = app
        .store()
        .read()
        .await
        .expect("read")
        .list_directory_runs(10)
        .await
        .expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!((run.state.as_str(), run.dry_run), ("done", false));
    assert_eq!(run.counts.persons_created, 301);
    assert_eq!(run.counts.establishments_rejected, 1, "the bad UAI");
    assert_eq!(sync_jobs(&app, JobState::Done).await.len(), 1);
    let next = sync_jobs(&app, JobState::Queued).await;
    assert_eq!(next.len(), 1, "tomorrow's, queued by today's");
    assert_eq!(next[0].run_at, utc(4, 2, 30));
    assert!(
        !pool.run_once("w").await.expect("idle"),
        "once a day, not again"
    );

    // The next night the directory does not answer: the job is retried, not dropped.
    drop(slapd);
    clock.set(utc(4, 2, 31));
    assert!(pool.run_once("w").await.expect("ran"));
    let failed = sync_jobs(&app, JobState::Failed).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].run_at.date_naive(), utc(4, 0, 0).date_naive());
    assert!(failed[0].run_at > utc(4, 2, 31), "retried later");
    assert!(failed[0].last_error.is_some());
    let runs = app
        .store()
        .read()
        .await
        .expect("read")
        .list_directory_runs(10)
        .await
        .expect("runs");
    // Refused at the connection: no run started (the job's error is what administrators see).
    assert_eq!(runs.len(), 1);
    assert_eq!(
        sync_jobs(&app, JobState::Queued)
            .await
            .iter()
            .map(|j| j.run_at)
            .collect::<Vec<_>>(),
        vec![utc(5, 2, 30)],
        "and the day after's is queued"
    );
}
