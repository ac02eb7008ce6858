//! Mailbox leases: one holder at a time, renewed by its holder, taken over once expired, and
//! contested atomically.

mod common;

use chrono::Duration;
use common::at;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_lease_has_one_holder_until_it_expires,
    racing_instances_never_both_take_a_lease
);

async fn take(db: &TestDb, owner: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
    let mut tx = db.store.write().await.expect("write");
    let taken = tx
        .take_mailbox_lease("lsun", owner, now, now + Duration::seconds(60))
        .await
        .expect("lease");
    tx.commit().await.expect("commit");
    taken
}

async fn a_lease_has_one_holder_until_it_expires(db: TestDb) {
    let t0 = at(2026, 9, 1, 8, 0, 0);
    assert!(take(&db, "web-1", t0).await, "a free mailbox is taken");
    assert!(
        !take(&db, "web-2", t0 + Duration::seconds(30)).await,
        "held by web-1"
    );
    assert!(
        take(&db, "web-1", t0 + Duration::seconds(50)).await,
        "its holder renews it"
    );
    assert!(
        !take(&db, "web-2", t0 + Duration::seconds(100)).await,
        "the renewal runs to 110 s"
    );
    let lease = db
        .store
        .read()
        .await
        .expect("read")
        .mailbox_lease("lsun")
        .await
        .expect("lease")
        .expect("a row");
    assert_eq!(lease.owner, "web-1");
    assert_eq!(lease.taken_at, t0);
    assert_eq!(lease.expires_at, t0 + Duration::seconds(110));

    let later = t0 + Duration::seconds(111);
    assert!(take(&db, "web-2", later).await, "expired: taken over");
    assert!(!take(&db, "web-1", later).await, "web-1 lost it");
    let lease = db
        .store
        .read()
        .await
        .expect("read")
        .mailbox_lease("lsun")
        .await
        .expect("lease")
        .expect("a row");
    assert_eq!((lease.owner.as_str(), lease.taken_at), ("web-2", later));

    let mut tx = db.store.write().await.expect("write");
    tx.release_mailbox_lease("lsun", "web-1")
        .await
        .expect("no-op");
    tx.commit().await.expect("commit");
    assert!(
        !take(&db, "web-1", later).await,
        "only its holder releases it"
    );
    let mut tx = db.store.write().await.expect("write");
    tx.release_mailbox_lease("lsun", "web-2")
        .await
        .expect("release");
    tx.commit().await.expect("commit");
    assert!(take(&db, "web-1", later).await, "released: free at once");
}

async fn racing_instances_never_both_take_a_lease(db: TestDb) {
    let t0 = at(2026, 9, 1, 8, 0, 0);
    for round in 0..5_i64 {
        // Each round starts with the previous lease expired.
        let now = t0 + Duration::seconds(round * 120);
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let store = db.store.clone();
                tokio::spawn(async move {
                    let mut tx = store.write().await.expect("write");
                    let taken = tx
                        .take_mailbox_lease(
                            "lsun",
                            &format!("web-{i}"),
                            now,
                            now + Duration::seconds(60),
                        )
                        .await
                        .expect("lease");
                    tx.commit().await.expect("commit");
                    taken
                })
            })
            .collect();
        let mut winners = 0;
        for t in tasks {
            winners += usize::from(t.await.expect("task"));
        }
        assert_eq!(winners, 1, "round {round}");
    }
}
