//! The requester card and the requester search for phone intake.

mod common;

use common::{assert_forbidden, assert_invalid, assert_not_found, env, submit_as};
use guichet_core::PersonId;
use guichet_core::person::RoleKind;
use guichet_testkit::{TestDb, both_engines};

both_engines!(
    a_card_shows_where_the_requester_works_and_what_they_asked,
    requesters_are_found_by_name_email_or_uai
);

async fn a_card_shows_where_the_requester_works_and_what_they_asked(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let director = e.caller(&fx.director_a).await;
    let shown = submit_as(&e.app, &director, &fx.school_a).await;
    let other = submit_as(&e.app, &director, &fx.school_a).await;
    let third = submit_as(&e.app, &director, &fx.school_a).await;
    let admin = e.admin().await;
    e.app
        .transfer(&admin, third.id, fx.dsden_n1.id, "Relève de la DSDEN.")
        .await
        .expect("transferred");
    let cancelled = submit_as(&e.app, &director, &fx.school_a).await;
    e.app
        .cancel(&director, cancelled.id, "Réglé entre-temps.")
        .await
        .expect("cancelled");

    let agent = e.caller(&fx.agent_n1).await;
    let card = e
        .app
        .requester_card(&agent, fx.director_a.id, Some(shown.id))
        .await
        .expect("card");
    assert_eq!(card.person.display_name, "Claire Martin");
    assert_eq!(card.roles[0].kind, RoleKind::Director);
    assert_eq!(card.places.len(), 1);
    let place = &card.places[0];
    assert_eq!(place.establishment.id, fx.school_a.id);
    assert_eq!(place.establishment.uai, fx.school_a.uai);
    assert_eq!(
        place.circonscription.as_ref().map(|c| c.id),
        Some(fx.circ_dijon.id)
    );
    assert_eq!(place.departement.as_ref().map(|d| d.id), Some(fx.dep21.id));
    // Open, visible to this agent, the shown one left out: the transferred one is another
    // desk's, the cancelled one is finished.
    let ids: Vec<_> = card.open_requests.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![other.id]);
    assert!(!card.more_requests);
    // The administrator sees every one of them.
    let card = e
        .app
        .requester_card(&admin, fx.director_a.id, None)
        .await
        .expect("card");
    assert_eq!(card.open_requests.len(), 3);

    assert_forbidden(
        e.app
            .requester_card(&director, fx.director_a.id, None)
            .await,
        "desk_only",
    );
    assert_not_found(
        e.app.requester_card(&agent, PersonId(999_999), None).await,
        "person",
    );
}

async fn requesters_are_found_by_name_email_or_uai(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let agent = e.caller(&fx.agent_n1).await;
    let names = |hits: Vec<guichet_app::requester::RequesterHit>| -> Vec<String> {
        hits.into_iter().map(|h| h.person.display_name).collect()
    };
    let uai = fx.school_a.uai.as_ref().expect("a UAI").to_string();
    let by_uai = e
        .app
        .find_requesters(&agent, &uai, None, 20)
        .await
        .expect("found");
    assert_eq!(names(by_uai.clone()), ["Claire Martin", "Paul Bernard"]);
    assert_eq!(by_uai[1].roles[0].kind, RoleKind::Teacher);
    // Paged on the name.
    let first = e
        .app
        .find_requesters(&agent, &uai, None, 1)
        .await
        .expect("found");
    let after = Some((first[0].person.display_name.clone(), first[0].person.id.0));
    assert_eq!(
        names(
            e.app
                .find_requesters(&agent, &uai, after, 1)
                .await
                .expect("found")
        ),
        ["Paul Bernard"]
    );
    assert_eq!(
        names(
            e.app
                .find_requesters(&agent, "ines.petit@", None, 20)
                .await
                .expect("found")
        ),
        ["Inès Petit"]
    );
    assert_eq!(
        names(
            e.app
                .find_requesters(&agent, "moreau", None, 20)
                .await
                .expect("found")
        ),
        ["Luc Moreau"]
    );
    // A valid UAI of no establishment finds nobody; too short a query is refused.
    let unknown = guichet_core::Uai::from_number(999_999)
        .expect("a UAI")
        .to_string();
    assert!(
        e.app
            .find_requesters(&agent, &unknown, None, 20)
            .await
            .expect("searched")
            .is_empty()
    );
    assert_invalid(e.app.find_requesters(&agent, " a ", None, 20).await, "q");
    let director = e.caller(&fx.director_a).await;
    assert_forbidden(
        e.app.find_requesters(&director, "martin", None, 20).await,
        "desk_only",
    );
}
