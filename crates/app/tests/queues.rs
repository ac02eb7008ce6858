//! The agent's workspace: queues with capped counts that match their lists, "assigned to me"
//! with delegated tickets, "my zone" for a DSDEN, and saved views.

mod common;

use chrono::Duration;
use common::{
    Env, assert_conflict, assert_forbidden, assert_invalid, assert_not_found, env, request,
    submit_as,
};
use guichet_app::Caller;
use guichet_app::absence::DeclareAbsence;
use guichet_app::queue::{Queue, QueueFilters};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::queue::{QueueKey, ViewFilters};
use guichet_core::ticket::Priority;
use guichet_core::{OrgNodeId, TicketId};
use guichet_store::queue::{Count, QueueCount};
use guichet_store::ticket::list::Sort;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    queues_count_what_their_lists_show,
    counts_stop_at_their_cap,
    saved_views_keep_a_filter_set,
    queue_filters_narrow_a_queue_and_rows_name_requester_and_school,
    a_filtered_queue_saves_as_a_view,
);

fn exact(n: i64) -> Count {
    Count {
        value: n,
        capped: false,
    }
}

async fn listed(e: &Env, caller: &Caller, key: QueueKey) -> Vec<guichet_app::queue::QueueItem> {
    let page = e
        .app
        .queue_tickets(
            caller,
            key,
            &QueueFilters::default(),
            Sort::NewestFirst,
            None,
            200,
        )
        .await
        .expect("queue listed");
    page.items
}

fn queue(qs: &[Queue], key: QueueKey) -> &Queue {
    qs.iter()
        .find(|q| q.key == key)
        .unwrap_or_else(|| panic!("no queue {key:?} in {qs:?}"))
}

async fn queues_count_what_their_lists_show(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let admin = e.admin().await;
    let director_a = e.caller(&fx.director_a).await;
    let director_c = e.caller(&fx.director_c).await;
    let mut dsi = Vec::new();
    for _ in 0..3 {
        dsi.push(submit_as(&e.app, &director_a, &fx.school_a).await);
    }
    for _ in 0..2 {
        let t = submit_as(&e.app, &director_c, &fx.school_c).await;
        e.app
            .transfer(&admin, t.id, fx.dsden_n1.id, "Relève de la DSDEN 71.")
            .await
            .expect("transferred");
    }
    let n1 = e.caller(&fx.agent_n1).await;
    e.app.take_in_charge(&n1, dsi[0].id).await.expect("taken");

    let qs = e.app.queues(&n1).await.expect("queues").queues;
    assert_eq!(queue(&qs, QueueKey::Mine).open, exact(1));
    let group = queue(&qs, QueueKey::Group(fx.dsi_n1.id));
    assert_eq!(group.code.as_deref(), Some("DSI-N1"));
    assert_eq!((group.open, group.unassigned), (exact(3), Some(exact(2))));
    assert!(
        !qs.iter().any(|q| matches!(q.key, QueueKey::Zone(_))),
        "the DSI's desk serves the académie, not a département"
    );
    for (key, n) in [
        (QueueKey::Mine, 1),
        (QueueKey::Group(fx.dsi_n1.id), 3),
        (QueueKey::GroupNew(fx.dsi_n1.id), 2),
    ] {
        assert_eq!(listed(&e, &n1, key).await.len(), n, "{key:?}");
    }

    // The DSDEN agent: their group, and their département as "my zone".
    let dsden = e.caller(&fx.agent_dsden).await;
    let qs = e.app.queues(&dsden).await.expect("queues").queues;
    let zone = queue(&qs, QueueKey::Zone(fx.dep71.id));
    assert_eq!(
        (zone.name.as_str(), zone.open),
        ("Saône-et-Loire", exact(2))
    );
    assert_eq!(
        listed(&e, &dsden, QueueKey::Zone(fx.dep71.id)).await.len(),
        2
    );
    assert_eq!(queue(&qs, QueueKey::Mine).open, exact(0));

    // Not theirs: another desk's group or zone, a requester's workspace.
    assert_not_found(
        e.app
            .queue_tickets(
                &n1,
                QueueKey::Group(fx.dsden_n1.id),
                &QueueFilters::default(),
                Sort::default(),
                None,
                50,
            )
            .await,
        "queue",
    );
    assert_not_found(
        e.app
            .queue_tickets(
                &n1,
                QueueKey::Zone(fx.dep71.id),
                &QueueFilters::default(),
                Sort::default(),
                None,
                50,
            )
            .await,
        "queue",
    );
    assert_forbidden(e.app.queues(&director_a).await, "desk_only");

    // Agent N1 away: their ticket shows in their delegate's "assigned to me", marked.
    e.app
        .declare_absence(
            &n1,
            DeclareAbsence {
                agent: fx.agent_n1.id,
                delegate: fx.agent_n1_bis.id,
                starts_at: e.app.now(),
                ends_at: e.app.now() + Duration::days(3),
            },
        )
        .await
        .expect("declared");
    let bis = e.caller(&fx.agent_n1_bis).await;
    let ws = e.app.queues(&bis).await.expect("queues");
    assert_eq!(queue(&ws.queues, QueueKey::Mine).open, exact(1));
    assert_eq!(ws.standing_in_for.len(), 1);
    assert_eq!(ws.standing_in_for[0].name, "Sophie Garnier");
    assert_eq!(ws.standing_in_for[0].until, e.app.now() + Duration::days(3));
    let mine = listed(&e, &bis, QueueKey::Mine).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].ticket.id, dsi[0].id);
    assert_eq!(mine[0].delegated_from, Some(fx.agent_n1.id));
    // It stays in the group queue.
    let group = listed(&e, &bis, QueueKey::Group(fx.dsi_n1.id)).await;
    assert!(group.iter().any(|i| i.ticket.id == dsi[0].id));
    // Once back, the delegate's "assigned to me" is empty again.
    e.clock.advance(Duration::days(4));
    let bis = e.caller(&fx.agent_n1_bis).await;
    let ws = e.app.queues(&bis).await.expect("queues");
    assert_eq!(queue(&ws.queues, QueueKey::Mine).open, exact(0));
    assert!(ws.standing_in_for.is_empty());
}

