//! Whole submissions (`Store::submit_ticket`): on SQLite through the writer thread, which must
//! write exactly what the statement-by-statement path writes, give unique references under
//! concurrency, keep a failed submission from taking its batch down or leaving half a ticket,
//! and answer only what is durable.

mod common;

use chrono::{Datelike, Utc};
use common::new_ticket;
use guichet_core::PersonId;
use guichet_core::ticket::{EventKind, TicketRef};
use guichet_store::audit::AuditRecord;
use guichet_store::outbox::NewEvent;
use guichet_store::ticket::NewTicket;
use guichet_store::ticket::submission::{NewSubmission, SubmittedEntry};
use guichet_store::ticket::timeline::NewAttachment;
use guichet_store::{Store, StoreError, StoreOptions};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};
use serde_json::json;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

both_engines!(
    both_paths_write_the_same_rows,
    concurrent_submissions_get_unique_references,
    a_failed_submission_leaves_no_half_ticket_and_the_others_commit,
);

/// A submission of `t` by `author`, with the records the submit use case makes.
fn submission(t: NewTicket, author: PersonId, attachments: Vec<NewAttachment>) -> NewSubmission {
    let at = t.created_at;
    NewSubmission {
        entry: SubmittedEntry {
            public: true,
            author: Some(author),
            body: format!("Détails : {}", t.subject),
            data: json!({ "channel": "web" }),
        },
        terms: "imprim bloqu".into(),
        ticket: t,
        attachments,
        routing: Default::default(),
        inbound: None,
        records: Box::new(move |ticket| {
            let audit = AuditRecord {
                at,
                actor: Some(author),
                action: "ticket.submit".into(),
                object_type: "ticket",
                object_id: ticket.reference.to_string(),
                origin: "test".into(),
                details: json!({ "group": "DSI-N1" }),
            };
            let event = NewEvent {
                at,
                kind: EventKind::Submitted,
                ticket: Some(ticket.id),
                actor: Some(author),
                payload: json!({ "reference": ticket.reference, "requester": author }),
            };
            (audit, event)
        }),
    }
}

/// Every row a submission wrote, as text, with its own ids and reference blanked out.
async fn rows_of(store: &Store, id: i64, reference: &str) -> Vec<Vec<String>> {
    let queries = [
        format!(
            "SELECT type, channel, status, CAST(is_open AS TEXT), urgency, impact,
                CAST(priority AS TEXT), CAST(application_id AS TEXT), CAST(requester_id AS TEXT),
                CAST(created_by_id AS TEXT), CAST(establishment_id AS TEXT),
                CAST(circonscription_id AS TEXT), CAST(departement_id AS TEXT), org_path,
                CAST(group_id AS TEXT), CAST(level AS TEXT), CAST(created_at AS TEXT),
                CAST(updated_at AS TEXT), CAST(assignee_id AS TEXT), waiting_on
             FROM ticket WHERE id = {id}"
        ),
        format!(
            "SELECT kind, CAST(public AS TEXT), CAST(author_id AS TEXT), body, CAST(data AS TEXT),
                CAST(created_at AS TEXT) FROM ticket_entry WHERE ticket_id = {id}"
        ),
        format!(
            "SELECT filename, content_type, CAST(size AS TEXT), sha256, CAST(created_at AS TEXT)
             FROM attachment WHERE ticket_id = {id} ORDER BY id"
        ),
        format!(
            "SELECT CAST(at AS TEXT), CAST(actor_id AS TEXT), action, object_type, object_id,
                origin, CAST(details AS TEXT) FROM audit_log WHERE object_id = '{reference}'"
        ),
        format!(
            "SELECT CAST(at AS TEXT), kind, CAST(actor_id AS TEXT), CAST(payload AS TEXT)
             FROM outbox WHERE ticket_id = {id}"
        ),
    ];
    let mut all = Vec::new();
    for q in &queries {
        let rows = store.query_strings(q).await.expect("rows read");
        assert!(!rows.is_empty(), "a submission writes rows for: {q}");
        for row in rows {
            all.push(
                row.into_iter()
                    .map(|v| v.replace(reference, "REF"))
                    .collect(),
            );
        }
    }
    all
}

async fn both_paths_write_the_same_rows(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let t = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Imprimante bloquée",
        now,
    )
    .await;
    let file = || NewAttachment {
        filename: "capture.png".into(),
        content_type: "image/png".into(),
        data: vec![1, 2, 3, 4],
    };
    let whole = db
        .store
        .submit_ticket(submission(t.clone(), fx.teacher_a.id, vec![file()]))
        .await
        .expect("submitted at once");
    let mut tx = db.store.write().await.expect("write transaction");
    let stepwise = tx
        .insert_submission(submission(t, fx.teacher_a.id, vec![file()]))
        .await
        .expect("submitted statement by statement");
    tx.commit().await.expect("commit");

    assert_eq!(whole.ticket.reference, TicketRef::new(now.year(), 1));
    assert_eq!(stepwise.ticket.reference, TicketRef::new(now.year(), 2));
    let a = rows_of(
        &db.store,
        whole.ticket.id.0,
        &whole.ticket.reference.to_string(),
    )
    .await;
    let b = rows_of(
        &db.store,
        stepwise.ticket.id.0,
        &stepwise.ticket.reference.to_string(),
    )
    .await;
    assert_eq!(a, b, "the same rows, whichever path wrote them");

    // What the store answers is what it wrote.
    let mut conn = db.store.read().await.expect("read");
    assert_eq!(
        conn.ticket(whole.ticket.id).await.expect("read back"),
        whole.ticket
    );
    let timeline = conn
        .timeline(whole.ticket.id, true)
        .await
        .expect("timeline");
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].id, whole.entry);
    assert_eq!(timeline[0].attachments.len(), 1);
}

