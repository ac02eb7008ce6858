//! The audit log is append-only on both engines, and reads back as written.

mod common;

use chrono::Duration;
use common::at;
use guichet_store::audit::AuditRecord;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;

both_engines!(the_audit_log_is_append_only);

async fn the_audit_log_is_append_only(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let when = at(2026, 4, 1, 10, 0, 0) + Duration::nanoseconds(1_234_567);
    let record = AuditRecord {
        at: when,
        actor: Some(fx.admin.id),
        action: "person.role_add".into(),
        object_type: "person",
        object_id: fx.teacher_a.id.to_string(),
        origin: "api 192.0.2.7".into(),
        details: json!({ "role": "director", "node": fx.school_a.id, "note": "« rentrée »" }),
    };
    let mut tx = db.store.write().await.expect("write");
    tx.audit(&record).await.expect("audited");
    tx.audit(&AuditRecord {
        action: "person.update".into(),
        actor: None,
        origin: "cli".into(),
        details: json!({}),
        ..record.clone()
    })
    .await
    .expect("audited");
    tx.audit(&AuditRecord {
        object_id: fx.director_a.id.to_string(),
        ..record.clone()
    })
    .await
    .expect("audited");
    tx.commit().await.expect("commit");

    // A record written in a transaction that is rolled back leaves nothing.
    let mut tx = db.store.write().await.expect("write");
    tx.audit(&AuditRecord {
        action: "person.delete".into(),
        ..record.clone()
    })
    .await
    .expect("audited");
    drop(tx);

    let trail = |store: guichet_store::Store, id: String| async move {
        store
            .read()
            .await
            .expect("read")
            .audit_trail("person", &id)
            .await
            .expect("trail")
    };
    let before = trail(db.store.clone(), fx.teacher_a.id.to_string()).await;
    assert_eq!(before.len(), 2);
    assert!(before[0].id < before[1].id);
    assert_eq!(before[0].at, guichet_store::ts(when));
    assert_eq!(before[0].actor, Some(fx.admin.id));
    assert_eq!(before[0].action, "person.role_add");
    assert_eq!(before[0].origin, "api 192.0.2.7");
    assert_eq!(before[0].details, record.details);
    assert_eq!(before[1].action, "person.update");
    assert_eq!(before[1].actor, None);
    assert_eq!(before[1].origin, "cli");
    assert!(
        db.store
            .read()
            .await
            .expect("read")
            .audit_trail("ticket", &fx.teacher_a.id.to_string())
            .await
            .expect("trail")
            .is_empty(),
        "a trail is per object type and id"
    );

    for statement in [
        "UPDATE audit_log SET action = 'nothing.happened'",
        "UPDATE audit_log SET origin = '' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ] {
        let err = db
            .store
            .execute_admin(statement)
            .await
            .expect_err("the audit log refuses changes");
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    assert_eq!(
        trail(db.store.clone(), fx.teacher_a.id.to_string()).await,
        before
    );
    let count = db
        .store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM audit_log")
        .await
        .expect("count");
    assert_eq!(count, [["3"]]);
}
