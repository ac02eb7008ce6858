//! `/api/v1/rules` and `/api/v1/sla/...` on both engines: an administrator sets a calendar, a
//! policy and a rule; a director's API request is routed by it and reads its expected dates;
//! bad input is a problem naming the field (the JSON path for rules), in French by default;
//! others are refused; the paths are in the OpenAPI document.

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
mod common;
mod pages_common;

use axum::http::StatusCode;
use common::{Api, ticket_body};
use guichet_app::Caller;
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_testkit::{TestDb, both_engines};
use pages_common::Site;
use serde_json::json;

both_engines!(
    administrators_route_and_set_targets_through_the_api,
    the_request_page_shows_the_expected_dates,
);

async fn administrators_route_and_set_targets_through_the_api(db: TestDb) {
    let api = Api::new(db).await;
    let admin = api.token(&api.fx.admin).await;
    let director = api.token(&api.fx.director_a).await;
    let desk = api.fx.dsi_n1.desk.0;

    let day = json!(["08:00-12:00", "14:00-18:00"]);
    let calendar = json!({
        "code": "DIJON",
        "name": "Bureaux de Dijon",
        "definition": { "time_zone": "Europe/Paris", "territory": "metropole",
            "hours": { "mon": day, "tue": day, "wed": day, "thu": day, "fri": day } },
    });
    let refused = api
        .call(
            "POST",
            "/api/v1/sla/calendars",
            Some(&director),
            Some(calendar.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    let cal = api
        .call(
            "POST",
            "/api/v1/sla/calendars",
            Some(&admin),
            Some(calendar),
        )
        .await;
    assert_eq!(cal.status, StatusCode::CREATED, "{}", cal.json);
    let policy = json!({
        "code": "LSUN", "name": "LSUN", "desk_id": desk, "calendar_id": cal.json["id"],
        "take_in_charge_minutes": 240, "resolve_minutes": 960,
    });
    let created = api
        .call("POST", "/api/v1/sla/policies", Some(&admin), Some(policy))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["warn_percent"], 80);

    let bad =
        json!({ "name": "N2", "conditions": [{ "field": "subject", "op": "is", "value": "x" }] });
    let r = api
        .call(
            "POST",
            &format!("/api/v1/rules?desk={desk}"),
            Some(&admin),
            Some(bad),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.json["field"], "conditions[0].op");
    assert!(
        r.json["detail"]
            .as_str()
            .is_some_and(|d| d.contains("opérateur")),
        "{}",
        r.json
    );
    let missing = api
        .call(
            "POST",
            "/api/v1/rules",
            Some(&admin),
            Some(json!({ "name": "X" })),
        )
        .await;
    assert_eq!(missing.json["field"], "desk", "{}", missing.json);

    let rule = json!({ "name": "Bulletins au N2",
        "conditions": [{ "field": "text", "op": "contains_any", "value": ["bulletin"] }],
        "actions": [{ "action": "set_group", "value": "DSI-N2" }] });
    let r = api
        .call(
            "POST",
            &format!("/api/v1/rules?desk={desk}"),
            Some(&admin),
            Some(rule),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let listed = api
        .call(
            "GET",
            &format!("/api/v1/rules?desk={desk}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(listed.json["mode"], "first_match");
    assert_eq!(listed.json["rules"][0]["name"], "Bulletins au N2");

    let t = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&director),
            Some(ticket_body("Bulletins LSUN bloqués")),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.json);
    assert_eq!(t.json["group_id"], api.fx.dsi_n2.id.0, "{}", t.json);
    let reference = t.json["reference"].as_str().expect("reference");
    let sla = api
        .call(
            "GET",
            &format!("/api/v1/tickets/{reference}/sla"),
            Some(&director),
            None,
        )
        .await;
    assert_eq!(sla.status, StatusCode::OK, "{}", sla.json);
    assert_eq!(sla.json["take_in_charge"]["clock"], "running");
    assert!(sla.json["resolve"]["due"].is_string(), "{}", sla.json);

    let tested = api
        .call(
            "POST",
            "/api/v1/rules/test",
            Some(&admin),
            Some(json!({ "name": "Brouillon", "conditions": [
                { "field": "subject", "op": "contains_any", "value": ["bulletins"] }] })),
        )
        .await;
    assert_eq!(tested.json[0]["reference"], reference, "{}", tested.json);
    let exported = api
        .call(
            "GET",
            &format!("/api/v1/rules/export?desk={desk}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(exported.json["version"], 1);
    let auto = api
        .call(
            "PUT",
            &format!("/api/v1/sla/desks/{desk}"),
            Some(&admin),
            Some(json!({ "rule_mode": "apply_all", "auto_close_days": 400 })),
        )
        .await;
    assert_eq!(auto.json["field"], "auto_close_days", "{}", auto.json);

    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    for path in [
        "/rules",
        "/rules/{id}",
        "/rules/import",
        "/sla/calendars",
        "/sla/policies",
        "/tickets/{reference}/sla",
    ] {
        assert!(
            spec.json["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
}

/// The requester's page shows the expected dates once a policy covers the desk.
async fn the_request_page_shows_the_expected_dates(db: TestDb) {
    let site = Site::new(db).await;
    let admin = Caller::system("test");
    let all = json!(["00:00-24:00"]);
    let cal = site
        .app
        .create_calendar(
            &admin,
            CalendarInput {
                code: "H24".into(),
                name: "24/7".into(),
                definition: json!({ "time_zone": "Europe/Paris", "territory": "metropole",
                    "observes_holidays": false,
                    "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all,
                        "sat": all, "sun": all } }),
            },
        )
        .await
        .expect("calendar");
    let policy = PolicyInput {
        code: "STD".into(),
        name: "Standard".into(),
        desk: site.fx.dsi_n1.desk,
        application: None,
        priority: None,
        calendar: cal.id,
        take_in_charge_minutes: 240,
        resolve_minutes: 960,
        warn_percent: 80,
        breach_raise_priority: false,
        breach_next_level: false,
    };
    site.app
        .create_policy(&admin, policy)
        .await
        .expect("policy");
    let mut b = site.signed_in(&site.fx.director_a).await;
    let reference = b.submit("ONDE", "ONDE : admission impossible").await;
    let page = b.get(&format!("/requests/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Délais d'engagement"), "{}", page.html);
    assert!(page.has("Prise en charge prévue au plus tard"));
    assert!(page.has("Résolution prévue au plus tard"));
}