async fn concurrent_submissions_get_unique_references(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let template = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Connexion impossible",
        now,
    )
    .await;
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let store = db.store.clone();
            let mut t = template.clone();
            t.subject = format!("Demande {i}");
            let author = fx.teacher_a.id;
            tokio::spawn(async move { store.submit_ticket(submission(t, author, vec![])).await })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for task in tasks {
        let done = task.await.expect("task finished").expect("submitted");
        assert!(seqs.insert(done.ticket.reference.seq), "given twice");
    }
    assert_eq!(seqs, (1..=64).collect::<BTreeSet<i64>>());
    assert_eq!(counts(&db.store).await, [64, 64, 64, 64]);
}

/// Tickets, timeline entries, audit records and outbox events.
async fn counts(store: &Store) -> [i64; 4] {
    let mut out = [0; 4];
    for (i, table) in ["ticket", "ticket_entry", "audit_log", "outbox"]
        .iter()
        .enumerate()
    {
        let filter = if *table == "audit_log" {
            " WHERE action = 'ticket.submit'"
        } else {
            ""
        };
        let rows = store
            .query_strings(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM {table}{filter}"
            ))
            .await
            .expect("count");
        out[i] = rows[0][0].parse().expect("a number");
    }
    out
}

async fn a_failed_submission_leaves_no_half_ticket_and_the_others_commit(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let template = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        Some(fx.dsi_n1.id),
        "Connexion impossible",
        now,
    )
    .await;
    // Every fourth names an author who does not exist: its ticket row is written, then its
    // timeline entry is refused, so the whole submission must go.
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = db.store.clone();
            let mut t = template.clone();
            t.subject = format!("Demande {i}");
            let author = if i % 4 == 3 {
                PersonId(9_999_999)
            } else {
                fx.teacher_a.id
            };
            tokio::spawn(async move { store.submit_ticket(submission(t, author, vec![])).await })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    let mut refused = 0;
    for task in tasks {
        match task.await.expect("task finished") {
            Ok(done) => {
                seqs.insert(done.ticket.reference.seq);
            }
            Err(e) => {
                assert!(
                    matches!(&e, StoreError::Conflict { .. }),
                    "refused for its author: {e:?}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!(refused, 10);
    // Nothing of the refused ones stays, not even their reference number.
    assert_eq!(seqs, (1..=30).collect::<BTreeSet<i64>>());
    assert_eq!(counts(&db.store).await, [30, 30, 30, 30]);
}

/// The child's side of [`an_answered_submission_survives_a_killed_process`]: submits until
/// killed, printing each reference once it is answered. Does nothing in a normal run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durability_child() {
    let Ok(url) = std::env::var("GUICHET_DURABILITY_CHILD_URL") else {
        return;
    };
    let requester: i64 = std::env::var("GUICHET_DURABILITY_REQUESTER")
        .expect("the requester")
        .parse()
        .expect("an id");
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("the child opens the database");
    let template = new_ticket(
        &store,
        PersonId(requester),
        None,
        None,
        "Sauvegarde",
        Utc::now(),
    )
    .await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let t = template.clone();
            tokio::spawn(async move {
                loop {
                    let done = store
                        .submit_ticket(submission(t.clone(), PersonId(requester), vec![]))
                        .await
                        .expect("submitted");
                    println!("OK {}", done.ticket.reference);
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}

/// SIGKILL a process that is submitting: every submission it was answered for is in the
/// database afterwards, whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_submission_survives_a_killed_process() {
    let db = TestDb::sqlite().await;
    let fx = Fixture::build(&db.store).await;
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "durability_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GUICHET_DURABILITY_CHILD_URL", &db.url)
        .env(
            "GUICHET_DURABILITY_REQUESTER",
            fx.teacher_a.id.0.to_string(),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut answered = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line from the child");
        if let Some(r) = line.strip_prefix("OK ") {
            answered.push(r.to_owned());
            if answered.len() == 300 {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("the child is gone");
    assert_eq!(answered.len(), 300, "the child answered submissions");

    let mut conn = db.store.read().await.expect("read");
    for r in &answered {
        let reference = TicketRef::parse(r).expect("a reference");
        let t = conn
            .ticket_by_reference(reference)
            .await
            .unwrap_or_else(|e| panic!("{r} was answered, so it is stored: {e}"));
        let timeline = conn.timeline(t.id, true).await.expect("timeline");
        assert_eq!(timeline.len(), 1, "{r} is whole");
    }
}
