//! The broadcast pages, driven like a browser without JavaScript, on both engines: an IEN
//! finds them in the header, previews the directors of their circonscription, sends them a
//! message and follows it to "sent" recipient by recipient, then sees a returned message
//! counted and shown on its recipient; a field at fault is named in the summary with the values
//! kept (422); a zone beyond theirs is refused naming it (403), and another zone's broadcast is
//! not found; a draft is scheduled, then cancelled; a teacher or a director finds no broadcasts
//! at all (404); a broadcast's banner shows on its audience's portal home, in their language,
//! and on nobody else's.

mod pages_common;

use axum::http::StatusCode;
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast, Expansion, Outcome};
use guichet_testkit::{TestDb, both_engines};
use pages_common::{Browser, Site};

both_engines!(
    an_ien_previews_sends_and_follows_a_broadcast_to_their_directors,
    a_field_at_fault_is_named_and_the_values_are_kept,
    an_ien_is_refused_another_zone_by_name_and_cannot_read_its_broadcasts,
    a_draft_is_scheduled_then_cancelled,
    a_teacher_or_a_director_finds_no_broadcasts,
    the_banner_shows_on_the_audience_home_only,
);

async fn ien(site: &Site) -> Browser<'_> {
    site.with_password(&site.fx.ien_dijon).await;
    site.signed_in(&site.fx.ien_dijon).await
}

/// The id in a `/broadcasts/{id}?done=…` redirect.
fn broadcast_id(page: &pages_common::Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let loc = page.location();
    loc.trim_start_matches("/broadcasts/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a broadcast's page: {loc}"))
}

/// What the jobs do, without SMTP: list the recipients, then record the server's acceptance
/// for each.
async fn deliver(site: &Site, id: i64) {
    while site.app.expand_broadcast_step(id).await.expect("listed") == Expansion::More {}
    let (_, recipients) = site
        .app
        .broadcast_batch(id, 0, i64::MAX)
        .await
        .expect("a batch");
    for r in recipients {
        site.app
            .settle_broadcast_recipient(r.id, Outcome::Sent("250 2.0.0 Ok: queued as 4F2A"))
            .await
            .expect("settled");
    }
    site.app.finish_broadcast(id).await.expect("finished");
}

