//! Absences with a delegate: while one is in force (by the clock, nothing scheduled), the absent
//! agent's tickets are the delegate's to see and work, and new assignments go to the delegate.

mod common;

use chrono::Duration;
use common::{
    Env, assert_conflict, assert_forbidden, assert_invalid, assert_not_found, env, listed,
    submit_as,
};
use guichet_app::absence::{Cancelled, DeclareAbsence};
use guichet_core::ticket::EntryKind;
use guichet_core::{PersonId, TicketId};
use guichet_store::person::Person;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_delegate_sees_and_works_the_absent_agents_tickets_while_it_lasts,
    new_assignments_go_to_the_delegate,
    declarations_are_checked,
    absences_are_shortened_and_cancelled,
);

/// Agent N1 also works in the DSDEN group, so the DSDEN agent, who does not see the DSI queue,
/// is a possible delegate.
async fn with_shared_group(e: &Env) {
    let mut tx = e.app.store().write().await.expect("write");
    tx.add_member(e.fx.dsden_n1.id, e.fx.agent_n1.id)
        .await
        .expect("member");
    tx.commit().await.expect("commit");
}

fn absence(agent: &Person, delegate: &Person, e: &Env, from: i64, to: i64) -> DeclareAbsence {
    let now = e.app.now();
    DeclareAbsence {
        agent: agent.id,
        delegate: delegate.id,
        starts_at: now + Duration::days(from),
        ends_at: now + Duration::days(to),
    }
}

/// A ticket of the DSI N1 queue, assigned to agent N1.
async fn assigned_to_n1(e: &Env) -> TicketId {
    let director = e.caller(&e.fx.director_a).await;
    let t = submit_as(&e.app, &director, &e.fx.school_a).await;
    assert_eq!(t.group, Some(e.fx.dsi_n1.id));
    let admin = e.admin().await;
    e.app
        .assign(&admin, t.id, Some(e.fx.agent_n1.id), None)
        .await
        .expect("assigned");
    t.id
}

async fn a_delegate_sees_and_works_the_absent_agents_tickets_while_it_lasts(db: TestDb) {
    let e = env(&db).await;
    with_shared_group(&e).await;
    let ticket = assigned_to_n1(&e).await;
    let other = assigned_to_n1(&e).await;
    let n1 = e.caller(&e.fx.agent_n1).await;
    e.app
        .declare_absence(&n1, absence(&e.fx.agent_n1, &e.fx.agent_dsden, &e, 1, 8))
        .await
        .expect("declared");

    // Not yet in force: the DSDEN agent neither sees nor works the DSI ticket.
    let delegate = e.caller(&e.fx.agent_dsden).await;
    assert!(!listed(&e.app, &delegate).await.contains(&ticket));
    assert_not_found(
        e.app.note(&delegate, ticket, "Je regarde.", vec![]).await,
        "ticket",
    );

    // In force: listed, readable with internal notes, workable.
    e.clock.advance(Duration::days(2));
    let delegate = e.caller(&e.fx.agent_dsden).await;
    assert_eq!(delegate.subject.delegators, vec![e.fx.agent_n1.id]);
    assert!(listed(&e.app, &delegate).await.contains(&ticket));
    e.app
        .note(&delegate, ticket, "Je prends le relais de Sophie.", vec![])
        .await
        .expect("the delegate notes");
    e.app
        .take_in_charge(&delegate, ticket)
        .await
        .expect("the delegate may take it");
    // Still in the group queue for the colleagues of the group.
    let colleague = e.caller(&e.fx.agent_n1_bis).await;
    assert!(listed(&e.app, &colleague).await.contains(&ticket));

    // Over: a ticket still assigned to agent N1 is no longer the DSDEN agent's.
    let delegate = e.caller(&e.fx.agent_dsden).await;
    assert!(listed(&e.app, &delegate).await.contains(&other));
    e.clock.advance(Duration::days(7));
    let delegate = e.caller(&e.fx.agent_dsden).await;
    assert!(delegate.subject.delegators.is_empty());
    assert!(!listed(&e.app, &delegate).await.contains(&other));
}

