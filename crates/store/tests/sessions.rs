//! Page sessions and sign-in attempts: found by hash, slid, deleted, purged; failures counted
//! per account after its last success and per address.

mod common;

use chrono::Duration;
use common::at;
use guichet_store::StoreError;
use guichet_store::session::WebSession;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    sessions_are_found_by_hash_slid_and_deleted,
    failures_count_after_the_last_success
);

async fn sessions_are_found_by_hash_slid_and_deleted(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = at(2026, 9, 1, 8, 0, 0);
    let s = WebSession {
        id_hash: "a".repeat(64),
        person: fx.director_a.id,
        csrf_secret: "csrf-secret".into(),
        method: "password".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::hours(8),
    };
    let mut tx = db.store.write().await.expect("write");
    tx.insert_session(&s).await.expect("inserted");
    tx.commit().await.expect("commit");
    let read = db
        .store
        .read()
        .await
        .expect("read")
        .session(&s.id_hash)
        .await
        .expect("found");
    assert_eq!(read, s);
    assert!(matches!(
        db.store
            .read()
            .await
            .expect("read")
            .session(&"b".repeat(64))
            .await,
        Err(StoreError::NotFound)
    ));

    let later = now + Duration::hours(1);
    let mut tx = db.store.write().await.expect("write");
    tx.touch_session(&s.id_hash, later, later + Duration::hours(8))
        .await
        .expect("touched");
    tx.commit().await.expect("commit");
    let read = db
        .store
        .read()
        .await
        .expect("read")
        .session(&s.id_hash)
        .await
        .expect("found");
    assert_eq!(read.last_seen_at, later);
    assert_eq!(read.expires_at, later + Duration::hours(8));

    let mut tx = db.store.write().await.expect("write");
    assert_eq!(
        tx.purge_sessions(later + Duration::hours(1), now)
            .await
            .expect("purge"),
        0,
        "a live session stays"
    );
    assert_eq!(
        tx.purge_sessions(later + Duration::hours(9), now)
            .await
            .expect("purge"),
        1,
        "an expired one goes"
    );
    assert!(!tx.delete_session(&s.id_hash).await.expect("delete"));
    tx.commit().await.expect("commit");
}

async fn failures_count_after_the_last_success(db: TestDb) {
    let t0 = at(2026, 9, 1, 8, 0, 0);
    let m = |n: i64| t0 + Duration::minutes(n);
    let mut tx = db.store.write().await.expect("write");
    for (account, ip, ok, when) in [
        ("claire@ac-dijon.fr", "10.0.0.1", false, m(0)),
        ("claire@ac-dijon.fr", "10.0.0.1", true, m(1)),
        ("claire@ac-dijon.fr", "10.0.0.1", false, m(2)),
        ("claire@ac-dijon.fr", "10.0.0.2", false, m(3)),
        ("luc@ac-dijon.fr", "10.0.0.1", false, m(4)),
    ] {
        tx.record_login_attempt(account, ip, ok, when)
            .await
            .expect("recorded");
    }
    tx.commit().await.expect("commit");
    let mut conn = db.store.read().await.expect("read");
    let f = conn
        .login_failures("claire@ac-dijon.fr", "10.0.0.1", t0 - Duration::minutes(15))
        .await
        .expect("counted");
    assert_eq!(f.account, 2, "the failure before the success is forgiven");
    assert_eq!(f.client, 3, "every account's failures from the address");
    assert_eq!(f.account_last, Some(m(3)));
    let f = conn
        .login_failures(
            "claire@ac-dijon.fr",
            "10.0.0.9",
            m(2) + Duration::seconds(30),
        )
        .await
        .expect("counted");
    assert_eq!((f.account, f.client), (1, 0), "only inside the window");
}