async fn counts_stop_at_their_cap(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    for _ in 0..3 {
        submit_as(&e.app, &director, &e.fx.school_a).await;
    }
    let mut conn = e.app.store().read().await.expect("read");
    let q = QueueCount::GroupOpen(e.fx.dsi_n1.id);
    assert_eq!(
        conn.count_queue(&q, 2).await.expect("count"),
        Count {
            value: 2,
            capped: true
        }
    );
    assert_eq!(conn.count_queue(&q, 3).await.expect("count"), exact(3));
    assert_eq!(
        conn.count_queue(&QueueCount::Assigned(vec![]), 3)
            .await
            .expect("count"),
        exact(0)
    );
}

async fn saved_views_keep_a_filter_set(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let n1 = e.caller(&fx.agent_n1).await;
    let old = submit_as(&e.app, &director, &fx.school_a).await;
    let admin = e.admin().await;
    e.app
        .change_priority(&admin, old.id, Priority::High)
        .await
        .expect("priority");
    e.clock.advance(Duration::days(10));
    let recent = submit_as(&e.app, &director, &fx.school_a).await;
    e.app
        .change_priority(&admin, recent.id, Priority::High)
        .await
        .expect("priority");
    submit_as(&e.app, &director, &fx.school_a).await;

    let filters = ViewFilters {
        open: Some(true),
        priorities: vec![Priority::High],
        groups: vec![fx.dsi_n1.id],
        older_than_days: Some(7),
        sort: Some("-priority".into()),
        ..ViewFilters::default()
    };
    let view = e
        .app
        .save_view(&n1, " Urgentes en attente ", &filters)
        .await
        .expect("saved");
    assert_eq!(view.name, "Urgentes en attente");
    let (page, sort) = e
        .app
        .view_tickets(&n1, view.id, None, 50)
        .await
        .expect("listed");
    assert_eq!(sort, Sort::HighestPriority);
    let ids: Vec<_> = page.items.iter().map(|i| i.ticket.id).collect();
    assert_eq!(ids, vec![old.id], "high priority, created over 7 days ago");
    // Relative to now: a week later the recent one is old enough too.
    e.clock.advance(Duration::days(8));
    let (page, _) = e
        .app
        .view_tickets(&n1, view.id, None, 50)
        .await
        .expect("listed");
    assert_eq!(page.items.len(), 2);

    // Checked: names unique per person, sorts known, windows not empty, nodes that exist.
    assert_conflict(
        e.app.save_view(&n1, "Urgentes en attente", &filters).await,
        "view.name_taken",
    );
    let bad_sort = ViewFilters {
        sort: Some("sideways".into()),
        ..ViewFilters::default()
    };
    assert_invalid(e.app.save_view(&n1, "x", &bad_sort).await, "sort");
    let empty = ViewFilters {
        older_than_days: Some(30),
        newer_than_days: Some(7),
        ..ViewFilters::default()
    };
    assert_invalid(e.app.save_view(&n1, "x", &empty).await, "newer_than_days");
    let nowhere = ViewFilters {
        zone: Some(guichet_core::OrgNodeId(999_999)),
        ..ViewFilters::default()
    };
    assert_invalid(e.app.save_view(&n1, "x", &nowhere).await, "zone");
    assert_invalid(e.app.save_view(&n1, "  ", &filters).await, "name");
    assert_forbidden(
        e.app.save_view(&director, "Mes demandes", &filters).await,
        "desk_only",
    );

    // Mine only; another agent neither sees nor changes it.
    let mine = ViewFilters {
        mine: true,
        ..ViewFilters::default()
    };
    let second = e.app.save_view(&n1, "A moi", &mine).await.expect("saved");
    let names: Vec<_> = e
        .app
        .views(&n1)
        .await
        .expect("views")
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["A moi", "Urgentes en attente"]);
    let bis = e.caller(&fx.agent_n1_bis).await;
    assert!(e.app.views(&bis).await.expect("views").is_empty());
    assert_not_found(e.app.view_tickets(&bis, view.id, None, 50).await, "view");
    assert_not_found(e.app.delete_view(&bis, view.id).await, "view");
    assert_not_found(
        e.app.update_view(&bis, view.id, "Volée", &mine).await,
        "view",
    );
    let renamed = e
        .app
        .update_view(&n1, second.id, "Les miens", &mine)
        .await
        .expect("updated");
    assert_eq!(renamed.name, "Les miens");
    e.app.delete_view(&n1, view.id).await.expect("deleted");
    assert_eq!(e.app.views(&n1).await.expect("views").len(), 1);
}

