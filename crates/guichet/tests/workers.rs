//! `guichet serve --workers-only`: the binary runs the queued jobs without a web server and stops
//! cleanly on SIGTERM. On SQLite and on PostgreSQL.

use guichet_store::job::{JobState, NewJob};
use guichet_testkit::{TestDb, both_engines};
use std::io::Read;
use std::process::{Command, Stdio};

both_engines!(workers_only_runs_a_queued_job_and_stops_on_sigterm);

async fn workers_only_runs_a_queued_job_and_stops_on_sigterm(db: TestDb) {
    // Due a minute ago, so that the binary's clock finds it due at once.
    let due = chrono::Utc::now() - chrono::Duration::minutes(1);
    let mut tx = db.store.write().await.expect("write");
    let job = tx
        .enqueue(
            &NewJob {
                // `noop`: the kind `guichet serve` always registers.
                kind: "noop".into(),
                unique_key: Some("test:binary".into()),
                payload: serde_json::json!({}),
                run_at: due,
                max_attempts: 3,
            },
            due,
        )
        .await
        .expect("enqueued")
        .job;
    tx.commit().await.expect("commit");

    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .env("GUICHET_DATABASE_URL", &db.url)
        .env("GUICHET_LOG", "warn")
        .env_remove("GUICHET_CONFIG")
        .args(["serve", "--workers-only"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("guichet starts");

    // Wait on the database (bounded, so a broken binary fails the test instead of hanging it).
    let mut done = false;
    for _ in 0..600 {
        let state = db
            .store
            .read()
            .await
            .expect("read")
            .job(job.id)
            .await
            .expect("job")
            .state;
        if state == JobState::Done {
            done = true;
            break;
        }
        if child.try_wait().expect("status").is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let status = child.wait().expect("guichet stops");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr read");
    assert!(done, "the queued job ran; stderr: {stderr}");
    assert!(
        status.success(),
        "a clean exit on SIGTERM: {status}; stderr: {stderr}"
    );
    assert!(stderr.contains("job workers"), "{stderr}");
    assert!(!stderr.contains("listens on"), "no web server: {stderr}");
}
