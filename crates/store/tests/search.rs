//! French search: accents, plurals and elisions meet; every term must match; both engines find
//! the same tickets.

mod common;

use chrono::Utc;
use common::{everything, ids, insert, list_all, new_ticket, subject_of};
use guichet_core::permission::Visibility;
use guichet_core::search::query_terms;
use guichet_store::Store;
use guichet_store::ticket::list::{Sort, TicketFilter};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    french_words_find_their_tickets,
    search_combines_with_filters_and_visibility
);

async fn found(store: &Store, query: &str, visibility: &Visibility) -> Vec<i64> {
    let filter = TicketFilter {
        terms: query_terms(query),
        ..Default::default()
    };
    assert!(!filter.terms.is_empty(), "{query:?} has words to search");
    ids(&list_all(store, &filter, visibility, Sort::OldestFirst, 10).await)
}

async fn french_words_find_their_tickets(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let mut made = Vec::new();
    for (subject, body) in [
        (
            "L'écran de l'imprimante reste noir",
            "Depuis lundi, l'imprimante de la salle des maîtres n'affiche plus rien.",
        ),
        (
            "Clavier cassé",
            "Plusieurs touches du clavier ne répondent plus.",
        ),
        (
            "Imprimantes hors service",
            "Les deux imprimantes du couloir sont bloquées : bourrage papier.",
        ),
        (
            "Réinitialisation de mot de passe",
            "Compte ONDE verrouillé.",
        ),
    ] {
        let t = new_ticket(
            &db.store,
            fx.teacher_a.id,
            Some(fx.school_a.id),
            None,
            subject,
            now,
        )
        .await;
        let mut tx = db.store.write().await.expect("write");
        let ticket = tx.insert_ticket(&t).await.expect("ticket");
        // The subject and then the submitted entry, in two calls, as submitting then replying do.
        common::index(&mut tx, &ticket, subject).await;
        common::index(&mut tx, &ticket, body).await;
        tx.commit().await.expect("commit");
        made.push(ticket.id.0);
    }
    let (ecran, clavier, imprimantes, mdp) = (made[0], made[1], made[2], made[3]);
    let all = everything(fx.admin.id);

    assert_eq!(found(&db.store, "ecran", &all).await, [ecran]);
    assert_eq!(found(&db.store, "ÉCRANS", &all).await, [ecran]);
    assert_eq!(
        found(&db.store, "imprimantes", &all).await,
        [ecran, imprimantes]
    );
    assert_eq!(
        found(&db.store, "imprimante", &all).await,
        [ecran, imprimantes]
    );
    assert_eq!(found(&db.store, "clavier", &all).await, [clavier]);
    // Every term must match.
    assert_eq!(found(&db.store, "écran imprimante", &all).await, [ecran]);
    assert_eq!(
        found(&db.store, "imprimante papier", &all).await,
        [imprimantes]
    );
    assert!(found(&db.store, "ecran clavier", &all).await.is_empty());
    // Words of the body count, not only the subject; accents folded both ways.
    assert_eq!(found(&db.store, "maitres", &all).await, [ecran]);
    assert_eq!(found(&db.store, "bloquée", &all).await, [imprimantes]);
    assert_eq!(found(&db.store, "reinitialisations", &all).await, [mdp]);
    assert_eq!(found(&db.store, "onde verrouille", &all).await, [mdp]);
    // A word nobody wrote finds nothing.
    assert!(found(&db.store, "vidéoprojecteur", &all).await.is_empty());
}

async fn search_combines_with_filters_and_visibility(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let now = Utc::now();
    let mut made = Vec::new();
    for (requester, school) in [
        (&fx.teacher_a, &fx.school_a),
        (&fx.director_b, &fx.school_b),
        (&fx.director_c, &fx.school_c),
    ] {
        let t = new_ticket(
            &db.store,
            requester.id,
            Some(school.id),
            Some(fx.dsi_n1.id),
            "Le tableau numérique ne s'allume plus",
            now,
        )
        .await;
        made.push(common::insert_indexed(&db.store, &t).await.id.0);
    }
    // An unindexed ticket with the same subject is not found: search reads the index only.
    let t = new_ticket(
        &db.store,
        fx.teacher_a.id,
        Some(fx.school_a.id),
        None,
        "Tableau numérique",
        now,
    )
    .await;
    insert(&db.store, &t).await;

    let all = everything(fx.admin.id);
    assert_eq!(found(&db.store, "tableaux numeriques", &all).await, made);
    let ien = subject_of(&db.store, &fx.ien_dijon).await.visibility();
    assert_eq!(found(&db.store, "tableau", &ien).await, made[..2]);
    let teacher = subject_of(&db.store, &fx.teacher_a).await.visibility();
    assert_eq!(found(&db.store, "tableau", &teacher).await, made[..1]);

    let in_dep71 = TicketFilter {
        terms: query_terms("tableau"),
        zone: Some(fx.dep71.zone()),
        ..Default::default()
    };
    assert_eq!(
        ids(&list_all(&db.store, &in_dep71, &all, Sort::NewestFirst, 10).await),
        made[2..]
    );
}
