//! The quarantine of received mail, on both engines: an administrator lists refused messages
//! with their reasons, reads one in plain words, releases one (a ticket after all), is told on
//! the page why another cannot be released (422 with the summary), deletes it; the API answers
//! the same; nobody else finds it, and a form without its token is refused.

mod pages_common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use guichet_app::intake::IntakeSettings;
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::intake::{Mailbox, Policy, Reason};
use guichet_store::intake::{InboundState, NewInbound};
use guichet_testkit::{TestDb, both_engines};
use guichet_web::pages::WebConfig;
use pages_common::Site;
use std::sync::Arc;

both_engines!(an_administrator_releases_and_deletes_refused_mail);

async fn quarantined(site: &Site, key: &str, sender: &str, code: &str) -> i64 {
    let raw = format!(
        "From: {sender}\r\nTo: assistance@ac-dijon.fr\r\nSubject: Imprimante en panne\r\n\
         Message-ID: <{key}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nElle n'imprime plus rien.\r\n"
    );
    let mut tx = site.app.store().write().await.expect("write");
    let id = tx
        .insert_inbound(&NewInbound {
            dedupe_key: key.into(),
            mailbox: "assistance".into(),
            sender: sender.into(),
            subject: "Imprimante en panne".into(),
            received_at: site.app.now(),
            quota_day: "2026-12-03".into(),
            state: InboundState::Quarantined,
            reasons: vec![Reason::new(code, None)],
            ticket: None,
            entry: None,
            size: raw.len() as i64,
            raw: Some(raw.into_bytes()),
        })
        .await
        .expect("recorded");
    tx.commit().await.expect("commit");
    id
}

async fn an_administrator_releases_and_deletes_refused_mail(db: TestDb) {
    let mut site = Site::new(db).await;
    // The site's App with one mailbox configured (release reads its policy).
    let config = AppConfig {
        intake: IntakeSettings {
            mailboxes: vec![Mailbox {
                name: "assistance".into(),
                address: "assistance@ac-dijon.fr".into(),
                max_bytes: 1 << 20,
                policy: Policy::default(),
            }],
            ..IntakeSettings::default()
        },
        ..AppConfig::default()
    };
    site.app = App::new(site.app.store().clone(), Arc::new(SystemClock), config);
    site.router = guichet_web::router_with(site.app.clone(), WebConfig::default());
    let director = site.fx.director_a.email.clone();
    let known = quarantined(&site, "k1@x", &director, "intake.no_keyword").await;
    let outsider = quarantined(&site, "k2@x", "jean.dupont@gmail.com", "intake.domain").await;

    let hash = guichet_app::password::hash(pages_common::PASSWORD).expect("hashes");
    let mut tx = site.app.store().write().await.expect("write");
    tx.set_password_hash(site.fx.admin.id, &hash, chrono::Utc::now())
        .await
        .expect("password set");
    tx.commit().await.expect("commit");
    let mut admin = site.signed_in(&site.fx.admin).await;
    let list = admin.get("/admin/quarantine").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("jean.dupont@gmail.com") && list.has(&director));
    assert!(list.has("intake.domain") && list.has("intake.no_keyword"));
    let filtered = admin.get("/admin/quarantine?sender=gmail").await;
    assert!(filtered.has("jean.dupont@gmail.com") && !filtered.has(&director));

    let one = admin.get(&format!("/admin/quarantine/{outsider}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.has("seules les adresses académiques sont acceptées"));
    assert!(one.has("Elle n'imprime plus rien"));
    // The outsider is nobody in the directory: no ticket in their name, said on the page.
    let refused = admin
        .post(
            &format!("/admin/quarantine/{outsider}/release"),
            &[("csrf", &one.csrf())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("error-summary") && refused.has("n'est pas une personne active"));
    // Without the form's token: refused.
    let forged = admin
        .post(&format!("/admin/quarantine/{known}/release"), &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let page = admin.get(&format!("/admin/quarantine/{known}")).await;
    let released = admin
        .post(
            &format!("/admin/quarantine/{known}/release"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.html);
    let back = admin.get(released.location()).await;
    assert!(back.has("Message libéré"), "{}", back.html);
    let deleted = admin
        .post(
            &format!("/admin/quarantine/{outsider}/delete"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let list = admin.get("/admin/quarantine").await;
    assert!(!list.has("jean.dupont@gmail.com") && list.has("Aucun message."));

    // The API says the same to an administrator's token, and nothing to anyone else.
    let token = site
        .app
        .create_token(&Caller::system("test"), site.fx.admin.id, "t")
        .await
        .expect("token");
    let api = |t: &str, path: &str| {
        Request::builder()
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
    };
    let mut client = site.browser(None);
    let all = client
        .send(api(&token, "/api/v1/quarantine?state=all"), Body::empty())
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.html);
    let json: serde_json::Value = serde_json::from_str(&all.html).expect("json");
    let states: Vec<&str> = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["state"].as_str().expect("state"))
        .collect();
    assert_eq!(states, ["deleted", "released"]);
    let read = client
        .send(
            api(&token, &format!("/api/v1/quarantine/{known}")),
            Body::empty(),
        )
        .await;
    let json: serde_json::Value = serde_json::from_str(&read.html).expect("json");
    assert_eq!(json["reasons"][0]["code"], "intake.no_keyword");
    assert!(
        json["text"]
            .as_str()
            .expect("text")
            .contains("n'imprime plus")
    );
    let teacher = site
        .app
        .create_token(&Caller::system("test"), site.fx.teacher_a.id, "t")
        .await
        .expect("token");
    let denied = client
        .send(api(&teacher, "/api/v1/quarantine"), Body::empty())
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let mut teacher_page = site.signed_in(&site.fx.teacher_a).await;
    assert_eq!(
        teacher_page.get("/admin/quarantine").await.status,
        StatusCode::NOT_FOUND
    );
}
