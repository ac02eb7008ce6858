//! The administration's API beyond creation, on both engines: an administrator edits an
//! application's keywords, takes an agent out of a group, deactivates a person and grants
//! administration, renames a desk and a group and deactivates a group (never one holding open
//! requests); anyone else is refused; an administrator cannot lock themselves out.

#[allow(dead_code, reason = "this binary uses a part of the shared helpers")]
mod common;

use axum::http::StatusCode;
use common::Api;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(
    administrators_edit_applications_members_and_accounts,
    administrators_rename_desks_and_groups_and_deactivate_an_empty_group,
);

async fn administrators_edit_applications_members_and_accounts(db: TestDb) {
    let api = Api::new(db).await;
    let admin = api.token(&api.fx.admin).await;
    let agent = api.token(&api.fx.agent_n1).await;
    let lsun = api.fx.lsun.id.0;
    let body = json!({
        "name": "Livret scolaire",
        "keywords": ["lsu", "LSUN", "Livret"],
        "default_group": api.fx.dsi_n2.code,
    });
    let path = format!("/api/v1/applications/{lsun}");
    let refused = api
        .call("PUT", &path, Some(&agent), Some(body.clone()))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let edited = api.call("PUT", &path, Some(&admin), Some(body)).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.json);
    assert_eq!(edited.json["keywords"], json!(["LSU", "LSUN", "LIVRET"]));
    assert_eq!(edited.json["code"], api.fx.lsun.code);
    assert_eq!(edited.json["default_group_id"], api.fx.dsi_n2.id.0);
    let bad = api
        .call(
            "PUT",
            &path,
            Some(&admin),
            Some(json!({ "name": " ", "keywords": [] })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["field"], "name");

    let (group, member) = (api.fx.dsi_n1.id.0, api.fx.agent_n1_bis.id.0);
    let member_path = format!("/api/v1/groups/{group}/members/{member}");
    let gone = api.call("DELETE", &member_path, Some(&admin), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let again = api.call("DELETE", &member_path, Some(&admin), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let teacher = api.token(&api.fx.teacher_a).await;
    let teacher_id = api.fx.teacher_a.id.0;
    let off = api
        .call(
            "PUT",
            &format!("/api/v1/persons/{teacher_id}/active"),
            Some(&admin),
            Some(json!({ "active": false })),
        )
        .await;
    assert_eq!(off.status, StatusCode::NO_CONTENT);
    let me = api.call("GET", "/api/v1/me", Some(&teacher), None).await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "a deactivated token stops"
    );

    let admin_id = api.fx.admin.id.0;
    let demote = api
        .call(
            "PUT",
            &format!("/api/v1/persons/{admin_id}/admin"),
            Some(&admin),
            Some(json!({ "admin": false })),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert_eq!(demote.json["code"], "admin.self");
    assert_eq!(demote.content_type, "application/problem+json");
    let agent_id = api.fx.agent_n1.id.0;
    let granted = api
        .call(
            "PUT",
            &format!("/api/v1/persons/{agent_id}/admin"),
            Some(&admin),
            Some(json!({ "admin": true })),
        )
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT);
    let now_admin = api
        .call("GET", "/api/v1/jobs?state=dead", Some(&agent), None)
        .await;
    assert_eq!(now_admin.status, StatusCode::OK, "{}", now_admin.json);
}

async fn administrators_rename_desks_and_groups_and_deactivate_an_empty_group(db: TestDb) {
    let api = Api::new(db).await;
    let admin = api.token(&api.fx.admin).await;
    let agent = api.token(&api.fx.agent_n1).await;
    let desk = format!("/api/v1/desks/{}", api.fx.dsi_n1.desk.0);
    let rename = json!({ "name": "DSI de Dijon" });
    let refused = api
        .call("PATCH", &desk, Some(&agent), Some(rename.clone()))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let renamed = api.call("PATCH", &desk, Some(&admin), Some(rename)).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.json);
    assert_eq!(renamed.json["name"], "DSI de Dijon");
    assert_eq!(renamed.json["code"], "DSI");
    assert_eq!(
        renamed.json["node_id"], api.fx.academie.id.0,
        "absent keeps the zone"
    );
    let taken = api
        .call(
            "PATCH",
            &desk,
            Some(&admin),
            Some(json!({ "name": "DSDEN de Saône-et-Loire" })),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.json);
    assert_eq!(taken.json["field"], "name");
    assert_eq!(taken.content_type, "application/problem+json");
    let unknown = api
        .call("PATCH", &desk, Some(&admin), Some(json!({ "code": "X" })))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let n1 = format!("/api/v1/groups/{}", api.fx.dsi_n1.id.0);
    let off = json!({ "active": false });
    // LSUN and ONDE send their requests to DSI-N1.
    let kept = api
        .call("PATCH", &n1, Some(&admin), Some(off.clone()))
        .await;
    assert_eq!(kept.status, StatusCode::CONFLICT, "{}", kept.json);
    assert_eq!(kept.json["code"], "group.default_of_application");
    assert_eq!(kept.json["field"], "active");
    let n2 = format!("/api/v1/groups/{}", api.fx.dsi_n2.id.0);
    let blank = api
        .call("PATCH", &n2, Some(&admin), Some(json!({ "name": "" })))
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blank.json["field"], "name");
    let done = api.call("PATCH", &n2, Some(&admin), Some(off)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["active"], false);
    assert_eq!(done.json["name"], "Expertise N2", "absent keeps the name");
    let listed = api.call("GET", "/api/v1/groups", Some(&agent), None).await;
    let n2_listed = listed
        .json
        .as_array()
        .expect("a list")
        .iter()
        .find(|g| g["id"] == api.fx.dsi_n2.id.0)
        .expect("still listed")
        .clone();
    assert_eq!(n2_listed["active"], false);
}
