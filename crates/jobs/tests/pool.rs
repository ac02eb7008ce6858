//! The worker pool on both engines: retries with back-off then success, dead after N, a job
//! whose worker crashed runs again once its lease expires, idempotent enqueue, two pools on one
//! database never run a job twice, the outbox reaches the queue, shutdown releases a job it
//! could not finish, a handler that sees the shutdown stops between two items and its job is
//! released whole, and a long job keeps its lease while it runs.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_app::Clock;
use guichet_jobs::{Handler, JobError, Pool, PoolConfig, Registry};
use guichet_store::job::{Job, JobState, NewJob};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

both_engines!(
    a_retryable_failure_backs_off_then_succeeds,
    a_job_failing_every_time_dies_after_its_attempts,
    a_crashed_workers_job_runs_again_after_its_lease,
    enqueueing_twice_with_one_key_runs_once,
    two_pools_never_run_the_same_job_twice,
    shutdown_releases_a_job_that_outlives_the_grace,
    a_handler_that_sees_the_shutdown_is_released_without_an_attempt,
    a_long_job_keeps_its_lease_while_it_runs,
    the_dispatcher_moves_every_outbox_event_into_the_queue,
);

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .expect("a valid date")
}

/// Counts runs per job id and fails the first `failures` runs of each job.
#[derive(Debug, Clone, Default)]
struct Flaky {
    runs: Arc<Mutex<HashMap<i64, u32>>>,
    failures: u32,
    permanent: bool,
    sleep: Option<std::time::Duration>,
}

impl Flaky {
    fn runs_of(&self, id: i64) -> u32 {
        self.runs
            .lock()
            .expect("runs")
            .get(&id)
            .copied()
            .unwrap_or(0)
    }
}

impl Handler for Flaky {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let n = {
            let mut runs = self.runs.lock().expect("runs");
            let n = runs.entry(job.id).or_default();
            *n += 1;
            *n
        };
        if let Some(d) = self.sleep {
            tokio::time::sleep(d).await;
        }
        match n <= self.failures {
            true if self.permanent => Err(JobError::Permanent("bad payload".into())),
            true => Err(JobError::Retryable(format!("SMTP 451 (run {n})"))),
            false => Ok(()),
        }
    }
}

fn pool(db: &TestDb, clock: &Arc<TestClock>, handler: &Flaky) -> Pool {
    Pool::new(
        db.store.clone(),
        clock.clone(),
        Registry::new().register("flaky", handler.clone()),
        PoolConfig {
            poll_interval: std::time::Duration::from_millis(20),
            grace: std::time::Duration::from_millis(100),
            ..PoolConfig::default()
        },
    )
}

fn job(key: Option<&str>, max_attempts: i64) -> NewJob {
    NewJob {
        kind: "flaky".into(),
        unique_key: key.map(str::to_owned),
        payload: json!({}),
        run_at: t0(),
        max_attempts,
    }
}

async fn state(db: &TestDb, id: i64) -> Job {
    db.store
        .read()
        .await
        .expect("read")
        .job(id)
        .await
        .expect("job")
}

fn clock() -> Arc<TestClock> {
    Arc::new(TestClock(Mutex::new(t0())))
}

async fn a_retryable_failure_backs_off_then_succeeds(db: TestDb) {
    let clock = clock();
    let handler = Flaky {
        failures: 2,
        ..Flaky::default()
    };
    let pool = pool(&db, &clock, &handler);
    let id = pool.enqueue(&job(None, 5)).await.expect("enqueued").job.id;

    assert!(pool.run_once("w").await.expect("first run"));
    let failed = state(&db, id).await;
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.last_error.as_deref(), Some("SMTP 451 (run 1)"));
    // Back-off after the first run: between 5 and 10 seconds (jitter).
    let wait = failed.run_at - t0();
    assert!(
        wait >= Duration::seconds(5) && wait <= Duration::seconds(10),
        "{wait}"
    );
    assert!(!pool.run_once("w").await.expect("idle"), "not due yet");

    clock.advance(Duration::seconds(10));
    assert!(pool.run_once("w").await.expect("second run"));
    let failed = state(&db, id).await;
    assert_eq!(failed.state, JobState::Failed);
    let wait = failed.run_at - clock.now();
    assert!(
        wait >= Duration::seconds(10) && wait <= Duration::seconds(20),
        "{wait}"
    );

    clock.advance(Duration::seconds(20));
    assert!(pool.run_once("w").await.expect("third run"));
    let done = state(&db, id).await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.attempts, 3);
    assert_eq!(handler.runs_of(id), 3);
    assert!(!pool.run_once("w").await.expect("idle"));
}

