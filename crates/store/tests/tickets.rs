//! Tickets: references, reading back what was written, watchers and links.

mod common;

use chrono::{Datelike, Duration, Utc};
use common::{at, insert, new_ticket};
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::ticket::{Channel, Impact, LinkKind, Priority, TicketRef, TicketType, Urgency};
use guichet_core::{PersonId, TicketId};
use guichet_store::StoreError;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::collections::BTreeSet;

both_engines!(
    references_are_unique_under_concurrency,
    concurrent_changes_to_one_ticket_are_all_kept,
    references_restart_each_year,
    a_ticket_reads_back_as_written,
    an_update_is_read_back,
    watchers_are_kept_once,
    links_read_from_both_ends,
    a_missing_ticket_is_not_found,
);

async fn references_are_unique_under_concurrency(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let template = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Connexion impossible",
        now,
    )
    .await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = db.store.clone();
            let mut t = template.clone();
            t.subject = format!("Demande {i}");
            tokio::spawn(async move {
                let mut tx = store.write().await.expect("write transaction");
                let ticket = tx.insert_ticket(&t).await.expect("ticket inserted");
                tx.commit().await.expect("commit");
                ticket
            })
        })
        .collect();
    let mut refs = Vec::new();
    for task in tasks {
        let ticket = task.await.expect("task finished");
        let text = ticket.reference.to_string();
        assert_eq!(text.len(), 11, "YYYY-NNNNNN: {text}");
        assert_eq!(TicketRef::parse(&text), Ok(ticket.reference));
        assert_eq!(ticket.reference.year, now.year());
        refs.push(ticket.reference.seq);
    }
    let distinct: BTreeSet<i64> = refs.iter().copied().collect();
    assert_eq!(distinct.len(), 40, "no reference given twice: {refs:?}");
    assert_eq!(distinct, (1..=40).collect::<BTreeSet<i64>>());

    // Each reference leads back to its ticket.
    let mut conn = db.store.read().await.expect("read");
    let first = conn
        .ticket_by_reference(TicketRef::new(now.year(), 1))
        .await
        .expect("by reference");
    assert_eq!(
        first.reference.to_string(),
        format!("{}-000001", now.year())
    );
}

async fn concurrent_changes_to_one_ticket_are_all_kept(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let t = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Compteur",
        Utc::now(),
    )
    .await;
    let t = insert(&db.store, &t).await;
    // Twenty agents each read the ticket for update and append to it at the same time: the lock
    // makes each one see the others' changes.
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = db.store.clone();
            tokio::spawn(async move {
                let mut tx = store.write().await.expect("write transaction");
                let mut ticket = tx.ticket_for_update(t.id).await.expect("locked");
                ticket.subject.push('+');
                tx.update_ticket(&ticket).await.expect("updated");
                tx.commit().await.expect("commit");
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task finished");
    }
    let mut conn = db.store.read().await.expect("read");
    assert_eq!(
        conn.ticket(t.id).await.expect("ticket").subject,
        format!("Compteur{}", "+".repeat(20))
    );
}

async fn references_restart_each_year(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let mut refs = Vec::new();
    for created in [
        at(2025, 12, 31, 23, 59, 59),
        at(2026, 1, 1, 0, 0, 0),
        at(2025, 12, 31, 23, 0, 0),
        at(2026, 1, 2, 8, 0, 0),
    ] {
        let t = new_ticket(
            &db.store,
            fx.director_a.id,
            Some(fx.school_a.id),
            None,
            "Bulletin",
            created,
        )
        .await;
        refs.push(insert(&db.store, &t).await.reference.to_string());
    }
    assert_eq!(
        refs,
        ["2025-000001", "2026-000001", "2025-000002", "2026-000002"]
    );
}

