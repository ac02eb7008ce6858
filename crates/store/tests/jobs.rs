//! The job queue: idempotent enqueue, leased claims that two workers never share, back-off until
//! dead, expired leases released, the administrators' list and replay, and the outbox dispatcher
//! turning each event into exactly one job even when two dispatchers race.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::at;
use guichet_core::ticket::EventKind;
use guichet_store::job::{Backoff, EVENT_JOB_KIND, Failure, Job, JobState, NewJob};
use guichet_store::outbox::NewEvent;
use guichet_store::{Store, StoreError};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::collections::HashSet;

both_engines!(
    enqueue_is_idempotent_on_its_unique_key,
    a_claim_takes_due_jobs_of_known_kinds_once,
    a_failing_job_backs_off_then_dies,
    an_expired_lease_lets_another_worker_run_the_job,
    dead_jobs_are_listed_newest_first_and_replayable,
    two_workers_claiming_together_never_share_a_job,
    each_outbox_event_becomes_exactly_one_job_with_two_dispatchers,
    a_claim_walks_the_due_jobs_in_order_not_the_whole_backlog,
);

/// Jitter 1.0: the longest delay, so the tests know when a retry is due.
const RETRY: Failure = Failure::Retryable {
    backoff: Backoff {
        base: Duration::seconds(10),
        cap: Duration::hours(1),
    },
    jitter: 1.0,
};

fn t0() -> DateTime<Utc> {
    at(2026, 9, 1, 8, 0, 0)
}

fn new_job(kind: &str, key: Option<&str>, run_at: DateTime<Utc>, max_attempts: i64) -> NewJob {
    NewJob {
        kind: kind.into(),
        unique_key: key.map(str::to_owned),
        payload: json!({ "to": "directeur@ac-dijon.fr" }),
        run_at,
        max_attempts,
    }
}

async fn enqueue(store: &Store, job: &NewJob) -> Job {
    let mut tx = store.write().await.expect("write");
    let e = tx.enqueue(job, t0()).await.expect("enqueued");
    tx.commit().await.expect("commit");
    e.job
}

async fn claim(store: &Store, worker: &str, kinds: &[&str], now: DateTime<Utc>) -> Vec<Job> {
    let mut tx = store.write().await.expect("write");
    let jobs = tx
        .claim(worker, kinds, 10, Duration::seconds(30), now)
        .await
        .expect("claimed");
    tx.commit().await.expect("commit");
    jobs
}

async fn fail(
    store: &Store,
    job: &Job,
    worker: &str,
    failure: Failure,
    now: DateTime<Utc>,
) -> Option<JobState> {
    let mut tx = store.write().await.expect("write");
    let state = tx
        .fail_job(job.id, worker, "SMTP 451", failure, now)
        .await
        .expect("failed");
    tx.commit().await.expect("commit");
    state
}

async fn enqueue_is_idempotent_on_its_unique_key(db: TestDb) {
    let job = new_job("noop", Some("notify:ticket-7:received"), t0(), 5);
    let mut tx = db.store.write().await.expect("write");
    let first = tx.enqueue(&job, t0()).await.expect("first");
    let again = tx
        .enqueue(
            &NewJob {
                payload: json!({ "other": true }),
                ..job.clone()
            },
            t0(),
        )
        .await
        .expect("second");
    tx.commit().await.expect("commit");
    assert!(first.created);
    assert!(!again.created, "the second enqueue is a no-op");
    assert_eq!(again.job, first.job, "and returns the first job unchanged");
    assert_eq!(first.job.state, JobState::Queued);
    assert_eq!(first.job.attempts, 0);
    assert_eq!(first.job.payload, json!({ "to": "directeur@ac-dijon.fr" }));

    // Even once done, the key still stands: a retried producer never runs it twice.
    let claimed = claim(&db.store, "w1", &["noop"], t0()).await;
    let mut tx = db.store.write().await.expect("write");
    assert!(
        tx.complete_job(claimed[0].id, "w1", t0())
            .await
            .expect("done")
    );
    let later = tx
        .enqueue(&job, t0() + Duration::hours(1))
        .await
        .expect("third");
    tx.commit().await.expect("commit");
    assert!(!later.created);
    assert_eq!(later.job.state, JobState::Done);

    // Without a key, every enqueue is a job.
    let a = enqueue(&db.store, &new_job("noop", None, t0(), 5)).await;
    let b = enqueue(&db.store, &new_job("noop", None, t0(), 5)).await;
    assert_ne!(a.id, b.id);
}