/// The ids a queue lists with these filters, newest first.
async fn filtered(e: &Env, caller: &Caller, key: QueueKey, f: &QueueFilters) -> Vec<TicketId> {
    e.app
        .queue_tickets(caller, key, f, Sort::NewestFirst, None, 200)
        .await
        .expect("queue listed")
        .items
        .iter()
        .map(|i| i.ticket.id)
        .collect()
}

async fn queue_filters_narrow_a_queue_and_rows_name_requester_and_school(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let admin = e.admin().await;
    let director_a = e.caller(&fx.director_a).await;
    let mut onde = request("ONDE : base élèves bloquée", Some(fx.school_a.id));
    onde.application = Some(fx.onde.id);
    let a_onde = e.app.submit(&director_a, onde).await.expect("submitted");
    e.clock.advance(Duration::days(10));
    let a_plain = submit_as(&e.app, &director_a, &fx.school_a).await;
    e.app
        .change_priority(&admin, a_plain.id, Priority::High)
        .await
        .expect("priority");
    let b = submit_as(&e.app, &e.caller(&fx.director_b).await, &fx.school_b).await;
    let c = submit_as(&e.app, &e.caller(&fx.director_c).await, &fx.school_c).await;
    let n1 = e.caller(&fx.agent_n1).await;
    e.app.take_in_charge(&n1, a_plain.id).await.expect("taken");

    let group = QueueKey::Group(fx.dsi_n1.id);
    let all = filtered(&e, &n1, group, &QueueFilters::default()).await;
    assert_eq!(all, vec![c.id, b.id, a_plain.id, a_onde.id]);
    let cases = [
        (
            QueueFilters {
                applications: vec![fx.onde.id],
                ..QueueFilters::default()
            },
            vec![a_onde.id],
        ),
        (
            QueueFilters {
                statuses: vec![Status::InProgress],
                ..QueueFilters::default()
            },
            vec![a_plain.id],
        ),
        (
            QueueFilters {
                priorities: vec![Priority::High],
                ..QueueFilters::default()
            },
            vec![a_plain.id],
        ),
        (
            QueueFilters {
                establishment: Some(fx.school_b.id),
                ..QueueFilters::default()
            },
            vec![b.id],
        ),
        (
            QueueFilters {
                zone: Some(fx.dep71.id),
                ..QueueFilters::default()
            },
            vec![c.id],
        ),
        (
            QueueFilters {
                zone: Some(fx.circ_dijon.id),
                ..QueueFilters::default()
            },
            vec![b.id, a_plain.id, a_onde.id],
        ),
        (
            QueueFilters {
                older_than_days: Some(7),
                ..QueueFilters::default()
            },
            vec![a_onde.id],
        ),
        (
            QueueFilters {
                levels: vec![Level::N2],
                ..QueueFilters::default()
            },
            vec![],
        ),
        (
            QueueFilters {
                zone: Some(fx.circ_dijon.id),
                levels: vec![Level::N1],
                statuses: vec![Status::New],
                ..QueueFilters::default()
            },
            vec![b.id, a_onde.id],
        ),
    ];
    for (f, want) in cases {
        assert_eq!(filtered(&e, &n1, group, &f).await, want, "{f:?}");
    }
    // Combined with the queue's own constraint: their tickets, in Dijon, only one.
    let dijon = QueueFilters {
        zone: Some(fx.circ_dijon.id),
        ..QueueFilters::default()
    };
    assert_eq!(
        filtered(&e, &n1, QueueKey::Mine, &dijon).await,
        vec![a_plain.id]
    );
    let macon = QueueFilters {
        zone: Some(fx.circ_macon.id),
        ..QueueFilters::default()
    };
    assert!(filtered(&e, &n1, QueueKey::Mine, &macon).await.is_empty());

    // Each row names its requester and their school with its UAI.
    let page = e
        .app
        .queue_tickets(
            &n1,
            group,
            &QueueFilters::default(),
            Sort::NewestFirst,
            None,
            200,
        )
        .await
        .expect("listed");
    let row = page
        .items
        .iter()
        .find(|i| i.ticket.id == a_plain.id)
        .expect("listed");
    assert_eq!(row.names.requester, fx.director_a.display_name);
    assert_eq!(
        row.names.establishment.as_deref(),
        Some(fx.school_a.name.as_str())
    );
    assert_eq!(
        row.names.uai,
        fx.school_a.uai.as_ref().map(ToString::to_string)
    );
    assert_eq!(row.names.group.as_deref(), Some(fx.dsi_n1.name.as_str()));
    assert_eq!(
        row.names.agent.as_deref(),
        Some(fx.agent_n1.display_name.as_str())
    );

    // Wrong filters name their field; filters never open another's queue.
    for (f, field) in [
        (
            QueueFilters {
                older_than_days: Some(5000),
                ..QueueFilters::default()
            },
            "older_than_days",
        ),
        (
            QueueFilters {
                zone: Some(OrgNodeId(999_999)),
                ..QueueFilters::default()
            },
            "zone",
        ),
        (
            QueueFilters {
                establishment: Some(OrgNodeId(999_999)),
                ..QueueFilters::default()
            },
            "establishment",
        ),
    ] {
        assert_invalid(
            e.app
                .queue_tickets(&n1, group, &f, Sort::default(), None, 50)
                .await,
            field,
        );
    }
    assert_not_found(
        e.app
            .queue_tickets(
                &n1,
                QueueKey::Group(fx.dsden_n1.id),
                &dijon,
                Sort::default(),
                None,
                50,
            )
            .await,
        "queue",
    );

    // "My zone" for the DSDEN: a zone filter inside the département narrows it, one outside
    // leaves nothing.
    e.app
        .transfer(&admin, c.id, fx.dsden_n1.id, "Relève de la DSDEN 71.")
        .await
        .expect("transferred");
    let dsden = e.caller(&fx.agent_dsden).await;
    let zone = QueueKey::Zone(fx.dep71.id);
    assert_eq!(filtered(&e, &dsden, zone, &macon).await, vec![c.id]);
    assert!(filtered(&e, &dsden, zone, &dijon).await.is_empty());
    let academie = QueueFilters {
        zone: Some(fx.academie.id),
        ..QueueFilters::default()
    };
    assert_eq!(filtered(&e, &dsden, zone, &academie).await, vec![c.id]);
}