async fn new_assignments_go_to_the_delegate(db: TestDb) {
    let e = env(&db).await;
    with_shared_group(&e).await;
    let n1 = e.caller(&e.fx.agent_n1).await;
    let declared = e
        .app
        .declare_absence(&n1, absence(&e.fx.agent_n1, &e.fx.agent_dsden, &e, 0, 5))
        .await
        .expect("declared");
    let ticket = assigned_to_n1(&e).await;
    let admin = e.admin().await;
    let view = e.app.ticket(&admin, ticket).await.expect("read");
    assert_eq!(view.ticket.assignee, Some(e.fx.agent_dsden.id));
    let entry = view
        .timeline
        .iter()
        .rev()
        .find(|en| en.kind == EntryKind::Assignment)
        .expect("an assignment entry");
    assert_eq!(entry.data["assignee"], e.fx.agent_dsden.id.0);
    assert_eq!(entry.data["delegate_of"], e.fx.agent_n1.id.0);
    assert_eq!(
        entry.data["absent_until"],
        serde_json::json!(declared.ends_at)
    );
    assert!(
        e.audit_actions(&view.ticket)
            .await
            .contains(&"ticket.assign".to_owned())
    );

    // A chain: the delegate is away too, covered by agent N1 bis.
    let dsden = e.caller(&e.fx.agent_dsden).await;
    {
        let mut tx = e.app.store().write().await.expect("write");
        tx.add_member(e.fx.dsden_n1.id, e.fx.agent_n1_bis.id)
            .await
            .expect("member");
        tx.commit().await.expect("commit");
    }
    e.app
        .declare_absence(
            &dsden,
            absence(&e.fx.agent_dsden, &e.fx.agent_n1_bis, &e, 0, 2),
        )
        .await
        .expect("declared");
    let chained = assigned_to_n1(&e).await;
    let t = e.app.ticket(&admin, chained).await.expect("read").ticket;
    assert_eq!(t.assignee, Some(e.fx.agent_n1_bis.id));
    let bis = e.caller(&e.fx.agent_n1_bis).await;
    let mut covered = bis.subject.delegators.clone();
    covered.sort();
    let mut expected = vec![e.fx.agent_n1.id, e.fx.agent_dsden.id];
    expected.sort();
    assert_eq!(covered, expected);

    // Once back, assignments reach agent N1 again.
    e.clock.advance(Duration::days(6));
    let back = assigned_to_n1(&e).await;
    let t = e.app.ticket(&admin, back).await.expect("read").ticket;
    assert_eq!(t.assignee, Some(e.fx.agent_n1.id));
}

