//! Every bad request answers 4xx with a problem document naming the field or the rule, in French
//! or English; none answers 5xx, and none writes half a change.

mod common;

use axum::http::StatusCode;
use common::{Api, ticket_body};
use guichet_testkit::{TestDb, both_engines};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

fn assert_problem(r: &common::Reply, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.json);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.json["status"], status.as_u16());
    assert_eq!(r.json["code"], code, "{}", r.json);
    if let Some(f) = field {
        assert_eq!(r.json["field"], f, "{}", r.json);
    }
    assert!(r.json["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

async fn each_bad_request_names_what_is_wrong(db: TestDb) {
    let api = Api::new(db).await;
    let director = api.token(&api.fx.director_a).await;
    let t = Some(director.as_str());

    let r = api
        .raw(
            "POST",
            "/api/v1/tickets",
            t,
            Some(("application/json", "{\"subject\": ".into())),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "body.malformed", None);
    let r = api
        .raw(
            "POST",
            "/api/v1/tickets",
            t,
            Some(("text/plain", "hello".into())),
            None,
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "body.content_type",
        None,
    );
    let r = api
        .call("POST", "/api/v1/tickets", t, Some(json!({ "body": "x" })))
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("subject"),
    );
    let r = api
        .call(
            "POST",
            "/api/v1/tickets",
            t,
            Some(json!({ "subject": "  ", "body": "x" })),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("subject"),
    );
    let mut b = ticket_body("x");
    b["application"] = json!("NOPE");
    let r = api.call("POST", "/api/v1/tickets", t, Some(b)).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("application"),
    );
    let mut b = ticket_body("x");
    b["establishment"] = json!("0740003A");
    let r = api.call("POST", "/api/v1/tickets", t, Some(b)).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "uai.check_letter",
        Some("establishment"),
    );
    let mut b = ticket_body("x");
    b["urgency"] = json!("extreme");
    let r = api.call("POST", "/api/v1/tickets", t, Some(b)).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("urgency"),
    );
    let mut b = ticket_body("x");
    b["colour"] = json!("blue");
    let r = api.call("POST", "/api/v1/tickets", t, Some(b)).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown",
        Some("colour"),
    );

    let created = api
        .call(
            "POST",
            "/api/v1/tickets",
            t,
            Some(ticket_body("Écran noir")),
        )
        .await;
    let base = format!(
        "/api/v1/tickets/{}",
        created.json["reference"].as_str().expect("reference")
    );
    let r = api.call("POST", &format!("{base}/close"), t, None).await;
    assert_problem(&r, StatusCode::CONFLICT, "lifecycle.not_from_status", None);
    let r = api.call("POST", &format!("{base}/take"), t, None).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "ticket.desk_only", None);
    let agent = api.token(&api.fx.agent_n1).await;
    let r = api
        .call("POST", &format!("{base}/close"), Some(&agent), None)
        .await;
    assert_problem(&r, StatusCode::CONFLICT, "lifecycle.not_from_status", None);
    let r = api
        .call(
            "POST",
            &format!("{base}/escalate"),
            t,
            Some(json!({ "group": "DSI-N2", "reason": "vite" })),
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "ticket.desk_only", None);
    let r = api
        .call(
            "POST",
            &format!("{base}/escalate"),
            Some(&agent),
            Some(json!({ "group": "DSI-N2", "reason": " " })),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    );
    let r = api
        .call(
            "POST",
            &format!("{base}/escalate"),
            Some(&agent),
            Some(json!({ "group": "DSI-N2" })),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    );

    // Another school's director: the ticket does not exist for them.
    let other = api.token(&api.fx.director_c).await;
    let r = api.call("GET", &base, Some(&other), None).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not_found", None);
    let r = api
        .call("GET", "/api/v1/tickets/2026-999999", t, None)
        .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not_found", None);

    // Tokens: none, wrong, revoked.
    let r = api.call("GET", "/api/v1/tickets", None, None).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "token.missing", None);
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    let r = api
        .call(
            "GET",
            "/api/v1/tickets",
            Some("gch_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "token.unknown", None);
    let r = api
        .call("GET", "/api/v1/tickets", Some("nonsense"), None)
        .await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "token.malformed", None);
    let caller = api
        .app
        .caller(api.fx.teacher_a.id, "test")
        .await
        .expect("caller");
    let token = api.token(&api.fx.teacher_a).await;
    assert_eq!(
        api.call("GET", "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    // Tokens are numbered in creation order: director, agent, other director, then this one.
    api.app.revoke_token(&caller, 4).await.expect("revoked");
    let r = api.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "token.revoked", None);

    let r = api.call("GET", "/api/v1/nowhere", t, None).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "route.not_found", None);
    let r = api.call("DELETE", "/api/v1/tickets", t, None).await;
    assert_problem(&r, StatusCode::METHOD_NOT_ALLOWED, "route.method", None);
    let r = api.call("GET", "/api/v1/tickets?limit=0", t, None).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("limit"),
    );
    let r = api.call("GET", "/api/v1/tickets?cursor=zzz", t, None).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cursor",
        Some("cursor"),
    );
    let r = api
        .call("GET", "/api/v1/tickets?status=lost", t, None)
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("status"),
    );
}

