//! `/api/v1/jobs` on both engines: administrators page through dead jobs and replay one; anyone
//! else is refused; bad input is a problem naming the field, in French by default.

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::Api;
use guichet_store::job::{Failure, NewJob};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(administrators_page_through_dead_jobs_and_replay_them);

async fn administrators_page_through_dead_jobs_and_replay_them(db: TestDb) {
    let api = Api::new(db).await;
    let now = api.app.now();
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut tx = api.app.store().write().await.expect("write");
        let job = tx
            .enqueue(
                &NewJob {
                    kind: "noop".into(),
                    unique_key: Some(format!("test:{n}")),
                    payload: json!({ "n": n }),
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
        ids.push(job.id);
    }
    let admin = api.token(&api.fx.admin).await;
    let director = api.token(&api.fx.director_a).await;

    let page = api
        .call("GET", "/api/v1/jobs?state=dead&limit=2", Some(&admin), None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    assert_eq!(page.json["items"][0]["id"], ids[2]);
    assert_eq!(page.json["items"][1]["id"], ids[1]);
    assert_eq!(page.json["items"][0]["state"], "dead");
    assert_eq!(page.json["items"][0]["last_error"], "SMTP 554");
    let next = page.json["next_before"].as_i64().expect("a next page");
    let rest = api
        .call(
            "GET",
            &format!("/api/v1/jobs?state=dead&limit=2&before={next}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(rest.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest.json["items"][0]["id"], ids[0]);
    assert!(rest.json["next_before"].is_null());

    let refused = api
        .call("GET", "/api/v1/jobs?state=dead", Some(&director), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.content_type, "application/problem+json");
    let refused = api
        .call(
            "POST",
            &format!("/api/v1/jobs/{}/replay", ids[0]),
            Some(&director),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    for (query, field) in [
        ("state=done", "state"),
        ("", "state"),
        ("state=dead&limit=0", "limit"),
        ("state=dead&before=x", "before"),
    ] {
        let bad = api
            .call("GET", &format!("/api/v1/jobs?{query}"), Some(&admin), None)
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            bad.json
        );
        assert_eq!(bad.content_type, "application/problem+json");
        assert_eq!(bad.json["field"], field, "{query}");
    }

    let replayed = api
        .call(
            "POST",
            &format!("/api/v1/jobs/{}/replay", ids[1]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(replayed.status, StatusCode::OK, "{}", replayed.json);
    assert_eq!(replayed.json["state"], "queued");
    assert_eq!(replayed.json["attempts"], 0);
    let again = api
        .call(
            "POST",
            &format!("/api/v1/jobs/{}/replay", ids[1]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json["code"], "job.not_replayable");
    assert_eq!(again.json["field"], "state");
    assert!(
        again.json["detail"]
            .as_str()
            .is_some_and(|d| d.contains("relancée")),
        "{}",
        again.json
    );
    for missing in ["/api/v1/jobs/9999/replay", "/api/v1/jobs/abc/replay"] {
        let r = api.call("POST", missing, Some(&admin), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
    }

    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    for path in ["/jobs", "/jobs/{id}/replay"] {
        assert!(spec.json["paths"][path].is_object(), "{path} missing");
    }
}
