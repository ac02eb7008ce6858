//! Links between tickets: a duplicate is closed and its requester follows the original.

mod common;

use common::{
    assert_conflict, assert_forbidden, assert_invalid, assert_not_found, env, listed, submit_as,
    view,
};
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{EntryKind, EventKind, LinkKind};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_duplicate_is_closed_and_its_requester_follows_the_original,
    links_are_made_once_and_undone_once,
    a_link_needs_both_tickets_in_sight,
);

async fn a_duplicate_is_closed_and_its_requester_follows_the_original(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director_a = e.caller(&fx.director_a).await;
    let director_b = e.caller(&fx.director_b).await;
    let agent = e.caller(&fx.agent_n1).await;
    let original = submit_as(&e.app, &director_a, &fx.school_a).await;
    let copy = submit_as(&e.app, &director_b, &fx.school_b).await;
    assert_not_found(e.app.ticket(&director_b, original.id).await, "ticket");

    let closed = e
        .app
        .link(&agent, copy.id, original.id, LinkKind::Duplicate)
        .await
        .expect("linked");
    assert_eq!(closed.status, Status::Closed);
    let expected_solution = format!("duplicate:{}", original.reference);
    assert_eq!(closed.solution.as_deref(), Some(expected_solution.as_str()));
    assert!(closed.closed_at.is_some());

    // director_b now follows the original: reads it, lists it, answers on it.
    let v = view(&e.app, &director_b, original.id).await;
    assert!(v.ticket.watchers.contains(&fx.director_b.id));
    assert!(listed(&e.app, &director_b).await.contains(&original.id));
    e.app
        .reply(
            &director_b,
            original.id,
            "Même souci chez nous.",
            vec![],
            false,
        )
        .await
        .expect("a watcher answers");
    // …but does not run it.
    assert_forbidden(
        e.app.close(&director_b, original.id).await,
        "ticket.desk_only",
    );
    assert_forbidden(
        e.app.rate(&director_b, original.id, 5, "").await,
        "ticket.requester_only",
    );

    // Both tickets show the link, each from its side.
    let from_copy = view(&e.app, &director_b, copy.id).await;
    assert_eq!(from_copy.links.len(), 1);
    let l = &from_copy.links[0];
    assert_eq!(
        (l.kind, l.outgoing, l.other),
        (LinkKind::Duplicate, true, original.id)
    );
    assert_eq!(l.other_reference, original.reference);
    let from_original = view(&e.app, &director_a, original.id).await;
    assert_eq!(from_original.links.len(), 1);
    let l = &from_original.links[0];
    assert_eq!(
        (l.kind, l.outgoing, l.other),
        (LinkKind::Duplicate, false, copy.id)
    );
    assert_eq!(l.other_status, Status::Closed);
    assert!(
        from_original
            .timeline
            .iter()
            .any(|en| en.kind == EntryKind::Link && en.data["from"] == copy.reference.to_string())
    );
    assert_eq!(e.events(copy.id).await.last(), Some(&EventKind::Linked));

    // Once the original is resolved, the watcher's answer is heard but does not reopen it:
    // only its requester (or the desk) does.
    e.app
        .take_in_charge(&agent, original.id)
        .await
        .expect("taken");
    e.app
        .resolve(&agent, original.id, "Corrigé.")
        .await
        .expect("resolved");
    let after = e
        .app
        .reply(
            &director_b,
            original.id,
            "Toujours en panne ici.",
            vec![],
            false,
        )
        .await
        .expect("a watcher answers a resolved ticket");
    assert_eq!(after.status, Status::Resolved);
    assert_eq!(
        e.events(original.id).await.last(),
        Some(&EventKind::RequesterReplied)
    );
    let reopened = e
        .app
        .reply(&director_a, original.id, "Chez moi aussi.", vec![], false)
        .await
        .expect("the requester answers");
    assert_eq!(reopened.status, Status::InProgress);
    let from_original = view(&e.app, &director_a, original.id).await;

    // director_b's reply is on the original.
    assert!(
        from_original
            .timeline
            .iter()
            .any(|en| en.author == Some(fx.director_b.id) && en.kind == EntryKind::Reply)
    );
}

async fn links_are_made_once_and_undone_once(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let a = submit_as(&e.app, &director, &fx.school_a).await;
    let b = submit_as(&e.app, &director, &fx.school_a).await;

    assert_invalid(
        e.app.link(&agent, a.id, a.id, LinkKind::Related).await,
        "other",
    );
    assert_forbidden(
        e.app.link(&director, a.id, b.id, LinkKind::Related).await,
        "ticket.desk_only",
    );
    let linked = e
        .app
        .link(&agent, a.id, b.id, LinkKind::Related)
        .await
        .expect("linked");
    assert_eq!(linked.status, Status::New, "a related link closes nothing");
    assert_conflict(
        e.app.link(&agent, a.id, b.id, LinkKind::Duplicate).await,
        "link.exists",
    );
    assert_conflict(
        e.app.link(&agent, b.id, a.id, LinkKind::Parent).await,
        "link.exists",
    );
    assert_eq!(view(&e.app, &agent, b.id).await.ticket.status, Status::New);

    // Undone from either end, once.
    e.app.unlink(&agent, b.id, a.id).await.expect("unlinked");
    assert!(view(&e.app, &agent, a.id).await.links.is_empty());
    assert!(view(&e.app, &agent, b.id).await.links.is_empty());
    assert_not_found(e.app.unlink(&agent, a.id, b.id).await, "link");
    assert_eq!(
        e.events(b.id).await,
        [EventKind::Submitted, EventKind::Unlinked]
    );
    // Both timelines tell the link and its end, as both told its making.
    for id in [a.id, b.id] {
        let v = view(&e.app, &director, id).await;
        let told: Vec<_> = v
            .timeline
            .iter()
            .map(|en| en.kind)
            .filter(|k| matches!(k, EntryKind::Link | EntryKind::Unlink))
            .collect();
        assert_eq!(told, [EntryKind::Link, EntryKind::Unlink], "ticket {id}");
    }

    // Linked again after unlinking: allowed.
    e.app
        .link(&agent, b.id, a.id, LinkKind::Parent)
        .await
        .expect("linked again");
    let v = view(&e.app, &director, b.id).await;
    assert_eq!(v.links.len(), 1);
    assert!(v.links[0].outgoing);
    assert_eq!(v.links[0].kind, LinkKind::Parent);
}

async fn a_link_needs_both_tickets_in_sight(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let agent = e.caller(&fx.agent_n1).await;
    let mine = submit_as(&e.app, &e.caller(&fx.director_a).await, &fx.school_a).await;
    let theirs = submit_as(&e.app, &e.caller(&fx.director_c).await, &fx.school_c).await;
    e.app
        .transfer(&agent, theirs.id, fx.dsden_n1.id, "Pour la DSDEN")
        .await
        .expect("transferred");

    // The DSDEN's ticket is out of agent_n1's sight, whichever side it is on.
    assert_not_found(
        e.app
            .link(&agent, mine.id, theirs.id, LinkKind::Duplicate)
            .await,
        "other ticket",
    );
    assert_not_found(
        e.app
            .link(&agent, theirs.id, mine.id, LinkKind::Duplicate)
            .await,
        "ticket",
    );
    assert_not_found(
        e.app
            .link(
                &agent,
                mine.id,
                guichet_core::TicketId(999_999),
                LinkKind::Related,
            )
            .await,
        "other ticket",
    );
    assert!(view(&e.app, &agent, mine.id).await.links.is_empty());
    assert_eq!(
        view(&e.app, &agent, mine.id).await.ticket.status,
        Status::New
    );
}
