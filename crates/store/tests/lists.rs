//! Ticket lists: every sort walked page by page gives every ticket once, in order; each filter
//! gives the right subset.

mod common;

use chrono::Duration;
use common::{at, everything, ids, insert, list_all, new_ticket};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{Priority, TicketType};
use guichet_store::Store;
use guichet_store::ticket::Ticket;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use std::cmp::Reverse;

both_engines!(
    every_sort_pages_through_every_ticket_once,
    filters_select_the_right_tickets
);

/// 25 tickets spread over requesters, schools, groups, statuses, priorities and update times,
/// with ties on priority and on update time so that the id decides.
async fn tickets(store: &Store, fx: &Fixture) -> Vec<Ticket> {
    let t0 = at(2026, 1, 5, 8, 0, 0);
    let who = [
        (&fx.teacher_a, Some(fx.school_a.id)),
        (&fx.director_b, Some(fx.school_b.id)),
        (&fx.director_c, Some(fx.school_c.id)),
        (&fx.director_a, Some(fx.school_a.id)),
        (&fx.agent_dsden, None),
    ];
    let groups = [
        Some(fx.dsi_n1.id),
        Some(fx.dsi_n2.id),
        Some(fx.dsden_n1.id),
        None,
    ];
    // Whole seconds, milliseconds and microseconds: SQLite keeps timestamps as text, whose order
    // must still be the order of time.
    let subsec = [
        Duration::zero(),
        Duration::milliseconds(500),
        Duration::microseconds(123_456),
    ];
    let mut out = Vec::new();
    for i in 0..25usize {
        let (requester, school) = who[i % who.len()];
        let mut t = new_ticket(
            store,
            requester.id,
            school,
            groups[i % groups.len()],
            &format!("Demande {i}"),
            t0 + Duration::hours(i as i64),
        )
        .await;
        t.priority = Priority::ALL[(i * 3) % Priority::ALL.len()];
        t.ticket_type = TicketType::ALL[i % TicketType::ALL.len()];
        t.application = [Some(fx.lsun.id), Some(fx.onde.id), None][i % 3];
        t.level = Level::ALL[i % Level::ALL.len()];
        let mut stored = insert(store, &t).await;
        stored.status = Status::ALL[i % Status::ALL.len()];
        stored.assignee = (i % 4 == 1).then_some(fx.agent_n2.id);
        stored.updated_at =
            t0 + Duration::days(30) + Duration::seconds((i % 7) as i64) + subsec[i % subsec.len()];
        common::update(store, &stored).await;
        out.push(stored);
    }
    let mut conn = store.read().await.expect("read");
    let mut read = Vec::new();
    for t in &out {
        read.push(conn.ticket(t.id).await.expect("ticket"));
    }
    read
}

