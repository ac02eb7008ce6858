//! The requester portal, driven like a browser without JavaScript, on both engines.

mod pages_common;

use axum::http::StatusCode;
use guichet_app::Caller;
use guichet_testkit::{TestDb, both_engines};
use pages_common::Site;

async fn a_director_submits_a_request_and_finds_it_on_home(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.director_a).await;

    let form = b.get("/requests/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.has("ONDE — Base élèves premier degré"),
        "applications listed"
    );
    assert!(form.has("name=\"attachments\""));

    let reference = b.submit("ONDE", "ONDE : admission impossible").await;
    let done = b.get(&format!("/requests/{reference}/submitted")).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.has(&reference), "the reference is shown");
    assert!(done.has("Et ensuite ?"));
    assert!(done.has("deux jours ouvrés"), "the expected delay");

    let home = b.get("/").await;
    assert!(home.has(&reference) && home.has("ONDE : admission impossible"));
    assert!(home.has("Assistance N1"), "the group handling it");

    let page = b.get(&format!("/requests/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("capture.png"), "the attachment is listed");
    assert!(page.has("Annuler ma demande"));
}

async fn the_form_names_every_bad_field_and_keeps_the_values(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.director_a).await;
    let csrf = b.csrf().await;
    let big = vec![b'x'; 65 * 1024];
    let page = b
        .post_multipart(
            "/requests/new",
            &[
                ("csrf", &csrf),
                ("application", "LSUN"),
                ("type", "incident"),
                ("subject", ""),
                ("body", "Le texte reste là"),
            ],
            &[("attachments", "gros.pdf", "application/pdf", big)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.has("Le formulaire contient 2 erreurs"),
        "{}",
        page.html
    );
    assert!(
        page.has("href=\"#field-subject\""),
        "the summary links to the field"
    );
    assert!(page.has("href=\"#field-attachments\""));
    assert!(page.has("Mo par fichier"), "the limit is named");
    assert!(page.has("Le texte reste là"), "values are kept");
    assert!(page.has("value=\"LSUN\" checked"), "the choice is kept");
    assert!(page.html.starts_with("<!doctype html>"));
    assert!(
        page.has("<title>Erreur : "),
        "the title says there is an error"
    );
}

async fn the_request_page_shows_no_internal_note(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.director_a).await;
    let reference = b.submit("LSUN", "LSUN : bulletins bloqués").await;
    let id = site.app.ticket_id(&reference).await.expect("ticket");
    let agent = site
        .app
        .caller(site.fx.agent_n1.id, "test")
        .await
        .expect("agent");
    site.app.take_in_charge(&agent, id).await.expect("taken");
    site.app
        .note(&agent, id, "NOTE INTERNE : voir le prestataire", Vec::new())
        .await
        .expect("note");
    site.app
        .reply(
            &agent,
            id,
            "Pouvez-vous préciser la classe ?",
            Vec::new(),
            true,
        )
        .await
        .expect("reply");
    let page = b.get(&format!("/requests/{reference}")).await;
    assert!(page.has("Pouvez-vous préciser la classe ?"));
    assert!(
        !page.has("NOTE INTERNE"),
        "internal notes never reach the portal"
    );
    assert!(page.has("Sophie Garnier"), "the agent handling it is named");
}

