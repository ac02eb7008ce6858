//! The routing and SLA administration pages, driven like a browser without JavaScript, on both
//! engines: an administrator writes a rule with the form and the next request follows it;
//! tests, disables, reorders, exports and imports rules; creates a calendar (with an ICS file
//! of school holidays) and an SLA policy; names a group's manager; agents see remaining times
//! and breaches in their queue. Bad input is a 422 naming the field (a condition's row, a
//! day of the week), and nobody but an administrator finds these pages.

mod pages_common;

use axum::http::{StatusCode, header};
use chrono::{Duration, Utc};
use guichet_core::ticket::TicketRef;
use guichet_testkit::{TestDb, both_engines};
use pages_common::{Browser, PASSWORD, Page, Site};

async fn admin(site: &Site) -> Browser<'_> {
    site.with_password(&site.fx.admin).await;
    site.signed_in(&site.fx.admin).await
}

fn redirected(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    page.location().to_owned()
}

fn unprocessable(page: &Page, field: &str) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.html
    );
    assert!(
        page.has(&format!("href=\"#field-{field}\"")),
        "the summary links to {field}: {}",
        page.html
    );
}

/// The ticket behind a reference, as the store has it.
async fn ticket(site: &Site, reference: &str) -> guichet_store::ticket::Ticket {
    let r = TicketRef::parse(reference).expect("reference");
    let mut conn = site.app.store().read().await.expect("read");
    conn.ticket_by_reference(r).await.expect("ticket")
}

/// The form of a rule "printers go to N2": one blank row first, as a person may leave one.
fn printer_rule<'a>(csrf: &'a str, desk: &'a str, group: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("rule-desk", desk),
        ("rule-name", "Imprimantes au N2"),
        ("rule-enabled", "on"),
        ("rule-on-created", "on"),
        ("rule-match", "all"),
        ("rule-cond0-field", ""),
        ("rule-cond0-op", ""),
        ("rule-cond0-value", ""),
        ("rule-cond1-field", "text"),
        ("rule-cond1-op", "contains_any"),
        ("rule-cond1-value", "imprimante, photocopieur"),
        ("rule-set_group", group),
        ("rule-add_tags", "matériel"),
    ]
}

both_engines!(
    a_rule_written_with_the_form_routes_the_next_request,
    the_rule_form_refuses_bad_input_on_its_row_and_needs_its_token,
    rules_are_reordered_exported_and_imported_and_only_administrators_see_them,
    calendars_and_policies_are_made_with_their_forms,
    queue_rows_show_the_time_left_and_breaches_in_words,
    a_manager_is_named_on_the_group_page,
);

