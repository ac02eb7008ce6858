//! The outbox: an event exists if and only if its transaction committed, and consumers see
//! events in order until they mark them processed.

mod common;

use chrono::Duration;
use common::{at, insert, new_ticket};
use guichet_core::ticket::EventKind;
use guichet_store::outbox::NewEvent;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(events_are_visible_only_once_committed_and_in_order);

async fn events_are_visible_only_once_committed_and_in_order(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let t0 = at(2026, 5, 4, 14, 0, 0);
    let t = insert(
        &db.store,
        &new_ticket(
            &db.store,
            fx.teacher_a.id,
            Some(fx.school_a.id),
            Some(fx.dsi_n1.id),
            "Wifi",
            t0,
        )
        .await,
    )
    .await;
    let event = |kind: EventKind, minutes: i64, payload: serde_json::Value| NewEvent {
        at: t0 + Duration::minutes(minutes) + Duration::nanoseconds(5_000_999),
        kind,
        ticket: Some(t.id),
        actor: Some(fx.agent_n1.id),
        payload,
    };

    // Rolled back: dropped without commit.
    let mut tx = db.store.write().await.expect("write");
    tx.emit(&event(EventKind::Submitted, 0, json!({ "lost": true })))
        .await
        .expect("emitted");
    drop(tx);
    let mut conn = db.store.read().await.expect("read");
    assert!(conn.pending_events(100).await.expect("pending").is_empty());
    drop(conn);

    let sent = [
        event(EventKind::Submitted, 0, json!({ "reference": t.reference })),
        event(EventKind::Assigned, 1, json!({ "to": fx.agent_n1.id })),
        event(
            EventKind::Replied,
            2,
            json!({ "public": true, "text": "Bonjour, avez-vous…" }),
        ),
    ];
    let mut tx = db.store.write().await.expect("write");
    for e in &sent[..2] {
        tx.emit(e).await.expect("emitted");
    }
    tx.commit().await.expect("commit");
    let mut tx = db.store.write().await.expect("write");
    tx.emit(&sent[2]).await.expect("emitted");
    tx.emit(&NewEvent {
        ticket: None,
        actor: None,
        ..event(EventKind::Closed, 3, json!({}))
    })
    .await
    .expect("emitted");
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let pending = conn.pending_events(100).await.expect("pending");
    assert_eq!(pending.len(), 4);
    assert!(pending.windows(2).all(|w| w[0].id < w[1].id), "in id order");
    for (read, new) in pending.iter().zip(&sent) {
        assert_eq!(read.kind, new.kind);
        assert_eq!(read.at, guichet_store::ts(new.at));
        assert_eq!(read.ticket, Some(t.id));
        assert_eq!(read.actor, Some(fx.agent_n1.id));
        assert_eq!(read.payload, new.payload);
    }
    assert_eq!(pending[3].kind, EventKind::Closed);
    assert_eq!(pending[3].ticket, None);
    assert_eq!(pending[3].actor, None);
    assert_eq!(conn.pending_events(2).await.expect("pending"), pending[..2]);
    assert_eq!(
        conn.ticket_events(t.id).await.expect("events"),
        pending[..3]
    );
    drop(conn);

    let mut tx = db.store.write().await.expect("write");
    tx.mark_processed(&[pending[0].id, pending[2].id], t0)
        .await
        .expect("processed");
    tx.mark_processed(&[], t0).await.expect("nothing to mark");
    tx.commit().await.expect("commit");
    let mut conn = db.store.read().await.expect("read");
    assert_eq!(
        conn.pending_events(100).await.expect("pending"),
        [pending[1].clone(), pending[3].clone()]
    );
    // The ticket's history keeps processed events.
    assert_eq!(
        conn.ticket_events(t.id).await.expect("events"),
        pending[..3]
    );
}
