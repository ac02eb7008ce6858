//! Submitting a request: what lands where, what is recorded, and what is refused without a trace.

mod common;

use common::{assert_forbidden, assert_invalid, assert_not_found, env, request, upload, view};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, Caller};
use guichet_core::ApplicationId;
use guichet_core::desk::Level;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::{Channel, EntryKind, EventKind, Impact, Priority, TicketRef, Urgency};
use guichet_testkit::{TestDb, both_engines};
use std::collections::BTreeSet;

both_engines!(
    a_director_submits_for_their_school,
    a_request_without_application_goes_to_the_intake_group,
    a_configured_intake_group_receives_unrouted_requests,
    refused_requests_say_why,
    a_requester_cannot_file_for_another_school_by_naming_themselves,
    refused_attachments_write_nothing,
    accepted_attachments_are_kept_on_the_request,
    an_agent_logs_a_phone_call_for_a_teacher,
    concurrent_submits_get_distinct_references,
);

async fn a_director_submits_for_their_school(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let req = SubmitTicket {
        application: Some(fx.lsun.id),
        urgency: Urgency::High,
        impact: Impact::Medium,
        ..request("LSUN : impossible de saisir les bilans", None)
    };
    let t = e.app.submit(&director, req).await.expect("submitted");

    assert_eq!(t.status, Status::New);
    assert_eq!(t.requester, fx.director_a.id);
    assert_eq!(t.created_by, fx.director_a.id);
    assert_eq!(t.zone.establishment, Some(fx.school_a.id), "defaulted");
    assert_eq!(t.zone.circonscription, Some(fx.circ_dijon.id));
    assert_eq!(t.zone.departement, Some(fx.dep21.id));
    assert_eq!(t.application, Some(fx.lsun.id));
    assert_eq!(t.group, Some(fx.dsi_n1.id));
    assert_eq!(t.level, Level::N1);
    assert_eq!(t.assignee, None);
    assert_eq!(t.priority, Priority::High, "high urgency × medium impact");
    assert_eq!(t.channel, Channel::Web);
    assert_eq!(t.created_at, e.app.now());
    let reference = t.reference.to_string();
    assert_eq!(reference, "2026-000001");
    assert_eq!(TicketRef::parse(&reference), Ok(t.reference));

    let v = view(&e.app, &director, t.id).await;
    assert_eq!(v.ticket, t);
    let submitted = v
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Submitted)
        .expect("the submitted entry");
    assert!(submitted.public);
    assert_eq!(submitted.author, Some(fx.director_a.id));
    assert!(submitted.body.contains("détails de la demande"));

    let mut conn = db.store.read().await.expect("read");
    let audit = conn
        .audit_trail("ticket", &reference)
        .await
        .expect("audit trail");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "ticket.submit");
    assert_eq!(audit[0].actor, Some(fx.director_a.id));
    assert_eq!(audit[0].origin, "test");
    assert_eq!(e.events(t.id).await, vec![EventKind::Submitted]);

    // Found again by its reference, by its requester only among the outsiders.
    let again = e
        .app
        .ticket_by_reference(&director, t.reference)
        .await
        .expect("found by reference");
    assert_eq!(again.ticket.id, t.id);
    let other = e.caller(&fx.director_c).await;
    assert_not_found(
        e.app.ticket_by_reference(&other, t.reference).await,
        "ticket",
    );
}

async fn a_request_without_application_goes_to_the_intake_group(db: TestDb) {
    let e = env(&db).await;
    let teacher = e.caller(&e.fx.teacher_a).await;
    let t = e
        .app
        .submit(&teacher, request("Question générale", None))
        .await
        .expect("submitted");
    assert_eq!(t.group, Some(e.fx.dsi_n1.id), "the first N1 group");
    assert_eq!(t.level, Level::N1);
    assert_eq!(t.zone.establishment, Some(e.fx.school_a.id));
    assert_eq!(t.priority, Priority::Medium);
}

