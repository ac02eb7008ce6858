//! Bulk loading of history: what it writes reads like what the use cases write, and live tickets
//! carry on after it without colliding.

mod common;

use chrono::{Datelike, Duration};
use common::{at, everything, ids, insert, list_all, new_ticket};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::search::query_terms;
use guichet_core::ticket::{Channel, EntryKind, Impact, Priority, TicketRef, TicketType, Urgency};
use guichet_store::bulk::{BulkEntry, BulkTicket};
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_store::ticket::timeline::NewEntry;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::collections::BTreeSet;

both_engines!(bulk_history_reads_like_live_tickets_and_references_carry_on);

const LOADED: usize = 1000;

async fn bulk_history_reads_like_live_tickets_and_references_carry_on(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let store = &db.store;

    // Two live tickets of 2025 before the load, one with an entry.
    for day in [1, 2] {
        let t = new_ticket(
            store,
            fx.teacher_a.id,
            Some(fx.school_a.id),
            Some(fx.dsi_n1.id),
            "Avant",
            at(2025, 6, day, 9, 0, 0),
        )
        .await;
        let t = insert(store, &t).await;
        let mut tx = store.write().await.expect("write");
        tx.add_entry(&NewEntry {
            ticket: t.id,
            kind: EntryKind::Submitted,
            public: true,
            author: Some(fx.teacher_a.id),
            body: "Avant le chargement".into(),
            data: json!({}),
            created_at: t.created_at,
        })
        .await
        .expect("entry");
        tx.commit().await.expect("commit");
    }

    // The zones the load computes in one query are those a live ticket gets.
    let mut conn = store.read().await.expect("read");
    let zones = conn.all_ticket_zones().await.expect("zones");
    for node in [
        &fx.academie,
        &fx.dep21,
        &fx.dep71,
        &fx.circ_dijon,
        &fx.circ_macon,
        &fx.school_a,
        &fx.school_b,
        &fx.school_c,
    ] {
        assert_eq!(
            zones.get(&node.id),
            Some(&conn.ticket_zone(node.id).await.expect("zone")),
            "{}",
            node.name
        );
    }
    drop(conn);

    // From September 2024 to January 2026, every twelve hours, in creation order.
    let start = at(2024, 9, 1, 8, 0, 0);
    let schools = [&fx.school_a, &fx.school_b, &fx.school_c];
    let requesters = [&fx.teacher_a, &fx.director_b, &fx.director_c];
    let history: Vec<BulkTicket> = (0..LOADED)
        .map(|i| {
            let created = start + Duration::hours(12 * i as i64);
            let resolved = created + Duration::hours(3);
            let body = if i == 500 {
                "Le vidéoprojecteur de la classe de CM2 clignote.".to_owned()
            } else {
                format!("Demande numéro {i} : mot de passe oublié.")
            };
            BulkTicket {
                ticket_type: TicketType::Incident,
                channel: Channel::Email,
                status: Status::Closed,
                waiting_on: None,
                urgency: Urgency::Low,
                impact: Impact::Medium,
                priority: Priority::Low,
                application: Some(fx.onde.id),
                requester: requesters[i % 3].id,
                establishment: Some(schools[i % 3].id),
                group: Some(fx.dsi_n1.id),
                assignee: Some(fx.agent_n1.id),
                level: Level::N1,
                subject: format!("Historique {i}"),
                solution: Some("Réinitialisé".into()),
                satisfaction: (i % 2 == 0).then_some(5),
                created_at: created,
                updated_at: resolved + Duration::days(7),
                taken_at: Some(created + Duration::hours(1)),
                resolved_at: Some(resolved),
                closed_at: Some(resolved + Duration::days(7)),
                entries: vec![
                    BulkEntry {
                        kind: EntryKind::Submitted,
                        public: true,
                        author: Some(requesters[i % 3].id),
                        body,
                        data: json!({}),
                        created_at: created,
                    },
                    BulkEntry {
                        kind: EntryKind::Resolution,
                        public: true,
                        author: Some(fx.agent_n1.id),
                        body: "Mot de passe réinitialisé.".into(),
                        data: json!({ "status": "resolved" }),
                        created_at: resolved,
                    },
                ],
            }
        })
        .collect();
    let in_year = |year: i32| {
        history
            .iter()
            .filter(|t| t.created_at.year() == year)
            .count() as i64
    };
    let (in_2024, in_2025, in_2026) = (in_year(2024), in_year(2025), in_year(2026));
    assert!(in_2024 > 0 && in_2025 > 0 && in_2026 > 0);
    assert_eq!(in_2024 + in_2025 + in_2026, LOADED as i64);
    assert_eq!(
        store
            .bulk_insert_tickets(&zones, &history)
            .await
            .expect("loaded"),
        LOADED
    );
    store.analyze().await.expect("analyze");

    // References: 2024 and 2026 from 1, 2025 after the two live tickets; all distinct.
    let all = list_all(
        store,
        &TicketFilter::default(),
        &everything(fx.admin.id),
        Sort::OldestFirst,
        300,
    )
    .await;
    assert_eq!(all.len(), LOADED + 2);
    let refs: BTreeSet<TicketRef> = all.iter().map(|t| t.reference).collect();
    assert_eq!(refs.len(), LOADED + 2);
    let expected: BTreeSet<TicketRef> = (1..=in_2024)
        .map(|n| TicketRef::new(2024, n))
        .chain((1..=in_2025 + 2).map(|n| TicketRef::new(2025, n)))
        .chain((1..=in_2026).map(|n| TicketRef::new(2026, n)))
        .collect();
    let missing: Vec<_> = expected.difference(&refs).collect();
    let unexpected: Vec<_> = refs.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing {missing:?}, unexpected {unexpected:?}"
    );

    // A loaded ticket reads back as given, with its timeline.
    let mut conn = store.read().await.expect("read");
    let loaded = conn
        .ticket_by_reference(TicketRef::new(2025, 3))
        .await
        .expect("first loaded ticket of 2025");
    let given = &history[in_2024 as usize];
    assert_eq!(loaded.subject, given.subject);
    assert_eq!(loaded.created_at, given.created_at);
    assert_eq!(loaded.closed_at, given.closed_at);
    assert_eq!(loaded.status, Status::Closed);
    assert_eq!(loaded.assignee, Some(fx.agent_n1.id));
    assert_eq!(loaded.created_by, loaded.requester);
    assert_eq!(
        Some(&loaded.zone),
        given.establishment.and_then(|e| zones.get(&e))
    );
    let timeline = conn.timeline(loaded.id, true).await.expect("timeline");
    assert_eq!(timeline.len(), 2);
    assert_eq!(timeline[1].kind, EntryKind::Resolution);
    assert_eq!(timeline[1].data, json!({ "status": "resolved" }));
    // History notifies nobody.
    assert!(conn.pending_events(10).await.expect("outbox").is_empty());
    drop(conn);

    // Live tickets carry on: next references of both years, fresh ids, fresh entry ids.
    let mut live = Vec::new();
    for created in [
        at(2025, 12, 30, 9, 0, 0),
        at(2024, 12, 31, 18, 0, 0),
        at(2026, 2, 1, 9, 0, 0),
    ] {
        let t = new_ticket(
            store,
            fx.director_a.id,
            Some(fx.school_a.id),
            Some(fx.dsi_n1.id),
            "Après le chargement : vidéoprojecteur en panne",
            created,
        )
        .await;
        live.push(insert(store, &t).await);
    }
    assert_eq!(live[0].reference, TicketRef::new(2025, in_2025 + 3));
    assert_eq!(live[1].reference, TicketRef::new(2024, in_2024 + 1));
    assert_eq!(live[2].reference, TicketRef::new(2026, in_2026 + 1));
    let max_id = all.iter().map(|t| t.id).max().expect("tickets");
    assert!(live.iter().all(|t| t.id > max_id));
    let mut tx = store.write().await.expect("write");
    for t in [&live[0], &all[500]] {
        tx.add_entry(&NewEntry {
            ticket: t.id,
            kind: EntryKind::Reply,
            public: true,
            author: Some(fx.agent_n1.id),
            body: "Le vidéoprojecteur est remplacé.".into(),
            data: json!({}),
            created_at: at(2025, 12, 30, 10, 0, 0),
        })
        .await
        .expect("entry after the load");
    }
    tx.commit().await.expect("commit");

    // Search finds the loaded words, and live words added to loaded tickets.
    let search = |q: &str| TicketFilter {
        terms: query_terms(q),
        ..Default::default()
    };
    let found = list_all(
        store,
        &search("vidéoprojecteurs"),
        &everything(fx.admin.id),
        Sort::OldestFirst,
        50,
    )
    .await;
    assert_eq!(ids(&found), [all[502].id.0]);
    assert_eq!(found[0].subject, "Historique 500");
    let found = list_all(
        store,
        &search("historique 777"),
        &everything(fx.admin.id),
        Sort::OldestFirst,
        50,
    )
    .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject, "Historique 777");
    let mut tx = store.write().await.expect("write");
    common::index(&mut tx, &all[500], "Le vidéoprojecteur est remplacé.").await;
    tx.commit().await.expect("commit");
    let found = list_all(
        store,
        &search("videoprojecteur"),
        &everything(fx.admin.id),
        Sort::OldestFirst,
        50,
    )
    .await;
    assert_eq!(ids(&found), [all[500].id.0, all[502].id.0]);

    // Lists by zone see the loaded tickets like live ones.
    let in_dep71 = TicketFilter {
        zone: Some(fx.dep71.zone()),
        ..Default::default()
    };
    let dasen = common::subject_of(store, &fx.dasen71).await.visibility();
    let listed = list_all(store, &in_dep71, &dasen, Sort::NewestFirst, 100).await;
    assert_eq!(listed.len(), LOADED / 3);
}
