//! The agent workspace's API on both engines: absences with a delegate, bulk actions, queues and
//! saved views, the requester card.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{Api, ticket_body};
use guichet_testkit::{TestDb, both_engines};
use serde_json::{Value, json};

both_engines!(
    absences_with_a_delegate,
    bulk_actions_report_each_ticket,
    queues_and_saved_views,
    the_requester_card_and_phone_intake,
);

/// Files a request as school A's director, assigned to `agent` by the administrator.
async fn assigned_ticket(api: &Api, agent: i64) -> String {
    let director = api.token(&api.fx.director_a).await;
    let admin = api.token(&api.fx.admin).await;
    let created = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&director),
            Some(ticket_body("Bulletins LSUN bloqués")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let reference = created.json["reference"].as_str().expect("ref").to_owned();
    let assigned = api
        .call(
            "POST",
            &format!("/api/v1/tickets/{reference}/assign"),
            Some(&admin),
            Some(json!({ "assignee_id": agent })),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.json);
    reference
}

#[track_caller]
fn assert_problem(r: &common::Reply, status: StatusCode, field: Option<&str>, code: &str) {
    assert_eq!(r.status, status, "{}", r.json);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.json["code"], code, "{}", r.json);
    match field {
        Some(f) => assert_eq!(r.json["field"], f, "{}", r.json),
        None => assert_eq!(r.json["field"], Value::Null),
    }
    assert!(r.json["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

async fn absences_with_a_delegate(db: TestDb) {
    let api = Api::new(db).await;
    let fx = &api.fx;
    {
        let mut tx = api.app.store().write().await.expect("write");
        tx.add_member(fx.dsden_n1.id, fx.agent_n1.id)
            .await
            .expect("member");
        tx.commit().await.expect("commit");
    }
    let before = assigned_ticket(&api, fx.agent_n1.id.0).await;
    let n1 = api.token(&fx.agent_n1).await;
    let dsden = api.token(&fx.agent_dsden).await;
    let bis = api.token(&fx.agent_n1_bis).await;
    let show = format!("/api/v1/tickets/{before}");
    assert_eq!(
        api.call("GET", &show, Some(&dsden), None).await.status,
        StatusCode::NOT_FOUND
    );

    let now = Utc::now();
    let body = |delegate: i64, from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>| json!({ "delegate_id": delegate, "starts_at": from.to_rfc3339(), "ends_at": to.to_rfc3339() });
    let declared = api
        .call(
            "POST",
            "/api/v1/absences",
            Some(&n1),
            Some(body(
                fx.agent_dsden.id.0,
                now - Duration::hours(1),
                now + Duration::days(7),
            )),
        )
        .await;
    assert_eq!(declared.status, StatusCode::CREATED, "{}", declared.json);
    assert_eq!(declared.json["in_force"], true);
    assert_eq!(declared.json["person_id"], fx.agent_n1.id.0);
    let id = declared.json["id"].as_i64().expect("id");

    // Refusals name the field.
    let overlap = api
        .call(
            "POST",
            "/api/v1/absences",
            Some(&n1),
            Some(body(
                fx.agent_n1_bis.id.0,
                now + Duration::days(6),
                now + Duration::days(9),
            )),
        )
        .await;
    assert_problem(
        &overlap,
        StatusCode::CONFLICT,
        Some("starts_at"),
        "absence.overlap",
    );
    let stranger = api
        .call(
            "POST",
            "/api/v1/absences",
            Some(&n1),
            Some(body(
                fx.agent_n2.id.0,
                now + Duration::days(20),
                now + Duration::days(21),
            )),
        )
        .await;
    assert_problem(
        &stranger,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("delegate_id"),
        "absence.delegate_no_shared_group",
    );
    let bad_date = api
        .call(
            "POST",
            "/api/v1/absences",
            Some(&n1),
            Some(json!({ "delegate_id": fx.agent_dsden.id.0, "starts_at": "2026-12-01", "ends_at": "demain" })),
        )
        .await;
    assert_problem(
        &bad_date,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("ends_at"),
        "date",
    );
    let missing = api
        .call(
            "POST",
            "/api/v1/absences",
            Some(&n1),
            Some(json!({ "starts_at": "2026-12-01", "ends_at": "2026-12-02" })),
        )
        .await;
    assert_problem(
        &missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("delegate_id"),
        "required",
    );
    let other = api
        .call(
            "GET",
            &format!("/api/v1/absences?person={}", fx.agent_n1.id.0),
            Some(&bis),
            None,
        )
        .await;
    assert_problem(&other, StatusCode::FORBIDDEN, None, "absence.not_yours");

    // In force: the delegate reads the absent agent's ticket, and new assignments go to them.
    let listed = api.call("GET", "/api/v1/absences", Some(&n1), None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json.as_array().map(Vec::len), Some(1));
    let dsden = api.token(&fx.agent_dsden).await;
    assert_eq!(
        api.call("GET", &show, Some(&dsden), None).await.status,
        StatusCode::OK
    );
    let during = assigned_ticket(&api, fx.agent_n1.id.0).await;
    let t = api
        .call(
            "GET",
            &format!("/api/v1/tickets/{during}"),
            Some(&dsden),
            None,
        )
        .await;
    assert_eq!(
        t.json["ticket"]["assignee_id"], fx.agent_dsden.id.0,
        "{}",
        t.json
    );

    // Back early: only shorter, then cancelled (it ends now).
    let later = api
        .call(
            "PATCH",
            &format!("/api/v1/absences/{id}"),
            Some(&n1),
            Some(json!({ "ends_at": (now + Duration::days(30)).to_rfc3339() })),
        )
        .await;
    assert_problem(
        &later,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("ends_at"),
        "absence.only_shorten",
    );
    let ended = api
        .call("DELETE", &format!("/api/v1/absences/{id}"), Some(&n1), None)
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.json);
    assert_eq!(ended.json["in_force"], false);
    assert_eq!(
        api.call("GET", &show, Some(&dsden), None).await.status,
        StatusCode::NOT_FOUND
    );
    let gone = api
        .call("DELETE", "/api/v1/absences/nope", Some(&n1), None)
        .await;
    assert_problem(&gone, StatusCode::NOT_FOUND, None, "not_found");

    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    for path in ["/absences", "/absences/{id}"] {
        assert!(spec.json["paths"][path].is_object(), "{path} missing");
    }
}

async fn bulk_actions_report_each_ticket(db: TestDb) {
    let api = Api::new(db).await;
    let fx = &api.fx;
    let director = api.token(&fx.director_a).await;
    let agent = api.token(&fx.agent_n1).await;
    let mut refs = Vec::new();
    for n in 0..3 {
        let created = api
            .call(
                "POST",
                "/api/v1/tickets",
                Some(&director),
                Some(ticket_body(&format!("Poste {n} en panne"))),
            )
            .await;
        refs.push(created.json["reference"].as_str().expect("ref").to_owned());
    }
    let taken = api
        .call(
            "POST",
            "/api/v1/tickets/bulk",
            Some(&agent),
            Some(json!({ "action": "take", "tickets": [refs[0], refs[1], "2026-999999"] })),
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.json);
    assert_eq!(taken.json["done"], 2);
    assert_eq!(taken.json["refused"], 1);
    assert_eq!(taken.json["items"][0]["ticket"]["status"], "in_progress");
    assert_eq!(taken.json["items"][2]["status"], 404);
    assert_eq!(taken.json["items"][2]["code"], "not_found");

    // A move the lifecycle refuses is reported with its reason, in the request's language.
    let resolved = api
        .raw(
            "POST",
            "/api/v1/tickets/bulk",
            Some(&agent),
            Some((
                "application/json",
                json!({ "action": "resolve", "solution": "Poste réinstallé.", "tickets": [refs[0], refs[2]] })
                    .to_string(),
            )),
            Some("en"),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.json);
    assert_eq!(resolved.json["items"][0]["ok"], true);
    let refused = &resolved.json["items"][1];
    assert_eq!(refused["status"], 409);
    assert_eq!(refused["code"], "lifecycle.not_from_status");
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot")),
        "{refused}"
    );

    // The call as a whole: named fields.
    for (body, field, code) in [
        (
            json!({ "action": "take", "tickets": [] }),
            "tickets",
            "required",
        ),
        (
            json!({ "action": "fly", "tickets": [refs[0]] }),
            "action",
            "invalid",
        ),
        (
            json!({ "action": "assign", "tickets": [refs[0]] }),
            "assignee_id",
            "required",
        ),
        (
            json!({ "action": "resolve", "tickets": [refs[0]] }),
            "solution",
            "required",
        ),
        (
            json!({ "action": "wait", "waiting_on": "moon", "tickets": [refs[0]] }),
            "waiting_on",
            "invalid",
        ),
        (json!({ "tickets": [refs[0]] }), "action", "required"),
    ] {
        let r = api
            .call("POST", "/api/v1/tickets/bulk", Some(&agent), Some(body))
            .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field), code);
    }
    let many: Vec<String> = (1..=101).map(|n| format!("2026-{n:06}")).collect();
    let r = api
        .call(
            "POST",
            "/api/v1/tickets/bulk",
            Some(&agent),
            Some(json!({ "action": "take", "tickets": many })),
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("tickets"),
        "bulk.too_many",
    );
}