async fn a_configured_intake_group_receives_unrouted_requests(db: TestDb) {
    let e = env(&db).await;
    let config = |group: &str| AppConfig {
        intake_group: Some(group.into()),
        ..AppConfig::default()
    };
    let app = App::new(db.store.clone(), e.clock.clone(), config("DSDEN71-N1"));
    let director = e.caller(&e.fx.director_c).await;
    let t = app
        .submit(&director, request("Question au 71", None))
        .await
        .expect("submitted");
    assert_eq!(t.group, Some(e.fx.dsden_n1.id));
    // An application's own group still wins.
    let routed = SubmitTicket {
        application: Some(e.fx.onde.id),
        ..request("ONDE", None)
    };
    let t = app.submit(&director, routed).await.expect("submitted");
    assert_eq!(t.group, Some(e.fx.dsi_n1.id));

    let misconfigured = App::new(db.store.clone(), e.clock.clone(), config("NOPE"));
    assert_not_found(
        misconfigured
            .submit(&director, request("Perdue", None))
            .await,
        "intake group",
    );
}

async fn refused_requests_say_why(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let teacher = e.caller(&fx.teacher_a).await;

    let blank = SubmitTicket {
        subject: "   ".into(),
        ..request("x", None)
    };
    assert_invalid(e.app.submit(&teacher, blank).await, "subject");
    let no_body = SubmitTicket {
        body: "\n".into(),
        ..request("Sujet", None)
    };
    assert_invalid(e.app.submit(&teacher, no_body).await, "body");

    let unknown_app = SubmitTicket {
        application: Some(ApplicationId(999_999)),
        ..request("Application inconnue", None)
    };
    assert_not_found(e.app.submit(&teacher, unknown_app).await, "application");

    assert_forbidden(
        e.app
            .submit(&teacher, request("Pour Mâcon", Some(fx.school_c.id)))
            .await,
        "ticket.establishment_not_yours",
    );

    let behalf = SubmitTicket {
        on_behalf_of: Some(fx.director_a.id),
        ..request("Pour ma directrice", None)
    };
    assert_forbidden(e.app.submit(&teacher, behalf).await, "desk_only");

    // A circonscription is not an establishment.
    assert_invalid(
        e.app
            .submit(&teacher, request("Circonscription", Some(fx.circ_dijon.id)))
            .await,
        "establishment",
    );

    // Guichet itself files only for someone.
    let system = Caller::system("cli");
    assert_invalid(
        e.app.submit(&system, request("Sans demandeur", None)).await,
        "on_behalf_of",
    );

    assert!(e.all_tickets().await.is_empty(), "nothing was written");
}

/// Naming oneself as `on_behalf_of` is filing one's own request: the establishment rule holds.
async fn a_requester_cannot_file_for_another_school_by_naming_themselves(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let teacher = e.caller(&fx.teacher_a).await;
    let sneaky = SubmitTicket {
        on_behalf_of: Some(fx.teacher_a.id),
        ..request("Pour Mâcon", Some(fx.school_c.id))
    };
    assert_forbidden(
        e.app.submit(&teacher, sneaky).await,
        "ticket.establishment_not_yours",
    );
    assert!(e.all_tickets().await.is_empty());

    // Naming oneself otherwise behaves as not naming anyone: the only school is the default.
    let own = SubmitTicket {
        on_behalf_of: Some(fx.teacher_a.id),
        ..request("Pour mon école", None)
    };
    let t = e.app.submit(&teacher, own).await.expect("submitted");
    assert_eq!(t.requester, fx.teacher_a.id);
    assert_eq!(t.zone.establishment, Some(fx.school_a.id));
}

async fn refused_attachments_write_nothing(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let limit = e.app.config().max_attachment_bytes;

    let too_big = SubmitTicket {
        attachments: vec![upload("capture.png", &vec![0u8; limit + 1])],
        ..request("Capture trop lourde", None)
    };
    assert_invalid(e.app.submit(&director, too_big).await, "attachments");

    for name in ["x.exe", "SETUP.EXE", "script.js", "../etc/passwd", "  "] {
        let bad = SubmitTicket {
            attachments: vec![upload("notes.txt", b"ok"), upload(name, b"MZ")],
            ..request("Pièce jointe refusée", None)
        };
        assert_invalid(e.app.submit(&director, bad).await, "attachments");
    }

    let too_many = SubmitTicket {
        attachments: (0..=e.app.config().max_attachments)
            .map(|i| upload(&format!("f{i}.txt"), b"x"))
            .collect(),
        ..request("Trop de fichiers", None)
    };
    assert_invalid(e.app.submit(&director, too_many).await, "attachments");

    assert!(e.all_tickets().await.is_empty(), "no ticket was written");
}

