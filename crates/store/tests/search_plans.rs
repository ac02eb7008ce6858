//! Search finds the same tickets, in the same order and pages, as the list without words keeps
//! for those that match, whichever step of PostgreSQL's plan finds them: a word in every ticket,
//! a common word (more matches than PostgreSQL sorts itself) seldom used lately, a rare old one,
//! two words together, an absent one; with every sort, with filters (a group's open queue, a
//! group's tickets, the finished ones, sorted by id, priority or last update), and for readers
//! who see only part of the tickets.

mod common;

use chrono::Duration;
use common::{at, everything, ids, list_all, subject_of};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::search::query_terms;
use guichet_core::ticket::{Channel, EntryKind, Impact, Priority, TicketType, Urgency};
use guichet_store::bulk::{BulkEntry, BulkTicket};
use guichet_store::ticket::list::{
    SEARCH_FEW_MATCHES, SEARCH_FIRST_WINDOW, SEARCH_NARROW, Sort, TicketFilter,
};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::collections::BTreeSet;

both_engines!(search_pages_like_the_list_it_narrows);

/// The oldest tickets all mention a printer, more of them than PostgreSQL sorts itself; the
/// newest, more than its first window, seldom do.
fn old() -> usize {
    usize::try_from(SEARCH_FEW_MATCHES).expect("a positive bound") + 300
}

/// Enough that a group's tickets (one in two) are more than the planner is left to walk, and its
/// open queue (one in four) fewer.
fn loaded() -> usize {
    old()
        + usize::try_from(SEARCH_FIRST_WINDOW).expect("a positive window")
        + 2 * usize::try_from(SEARCH_NARROW).expect("a positive bound")
        + 200
}

