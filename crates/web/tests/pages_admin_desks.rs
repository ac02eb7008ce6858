//! Renaming desks and groups and deactivating groups through the administration pages, on
//! both engines, like a browser without JavaScript: the forms keep what was typed and name the
//! refused field (422), a group with open requests stays active with the reason on its
//! checkbox, and a deactivated group is no longer offered on the ticket page.

mod pages_common;

use axum::http::StatusCode;
use guichet_testkit::{TestDb, both_engines};
use pages_common::{Browser, Site};

both_engines!(
    an_administrator_renames_a_desk_and_a_group,
    a_group_with_open_requests_stays_active_and_an_inactive_one_is_not_offered,
);

async fn admin(site: &Site) -> Browser<'_> {
    site.with_password(&site.fx.admin).await;
    site.signed_in(&site.fx.admin).await
}

fn redirected(page: &pages_common::Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    page.location().to_owned()
}

async fn an_administrator_renames_a_desk_and_a_group(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let desk = site.fx.dsi_n1.desk.0;
    let desks = admin.get("/admin/desks").await;
    assert!(desks.has(&format!("href=\"/admin/desks/{desk}\"")));
    let form = admin.get(&format!("/admin/desks/{desk}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.has("value=\"DSI académique\""), "the current name");
    let csrf = form.csrf();
    let path = format!("/admin/desks/{desk}");

    let empty = admin
        .post(&path, &[("csrf", &csrf), ("desk-name", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("href=\"#field-desk-name\""), "{}", empty.html);
    assert!(empty.has("Renseignez le champ « Nom du guichet »."));
    let taken = admin
        .post(
            &path,
            &[("csrf", &csrf), ("desk-name", "DSDEN de Saône-et-Loire")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.has("Ce « Nom du guichet » est déjà utilisé."));
    assert!(
        taken.has("value=\"DSDEN de Saône-et-Loire\""),
        "what was typed"
    );

    let done = admin
        .post(&path, &[("csrf", &csrf), ("desk-name", "DSI de Dijon")])
        .await;
    let list = admin.get(&redirected(&done)).await;
    assert!(list.has("Le guichet est renommé."));
    assert!(list.has("<td>DSI de Dijon</td>"), "{}", list.html);

    let group = site.fx.dsi_n1.id.0;
    let path = format!("/admin/groups/{group}");
    let page = admin.get(&path).await;
    assert!(page.has("value=\"Assistance N1\""));
    assert!(page.has("id=\"field-group-active\" name=\"group-active\" value=\"on\" checked"));
    let dup = admin
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("group-name", "Expertise N2"),
                ("group-description", "Qualifie"),
                ("group-active", "on"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        dup.has("Ce « Nom du groupe » est déjà utilisé."),
        "{}",
        dup.html
    );
    assert!(dup.has(">Qualifie</textarea>"), "what was typed");
    let done = admin
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("group-name", "Accueil N1"),
                ("group-description", "Qualifie et aiguille les demandes."),
                ("group-active", "on"),
            ],
        )
        .await;
    let page = admin.get(&redirected(&done)).await;
    assert!(page.has("Le groupe est enregistré."));
    assert!(page.has("<h1>Groupe Accueil N1</h1>"), "{}", page.html);
    assert!(page.has(">Qualifie et aiguille les demandes.</textarea>"));

    // Without its token the form is refused and nothing changes.
    let forged = admin
        .post(&path, &[("group-name", "Piraté"), ("group-active", "on")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Anyone else finds no such page.
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    assert_eq!(agent.get(&path).await.status, StatusCode::NOT_FOUND);
    let csrf = agent.csrf().await;
    let refused = agent
        .post(&path, &[("csrf", &csrf), ("group-name", "Piraté")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(admin.get(&path).await.has("<h1>Groupe Accueil N1</h1>"));
}

async fn a_group_with_open_requests_stays_active_and_an_inactive_one_is_not_offered(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director.submit("LSUN", "Livret bloqué").await;

    // DSI-N1 holds the request (LSUN's default group, too): it stays active.
    let n1 = format!("/admin/groups/{}", site.fx.dsi_n1.id.0);
    let page = admin.get(&n1).await;
    let csrf = page.csrf();
    let refused = admin
        .post(
            &n1,
            &[
                ("csrf", &csrf),
                ("group-name", "Assistance N1"),
                ("group-description", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("href=\"#field-group-active\""),
        "{}",
        refused.html
    );
    assert!(refused.has("Ce groupe a encore des demandes ouvertes"));
    assert!(refused.has("aria-describedby=\"field-group-active-hint field-group-active-error\""));

    // DSI-N2 is empty: deactivated, it leaves the ticket page's escalation choices.
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let ticket = format!("/desk/tickets/{reference}");
    let before = agent.get(&ticket).await;
    let n2_option = format!("<option value=\"{}\"", site.fx.dsi_n2.id.0);
    assert!(before.has(&n2_option), "N2 offered for escalation");
    let n2 = format!("/admin/groups/{}", site.fx.dsi_n2.id.0);
    let done = admin
        .post(
            &n2,
            &[
                ("csrf", &csrf),
                ("group-name", "Expertise N2"),
                ("group-description", ""),
            ],
        )
        .await;
    let page = admin.get(&redirected(&done)).await;
    assert!(page.has("<dd>Désactivé</dd>"), "{}", page.html);
    assert!(!page.has("name=\"group-active\" value=\"on\" checked"));
    let after = agent.get(&ticket).await;
    assert!(!after.has(&n2_option), "an inactive group is not offered");
    let groups = admin.get("/admin/groups").await;
    assert!(groups.has("<td>Désactivé</td>"));
}
