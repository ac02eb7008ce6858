//! Mail intake end to end through `App::ingest_mail`, on both engines: what a sender and the
//! desk notice (a ticket with its reference, a reply on the right ticket, a refusal with its
//! reason and one explanation, nothing at all for automatic mail, a bounce on the notice).

mod mail_common;

use guichet_app::intake::{EXPLAIN_KIND, IngestOutcome};
use guichet_app::routing::RuleInput;
use guichet_core::desk::Level;
use guichet_core::ticket::{Channel, EntryKind};
use guichet_store::intake::{InboundFilter, InboundState};
use guichet_store::notification::{Delivery, DeliveryState, NewNotification};
use guichet_testkit::{TestDb, both_engines};
use mail_common::{DOMAIN, MailEnv, mail_env, message};
use serde_json::json;

both_engines!(
    a_director_gets_one_ticket_however_often_the_message_is_delivered,
    refusals_are_quarantined_with_their_reason_and_one_explanation,
    replies_thread_onto_their_ticket_reopen_it_or_open_a_linked_one,
    automatic_mail_is_ignored_and_bounces_reach_their_notice,
    the_open_mailbox_flags_unverified_senders_and_names_the_guessed_school,
    a_processing_failure_is_recorded_for_replay,
    a_mailbox_rule_routes_what_came_through_that_mailbox,
);

fn reason(o: &IngestOutcome) -> &str {
    match o {
        IngestOutcome::Quarantined { reasons, .. } => &reasons[0].code,
        IngestOutcome::Ignored { reason } => reason,
        other => panic!("not refused: {other:?}"),
    }
}

fn reference(o: &IngestOutcome) -> String {
    match o {
        IngestOutcome::Ticket { reference, .. } | IngestOutcome::Reply { reference, .. } => {
            reference.clone()
        }
        other => panic!("no ticket: {other:?}"),
    }
}

