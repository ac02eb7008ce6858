//! Who sees which ticket, and what of it: one ticket and a list answer alike; other schools'
//! tickets do not exist for a reader; internal notes and their files stay with the desk.

mod common;

use common::{
    Env, assert_forbidden, assert_not_found, env, kinds, listed, submit_as, upload, view,
};
use guichet_core::TicketId;
use guichet_core::permission::TicketAction;
use guichet_core::ticket::EntryKind;
use guichet_store::person::Person;
use guichet_testkit::{TestDb, both_engines};
use std::collections::BTreeSet;

both_engines!(
    each_reader_sees_their_zone_and_lists_agree,
    another_school_gets_not_found_never_forbidden,
    a_director_reads_a_teachers_ticket_without_answering,
    notes_and_their_files_stay_internal,
);

/// The four tickets of the scenarios: a teacher's and a director's in school A, one in school B,
/// one in school C that the DSI has handed to the DSDEN.
struct Tickets {
    teacher_a: TicketId,
    director_a: TicketId,
    school_b: TicketId,
    school_c: TicketId,
}

async fn tickets(e: &Env) -> Tickets {
    let fx = &e.fx;
    let teacher_a = submit_as(&e.app, &e.caller(&fx.teacher_a).await, &fx.school_a).await;
    let director_a = submit_as(&e.app, &e.caller(&fx.director_a).await, &fx.school_a).await;
    let school_b = submit_as(&e.app, &e.caller(&fx.director_b).await, &fx.school_b).await;
    let school_c = submit_as(&e.app, &e.caller(&fx.director_c).await, &fx.school_c).await;
    e.app
        .transfer(
            &e.caller(&fx.agent_n1).await,
            school_c.id,
            fx.dsden_n1.id,
            "Relève de la DSDEN 71",
        )
        .await
        .expect("transferred");
    Tickets {
        teacher_a: teacher_a.id,
        director_a: director_a.id,
        school_b: school_b.id,
        school_c: school_c.id,
    }
}

async fn each_reader_sees_their_zone_and_lists_agree(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let t = tickets(&e).await;
    let all = [t.teacher_a, t.director_a, t.school_b, t.school_c];
    let expected: Vec<(&Person, Vec<TicketId>)> = vec![
        (&fx.teacher_a, vec![t.teacher_a]),
        (&fx.director_a, vec![t.teacher_a, t.director_a]),
        (&fx.director_b, vec![t.school_b]),
        (&fx.director_c, vec![t.school_c]),
        (&fx.ien_dijon, vec![t.teacher_a, t.director_a, t.school_b]),
        (&fx.dasen71, vec![t.school_c]),
        (&fx.agent_n1, vec![t.teacher_a, t.director_a, t.school_b]),
        (
            &fx.agent_n1_bis,
            vec![t.teacher_a, t.director_a, t.school_b],
        ),
        (&fx.agent_n2, vec![]),
        (&fx.agent_dsden, vec![t.school_c]),
        (&fx.admin, all.to_vec()),
    ];
    for (person, visible) in expected {
        let who = &person.display_name;
        let caller = e.caller(person).await;
        let visible: BTreeSet<TicketId> = visible.into_iter().collect();
        let mut readable = BTreeSet::new();
        for id in all {
            match e.app.ticket(&caller, id).await {
                Ok(v) => {
                    assert!(v.allowed.contains(&TicketAction::Read));
                    readable.insert(id);
                }
                Err(guichet_app::AppError::NotFound("ticket")) => {}
                Err(other) => panic!("{who} reading {id}: {other:?}"),
            }
        }
        assert_eq!(readable, visible, "{who} reads");
        assert_eq!(listed(&e.app, &caller).await, visible, "{who} lists");
    }
}

async fn another_school_gets_not_found_never_forbidden(db: TestDb) {
    let e = env(&db).await;
    let t = tickets(&e).await;
    let other = e.caller(&e.fx.director_b).await;
    let id = t.director_a;
    assert_not_found(e.app.ticket(&other, id).await, "ticket");
    assert_not_found(
        e.app.reply(&other, id, "Bonjour", vec![], false).await,
        "ticket",
    );
    assert_not_found(e.app.close(&other, id).await, "ticket");
    assert_not_found(e.app.cancel(&other, id, "").await, "ticket");
    assert_not_found(e.app.reopen(&other, id, "Pourquoi").await, "ticket");
    assert_not_found(e.app.rate(&other, id, 3, "").await, "ticket");
    assert_not_found(e.app.take_in_charge(&other, id).await, "ticket");
    assert_not_found(e.app.note(&other, id, "Note", vec![]).await, "ticket");
    assert_not_found(e.app.attachment(&other, id, 1).await, "ticket");
    // A missing ticket answers the same.
    assert_not_found(e.app.ticket(&other, TicketId(999_999)).await, "ticket");

    // Neither the IEN of Dijon on Mâcon's ticket, nor the DASEN 71 on Dijon's.
    let ien = e.caller(&e.fx.ien_dijon).await;
    assert_not_found(e.app.ticket(&ien, t.school_c).await, "ticket");
    let dasen = e.caller(&e.fx.dasen71).await;
    assert_not_found(e.app.ticket(&dasen, t.school_b).await, "ticket");
    // Nor does the DSDEN's agent see the DSI's queue.
    let dsden = e.caller(&e.fx.agent_dsden).await;
    assert_not_found(e.app.take_in_charge(&dsden, t.school_b).await, "ticket");
}

