//! The administration pages, driven like a browser without JavaScript, on both engines: an
//! administrator creates a group, adds an agent, adds an application with keywords, manages an
//! account and replays a dead job; anyone else finds no administration; bad input is a 422
//! naming the field, a form without its token a 403; a panic or an internal error in a page is
//! the HTML 500 page with the request id.

mod pages_common;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use chrono::Duration;
use guichet_store::job::{Failure, NewJob};
use guichet_testkit::{TestDb, both_engines};
use guichet_web::AppState;
use guichet_web::i18n::Lang;
use guichet_web::pages::WebConfig;
use pages_common::{Browser, PASSWORD, Site};
use serde_json::json;

async fn admin(site: &Site) -> Browser<'_> {
    site.with_password(&site.fx.admin).await;
    site.signed_in(&site.fx.admin).await
}

/// The path of a 303 answer, without its notice.
fn redirected(page: &pages_common::Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    page.location().to_owned()
}

both_engines!(
    an_administrator_creates_a_group_adds_an_agent_and_an_application_with_keywords,
    anyone_but_an_administrator_finds_no_administration,
    bad_input_is_refused_on_its_field_and_forms_need_their_token,
    an_administrator_deactivates_an_account_and_grants_administration,
    an_administrator_replays_a_dead_job,
    a_panic_or_an_internal_error_in_a_page_is_an_html_500_with_the_request_id,
);