async fn every_sort_pages_through_every_ticket_once(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let all = tickets(&db.store, &fx).await;
    let view = everything(fx.admin.id);
    for (sort, name) in Sort::ALL {
        let mut expected = all.clone();
        match sort {
            Sort::NewestFirst => expected.sort_by_key(|t| Reverse(t.id)),
            Sort::OldestFirst => expected.sort_by_key(|t| t.id),
            Sort::RecentlyUpdated => expected.sort_by_key(|t| Reverse((t.updated_at, t.id))),
            Sort::LeastRecentlyUpdated => expected.sort_by_key(|t| (t.updated_at, t.id)),
            Sort::HighestPriority => expected.sort_by_key(|t| Reverse((t.priority.rank(), t.id))),
            Sort::LowestPriority => expected.sort_by_key(|t| (t.priority.rank(), t.id)),
        }
        for page_size in [10, 1, 7, 24, 25, 26] {
            let listed =
                list_all(&db.store, &TicketFilter::default(), &view, sort, page_size).await;
            assert_eq!(
                ids(&listed),
                ids(&expected),
                "sort {name}, pages of {page_size}"
            );
        }
        // Page by page with 10: 10, 10, 5, and the last page says it is the last.
        let mut conn = db.store.read().await.expect("read");
        let mut sizes = Vec::new();
        let mut after = None;
        loop {
            let page = conn
                .list_tickets(&TicketFilter::default(), &view, sort, after.as_ref(), 10)
                .await
                .expect("page");
            sizes.push(page.items.len());
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(sizes, [10, 10, 5], "sort {name}");
    }
    assert_eq!(Sort::parse("-updated"), Some(Sort::RecentlyUpdated));
    assert_eq!(Sort::default(), Sort::NewestFirst);
}

/// Which tickets a filter should keep, said in Rust.
type Keep<'a> = Box<dyn Fn(&Ticket) -> bool + 'a>;

async fn filters_select_the_right_tickets(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let all = tickets(&db.store, &fx).await;
    let view = everything(fx.admin.id);
    let t0 = at(2026, 1, 5, 8, 0, 0);
    let cases: Vec<(&str, TicketFilter, Keep<'_>)> = vec![
        (
            "status new",
            TicketFilter {
                statuses: vec![Status::New],
                ..Default::default()
            },
            Box::new(|t| t.status == Status::New),
        ),
        (
            "status waiting or resolved",
            TicketFilter {
                statuses: vec![Status::Waiting, Status::Resolved],
                ..Default::default()
            },
            Box::new(|t| matches!(t.status, Status::Waiting | Status::Resolved)),
        ),
        (
            "open",
            TicketFilter {
                open: Some(true),
                ..Default::default()
            },
            Box::new(|t| t.status.is_open()),
        ),
        (
            "finished",
            TicketFilter {
                open: Some(false),
                ..Default::default()
            },
            Box::new(|t| !t.status.is_open()),
        ),
        (
            "group DSI-N1",
            TicketFilter {
                groups: vec![fx.dsi_n1.id],
                ..Default::default()
            },
            Box::new(|t| t.group == Some(fx.dsi_n1.id)),
        ),
        (
            "groups DSI-N2 and DSDEN71-N1",
            TicketFilter {
                groups: vec![fx.dsi_n2.id, fx.dsden_n1.id],
                ..Default::default()
            },
            Box::new(|t| t.group == Some(fx.dsi_n2.id) || t.group == Some(fx.dsden_n1.id)),
        ),
        (
            "assignee",
            TicketFilter {
                assignee: Some(fx.agent_n2.id),
                ..Default::default()
            },
            Box::new(|t| t.assignee == Some(fx.agent_n2.id)),
        ),
        (
            "unassigned",
            TicketFilter {
                unassigned: true,
                ..Default::default()
            },
            Box::new(|t| t.assignee.is_none()),
        ),
        (
            "requester",
            TicketFilter {
                requester: Some(fx.teacher_a.id),
                ..Default::default()
            },
            Box::new(|t| t.requester == fx.teacher_a.id),
        ),
        (
            "establishment",
            TicketFilter {
                establishment: Some(fx.school_a.id),
                ..Default::default()
            },
            Box::new(|t| t.zone.establishment == Some(fx.school_a.id)),
        ),
        (
            "zone of a circonscription",
            TicketFilter {
                zone: Some(fx.circ_dijon.zone()),
                ..Default::default()
            },
            Box::new(|t| {
                t.zone.establishment == Some(fx.school_a.id)
                    || t.zone.establishment == Some(fx.school_b.id)
            }),
        ),
        (
            "zone of a département",
            TicketFilter {
                zone: Some(fx.dep71.zone()),
                ..Default::default()
            },
            Box::new(|t| t.zone.establishment == Some(fx.school_c.id)),
        ),
        (
            "zone of an establishment",
            TicketFilter {
                zone: Some(fx.school_b.zone()),
                ..Default::default()
            },
            Box::new(|t| t.zone.establishment == Some(fx.school_b.id)),
        ),
        (
            "zone of the académie",
            TicketFilter {
                zone: Some(fx.academie.zone()),
                ..Default::default()
            },
            Box::new(|t| t.zone.establishment.is_some()),
        ),
        (
            "applications",
            TicketFilter {
                applications: vec![fx.lsun.id],
                ..Default::default()
            },
            Box::new(|t| t.application == Some(fx.lsun.id)),
        ),
        (
            "types",
            TicketFilter {
                types: vec![TicketType::Request, TicketType::Change],
                ..Default::default()
            },
            Box::new(|t| t.ticket_type != TicketType::Incident),
        ),
        (
            "priorities",
            TicketFilter {
                priorities: vec![Priority::VeryHigh, Priority::High],
                ..Default::default()
            },
            Box::new(|t| t.priority.rank() >= Priority::High.rank()),
        ),
        (
            "levels",
            TicketFilter {
                levels: vec![Level::N2],
                ..Default::default()
            },
            Box::new(|t| t.level == Level::N2),
        ),
        (
            "created range (from included, to excluded)",
            TicketFilter {
                created_from: Some(t0 + Duration::hours(5)),
                created_to: Some(t0 + Duration::hours(12)),
                ..Default::default()
            },
            Box::new(move |t| {
                t.created_at >= t0 + Duration::hours(5) && t.created_at < t0 + Duration::hours(12)
            }),
        ),
        (
            "open tickets of a circonscription's DSI-N1 queue",
            TicketFilter {
                open: Some(true),
                groups: vec![fx.dsi_n1.id],
                zone: Some(fx.circ_dijon.zone()),
                ..Default::default()
            },
            Box::new(|t| {
                t.status.is_open()
                    && t.group == Some(fx.dsi_n1.id)
                    && t.zone.circonscription == Some(fx.circ_dijon.id)
            }),
        ),
    ];
    for (name, filter, keep) in cases {
        let expected: Vec<i64> = all.iter().filter(|t| keep(t)).map(|t| t.id.0).collect();
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{name}: the data makes this filter meaningful ({} of {})",
            expected.len(),
            all.len()
        );
        for page_size in [4, 50] {
            let listed = list_all(&db.store, &filter, &view, Sort::OldestFirst, page_size).await;
            assert_eq!(ids(&listed), expected, "{name} (pages of {page_size})");
        }
    }
}
