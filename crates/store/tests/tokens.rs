//! Personal API tokens: found by hash, revoked once, by their owner only.

mod common;

use common::at;
use guichet_store::StoreError;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(tokens_are_found_by_hash_and_revoked_once);

async fn tokens_are_found_by_hash_and_revoked_once(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = at(2026, 6, 1, 12, 0, 0);
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let other_hash = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    let mut tx = db.store.write().await.expect("write");
    let id = tx
        .insert_token(fx.agent_n1.id, "Script d'import", hash, now)
        .await
        .expect("token");
    let other = tx
        .insert_token(fx.agent_n1.id, "Supervision", other_hash, now)
        .await
        .expect("token");
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let token = conn.token_by_hash(hash).await.expect("found");
    assert_eq!(token.id, id);
    assert_eq!(token.person, fx.agent_n1.id);
    assert_eq!(token.name, "Script d'import");
    assert_eq!(token.created_at, now);
    assert!(!token.revoked);
    assert!(matches!(
        conn.token_by_hash("0000").await,
        Err(StoreError::NotFound)
    ));
    drop(conn);

    let mut tx = db.store.write().await.expect("write");
    assert!(
        !tx.revoke_token(fx.agent_n2.id, id, now)
            .await
            .expect("revoke"),
        "only its owner revokes a token"
    );
    assert!(
        tx.revoke_token(fx.agent_n1.id, id, now)
            .await
            .expect("revoke")
    );
    assert!(
        !tx.revoke_token(fx.agent_n1.id, id, now)
            .await
            .expect("revoke"),
        "a second revoke changes nothing"
    );
    assert!(
        !tx.revoke_token(fx.agent_n1.id, 987_654, now)
            .await
            .expect("revoke")
    );
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let token = conn.token_by_hash(hash).await.expect("still found");
    assert!(token.revoked);
    assert!(!conn.token_by_hash(other_hash).await.expect("found").revoked);
    assert_eq!(
        conn.token_by_hash(other_hash).await.expect("found").id,
        other
    );
    drop(conn);

    // A hash is unique.
    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .insert_token(fx.agent_n2.id, "Copie", hash, now)
        .await
        .expect_err("the same hash twice");
    assert!(err.is_conflict_on("token_hash"), "{err:?}");
}
