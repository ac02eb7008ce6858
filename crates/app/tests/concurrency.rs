//! Several people acting on the same tickets at once: each change sees the one before it.

mod common;

use common::{env, submit_as, view};
use guichet_app::AppError;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{EntryKind, EventKind, LinkKind};
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    one_of_two_agents_takes_the_ticket,
    two_tickets_cannot_be_each_others_duplicate,
    simultaneous_replies_are_all_kept,
);

async fn one_of_two_agents_takes_the_ticket(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let agents = [
        e.caller(&e.fx.agent_n1).await,
        e.caller(&e.fx.agent_n1_bis).await,
    ];
    for _ in 0..5 {
        let t = submit_as(&e.app, &director, &e.fx.school_a).await;
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let app = e.app.clone();
                let agent = agents[i % 2].clone();
                tokio::spawn(async move { app.take_in_charge(&agent, t.id).await })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            match task.await.expect("task ran") {
                Ok(taken) => winners.push(taken.assignee),
                Err(AppError::Lifecycle(_)) => {}
                Err(other) => panic!("a take failed otherwise: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one take succeeds");
        let now = view(&e.app, &director, t.id).await.ticket;
        assert_eq!(now.assignee, winners[0]);
        assert_eq!(now.status, Status::InProgress);
        let takes = e
            .events(t.id)
            .await
            .into_iter()
            .filter(|k| *k == EventKind::TakenInCharge)
            .count();
        assert_eq!(takes, 1);
    }
}

/// Two agents, each seeing the other ticket as the original, mark them duplicates at once: one
/// wins, the other is told the link exists, and one ticket stays open to be worked.
async fn two_tickets_cannot_be_each_others_duplicate(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let one = e.caller(&e.fx.agent_n1).await;
    let two = e.caller(&e.fx.agent_n1_bis).await;
    for _ in 0..10 {
        let a = submit_as(&e.app, &director, &e.fx.school_a).await;
        let b = submit_as(&e.app, &director, &e.fx.school_a).await;
        let (app1, app2) = (e.app.clone(), e.app.clone());
        let (c1, c2) = (one.clone(), two.clone());
        let first =
            tokio::spawn(async move { app1.link(&c1, a.id, b.id, LinkKind::Duplicate).await });
        let second =
            tokio::spawn(async move { app2.link(&c2, b.id, a.id, LinkKind::Duplicate).await });
        let results = [
            first.await.expect("task ran"),
            second.await.expect("task ran"),
        ];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "one link wins: {results:?}");
        for r in &results {
            if let Err(err) = r {
                assert!(
                    matches!(
                        err,
                        AppError::Conflict {
                            code: "link.exists",
                            ..
                        }
                    ),
                    "the other is told why: {err:?}"
                );
            }
        }
        let va = view(&e.app, &director, a.id).await;
        let vb = view(&e.app, &director, b.id).await;
        let open = [va.ticket.status, vb.ticket.status]
            .into_iter()
            .filter(|s| s.is_open())
            .count();
        assert_eq!(open, 1, "one ticket stays to be worked");
        assert_eq!(va.links.len(), 1);
        assert_eq!(vb.links.len(), 1);
    }
}

async fn simultaneous_replies_are_all_kept(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let t = submit_as(&e.app, &director, &e.fx.school_a).await;
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let app = e.app.clone();
            let who = if i % 2 == 0 {
                director.clone()
            } else {
                agent.clone()
            };
            tokio::spawn(async move {
                app.reply(&who, t.id, &format!("Message {i}"), vec![], false)
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task ran").expect("replied");
    }
    let v = view(&e.app, &director, t.id).await;
    let replies = v
        .timeline
        .iter()
        .filter(|en| en.kind == EntryKind::Reply)
        .count();
    assert_eq!(replies, 12);
    assert_eq!(v.ticket.status, Status::InProgress);
}