async fn a_ticket_reads_back_as_written(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    // Nanoseconds: both engines keep microseconds.
    let created = at(2026, 3, 9, 8, 15, 0) + Duration::nanoseconds(123_456_789);
    let mut t = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "L'ENT « Éclat » affiche une page blanche",
        created,
    )
    .await;
    t.ticket_type = TicketType::Request;
    t.channel = Channel::Phone;
    t.created_by = fx.agent_n1.id;
    t.urgency = Urgency::High;
    t.impact = Impact::Low;
    t.priority = Priority::Medium;
    t.application = Some(fx.lsun.id);
    let stored = insert(&db.store, &t).await;

    let mut conn = db.store.read().await.expect("read");
    let read = conn.ticket(stored.id).await.expect("ticket");
    assert_eq!(read, stored);
    assert_eq!(read.ticket_type, TicketType::Request);
    assert_eq!(read.channel, Channel::Phone);
    assert_eq!(read.status, Status::New);
    assert_eq!(read.urgency, Urgency::High);
    assert_eq!(read.impact, Impact::Low);
    assert_eq!(read.priority, Priority::Medium);
    assert_eq!(read.application, Some(fx.lsun.id));
    assert_eq!(read.requester, fx.teacher_a.id);
    assert_eq!(read.created_by, fx.agent_n1.id);
    assert_eq!(read.group, Some(fx.dsi_n1.id));
    assert_eq!(read.assignee, None);
    assert_eq!(read.subject, "L'ENT « Éclat » affiche une page blanche");
    assert_eq!(read.created_at, guichet_store::ts(created));
    assert_eq!(read.updated_at, read.created_at);
    assert_eq!(read.zone.establishment, Some(fx.school_a.id));
    assert_eq!(read.zone.circonscription, Some(fx.circ_dijon.id));
    assert_eq!(read.zone.departement, Some(fx.dep21.id));
    assert_eq!(read.zone.path, Some(fx.school_a.path.clone()));
    assert_eq!(
        conn.ticket_by_reference(read.reference)
            .await
            .expect("by reference"),
        read
    );

    // A ticket filed for no establishment has no zone.
    let loose = new_ticket(
        &db.store,
        fx.agent_dsden.id,
        None,
        None,
        "Question",
        created,
    )
    .await;
    let loose = insert(&db.store, &loose).await;
    let read = conn.ticket(loose.id).await.expect("ticket");
    assert_eq!(read.zone, guichet_store::org::TicketZone::default());
    assert_eq!(read.group, None);
}

async fn an_update_is_read_back(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let created = at(2026, 3, 9, 8, 0, 0);
    let t = new_ticket(
        &db.store,
        fx.director_b.id,
        Some(fx.school_b.id),
        Some(fx.dsi_n1.id),
        "Imprimante",
        created,
    )
    .await;
    let mut t = insert(&db.store, &t).await;
    let later = created + Duration::minutes(90) + Duration::nanoseconds(987_654_321);
    t.status = Status::Waiting;
    t.waiting_on = Some(WaitingOn::ThirdParty);
    t.urgency = Urgency::Low;
    t.impact = Impact::High;
    t.priority = Priority::VeryHigh;
    t.application = Some(fx.onde.id);
    t.group = Some(fx.dsi_n2.id);
    t.assignee = Some(fx.agent_n2.id);
    t.level = guichet_core::desk::Level::N2;
    t.subject = "Imprimante du bureau".into();
    t.solution = Some("Pilote réinstallé".into());
    t.satisfaction = Some(4);
    t.satisfaction_comment = Some("Merci !".into());
    t.updated_at = later;
    t.taken_at = Some(later);
    t.resolved_at = Some(later + Duration::hours(1));
    t.closed_at = Some(later + Duration::days(7));
    common::update(&db.store, &t).await;

    let mut conn = db.store.read().await.expect("read");
    let read = conn.ticket(t.id).await.expect("ticket");
    let expected = guichet_store::ticket::Ticket {
        updated_at: guichet_store::ts(later),
        taken_at: Some(guichet_store::ts(later)),
        resolved_at: Some(guichet_store::ts(later + Duration::hours(1))),
        closed_at: Some(guichet_store::ts(later + Duration::days(7))),
        ..t.clone()
    };
    assert_eq!(read, expected);

    // An open status reads back as open in lists, a finished one as finished.
    let everything = common::everything(fx.admin.id);
    let open = guichet_store::ticket::list::TicketFilter {
        open: Some(true),
        ..Default::default()
    };
    assert_eq!(
        common::ids(&common::list_all(&db.store, &open, &everything, Default::default(), 10).await),
        [t.id.0]
    );
    let mut done = read.clone();
    done.status = Status::Closed;
    done.waiting_on = None;
    common::update(&db.store, &done).await;
    assert!(
        common::list_all(&db.store, &open, &everything, Default::default(), 10)
            .await
            .is_empty()
    );
}

