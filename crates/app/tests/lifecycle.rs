//! The desk's work on a ticket, through the use cases: take, wait, answer, resolve, close, and the
//! moves that are refused.

mod common;

use chrono::Duration;
use common::{
    assert_conflict, assert_forbidden, assert_invalid, assert_lifecycle, assert_not_found, env,
    kinds, submit_as, view,
};
use guichet_core::lifecycle::{LifecycleError, Move, Status, WaitingOn};
use guichet_core::ticket::{EntryKind, EventKind, Priority};
use guichet_core::{ApplicationId, GroupId};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_ticket_goes_from_new_to_closed,
    moves_the_lifecycle_forbids_are_refused,
    the_desk_pauses_and_resumes_for_a_third_party,
    the_desk_assigns_within_the_group,
    the_desk_reprioritises_and_reclassifies,
    a_requester_cancels_and_the_desk_rejects,
);

async fn a_ticket_goes_from_new_to_closed(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;

    e.clock.advance(Duration::minutes(30));
    let taken = e.app.take_in_charge(&agent, t.id).await.expect("taken");
    assert_eq!(taken.status, Status::InProgress);
    assert_eq!(taken.assignee, Some(fx.agent_n1.id));
    assert_eq!(taken.taken_at, Some(e.app.now()));

    let waiting = e
        .app
        .reply(
            &agent,
            t.id,
            "Pouvez-vous envoyer une capture ?",
            vec![],
            true,
        )
        .await
        .expect("asked");
    assert_eq!(waiting.status, Status::Waiting);
    assert_eq!(waiting.waiting_on, Some(WaitingOn::Requester));

    e.clock.advance(Duration::hours(2));
    let answered = e
        .app
        .reply(&director, t.id, "Voici la capture.", vec![], false)
        .await
        .expect("answered");
    assert_eq!(answered.status, Status::InProgress, "the answer resumes it");
    assert_eq!(answered.waiting_on, None);
    assert_eq!(answered.taken_at, taken.taken_at, "taken once");

    assert_invalid(e.app.resolve(&agent, t.id, "  ").await, "solution");
    let resolved = e
        .app
        .resolve(&agent, t.id, "Cache du navigateur vidé.")
        .await
        .expect("resolved");
    assert_eq!(resolved.status, Status::Resolved);
    assert_eq!(
        resolved.solution.as_deref(),
        Some("Cache du navigateur vidé.")
    );
    assert_eq!(resolved.resolved_at, Some(e.app.now()));

    let closed = e.app.close(&director, t.id).await.expect("closed");
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.closed_at, Some(e.app.now()));

    assert_eq!(
        e.events(t.id).await,
        vec![
            EventKind::Submitted,
            EventKind::TakenInCharge,
            EventKind::Replied,
            EventKind::RequesterReplied,
            EventKind::Resolved,
            EventKind::Closed,
        ]
    );
    assert_eq!(
        e.audit_actions(&t).await,
        [
            "ticket.submit",
            "ticket.take_in_charge",
            "ticket.reply",
            "ticket.reply",
            "ticket.resolve",
            "ticket.close",
        ]
    );
    // The requester reads the whole public story, status changes included.
    let v = view(&e.app, &director, t.id).await;
    let statuses: Vec<_> = v
        .timeline
        .iter()
        .filter(|en| en.kind == EntryKind::StatusChange)
        .map(|en| en.data["to"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        statuses,
        [
            "in_progress",
            "waiting",
            "in_progress",
            "resolved",
            "closed"
        ]
    );
    assert!(kinds(&v).contains(&EntryKind::Resolution));
}