async fn a_job_failing_every_time_dies_after_its_attempts(db: TestDb) {
    let clock = clock();
    let handler = Flaky {
        failures: u32::MAX,
        ..Flaky::default()
    };
    let pool = pool(&db, &clock, &handler);
    let id = pool.enqueue(&job(None, 4)).await.expect("enqueued").job.id;
    for _ in 0..10 {
        pool.run_once("w").await.expect("run");
        clock.advance(Duration::hours(2));
    }
    let dead = state(&db, id).await;
    assert_eq!(dead.state, JobState::Dead);
    assert_eq!(handler.runs_of(id), 4, "never run after its last attempt");

    let permanent = Flaky {
        failures: 1,
        permanent: true,
        ..Flaky::default()
    };
    let pool = self::pool(&db, &clock, &permanent);
    let id = pool.enqueue(&job(None, 4)).await.expect("enqueued").job.id;
    assert!(pool.run_once("w").await.expect("run"));
    assert_eq!(
        state(&db, id).await.state,
        JobState::Dead,
        "a permanent error is not retried"
    );
    assert_eq!(
        state(&db, id).await.last_error.as_deref(),
        Some("bad payload")
    );
}

async fn a_crashed_workers_job_runs_again_after_its_lease(db: TestDb) {
    let clock = clock();
    let handler = Flaky::default();
    let pool = pool(&db, &clock, &handler);
    let id = pool.enqueue(&job(None, 5)).await.expect("enqueued").job.id;
    // A worker of another process claims it and dies without a word.
    let mut tx = db.store.write().await.expect("write");
    let claimed = tx
        .claim("crashed", &["flaky"], 1, Duration::minutes(5), t0())
        .await
        .expect("claimed");
    tx.commit().await.expect("commit");
    assert_eq!(claimed.len(), 1);

    clock.advance(Duration::minutes(4));
    assert!(
        !pool.run_once("w").await.expect("idle"),
        "the lease still holds"
    );
    assert_eq!(handler.runs_of(id), 0);
    clock.advance(Duration::minutes(2));
    assert!(pool.run_once("w").await.expect("runs"));
    assert_eq!(handler.runs_of(id), 1);
    assert_eq!(state(&db, id).await.state, JobState::Done);
}

async fn enqueueing_twice_with_one_key_runs_once(db: TestDb) {
    let clock = clock();
    let handler = Flaky::default();
    let pool = pool(&db, &clock, &handler);
    let first = pool
        .enqueue(&job(Some("notify:42:received"), 5))
        .await
        .expect("first");
    let again = pool
        .enqueue(&job(Some("notify:42:received"), 5))
        .await
        .expect("again");
    assert!(first.created && !again.created);
    assert_eq!(first.job.id, again.job.id);
    while pool.run_once("w").await.expect("run") {}
    let after = pool
        .enqueue(&job(Some("notify:42:received"), 5))
        .await
        .expect("after");
    assert!(!after.created);
    while pool.run_once("w").await.expect("run") {}
    assert_eq!(handler.runs.lock().expect("runs").len(), 1);
    assert_eq!(handler.runs_of(first.job.id), 1);
}

async fn two_pools_never_run_the_same_job_twice(db: TestDb) {
    let clock = clock();
    let handler = Flaky::default();
    let config = PoolConfig {
        workers: 3,
        poll_interval: std::time::Duration::from_millis(10),
        ..PoolConfig::default()
    };
    let registry = Registry::new().register("flaky", handler.clone());
    let a = Pool::new(
        db.store.clone(),
        clock.clone(),
        registry.clone(),
        config.clone(),
    );
    let b = Pool::new(db.store.clone(), clock.clone(), registry, config);
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(a.enqueue(&job(None, 5)).await.expect("enqueued").job.id);
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let until = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let ra = tokio::spawn(a.run(until(stop_rx.clone())));
    let rb = tokio::spawn(b.run(until(stop_rx)));
    // Wait (on the database, not the clock) until every job is done.
    loop {
        let mut conn = db.store.read().await.expect("read");
        let done = conn
            .list_jobs(JobState::Done, None, 500)
            .await
            .expect("done");
        if done.len() == ids.len() {
            break;
        }
        drop(conn);
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop_tx.send(true).expect("stop");
    ra.await.expect("pool a stops");
    rb.await.expect("pool b stops");
    let runs = handler.runs.lock().expect("runs").clone();
    assert_eq!(runs.len(), ids.len(), "every job ran");
    assert!(runs.values().all(|n| *n == 1), "no job ran twice: {runs:?}");
}

async fn shutdown_releases_a_job_that_outlives_the_grace(db: TestDb) {
    let clock = clock();
    let handler = Flaky {
        sleep: Some(std::time::Duration::from_secs(60)),
        ..Flaky::default()
    };
    let pool = pool(&db, &clock, &handler);
    let id = pool.enqueue(&job(None, 5)).await.expect("enqueued").job.id;
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(pool.clone().run(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    }));
    while handler.runs_of(id) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop_tx.send(true).expect("stop");
    runner.await.expect("the pool stops");
    let released = state(&db, id).await;
    assert_eq!(
        released.state,
        JobState::Queued,
        "given back, not left leased"
    );
    assert_eq!(released.attempts, 0, "the cut-short run does not count");
    assert_eq!(released.locked_by, None);
}

