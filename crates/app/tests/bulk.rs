//! Bulk actions: each ticket through its own use case and transaction, each outcome reported.

mod common;

use common::{assert_invalid, env, submit_as};
use guichet_app::AppError;
use guichet_app::bulk::{BulkAction, MAX_BULK};
use guichet_core::lifecycle::Status;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_selection_is_worked_ticket_by_ticket,
    the_selection_itself_is_checked
);

async fn a_selection_is_worked_ticket_by_ticket(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let admin = e.admin().await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let t1 = submit_as(&e.app, &director, &e.fx.school_a).await;
    let t2 = submit_as(&e.app, &director, &e.fx.school_a).await;
    let t3 = submit_as(&e.app, &director, &e.fx.school_a).await;
    let hidden = submit_as(&e.app, &director, &e.fx.school_a).await;
    e.app
        .transfer(&admin, hidden.id, e.fx.dsden_n1.id, "Relève de la DSDEN.")
        .await
        .expect("transferred");

    let refs = |ts: &[&guichet_store::ticket::Ticket]| -> Vec<String> {
        ts.iter().map(|t| t.reference.to_string()).collect()
    };
    let mut selection = refs(&[&t1, &t2, &hidden]);
    selection.extend(["2026-999999".to_owned(), "n'importe quoi".to_owned()]);
    selection.push(t1.reference.to_string());
    let out = e
        .app
        .bulk(&agent, &BulkAction::Take, &selection)
        .await
        .expect("bulk call");
    assert_eq!(out.len(), 5, "the duplicate once");
    for ok in &out[..2] {
        let t = ok.result.as_ref().expect("taken");
        assert_eq!(t.status, Status::InProgress);
        assert_eq!(t.assignee, Some(e.fx.agent_n1.id));
    }
    for refused in &out[2..] {
        assert!(
            matches!(refused.result, Err(AppError::NotFound("ticket"))),
            "{}: {:?}",
            refused.reference,
            refused.result
        );
    }
    assert_eq!(out[2].reference, hidden.reference.to_string());
    // The hidden ticket was not touched.
    let still = e.app.ticket(&admin, hidden.id).await.expect("read").ticket;
    assert_eq!(still.assignee, None);

    // Resolve: the two in progress are resolved, the new one is refused by the lifecycle.
    let out = e
        .app
        .bulk(
            &agent,
            &BulkAction::Resolve {
                solution: "Mise à jour du poste effectuée.".into(),
            },
            &refs(&[&t1, &t3, &t2]),
        )
        .await
        .expect("bulk call");
    assert_eq!(
        out[0].result.as_ref().map(|t| t.status).ok(),
        Some(Status::Resolved)
    );
    assert!(
        matches!(out[1].result, Err(AppError::Lifecycle(_))),
        "{:?}",
        out[1].result
    );
    assert_eq!(
        out[2].result.as_ref().map(|t| t.status).ok(),
        Some(Status::Resolved)
    );
    // Each ticket its own audit record, as if worked alone.
    assert!(
        e.audit_actions(&t1)
            .await
            .contains(&"ticket.resolve".to_owned())
    );

    // Assign goes through the assignment rules; a requester's bulk is refused ticket by ticket.
    let out = e
        .app
        .bulk(
            &agent,
            &BulkAction::Assign(e.fx.agent_n1_bis.id),
            &refs(&[&t3]),
        )
        .await
        .expect("bulk call");
    let t = out[0].result.as_ref().expect("assigned");
    assert_eq!(t.assignee, Some(e.fx.agent_n1_bis.id));
    let out = e
        .app
        .bulk(&director, &BulkAction::Close, &refs(&[&t1, &t3]))
        .await
        .expect("bulk call");
    assert_eq!(
        out[0].result.as_ref().map(|t| t.status).ok(),
        Some(Status::Closed),
        "the requester accepts the solution"
    );
    assert!(
        matches!(out[1].result, Err(AppError::Lifecycle(_))),
        "{:?}",
        out[1].result
    );
    let out = e
        .app
        .bulk(&director, &BulkAction::Take, &refs(&[&t3]))
        .await
        .expect("bulk call");
    assert!(
        matches!(&out[0].result, Err(AppError::Forbidden(d)) if d.rule == "ticket.desk_only"),
        "{:?}",
        out[0].result
    );
}

async fn the_selection_itself_is_checked(db: TestDb) {
    let e = env(&db).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    assert_invalid(e.app.bulk(&agent, &BulkAction::Take, &[]).await, "tickets");
    let many: Vec<String> = (1..=MAX_BULK + 1).map(|n| format!("2026-{n:06}")).collect();
    assert_invalid(
        e.app.bulk(&agent, &BulkAction::Take, &many).await,
        "tickets",
    );
    assert_invalid(
        e.app
            .bulk(
                &agent,
                &BulkAction::Resolve {
                    solution: "  ".into(),
                },
                &many[..3],
            )
            .await,
        "solution",
    );
    assert_invalid(
        e.app
            .bulk(
                &agent,
                &BulkAction::Reject { reason: "".into() },
                &many[..3],
            )
            .await,
        "reason",
    );
}