async fn moves_the_lifecycle_forbids_are_refused(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;

    match e.app.close(&director, t.id).await {
        Err(guichet_app::AppError::Lifecycle(LifecycleError::NotFromStatus { status, mv })) => {
            assert_eq!((status, mv), (Status::New, Move::Close));
        }
        other => panic!("closing a new ticket: {other:?}"),
    }
    assert_lifecycle(e.app.resolve(&agent, t.id, "Rien à faire").await);
    assert_lifecycle(e.app.resume(&agent, t.id).await);

    // The requester does not work their own ticket.
    assert_forbidden(
        e.app.take_in_charge(&director, t.id).await,
        "ticket.desk_only",
    );
    assert_forbidden(
        e.app
            .escalate(&director, t.id, fx.dsi_n2.id, "Plus vite")
            .await,
        "ticket.desk_only",
    );
    assert_forbidden(
        e.app.note(&director, t.id, "Note", vec![]).await,
        "ticket.desk_only",
    );
    // Another desk does not even see it.
    let dsden = e.caller(&fx.agent_dsden).await;
    assert_not_found(e.app.take_in_charge(&dsden, t.id).await, "ticket");
    assert_not_found(
        e.app
            .take_in_charge(&agent, guichet_core::TicketId(999_999))
            .await,
        "ticket",
    );

    // Escalation needs a reason and a higher level.
    assert_invalid(
        e.app.escalate(&agent, t.id, fx.dsi_n2.id, " ").await,
        "reason",
    );
    assert_conflict(
        e.app
            .escalate(&agent, t.id, fx.dsi_n1.id, "Même niveau")
            .await,
        "ticket.escalate_not_higher",
    );
    assert_conflict(
        e.app
            .escalate(&agent, t.id, fx.dsden_n1.id, "Autre guichet, même niveau")
            .await,
        "ticket.escalate_not_higher",
    );
    assert_not_found(
        e.app
            .escalate(&agent, t.id, GroupId(999_999), "Nulle part")
            .await,
        "group",
    );
    // Nothing above was written.
    assert_eq!(e.events(t.id).await, vec![EventKind::Submitted]);
    assert_eq!(view(&e.app, &agent, t.id).await.ticket, t);
}

async fn the_desk_pauses_and_resumes_for_a_third_party(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;
    assert_lifecycle(
        e.app
            .wait(&agent, t.id, WaitingOn::ThirdParty, "Attente éditeur")
            .await,
    );
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    let waiting = e
        .app
        .wait(
            &agent,
            t.id,
            WaitingOn::ThirdParty,
            "Ticket ouvert chez l'éditeur",
        )
        .await
        .expect("waiting");
    assert_eq!(waiting.status, Status::Waiting);
    assert_eq!(waiting.waiting_on, Some(WaitingOn::ThirdParty));

    // The requester's message does not resume a ticket waiting for someone else.
    let still = e
        .app
        .reply(&director, t.id, "Des nouvelles ?", vec![], false)
        .await
        .expect("replied");
    assert_eq!(still.status, Status::Waiting);
    assert_eq!(still.waiting_on, Some(WaitingOn::ThirdParty));

    let resumed = e.app.resume(&agent, t.id).await.expect("resumed");
    assert_eq!(resumed.status, Status::InProgress);
    assert_eq!(resumed.waiting_on, None);
    // The reason of the pause is an internal note.
    let requester_view = view(&e.app, &director, t.id).await;
    assert!(!kinds(&requester_view).contains(&EntryKind::Note));
    assert!(kinds(&view(&e.app, &agent, t.id).await).contains(&EntryKind::Note));
}

async fn the_desk_assigns_within_the_group(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;

    assert_invalid(e.app.assign(&agent, t.id, None, None).await, "assignee");
    assert_invalid(
        e.app.assign(&agent, t.id, Some(fx.agent_n2.id), None).await,
        "assignee",
    );
    assert_invalid(
        e.app
            .assign(&agent, t.id, Some(fx.director_a.id), None)
            .await,
        "assignee",
    );
    assert_conflict(
        e.app.assign(&agent, t.id, None, Some(fx.dsi_n2.id)).await,
        "ticket.assign_other_desk_or_level",
    );
    assert_conflict(
        e.app.assign(&agent, t.id, None, Some(fx.dsden_n1.id)).await,
        "ticket.assign_other_desk_or_level",
    );

    let assigned = e
        .app
        .assign(&agent, t.id, Some(fx.agent_n1_bis.id), None)
        .await
        .expect("assigned");
    assert_eq!(assigned.status, Status::Assigned);
    assert_eq!(assigned.assignee, Some(fx.agent_n1_bis.id));
    assert_eq!(assigned.taken_at, None, "not yet taken in charge");

    let colleague = e.caller(&fx.agent_n1_bis).await;
    let taken = e.app.take_in_charge(&colleague, t.id).await.expect("taken");
    assert_eq!(taken.status, Status::InProgress);
    assert_eq!(taken.assignee, Some(fx.agent_n1_bis.id));
    assert!(taken.taken_at.is_some());

    let events = e.events(t.id).await;
    assert_eq!(
        events,
        [
            EventKind::Submitted,
            EventKind::Assigned,
            EventKind::TakenInCharge
        ]
    );
}

