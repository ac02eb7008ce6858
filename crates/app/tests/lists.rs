//! Lists: pages that follow one another, French search within what the reader may see, zones.

mod common;

use common::{Env, assert_invalid, assert_not_found, env, request, submit_as};
use guichet_app::Caller;
use guichet_app::ticket::ListQuery;
use guichet_core::TicketId;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_testkit::{TestDb, both_engines};
use std::collections::BTreeSet;

both_engines!(
    pages_follow_one_another,
    search_finds_within_what_the_reader_sees,
    internal_text_is_not_searchable_by_requesters,
    a_zone_narrows_the_list,
);

async fn search(e: &Env, caller: &Caller, text: &str) -> BTreeSet<TicketId> {
    e.app
        .list_tickets(
            caller,
            ListQuery {
                text: Some(text.into()),
                limit: 200,
                ..ListQuery::default()
            },
        )
        .await
        .expect("searched")
        .items
        .into_iter()
        .map(|t| t.id)
        .collect()
}

async fn pages_follow_one_another(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let other = e.caller(&e.fx.director_b).await;
    for _ in 0..23 {
        submit_as(&e.app, &director, &e.fx.school_a).await;
    }
    submit_as(&e.app, &other, &e.fx.school_b).await;

    for sort in [Sort::NewestFirst, Sort::OldestFirst, Sort::HighestPriority] {
        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let page = e
                .app
                .list_tickets(
                    &director,
                    ListQuery {
                        sort,
                        after: after.take(),
                        limit: 10,
                        ..ListQuery::default()
                    },
                )
                .await
                .expect("page");
            pages += 1;
            seen.extend(page.items.iter().map(|t| t.id));
            match page.next {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{sort:?}");
        let distinct: BTreeSet<_> = seen.iter().collect();
        assert_eq!(distinct.len(), 23, "{sort:?}: each once, none of school B");
        if sort == Sort::NewestFirst {
            assert!(seen.windows(2).all(|w| w[0] > w[1]));
        }
    }
    // Out-of-range page sizes are brought back into range.
    let page = e
        .app
        .list_tickets(
            &director,
            ListQuery {
                limit: 0,
                ..ListQuery::default()
            },
        )
        .await
        .expect("page");
    assert_eq!(page.items.len(), 1);
}

async fn search_finds_within_what_the_reader_sees(db: TestDb) {
    let e = env(&db).await;
    let a = e.caller(&e.fx.director_a).await;
    let b = e.caller(&e.fx.director_b).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let printer_a = e
        .app
        .submit(&a, request("Imprimante en panne", None))
        .await
        .expect("submitted");
    let printer_b = e
        .app
        .submit(&b, request("L'imprimante du bureau ne répond plus", None))
        .await
        .expect("submitted");
    let screen = e
        .app
        .submit(&a, request("Écran noir au démarrage", None))
        .await
        .expect("submitted");

    assert_eq!(
        search(&e, &a, "imprimantes").await,
        BTreeSet::from([printer_a.id])
    );
    assert_eq!(
        search(&e, &b, "IMPRIMANTE").await,
        BTreeSet::from([printer_b.id])
    );
    assert_eq!(
        search(&e, &agent, "imprimante").await,
        BTreeSet::from([printer_a.id, printer_b.id])
    );
    assert_eq!(search(&e, &a, "ecran").await, BTreeSet::from([screen.id]));
    // Words of a public reply are found too.
    e.app
        .reply(&agent, screen.id, "Vérifiez le câble HDMI.", vec![], false)
        .await
        .expect("replied");
    assert_eq!(search(&e, &a, "hdmi").await, BTreeSet::from([screen.id]));
    assert!(search(&e, &b, "hdmi").await.is_empty());

    assert_invalid(
        e.app
            .list_tickets(
                &a,
                ListQuery {
                    text: Some("le la les".into()),
                    ..ListQuery::default()
                },
            )
            .await,
        "q",
    );
}

/// Internal notes and routing reasons are the desk's: a requester cannot learn their words by
/// searching for them.
async fn internal_text_is_not_searchable_by_requesters(db: TestDb) {
    let e = env(&db).await;
    let teacher = e.caller(&e.fx.teacher_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let t = submit_as(&e.app, &teacher, &e.fx.school_a).await;
    e.app
        .note(&agent, t.id, "Signalement confidentiel transmis", vec![])
        .await
        .expect("noted");
    e.app
        .escalate(&agent, t.id, e.fx.dsi_n2.id, "Soupçon de piratage")
        .await
        .expect("escalated");
    assert!(search(&e, &teacher, "confidentiel").await.is_empty());
    assert!(search(&e, &teacher, "piratage").await.is_empty());
    let director = e.caller(&e.fx.director_a).await;
    assert!(search(&e, &director, "signalement").await.is_empty());
}

async fn a_zone_narrows_the_list(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let in_a = submit_as(&e.app, &e.caller(&fx.director_a).await, &fx.school_a).await;
    let in_b = submit_as(&e.app, &e.caller(&fx.director_b).await, &fx.school_b).await;
    let in_c = submit_as(&e.app, &e.caller(&fx.director_c).await, &fx.school_c).await;
    let zone = |node| ListQuery {
        zone: Some(node),
        limit: 200,
        ..ListQuery::default()
    };
    let ids = |items: Vec<guichet_store::ticket::Ticket>| -> BTreeSet<TicketId> {
        items.into_iter().map(|t| t.id).collect()
    };

    let ien = e.caller(&fx.ien_dijon).await;
    let page = e
        .app
        .list_tickets(&ien, zone(fx.school_b.id))
        .await
        .expect("list");
    assert_eq!(ids(page.items), BTreeSet::from([in_b.id]));
    // A zone outside one's own gives nothing, not other tickets.
    let page = e
        .app
        .list_tickets(&ien, zone(fx.circ_macon.id))
        .await
        .expect("list");
    assert!(page.items.is_empty());

    let admin = e.admin().await;
    let page = e
        .app
        .list_tickets(&admin, zone(fx.dep21.id))
        .await
        .expect("list");
    assert_eq!(ids(page.items), BTreeSet::from([in_a.id, in_b.id]));
    let page = e
        .app
        .list_tickets(&admin, zone(fx.academie.id))
        .await
        .expect("list");
    assert_eq!(ids(page.items), BTreeSet::from([in_a.id, in_b.id, in_c.id]));
    assert_not_found(
        e.app
            .list_tickets(&admin, zone(guichet_core::OrgNodeId(999_999)))
            .await,
        "zone",
    );

    // Filters combine with the zone: the agent's open, unassigned tickets of Dijon.
    let agent = e.caller(&fx.agent_n1).await;
    e.app.take_in_charge(&agent, in_a.id).await.expect("taken");
    let page = e
        .app
        .list_tickets(
            &agent,
            ListQuery {
                filter: TicketFilter {
                    unassigned: true,
                    open: Some(true),
                    ..TicketFilter::default()
                },
                ..zone(fx.circ_dijon.id)
            },
        )
        .await
        .expect("list");
    assert_eq!(ids(page.items), BTreeSet::from([in_b.id]));
}
