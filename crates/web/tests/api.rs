//! The JSON API end to end, on both engines: what a client sees.

mod common;

use axum::http::StatusCode;
use common::{Api, ticket_body};
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

async fn probes_and_openapi(db: TestDb) {
    let api = Api::new(db).await;
    assert_eq!(
        api.call("GET", "/healthz", None, None).await.status,
        StatusCode::OK
    );
    let ready = api.call("GET", "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json["database"], "ok");
    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(spec.status, StatusCode::OK);
    assert!(
        spec.json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        spec.json["openapi"]
    );
    for path in [
        "/tickets",
        "/tickets/{reference}",
        "/tickets/{reference}/escalate",
        "/organisations",
        "/applications",
    ] {
        assert!(
            spec.json["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(spec.json["components"]["securitySchemes"]["bearer"].is_object());
}

async fn a_request_from_submission_to_closure(db: TestDb) {
    let api = Api::new(db).await;
    let director = api.token(&api.fx.director_a).await;
    let agent = api.token(&api.fx.agent_n1).await;

    let created = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&director),
            Some(ticket_body("Bulletins LSUN bloqués")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let reference = created.json["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    assert_eq!(reference.len(), 11);
    assert_eq!(
        created.headers["location"],
        format!("/api/v1/tickets/{reference}").as_str()
    );
    assert_eq!(created.json["status"], "new");
    assert_eq!(created.json["priority"], "medium");
    assert_eq!(created.json["establishment_id"], api.fx.school_a.id.0);

    let base = format!("/api/v1/tickets/{reference}");
    let taken = api
        .call("POST", &format!("{base}/take"), Some(&agent), None)
        .await;
    assert_eq!(taken.json["status"], "in_progress", "{}", taken.json);
    assert_eq!(taken.json["assignee_id"], api.fx.agent_n1.id.0);

    let asked = api
        .call(
            "POST",
            &format!("{base}/reply"),
            Some(&agent),
            Some(json!({ "body": "Quel navigateur utilisez-vous ?", "wait_for_requester": true })),
        )
        .await;
    assert_eq!(asked.json["status"], "waiting");
    let noted = api
        .call(
            "POST",
            &format!("{base}/notes"),
            Some(&agent),
            Some(json!({ "body": "Sans doute le cache du proxy." })),
        )
        .await;
    assert_eq!(noted.status, StatusCode::OK);

    let answered = api
        .call(
            "POST",
            &format!("{base}/reply"),
            Some(&director),
            Some(json!({ "body": "Firefox, à jour." })),
        )
        .await;
    assert_eq!(answered.json["status"], "in_progress");

    let resolved = api
        .call(
            "POST",
            &format!("{base}/resolve"),
            Some(&agent),
            Some(json!({ "solution": "Cache vidé." })),
        )
        .await;
    assert_eq!(resolved.json["status"], "resolved");
    let closed = api
        .call("POST", &format!("{base}/close"), Some(&director), None)
        .await;
    assert_eq!(closed.json["status"], "closed");
    let rated = api
        .call(
            "POST",
            &format!("{base}/survey"),
            Some(&director),
            Some(json!({ "score": 5, "comment": "Merci !" })),
        )
        .await;
    assert_eq!(rated.json["satisfaction"], 5);

    // The requester's view never shows the internal note; the desk's does.
    let mine = api.call("GET", &base, Some(&director), None).await;
    let kinds = |v: &serde_json::Value| {
        v["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    assert!(!kinds(&mine.json).contains(&"note".to_owned()));
    assert!(kinds(&mine.json).contains(&"resolution".to_owned()));
    let desk = api.call("GET", &base, Some(&agent), None).await;
    assert!(kinds(&desk.json).contains(&"note".to_owned()));
}

async fn lists_filter_search_and_paginate(db: TestDb) {
    let api = Api::new(db).await;
    let director = api.token(&api.fx.director_a).await;
    let admin = api.token(&api.fx.admin).await;
    for i in 0..7 {
        let mut body = ticket_body(&format!("Imprimante numéro {i} en panne"));
        if i % 2 == 0 {
            body["body"] = json!("Le vidéoprojecteur ne s'allume plus.");
            body["subject"] = json!(format!("Vidéoprojecteur {i}"));
        }
        let r = api
            .call("POST", "/api/v1/tickets", Some(&director), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let found = api
        .call("GET", "/api/v1/tickets?q=imprimantes", Some(&admin), None)
        .await;
    assert_eq!(
        found.json["items"].as_array().map(Vec::len),
        Some(3),
        "{}",
        found.json
    );
    let found = api
        .call(
            "GET",
            "/api/v1/tickets?q=videoprojecteur",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(found.json["items"].as_array().map(Vec::len), Some(4));

    let mut seen = Vec::new();
    let mut url = "/api/v1/tickets?limit=3&sort=created&status=open".to_owned();
    loop {
        let page = api.call("GET", &url, Some(&director), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.json);
        for t in page.json["items"].as_array().expect("items") {
            seen.push(t["reference"].as_str().expect("ref").to_owned());
        }
        match page.json["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/tickets?limit=3&sort=created&status=open&cursor={c}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "oldest first");
    assert_eq!(seen.len(), 7);

    // Another school's director sees none of them.
    let other = api.token(&api.fx.director_c).await;
    let none = api.call("GET", "/api/v1/tickets", Some(&other), None).await;
    assert_eq!(none.json["items"].as_array().map(Vec::len), Some(0));
    // The IEN of the circonscription sees them all, through the zone filter too.
    let ien = api.token(&api.fx.ien_dijon).await;
    let zone = api
        .call(
            "GET",
            &format!("/api/v1/tickets?zone={}", api.fx.circ_dijon.id.0),
            Some(&ien),
            None,
        )
        .await;
    assert_eq!(zone.json["items"].as_array().map(Vec::len), Some(7));
    let by_uai = api
        .call(
            "GET",
            &format!(
                "/api/v1/tickets?establishment={}",
                api.fx.school_a.uai.as_ref().expect("uai")
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(by_uai.json["items"].as_array().map(Vec::len), Some(7));
}

both_engines!(
    probes_and_openapi,
    a_request_from_submission_to_closure,
    lists_filter_search_and_paginate
);