async fn an_ien_previews_sends_and_follows_a_broadcast_to_their_directors(db: TestDb) {
    let site = Site::new(db).await;
    let fx = &site.fx;
    let mut ien = ien(&site).await;
    let home = ien.get("/").await;
    assert!(
        home.has("href=\"/broadcasts\">Diffusions</a>"),
        "{}",
        home.html
    );

    let list = ien.get("/broadcasts").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("Aucune diffusion pour l'instant."));
    let form = ien.get("/broadcasts/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    let dijon = fx.circ_dijon.id.0.to_string();
    assert!(form.has("Dijon 1 (circonscription)"), "{}", form.html);
    assert!(!form.has("Mâcon"), "only the IEN's own zone is offered");
    assert!(form.has("Directeur ou directrice d'école"));
    let csrf = form.csrf();

    // The preview: how many, and who, before anything is recorded.
    let preview = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("subject_fr", "Coupure ONDE mercredi"),
                ("roles", "director"),
                ("zones", &dijon),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(
        preview.has("2 personnes recevront ce message."),
        "{}",
        preview.html
    );
    assert!(preview.has(&fx.director_a.display_name));
    assert!(preview.has(&fx.director_b.display_name));
    assert!(!preview.has(&fx.teacher_a.display_name), "directors only");
    assert!(
        preview.has("value=\"Coupure ONDE mercredi\""),
        "values kept"
    );
    assert!(preview.has(&format!("value=\"{dijon}\" checked")));
    let none = ien.get("/broadcasts").await;
    assert!(none.has("Aucune diffusion"), "a preview records nothing");

    let sent = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "send"),
                ("subject_fr", "Coupure ONDE mercredi"),
                (
                    "body_fr",
                    "ONDE sera indisponible mercredi de 8 h à 10 h pour maintenance.",
                ),
                ("roles", "director"),
                ("zones", &dijon),
                ("rate_per_minute", "0"),
            ],
        )
        .await;
    let id = broadcast_id(&sent);
    assert!(
        sent.location().ends_with("?done=sending"),
        "{}",
        sent.location()
    );
    let page = ien.get(sent.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("La diffusion est en cours d'envoi."));
    assert!(
        page.has("fr-badge--no-icon\">En cours d'envoi</span>"),
        "due now: it reads as sending, not scheduled"
    );
    assert!(page.has("ONDE sera indisponible mercredi"));
    assert!(page.has("Dijon 1"));

    deliver(&site, id).await;
    let page = ien.get(&format!("/broadcasts/{id}")).await;
    assert!(page.has("Envoyée"), "{}", page.html);
    assert!(page.has("2 destinataires listés"), "{}", page.html);
    assert!(page.has("envoyés : 2 · en échec : 0"), "{}", page.html);
    assert!(page.has(&fx.director_a.email));
    assert!(page.has("250 2.0.0 Ok: queued as 4F2A"));
    assert!(
        !page.has("Annuler la diffusion"),
        "sent: nothing left to cancel"
    );
    let failed = ien.get(&format!("/broadcasts/{id}?state=failed")).await;
    assert!(failed.has("Aucun destinataire dans cet état."));

    // A delivery report comes back for director A (what the mail intake records).
    let mut tx = site.app.store().write().await.expect("write");
    assert!(
        tx.bounce_recipient(id, fx.director_a.id, "5.1.1 550 5.1.1 User unknown")
            .await
            .expect("bounced")
    );
    tx.commit().await.expect("commit");
    let page = ien.get(&format!("/broadcasts/{id}")).await;
    assert!(
        page.has("envoyés : 1 · en échec : 0 · revenus : 1"),
        "{}",
        page.html
    );
    let bounced = ien.get(&format!("/broadcasts/{id}?state=bounced")).await;
    assert!(bounced.has(&fx.director_a.email), "{}", bounced.html);
    assert!(!bounced.has(&fx.director_b.email));
    assert!(bounced.has("<td>Revenu en erreur<br>"), "{}", bounced.html);
    assert!(bounced.has("5.1.1 550 5.1.1 User unknown"));

    let list = ien.get("/broadcasts").await;
    assert!(list.has(&format!(
        "href=\"/broadcasts/{id}\">Coupure ONDE mercredi</a>"
    )));
    assert!(list.has("2 personnes"));
    let english = {
        let mut b = ien;
        b.lang = Some("en".into());
        b.get(&format!("/broadcasts/{id}")).await
    };
    assert!(
        english.has("sent: 1 · failed: 0 · bounced: 1"),
        "{}",
        english.html
    );
}

async fn a_field_at_fault_is_named_and_the_values_are_kept(db: TestDb) {
    let site = Site::new(db).await;
    let mut ien = ien(&site).await;
    let csrf = ien.get("/broadcasts/new").await.csrf();
    let refused = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "send"),
                ("subject_fr", ""),
                ("body_fr", "Le texte reste là."),
                ("rate_per_minute", "vite"),
                ("send_at", "demain"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(refused.has("<title>Erreur :"));
    for (field, message) in [
        ("subject_fr", "Renseignez le champ « Objet »."),
        ("roles", "Renseignez le champ « Rôles des destinataires »."),
        ("zones", "Renseignez le champ « Zones »."),
        ("rate_per_minute", "Le débit doit être compris entre 0"),
        (
            "send_at",
            "« Date et heure d'envoi (facultatif) » doit être une date et une heure valides",
        ),
    ] {
        assert!(
            refused.has(&format!("<a href=\"#field-{field}\">{message}")),
            "{field}: {}",
            refused.html
        );
    }
    assert!(refused.has(">Le texte reste là.</textarea>"), "values kept");
    assert!(refused.has("value=\"vite\""));

    // English without its subject: the use case names the field.
    let dijon = site.fx.circ_dijon.id.0.to_string();
    let refused = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "draft"),
                ("subject_fr", "Coupure ONDE"),
                ("body_fr", "Mercredi."),
                ("body_en", "On Wednesday."),
                ("roles", "director"),
                ("zones", &dijon),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(refused.has("<a href=\"#field-subject_en\">Renseignez le champ « Objet en anglais »."));
    // A preview needs a role.
    let refused = ien
        .post(
            "/broadcasts/new",
            &[("csrf", &csrf), ("action", "preview"), ("zones", &dijon)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("<a href=\"#field-roles\">"));
    assert!(
        refused.has("aria-describedby=\"field-roles-error\"") || refused.has("field-roles-error")
    );
}

