//! Personal API tokens: each person makes their own (an administrator for anyone), a token stands
//! for its person until revoked, and only its hash is kept.

mod common;

use common::{assert_forbidden, assert_invalid, assert_not_found, env};
use guichet_app::token::TokenError;
use guichet_testkit::{TestDb, both_engines};
use sha2::{Digest, Sha256};

both_engines!(
    a_token_stands_for_its_person_until_revoked,
    tokens_are_made_for_oneself_unless_admin,
);

/// The stored id of a token, found by its hash as the store keeps it.
async fn token_id(db: &TestDb, token: &str) -> i64 {
    db.store
        .read()
        .await
        .expect("read")
        .token_by_hash(&hex::encode(Sha256::digest(token.as_bytes())))
        .await
        .expect("token stored")
        .id
}

async fn a_token_stands_for_its_person_until_revoked(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let token = e
        .app
        .create_token(&director, e.fx.director_a.id, "Script de l'école")
        .await
        .expect("created");
    assert!(token.starts_with("gch_"));
    assert_eq!(token.len(), 47);

    let who = e
        .app
        .authenticate_token(&format!(" {token}\n"), "api 127.0.0.1")
        .await
        .expect("store answers")
        .expect("valid token");
    assert_eq!(who.person_id(), Some(e.fx.director_a.id));
    assert_eq!(who.origin, "api 127.0.0.1");
    assert_eq!(who.subject.headed, [e.fx.school_a.id]);

    let id = token_id(&db, &token).await;
    // Someone else cannot revoke it: it is not theirs.
    let other = e.caller(&e.fx.director_b).await;
    assert_not_found(e.app.revoke_token(&other, id).await, "token");
    e.app.revoke_token(&director, id).await.expect("revoked");
    assert_eq!(
        e.app
            .authenticate_token(&token, "api")
            .await
            .expect("answers")
            .err(),
        Some(TokenError::Revoked)
    );
    assert_not_found(e.app.revoke_token(&director, id).await, "token");

    for malformed in [
        "",
        "gch_",
        "abc",
        "Bearer gch_x",
        &token[..46],
        &format!("{token}A"),
    ] {
        assert_eq!(
            e.app
                .authenticate_token(malformed, "api")
                .await
                .expect("answers")
                .err(),
            Some(TokenError::Malformed),
            "{malformed:?}"
        );
    }
    let unknown = format!("gch_{}", "A".repeat(43));
    assert_eq!(
        e.app
            .authenticate_token(&unknown, "api")
            .await
            .expect("answers")
            .err(),
        Some(TokenError::Unknown)
    );
    let mut conn = db.store.read().await.expect("read");
    let trail = conn
        .audit_trail("person", &e.fx.director_a.id.to_string())
        .await
        .expect("audit");
    let actions: Vec<_> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["token.create", "token.revoke"]);
    assert!(
        trail
            .iter()
            .all(|a| !a.details.to_string().contains(&token[4..])),
        "the token itself is never written down"
    );
}

async fn tokens_are_made_for_oneself_unless_admin(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    assert_forbidden(
        e.app
            .create_token(&director, e.fx.teacher_a.id, "Pour Paul")
            .await,
        "admin_only",
    );
    let agent = e.caller(&e.fx.agent_n1).await;
    assert_forbidden(
        e.app
            .create_token(&agent, e.fx.teacher_a.id, "Pour Paul")
            .await,
        "admin_only",
    );
    assert_invalid(
        e.app.create_token(&director, e.fx.director_a.id, " ").await,
        "name",
    );

    let admin = e.admin().await;
    let token = e
        .app
        .create_token(&admin, e.fx.teacher_a.id, "Intégration ENT")
        .await
        .expect("created by the administrator");
    let who = e
        .app
        .authenticate_token(&token, "api")
        .await
        .expect("answers")
        .expect("valid");
    assert_eq!(who.person_id(), Some(e.fx.teacher_a.id));
    assert!(
        !who.subject.admin,
        "the token carries its person's rights only"
    );
    // Two tokens never collide.
    let again = e
        .app
        .create_token(&admin, e.fx.teacher_a.id, "Intégration ENT")
        .await
        .expect("created");
    assert_ne!(token, again);
}