async fn a_claim_takes_due_jobs_of_known_kinds_once(db: TestDb) {
    let due = enqueue(&db.store, &new_job("noop", None, t0(), 5)).await;
    let later = enqueue(
        &db.store,
        &new_job("noop", None, t0() + Duration::minutes(5), 5),
    )
    .await;
    let unknown = enqueue(&db.store, &new_job("notify", None, t0(), 5)).await;

    let jobs = claim(&db.store, "w1", &["noop"], t0()).await;
    assert_eq!(jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [due.id]);
    assert_eq!(jobs[0].state, JobState::Running);
    assert_eq!(jobs[0].attempts, 1);
    assert_eq!(jobs[0].locked_by.as_deref(), Some("w1"));
    assert_eq!(jobs[0].locked_until, Some(t0() + Duration::seconds(30)));
    assert!(
        claim(&db.store, "w2", &["noop"], t0()).await.is_empty(),
        "leased"
    );
    assert!(claim(&db.store, "w2", &[], t0()).await.is_empty());

    let jobs = claim(&db.store, "w2", &["noop"], t0() + Duration::minutes(5)).await;
    assert_eq!(jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [later.id]);
    let mut conn = db.store.read().await.expect("read");
    assert_eq!(
        conn.job(unknown.id).await.expect("job").state,
        JobState::Queued,
        "no handler claimed it"
    );
    assert!(matches!(conn.job(9_999).await, Err(StoreError::NotFound)));
}

async fn a_failing_job_backs_off_then_dies(db: TestDb) {
    let job = enqueue(&db.store, &new_job("noop", None, t0(), 3)).await;
    let mut now = t0();
    for attempt in 1..=2 {
        let claimed = claim(&db.store, "w1", &["noop"], now).await;
        assert_eq!(claimed.len(), 1, "attempt {attempt} runs");
        assert_eq!(
            fail(&db.store, &job, "w1", RETRY, now).await,
            Some(JobState::Failed)
        );
        let stored = db
            .store
            .read()
            .await
            .expect("read")
            .job(job.id)
            .await
            .expect("job");
        // Jitter 1.0: the longest delay, 10 s then 20 s.
        let delay = Duration::seconds(10 << (attempt - 1));
        assert_eq!(stored.run_at, now + delay);
        assert_eq!(stored.last_error.as_deref(), Some("SMTP 451"));
        assert_eq!(stored.locked_by, None);
        assert!(
            claim(
                &db.store,
                "w1",
                &["noop"],
                now + delay - Duration::seconds(1)
            )
            .await
            .is_empty(),
            "not before its back-off"
        );
        now += delay;
    }
    let claimed = claim(&db.store, "w1", &["noop"], now).await;
    assert_eq!(claimed[0].attempts, 3);
    assert_eq!(
        fail(&db.store, &job, "w1", RETRY, now).await,
        Some(JobState::Dead)
    );
    let stored = db
        .store
        .read()
        .await
        .expect("read")
        .job(job.id)
        .await
        .expect("job");
    assert_eq!(stored.finished_at, Some(now));
    assert!(
        claim(&db.store, "w1", &["noop"], now + Duration::days(1))
            .await
            .is_empty(),
        "dead stays dead"
    );

    // A permanent error kills at once; a worker that lost the job records nothing.
    let bad = enqueue(&db.store, &new_job("noop", None, t0(), 10)).await;
    claim(&db.store, "w1", &["noop"], now).await;
    assert_eq!(
        fail(&db.store, &bad, "w2", Failure::Permanent, now).await,
        None
    );
    assert_eq!(
        fail(&db.store, &bad, "w1", Failure::Permanent, now).await,
        Some(JobState::Dead)
    );
}