async fn search_pages_like_the_list_it_narrows(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let store = &db.store;
    let mut conn = store.read().await.expect("read");
    let zones = conn.all_ticket_zones().await.expect("zones");
    drop(conn);

    let n = loaded();
    let start = at(2024, 9, 1, 8, 0, 0);
    let schools = [&fx.school_a, &fx.school_b, &fx.school_c];
    let requesters = [&fx.teacher_a, &fx.director_b, &fx.director_c];
    let groups = [&fx.dsi_n1, &fx.dsi_n2];
    let statuses = [
        Status::Closed,
        Status::New,
        Status::InProgress,
        Status::Closed,
    ];
    let priorities = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Low,
    ];
    let printer = |i: usize| i < old() || i.is_multiple_of(97);
    // "Sauvegarde" only in the oldest tenth, one ticket in 7: few matches, all old, the case the
    // backward walk was slow for.
    let saves = |i: usize| i < n / 10 && i.is_multiple_of(7);
    let history: Vec<BulkTicket> = (0..n)
        .map(|i| {
            let created = start + Duration::hours(i as i64);
            // Updates out of creation order, with ties, so that sorting by update differs.
            let updated = created + Duration::hours(((i * 37) % 101) as i64 * 24);
            let status = statuses[i % 4];
            let body = if saves(i) {
                "La sauvegarde du serveur de l'école a échoué.".to_owned()
            } else {
                format!("Demande {i}.")
            };
            BulkTicket {
                ticket_type: TicketType::Incident,
                channel: Channel::Email,
                status,
                waiting_on: None,
                urgency: Urgency::Low,
                impact: Impact::Medium,
                priority: priorities[i % 4],
                application: Some(fx.onde.id),
                requester: requesters[i % 3].id,
                establishment: Some(schools[i % 3].id),
                group: Some(groups[i % 2].id),
                assignee: i.is_multiple_of(5).then_some(fx.agent_n1.id),
                level: Level::N1,
                subject: if printer(i) {
                    format!("L'imprimante numéro {i} ne répond plus")
                } else {
                    format!("Le poste numéro {i} ne démarre plus")
                },
                solution: None,
                satisfaction: None,
                created_at: created,
                updated_at: updated,
                taken_at: None,
                resolved_at: (status == Status::Closed).then_some(created),
                closed_at: (status == Status::Closed).then_some(created),
                entries: vec![BulkEntry {
                    kind: EntryKind::Submitted,
                    public: true,
                    author: Some(requesters[i % 3].id),
                    body,
                    data: json!({}),
                    created_at: created,
                }],
            }
        })
        .collect();
    assert_eq!(
        store
            .bulk_insert_tickets(&zones, &history)
            .await
            .expect("loaded"),
        n
    );
    store.analyze().await.expect("analyze");

    let admin = everything(fx.admin.id);
    let all = ids(&list_all(
        store,
        &TicketFilter::default(),
        &admin,
        Sort::OldestFirst,
        1000,
    )
    .await);
    assert_eq!(all.len(), n);
    let everyone: BTreeSet<i64> = all.iter().copied().collect();
    let printers: BTreeSet<i64> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| printer(*i))
        .map(|(_, id)| *id)
        .collect();
    let saved: BTreeSet<i64> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| saves(*i))
        .map(|(_, id)| *id)
        .collect();
    assert!(!saved.is_empty() && (saved.len() as i64) < SEARCH_FEW_MATCHES);
    let none = BTreeSet::new();

    let ien = subject_of(store, &fx.ien_dijon).await.visibility();
    let teacher = subject_of(store, &fx.teacher_a).await.visibility();
    let agent = subject_of(store, &fx.agent_n1).await.visibility();
    let filters = [
        TicketFilter::default(),
        TicketFilter {
            establishment: Some(fx.school_b.id),
            ..Default::default()
        },
        TicketFilter {
            groups: vec![fx.dsi_n1.id],
            open: Some(true),
            ..Default::default()
        },
        TicketFilter {
            statuses: vec![Status::Closed],
            ..Default::default()
        },
        // A group's tickets, open or not, and the finished tickets: more than a bounded count
        // calls narrow, so searched otherwise than the open queue above.
        TicketFilter {
            groups: vec![fx.dsi_n1.id],
            ..Default::default()
        },
        TicketFilter {
            open: Some(false),
            ..Default::default()
        },
    ];
    let searches = [
        ("numéros", &everyone),
        ("imprimantes", &printers),
        ("sauvegarde", &saved),
        ("imprimante sauvegardes", &saved),
        ("xylophone", &none),
    ];
    // The open queue is narrow enough for the planner's walk, the group's tickets are not.
    let open_queue = list_all(store, &filters[2], &admin, Sort::NewestFirst, 1000).await;
    let group = list_all(store, &filters[4], &admin, Sort::NewestFirst, 1000).await;
    assert!(open_queue.len() as i64 <= SEARCH_NARROW);
    assert!(group.len() as i64 > SEARCH_NARROW);
    for (who, visibility) in [
        ("admin", &admin),
        ("ien", &ien),
        ("teacher", &teacher),
        ("agent", &agent),
    ] {
        for (f, base) in filters.iter().enumerate() {
            // Every sort for the administrator's plain search, three otherwise; every filter for
            // the administrator, two for the others: enough to cross every step, kept short.
            let sorts: Vec<Sort> = if who == "admin" && f == 0 {
                Sort::ALL.iter().map(|(s, _)| *s).collect()
            } else if who == "admin" || f == 0 || f == 2 {
                vec![
                    Sort::NewestFirst,
                    Sort::OldestFirst,
                    Sort::HighestPriority,
                    Sort::RecentlyUpdated,
                ]
            } else if who == "agent" && f >= 4 {
                vec![Sort::NewestFirst, Sort::RecentlyUpdated]
            } else {
                continue;
            };
            for sort in sorts {
                let list = ids(&list_all(store, base, visibility, sort, 1000).await);
                for (query, matching) in searches {
                    let want: Vec<i64> = list
                        .iter()
                        .copied()
                        .filter(|id| matching.contains(id))
                        .collect();
                    let searched = TicketFilter {
                        terms: query_terms(query),
                        ..base.clone()
                    };
                    // Pages of 7 cross many page boundaries for the rare word; the common ones
                    // are paged by 400 to stay quick.
                    let page = if matching.len() > 100 { 400 } else { 7 };
                    let got = ids(&list_all(store, &searched, visibility, sort, page).await);
                    assert_eq!(
                        got,
                        want,
                        "{query:?} as {who}, filter {f}, sort {}",
                        sort.as_str()
                    );
                }
            }
        }
    }
}
