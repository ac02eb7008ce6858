//! `/api/v1/broadcasts` on both engines: an IEN previews and drafts a message to the directors
//! of their circonscription, schedules it and cancels it; beyond their zone they are refused
//! with a 403 naming the rule, in the caller's language; a missing field is a 422 naming it;
//! another zone's broadcast is not found; a director may not broadcast at all.

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
mod common;

use axum::http::StatusCode;
use common::Api;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(an_ien_informs_their_circonscription_and_no_further);

async fn an_ien_informs_their_circonscription_and_no_further(db: TestDb) {
    let api = Api::new(db).await;
    let fx = &api.fx;
    let ien = api.token(&fx.ien_dijon).await;
    let audience = json!({ "roles": ["director"], "zones": [fx.circ_dijon.id.0] });

    let preview = api
        .call(
            "POST",
            "/api/v1/broadcasts/preview",
            Some(&ien),
            Some(audience.clone()),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    assert_eq!(preview.json["count"], 2);
    let names: Vec<&str> = preview.json["sample"]
        .as_array()
        .expect("a sample")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(
        names.contains(&fx.director_a.display_name.as_str()),
        "{names:?}"
    );

    let mut body = json!({
        "subject_fr": "Coupure ONDE mercredi",
        "body_fr": "ONDE sera indisponible mercredi de 8 h à 10 h.",
        "rate_per_minute": 0,
    });
    body["roles"] = audience["roles"].clone();
    body["zones"] = audience["zones"].clone();
    let created = api
        .call("POST", "/api/v1/broadcasts", Some(&ien), Some(body.clone()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["status"], "draft");
    assert_eq!(created.json["zones"][0]["name"], "Dijon 1");
    let id = created.json["id"].as_i64().expect("an id");

    let scheduled = api
        .call(
            "POST",
            &format!("/api/v1/broadcasts/{id}/send"),
            Some(&ien),
            Some(json!({ "at": "2099-09-01T08:00:00Z" })),
        )
        .await;
    assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.json);
    assert_eq!(scheduled.json["status"], "scheduled");
    let list = api
        .call("GET", "/api/v1/broadcasts", Some(&ien), None)
        .await;
    assert_eq!(list.json["items"][0]["id"], id);
    assert_eq!(list.json["items"][0]["progress"]["total"], 0);
    let cancelled = api
        .call(
            "POST",
            &format!("/api/v1/broadcasts/{id}/cancel"),
            Some(&ien),
            None,
        )
        .await;
    assert_eq!(cancelled.json["status"], "cancelled", "{}", cancelled.json);
    let again = api
        .call(
            "POST",
            &format!("/api/v1/broadcasts/{id}/cancel"),
            Some(&ien),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json["code"], "broadcast.already_sent");

    // Beyond the circonscription: 403, naming why.
    let mut beyond = body.clone();
    beyond["zones"] = json!([fx.circ_dijon.id.0, fx.circ_macon.id.0]);
    let refused = api
        .call("POST", "/api/v1/broadcasts", Some(&ien), Some(beyond))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    assert_eq!(refused.json["code"], "broadcast.beyond_zone");
    let detail = refused.json["detail"].as_str().expect("a detail");
    assert!(detail.contains("votre zone"), "{detail}");
    let mut by_uai = body.clone();
    by_uai["zones"] = json!([]);
    by_uai["uais"] = json!([fx.school_c.uai.as_ref().expect("uai").as_str()]);
    let refused = api
        .call(
            "POST",
            "/api/v1/broadcasts/preview",
            Some(&ien),
            Some(by_uai),
        )
        .await;
    assert_eq!(refused.json["code"], "broadcast.beyond_zone");

    // A field at fault is named.
    let mut blank = body.clone();
    blank["subject_fr"] = json!("");
    let invalid = api
        .call("POST", "/api/v1/broadcasts", Some(&ien), Some(blank))
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.json["field"], "subject_fr");
    let mut bad_uai = body.clone();
    bad_uai["uais"] = json!(["9999999Z"]);
    let invalid = api
        .call("POST", "/api/v1/broadcasts", Some(&ien), Some(bad_uai))
        .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.json
    );
    assert_eq!(invalid.json["field"], "uais");

    // A director informs nobody; the académie's broadcast is not the IEN's to read.
    let director = api.token(&fx.director_a).await;
    let refused = api
        .call(
            "POST",
            "/api/v1/broadcasts",
            Some(&director),
            Some(body.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json["code"], "broadcast.steering_only");
    let admin = api.token(&fx.admin).await;
    let mut academie = body.clone();
    academie["zones"] = json!([fx.academie.id.0]);
    let theirs = api
        .call("POST", "/api/v1/broadcasts", Some(&admin), Some(academie))
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.json);
    let other = theirs.json["id"].as_i64().expect("an id");
    let hidden = api
        .call(
            "GET",
            &format!("/api/v1/broadcasts/{other}"),
            Some(&ien),
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let recipients = api
        .call(
            "GET",
            &format!("/api/v1/broadcasts/{id}/recipients"),
            Some(&ien),
            None,
        )
        .await;
    assert_eq!(recipients.status, StatusCode::OK, "{}", recipients.json);
    assert_eq!(recipients.json["items"], json!([]));
}