async fn a_rule_written_with_the_form_routes_the_next_request(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let index = admin.get("/admin").await;
    for link in ["/admin/rules", "/admin/calendars", "/admin/sla"] {
        assert!(index.has(&format!("href=\"{link}\"")), "{link}");
    }
    let desk = site.fx.dsi_n1.desk.0.to_string();
    let list = admin.get(&format!("/admin/rules?desk={desk}")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("Ce guichet n'a pas encore de règle."));
    let form = admin.get(&format!("/admin/rules/new?desk={desk}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.has("Condition 3 : critère"), "blank rows are offered");
    let csrf = form.csrf();
    let n2 = site.fx.dsi_n2.code.clone();
    let created = admin
        .post("/admin/rules", &printer_rule(&csrf, &desk, &n2))
        .await;
    let at = redirected(&created);
    assert!(at.contains("done=created"), "{at}");
    let list = admin.get(&at).await;
    assert!(list.has("La règle est créée."));
    assert!(list.has("Imprimantes au N2") && list.has("Active"));
    assert!(
        list.has("Objet ou description contient l&#x27;un des mots imprimante, photocopieur")
            || list.has("Objet ou description contient l'un des mots imprimante, photocopieur"),
        "{}",
        list.html
    );

    // A director's request about a printer lands in N2, and the timeline says which rule.
    let mut director = site.signed_in(&site.fx.director_a).await;
    let reference = director
        .submit(
            &site.fx.onde.id.0.to_string(),
            "L'imprimante du bureau bourre",
        )
        .await;
    let t = ticket(&site, &reference).await;
    assert_eq!(t.group, Some(site.fx.dsi_n2.id), "routed by the rule");
    let mut conn = site.app.store().read().await.expect("read");
    assert_eq!(conn.tags(t.id).await.expect("tags"), ["matériel"]);
    let timeline = conn.timeline(t.id, true).await.expect("timeline");
    assert!(
        timeline.iter().any(|e| e.body == "Imprimantes au N2"),
        "the applied rule is on the timeline"
    );
    drop(conn);
    let other = director
        .submit(&site.fx.onde.id.0.to_string(), "Connexion impossible")
        .await;
    assert_ne!(ticket(&site, &other).await.group, Some(site.fx.dsi_n2.id));

    // "Test this rule" finds that request among the last ones, and saves nothing.
    let mut draft = printer_rule(&csrf, &desk, &n2);
    draft[2] = ("rule-name", "Brouillon");
    let tested = admin.post("/admin/rules/test", &draft).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.html);
    assert!(tested.has("Une des 1 000 dernières demandes correspond à cette règle"));
    assert!(tested.has(&reference) && !tested.has(&other));
    let list = admin.get(&format!("/admin/rules?desk={desk}")).await;
    assert!(!list.has("Brouillon"), "testing saves nothing");

    // Disabled, the rule no longer routes.
    let id = at
        .rsplit("#rule-")
        .next()
        .expect("the rule's anchor")
        .to_owned();
    let off = admin
        .post(&format!("/admin/rules/{id}/disable"), &[("csrf", &csrf)])
        .await;
    let list = admin.get(&redirected(&off)).await;
    assert!(list.has("La règle est désactivée.") && list.has("Désactivée"));
    let third = director
        .submit(&site.fx.onde.id.0.to_string(), "Imprimante hors service")
        .await;
    assert_ne!(ticket(&site, &third).await.group, Some(site.fx.dsi_n2.id));

    // Editing keeps what was typed and saves the change.
    let edit = admin.get(&format!("/admin/rules/{id}")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.html);
    assert!(edit.has("imprimante, photocopieur"), "{}", edit.html);
    let mut changed = printer_rule(&csrf, &desk, &n2);
    changed[2] = ("rule-name", "Imprimantes et copieurs au N2");
    let saved = admin.post(&format!("/admin/rules/{id}"), &changed).await;
    let page = admin.get(&redirected(&saved)).await;
    assert!(page.has("La règle est enregistrée.") && page.has("Imprimantes et copieurs au N2"));
}

async fn the_rule_form_refuses_bad_input_on_its_row_and_needs_its_token(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let desk = site.fx.dsi_n1.desk.0.to_string();
    let csrf = admin.get("/admin/rules").await.csrf();
    let n2 = site.fx.dsi_n2.code.clone();

    // A priority cannot "contain words": the error is on row 2's operator (row 1 is blank).
    let mut bad = printer_rule(&csrf, &desk, &n2);
    bad[9] = ("rule-cond1-field", "priority");
    let page = admin.post("/admin/rules", &bad).await;
    unprocessable(&page, "rule-cond1-op");
    assert!(page.has("Condition 2 : opérateur"), "{}", page.html);
    assert!(
        page.has("imprimante, photocopieur"),
        "what was typed is kept"
    );

    let mut unnamed = printer_rule(&csrf, &desk, &n2);
    unnamed[2] = ("rule-name", " ");
    unprocessable(&admin.post("/admin/rules", &unnamed).await, "rule-name");

    let mut watcher = printer_rule(&csrf, &desk, &n2);
    watcher.push(("rule-add_watchers", "pas une adresse"));
    unprocessable(
        &admin.post("/admin/rules", &watcher).await,
        "rule-add_watchers",
    );

    // The same name twice, whatever its accents or case.
    let ok = admin
        .post("/admin/rules", &printer_rule(&csrf, &desk, &n2))
        .await;
    redirected(&ok);
    let mut twice = printer_rule(&csrf, &desk, &n2);
    twice[2] = ("rule-name", "IMPRIMANTES au n2");
    unprocessable(&admin.post("/admin/rules", &twice).await, "rule-name");

    let forged = admin
        .post("/admin/rules", &printer_rule("forged", &desk, &n2)[..])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // An import that is not JSON names the file field.
    let page = admin
        .post_multipart(
            "/admin/rules/import",
            &[("csrf", &csrf), ("import-desk", &desk)],
            &[(
                "file",
                "regles.json",
                "application/json",
                b"{ oops".to_vec(),
            )],
        )
        .await;
    unprocessable(&page, "import-file");
}

async fn rules_are_reordered_exported_and_imported_and_only_administrators_see_them(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let desk = site.fx.dsi_n1.desk.0.to_string();
    let csrf = admin.get("/admin/rules").await.csrf();
    let n2 = site.fx.dsi_n2.code.clone();
    let first = admin
        .post("/admin/rules", &printer_rule(&csrf, &desk, &n2))
        .await;
    let first_id = redirected(&first)
        .rsplit("#rule-")
        .next()
        .expect("anchor")
        .to_owned();
    let mut second = printer_rule(&csrf, &desk, &n2);
    second[2] = ("rule-name", "Tout le reste");
    second[9] = ("rule-cond1-field", "");
    redirected(&admin.post("/admin/rules", &second).await);

    let list = admin.get(&format!("/admin/rules?desk={desk}")).await;
    let order = |p: &Page| {
        let a = p.html.find("Imprimantes au N2").expect("first");
        let b = p.html.find("Tout le reste").expect("second");
        a < b
    };
    assert!(order(&list), "in creation order");
    let moved = admin
        .post(&format!("/admin/rules/{first_id}/down"), &[("csrf", &csrf)])
        .await;
    let list = admin.get(&redirected(&moved)).await;
    assert!(list.has("La règle est déplacée."));
    assert!(!order(&list), "moved down");

    // Exported as a file, imported back: the same rules, in the same order.
    let file = admin.get(&format!("/admin/rules/export?desk={desk}")).await;
    assert_eq!(file.status, StatusCode::OK);
    let disposition = file.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("header");
    assert!(
        disposition.starts_with("attachment; filename=\"regles-"),
        "{disposition}"
    );
    let json: serde_json::Value = serde_json::from_slice(&file.bytes).expect("JSON");
    assert_eq!(json["rules"][0]["name"], "Tout le reste");
    let deleted = admin
        .post(
            &format!("/admin/rules/{first_id}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    let list = admin.get(&redirected(&deleted)).await;
    assert!(list.has("La règle est supprimée.") && !list.has("Imprimantes au N2"));
    let imported = admin
        .post_multipart(
            "/admin/rules/import",
            &[("csrf", &csrf), ("import-desk", &desk)],
            &[(
                "file",
                "regles.json",
                "application/json",
                file.bytes.clone(),
            )],
        )
        .await;
    let list = admin.get(&redirected(&imported)).await;
    assert!(list.has("Les règles du fichier remplacent celles du guichet."));
    assert!(list.has("Imprimantes au N2") && !order(&list));

    // First match or every rule, and the auto-close delay, with its range checked.
    let mode = admin
        .post(
            "/admin/rules/mode",
            &[
                ("csrf", &csrf),
                ("mode-desk", &desk),
                ("mode-rule_mode", "apply_all"),
                ("mode-auto_close_days", "400"),
            ],
        )
        .await;
    unprocessable(&mode, "mode-auto_close_days");
    let mode = admin
        .post(
            "/admin/rules/mode",
            &[
                ("csrf", &csrf),
                ("mode-desk", &desk),
                ("mode-rule_mode", "apply_all"),
                ("mode-auto_close_days", "10"),
            ],
        )
        .await;
    let list = admin.get(&redirected(&mode)).await;
    assert!(list.has("value=\"apply_all\" checked") && list.has("value=\"10\""));

    // Agents and directors find no such pages.
    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    for path in [
        "/admin/rules",
        "/admin/rules/new",
        "/admin/calendars",
        "/admin/sla",
        &format!("/admin/rules/export?desk={desk}"),
    ] {
        assert_eq!(
            agent.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let agent_csrf = agent.csrf().await;
    let page = agent
        .post(
            &format!("/admin/rules/{first_id}/delete"),
            &[("csrf", &agent_csrf)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270222\r\n\
SUMMARY:Vacances d'hiver - Zone A\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20270213\r\nDTEND;VALUE=DATE:20270301\r\n\
SUMMARY:Vacances d'hiver - Zone C\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn calendars_and_policies_are_made_with_their_forms(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let page = admin.get("/admin/calendars").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let csrf = page.csrf();
    let office = "08:00-12:00, 13:30-17:30";
    let calendar = |tue: &'static str| {
        vec![
            ("cal-code", "strasbourg"),
            ("cal-name", "Rectorat de Strasbourg"),
            ("cal-time_zone", "Europe/Paris"),
            ("cal-territory", "alsace_moselle"),
            ("cal-observes_holidays", "on"),
            ("cal-hours-mon", office),
            ("cal-hours-tue", tue),
            ("cal-hours-wed", office),
            ("cal-hours-thu", office),
            ("cal-hours-fri", office),
            ("cal-hours-sat", ""),
            ("cal-hours-sun", ""),
            ("cal-closures", "2027-05-07 Pont de l'Ascension"),
        ]
    };
    let mut bad = calendar("8h-12h");
    bad.push(("csrf", &csrf));
    let page = admin.post("/admin/calendars", &bad).await;
    unprocessable(&page, "cal-hours-tue");
    assert!(page.has("Mardi"), "the day is named");
    assert!(page.has("value=\"8h-12h\""), "what was typed is kept");
    let mut bad = calendar(office);
    bad.push(("csrf", &csrf));
    bad[12] = ("cal-closures", "2027-05-07 Pont\nlundi prochain");
    let page = admin.post("/admin/calendars", &bad).await;
    unprocessable(&page, "cal-closures");
    assert!(page.has("La ligne 2"), "{}", page.html);

    let mut good = calendar(office);
    good.push(("csrf", &csrf));
    let at = redirected(&admin.post("/admin/calendars", &good).await);
    let page = admin.get(&at).await;
    assert!(page.has("Le calendrier est créé."), "{}", page.html);
    assert!(
        page.has("Vendredi saint") && page.has("Saint-Étienne"),
        "Alsace-Moselle"
    );
    assert!(page.has("Pont de l&#x27;Ascension") || page.has("Pont de l'Ascension"));
    let cal_path = at.trim_end_matches("?done=created").to_owned();
    let cal_id = cal_path.rsplit('/').next().expect("id").to_owned();

    // Zone A's winter holidays from the school calendar's file replace the closures.
    let page = admin
        .post_multipart(
            &format!("{cal_path}/closures"),
            &[("csrf", &csrf), ("ics-zone", "A")],
            &[(
                "file",
                "calendrier.ics",
                "text/calendar",
                ICS.as_bytes().to_vec(),
            )],
        )
        .await;
    let page = admin.get(&redirected(&page)).await;
    assert!(page.has("du 2027-02-06 au 2027-02-21"), "{}", page.html);
    assert!(!page.has("2027-02-28"), "zone C is not ours");
    let page = admin
        .post_multipart(
            &format!("{cal_path}/closures"),
            &[("csrf", &csrf), ("ics-zone", "A")],
            &[(
                "file",
                "calendrier.ics",
                "text/calendar",
                b"pas un calendrier".to_vec(),
            )],
        )
        .await;
    unprocessable(&page, "ics-ics");

    // A policy on that calendar; a warning at 150 % is refused on its field.
    let desk = site.fx.dsi_n1.desk.0.to_string();
    let policy = |warn: &'static str| {
        vec![
            ("pol-code", "dsi-standard"),
            ("pol-name", "DSI standard"),
            ("pol-desk", desk.as_str()),
            ("pol-application", ""),
            ("pol-priority", ""),
            ("pol-calendar", cal_id.as_str()),
            ("pol-take_in_charge_minutes", "240"),
            ("pol-resolve_minutes", "1440"),
            ("pol-warn_percent", warn),
            ("pol-breach_next_level", "on"),
        ]
    };
    let mut bad = policy("150");
    bad.push(("csrf", &csrf));
    unprocessable(&admin.post("/admin/sla", &bad).await, "pol-warn_percent");
    let mut good = policy("75");
    good.push(("csrf", &csrf));
    let at = redirected(&admin.post("/admin/sla", &good).await);
    let page = admin.get(&at).await;
    assert!(
        page.has("L&#x27;engagement de service est créé.")
            || page.has("L'engagement de service est créé.")
    );
    let list = admin.get("/admin/sla").await;
    assert!(
        list.has("Prise en charge en 4 h, résolution en 24 h (alerte à 75 %)"),
        "{}",
        list.html
    );
    assert!(list.has("escalade au niveau suivant"));
    let path = at.trim_end_matches("?done=created").to_owned();
    let mut changed = policy("90");
    changed.push(("csrf", &csrf));
    changed[1] = ("pol-name", "DSI renforcé");
    let saved = admin.post(&path, &changed).await;
    let page = admin.get(&redirected(&saved)).await;
    assert!(
        page.has("DSI renforcé") && page.has("value=\"90\""),
        "{}",
        page.html
    );

    // Created in English too.
    let mut en = site.browser(Some("en"));
    en.sign_in(&site.fx.admin.email, PASSWORD).await;
    let page = en.get("/admin/calendars").await;
    assert!(page.has("Business-hours calendars"), "{}", page.html);
}

async fn queue_rows_show_the_time_left_and_breaches_in_words(db: TestDb) {
    let site = Site::new(db).await;
    let admin_caller = guichet_app::Caller::system("test");
    let mut always = serde_json::json!({
        "time_zone": "Europe/Paris", "territory": "metropole", "observes_holidays": false,
        "hours": {},
    });
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        always["hours"][d] = serde_json::json!(["00:00-24:00"]);
    }
    let cal = site
        .app
        .create_calendar(
            &admin_caller,
            guichet_app::sla::CalendarInput {
                code: "h24".into(),
                name: "Toujours ouvert".into(),
                definition: always,
            },
        )
        .await
        .expect("calendar");
    site.app
        .create_policy(
            &admin_caller,
            guichet_app::sla::PolicyInput {
                code: "dsi".into(),
                name: "DSI".into(),
                desk: site.fx.dsi_n1.desk,
                application: None,
                priority: None,
                calendar: cal.id,
                take_in_charge_minutes: 180,
                resolve_minutes: 2 * 24 * 60 + 60,
                warn_percent: 80,
                breach_raise_priority: false,
                breach_next_level: false,
            },
        )
        .await
        .expect("policy");
    let mut director = site.signed_in(&site.fx.director_a).await;
    let late = director
        .submit(&site.fx.onde.id.0.to_string(), "Délai dépassé")
        .await;
    let fresh = director
        .submit(&site.fx.onde.id.0.to_string(), "Tout juste arrivée")
        .await;
    // The first one missed its take-in-charge target an hour ago (as the sweep found).
    let t = ticket(&site, &late).await;
    let mut tx = site.app.store().write().await.expect("write");
    let mut sla = tx.ticket_sla(t.id).await.expect("read").expect("clocks");
    sla.take_in_charge.due = Some(Utc::now() - Duration::hours(1));
    sla.take_in_charge.breached = true;
    tx.put_ticket_sla(&sla).await.expect("put");
    tx.commit().await.expect("commit");

    let mut agent = site.signed_in(&site.fx.agent_n1).await;
    let group = site.fx.dsi_n1.id.0;
    let page = agent.get(&format!("/desk/queues/group-{group}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has(&late) && page.has(&fresh));
    assert!(page.has("Prise en charge en retard"), "{}", page.html);
    assert!(page.has("Prise en charge dans 2 h") || page.has("Prise en charge dans 3 h"));
    assert!(page.has("Résolution dans 2 j"), "{}", page.html);
    let en = {
        let mut b = site.browser(Some("en"));
        b.sign_in(&site.fx.agent_n1.email, PASSWORD).await;
        b.get(&format!("/desk/queues/group-{group}")).await
    };
    assert!(en.has("Take in charge overdue"), "{}", en.html);
}

async fn a_manager_is_named_on_the_group_page(db: TestDb) {
    let site = Site::new(db).await;
    let mut admin = admin(&site).await;
    let group = site.fx.dsi_n1.id.0;
    let agent = site.fx.agent_n1.id.0;
    let page = admin.get(&format!("/admin/groups/{group}")).await;
    assert!(page.has("Nommer responsable"), "{}", page.html);
    let csrf = page.csrf();
    let done = admin
        .post(
            &format!("/admin/groups/{group}/members/{agent}/manager"),
            &[("csrf", &csrf), ("manager", "yes")],
        )
        .await;
    let page = admin.get(&redirected(&done)).await;
    assert!(page.has("responsable du groupe") && page.has("Retirer le rôle de responsable"));
    let managers = site
        .app
        .store()
        .read()
        .await
        .expect("read")
        .group_managers(site.fx.dsi_n1.id)
        .await
        .expect("managers");
    assert_eq!(managers, [site.fx.agent_n1.id]);
}
