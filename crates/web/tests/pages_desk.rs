//! The agent workspace's queue filters, saved views and the ticket page's assign, status,
//! application and file forms, driven like a browser without JavaScript, on both engines.

mod pages_common;

use axum::http::StatusCode;
use guichet_app::ticket::SubmitTicket;
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_testkit::{TestDb, both_engines};
use pages_common::{Page, Site};

both_engines!(
    an_agent_filters_a_queue_pages_through_it_and_keeps_it_as_a_view,
    two_statuses_show_both_kinds_stay_checked_and_follow_the_next_page,
    the_ticket_page_assigns_pauses_resumes_reclassifies_and_hands_out_files,
);

/// The href of the page's "next page" link, decoded.
fn next_link(page: &Page) -> String {
    let marker = "fr-link--icon-right\" href=\"";
    let start = page.html.find(marker).expect("a next page link") + marker.len();
    let end = start + page.html[start..].find('"').expect("href end");
    page.html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
}

async fn two_statuses_show_both_kinds_stay_checked_and_follow_the_next_page(db: TestDb) {
    let site = Site::new(db).await;
    onde_requests(&site, 50).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let lsun = director.submit("LSUN", "LSUN : bilan introuvable").await;
    let agent_caller = site
        .app
        .caller(site.fx.agent_n1.id, "test")
        .await
        .expect("caller");
    let taken = site
        .app
        .ticket_by_reference(&agent_caller, lsun.parse().expect("a reference"))
        .await
        .expect("the LSUN request");
    let taken = site
        .app
        .take_in_charge(&agent_caller, taken.ticket.id)
        .await
        .expect("taken in charge");
    let taken_status = taken.status.as_str();
    assert_ne!(taken_status, "new");
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let queue = format!("/desk/queues/group-{}", site.fx.dsi_n1.id);

    let new_only = agent.get(&format!("{queue}?status=new")).await;
    assert_eq!(new_only.status, StatusCode::OK, "{}", new_only.html);
    assert_eq!(rows(&new_only), 50);
    assert!(!new_only.has(&lsun), "taken in charge: not new");

    // Both statuses: the union, 51 requests over two pages.
    let both = agent
        .get(&format!("{queue}?status=new&status={taken_status}"))
        .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.html);
    assert_eq!(rows(&both), 50);
    assert!(both.has(&lsun), "the newest, on the first page");
    for value in ["new", taken_status] {
        assert!(
            both.has(&format!("name=\"status\" value=\"{value}\" checked")),
            "{value} stays checked"
        );
        assert!(
            both.has(&format!(
                "<input type=\"hidden\" name=\"status\" value=\"{value}\">"
            )),
            "{value} is kept by \"save as a view\""
        );
    }
    assert!(!both.has("name=\"status\" value=\"waiting\" checked"));
    let next = next_link(&both);
    assert!(
        next.contains("status=new") && next.contains(&format!("status={taken_status}")),
        "{next}"
    );
    let second = agent.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.html);
    assert_eq!(rows(&second), 1, "51 in all");
    assert!(second.has(&format!("name=\"status\" value=\"{taken_status}\" checked")));

    // Kept as a view, both statuses come along.
    let csrf = both.csrf();
    let saved = agent
        .post(
            &format!("{queue}/views"),
            &[
                ("csrf", &csrf),
                ("status", "new"),
                ("status", taken_status),
                ("view-name", "Nouvelles et prises"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let view = agent.get(saved.location()).await;
    assert_eq!(rows(&view), 50);
    assert!(view.has(&lsun));
    let rest = agent.get(&next_link(&view)).await;
    assert_eq!(rows(&rest), 1);
}

/// `n` ONDE requests of the director of school A, straight through the use case.
async fn onde_requests(site: &Site, n: usize) {
    let director = site
        .app
        .caller(site.fx.director_a.id, "test")
        .await
        .expect("caller");
    for i in 0..n {
        site.app
            .submit(
                &director,
                SubmitTicket {
                    on_behalf_of: None,
                    establishment: Some(site.fx.school_a.id),
                    application: Some(site.fx.onde.id),
                    ticket_type: TicketType::Incident,
                    channel: Channel::Web,
                    subject: format!("ONDE : inscription {i} refusée"),
                    body: "La fiche ne s'enregistre pas.".into(),
                    urgency: Urgency::Medium,
                    impact: Impact::Medium,
                    attachments: Vec::new(),
                },
            )
            .await
            .expect("submitted");
    }
}

fn rows(page: &Page) -> usize {
    page.html
        .matches("class=\"fr-link guichet-reference\"")
        .count()
}

async fn an_agent_filters_a_queue_pages_through_it_and_keeps_it_as_a_view(db: TestDb) {
    let site = Site::new(db).await;
    onde_requests(&site, 51).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let lsun = director.submit("LSUN", "LSUN : bilan introuvable").await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let group = site.fx.dsi_n1.id;
    let queue = format!("/desk/queues/group-{group}");

    let all = agent.get(&queue).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.html);
    assert!(all.has("Filtrer cette file") && all.has(&lsun));
    assert!(
        all.has(&site.fx.director_a.display_name),
        "the requester column"
    );
    let uai = site.fx.school_a.uai.as_ref().expect("a UAI").to_string();
    assert!(
        all.has(&site.fx.school_a.name) && all.has(&format!("({uai})")),
        "the establishment column, with its UAI"
    );

    // Filtered on the application: 50 rows, then a next page that keeps the filter.
    let onde = agent
        .get(&format!(
            "{queue}?application=ONDE&level=N1&status=new&sort=-created"
        ))
        .await;
    assert_eq!(onde.status, StatusCode::OK, "{}", onde.html);
    assert_eq!(rows(&onde), 50);
    assert!(!onde.has(&lsun), "another application");
    assert!(
        onde.has("value=\"ONDE\" checked"),
        "the filter is shown as chosen"
    );
    let marker = "fr-link--icon-right\" href=\"";
    let start = onde.html.find(marker).expect("a next page link") + marker.len();
    let end = start + onde.html[start..].find('"').expect("href end");
    let next = onde.html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    assert!(next.contains("application=ONDE"), "{next}");
    // The language switch comes back to this very page, filters included (a page's own `next`
    // once shadowed the layout's, and the switch lost everything after the first `&`).
    assert!(
        onde.has("next=/desk/queues/group-")
            && onde.has("%3Fapplication%3DONDE%26level%3DN1%26status%3Dnew"),
        "the language links keep the filters"
    );
    let second = agent.get(&next).await;
    assert_eq!(
        second.status,
        StatusCode::OK,
        "{next} → {}",
        second.location()
    );
    assert_eq!(rows(&second), 1);
    assert!(!second.has(&lsun));

    // Wrong filters: 422, the summary names the field, nothing is listed.
    let wrong = agent
        .get(&format!("{queue}?establishment=12&older=soon"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("id=\"error-summary\""));
    assert!(wrong.has("href=\"#field-filter-establishment\""));
    assert!(wrong.has("href=\"#field-filter-older\""));
    assert!(wrong.has("« Déposé il y a plus de … jours » doit être un nombre de jours"));
    assert_eq!(rows(&wrong), 0);
    let twice = agent.get(&format!("{queue}?level=N1&level=N1")).await;
    assert_eq!(
        twice.status,
        StatusCode::OK,
        "a value given twice counts once"
    );
    let one_wrong = agent
        .get(&format!("{queue}?level=N1&level=N9&level=N8"))
        .await;
    assert_eq!(one_wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        one_wrong
            .html
            .matches("href=\"#field-filter-level\"")
            .count(),
        1,
        "one error for the field, however many of its values are wrong"
    );
    let unknown = agent
        .get(&format!("{queue}?establishment=0999999Z&zone=999999"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Kept as a view: the name is required, then the view lists what the queue did.
    let csrf = all.csrf();
    let save = format!("{queue}/views");
    let unnamed = agent
        .post(
            &save,
            &[("csrf", &csrf), ("application", "LSUN"), ("view-name", " ")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.has("href=\"#field-view-name\""));
    let saved = agent
        .post(
            &save,
            &[
                ("csrf", &csrf),
                ("application", "LSUN"),
                ("sort", "-priority"),
                ("view-name", "Mes LSUN"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let view_path = saved
        .location()
        .split('?')
        .next()
        .expect("a path")
        .to_owned();
    let view = agent.get(saved.location()).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.html);
    assert!(view.has("<h1>Mes LSUN</h1>") && view.has("La vue est enregistrée"));
    assert_eq!(rows(&view), 1);
    assert!(view.has(&lsun) && view.has("Priorité la plus haute"));
    let home = agent.get("/desk").await;
    assert!(
        home.has(&format!("href=\"{view_path}\"")),
        "clickable from home"
    );
    let taken = agent
        .post(&save, &[("csrf", &csrf), ("view-name", "Mes LSUN")])
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.has("Vous avez déjà une vue de ce nom."));

    // Another agent's view is not found; deleting one's own says so on the home page.
    site.with_password(&site.fx.agent_n1_bis).await;
    let mut colleague = site.signed_in(&site.fx.agent_n1_bis).await;
    assert_eq!(
        colleague.get(&view_path).await.status,
        StatusCode::NOT_FOUND
    );
    let deleted = agent
        .post(&format!("{view_path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let home = agent.get(deleted.location()).await;
    assert!(home.has("La vue est supprimée."));
    assert_eq!(agent.get(&view_path).await.status, StatusCode::NOT_FOUND);
}

async fn the_ticket_page_assigns_pauses_resumes_reclassifies_and_hands_out_files(db: TestDb) {
    let site = Site::new(db).await;
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director.submit("ONDE", "ONDE : admission bloquée").await;
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let path = format!("/desk/tickets/{reference}");
    let page = agent.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let csrf = page.csrf();

    // The file of the timeline is a link, handed out to the desk only.
    let html = page.html.replace("&#x2f;", "/");
    let at = html
        .find(&format!("{path}/attachments/"))
        .expect("a file link");
    let link = &html[at..at + html[at..].find('"').expect("link end")];
    let file = agent.get(link).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, b"\x89PNG fake");
    assert!(director.get(link).await.status == StatusCode::NOT_FOUND);
    site.with_password(&site.fx.agent_dsden).await;
    let mut other_desk = site.signed_in(&site.fx.agent_dsden).await;
    assert_eq!(other_desk.get(link).await.status, StatusCode::NOT_FOUND);

    // Assign to a named colleague.
    let act = |a: &str| format!("{path}/{a}");
    let empty = agent
        .post(&act("assign"), &[("csrf", &csrf), ("assign-assignee", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("href=\"#field-assign-assignee\"") && empty.has("Collègue"));
    let bis = site.fx.agent_n1_bis.id.0.to_string();
    assert!(
        empty.has(&format!(
            "value=\"{bis}\">{}</option>",
            site.fx.agent_n1_bis.display_name
        )),
        "the ticket's group's members are offered"
    );
    let assigned = agent
        .post(
            &act("assign"),
            &[("csrf", &csrf), ("assign-assignee", &bis)],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.html);
    let page = agent.get(assigned.location()).await;
    assert!(page.has("Le ticket est affecté."));
    assert!(page.has(&site.fx.agent_n1_bis.display_name));

    // Status: a pause is offered once work started; resuming is not possible while working.
    assert!(
        !page.has("id=\"field-status-status\""),
        "nothing to pause yet"
    );
    agent.post(&act("take"), &[("csrf", &csrf)]).await;
    let page = agent.get(&path).await;
    assert!(page.has("value=\"waiting_requester\"") && !page.has("value=\"resume\""));
    let unchosen = agent
        .post(&act("status"), &[("csrf", &csrf), ("status-status", "")])
        .await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchosen.has("href=\"#field-status-status\""));
    let not_now = agent
        .post(
            &act("status"),
            &[("csrf", &csrf), ("status-status", "resume")],
        )
        .await;
    assert_eq!(not_now.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_now.has("href=\"#field-status\""));
    let waiting = agent
        .post(
            &act("status"),
            &[
                ("csrf", &csrf),
                ("status-status", "waiting_requester"),
                ("status-reason", "Capture d'écran demandée"),
            ],
        )
        .await;
    assert_eq!(waiting.status, StatusCode::SEE_OTHER, "{}", waiting.html);
    let page = agent.get(waiting.location()).await;
    assert!(page.has("Le statut a été changé.") && page.has("Capture d'écran demandée"));
    assert!(page.has("value=\"resume\""));
    let resumed = agent
        .post(
            &act("status"),
            &[("csrf", &csrf), ("status-status", "resume")],
        )
        .await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", resumed.html);
    let page = agent.get(&path).await;
    assert!(page.has("En cours de traitement"));

    // Application.
    for (value, status) in [
        ("", StatusCode::UNPROCESSABLE_ENTITY),
        ("NOPE", StatusCode::UNPROCESSABLE_ENTITY),
        ("LSUN", StatusCode::SEE_OTHER),
    ] {
        let r = agent
            .post(
                &act("application"),
                &[("csrf", &csrf), ("application-application", value)],
            )
            .await;
        assert_eq!(r.status, status, "{value}: {}", r.html);
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(r.has("href=\"#field-application-application\""));
        }
    }
    let page = agent.get(&format!("{path}?done=application")).await;
    assert!(page.has("L'application a été changée."));
    assert!(page.has("value=\"LSUN\" selected"));
}
