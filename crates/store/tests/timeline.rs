//! A ticket's timeline: entries in order, internal ones only when asked for, attachments on their
//! entry, each content stored once.

mod common;

use chrono::Duration;
use common::{at, insert, new_ticket};
use guichet_core::ticket::EntryKind;
use guichet_core::{EntryId, PersonId, TicketId};
use guichet_store::StoreError;
use guichet_store::ticket::timeline::{NewAttachment, NewEntry};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use sha2::{Digest, Sha256};

both_engines!(
    entries_come_back_in_order_internal_only_when_asked,
    attachments_are_stored_once_and_listed_on_their_entry,
);

fn entry(
    ticket: TicketId,
    kind: EntryKind,
    author: Option<PersonId>,
    body: &str,
    minutes: i64,
) -> NewEntry {
    NewEntry {
        ticket,
        kind,
        public: kind.is_public(),
        author,
        body: body.into(),
        data: json!({}),
        created_at: at(2026, 3, 2, 9, 0, 0) + Duration::minutes(minutes),
    }
}

async fn entries_come_back_in_order_internal_only_when_asked(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let t = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Pas de son",
        at(2026, 3, 2, 9, 0, 0),
    )
    .await;
    let t = insert(&db.store, &t).await;
    let other = insert(
        &db.store,
        &new_ticket(
            &db.store,
            fx.director_b.id,
            Some(fx.school_b.id),
            None,
            "Autre",
            at(2026, 3, 2, 9, 0, 0),
        )
        .await,
    )
    .await;

    let mut tx = db.store.write().await.expect("write");
    let mut status = entry(t.id, EntryKind::StatusChange, None, "", 3);
    status.data = json!({ "from": "new", "to": "assigned", "group": "DSI-N1" });
    let written = [
        entry(
            t.id,
            EntryKind::Submitted,
            Some(fx.teacher_a.id),
            "Les haut-parleurs ne marchent plus.",
            0,
        ),
        entry(
            t.id,
            EntryKind::Note,
            Some(fx.agent_n1.id),
            "Déjà vu à l'école B : pilote audio.",
            1,
        ),
        entry(
            t.id,
            EntryKind::Reply,
            Some(fx.agent_n1.id),
            "Pouvez-vous redémarrer le poste ?",
            2,
        ),
        status,
        entry(
            t.id,
            EntryKind::Reply,
            Some(fx.teacher_a.id),
            "C'est réglé, merci.",
            4,
        ),
    ];
    let mut ids = Vec::new();
    for e in &written {
        ids.push(tx.add_entry(e).await.expect("entry"));
    }
    tx.add_entry(&entry(other.id, EntryKind::Reply, None, "Ailleurs", 0))
        .await
        .expect("entry elsewhere");
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let everything = conn.timeline(t.id, true).await.expect("timeline");
    assert_eq!(everything.len(), 5);
    for ((read, new), id) in everything.iter().zip(&written).zip(&ids) {
        assert_eq!(read.id, *id);
        assert_eq!(read.ticket, t.id);
        assert_eq!(read.kind, new.kind);
        assert_eq!(read.public, new.public);
        assert_eq!(read.author, new.author);
        assert_eq!(read.body, new.body);
        assert_eq!(read.data, new.data);
        assert_eq!(read.created_at, new.created_at);
        assert!(read.attachments.is_empty());
    }
    assert_eq!(everything[0].author_name.as_deref(), Some("Paul Bernard"));
    assert_eq!(everything[1].author_name.as_deref(), Some("Sophie Garnier"));
    assert_eq!(everything[3].author_name, None);
    assert_eq!(everything[3].data["to"], "assigned");

    let public = conn.timeline(t.id, false).await.expect("timeline");
    let kinds: Vec<EntryKind> = public.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Submitted,
            EntryKind::Reply,
            EntryKind::StatusChange,
            EntryKind::Reply
        ]
    );
    assert!(public.iter().all(|e| e.public));
    assert!(!public.iter().any(|e| e.body.contains("pilote audio")));
    assert!(
        conn.timeline(TicketId(987_654), true)
            .await
            .expect("no timeline")
            .is_empty()
    );
}