async fn explanations(e: &MailEnv) -> Vec<String> {
    e.app
        .store()
        .query_strings(&format!(
            "SELECT payload FROM job WHERE kind = '{EXPLAIN_KIND}' ORDER BY id"
        ))
        .await
        .expect("jobs")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

async fn a_director_gets_one_ticket_however_often_the_message_is_delivered(db: TestDb) {
    let e = mail_env(&db).await;
    let raw = message(
        "francoise.berard@ac-dijon.fr",
        "assistance-lsun@ac-dijon.fr",
        "Problème Livret : bulletins non validés",
        "",
        "Bonjour,\r\nles bulletins du CM2 ne se valident pas.\r\nFrançoise",
    );
    let first = e.ingest("lsun", &raw).await;
    let IngestOutcome::Ticket { unverified, .. } = &first else {
        panic!("{first:?}");
    };
    assert!(!unverified);
    let t = e.ticket(&reference(&first)).await;
    assert_eq!(t.requester, e.francoise.id);
    assert_eq!(t.application, Some(e.fx.lsun.id));
    assert_eq!(t.channel, Channel::Email);
    assert_eq!(t.zone.establishment, Some(e.fx.school_a.id));
    // The original is on the first entry as an .eml; the text is the message's.
    let admin = e.caller(&e.fx.admin).await;
    let view = e.app.ticket(&admin, t.id).await.expect("view");
    let first_entry = &view.timeline[0];
    assert!(first_entry.body.contains("ne se valident pas"));
    assert!(
        first_entry
            .attachments
            .iter()
            .any(|a| a.filename == "message.eml"),
        "{first_entry:?}"
    );

    // The same message again (the MTA retried, or it came by two mailboxes): nothing new.
    assert_eq!(e.ingest("lsun", &raw).await, IngestOutcome::Duplicate);
    assert_eq!(e.ingest("assistance", &raw).await, IngestOutcome::Duplicate);
    let tickets = e
        .app
        .store()
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket WHERE channel = 'email'")
        .await
        .expect("count");
    assert_eq!(tickets[0][0], "1");

    // Without a Message-ID the raw bytes' hash is the key.
    let bare = raw.replace("Message-ID:", "X-Old-Message-ID:");
    assert!(matches!(
        e.ingest("lsun", &bare).await,
        IngestOutcome::Ticket { .. }
    ));
    assert_eq!(e.ingest("lsun", &bare).await, IngestOutcome::Duplicate);
}

async fn refusals_are_quarantined_with_their_reason_and_one_explanation(db: TestDb) {
    let e = mail_env(&db).await;
    let to = "assistance-lsun@ac-dijon.fr";
    let cases = [
        ("jean.dupont@gmail.com", "LSU bloqué", "intake.domain"),
        (
            "francoise.berard@ac-dijon.fr",
            "Ordinateur en panne",
            "intake.no_keyword",
        ),
        ("julie.petit@ac-dijon.fr", "LSU : question", "intake.role"),
        (
            "inconnu@ac-dijon.fr",
            "LSU : question",
            "intake.unknown_sender",
        ),
        (
            "marc.leroy@ac-dijon.fr",
            "LSU : question",
            "intake.inactive_sender",
        ),
    ];
    for (from, subject, code) in cases {
        let o = e
            .ingest("lsun", &message(from, to, subject, "", "Bonjour"))
            .await;
        assert_eq!(reason(&o), code, "{from} {subject}");
    }
    // A forged From: our MTA says DKIM failed.
    let forged = message("francoise.berard@ac-dijon.fr", to, "LSU urgent", "", "x").replace(
        "dkim=pass header.d=ac-dijon.fr; spf=pass",
        "dkim=fail header.d=ac-dijon.fr; spf=fail",
    );
    assert_eq!(
        reason(&e.ingest("lsun", &forged).await),
        "intake.unauthenticated"
    );
    // Ten requests today, then the quota.
    for i in 0..10 {
        let m = message(
            "paul.martin@ac-dijon.fr",
            to,
            &format!("LSU n°{i}"),
            "",
            "x",
        );
        assert!(matches!(
            e.ingest("lsun", &m).await,
            IngestOutcome::Ticket { .. }
        ));
    }
    let m = message("paul.martin@ac-dijon.fr", to, "LSU n°11", "", "x");
    assert_eq!(reason(&e.ingest("lsun", &m).await), "intake.quota");

    // Every refusal is listed for the administrators with its reasons.
    let admin = e.caller(&e.fx.admin).await;
    let listed = e
        .app
        .list_inbound(
            &admin,
            &InboundFilter {
                state: Some(InboundState::Quarantined),
                limit: 50,
                ..InboundFilter::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(listed.len(), 7);
    // One explanation per refused message, to its sender.
    let jobs = explanations(&e).await;
    assert_eq!(jobs.len(), 7, "{jobs:?}");
    assert!(jobs[0].contains("jean.dupont@gmail.com") && jobs[0].contains("intake.domain"));

    // At most five automatic answers a day to one address.
    for i in 0..7 {
        let m = message(
            "jean.dupont@gmail.com",
            to,
            &format!("LSU encore {i}"),
            "",
            "x",
        );
        assert_eq!(reason(&e.ingest("lsun", &m).await), "intake.domain");
    }
    let to_jean = explanations(&e)
        .await
        .iter()
        .filter(|p| p.contains("jean.dupont@gmail.com"))
        .count();
    assert_eq!(to_jean, 5);

    // The administrator releases the teacher's message: a ticket after all, audited.
    let teacher = listed
        .iter()
        .find(|m| m.sender == "julie.petit@ac-dijon.fr")
        .expect("listed");
    let t = e
        .app
        .release_inbound(&admin, teacher.id)
        .await
        .expect("released");
    assert_eq!(t.requester, e.julie.id);
    let read = e.app.read_inbound(&admin, teacher.id).await.expect("read");
    assert_eq!(read.message.state, InboundState::Released);
    assert_eq!(read.message.ticket, Some(t.id));
    assert!(e.app.release_inbound(&admin, teacher.id).await.is_err());
    // A requester may not see the quarantine.
    let francoise = e.caller(&e.francoise).await;
    assert!(e.app.read_inbound(&francoise, teacher.id).await.is_err());
    // Deleting keeps the row (a redelivery stays a duplicate) but not the message.
    let unknown = listed
        .iter()
        .find(|m| m.sender == "inconnu@ac-dijon.fr")
        .expect("listed");
    e.app
        .delete_inbound(&admin, unknown.id)
        .await
        .expect("deleted");
    let read = e.app.read_inbound(&admin, unknown.id).await.expect("read");
    assert_eq!(read.message.state, InboundState::Deleted);
    assert!(read.parsed.is_none());
}

async fn replies_thread_onto_their_ticket_reopen_it_or_open_a_linked_one(db: TestDb) {
    let e = mail_env(&db).await;
    let to = "assistance-lsun@ac-dijon.fr";
    let t1 = e.t1.reference.to_string();
    let answering = |r: &str| {
        format!(
            "In-Reply-To: <ticket-{r}.5@{DOMAIN}>\r\nReferences: <ticket-{r}.3@{DOMAIN}> <ticket-{r}.5@{DOMAIN}>\r\n"
        )
    };
    // The requester answers a notice (no keyword needed): a reply on T1 without the quote.
    let body = "Merci, c'est bon.\r\n\r\nLe 2 déc. 2026, Guichet a écrit :\r\n> Votre demande est prise en charge";
    let o = e
        .ingest(
            "lsun",
            &message(
                "francoise.berard@ac-dijon.fr",
                to,
                &format!("RE: [Guichet #{t1}] Bulletins"),
                &answering(&t1),
                body,
            ),
        )
        .await;
    assert_eq!(
        o,
        IngestOutcome::Reply {
            reference: t1.clone(),
            reopened: false
        }
    );
    let admin = e.caller(&e.fx.admin).await;
    let view = e.app.ticket(&admin, e.t1.id).await.expect("view");
    let reply = view
        .timeline
        .iter()
        .rev()
        .find(|x| x.kind == EntryKind::Reply)
        .expect("reply");
    assert_eq!(reply.author, Some(e.francoise.id));
    assert!(
        reply.body.contains("c'est bon") && !reply.body.contains("a écrit"),
        "{}",
        reply.body
    );

    // The watcher answers with only the subject tag (reply-all): a reply too.
    let o = e
        .ingest(
            "lsun",
            &message(
                "julie.petit@ac-dijon.fr",
                to,
                &format!("RE: [Guichet #{t1}] Bulletins"),
                "Cc: francoise.berard@ac-dijon.fr\r\n",
                "Même souci chez moi.",
            ),
        )
        .await;
    assert!(matches!(o, IngestOutcome::Reply { .. }), "{o:?}");
    // Someone else answering T1: refused.
    let o = e
        .ingest(
            "lsun",
            &message(
                "paul.martin@ac-dijon.fr",
                to,
                "RE: suivi",
                &answering(&t1),
                "Et moi ?",
            ),
        )
        .await;
    assert_eq!(reason(&o), "intake.not_participant");

    // T2 closed two days ago: the requester's answer reopens it.
    let t2 = e.t2.reference.to_string();
    let o = e
        .ingest(
            "lsun",
            &message(
                "francoise.berard@ac-dijon.fr",
                to,
                "RE: toujours pas",
                &answering(&t2),
                "Le problème revient.",
            ),
        )
        .await;
    assert_eq!(
        o,
        IngestOutcome::Reply {
            reference: t2.clone(),
            reopened: true
        }
    );
    assert!(e.ticket(&t2).await.status.is_open());

    // T3 closed 60 days ago: a new ticket, linked to T3, under the whole policy (keyword).
    let t3 = e.t3.reference.to_string();
    let o = e
        .ingest(
            "lsun",
            &message(
                "paul.martin@ac-dijon.fr",
                to,
                &format!("RE: [Guichet #{t3}] LSU encore"),
                "",
                "Cela recommence.",
            ),
        )
        .await;
    let IngestOutcome::Ticket {
        linked, reference, ..
    } = &o
    else {
        panic!("{o:?}")
    };
    assert_eq!(linked.as_deref(), Some(t3.as_str()));
    assert_ne!(reference, &t3);
    assert!(!e.ticket(&t3).await.status.is_open());
}

async fn automatic_mail_is_ignored_and_bounces_reach_their_notice(db: TestDb) {
    let e = mail_env(&db).await;
    let to = "assistance-lsun@ac-dijon.fr";
    let from = "francoise.berard@ac-dijon.fr";
    let ooo = message(
        from,
        to,
        "Absence du bureau : LSU",
        "Auto-Submitted: auto-replied\r\n",
        "Je suis absente.",
    );
    assert_eq!(reason(&e.ingest("lsun", &ooo).await), "auto.auto_submitted");
    let looped = message(
        from,
        to,
        "[Guichet #2026-000001] LSU",
        &format!("X-Guichet-Loop: {DOMAIN}\r\n"),
        "x",
    );
    assert_eq!(reason(&e.ingest("lsun", &looped).await), "auto.loop");
    assert!(
        explanations(&e).await.is_empty(),
        "automatic mail is never answered"
    );

    // A notice to Françoise about T1, then three permanent failures of her address.
    let mut tx = e.app.store().write().await.expect("tx");
    let (notice, _) = tx
        .insert_notification(&NewNotification {
            unique_key: "test:1".into(),
            event_id: None,
            person: e.francoise.id,
            ticket: Some(e.t1.id),
            kind: "received".into(),
            delivery: Delivery::Email,
            state: DeliveryState::Sent,
            data: json!({}),
            created_at: e.clock.get(),
        })
        .await
        .expect("notice");
    tx.commit().await.expect("commit");
    let t1 = e.t1.reference.to_string();
    for i in 0..3 {
        let dsn = format!(
            "From: MAILER-DAEMON@mx.ac-dijon.fr\r\nTo: guichet@ac-dijon.fr\r\nSubject: Undelivered Mail Returned to Sender\r\n\
             Message-ID: <dsn{i}@mx.ac-dijon.fr>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
             --B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n\
             --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ac-dijon.fr\r\n\r\n\
             Final-Recipient: rfc822; francoise.berard@ac-dijon.fr\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n\
             --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <ticket-{t1}.{}@{DOMAIN}>\r\nSubject: [Guichet #{t1}] Reçu\r\n\r\n--B--\r\n",
            notice.id
        );
        let o = e.ingest("lsun", &dsn).await;
        assert_eq!(
            o,
            IngestOutcome::Bounce {
                reference: Some(t1.clone())
            }
        );
    }
    let mut conn = e.app.store().read().await.expect("conn");
    assert_eq!(
        conn.notification(notice.id).await.expect("n").state,
        DeliveryState::Bounced
    );
    let record = conn
        .address_record("francoise.berard@ac-dijon.fr")
        .await
        .expect("record");
    assert_eq!(record.bounces, 3);
    assert!(record.bouncing);
    drop(conn);
    // The desk sees the failure as an internal note.
    let admin = e.caller(&e.fx.admin).await;
    let view = e.app.ticket(&admin, e.t1.id).await.expect("view");
    assert!(
        view.timeline
            .iter()
            .any(|x| x.kind == EntryKind::Note && !x.public && x.body.contains("5.2.2"))
    );
    // Mail from her proves the address works again.
    let m = message(from, to, "LSU : autre question", "", "x");
    assert!(matches!(
        e.ingest("lsun", &m).await,
        IngestOutcome::Ticket { .. }
    ));
    let mut conn = e.app.store().read().await.expect("conn");
    assert!(!conn.address_record(from).await.expect("record").bouncing);
}

async fn the_open_mailbox_flags_unverified_senders_and_names_the_guessed_school(db: TestDb) {
    let e = mail_env(&db).await;
    // `assistance`: no Authentication-Results of ours, no keyword, a teacher: accepted, flagged.
    let raw = message(
        "julie.petit@ac-dijon.fr",
        "assistance@ac-dijon.fr",
        "Imprimante",
        "",
        "Elle ne marche plus.",
    )
    .replace(
        "Authentication-Results: mx.ac-dijon.fr;",
        "Authentication-Results: mx.example.org;",
    );
    let o = e.ingest("assistance", &raw).await;
    let IngestOutcome::Ticket { unverified, .. } = &o else {
        panic!("{o:?}")
    };
    assert!(unverified);
    let t = e.ticket(&reference(&o)).await;
    assert_eq!(t.application, None);
    let admin = e.caller(&e.fx.admin).await;
    let view = e.app.ticket(&admin, t.id).await.expect("view");
    assert_eq!(view.timeline[0].data["mail"]["unverified"], json!(true));

    // Paul directs two schools: the UAI he names decides; none named, the first, marked guessed.
    let uai_c = e.fx.school_c.uai.as_ref().expect("uai").to_string();
    let o = e
        .ingest(
            "lsun",
            &message(
                "paul.martin@ac-dijon.fr",
                "assistance-lsun@ac-dijon.fr",
                &format!("LSU école {uai_c}"),
                "",
                "x",
            ),
        )
        .await;
    assert_eq!(
        e.ticket(&reference(&o)).await.zone.establishment,
        Some(e.fx.school_c.id)
    );
    let o = e
        .ingest(
            "lsun",
            &message(
                "paul.martin@ac-dijon.fr",
                "assistance-lsun@ac-dijon.fr",
                "LSU sans école",
                "",
                "x",
            ),
        )
        .await;
    let t = e.ticket(&reference(&o)).await;
    assert!(t.zone.establishment.is_some());
    let view = e.app.ticket(&admin, t.id).await.expect("view");
    assert_eq!(
        view.timeline[0].data["mail"]["establishment_guessed"],
        json!(true)
    );
}

async fn a_processing_failure_is_recorded_for_replay(db: TestDb) {
    let e = mail_env(&db).await;
    // A mailbox whose default application does not exist: the submission fails.
    let mut settings = mail_common::settings();
    settings.mailboxes[1].policy.default_application = Some("NOPE".into());
    settings.mailboxes[1].max_bytes = 5_000;
    let app = guichet_app::App::new(
        e.app.store().clone(),
        e.clock.clone(),
        guichet_app::AppConfig {
            intake: settings,
            ..guichet_app::AppConfig::default()
        },
    );
    let raw = message(
        "francoise.berard@ac-dijon.fr",
        "assistance@ac-dijon.fr",
        "Question",
        "",
        "x",
    );
    let o = app
        .ingest_mail("assistance", raw.as_bytes())
        .await
        .expect("recorded");
    let IngestOutcome::Failed { id, .. } = o else {
        panic!("{o:?}")
    };
    assert_eq!(
        app.ingest_mail("assistance", raw.as_bytes())
            .await
            .expect("dup"),
        IngestOutcome::Duplicate
    );
    // Once the configuration is fixed, the administrator replays it: a ticket.
    let admin = e.caller(&e.fx.admin).await;
    let o = e.app.replay_inbound(&admin, id).await.expect("replayed");
    assert!(matches!(o, IngestOutcome::Ticket { .. }), "{o:?}");
    // Too large for the mailbox: refused with the reason, the bytes not kept.
    let big = message(
        "francoise.berard@ac-dijon.fr",
        "assistance@ac-dijon.fr",
        "Gros",
        "",
        &"x".repeat(6_000),
    );
    let o = app
        .ingest_mail("assistance", big.as_bytes())
        .await
        .expect("recorded");
    assert_eq!(reason(&o), "intake.too_large");
    // An unknown mailbox is the caller's mistake.
    assert!(app.ingest_mail("nope", raw.as_bytes()).await.is_err());
}

/// A rule on the mailbox (written in any case) sends what the open `assistance` mailbox
/// receives to N2, and says so on the timeline; the same request through `lsun` or the web stays
/// in N1; "test this rule" finds the mailed ticket among the recent ones.
async fn a_mailbox_rule_routes_what_came_through_that_mailbox(db: TestDb) {
    let e = mail_env(&db).await;
    let admin = e.caller(&e.fx.admin).await;
    let rule = json!({
        "name": "Boîte assistance vers N2",
        "conditions": [{ "field": "mailbox", "op": "is", "value": "Assistance@AC-Dijon.fr" }],
        "actions": [{ "action": "set_group", "value": "DSI-N2" }],
    });
    e.app
        .import_rules(
            &admin,
            e.fx.dsi_n1.desk,
            &json!({ "version": 1, "mode": "first_match", "rules": [rule.clone()] }),
        )
        .await
        .expect("rules imported");
    let from = "francoise.berard@ac-dijon.fr";
    let routed = e
        .ingest(
            "assistance",
            &message(
                from,
                "assistance@ac-dijon.fr",
                "LSU : export",
                "",
                "Bonjour.",
            ),
        )
        .await;
    let t = e.ticket(&reference(&routed)).await;
    assert_eq!(t.group, Some(e.fx.dsi_n2.id));
    assert_eq!(t.level, Level::N2);
    let view = e.app.ticket(&admin, t.id).await.expect("view");
    let entry = view
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Routing)
        .expect("a routing entry");
    assert_eq!(entry.body, "Boîte assistance vers N2");

    let other = e
        .ingest(
            "lsun",
            // Another subject: the same one would be the same message (its Message-ID).
            &message(
                from,
                "assistance-lsun@ac-dijon.fr",
                "LSU : bulletins",
                "",
                "Bonjour.",
            ),
        )
        .await;
    let stays = e.ticket(&reference(&other)).await;
    assert_eq!(stays.group, Some(e.fx.dsi_n1.id));
    let web = e
        .app
        .submit(
            &e.caller(&e.francoise).await,
            mail_common::request("LSU : export", e.fx.school_a.id),
        )
        .await
        .expect("submitted");
    assert_eq!(web.group, Some(e.fx.dsi_n1.id));

    let matched = e
        .app
        .test_rule(&admin, RuleInput { definition: rule })
        .await
        .expect("tested");
    let ids: Vec<_> = matched.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![t.id], "only the ticket mailed to assistance");
}
