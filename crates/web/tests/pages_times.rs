//! Times on the pages are the académie's wall-clock time (Europe/Paris by default), on both
//! engines: an absence from a summer morning to a winter morning reads 12:00 and 11:00 for
//! 10:00 UTC each, in French and in English, and a day typed in the absence form starts at
//! midnight in Paris, not in UTC.

mod pages_common;

use chrono::{TimeZone, Utc};
use guichet_app::absence::DeclareAbsence;
use guichet_testkit::{TestDb, both_engines};
use pages_common::Site;

both_engines!(
    a_summer_and_a_winter_instant_read_in_paris_time,
    a_day_typed_in_a_form_starts_at_midnight_in_paris,
);

async fn a_summer_and_a_winter_instant_read_in_paris_time(db: TestDb) {
    let site = Site::new(db).await;
    let agent = &site.fx.agent_n1;
    let caller = site.app.caller(agent.id, "test").await.expect("caller");
    let at = |y, m, d| {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
            .single()
            .expect("a date")
    };
    site.app
        .declare_absence(
            &caller,
            DeclareAbsence {
                agent: agent.id,
                delegate: site.fx.agent_n1_bis.id,
                starts_at: at(2030, 7, 1),
                ends_at: at(2031, 1, 15),
            },
        )
        .await
        .expect("declared");

    let mut browser = site.signed_in(agent).await;
    let page = browser.get("/desk/absence").await;
    assert!(
        page.has("01/07/2030 à 12:00"),
        "summer: UTC+2\n{}",
        page.html
    );
    assert!(page.has("15/01/2031 à 11:00"), "winter: UTC+1");
    assert!(!page.has("UTC"), "no UTC time is shown");

    browser.lang = Some("en".into());
    let page = browser.get("/desk/absence").await;
    assert!(page.has("2030-07-01 12:00"), "{}", page.html);
    assert!(page.has("2031-01-15 11:00"));
}

async fn a_day_typed_in_a_form_starts_at_midnight_in_paris(db: TestDb) {
    let site = Site::new(db).await;
    let agent = &site.fx.agent_n1;
    let mut browser = site.signed_in(agent).await;
    let csrf = browser.get("/desk/absence").await.csrf();
    let bis = site.fx.agent_n1_bis.id.0.to_string();
    let declared = browser
        .post(
            "/desk/absence",
            &[
                ("csrf", &csrf),
                ("absence-starts_at", "2030-07-01"),
                ("absence-ends_at", "2030-07-10"),
                ("absence-delegate", &bis),
            ],
        )
        .await;
    assert_eq!(declared.status, axum::http::StatusCode::SEE_OTHER);
    let page = browser.get(declared.location()).await;
    assert!(page.has("01/07/2030 à 00:00"), "{}", page.html);
    let caller = site.app.caller(agent.id, "test").await.expect("caller");
    let stored = site
        .app
        .absences(&caller, agent.id)
        .await
        .expect("absences");
    assert_eq!(
        stored[0].starts_at,
        Utc.with_ymd_and_hms(2030, 6, 30, 22, 0, 0)
            .single()
            .expect("a date"),
        "midnight in Paris is 22:00 UTC the day before in summer"
    );
}