async fn a_filtered_queue_saves_as_a_view(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director_a = e.caller(&fx.director_a).await;
    let old = submit_as(&e.app, &director_a, &fx.school_a).await;
    e.clock.advance(Duration::days(10));
    submit_as(&e.app, &director_a, &fx.school_a).await;
    let c = submit_as(&e.app, &e.caller(&fx.director_c).await, &fx.school_c).await;
    let n1 = e.caller(&fx.agent_n1).await;
    let filters = QueueFilters {
        zone: Some(fx.circ_dijon.id),
        older_than_days: Some(7),
        ..QueueFilters::default()
    };
    let view = e
        .app
        .save_queue_view(
            &n1,
            QueueKey::Group(fx.dsi_n1.id),
            &filters,
            Sort::HighestPriority,
            "Dijon en retard",
        )
        .await
        .expect("saved");
    let (page, sort) = e
        .app
        .view_tickets(&n1, view.id, None, 50)
        .await
        .expect("listed");
    assert_eq!(sort, Sort::HighestPriority);
    let ids: Vec<_> = page.items.iter().map(|i| i.ticket.id).collect();
    assert_eq!(
        ids,
        vec![old.id],
        "the queue's group and the page's filters"
    );
    assert_eq!(page.items[0].names.requester, fx.director_a.display_name);

    // "Assigned to me" keeps meaning the viewer's own tickets.
    e.app.take_in_charge(&n1, c.id).await.expect("taken");
    let mine = e
        .app
        .save_queue_view(
            &n1,
            QueueKey::Mine,
            &QueueFilters::default(),
            Sort::default(),
            "Les miens",
        )
        .await
        .expect("saved");
    let (page, _) = e
        .app
        .view_tickets(&n1, mine.id, None, 50)
        .await
        .expect("listed");
    let ids: Vec<_> = page.items.iter().map(|i| i.ticket.id).collect();
    assert_eq!(ids, vec![c.id]);

    assert_invalid(
        e.app
            .save_queue_view(&n1, QueueKey::Mine, &filters, Sort::default(), " ")
            .await,
        "name",
    );
    assert_conflict(
        e.app
            .save_queue_view(&n1, QueueKey::Mine, &filters, Sort::default(), "Les miens")
            .await,
        "view.name_taken",
    );
    let dsden = e.caller(&fx.agent_dsden).await;
    let dijon = QueueFilters {
        zone: Some(fx.circ_dijon.id),
        ..QueueFilters::default()
    };
    assert_invalid(
        e.app
            .save_queue_view(
                &dsden,
                QueueKey::Zone(fx.dep71.id),
                &dijon,
                Sort::default(),
                "x",
            )
            .await,
        "zone",
    );
    assert_not_found(
        e.app
            .save_queue_view(
                &dsden,
                QueueKey::Group(fx.dsi_n1.id),
                &dijon,
                Sort::default(),
                "x",
            )
            .await,
        "queue",
    );
}