async fn problems_speak_the_callers_language(db: TestDb) {
    let api = Api::new(db).await;
    let fr = api.raw("GET", "/api/v1/tickets", None, None, None).await;
    let en = api
        .raw("GET", "/api/v1/tickets", None, None, Some("en-GB,en;q=0.9"))
        .await;
    assert_eq!(fr.json["title"], "Authentification requise");
    assert_eq!(en.json["title"], "Authentication required");
    assert_eq!(fr.headers["content-language"], "fr");
    assert_eq!(en.headers["content-language"], "en");
    let token = api.token(&api.fx.director_a).await;
    let en = api
        .raw(
            "POST",
            "/api/v1/tickets",
            Some(&token),
            Some((
                "application/json",
                json!({"subject": "x", "body": "y", "establishment": "0740003A"}).to_string(),
            )),
            Some("en"),
        )
        .await;
    assert_eq!(
        en.json["detail"],
        "The UAI's check letter does not match its digits."
    );
}

async fn a_refused_request_writes_nothing(db: TestDb) {
    let api = Api::new(db).await;
    let token = api.token(&api.fx.director_a).await;
    let admin = api.token(&api.fx.admin).await;
    let mut b = ticket_body("Avec une pièce jointe dangereuse");
    b["attachments"] = json!([{ "filename": "virus.exe", "content_base64": "TVqQAAMAAAAEAAAA" }]);
    let r = api
        .call("POST", "/api/v1/tickets", Some(&token), Some(b))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "attachments");
    let list = api.call("GET", "/api/v1/tickets", Some(&admin), None).await;
    assert_eq!(list.json["items"].as_array().map(Vec::len), Some(0));
}

/// Random bodies, paths and parameters: never a 5xx.
async fn no_input_makes_a_server_error(db: TestDb) {
    let api = Api::new(db).await;
    let token = api.token(&api.fx.agent_n1).await;
    let created = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&token),
            Some(ticket_body("Base")),
        )
        .await;
    let reference = created.json["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e300),
        json!(""),
        json!("é\u{0}"),
        json!([]),
        json!({}),
        json!("0211001A"),
        json!("2026-000001"),
        json!("x".repeat(300_000)),
    ];
    let keys = [
        "subject",
        "body",
        "type",
        "urgency",
        "impact",
        "application",
        "establishment",
        "on_behalf_of",
        "channel",
        "attachments",
        "group",
        "reason",
        "solution",
        "score",
        "other",
        "kind",
        "priority",
        "waiting_on",
        "assignee_id",
    ];
    let actions = [
        "",
        "/take",
        "/assign",
        "/reply",
        "/notes",
        "/wait",
        "/resume",
        "/escalate",
        "/transfer",
        "/links",
        "/priority",
        "/application",
        "/resolve",
        "/close",
        "/reopen",
        "/cancel",
        "/reject",
        "/survey",
    ];
    for _ in 0..300 {
        let mut body = serde_json::Map::new();
        for _ in 0..rng.random_range(0..5) {
            let k = keys[rng.random_range(0..keys.len())];
            body.insert(k.into(), values[rng.random_range(0..values.len())].clone());
        }
        let action = actions[rng.random_range(0..actions.len())];
        let path = if action.is_empty() {
            "/api/v1/tickets".to_owned()
        } else {
            format!("/api/v1/tickets/{reference}{action}")
        };
        let r = api
            .call(
                "POST",
                &path,
                Some(&token),
                Some(Value::Object(body.clone())),
            )
            .await;
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{path} {body:?} -> {} {}",
            r.status,
            r.json
        );
        if !r.status.is_success() {
            assert_eq!(r.content_type, "application/problem+json");
        }
    }
    for q in [
        "q=%00",
        "sort=%FF",
        "zone=99999999999999999999",
        "created_from=2026-13-45",
        "group=%",
        "assignee=me&requester=me&status=open,new",
        "q=le+la+les",
        "establishment=abc",
    ] {
        let r = api
            .call("GET", &format!("/api/v1/tickets?{q}"), Some(&token), None)
            .await;
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{q} -> {} {}",
            r.status,
            r.json
        );
    }
}

both_engines!(
    each_bad_request_names_what_is_wrong,
    problems_speak_the_callers_language,
    a_refused_request_writes_nothing,
    no_input_makes_a_server_error,
);