async fn a_director_reads_a_teachers_ticket_without_answering(db: TestDb) {
    let e = env(&db).await;
    let t = tickets(&e).await;
    let director = e.caller(&e.fx.director_a).await;
    let v = view(&e.app, &director, t.teacher_a).await;
    assert_eq!(v.allowed, [TicketAction::Read]);
    assert_forbidden(
        e.app
            .reply(&director, t.teacher_a, "Je m'en occupe", vec![], false)
            .await,
        "ticket.read_only",
    );
    assert_forbidden(
        e.app.close(&director, t.teacher_a).await,
        "ticket.desk_only",
    );
    assert_forbidden(
        e.app.cancel(&director, t.teacher_a, "").await,
        "ticket.desk_only",
    );
    // The IEN reads the school's tickets the same way.
    let ien = e.caller(&e.fx.ien_dijon).await;
    assert_forbidden(
        e.app.reply(&ien, t.school_b, "Vu", vec![], false).await,
        "ticket.read_only",
    );
    // The requester may do what a requester does.
    let teacher = e.caller(&e.fx.teacher_a).await;
    let own = view(&e.app, &teacher, t.teacher_a).await;
    for action in [
        TicketAction::Read,
        TicketAction::Reply,
        TicketAction::Close,
        TicketAction::Reopen,
        TicketAction::Cancel,
        TicketAction::Rate,
    ] {
        assert!(own.allowed.contains(&action), "{action:?}");
    }
    assert!(!own.allowed.contains(&TicketAction::ReadInternal));
    assert!(!own.allowed.contains(&TicketAction::Work));
}

async fn notes_and_their_files_stay_internal(db: TestDb) {
    let e = env(&db).await;
    let t = tickets(&e).await;
    let teacher = e.caller(&e.fx.teacher_a).await;
    let agent = e.caller(&e.fx.agent_n1).await;
    let id = t.teacher_a;

    e.app
        .note(
            &agent,
            id,
            "Poste connu pour des soucis de proxy",
            vec![upload("proxy.log", b"ERR proxy")],
        )
        .await
        .expect("noted");
    e.app
        .reply(
            &agent,
            id,
            "Voici la procédure.",
            vec![upload("procedure.pdf", b"%PDF-1.7")],
            false,
        )
        .await
        .expect("replied");

    let desk = view(&e.app, &agent, id).await;
    let note = desk
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Note)
        .expect("the note, for the desk");
    assert!(!note.public);
    let note_file = note.attachments[0].id;
    let reply_file = desk
        .timeline
        .iter()
        .find(|en| en.kind == EntryKind::Reply)
        .expect("the reply")
        .attachments[0]
        .id;

    for reader in [&e.fx.teacher_a, &e.fx.director_a, &e.fx.ien_dijon] {
        let caller = e.caller(reader).await;
        let v = view(&e.app, &caller, id).await;
        assert!(
            !kinds(&v).contains(&EntryKind::Note),
            "{}",
            reader.display_name
        );
        assert!(v.timeline.iter().all(|en| en.public));
        assert!(
            v.timeline.iter().all(|en| !en.body.contains("proxy")),
            "the note's text leaks nowhere"
        );
        assert_not_found(e.app.attachment(&caller, id, note_file).await, "attachment");
        let (meta, data) = e
            .app
            .attachment(&caller, id, reply_file)
            .await
            .expect("the reply's file");
        assert_eq!(meta.filename, "procedure.pdf");
        assert_eq!(data, b"%PDF-1.7");
    }
    let (_, data) = e
        .app
        .attachment(&agent, id, note_file)
        .await
        .expect("the desk reads its note's file");
    assert_eq!(data, b"ERR proxy");

    // A file of another ticket is not reached through this one.
    assert_not_found(
        e.app.attachment(&teacher, id, reply_file + 1000).await,
        "attachment",
    );
    let admin = e.admin().await;
    assert_not_found(
        e.app.attachment(&admin, t.director_a, reply_file).await,
        "attachment",
    );

    // The requester's own reply carries files too, and notes remain the desk's alone.
    assert_forbidden(
        e.app.note(&teacher, id, "Moi aussi", vec![]).await,
        "ticket.desk_only",
    );
    e.app
        .reply(
            &teacher,
            id,
            "Merci, cela fonctionne.",
            vec![upload("ecran.png", b"PNG")],
            false,
        )
        .await
        .expect("replied");
    let v = view(&e.app, &teacher, id).await;
    let mine = v.timeline.last().expect("entries");
    assert_eq!(mine.attachments[0].filename, "ecran.png");
}