async fn an_expired_lease_lets_another_worker_run_the_job(db: TestDb) {
    let job = enqueue(&db.store, &new_job("noop", None, t0(), 5)).await;
    assert_eq!(claim(&db.store, "crashed", &["noop"], t0()).await.len(), 1);
    let requeue = |now| {
        let store = db.store.clone();
        async move {
            let mut tx = store.write().await.expect("write");
            let n = tx.requeue_expired(now).await.expect("requeued");
            tx.commit().await.expect("commit");
            n
        }
    };
    assert_eq!(
        requeue(t0() + Duration::seconds(29)).await,
        0,
        "lease still held"
    );
    // A heartbeat extends it.
    let mut tx = db.store.write().await.expect("write");
    assert!(
        tx.heartbeat(job.id, "crashed", t0() + Duration::seconds(60), t0())
            .await
            .expect("beat")
    );
    assert!(
        !tx.heartbeat(job.id, "other", t0() + Duration::seconds(90), t0())
            .await
            .expect("beat")
    );
    tx.commit().await.expect("commit");
    assert_eq!(requeue(t0() + Duration::seconds(45)).await, 0, "extended");

    let later = t0() + Duration::seconds(61);
    assert_eq!(requeue(later).await, 1);
    let stored = db
        .store
        .read()
        .await
        .expect("read")
        .job(job.id)
        .await
        .expect("job");
    assert_eq!(stored.state, JobState::Failed);
    assert!(
        stored
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("lease expired"))
    );
    let again = claim(&db.store, "w2", &["noop"], later).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    let mut tx = db.store.write().await.expect("write");
    assert!(
        !tx.complete_job(job.id, "crashed", later)
            .await
            .expect("late"),
        "the old worker's result is refused"
    );
    assert!(tx.complete_job(job.id, "w2", later).await.expect("done"));
    tx.commit().await.expect("commit");

    // A job that keeps killing its worker uses its attempts and dies.
    let poison = enqueue(&db.store, &new_job("noop", None, t0(), 1)).await;
    claim(&db.store, "crashed", &["noop"], later).await;
    assert_eq!(requeue(later + Duration::minutes(1)).await, 1);
    let stored = db
        .store
        .read()
        .await
        .expect("read")
        .job(poison.id)
        .await
        .expect("job");
    assert_eq!(stored.state, JobState::Dead);
}

async fn dead_jobs_are_listed_newest_first_and_replayable(db: TestDb) {
    let mut dead = Vec::new();
    for _ in 0..5 {
        let job = enqueue(&db.store, &new_job("noop", None, t0(), 1)).await;
        claim(&db.store, "w1", &["noop"], t0()).await;
        fail(&db.store, &job, "w1", RETRY, t0()).await;
        dead.push(job.id);
    }
    let done = enqueue(&db.store, &new_job("noop", None, t0(), 1)).await;
    claim(&db.store, "w1", &["noop"], t0()).await;
    let mut tx = db.store.write().await.expect("write");
    tx.complete_job(done.id, "w1", t0()).await.expect("done");
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let page1 = conn
        .list_jobs(JobState::Dead, None, 3)
        .await
        .expect("page 1");
    let page2 = conn
        .list_jobs(JobState::Dead, page1.last().map(|j| j.id), 3)
        .await
        .expect("page 2");
    let ids: Vec<i64> = page1.iter().chain(&page2).map(|j| j.id).collect();
    assert_eq!(ids, dead.iter().rev().copied().collect::<Vec<_>>());
    assert!(
        conn.list_jobs(JobState::Failed, None, 3)
            .await
            .expect("failed")
            .is_empty()
    );
    drop(conn);

    let later = t0() + Duration::hours(2);
    let mut tx = db.store.write().await.expect("write");
    let replayed = tx.replay_job(dead[0], later).await.expect("replayed");
    assert!(
        tx.replay_job(done.id, later)
            .await
            .is_err_and(|e| e.is_conflict_on("job.state"))
    );
    assert!(matches!(
        tx.replay_job(9_999, later).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.expect("commit");
    assert_eq!(replayed.state, JobState::Queued);
    assert_eq!(replayed.attempts, 0);
    assert_eq!(replayed.run_at, later);
    assert_eq!(replayed.finished_at, None);
    let again = claim(&db.store, "w1", &["noop"], later).await;
    assert_eq!(again.iter().map(|j| j.id).collect::<Vec<_>>(), [dead[0]]);
}

async fn two_workers_claiming_together_never_share_a_job(db: TestDb) {
    for _ in 0..40 {
        enqueue(&db.store, &new_job("noop", None, t0(), 5)).await;
    }
    let worker = |name: &'static str| {
        let store = db.store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let mut tx = store.write().await.expect("write");
                let jobs = tx
                    .claim(name, &["noop"], 3, Duration::seconds(30), t0())
                    .await
                    .expect("claim");
                for j in &jobs {
                    assert!(tx.complete_job(j.id, name, t0()).await.expect("done"));
                }
                tx.commit().await.expect("commit");
                if jobs.is_empty() {
                    return mine;
                }
                mine.extend(jobs.iter().map(|j| j.id));
            }
        })
    };
    let (a, b) = tokio::join!(worker("a"), worker("b"));
    let (a, b) = (a.expect("worker a"), b.expect("worker b"));
    let all: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 40, "every job ran once");
    assert_eq!(all.len(), 40, "no job ran twice");
}

