//! `/notifications` on both engines: a director reads the notice of their new request with the
//! unread count and a link to the request, marks everything read (with the form's token only),
//! and another person sees none of it; a visitor who is not signed in is sent to sign in.

mod pages_common;

use axum::http::StatusCode;
use guichet_app::notify::{NotifySettings, TicketEvent};
use guichet_testkit::{TestDb, both_engines};
use pages_common::Site;
use serde_json::json;

both_engines!(a_person_reads_their_notices_and_marks_them_read);

/// What the notification job does with the pending events, without SMTP: notices recorded for
/// the in-app list.
async fn record_notices(site: &Site) {
    let events = site
        .app
        .store()
        .read()
        .await
        .expect("read")
        .pending_events(50)
        .await
        .expect("events");
    assert!(!events.is_empty(), "the submission wrote its event");
    for e in events {
        let event = TicketEvent::from_job(&json!({
            "event_id": e.id, "event": e.kind.as_str(), "at": e.at,
            "ticket": e.ticket.map(|t| t.0), "actor": e.actor.map(|a| a.0), "payload": e.payload,
        }))
        .expect("an event");
        let settings = NotifySettings {
            email: false,
            digest_hour: 16,
        };
        site.app
            .notify_event(&event, &settings)
            .await
            .expect("recorded");
    }
}

async fn a_person_reads_their_notices_and_marks_them_read(db: TestDb) {
    let site = Site::new(db).await;
    let mut anonymous = site.browser(None);
    let page = anonymous.get("/notifications").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "sent to sign in");
    assert!(
        page.location().starts_with("/sign-in"),
        "{}",
        page.location()
    );

    let mut director = site.signed_in(&site.fx.director_a).await;
    let empty = director.get("/notifications").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.html);
    assert!(empty.has("Aucune notification non lue."), "{}", empty.html);
    assert!(
        empty.has("href=\"/notifications\""),
        "the header links the page"
    );

    let reference = director.submit("ONDE", "ONDE : admissions bloquées").await;
    record_notices(&site).await;

    let page = director.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Une notification non lue."), "{}", page.html);
    assert!(
        page.has("Demande enregistrée : ONDE : admissions bloquées"),
        "{}",
        page.html
    );
    assert!(
        page.has(&format!("href=\"/requests/{reference}\"")),
        "the notice opens the request"
    );

    // Someone else sees none of the director's notices.
    let mut other = site.signed_in(&site.fx.director_b).await;
    let theirs = other.get("/notifications").await;
    assert!(!theirs.has("admissions bloquées"), "{}", theirs.html);

    // Marking read needs the form's token.
    let refused = director.post("/notifications/read", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        site.app
            .unread_notifications(&caller(&site, &site.fx.director_a).await)
            .await
            .expect("count"),
        1
    );
    let csrf = page.csrf();
    let done = director
        .post("/notifications/read", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let after = director.get(done.location()).await;
    assert!(after.has("Aucune notification non lue."), "{}", after.html);
    assert!(
        after.has("Toutes vos notifications sont marquées comme lues."),
        "{}",
        after.html
    );
    assert!(after.has("admissions bloquées"), "read notices stay listed");

    // In English when the person chose it.
    let mut english = site.browser(Some("en"));
    english
        .sign_in(&site.fx.director_a.email, pages_common::PASSWORD)
        .await;
    let en = english.get("/notifications").await;
    assert!(en.has("My notifications"), "{}", en.html);
    assert!(en.has("No unread notification."), "{}", en.html);
}

async fn caller(site: &Site, person: &guichet_store::person::Person) -> guichet_app::Caller {
    site.app.caller(person.id, "test").await.expect("a caller")
}