async fn watchers_are_kept_once(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let t = new_ticket(
        &db.store,
        fx.director_a.id,
        Some(fx.school_a.id),
        None,
        "Tablettes",
        Utc::now(),
    )
    .await;
    let t = insert(&db.store, &t).await;
    let mut tx = db.store.write().await.expect("write");
    for p in [fx.teacher_a.id, fx.ien_dijon.id, fx.teacher_a.id] {
        tx.add_watcher(t.id, p).await.expect("watcher added");
    }
    tx.commit().await.expect("commit");
    let mut conn = db.store.read().await.expect("read");
    let mut expected = vec![fx.teacher_a.id, fx.ien_dijon.id];
    expected.sort();
    assert_eq!(conn.watchers(t.id).await.expect("watchers"), expected);
    assert_eq!(conn.ticket(t.id).await.expect("ticket").watchers, expected);
    let mut tx = db.store.write().await.expect("write");
    assert_eq!(
        tx.ticket_for_update(t.id).await.expect("locked").watchers,
        expected
    );
}

async fn links_read_from_both_ends(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let mut tickets = Vec::new();
    for subject in ["Panne réseau", "Pas d'Internet", "Réseau lent"] {
        let t = new_ticket(
            &db.store,
            fx.director_a.id,
            Some(fx.school_a.id),
            None,
            subject,
            now,
        )
        .await;
        tickets.push(insert(&db.store, &t).await);
    }
    let (a, b, c) = (&tickets[0], &tickets[1], &tickets[2]);
    let mut tx = db.store.write().await.expect("write");
    tx.add_link(b.id, a.id, LinkKind::Duplicate, now)
        .await
        .expect("linked");
    tx.add_link(a.id, c.id, LinkKind::Related, now)
        .await
        .expect("linked");
    tx.commit().await.expect("commit");

    let mut conn = db.store.read().await.expect("read");
    let of_a = conn.links(a.id).await.expect("links");
    assert_eq!(of_a.len(), 2);
    assert_eq!(of_a[0].other, b.id);
    assert_eq!(of_a[0].kind, LinkKind::Duplicate);
    assert!(!of_a[0].outgoing, "b duplicates a: made from b");
    assert_eq!(of_a[0].other_reference, b.reference);
    assert_eq!(of_a[0].other_subject, "Pas d'Internet");
    assert_eq!(of_a[0].other_status, Status::New);
    assert_eq!(of_a[1].other, c.id);
    assert!(of_a[1].outgoing);
    let of_b = conn.links(b.id).await.expect("links");
    assert_eq!(of_b.len(), 1);
    assert!(of_b[0].outgoing);
    assert_eq!(of_b[0].other, a.id);
    drop(conn);

    // The same link twice is a conflict.
    let mut tx = db.store.write().await.expect("write");
    let err = tx
        .add_link(b.id, a.id, LinkKind::Related, now)
        .await
        .expect_err("already linked");
    assert!(err.is_conflict_on("ticket_link"), "{err:?}");
    drop(tx);

    // Removed from either end.
    let mut tx = db.store.write().await.expect("write");
    assert!(tx.remove_link(a.id, b.id).await.expect("unlinked"));
    assert!(!tx.remove_link(b.id, a.id).await.expect("nothing left"));
    tx.commit().await.expect("commit");
    let mut conn = db.store.read().await.expect("read");
    assert!(conn.links(b.id).await.expect("links").is_empty());
    assert_eq!(conn.links(a.id).await.expect("links").len(), 1);
}

async fn a_missing_ticket_is_not_found(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let mut conn = db.store.read().await.expect("read");
    assert!(matches!(
        conn.ticket(TicketId(987_654)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        conn.ticket_by_reference(TicketRef::new(2026, 42)).await,
        Err(StoreError::NotFound)
    ));
    drop(conn);
    let mut tx = db.store.write().await.expect("write");
    assert!(matches!(
        tx.ticket_for_update(TicketId(987_654)).await,
        Err(StoreError::NotFound)
    ));
    drop(tx);
    // A ticket naming a person who does not exist is refused as a broken reference.
    let mut t = new_ticket(&db.store, fx.teacher_a.id, None, None, "x", Utc::now()).await;
    t.requester = PersonId(987_654);
    let mut tx = db.store.write().await.expect("write");
    let err = tx.insert_ticket(&t).await.expect_err("no such requester");
    assert!(err.is_conflict_on("foreign_key"), "{err:?}");
}