async fn the_requester_replies_confirms_and_rates(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.director_a).await;
    let reference = b.submit("LSUN", "LSUN : export").await;
    let id = site.app.ticket_id(&reference).await.expect("ticket");
    let csrf = b.csrf().await;

    let replied = b
        .post_multipart(
            &format!("/requests/{reference}/reply"),
            &[("csrf", &csrf), ("body", "Voici la capture demandée")],
            &[("attachments", "ecran.txt", "text/plain", b"texte".to_vec())],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.html);
    let page = b.get(replied.location()).await;
    assert!(page.has("Votre réponse a été envoyée.") && page.has("ecran.txt"));

    let agent = site
        .app
        .caller(site.fx.agent_n1.id, "test")
        .await
        .expect("agent");
    site.app.take_in_charge(&agent, id).await.expect("taken");
    site.app
        .resolve(&agent, id, "Relancez l'export.")
        .await
        .expect("resolved");

    let page = b.get(&format!("/requests/{reference}")).await;
    assert!(page.has("Relancez l'export.") && page.has("Oui, c'est résolu"));
    let not = b
        .post(
            &format!("/requests/{reference}/not-solved"),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(
        not.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    assert!(not.has("href=\"#field-reason\""));

    let solved = b
        .post(&format!("/requests/{reference}/solved"), &[("csrf", &csrf)])
        .await;
    assert_eq!(solved.status, StatusCode::SEE_OTHER, "{}", solved.html);
    let rated = b
        .post(
            &format!("/requests/{reference}/survey"),
            &[("csrf", &csrf), ("score", "4"), ("comment", "Rapide")],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER, "{}", rated.html);
    let view = site
        .app
        .ticket(&Caller::system("test"), id)
        .await
        .expect("view");
    assert_eq!(view.ticket.satisfaction, Some(4));
    assert_eq!(view.ticket.satisfaction_comment.as_deref(), Some("Rapide"));
    let page = b.get(&format!("/requests/{reference}")).await;
    assert!(page.has("(4/5)") && !page.has("Envoyer mon avis"));
}

async fn a_requester_cancels_and_reopens(db: TestDb) {
    let site = Site::new(db).await;
    let mut b = site.signed_in(&site.fx.teacher_a).await;
    let reference = b.submit("", "Question sur l'ENT").await;
    let csrf = b.csrf().await;
    let cancelled = b
        .post(
            &format!("/requests/{reference}/cancel"),
            &[("csrf", &csrf), ("reason", "Réglé")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let page = b.get(cancelled.location()).await;
    assert!(page.has("Votre demande a été annulée.") && page.has("Annulée"));
    assert!(
        !page.has("Envoyer ma réponse"),
        "no reply on a finished request"
    );

    let other = b.submit("LSUN", "LSUN : second").await;
    let id = site.app.ticket_id(&other).await.expect("ticket");
    let agent = site
        .app
        .caller(site.fx.agent_n1.id, "test")
        .await
        .expect("agent");
    site.app.take_in_charge(&agent, id).await.expect("taken");
    site.app
        .resolve(&agent, id, "Fait.")
        .await
        .expect("resolved");
    let reopened = b
        .post(
            &format!("/requests/{other}/not-solved"),
            &[("csrf", &csrf), ("reason", "Toujours bloqué")],
        )
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.html);
    let view = site
        .app
        .ticket(&Caller::system("test"), id)
        .await
        .expect("view");
    assert!(view.ticket.status.is_open(), "{:?}", view.ticket.status);
}

async fn a_director_reads_the_school_requests_without_acting(db: TestDb) {
    let site = Site::new(db).await;
    let mut teacher = site.signed_in(&site.fx.teacher_a).await;
    let reference = teacher
        .submit("LSUN", "LSUN : demande de l'enseignant")
        .await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let home = director.get("/").await;
    assert!(home.has("Demandes de l'établissement"), "{}", home.html);
    assert!(home.has(&reference));
    let page = director.get(&format!("/requests/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("lecture seule"));
    assert!(!page.has("Envoyer ma réponse") && !page.has("Annuler ma demande"));
    let csrf = director.csrf().await;
    let cancel = director
        .post(&format!("/requests/{reference}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_ne!(
        cancel.status,
        StatusCode::SEE_OTHER,
        "the director may not cancel it"
    );
}

both_engines!(
    a_director_submits_a_request_and_finds_it_on_home,
    the_form_names_every_bad_field_and_keeps_the_values,
    the_request_page_shows_no_internal_note,
    the_requester_replies_confirms_and_rates,
    a_requester_cancels_and_reopens,
    a_director_reads_the_school_requests_without_acting,
);