async fn attachments_are_stored_once_and_listed_on_their_entry(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let created = at(2026, 3, 2, 9, 0, 0);
    let t = insert(
        &db.store,
        &new_ticket(
            &db.store,
            fx.teacher_a.id,
            Some(fx.school_a.id),
            None,
            "Capture",
            created,
        )
        .await,
    )
    .await;
    let other = insert(
        &db.store,
        &new_ticket(
            &db.store,
            fx.director_b.id,
            Some(fx.school_b.id),
            None,
            "Autre",
            created,
        )
        .await,
    )
    .await;
    // Every byte value, and a NUL: the content must come back exactly.
    let png: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let pdf = b"%PDF-1.7\n\0binary\xff\xfe".to_vec();

    let mut tx = db.store.write().await.expect("write");
    let submitted = tx
        .add_entry(&entry(
            t.id,
            EntryKind::Submitted,
            Some(fx.teacher_a.id),
            "Voir capture",
            0,
        ))
        .await
        .expect("entry");
    let reply = tx
        .add_entry(&entry(
            t.id,
            EntryKind::Reply,
            Some(fx.teacher_a.id),
            "Encore",
            1,
        ))
        .await
        .expect("entry");
    let file = |name: &str, content_type: &str, data: &[u8]| NewAttachment {
        filename: name.into(),
        content_type: content_type.into(),
        data: data.to_vec(),
    };
    let first = tx
        .add_attachment(
            t.id,
            submitted,
            &file("écran.png", "image/png", &png),
            created,
        )
        .await
        .expect("attached");
    let doc = tx
        .add_attachment(
            t.id,
            submitted,
            &file("devis.pdf", "application/pdf", &pdf),
            created,
        )
        .await
        .expect("attached");
    let again = tx
        .add_attachment(
            t.id,
            reply,
            &file("écran (2).png", "image/png", &png),
            created,
        )
        .await
        .expect("attached again");
    tx.commit().await.expect("commit");

    let sha = hex::encode(Sha256::digest(&png));
    assert_eq!(first.sha256, sha);
    assert_eq!(again.sha256, sha);
    assert_ne!(first.id, again.id);
    assert_eq!(first.size, 3000);
    let blobs = db
        .store
        .query_strings("SELECT sha256, CAST(size AS TEXT) FROM blob ORDER BY sha256")
        .await
        .expect("blobs");
    assert_eq!(blobs.len(), 2, "the same content is stored once");
    assert!(blobs.contains(&vec![sha.clone(), "3000".to_owned()]));

    let mut conn = db.store.read().await.expect("read");
    let listed = conn.attachments_of(t.id).await.expect("attachments");
    assert_eq!(listed, [first.clone(), doc.clone(), again.clone()]);
    let timeline = conn.timeline(t.id, false).await.expect("timeline");
    let on = |id: EntryId| {
        timeline
            .iter()
            .find(|e| e.id == id)
            .expect("entry")
            .attachments
            .clone()
    };
    assert_eq!(on(submitted), [first.clone(), doc.clone()]);
    assert_eq!(on(reply), std::slice::from_ref(&again));

    let (meta, bytes) = conn.attachment(t.id, again.id).await.expect("content");
    assert_eq!(meta, again);
    assert_eq!(bytes, png);
    let (meta, bytes) = conn.attachment(t.id, doc.id).await.expect("content");
    assert_eq!(meta.filename, "devis.pdf");
    assert_eq!(meta.content_type, "application/pdf");
    assert_eq!(bytes, pdf);
    // An attachment is read through its own ticket only.
    assert!(matches!(
        conn.attachment(other.id, first.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        conn.attachment(t.id, 987_654).await,
        Err(StoreError::NotFound)
    ));
}
