//! Escalation to a higher level and transfer to another desk: the ticket changes queue, the reason
//! stays with the desk, and who sees the ticket follows.

mod common;

use common::{
    assert_conflict, assert_invalid, assert_not_found, env, kinds, listed, submit_as, view,
};
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{EntryKind, EventKind};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    an_escalated_ticket_leaves_the_n1_queue,
    a_transfer_hands_the_ticket_to_another_desk,
);

async fn an_escalated_ticket_leaves_the_n1_queue(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let expert = e.caller(&fx.agent_n2).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    assert_not_found(e.app.ticket(&expert, t.id).await, "ticket");

    let reason = "Erreur serveur : journaux nécessaires";
    let up = e
        .app
        .escalate(&agent, t.id, fx.dsi_n2.id, reason)
        .await
        .expect("escalated");
    assert_eq!(up.status, Status::New);
    assert_eq!(up.group, Some(fx.dsi_n2.id));
    assert_eq!(up.level, Level::N2);
    assert_eq!(up.assignee, None);

    // N1 lets go of it; N2 has it in its queue.
    assert_not_found(e.app.ticket(&agent, t.id).await, "ticket");
    assert!(!listed(&e.app, &agent).await.contains(&t.id));
    assert!(listed(&e.app, &expert).await.contains(&t.id));
    let desk_view = view(&e.app, &expert, t.id).await;
    let entry = desk_view
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Escalation)
        .expect("the escalation entry");
    // The move is public, its reason an internal note.
    assert!(entry.public);
    assert_eq!(entry.body, "");
    assert_eq!(entry.author, Some(fx.agent_n1.id));
    assert_eq!(entry.data["to_group"], "DSI-N2");
    let note = desk_view
        .timeline
        .iter()
        .find(|en| en.body == reason)
        .expect("the reason");
    assert_eq!(note.kind, EntryKind::Note);
    assert!(!note.public);

    // The requester sees that their request moved on, never the desk's reason.
    let requester_view = view(&e.app, &director, t.id).await;
    assert!(kinds(&requester_view).contains(&EntryKind::Escalation));
    assert!(requester_view.timeline.iter().all(|en| en.body != reason));
    assert_eq!(requester_view.ticket.status, Status::New);

    assert_eq!(
        e.events(t.id).await,
        [
            EventKind::Submitted,
            EventKind::TakenInCharge,
            EventKind::Escalated
        ]
    );
    // Nothing higher than N2 exists here; N2 takes it.
    assert_conflict(
        e.app.escalate(&expert, t.id, fx.dsi_n1.id, "Retour").await,
        "ticket.escalate_not_higher",
    );
    let taken = e.app.take_in_charge(&expert, t.id).await.expect("taken");
    assert_eq!(taken.assignee, Some(fx.agent_n2.id));
    assert_eq!(taken.status, Status::InProgress);
}

async fn a_transfer_hands_the_ticket_to_another_desk(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_c).await;
    let agent = e.caller(&fx.agent_n1).await;
    let dsden = e.caller(&fx.agent_dsden).await;
    let t = submit_as(&e.app, &director, &fx.school_c).await;
    assert_not_found(e.app.ticket(&dsden, t.id).await, "ticket");

    assert_invalid(
        e.app.transfer(&agent, t.id, fx.dsden_n1.id, "").await,
        "reason",
    );
    assert_conflict(
        e.app
            .transfer(&agent, t.id, fx.dsi_n2.id, "Même guichet")
            .await,
        "ticket.transfer_same_desk",
    );

    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    let moved = e
        .app
        .transfer(&agent, t.id, fx.dsden_n1.id, "Question pédagogique du 71")
        .await
        .expect("transferred");
    assert_eq!(moved.status, Status::New);
    assert_eq!(moved.group, Some(fx.dsden_n1.id));
    assert_eq!(moved.level, Level::N1);
    assert_eq!(moved.assignee, None);

    assert_not_found(e.app.ticket(&agent, t.id).await, "ticket");
    let v = view(&e.app, &dsden, t.id).await;
    let entry = v
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Transfer)
        .expect("the transfer entry");
    assert!(entry.public);
    assert_eq!(entry.data["from_group"], "DSI-N1");
    let requester_view = view(&e.app, &director, t.id).await;
    assert!(kinds(&requester_view).contains(&EntryKind::Transfer));
    assert!(
        requester_view
            .timeline
            .iter()
            .all(|en| en.kind != EntryKind::Note)
    );
    assert_eq!(e.events(t.id).await.last(), Some(&EventKind::Transferred));
    e.app
        .take_in_charge(&dsden, t.id)
        .await
        .expect("taken by the DSDEN");
}