async fn accepted_attachments_are_kept_on_the_request(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let limit = e.app.config().max_attachment_bytes;
    let req = SubmitTicket {
        attachments: vec![
            upload("capture.png", &vec![7u8; limit]),
            upload("journal.txt", b"erreur 500"),
        ],
        ..request("Erreur à l'ouverture", None)
    };
    let t = e.app.submit(&director, req).await.expect("submitted");
    let v = view(&e.app, &director, t.id).await;
    let files = &v.timeline[0].attachments;
    assert_eq!(files.len(), 2);
    let journal = files
        .iter()
        .find(|a| a.filename == "journal.txt")
        .expect("journal.txt");
    let (meta, data) = e
        .app
        .attachment(&director, t.id, journal.id)
        .await
        .expect("downloadable");
    assert_eq!(meta.size, 10);
    assert_eq!(data, b"erreur 500");
}

async fn an_agent_logs_a_phone_call_for_a_teacher(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let agent = e.caller(&fx.agent_n1).await;
    let call = SubmitTicket {
        on_behalf_of: Some(fx.teacher_a.id),
        establishment: Some(fx.school_a.id),
        application: Some(fx.onde.id),
        channel: Channel::Phone,
        ..request("Appel : ONDE bloqué", None)
    };
    let t = e.app.submit(&agent, call).await.expect("logged");
    assert_eq!(t.requester, fx.teacher_a.id);
    assert_eq!(t.created_by, fx.agent_n1.id);
    assert_eq!(t.channel, Channel::Phone);
    assert_eq!(t.zone.establishment, Some(fx.school_a.id));

    // The teacher follows it as their own request.
    let teacher = e.caller(&fx.teacher_a).await;
    let v = view(&e.app, &teacher, t.id).await;
    assert_eq!(v.timeline[0].author, Some(fx.agent_n1.id));
    assert!(common::listed(&e.app, &teacher).await.contains(&t.id));

    // The desk may file for any establishment, and only for someone who exists.
    let elsewhere = SubmitTicket {
        on_behalf_of: Some(fx.director_c.id),
        establishment: Some(fx.school_c.id),
        channel: Channel::Phone,
        ..request("Appel de Mâcon", None)
    };
    e.app.submit(&agent, elsewhere).await.expect("logged");
    // Without a school, the call lands in the requester's only school, so its zone sees it.
    let unplaced = SubmitTicket {
        on_behalf_of: Some(fx.teacher_a.id),
        channel: Channel::Phone,
        ..request("Appel sans école précisée", None)
    };
    let t = e.app.submit(&agent, unplaced).await.expect("logged");
    assert_eq!(t.zone.establishment, Some(fx.school_a.id));
    let ien = e.caller(&fx.ien_dijon).await;
    assert!(common::listed(&e.app, &ien).await.contains(&t.id));
    let nobody = SubmitTicket {
        on_behalf_of: Some(guichet_core::PersonId(999_999)),
        ..request("Appel d'un inconnu", None)
    };
    assert_not_found(e.app.submit(&agent, nobody).await, "requester");
}

async fn concurrent_submits_get_distinct_references(db: TestDb) {
    let e = env(&db).await;
    let director = e.caller(&e.fx.director_a).await;
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let app = e.app.clone();
            let caller = director.clone();
            tokio::spawn(async move {
                app.submit(&caller, request(&format!("Demande {i}"), None))
                    .await
            })
        })
        .collect();
    let mut refs = BTreeSet::new();
    for task in tasks {
        let t = task.await.expect("task ran").expect("submitted");
        refs.insert(t.reference.to_string());
    }
    assert_eq!(refs.len(), 30, "distinct references: {refs:?}");
    assert_eq!(e.all_tickets().await.len(), 30);
    let seqs: BTreeSet<String> = (1..=30).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(refs, seqs, "no gap, no repeat");
}