async fn an_ien_is_refused_another_zone_by_name_and_cannot_read_its_broadcasts(db: TestDb) {
    let site = Site::new(db).await;
    let fx = &site.fx;
    let mut ien = ien(&site).await;
    let csrf = ien.get("/broadcasts/new").await.csrf();
    let dijon = fx.circ_dijon.id.0.to_string();
    let macon = fx.circ_macon.id.0.to_string();
    for action in ["preview", "send"] {
        let refused = ien
            .post(
                "/broadcasts/new",
                &[
                    ("csrf", &csrf),
                    ("action", action),
                    ("subject_fr", "Coupure ONDE"),
                    ("body_fr", "Mercredi."),
                    ("roles", "director"),
                    ("zones", &dijon),
                    ("zones", &macon),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{action}: {}",
            refused.html
        );
        assert!(
            refused.has("« Mâcon » est hors de votre zone"),
            "{action}: {}",
            refused.html
        );
        assert!(
            !refused.has("« Dijon 1 » est hors"),
            "their own zone is not named"
        );
    }
    let uai = fx.school_c.uai.as_ref().expect("a UAI").as_str().to_owned();
    let refused = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "send"),
                ("subject_fr", "Coupure ONDE"),
                ("body_fr", "Mercredi."),
                ("roles", "director"),
                ("uais", &uai),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
    assert!(refused.has(&format!(
        "<a href=\"#field-uais\">« {} ({uai}) » est hors de votre zone",
        fx.school_c.name
    )));
    let list = ien.get("/broadcasts").await;
    assert!(list.has("Aucune diffusion"), "nothing recorded");

    // The académie's broadcast, written by the administrator, is not the IEN's to see.
    let admin = site.app.caller(fx.admin.id, "test").await.expect("caller");
    let theirs = site
        .app
        .create_broadcast(
            &admin,
            ComposeBroadcast {
                subject_fr: "Rentrée numérique".into(),
                body_fr: "Les comptes ENT sont ouverts.".into(),
                audience: AudienceInput {
                    roles: vec!["director".into()],
                    zones: vec![fx.academie.id.0],
                    uais: Vec::new(),
                },
                ..ComposeBroadcast::default()
            },
        )
        .await
        .expect("created");
    let id = theirs.broadcast.id;
    assert_eq!(
        ien.get(&format!("/broadcasts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let cancel = ien
        .post(&format!("/broadcasts/{id}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    assert!(!ien.get("/broadcasts").await.has("Rentrée numérique"));
    assert_eq!(
        ien.get("/broadcasts/abc").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_draft_is_scheduled_then_cancelled(db: TestDb) {
    let site = Site::new(db).await;
    let mut ien = ien(&site).await;
    let csrf = ien.get("/broadcasts/new").await.csrf();
    let dijon = site.fx.circ_dijon.id.0.to_string();
    let draft = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "draft"),
                ("subject_fr", "Élections ECECA"),
                ("body_fr", "Les résultats sont à saisir avant vendredi."),
                ("roles", "director"),
                ("zones", &dijon),
                ("banner_until", "2099-10-15"),
            ],
        )
        .await;
    let id = broadcast_id(&draft);
    let page = ien.get(draft.location()).await;
    assert!(page.has("Le brouillon est enregistré."));
    assert!(page.has("Brouillon"));
    assert!(page.has("Audience à ce jour"));
    assert!(
        page.has("15/10/2099 à 23:59"),
        "banner until the end of the day, Paris time"
    );

    let past = ien
        .post(
            &format!("/broadcasts/{id}/send"),
            &[("csrf", &csrf), ("send_at", "2020-01-01T08:00")],
        )
        .await;
    assert_eq!(
        past.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        past.html
    );
    assert!(past.has("<a href=\"#field-send_at\">La date d'envoi est passée"));
    let scheduled = ien
        .post(
            &format!("/broadcasts/{id}/send"),
            &[("csrf", &csrf), ("send_at", "2099-09-01T08:00")],
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.html
    );
    let page = ien.get(scheduled.location()).await;
    assert!(page.has("La diffusion est programmée."));
    assert!(page.has("01/09/2099 à 08:00"), "{}", page.html);
    let list = ien.get("/broadcasts").await;
    assert!(list.has("Programmée"));

    let cancelled = ien
        .post(&format!("/broadcasts/{id}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        cancelled.status,
        StatusCode::SEE_OTHER,
        "{}",
        cancelled.html
    );
    let page = ien.get(cancelled.location()).await;
    assert!(page.has("La diffusion est annulée."));
    assert!(!page.has("Annuler la diffusion"));
    let again = ien
        .post(&format!("/broadcasts/{id}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);
    assert!(again.has("Cette diffusion a déjà commencé ou est annulée"));
    let forged = ien.post(&format!("/broadcasts/{id}/cancel"), &[]).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a form needs its token"
    );
}

async fn a_teacher_or_a_director_finds_no_broadcasts(db: TestDb) {
    let site = Site::new(db).await;
    for person in [&site.fx.teacher_a, &site.fx.director_a] {
        let mut b = site.signed_in(person).await;
        let home = b.get("/").await;
        assert!(!home.has("href=\"/broadcasts\""), "no link in the header");
        let csrf = home.csrf();
        for path in ["/broadcasts", "/broadcasts/new", "/broadcasts/1"] {
            assert_eq!(b.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let post = b
            .post(
                "/broadcasts/new",
                &[
                    ("csrf", &csrf),
                    ("action", "preview"),
                    ("roles", "director"),
                ],
            )
            .await;
        assert_eq!(post.status, StatusCode::NOT_FOUND);
    }
}

async fn the_banner_shows_on_the_audience_home_only(db: TestDb) {
    let site = Site::new(db).await;
    let fx = &site.fx;
    let mut ien = ien(&site).await;
    let csrf = ien.get("/broadcasts/new").await.csrf();
    let dijon = fx.circ_dijon.id.0.to_string();
    let sent = ien
        .post(
            "/broadcasts/new",
            &[
                ("csrf", &csrf),
                ("action", "send"),
                ("subject_fr", "Coupure ONDE mercredi"),
                (
                    "body_fr",
                    "ONDE sera indisponible mercredi de 8 h à 10 h.\n\nMerci de saisir avant.",
                ),
                ("subject_en", "ONDE down on Wednesday"),
                ("body_en", "ONDE will be down on Wednesday from 8 to 10."),
                ("roles", "director"),
                ("zones", &dijon),
                ("rate_per_minute", "0"),
                ("banner_until", "2099-10-15"),
            ],
        )
        .await;
    let id = broadcast_id(&sent);
    deliver(&site, id).await;

    for director in [&fx.director_a, &fx.director_b] {
        site.with_password(director).await;
        let home = site.signed_in(director).await.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.html);
        assert!(
            home.has("<p class=\"fr-notice__title\">Coupure ONDE mercredi</p>"),
            "{}",
            home.html
        );
        assert!(home.has("<p>ONDE sera indisponible mercredi de 8 h à 10 h.</p>"));
        assert!(home.has("<p>Merci de saisir avant.</p>"), "paragraphs kept");
    }
    let english = {
        let mut b = site.signed_in(&fx.director_a).await;
        b.lang = Some("en".into());
        b.get("/").await
    };
    assert!(
        english.has("<p class=\"fr-notice__title\">ONDE down on Wednesday</p>"),
        "{}",
        english.html
    );
    for outside in [&fx.director_c, &fx.teacher_a] {
        site.with_password(outside).await;
        let home = site.signed_in(outside).await.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.html);
        assert!(
            !home.has("Coupure ONDE"),
            "{} is not in the audience",
            outside.display_name
        );
    }
}