async fn each_outbox_event_becomes_exactly_one_job_with_two_dispatchers(db: TestDb) {
    let mut tx = db.store.write().await.expect("write");
    for i in 0..60 {
        tx.emit(&NewEvent {
            at: t0() + Duration::seconds(i),
            kind: EventKind::Submitted,
            ticket: None,
            actor: None,
            payload: json!({ "n": i }),
        })
        .await
        .expect("emitted");
    }
    tx.commit().await.expect("commit");

    let dispatcher = || {
        let store = db.store.clone();
        tokio::spawn(async move {
            let mut total = 0;
            loop {
                let mut tx = store.write().await.expect("write");
                let n = tx.dispatch_outbox(7, 5, t0()).await.expect("dispatched");
                tx.commit().await.expect("commit");
                total += n;
                if n == 0 {
                    return total;
                }
            }
        })
    };
    let (a, b) = tokio::join!(dispatcher(), dispatcher());
    let (a, b) = (a.expect("dispatcher a"), b.expect("dispatcher b"));
    // A dispatcher may stop early when the other holds the last events; finish the rest.
    let mut tx = db.store.write().await.expect("write");
    let rest = tx.dispatch_outbox(100, 5, t0()).await.expect("rest");
    tx.commit().await.expect("commit");
    assert_eq!(a + b + rest, 60, "every event dispatched once");

    let mut conn = db.store.read().await.expect("read");
    assert!(conn.pending_events(100).await.expect("pending").is_empty());
    let jobs = conn
        .list_jobs(JobState::Queued, None, 500)
        .await
        .expect("jobs");
    assert_eq!(jobs.len(), 60, "one job per event");
    let mut ns: Vec<i64> = jobs
        .iter()
        .map(|j| j.payload["payload"]["n"].as_i64().expect("n"))
        .collect();
    ns.sort_unstable();
    assert_eq!(ns, (0..60).collect::<Vec<_>>());
    let first = jobs.last().expect("a job");
    assert_eq!(first.kind, EVENT_JOB_KIND);
    assert_eq!(first.payload["event"], "ticket.submitted");
    assert_eq!(
        first.unique_key.as_deref(),
        Some(format!("outbox:{}", first.payload["event_id"]).as_str())
    );
}

/// A backlog of thousands of queued notices must not make each claim read and sort them all:
/// the claim walks the due-jobs index in its order and stops at its limit. (On SQLite the
/// planner, without statistics, preferred the index on state and sorted the whole backlog for
/// every claim.) The claim still takes the oldest due job of a known kind first.
async fn a_claim_walks_the_due_jobs_in_order_not_the_whole_backlog(db: TestDb) {
    let store = &db.store;
    let mut tx = store.write().await.expect("write");
    for i in 0..300 {
        let kind = if i % 3 == 0 {
            "outbox.event"
        } else {
            "notify.send"
        };
        tx.enqueue(&new_job(kind, None, t0() + Duration::seconds(i), 5), t0())
            .await
            .expect("enqueued");
    }
    tx.commit().await.expect("commit");
    // Explained in a write transaction, where claims run; nothing is changed.
    let mut conn = store.write().await.expect("write");
    let plan = conn
        .explain_claim(&["notify.send", "outbox.event"], t0())
        .await
        .expect("explained")
        .join("\n");
    drop(conn);
    if db.url.starts_with("sqlite") {
        assert!(plan.contains("job_due"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    } else {
        assert!(plan.contains("job"), "{plan}");
    }
    let first = claim(store, "w1", &["notify.send"], t0() + Duration::hours(1)).await;
    assert_eq!(first.len(), 10);
    assert_eq!(
        first[0].run_at,
        t0() + Duration::seconds(1),
        "oldest due first"
    );
    assert!(first.iter().all(|j| j.kind == "notify.send"));
}