async fn the_dispatcher_moves_every_outbox_event_into_the_queue(db: TestDb) {
    let clock = clock();
    let pool = pool(&db, &clock, &Flaky::default());
    let mut tx = db.store.write().await.expect("write");
    // More than one batch (100 by default).
    for n in 0..150 {
        tx.emit(&guichet_store::outbox::NewEvent {
            at: t0(),
            kind: guichet_core::ticket::EventKind::Submitted,
            ticket: None,
            actor: None,
            payload: json!({ "n": n }),
        })
        .await
        .expect("emitted");
    }
    tx.commit().await.expect("commit");
    assert_eq!(pool.dispatch_outbox().await.expect("dispatched"), 150);
    assert_eq!(
        pool.dispatch_outbox().await.expect("again"),
        0,
        "never twice"
    );
    let mut conn = db.store.read().await.expect("read");
    let queued = conn
        .list_jobs(JobState::Queued, None, 500)
        .await
        .expect("queued");
    assert_eq!(queued.len(), 150);
    assert!(
        queued
            .iter()
            .all(|j| j.kind == guichet_store::job::EVENT_JOB_KIND && j.max_attempts == 10)
    );
    // No handler for events yet: the flaky pool leaves them queued.
    drop(conn);
    assert!(!pool.run_once("w").await.expect("idle"));
}

/// Works item after item until the pool asks it to stop, as the broadcast sender does.
#[derive(Debug, Clone, Default)]
struct Patient {
    started: Arc<Mutex<bool>>,
    stopped_between_items: Arc<Mutex<bool>>,
}

impl Handler for Patient {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        *self.started.lock().expect("started") = true;
        loop {
            if guichet_jobs::stop_requested() {
                *self.stopped_between_items.lock().expect("flag") = true;
                return Err(JobError::Interrupted);
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

async fn a_handler_that_sees_the_shutdown_is_released_without_an_attempt(db: TestDb) {
    let handler = Patient::default();
    let pool = Pool::new(
        db.store.clone(),
        clock(),
        Registry::new().register("flaky", handler.clone()),
        PoolConfig {
            poll_interval: std::time::Duration::from_millis(20),
            ..PoolConfig::default()
        },
    );
    let id = pool.enqueue(&job(None, 5)).await.expect("enqueued").job.id;
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(pool.clone().run(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    }));
    while !*handler.started.lock().expect("started") {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop_tx.send(true).expect("stop");
    runner.await.expect("the pool stops");
    assert!(
        *handler.stopped_between_items.lock().expect("flag"),
        "the handler saw the shutdown and returned, it was not cancelled"
    );
    let released = state(&db, id).await;
    assert_eq!(released.state, JobState::Queued, "given back whole");
    assert_eq!(released.attempts, 0, "an interrupted run does not count");
    assert_eq!(released.locked_by, None);
}

async fn a_long_job_keeps_its_lease_while_it_runs(db: TestDb) {
    let clock = clock();
    let handler = Flaky {
        sleep: Some(std::time::Duration::from_secs(4)),
        ..Flaky::default()
    };
    let pool = Pool::new(
        db.store.clone(),
        clock.clone(),
        Registry::new().register("flaky", handler.clone()),
        PoolConfig {
            poll_interval: std::time::Duration::from_millis(20),
            lease: Duration::seconds(3),
            ..PoolConfig::default()
        },
    );
    let id = pool.enqueue(&job(None, 5)).await.expect("enqueued").job.id;
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(pool.clone().run(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    }));
    while handler.runs_of(id) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // Two seconds pass on the pool's clock; its next heartbeat renews the lease from there.
    clock.advance(Duration::seconds(2));
    let first_lease = t0() + Duration::seconds(3);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while state(&db, id).await.locked_until <= Some(first_lease) {
        assert!(
            std::time::Instant::now() < deadline,
            "the lease was never renewed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Past the first lease: another instance still finds the job held.
    clock.advance(Duration::seconds(2));
    let mut tx = db.store.write().await.expect("write");
    assert_eq!(tx.requeue_expired(clock.now()).await.expect("requeue"), 0);
    let taken = tx
        .claim("other", &["flaky"], 1, Duration::minutes(5), clock.now())
        .await
        .expect("claim");
    tx.commit().await.expect("commit");
    assert!(taken.is_empty(), "a running job is never taken over");
    while state(&db, id).await.state != JobState::Done {
        assert!(
            std::time::Instant::now() < deadline,
            "the job never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop_tx.send(true).expect("stop");
    runner.await.expect("the pool stops");
    assert_eq!(handler.runs_of(id), 1, "it ran once");
    assert_eq!(state(&db, id).await.state, JobState::Done);
}