async fn queues_and_saved_views(db: TestDb) {
    let api = Api::new(db).await;
    let fx = &api.fx;
    let director = api.token(&fx.director_a).await;
    let agent = api.token(&fx.agent_n1).await;
    let mut refs = Vec::new();
    for n in 0..3 {
        let created = api
            .call(
                "POST",
                "/api/v1/tickets",
                Some(&director),
                Some(ticket_body(&format!("Poste {n} en panne"))),
            )
            .await;
        refs.push(created.json["reference"].as_str().expect("ref").to_owned());
    }
    api.call(
        "POST",
        &format!("/api/v1/tickets/{}/take", refs[0]),
        Some(&agent),
        None,
    )
    .await;

    let ws = api.call("GET", "/api/v1/queues", Some(&agent), None).await;
    assert_eq!(ws.status, StatusCode::OK, "{}", ws.json);
    let queues = ws.json["queues"].as_array().expect("queues");
    assert_eq!(queues[0]["key"], "mine");
    assert_eq!(queues[0]["open"]["label"], "1");
    let group = queues
        .iter()
        .find(|q| q["code"] == "DSI-N1")
        .expect("the DSI-N1 queue");
    assert_eq!(group["open"]["count"], 3);
    assert_eq!(group["open"]["capped"], false);
    assert_eq!(group["unassigned"]["count"], 2);
    let key = group["key"].as_str().expect("key");
    let new_key = group["unassigned_key"].as_str().expect("key");
    let page = api
        .call(
            "GET",
            &format!("/api/v1/queues/{new_key}/tickets?limit=1&sort=created"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    assert_eq!(page.json["items"][0]["ticket"]["reference"], refs[1]);
    let cursor = page.json["next_cursor"].as_str().expect("a second page");
    let next = api
        .call(
            "GET",
            &format!("/api/v1/queues/{new_key}/tickets?limit=1&sort=created&cursor={cursor}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(next.json["items"][0]["ticket"]["reference"], refs[2]);
    assert_eq!(next.json["next_cursor"], Value::Null);
    let all = api
        .call(
            "GET",
            &format!("/api/v1/queues/{key}/tickets"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(all.json["items"].as_array().map(Vec::len), Some(3));
    // Filters: several values per filter; a wrong value names its parameter.
    let taken = api
        .call(
            "GET",
            &format!("/api/v1/queues/{key}/tickets?status=in_progress"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.json);
    let items = taken.json["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", taken.json);
    assert_eq!(items[0]["ticket"]["reference"], refs[0]);
    let both = api
        .call(
            "GET",
            &format!("/api/v1/queues/{key}/tickets?status=new,in_progress&level=N1&level=N2"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(both.json["items"].as_array().map(Vec::len), Some(3));
    let elsewhere = api
        .call(
            "GET",
            &format!(
                "/api/v1/queues/{key}/tickets?establishment={}",
                fx.school_b
                    .uai
                    .as_ref()
                    .expect("a school has a UAI")
                    .as_str()
            ),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.json);
    assert_eq!(elsewhere.json["items"].as_array().map(Vec::len), Some(0));
    for (query, field) in [
        ("status=sleeping", "status"),
        ("level=N9", "level"),
        ("application=NOPE", "application"),
        ("older_than_days=-3", "older_than_days"),
    ] {
        let r = api
            .call(
                "GET",
                &format!("/api/v1/queues/{key}/tickets?{query}"),
                Some(&agent),
                None,
            )
            .await;
        assert!(r.status.is_client_error(), "{query}: {}", r.json);
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.json["field"], field, "{query}: {}", r.json);
    }
    let mine = api
        .call("GET", "/api/v1/queues/mine/tickets", Some(&agent), None)
        .await;
    assert_eq!(mine.json["items"][0]["delegated_from"], Value::Null);

    // Not a queue of theirs, not a queue at all, not an agent.
    let other = format!("/api/v1/queues/group-{}/tickets", fx.dsden_n1.id.0);
    let r = api.call("GET", &other, Some(&agent), None).await;
    assert_problem(&r, StatusCode::NOT_FOUND, None, "not_found");
    let r = api
        .call(
            "GET",
            "/api/v1/queues/everything/tickets",
            Some(&agent),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::NOT_FOUND, None, "not_found");
    let r = api
        .call("GET", "/api/v1/queues", Some(&director), None)
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, None, "desk_only");

    // The ticket list's age filter.
    let aged = api
        .call(
            "GET",
            "/api/v1/tickets?older_than_days=1",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(aged.status, StatusCode::OK);
    assert_eq!(aged.json["items"].as_array().map(Vec::len), Some(0));
    let fresh = api
        .call(
            "GET",
            "/api/v1/tickets?newer_than_days=1",
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(fresh.json["items"].as_array().map(Vec::len), Some(3));
    let r = api
        .call(
            "GET",
            "/api/v1/tickets?older_than_days=-2",
            Some(&agent),
            None,
        )
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("older_than_days"),
        "age.range",
    );

    // Saved views.
    let body = json!({ "name": "Nouveaux LSUN", "filters": {
        "status": ["new"], "applications": ["LSUN"], "levels": ["N1"], "priorities": ["medium"],
        "establishment": fx.school_a.uai.as_ref().map(|u| u.to_string()),
        "zone": fx.circ_dijon.id.0, "newer_than_days": 30, "sort": "created" } });
    let saved = api
        .call("POST", "/api/v1/views", Some(&agent), Some(body.clone()))
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.json);
    assert_eq!(saved.json["filters"]["applications"], json!([fx.lsun.id.0]));
    let id = saved.json["id"].as_i64().expect("id");
    let listed = api
        .call(
            "GET",
            &format!("/api/v1/views/{id}/tickets?limit=1"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    assert_eq!(
        listed.json["items"][0]["ticket"]["reference"], refs[1],
        "oldest first"
    );
    let cursor = listed.json["next_cursor"].as_str().expect("more");
    let next = api
        .call(
            "GET",
            &format!("/api/v1/views/{id}/tickets?limit=1&cursor={cursor}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(next.json["items"][0]["ticket"]["reference"], refs[2]);
    let dup = api
        .call("POST", "/api/v1/views", Some(&agent), Some(body))
        .await;
    assert_problem(&dup, StatusCode::CONFLICT, Some("name"), "view.name_taken");
    for (filters, field, code) in [
        (json!({ "levels": ["N9"] }), "levels", "invalid"),
        (
            json!({ "applications": ["NOPE"] }),
            "applications",
            "invalid",
        ),
        (json!({ "sort": "up" }), "sort", "invalid"),
        (
            json!({ "establishment": "0211234A" }),
            "establishment",
            "uai.check_letter",
        ),
        (json!({ "colour": "red" }), "filters.colour", "unknown"),
    ] {
        let r = api
            .call(
                "POST",
                "/api/v1/views",
                Some(&agent),
                Some(json!({ "name": "x", "filters": filters })),
            )
            .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field), code);
    }
    let renamed = api
        .call(
            "PUT",
            &format!("/api/v1/views/{id}"),
            Some(&agent),
            Some(json!({ "name": "Tous les miens", "filters": { "mine": true } })),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.json);
    let views = api.call("GET", "/api/v1/views", Some(&agent), None).await;
    assert_eq!(views.json[0]["name"], "Tous les miens");
    let bis = api.token(&fx.agent_n1_bis).await;
    let r = api
        .call("DELETE", &format!("/api/v1/views/{id}"), Some(&bis), None)
        .await;
    assert_problem(&r, StatusCode::NOT_FOUND, None, "not_found");
    let r = api
        .call("DELETE", &format!("/api/v1/views/{id}"), Some(&agent), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    for path in [
        "/queues",
        "/queues/{key}/tickets",
        "/views",
        "/views/{id}",
        "/views/{id}/tickets",
        "/tickets/bulk",
    ] {
        assert!(spec.json["paths"][path].is_object(), "{path} missing");
    }
}

async fn the_requester_card_and_phone_intake(db: TestDb) {
    let api = Api::new(db).await;
    let fx = &api.fx;
    let agent = api.token(&fx.agent_n1).await;
    let director = api.token(&fx.director_a).await;
    let uai = fx.school_a.uai.as_ref().expect("a UAI").to_string();

    // Find the caller by the school's UAI, then file the call on their behalf.
    let found = api
        .call(
            "GET",
            &format!("/api/v1/requesters?q={uai}&limit=1"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.json);
    assert_eq!(found.json["items"][0]["display_name"], "Claire Martin");
    assert_eq!(found.json["items"][0]["roles"][0]["kind"], "director");
    let cursor = found.json["next_cursor"].as_str().expect("a second page");
    let next = api
        .call(
            "GET",
            &format!("/api/v1/requesters?q={uai}&limit=1&cursor={cursor}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(next.json["items"][0]["display_name"], "Paul Bernard");
    let requester = found.json["items"][0]["id"].as_i64().expect("id");
    let mut body = ticket_body("Appel : ONDE inaccessible");
    body["on_behalf_of"] = json!(requester);
    body["channel"] = json!("phone");
    let phoned = api
        .call("POST", "/api/v1/tickets", Some(&agent), Some(body))
        .await;
    assert_eq!(phoned.status, StatusCode::CREATED, "{}", phoned.json);
    assert_eq!(phoned.json["channel"], "phone");
    assert_eq!(phoned.json["requester_id"], requester);
    let shown = phoned.json["reference"].as_str().expect("ref").to_owned();
    let earlier = api
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&director),
            Some(ticket_body("Bulletins LSUN bloqués")),
        )
        .await;

    let card = api
        .call(
            "GET",
            &format!("/api/v1/persons/{requester}/card?except={shown}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.json);
    assert_eq!(card.json["person"]["display_name"], "Claire Martin");
    let place = &card.json["places"][0];
    assert_eq!(place["establishment"]["uai"], uai.as_str());
    assert_eq!(place["circonscription"]["name"], "Dijon 1");
    assert_eq!(place["departement"]["name"], "Côte-d'Or");
    let others = card.json["open_requests"].as_array().expect("requests");
    assert_eq!(others.len(), 1);
    assert_eq!(others[0]["reference"], earlier.json["reference"]);

    let r = api
        .call("GET", "/api/v1/requesters?q=a", Some(&agent), None)
        .await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("q"),
        "search.too_short",
    );
    let r = api
        .call("GET", "/api/v1/requesters", Some(&agent), None)
        .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("q"), "required");
    let r = api
        .call("GET", "/api/v1/requesters?q=martin", Some(&director), None)
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, None, "desk_only");
    let r = api
        .call(
            "GET",
            &format!("/api/v1/persons/{requester}/card"),
            Some(&director),
            None,
        )
        .await;
    assert_problem(&r, StatusCode::FORBIDDEN, None, "desk_only");
    let r = api
        .call("GET", "/api/v1/persons/abc/card", Some(&agent), None)
        .await;
    assert_problem(&r, StatusCode::NOT_FOUND, None, "not_found");
    let spec = api.call("GET", "/api/v1/openapi.json", None, None).await;
    for path in ["/requesters", "/persons/{id}/card"] {
        assert!(spec.json["paths"][path].is_object(), "{path} missing");
    }
}
