//! The agent workspace pages, driven like a browser without JavaScript, on both engines.

mod pages_common;

use axum::http::StatusCode;
use guichet_testkit::{TestDb, both_engines};
use pages_common::Site;

async fn an_agent_finds_the_request_in_their_queues_and_a_requester_has_no_desk(db: TestDb) {
    let site = Site::new(db).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director.submit("ONDE", "ONDE : admission impossible").await;

    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let home = agent.get("/desk").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.html);
    assert!(home.has("Mes demandes (y compris mes remplacements)"));
    assert!(home.has("Assistance N1"), "the agent's group queue");
    assert!(
        home.has("1 non attribuée(s)"),
        "the new request is unassigned"
    );
    assert!(
        home.has("href=\"/desk\""),
        "the layout links to the workspace"
    );

    let group = site.fx.dsi_n1.id;
    let queue = agent.get(&format!("/desk/queues/group-{group}-new")).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.html);
    assert!(queue.has(&reference) && queue.has("ONDE : admission impossible"));
    assert!(queue.has(&format!("href=\"/desk/tickets/{reference}\"")));
    let mine = agent.get("/desk/queues/mine?sort=-priority").await;
    assert!(mine.has("Aucune demande ouverte"), "nothing is theirs yet");
    assert!(
        mine.has("value=\"-priority\" selected"),
        "the order is kept"
    );

    let other_group = site.fx.dsi_n2.id;
    let not_mine = agent
        .get(&format!("/desk/queues/group-{other_group}"))
        .await;
    assert_eq!(
        not_mine.status,
        StatusCode::NOT_FOUND,
        "not one of their groups"
    );

    for path in [
        "/desk",
        "/desk/queues/mine",
        &format!("/desk/tickets/{reference}"),
    ] {
        let page = director.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path} is for agents");
    }
    let portal = director.get("/").await;
    assert!(
        !portal.has("href=\"/desk\""),
        "no workspace link for a requester"
    );
}