async fn an_administrator_creates_a_group_adds_an_agent_and_an_application_with_keywords(
    db: TestDb,
) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let home = admin.get("/").await;
    assert!(
        home.has("href=\"/admin\""),
        "the layout links to the administration"
    );
    let index = admin.get("/admin").await;
    assert_eq!(index.status, StatusCode::OK, "{}", index.html);
    for link in [
        "/admin/desks",
        "/admin/groups",
        "/admin/applications",
        "/admin/users",
        "/admin/jobs",
    ] {
        assert!(index.has(&format!("href=\"{link}\"")), "{link}");
    }

    let groups = admin.get("/admin/groups").await;
    assert_eq!(groups.status, StatusCode::OK, "{}", groups.html);
    assert!(groups.has(&site.fx.dsi_n1.code), "existing groups listed");
    let csrf = groups.csrf();
    let desk = site.fx.dsi_n1.desk.0.to_string();
    let created = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("group-desk", &desk),
                ("group-code", "dsi-n2-ent"),
                ("group-name", "Expertise ENT"),
                ("group-level", "N2"),
                ("group-expertise", "technical"),
            ],
        )
        .await;
    let at = redirected(&created);
    assert!(at.ends_with("?done=created"), "{at}");
    let page = admin.get(&at).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Groupe Expertise ENT") && page.has("DSI-N2-ENT"));
    assert!(page.has("Le groupe est créé"));
    assert!(page.has("Ce groupe n'a pas encore d'agent."));

    // The teacher has no workspace until they join the group.
    let mut teacher = site.signed_in(&site.fx.teacher_a).await;
    assert_eq!(teacher.get("/desk").await.status, StatusCode::NOT_FOUND);
    let group_path = at.trim_end_matches("?done=created").to_owned();
    let added = admin
        .post(
            &format!("{group_path}/members"),
            &[("csrf", &csrf), ("member-email", &site.fx.teacher_a.email)],
        )
        .await;
    let at = redirected(&added);
    assert!(at.ends_with("?done=added"), "{at}");
    let page = admin.get(&at).await;
    assert!(page.has(&site.fx.teacher_a.display_name), "{}", page.html);
    assert!(page.has("L'agent est ajouté au groupe."));
    assert_eq!(
        teacher.get("/desk").await.status,
        StatusCode::OK,
        "a member works the group's queue"
    );

    let teacher_id = site.fx.teacher_a.id.0;
    let removed = admin
        .post(
            &format!("{group_path}/members/{teacher_id}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(redirected(&removed).ends_with("?done=removed"));
    assert_eq!(teacher.get("/desk").await.status, StatusCode::NOT_FOUND);

    let group_id = group_path.rsplit('/').next().expect("id").to_owned();
    let app = admin
        .post(
            "/admin/applications",
            &[
                ("csrf", &csrf),
                ("app-code", "ecole-num"),
                ("app-name", "École numérique"),
                ("app-description", "Équipements et ressources des écoles"),
                ("app-keywords", "ENT, Ecole numérique, ent,"),
                ("app-default_group", &group_id),
            ],
        )
        .await;
    assert!(redirected(&app).ends_with("?done=created"));
    let list = admin.get("/admin/applications").await;
    assert!(list.has("ECOLE-NUM") && list.has("ENT, ECOLE NUMÉRIQUE"));
    assert!(list.has("Expertise ENT (N2)"), "the default group is shown");
    let stored = site
        .app
        .list_applications()
        .await
        .expect("applications")
        .into_iter()
        .find(|a| a.code == "ECOLE-NUM")
        .expect("created");
    assert_eq!(stored.keywords, ["ENT", "ECOLE NUMÉRIQUE"]);

    // Editing the keywords of LSUN, as mail intake will match them.
    let lsun = site.fx.lsun.id.0;
    let edit = admin.get(&format!("/admin/applications/{lsun}")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.html);
    let saved = admin
        .post(
            &format!("/admin/applications/{lsun}"),
            &[
                ("csrf", &csrf),
                ("app-name", "Livret scolaire"),
                ("app-description", ""),
                ("app-keywords", "LSU, LSUN, Livret"),
                ("app-default_group", ""),
                ("app-active", "on"),
            ],
        )
        .await;
    let at = redirected(&saved);
    assert!(at.ends_with("?done=updated"), "{at}");
    let page = admin.get(&at).await;
    assert!(page.has("L'application est enregistrée.") && page.has("LSU, LSUN, LIVRET"));

    let desks = admin.get("/admin/desks").await;
    let made = admin
        .post(
            "/admin/desks",
            &[
                ("csrf", &desks.csrf()),
                ("desk-code", "REGION"),
                ("desk-name", "Région"),
            ],
        )
        .await;
    let at = redirected(&made);
    assert!(at.ends_with("?done=created"), "{at}");
    let desks = admin.get(&at).await;
    assert!(desks.has("REGION") && desks.has("Le guichet est créé."));
}

async fn anyone_but_an_administrator_finds_no_administration(db: TestDb) {
    let site = Site::new(db).await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let csrf = agent.csrf().await;
    let home = agent.get("/").await;
    assert!(!home.has("href=\"/admin\""), "no administration link");
    let group = site.fx.dsi_n1.id.0;
    let person = site.fx.director_a.id.0;
    for path in [
        "/admin".to_owned(),
        "/admin/desks".to_owned(),
        "/admin/groups".to_owned(),
        format!("/admin/groups/{group}"),
        "/admin/applications".to_owned(),
        "/admin/users".to_owned(),
        format!("/admin/users/{person}"),
        "/admin/jobs".to_owned(),
    ] {
        let page = agent.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.has("Page introuvable"), "{path}: the not-found page");
    }
    let posted = agent
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("group-desk", &site.fx.dsi_n1.desk.0.to_string()),
                ("group-code", "X"),
                ("group-name", "X"),
                ("group-level", "N1"),
                ("group-expertise", "technical"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    let promoted = agent
        .post(
            &format!("/admin/users/{person}/grant-admin"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::NOT_FOUND);

    let mut visitor = site.browser(None);
    let page = visitor.get("/admin").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "signed out: to sign-in");
    assert!(page.location().starts_with("/sign-in?next=/admin"));
}

async fn bad_input_is_refused_on_its_field_and_forms_need_their_token(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let csrf = admin.get("/admin/groups").await.csrf();
    let desk = site.fx.dsi_n1.desk.0.to_string();

    let empty = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("group-desk", &desk),
                ("group-code", ""),
                ("group-name", "Sans code"),
                ("group-level", "N1"),
                ("group-expertise", "technical"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("id=\"error-summary\"") && empty.has("href=\"#field-group-code\""));
    assert!(
        empty.has("Renseignez le champ « Code du groupe »."),
        "{}",
        empty.html
    );
    assert!(
        empty.has("value=\"Sans code\""),
        "the values typed are kept"
    );
    assert!(empty.has("<title>Erreur :"));

    let taken = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("group-desk", &desk),
                ("group-code", &site.fx.dsi_n1.code),
                ("group-name", "Doublon"),
                ("group-level", "N1"),
                ("group-expertise", "technical"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken.has("Ce « Code du groupe » est déjà utilisé."),
        "{}",
        taken.html
    );

    let level = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("group-desk", ""),
                ("group-code", "N5"),
                ("group-name", "N5"),
                ("group-level", "N5"),
                ("group-expertise", "technical"),
            ],
        )
        .await;
    assert_eq!(level.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(level.has("Guichet du groupe"), "{}", level.html);

    let code = admin
        .post(
            "/admin/applications",
            &[
                ("csrf", &csrf),
                ("app-code", "N1 ONDE"),
                ("app-name", "ONDE bis"),
                ("app-keywords", "ONDE"),
            ],
        )
        .await;
    assert_eq!(code.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        code.has("« Code de l'application » doit être un code court"),
        "{}",
        code.html
    );

    let group = site.fx.dsi_n1.id.0;
    let unknown = admin
        .post(
            &format!("/admin/groups/{group}/members"),
            &[("csrf", &csrf), ("member-email", "personne@ac-dijon.fr")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.has(
            "Aucune personne n'a cette adresse : vérifiez « Adresse électronique de l'agent »."
        ),
        "{}",
        unknown.html
    );

    let me = site.fx.admin.id.0;
    for action in ["deactivate", "revoke-admin"] {
        let page = admin
            .post(&format!("/admin/users/{me}/{action}"), &[("csrf", &csrf)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        assert!(page.has("Vous ne pouvez pas faire cela sur votre propre compte"));
    }

    let fields = [
        ("group-desk", desk.as_str()),
        ("group-code", "SANS-JETON"),
        ("group-name", "Sans jeton"),
        ("group-level", "N1"),
        ("group-expertise", "technical"),
    ];
    let missing = admin.post("/admin/groups", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.has("Formulaire expiré"));
    let mut wrong = vec![("csrf", "not-the-token")];
    wrong.extend(fields);
    assert_eq!(
        admin.post("/admin/groups", &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    let groups = admin.get("/admin/groups").await;
    assert!(!groups.has("SANS-JETON"), "nothing was created");
}

async fn an_administrator_deactivates_an_account_and_grants_administration(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let director = &site.fx.director_a;
    let found = admin.get("/admin/users?q=ac-dijon").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.html);
    assert!(found.has(&director.display_name));
    let surname = director.display_name.split(' ').next_back().expect("name");
    let found = admin
        .get(&format!("/admin/users?q={}", surname.to_lowercase()))
        .await;
    assert!(found.has(&format!("href=\"/admin/users/{}\"", director.id.0)));
    assert!(!found.has(&site.fx.agent_n2.display_name) || surname.is_empty());

    let path = format!("/admin/users/{}", director.id.0);
    let page = admin.get(&path).await;
    assert!(page.has("Directeur ou directrice d'école"), "{}", page.html);
    let csrf = page.csrf();
    let off = admin
        .post(&format!("{path}/deactivate"), &[("csrf", &csrf)])
        .await;
    assert!(redirected(&off).ends_with("?done=deactivate"));
    let mut b = site.browser(None);
    let refused = b.sign_in(&director.email, PASSWORD).await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER, "deactivated");
    assert!(admin.get(&path).await.has("Désactivé"));
    let on = admin
        .post(&format!("{path}/reactivate"), &[("csrf", &csrf)])
        .await;
    assert!(redirected(&on).ends_with("?done=reactivate"));
    site.signed_in(director).await;

    let agent = &site.fx.agent_n1;
    let mut agent_b = site.signed_in(agent).await;
    assert_eq!(agent_b.get("/admin").await.status, StatusCode::NOT_FOUND);
    let apath = format!("/admin/users/{}", agent.id.0);
    let granted = admin
        .post(&format!("{apath}/grant-admin"), &[("csrf", &csrf)])
        .await;
    assert!(redirected(&granted).ends_with("?done=grant-admin"));
    assert_eq!(agent_b.get("/admin").await.status, StatusCode::OK);
    let revoked = admin
        .post(&format!("{apath}/revoke-admin"), &[("csrf", &csrf)])
        .await;
    assert!(redirected(&revoked).ends_with("?done=revoke-admin"));
    assert_eq!(agent_b.get("/admin").await.status, StatusCode::NOT_FOUND);

    let n2 = site.fx.dsi_n2.id.0.to_string();
    let joined = admin
        .post(
            &format!("{apath}/join-group"),
            &[("csrf", &csrf), ("user-group", &n2)],
        )
        .await;
    assert!(redirected(&joined).ends_with("?done=join-group"));
    let page = admin.get(&apath).await;
    assert!(page.has(&site.fx.dsi_n2.name), "{}", page.html);
    let bad = admin
        .post(
            &format!("{apath}/join-group"),
            &[("csrf", &csrf), ("user-group", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Renseignez le champ « Groupe à rejoindre »."));
    let left = admin
        .post(&format!("{apath}/groups/{n2}/remove"), &[("csrf", &csrf)])
        .await;
    assert!(redirected(&left).ends_with("?done=left-group"));
}

async fn an_administrator_replays_a_dead_job(db: TestDb) {
    let site = Site::new(db).await;
    let now = site.app.now();
    let mut tx = site.app.store().write().await.expect("write");
    let job = tx
        .enqueue(
            &NewJob {
                kind: "notify.mail".into(),
                unique_key: Some("test:dead".into()),
                payload: json!({}),
                run_at: now,
                max_attempts: 1,
            },
            now,
        )
        .await
        .expect("enqueued")
        .job;
    tx.claim("w", &["notify.mail"], 1, Duration::minutes(5), now)
        .await
        .expect("claimed");
    tx.fail_job(job.id, "w", "SMTP 554 refusé", Failure::Permanent, now)
        .await
        .expect("failed");
    tx.commit().await.expect("commit");

    let mut admin = admin(&site).await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("notify.mail") && page.has("SMTP 554 refusé") && page.has("1 / 1"));
    let failing = admin.get("/admin/jobs?state=failed").await;
    assert!(failing.has("Aucune tâche dans cet état."));
    let replayed = admin
        .post(
            &format!("/admin/jobs/{}/replay", job.id),
            &[("csrf", &page.csrf()), ("state", "dead")],
        )
        .await;
    assert_eq!(
        redirected(&replayed),
        "/admin/jobs?state=dead&done=replayed"
    );
    let page = admin.get("/admin/jobs?state=dead&done=replayed").await;
    assert!(page.has("La tâche est relancée.") && !page.has("SMTP 554 refusé"));
}

/// A handler that panics, as a bug would.
async fn boom() -> &'static str {
    panic!("secret detail of the crash")
}

async fn a_panic_or_an_internal_error_in_a_page_is_an_html_500_with_the_request_id(db: TestDb) {
    let mut site = Site::new(db).await;
    let extra: Router<AppState> = Router::new()
        .route("/boom", get(boom))
        .route("/api/v1/boom", get(boom));
    site.router = guichet_web::router_with_extra(site.app.clone(), WebConfig::default(), extra);
    let mut b = site.browser(None);
    let page = b.get("/boom").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let id = page.headers["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    assert!(page.has("Une erreur est survenue"), "{}", page.html);
    assert!(page.has(&format!("communiquer à l'assistance : {id}")));
    assert!(
        !page.has("secret") && !page.has("panicked"),
        "nothing leaks"
    );

    let api = b.get("/api/v1/boom").await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        api.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(!api.html.contains("secret"));

    // A broken store: an application whose keywords are not JSON any more.
    let mut admin = admin(&site).await;
    site.app
        .store()
        .execute_admin("UPDATE application SET keywords = 'not json'")
        .await
        .expect("corrupted");
    let page = admin.get("/admin/applications").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = page.headers["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    assert!(
        page.has(&format!("communiquer à l'assistance : {id}")),
        "{}",
        page.html
    );
    assert!(
        !page.has("not json") && !page.has("keywords"),
        "nothing leaks"
    );
}

#[test]
fn every_administration_text_exists_in_both_languages() {
    let mut keys = Vec::new();
    for l in ["N0", "N1", "N2", "N3"] {
        keys.push(format!("admin-level-{l}"));
    }
    for x in ["functional", "pedagogical", "technical"] {
        keys.push(format!("admin-expertise-{x}"));
    }
    for r in [
        "director", "head", "teacher", "staff", "ien", "dasen", "steering", "admin",
    ] {
        keys.push(format!("admin-role-{r}"));
    }
    for d in [
        "deactivate",
        "reactivate",
        "grant-admin",
        "revoke-admin",
        "join-group",
        "left-group",
    ] {
        keys.push(format!("admin-user-done-{d}"));
    }
    for d in ["created", "added", "removed"] {
        keys.push(format!("admin-group-done-{d}"));
    }
    keys.extend(
        [
            "admin-desks-done-created",
            "admin-applications-done-created",
            "admin-application-done-updated",
            "admin-jobs-done-replayed",
            "admin-jobs-caption-dead",
            "admin-jobs-caption-failed",
            "error-request-id",
            "layout-admin-link",
            "form-error-admin-duplicate",
            "form-error-admin-self",
            "form-error-person-unknown",
        ]
        .map(str::to_owned),
    );
    for lang in [Lang::Fr, Lang::En] {
        for key in &keys {
            let args = [
                ("name", "1".to_owned()),
                ("reference", "r".to_owned()),
                ("field", "f".to_owned()),
            ];
            assert!(
                lang.try_text(key, &args).is_some(),
                "{key} is missing in {}",
                lang.tag()
            );
        }
    }
}