async fn the_desk_reprioritises_and_reclassifies(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &fx.school_a).await;
    assert_eq!(t.priority, Priority::Medium);

    assert_forbidden(
        e.app
            .change_priority(&director, t.id, Priority::VeryHigh)
            .await,
        "ticket.desk_only",
    );
    let p = e
        .app
        .change_priority(&agent, t.id, Priority::VeryHigh)
        .await
        .expect("reprioritised");
    assert_eq!(p.priority, Priority::VeryHigh);
    assert_eq!(p.status, Status::New, "priority is not a lifecycle move");

    let a = e
        .app
        .change_application(&agent, t.id, fx.onde.id)
        .await
        .expect("reclassified");
    assert_eq!(a.application, Some(fx.onde.id));
    assert_eq!(a.group, t.group, "the group stays");
    assert_not_found(
        e.app
            .change_application(&agent, t.id, ApplicationId(999_999))
            .await,
        "application",
    );

    let v = view(&e.app, &director, t.id).await;
    let change = v
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::PriorityChange)
        .expect("priority change entry");
    assert_eq!(change.data["from"], "medium");
    assert_eq!(change.data["to"], "very_high");
    assert!(kinds(&v).contains(&EntryKind::ApplicationChange));
    assert_eq!(
        e.events(t.id).await,
        [
            EventKind::Submitted,
            EventKind::PriorityChanged,
            EventKind::ApplicationChanged
        ]
    );

    // A finished ticket is not reclassified.
    e.app
        .reject(&agent, t.id, "Hors périmètre")
        .await
        .expect("rejected");
    assert_conflict(
        e.app.change_priority(&agent, t.id, Priority::Low).await,
        "ticket.finished",
    );
    assert_conflict(
        e.app.change_application(&agent, t.id, fx.lsun.id).await,
        "ticket.finished",
    );
}

async fn a_requester_cancels_and_the_desk_rejects(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let agent = e.caller(&fx.agent_n1).await;

    let withdrawn = submit_as(&e.app, &director, &fx.school_a).await;
    let c = e
        .app
        .cancel(&director, withdrawn.id, "Réglé entre-temps")
        .await
        .expect("cancelled");
    assert_eq!(c.status, Status::Cancelled);
    assert!(c.closed_at.is_some());
    assert_lifecycle(e.app.cancel(&director, withdrawn.id, "").await);
    assert_lifecycle(e.app.take_in_charge(&agent, withdrawn.id).await);
    assert_conflict(
        e.app
            .reply(&director, withdrawn.id, "Finalement non", vec![], false)
            .await,
        "ticket.finished",
    );

    let refused = submit_as(&e.app, &director, &fx.school_a).await;
    assert_invalid(e.app.reject(&agent, refused.id, "").await, "reason");
    assert_forbidden(
        e.app.reject(&director, refused.id, "Moi-même").await,
        "ticket.desk_only",
    );
    let r = e
        .app
        .reject(&agent, refused.id, "Relève de la mairie")
        .await
        .expect("rejected");
    assert_eq!(r.status, Status::Rejected);
    assert_eq!(r.solution.as_deref(), Some("Relève de la mairie"));
    assert_lifecycle(e.app.reopen(&agent, refused.id, "Erreur").await);
    let v = view(&e.app, &director, refused.id).await;
    assert!(
        v.timeline
            .iter()
            .any(|en| en.kind == EntryKind::Resolution && en.body == "Relève de la mairie"),
        "the requester reads why"
    );
}