async fn an_agent_takes_notes_and_escalates_with_a_reason(db: TestDb) {
    let site = Site::new(db).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director.submit("ONDE", "ONDE : export impossible").await;

    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let page = agent.get(&format!("/desk/tickets/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Demandeur") && page.has(&site.fx.director_a.display_name));
    assert!(page.has("Prendre en charge"));
    let csrf = page.csrf();

    let taken = agent
        .post(
            &format!("/desk/tickets/{reference}/take"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.html);
    let page = agent.get(taken.location()).await;
    assert!(page.has("Vous avez pris la demande en charge."));
    assert!(page.has("Sophie Garnier"), "the agent now handles it");

    let noted = agent
        .post_multipart(
            &format!("/desk/tickets/{reference}/message"),
            &[
                ("csrf", &csrf),
                ("kind", "note"),
                ("message-body", "NOTE INTERNE : voir le prestataire"),
            ],
            &[],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.html);
    let page = agent.get(noted.location()).await;
    assert!(page.has("NOTE INTERNE : voir le prestataire"));
    assert!(
        page.has("fr-badge--sm\">Interne</span> Note interne"),
        "the note is labelled internal in words"
    );
    let portal = director.get(&format!("/requests/{reference}")).await;
    assert!(!portal.has("NOTE INTERNE"), "the requester never reads it");

    let n2 = site.fx.dsi_n2.id.0.to_string();
    let refused = agent
        .post(
            &format!("/desk/tickets/{reference}/escalate"),
            &[
                ("csrf", &csrf),
                ("escalate-group", &n2),
                ("escalate-reason", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("Le formulaire contient une erreur"),
        "{}",
        refused.html
    );
    assert!(refused.has("href=\"#field-escalate-reason\""));
    assert!(refused.has("Renseignez le champ « Motif de l'escalade »."));
    assert!(
        refused.has(&format!("value=\"{n2}\" selected")),
        "the choice is kept"
    );

    let no_group = agent
        .post(
            &format!("/desk/tickets/{reference}/escalate"),
            &[
                ("csrf", &csrf),
                ("escalate-group", ""),
                ("escalate-reason", "Bug"),
            ],
        )
        .await;
    assert_eq!(no_group.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_group.has("href=\"#field-escalate-group\""));

    let escalated = agent
        .post(
            &format!("/desk/tickets/{reference}/escalate"),
            &[
                ("csrf", &csrf),
                ("escalate-group", &n2),
                ("escalate-reason", "Anomalie à analyser par l'expertise"),
            ],
        )
        .await;
    assert_eq!(
        escalated.status,
        StatusCode::SEE_OTHER,
        "{}",
        escalated.html
    );
    let moved = agent.get(escalated.location()).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", escalated.location());
    assert!(
        moved.has(&format!("La demande {reference} a été escaladée")),
        "{}",
        moved.html
    );
    let id = site.app.ticket_id(&reference).await.expect("ticket");
    let n2_agent = site
        .app
        .caller(site.fx.agent_n2.id, "test")
        .await
        .expect("caller");
    let view = site.app.ticket(&n2_agent, id).await.expect("N2 reads it");
    assert_eq!(
        view.ticket.group,
        Some(site.fx.dsi_n2.id),
        "in the N2 group"
    );
    assert_eq!(view.ticket.assignee, None, "waiting in the N2 queue");
    let portal = director.get(&format!("/requests/{reference}")).await;
    assert!(
        !portal.has("Anomalie à analyser"),
        "the reason stays internal"
    );
}

async fn a_wrong_form_is_named_and_a_reply_reaches_the_requester(db: TestDb) {
    let site = Site::new(db).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director.submit("ONDE", "ONDE : mot de passe").await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let csrf = agent.get("/desk").await.csrf();

    let bad_link = agent
        .post(
            &format!("/desk/tickets/{reference}/link"),
            &[
                ("csrf", &csrf),
                ("link-other", "pas-une-ref"),
                ("link-kind", "related"),
            ],
        )
        .await;
    assert_eq!(bad_link.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_link.has("href=\"#field-link-other\""),
        "{}",
        bad_link.html
    );
    assert!(bad_link.has("value=\"pas-une-ref\""), "the value is kept");

    let empty = agent
        .post(
            &format!("/desk/tickets/{reference}/resolve"),
            &[("csrf", &csrf), ("resolve-solution", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("href=\"#field-resolve-solution\""));

    let priority = agent
        .post(
            &format!("/desk/tickets/{reference}/priority"),
            &[("csrf", &csrf), ("priority-priority", "very_high")],
        )
        .await;
    assert_eq!(priority.status, StatusCode::SEE_OTHER, "{}", priority.html);

    let replied = agent
        .post_multipart(
            &format!("/desk/tickets/{reference}/message"),
            &[
                ("csrf", &csrf),
                ("kind", "reply"),
                ("message-body", "Réinitialisez depuis le portail ARENA."),
            ],
            &[],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.html);
    let portal = director.get(&format!("/requests/{reference}")).await;
    assert!(portal.has("Réinitialisez depuis le portail ARENA."));

    let forged = agent
        .post(
            &format!("/desk/tickets/{reference}/take"),
            &[("csrf", "wrong")],
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "the CSRF token is checked"
    );
}

async fn a_bulk_action_reports_each_ticket(db: TestDb) {
    let site = Site::new(db).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let first = director.submit("ONDE", "ONDE : première").await;
    let second = director.submit("ONDE", "ONDE : seconde").await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let key = format!("group-{}", site.fx.dsi_n1.id);
    let queue = agent.get(&format!("/desk/queues/{key}")).await;
    assert!(queue.has(&format!("Sélectionner la demande {first}")));
    assert!(queue.has("Julien Faure"), "a colleague to assign to");
    assert!(!queue.has(">Sophie Garnier<"), "not the agent herself");
    let csrf = queue.csrf();
    let bulk = format!("/desk/queues/{key}/bulk");

    let empty = agent
        .post(
            &bulk,
            &[
                ("csrf", &csrf),
                ("tickets", &first),
                ("bulk-action", "resolve"),
                ("bulk-solution", ""),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("href=\"#field-bulk-solution\""), "{}", empty.html);

    let taken = agent
        .post(
            &bulk,
            &[
                ("csrf", &csrf),
                ("tickets", &first),
                ("tickets", &second),
                ("tickets", "2020-999999"),
                ("bulk-action", "take"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.html);
    assert_eq!(taken.html.matches(">Fait<").count(), 2, "{}", taken.html);
    assert!(taken.has("Demande introuvable ou hors de vos files."));
    let mine = agent.get("/desk/queues/mine").await;
    assert!(mine.has(&first) && mine.has(&second), "both are now hers");

    let bis = site.fx.agent_n1_bis.id.0.to_string();
    let assigned = agent
        .post(
            &bulk,
            &[
                ("csrf", &csrf),
                ("tickets", &first),
                ("bulk-action", "assign"),
                ("bulk-assignee", &bis),
            ],
        )
        .await;
    assert_eq!(
        assigned.html.matches(">Fait<").count(),
        1,
        "{}",
        assigned.html
    );
    let mine = agent.get("/desk/queues/mine").await;
    assert!(
        !mine.has(&first) && mine.has(&second),
        "the first went to Julien"
    );
}

async fn an_agent_declares_and_cancels_an_absence(db: TestDb) {
    let site = Site::new(db).await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let page = agent.get("/desk/absence").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Aucune absence déclarée."));
    assert!(
        page.has("Julien Faure"),
        "a colleague to choose as delegate"
    );
    let csrf = page.csrf();
    let bis = site.fx.agent_n1_bis.id.0.to_string();
    let start = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let end = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();

    let no_delegate = agent
        .post(
            "/desk/absence",
            &[
                ("csrf", &csrf),
                ("absence-starts_at", &start),
                ("absence-ends_at", &end),
                ("absence-delegate", ""),
            ],
        )
        .await;
    assert_eq!(no_delegate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_delegate.has("href=\"#field-absence-delegate\""),
        "{}",
        no_delegate.html
    );
    assert!(
        no_delegate.has(&format!("value=\"{start}\"")),
        "the dates are kept"
    );

    let declared = agent
        .post(
            "/desk/absence",
            &[
                ("csrf", &csrf),
                ("absence-starts_at", &start),
                ("absence-ends_at", &end),
                ("absence-delegate", &bis),
            ],
        )
        .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER, "{}", declared.html);
    let page = agent.get(declared.location()).await;
    assert!(page.has("L'absence est déclarée"));
    assert!(page.has("Remplacé·e par Julien Faure"), "{}", page.html);
    let id = site
        .app
        .absences(
            &site
                .app
                .caller(site.fx.agent_n1.id, "test")
                .await
                .expect("caller"),
            site.fx.agent_n1.id,
        )
        .await
        .expect("absences")[0]
        .id;
    let cancelled = agent
        .post(&format!("/desk/absence/{id}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let page = agent.get(cancelled.location()).await;
    assert!(page.has("L'absence est annulée.") && page.has("Aucune absence déclarée."));
}

async fn an_agent_files_a_phone_request_for_a_director(db: TestDb) {
    let site = Site::new(db).await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let found = agent.get("/desk/phone?q=Claire%20Martin").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.html);
    let name = &site.fx.director_a.display_name;
    assert!(found.has(name), "{}", found.html);
    let short = agent.get("/desk/phone?q=a").await;
    assert!(
        short.has("href=\"#field-phone-q\""),
        "a one-letter search is named"
    );

    let id = site.fx.director_a.id.0.to_string();
    let form = agent.get(&format!("/desk/phone?person={id}")).await;
    assert!(form.has("Demande pour") && form.has(name));
    let search = agent.get("/desk/phone").await;
    assert!(
        search
            .html
            .contains("<input class=\"fr-input\" type=\"search\" id=\"field-phone-q\" name=\"q\""),
        "a real search field"
    );
    let csrf = form.csrf();
    let refused = agent
        .post(
            "/desk/phone",
            &[
                ("csrf", &csrf),
                ("person", &id),
                ("phone-application", "ONDE"),
                ("phone-subject", ""),
                ("phone-body", "Appel : ONDE bloqué"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("href=\"#field-phone-subject\""),
        "{}",
        refused.html
    );
    assert!(refused.has("Appel : ONDE bloqué"), "the text is kept");

    let filed = agent
        .post(
            "/desk/phone",
            &[
                ("csrf", &csrf),
                ("person", &id),
                ("phone-application", "ONDE"),
                ("phone-type", "incident"),
                ("phone-subject", "ONDE par téléphone"),
                ("phone-body", "Appel : ONDE bloqué"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.html);
    let reference = filed
        .location()
        .trim_start_matches("/desk/tickets/")
        .to_owned();
    let caller = site
        .app
        .caller(site.fx.agent_n1.id, "test")
        .await
        .expect("caller");
    let id = site.app.ticket_id(&reference).await.expect("reference");
    let ticket = site.app.ticket(&caller, id).await.expect("filed");
    assert_eq!(
        ticket.ticket.requester, site.fx.director_a.id,
        "on the director's behalf"
    );
    assert_eq!(ticket.ticket.channel.as_str(), "phone");
    let mut director = site.signed_in(&site.fx.director_a).await;
    assert!(
        director.get("/").await.has("ONDE par téléphone"),
        "the director finds it"
    );
}

both_engines!(
    an_agent_files_a_phone_request_for_a_director,
    an_agent_declares_and_cancels_an_absence,
    a_bulk_action_reports_each_ticket,
    an_agent_finds_the_request_in_their_queues_and_a_requester_has_no_desk,
    an_agent_takes_notes_and_escalates_with_a_reason,
    a_wrong_form_is_named_and_a_reply_reaches_the_requester,
);
