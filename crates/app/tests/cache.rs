//! What the app keeps in memory (reference data, the person behind a token) never outlives a
//! change made through the app: the next request sees it, on either engine.

mod common;

use common::{env, request};
use guichet_core::person::RoleKind;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_role_or_membership_given_counts_from_the_next_request,
    a_revoked_token_is_refused_by_the_next_request,
    a_new_application_is_found_at_once,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_s_change_is_seen_at_the_next_sync_on_postgres() {
    if guichet_testkit::skip_postgres() {
        eprintln!("skipped: GUICHET_SKIP_POSTGRES=1");
        return;
    }
    let db = TestDb::postgres().await;
    let e = env(&db).await;
    // A second instance on the same database: its own memory, its own cache.
    let other = guichet_app::App::new(
        db.store.clone(),
        e.clock.clone(),
        guichet_app::AppConfig::default(),
    );
    let admin = e.admin().await;
    let app = e
        .app
        .create_application(&admin, "PRONOTE", "Pronote", "Vie scolaire", &[], None)
        .await
        .expect("created");
    let director = e.caller(&e.fx.director_a).await;
    let pronote = |subject: &str| {
        let mut req = request(subject, Some(e.fx.school_a.id));
        req.application = Some(app.id);
        req
    };
    e.app.sync_reference_cache().await.expect("synced");
    e.app
        .submit(&director, pronote("Pronote ne répond plus"))
        .await
        .expect("submitted while the application is active");

    other
        .update_application(
            &admin,
            app.id,
            guichet_app::admin::ApplicationInput {
                name: "Pronote".into(),
                description: String::new(),
                keywords: Vec::new(),
                default_group: None,
                active: false,
            },
        )
        .await
        .expect("deactivated on the other instance");
    // Until this instance reads the generation, it may still use what it holds (about a
    // second in `guichet serve`): here it does, which shows the cache is in use.
    e.app
        .submit(&director, pronote("Encore Pronote"))
        .await
        .expect("the copy held before the sync");
    e.app.sync_reference_cache().await.expect("synced");
    let refused = e
        .app
        .submit(&director, pronote("Toujours Pronote"))
        .await
        .expect_err("the deactivation is seen after the sync");
    assert!(
        refused.to_string().contains("application"),
        "refused on the application: {refused}"
    );
}

async fn a_role_or_membership_given_counts_from_the_next_request(db: TestDb) {
    let e = env(&db).await;
    let teacher = e.caller(&e.fx.teacher_a).await;
    let token = e
        .app
        .create_token(&teacher, e.fx.teacher_a.id, "script")
        .await
        .expect("created");
    let before = e
        .app
        .authenticate_token(&token, "api")
        .await
        .expect("answers")
        .expect("valid");
    assert!(before.subject.headed.is_empty());
    assert!(before.subject.groups.is_empty());

    let admin = e.admin().await;
    e.app
        .grant_role(
            &admin,
            e.fx.teacher_a.id,
            RoleKind::Director,
            e.fx.school_b.id,
        )
        .await
        .expect("role granted");
    let after = e
        .app
        .authenticate_token(&token, "api")
        .await
        .expect("answers")
        .expect("valid");
    assert_eq!(after.subject.headed, [e.fx.school_b.id]);

    e.app
        .add_member(&admin, e.fx.dsi_n2.id, e.fx.teacher_a.id)
        .await
        .expect("member added");
    let member = e
        .app
        .authenticate_token(&token, "api")
        .await
        .expect("answers")
        .expect("valid");
    let groups: Vec<_> = member.subject.groups.iter().map(|g| g.id).collect();
    assert_eq!(groups, [e.fx.dsi_n2.id]);
}

async fn a_revoked_token_is_refused_by_the_next_request(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let token = e
        .app
        .create_token(&director, e.fx.director_a.id, "script")
        .await
        .expect("created");
    // Used many times, so that it is surely kept in memory where the engine allows it.
    for _ in 0..3 {
        let who = e
            .app
            .authenticate_token(&token, "api")
            .await
            .expect("answers")
            .expect("valid");
        e.app
            .submit(&who, request("Imprimante", Some(e.fx.school_a.id)))
            .await
            .expect("submitted with the token");
    }
    let id: i64 = db
        .store
        .query_strings("SELECT CAST(MAX(id) AS TEXT) FROM api_token")
        .await
        .expect("token id")[0][0]
        .parse()
        .expect("a number");
    e.app.revoke_token(&director, id).await.expect("revoked");
    assert_eq!(
        e.app
            .authenticate_token(&token, "api")
            .await
            .expect("answers")
            .err(),
        Some(guichet_app::token::TokenError::Revoked)
    );
}

async fn a_new_application_is_found_at_once(db: TestDb) {
    let e = env(&db).await;
    assert!(
        e.app
            .application_id("application", "PRONOTE")
            .await
            .is_err()
    );
    let admin = e.admin().await;
    let app = e
        .app
        .create_application(
            &admin,
            "PRONOTE",
            "Pronote",
            "Vie scolaire",
            &[],
            Some(e.fx.dsi_n2.id),
        )
        .await
        .expect("created");
    let id = e
        .app
        .application_id("application", "PRONOTE")
        .await
        .expect("found at once");
    assert_eq!(id, app.id);
    let mut req = request("Pronote ne répond plus", Some(e.fx.school_a.id));
    req.application = Some(id);
    let director = e.caller(&e.fx.director_a).await;
    let ticket = e.app.submit(&director, req).await.expect("submitted");
    assert_eq!(ticket.group, Some(e.fx.dsi_n2.id));
}