async fn declarations_are_checked(db: TestDb) {
    let e = env(&db).await;
    with_shared_group(&e).await;
    let n1 = e.caller(&e.fx.agent_n1).await;
    let fx = &e.fx;
    e.app
        .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_dsden, &e, 2, 6))
        .await
        .expect("declared");
    // Overlapping, back to back, inside: only back to back is accepted.
    assert_conflict(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 5, 9))
            .await,
        "absence.overlap",
    );
    assert_conflict(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 3, 4))
            .await,
        "absence.overlap",
    );
    e.app
        .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 6, 9))
        .await
        .expect("back to back");
    // Delegates: someone else, an agent of a shared group, known.
    assert_invalid(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n2, &e, 20, 21))
            .await,
        "delegate",
    );
    assert_invalid(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1, &e, 20, 21))
            .await,
        "delegate",
    );
    let mut ghost = absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 20, 21);
    ghost.delegate = PersonId(999_999);
    assert_invalid(e.app.declare_absence(&n1, ghost).await, "delegate");
    // Periods.
    assert_invalid(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 21, 20))
            .await,
        "ends_at",
    );
    assert_invalid(
        e.app
            .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_n1_bis, &e, -3, -1))
            .await,
        "ends_at",
    );
    // Who: not a colleague, not a requester; an administrator for an agent.
    let colleague = e.caller(&fx.agent_n1_bis).await;
    assert_forbidden(
        e.app
            .declare_absence(
                &colleague,
                absence(&fx.agent_n1, &fx.agent_n1_bis, &e, 30, 31),
            )
            .await,
        "absence.not_yours",
    );
    let director = e.caller(&fx.director_a).await;
    assert_forbidden(
        e.app
            .declare_absence(&director, absence(&fx.director_a, &fx.agent_n1, &e, 1, 2))
            .await,
        "desk_only",
    );
    let admin = e.admin().await;
    e.app
        .declare_absence(&admin, absence(&fx.agent_n2, &fx.agent_n2, &e, 1, 2))
        .await
        .map(|_| ())
        .expect_err("not their own delegate");
    let mut tx = e.app.store().write().await.expect("write");
    tx.add_member(fx.dsi_n2.id, fx.agent_n1_bis.id)
        .await
        .expect("member");
    tx.commit().await.expect("commit");
    e.app
        .declare_absence(&admin, absence(&fx.agent_n2, &fx.agent_n1_bis, &e, 1, 2))
        .await
        .expect("an administrator declares for an agent");
    assert_invalid(
        e.app
            .declare_absence(&admin, absence(&fx.director_a, &fx.agent_n1, &e, 1, 2))
            .await,
        "agent",
    );
    let listed = e.app.absences(&n1, fx.agent_n1.id).await.expect("listed");
    assert_eq!(listed.len(), 2);
    assert!(listed[0].starts_at < listed[1].starts_at);
    assert_forbidden(
        e.app.absences(&colleague, fx.agent_n1.id).await,
        "absence.not_yours",
    );
}

async fn absences_are_shortened_and_cancelled(db: TestDb) {
    let e = env(&db).await;
    with_shared_group(&e).await;
    let n1 = e.caller(&e.fx.agent_n1).await;
    let fx = &e.fx;
    let upcoming = e
        .app
        .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_dsden, &e, 3, 5))
        .await
        .expect("declared");
    let current = e
        .app
        .declare_absence(&n1, absence(&fx.agent_n1, &fx.agent_dsden, &e, 0, 2))
        .await
        .expect("declared");
    // Only shorter.
    assert_invalid(
        e.app
            .shorten_absence(&n1, current.id, current.ends_at + Duration::days(1))
            .await,
        "ends_at",
    );
    let shorter = e
        .app
        .shorten_absence(&n1, current.id, current.ends_at - Duration::days(1))
        .await
        .expect("shortened");
    assert_eq!(shorter.ends_at, current.ends_at - Duration::days(1));
    // Another agent's absence is not found for a colleague.
    let colleague = e.caller(&fx.agent_n1_bis).await;
    assert_not_found(
        e.app.cancel_absence(&colleague, current.id).await,
        "absence",
    );
    // The one to come disappears; the one in force ends now.
    assert_eq!(
        e.app
            .cancel_absence(&n1, upcoming.id)
            .await
            .expect("cancel"),
        Cancelled::Removed
    );
    match e.app.cancel_absence(&n1, current.id).await.expect("cancel") {
        Cancelled::EndedNow(a) => assert_eq!(a.ends_at, e.app.now()),
        other => panic!("expected EndedNow, got {other:?}"),
    }
    assert!(
        e.app
            .absences(&n1, fx.agent_n1.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert_conflict(e.app.cancel_absence(&n1, current.id).await, "absence.over");
    let dsden = e.caller(&fx.agent_dsden).await;
    assert!(dsden.subject.delegators.is_empty());
    let trail = e
        .app
        .store()
        .read()
        .await
        .expect("read")
        .audit_trail("person", &fx.agent_n1.id.to_string())
        .await
        .expect("trail")
        .into_iter()
        .map(|a| a.action)
        .collect::<Vec<_>>();
    assert_eq!(
        trail,
        [
            "absence.declare",
            "absence.declare",
            "absence.shorten",
            "absence.cancel",
            "absence.end"
        ]
    );
}
