//! The administrators' job queue use cases on both engines: only administrators list failing and
//! dead jobs or replay one; a replay puts the job back in the queue and is audited.

mod common;

use chrono::Duration;
use common::env;
use guichet_app::AppError;
use guichet_store::job::{Failure, JobState, NewJob};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(only_administrators_see_and_replay_dead_jobs);

async fn only_administrators_see_and_replay_dead_jobs(db: TestDb) {
    let env = env(&db).await;
    let now = env.app.now();
    let mut tx = db.store.write().await.expect("write");
    let job = tx
        .enqueue(
            &NewJob {
                kind: "noop".into(),
                unique_key: None,
                payload: json!({}),
                run_at: now,
                max_attempts: 1,
            },
            now,
        )
        .await
        .expect("enqueued")
        .job;
    tx.claim("w", &["noop"], 1, Duration::minutes(5), now)
        .await
        .expect("claimed");
    tx.fail_job(job.id, "w", "SMTP 554", Failure::Permanent, now)
        .await
        .expect("failed");
    tx.commit().await.expect("commit");

    let admin = env.admin().await;
    for who in [&env.fx.director_a, &env.fx.agent_n1] {
        let caller = env.caller(who).await;
        assert!(matches!(
            env.app.jobs(&caller, JobState::Dead, None, 50).await,
            Err(AppError::Forbidden(d)) if d.rule == "admin_only"
        ));
        assert!(matches!(
            env.app.replay_job(&caller, job.id).await,
            Err(AppError::Forbidden(_))
        ));
    }
    let dead = env
        .app
        .jobs(&admin, JobState::Dead, None, 50)
        .await
        .expect("dead jobs");
    assert_eq!(dead.iter().map(|j| j.id).collect::<Vec<_>>(), [job.id]);
    assert_eq!(dead[0].last_error.as_deref(), Some("SMTP 554"));
    assert!(matches!(
        env.app.jobs(&admin, JobState::Done, None, 50).await,
        Err(AppError::Invalid(e)) if e.field == "state"
    ));
    assert!(matches!(
        env.app.jobs(&admin, JobState::Dead, None, 0).await,
        Err(AppError::Invalid(e)) if e.field == "limit"
    ));

    env.clock.advance(Duration::hours(1));
    let replayed = env.app.replay_job(&admin, job.id).await.expect("replayed");
    assert_eq!(replayed.state, JobState::Queued);
    assert_eq!(replayed.attempts, 0);
    assert_eq!(replayed.run_at, now + Duration::hours(1));
    assert!(
        env.app
            .jobs(&admin, JobState::Dead, None, 50)
            .await
            .expect("dead")
            .is_empty()
    );
    assert!(matches!(
        env.app.replay_job(&admin, job.id).await,
        Err(AppError::Conflict {
            code: "job.not_replayable",
            field: Some("state")
        })
    ));
    assert!(matches!(
        env.app.replay_job(&admin, 9_999).await,
        Err(AppError::NotFound("job"))
    ));
    let trail = db
        .store
        .read()
        .await
        .expect("read")
        .audit_trail("job", &job.id.to_string())
        .await
        .expect("trail");
    assert_eq!(trail.len(), 1, "one replay, audited once");
    assert_eq!(trail[0].action, "job.replay");
    assert_eq!(trail[0].actor, Some(env.fx.admin.id));
    assert_eq!(trail[0].details["state"], "dead");
}
