//! `/api/v1/notifications` on both engines: a person lists their own notices with the unread
//! count, marks them read (not someone else's), and chooses immediate, digest or off; a wrong
//! choice is a problem naming `mode`.

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
mod common;

use axum::http::StatusCode;
use common::Api;
use guichet_app::notify::{NotifySettings, TicketEvent};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(people_read_their_notices_and_choose_how_they_come);

async fn people_read_their_notices_and_choose_how_they_come(db: TestDb) {
    let api = Api::new(db).await;
    let director = api.token(&api.fx.director_a).await;
    let agent = api.token(&api.fx.agent_n1).await;
    let created = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&director),
            Some(json!({ "subject": "ONDE : export bloqué", "body": "Rien ne sort." })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    // The notification job's work, without SMTP: notices are recorded for the in-app list.
    let events = api
        .app
        .store()
        .read()
        .await
        .expect("read")
        .pending_events(10)
        .await
        .expect("events");
    for e in events {
        let event = TicketEvent::from_job(&json!({
            "event_id": e.id, "event": e.kind.as_str(), "at": e.at,
            "ticket": e.ticket.map(|t| t.0), "actor": e.actor.map(|a| a.0), "payload": e.payload,
        }))
        .expect("an event");
        let settings = NotifySettings {
            email: false,
            digest_hour: 16,
        };
        api.app
            .notify_event(&event, &settings)
            .await
            .expect("recorded");
    }

    let mine = api
        .call("GET", "/api/v1/notifications", Some(&director), None)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.json);
    assert_eq!(mine.json["unread"], 1);
    assert_eq!(mine.json["items"][0]["kind"], "received");
    assert_eq!(mine.json["items"][0]["subject"], "ONDE : export bloqué");
    assert_eq!(mine.json["items"][0]["delivery"], "none");
    let theirs = api
        .call("GET", "/api/v1/notifications", Some(&agent), None)
        .await;
    assert_eq!(theirs.json["items"][0]["kind"], "queued");
    let their_id = theirs.json["items"][0]["id"].as_i64().expect("an id");

    let read = api
        .call(
            "POST",
            "/api/v1/notifications/read",
            Some(&director),
            Some(json!({ "ids": [their_id] })),
        )
        .await;
    assert_eq!(read.json["marked"], 0, "not theirs to mark");
    let read = api
        .call(
            "POST",
            "/api/v1/notifications/read",
            Some(&director),
            Some(json!({})),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.json);
    assert_eq!(read.json["marked"], 1);
    assert_eq!(read.json["unread"], 0);

    let pref = api
        .call(
            "GET",
            "/api/v1/notifications/preference",
            Some(&director),
            None,
        )
        .await;
    assert_eq!(pref.json["mode"], "immediate");
    let set = api
        .call(
            "PUT",
            "/api/v1/notifications/preference",
            Some(&director),
            Some(json!({ "mode": "digest" })),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.json);
    let pref = api
        .call(
            "GET",
            "/api/v1/notifications/preference",
            Some(&director),
            None,
        )
        .await;
    assert_eq!(pref.json["mode"], "digest");
    let bad = api
        .call(
            "PUT",
            "/api/v1/notifications/preference",
            Some(&director),
            Some(json!({ "mode": "sometimes" })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.json);
    assert_eq!(bad.json["field"], "mode");
}
