//! After the solution: the reopen window (with the clock moved by hand), the desk's reopening,
//! and the satisfaction survey.

mod common;

use chrono::Duration;
use common::{
    Env, assert_conflict, assert_forbidden, assert_invalid, assert_lifecycle, env, submit_as, view,
};
use guichet_app::Caller;
use guichet_core::TicketId;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{EntryKind, EventKind, LinkKind};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_reply_within_the_window_reopens,
    the_window_is_counted_from_resolution,
    after_the_window_the_requester_cannot_reopen,
    only_the_desk_reopens_a_closed_ticket,
    a_ticket_nobody_holds_reopens_as_new,
    the_requester_rates_the_answer,
);

/// A ticket of director_a, taken and resolved by agent_n1 at the clock's current time.
async fn resolved_ticket(e: &Env) -> (Caller, Caller, TicketId) {
    let director = e.caller(&e.fx.director_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &e.fx.school_a).await;
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    e.app
        .resolve(&agent, t.id, "Mot de passe réinitialisé.")
        .await
        .expect("resolved");
    (director, agent, t.id)
}

async fn a_reply_within_the_window_reopens(db: TestDb) {
    let e = env(&db).await;
    let (director, _, id) = resolved_ticket(&e).await;
    e.clock.advance(Duration::days(3));
    let t = e
        .app
        .reply(
            &director,
            id,
            "Toujours impossible de me connecter.",
            vec![],
            false,
        )
        .await
        .expect("reopened by the reply");
    assert_eq!(t.status, Status::InProgress, "its agent still holds it");
    assert_eq!(t.assignee, Some(e.fx.agent_n1.id));
    assert_eq!(t.resolved_at, None);
    assert_eq!(
        e.events(id).await.last(),
        Some(&EventKind::RequesterReplied)
    );
    let v = view(&e.app, &director, id).await;
    let last = v.timeline.last().expect("entries");
    assert_eq!(last.kind, EntryKind::StatusChange);
    assert_eq!(last.data["from"], "resolved");
    assert_eq!(last.data["to"], "in_progress");
}

async fn the_window_is_counted_from_resolution(db: TestDb) {
    let e = env(&db).await;
    let window = e.app.config().reopen_window_days;
    let (director, agent, id) = resolved_ticket(&e).await;
    // Exactly at the end of the window it is still open.
    e.clock.advance(Duration::days(window));
    let t = e
        .app
        .reopen(&director, id, "Le problème est revenu.")
        .await
        .expect("reopened on the last moment");
    assert_eq!(t.status, Status::InProgress);
    assert_eq!(e.events(id).await.last(), Some(&EventKind::Reopened));

    // Resolved again later: the window starts over from the new resolution.
    e.clock.advance(Duration::days(30));
    e.app
        .resolve(&agent, id, "Compte débloqué.")
        .await
        .expect("resolved again");
    e.clock.advance(Duration::days(window - 1));
    let t = e
        .app
        .reply(&director, id, "Encore bloqué.", vec![], false)
        .await
        .expect("reopened");
    assert_eq!(t.status, Status::InProgress);
}

async fn after_the_window_the_requester_cannot_reopen(db: TestDb) {
    let e = env(&db).await;
    let (director, agent, id) = resolved_ticket(&e).await;
    e.clock.advance(Duration::days(20));
    assert_conflict(
        e.app
            .reply(&director, id, "Toujours en panne.", vec![], false)
            .await,
        "ticket.reopen_window_passed",
    );
    assert_conflict(
        e.app.reopen(&director, id, "Toujours en panne.").await,
        "ticket.reopen_window_passed",
    );
    let v = view(&e.app, &director, id).await;
    assert_eq!(v.ticket.status, Status::Resolved, "nothing changed");
    assert!(v.timeline.iter().all(|en| en.body != "Toujours en panne."));
    // The desk may still reopen it.
    let t = e
        .app
        .reopen(&agent, id, "Rappel de l'école")
        .await
        .expect("reopened");
    assert_eq!(t.status, Status::InProgress);
}

async fn only_the_desk_reopens_a_closed_ticket(db: TestDb) {
    let e = env(&db).await;
    let (director, agent, id) = resolved_ticket(&e).await;
    e.app.close(&director, id).await.expect("closed");
    e.clock.advance(Duration::days(1));

    assert_lifecycle(e.app.reopen(&director, id, "Ça recommence").await);
    assert_conflict(
        e.app
            .reply(&director, id, "Ça recommence", vec![], false)
            .await,
        "ticket.finished",
    );
    // A colleague reads it but does not reopen it.
    let teacher = e.caller(&e.fx.teacher_a).await;
    assert_common_not_found(e.app.reopen(&teacher, id, "Moi aussi").await);
    let director_b = e.caller(&e.fx.director_b).await;
    assert_common_not_found(e.app.reopen(&director_b, id, "Moi aussi").await);

    assert_invalid(e.app.reopen(&agent, id, " ").await, "reason");
    let t = e
        .app
        .reopen(&agent, id, "Rappel du directeur")
        .await
        .expect("reopened");
    assert_eq!(t.status, Status::InProgress);
    assert_eq!(t.closed_at, None);
    assert_eq!(t.resolved_at, None);
}

fn assert_common_not_found<T: std::fmt::Debug>(r: Result<T, guichet_app::AppError>) {
    common::assert_not_found(r, "ticket");
}

/// A duplicate is closed without anyone taking it: reopened by the desk, it goes back to the queue.
async fn a_ticket_nobody_holds_reopens_as_new(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let original = submit_as(&e.app, &director, &e.fx.school_a).await;
    let copy = submit_as(&e.app, &director, &e.fx.school_a).await;
    let closed = e
        .app
        .link(&agent, copy.id, original.id, LinkKind::Duplicate)
        .await
        .expect("linked");
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.assignee, None);

    e.clock.advance(Duration::days(2));
    let reopened = e
        .app
        .reopen(&agent, copy.id, "Pas un doublon finalement")
        .await
        .expect("reopened");
    assert_eq!(reopened.status, Status::New);
    assert_eq!(reopened.assignee, None);
    assert_eq!(reopened.group, Some(e.fx.dsi_n1.id));
}

async fn the_requester_rates_the_answer(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let open = submit_as(&e.app, &director, &e.fx.school_a).await;
    assert_conflict(
        e.app.rate(&director, open.id, 4, "").await,
        "ticket.not_resolved",
    );

    let (_, _, id) = resolved_ticket(&e).await;
    for bad in [0, 6, -1] {
        assert_invalid(e.app.rate(&director, id, bad, "").await, "score");
    }
    assert_forbidden(
        e.app.rate(&agent, id, 5, "Parfait").await,
        "ticket.requester_only",
    );
    let ien = e.caller(&e.fx.ien_dijon).await;
    assert_forbidden(e.app.rate(&ien, id, 1, "").await, "ticket.requester_only");

    let t = e
        .app
        .rate(&director, id, 5, "  Rapide et clair.  ")
        .await
        .expect("rated");
    assert_eq!(t.satisfaction, Some(5));
    assert_eq!(t.satisfaction_comment.as_deref(), Some("Rapide et clair."));
    assert_eq!(t.status, Status::Resolved, "rating is not closing");
    e.app.close(&director, id).await.expect("closed");
    let t = e.app.rate(&director, id, 1, "").await.expect("rated again");
    assert_eq!(t.satisfaction, Some(1));
    assert_eq!(t.satisfaction_comment, None);

    let v = view(&e.app, &director, id).await;
    let answers: Vec<_> = v
        .timeline
        .iter()
        .filter(|en| en.kind == EntryKind::SurveyAnswer)
        .map(|en| en.data["score"].as_i64())
        .collect();
    assert_eq!(answers, [Some(5), Some(1)]);
    assert_eq!(e.events(id).await.last(), Some(&EventKind::Rated));
}
