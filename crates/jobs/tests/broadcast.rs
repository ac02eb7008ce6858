//! Mass information end to end on both engines, against a real SMTP server (aiosmtpd on
//! loopback) whose maildir the tests read back: an IEN informs the directors of their
//! circonscription (each once, in their language, with the headers that keep auto-responders
//! quiet; the in-app notice for someone without an address; the banner to the audience only);
//! nobody informs beyond their zone; a retried send job never mails twice; the rate places
//! batches on the clock, not in a sleep; a scheduled broadcast waits and can be cancelled.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_app::broadcast::{AudienceInput, ComposeBroadcast, SEND_KIND};
use guichet_app::{App, AppConfig, AppError, Caller, Clock};
use guichet_core::broadcast::BroadcastStatus;
use guichet_core::person::{Locale, RoleKind};
use guichet_jobs::broadcast::Broadcaster;
use guichet_jobs::{Pool, PoolConfig, Registry};
use guichet_mail::{MailConfig, SmtpConfig, SmtpMailer};
use guichet_store::job::NewJob;
use guichet_store::person::{NewPerson, Person};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::{SmtpServer, decode, header, words};
use guichet_testkit::{TestDb, both_engines};
use std::sync::{Arc, Mutex};

both_engines!(
    directors_of_a_circonscription_are_told_once_each_in_their_language,
    nobody_informs_beyond_their_zone,
    a_retried_send_job_never_mails_twice,
    the_rate_spreads_batches_over_the_clock,
    a_scheduled_broadcast_waits_and_can_be_cancelled,
    an_address_marked_bouncing_is_told_in_the_application_only,
);

#[derive(Debug)]
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

struct Env {
    app: App,
    pool: Pool,
    clock: Arc<TestClock>,
    fx: Fixture,
    smtp: SmtpServer,
}

async fn env(db: &TestDb) -> Env {
    let fx = Fixture::build(&db.store).await;
    let clock = Arc::new(TestClock(Mutex::new(
        Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
            .single()
            .expect("a valid date"),
    )));
    let app = App::new(db.store.clone(), clock.clone(), AppConfig::default());
    let smtp = SmtpServer::start();
    let mail = MailConfig {
        from: "Guichet <guichet@ac-dijon.fr>".into(),
        reply_to: "assistance@ac-dijon.fr".into(),
        public_url: "https://guichet.ac-dijon.fr".into(),
        smtp: SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp.port,
            ..SmtpConfig::default()
        },
        ..MailConfig::default()
    };
    let mailer = SmtpMailer::new(&mail.smtp).expect("transport");
    let registry = Broadcaster::new(app.clone(), Some(mailer), mail).register(Registry::new());
    let pool = Pool::new(
        db.store.clone(),
        clock.clone(),
        registry,
        PoolConfig::default(),
    );
    Env {
        app,
        pool,
        clock,
        fx,
        smtp,
    }
}

impl Env {
    async fn caller(&self, p: &Person) -> Caller {
        self.app.caller(p.id, "test").await.expect("caller")
    }

    /// Runs every due job; returns how many ran.
    async fn run_jobs(&self) -> usize {
        let mut n = 0;
        while self.pool.run_once("test-worker").await.expect("run") {
            n += 1;
            assert!(n < 1000, "the queue never drains");
        }
        n
    }

    async fn person(
        &self,
        email: &str,
        name: &str,
        locale: Locale,
        roles: &[(RoleKind, i64)],
    ) -> Person {
        let mut tx = self.app.store().write().await.expect("tx");
        let p = tx
            .insert_person(
                &NewPerson {
                    uid: None,
                    email: email.into(),
                    display_name: name.into(),
                    locale,
                },
                Utc::now(),
            )
            .await
            .expect("person");
        for (kind, node) in roles {
            tx.add_role(p.id, *kind, guichet_core::OrgNodeId(*node))
                .await
                .expect("role");
        }
        tx.commit().await.expect("commit");
        p
    }

    fn directors_of(&self, zones: Vec<i64>) -> ComposeBroadcast {
        ComposeBroadcast {
            subject_fr: "Coupure ONDE mercredi".into(),
            body_fr:
                "ONDE sera indisponible mercredi de 8 h à 10 h.\n\nMerci de votre compréhension."
                    .into(),
            subject_en: "ONDE outage on Wednesday".into(),
            body_en: "ONDE will be unavailable on Wednesday from 8 to 10 am.".into(),
            audience: AudienceInput {
                roles: vec!["director".into()],
                zones,
                uais: Vec::new(),
            },
            rate_per_minute: Some(0),
            banner_until: None,
        }
    }
}

async fn directors_of_a_circonscription_are_told_once_each_in_their_language(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let (a, b) = (fx.school_a.id.0, fx.school_b.id.0);
    // Director of both schools: one message, not two.
    let both = e
        .person(
            "double@ac-dijon.fr",
            "Paul Double",
            Locale::Fr,
            &[(RoleKind::Director, a), (RoleKind::Director, b)],
        )
        .await;
    let english = e
        .person(
            "jane.doe@ac-dijon.fr",
            "Jane Doe",
            Locale::En,
            &[(RoleKind::Director, b)],
        )
        .await;
    // No address: the in-app notice only.
    let silent = e
        .person("", "Sans Adresse", Locale::Fr, &[(RoleKind::Director, b)])
        .await;
    let ien = e.caller(&fx.ien_dijon).await;
    let mut input = e.directors_of(vec![fx.circ_dijon.id.0]);
    input.banner_until = Some(e.clock.now() + Duration::days(3));

    let preview = e
        .app
        .preview_audience(&ien, &input.audience)
        .await
        .expect("preview");
    assert_eq!(
        preview.count, 5,
        "directors A and B, Paul once, Jane, the one without address"
    );
    let names: Vec<&str> = preview.sample.iter().map(|m| m.name.as_str()).collect();
    assert!(
        names.contains(&"Paul Double") && names.contains(&"Claire Martin"),
        "{names:?}"
    );
    assert_eq!(names.iter().filter(|n| **n == "Paul Double").count(), 1);
    assert!(
        !names.contains(&fx.director_c.display_name.as_str()),
        "Mâcon is not in Dijon 1"
    );

    let draft = e.app.create_broadcast(&ien, input).await.expect("created");
    assert_eq!(draft.broadcast.status, BroadcastStatus::Draft);
    assert_eq!(e.run_jobs().await, 0, "a draft sends nothing");
    e.app
        .send_broadcast(&ien, draft.broadcast.id, None)
        .await
        .expect("sent");
    e.run_jobs().await;

    for p in [&fx.director_a, &fx.director_b, &both] {
        let got = e.smtp.messages_to(&p.email);
        assert_eq!(got.len(), 1, "{} once", p.display_name);
        let m = &got[0];
        assert_eq!(
            words(&header(m, "Subject").expect("subject")),
            "[Guichet] Coupure ONDE mercredi"
        );
        assert!(decode(m).contains("ONDE sera indisponible mercredi"));
        assert_eq!(
            header(m, "Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
        assert_eq!(
            header(m, "X-Auto-Response-Suppress").as_deref(),
            Some("All")
        );
        let id = header(m, "Message-ID").expect("message id");
        assert_eq!(
            id,
            format!("<broadcast-{}.{}@ac-dijon.fr>", draft.broadcast.id, p.id.0)
        );
    }
    let jane = e.smtp.messages_to(&english.email);
    assert_eq!(jane.len(), 1);
    assert_eq!(
        words(&header(&jane[0], "Subject").expect("subject")),
        "[Guichet] ONDE outage on Wednesday"
    );
    assert!(decode(&jane[0]).contains("it cannot be turned off in your preferences"));
    for outside in [&fx.director_c, &fx.teacher_a, &fx.ien_dijon] {
        assert!(
            e.smtp.messages_to(&outside.email).is_empty(),
            "{}",
            outside.display_name
        );
    }
    assert_eq!(e.smtp.messages().len(), 4);

    let done = e
        .app
        .broadcast(&ien, draft.broadcast.id)
        .await
        .expect("read");
    assert_eq!(done.broadcast.status, BroadcastStatus::Sent);
    assert_eq!(
        (
            done.progress.sent,
            done.progress.skipped,
            done.progress.total()
        ),
        (4, 1, 5)
    );
    let states = e
        .app
        .broadcast_recipients(&ien, draft.broadcast.id, Some("sent"), None, 100)
        .await
        .expect("recipients");
    assert_eq!(states.len(), 4);
    assert!(
        states
            .iter()
            .all(|r| r.smtp_answer.as_deref().is_some_and(|a| !a.is_empty()))
    );

    // Everyone of the audience has the in-app notice, the one without address too.
    let silent_caller = e.caller(&silent).await;
    let notices = e
        .app
        .my_notifications(&silent_caller, None, 10)
        .await
        .expect("notices");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, "broadcast");
    assert_eq!(notices[0].data["subject"], "Coupure ONDE mercredi");
    // The banner shows to the audience only.
    let director = e.caller(&fx.director_a).await;
    let banners = e.app.banners(&director).await.expect("banners");
    assert_eq!(banners.len(), 1);
    assert_eq!(banners[0].subject_fr, "Coupure ONDE mercredi");
    let macon = e.caller(&fx.director_c).await;
    assert!(e.app.banners(&macon).await.expect("banners").is_empty());
    e.clock.advance(Duration::days(4));
    assert!(
        e.app.banners(&director).await.expect("banners").is_empty(),
        "ended"
    );

    let mut conn = e.app.store().read().await.expect("conn");
    let trail = conn
        .audit_trail("broadcast", &draft.broadcast.id.to_string())
        .await
        .expect("audit");
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["broadcast.create", "broadcast.schedule"]);
}

fn rule(e: AppError) -> &'static str {
    match e {
        AppError::Forbidden(d) => d.rule,
        other => panic!("not a refusal: {other:?}"),
    }
}

async fn nobody_informs_beyond_their_zone(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let ien = e.caller(&fx.ien_dijon).await;
    for beyond in [
        fx.circ_macon.id.0,
        fx.dep21.id.0,
        fx.academie.id.0,
        fx.school_c.id.0,
    ] {
        let refused = e
            .app
            .create_broadcast(&ien, e.directors_of(vec![fx.circ_dijon.id.0, beyond]))
            .await
            .expect_err("beyond the circonscription");
        assert_eq!(rule(refused), "broadcast.beyond_zone");
        let refused = e
            .app
            .preview_audience(&ien, &e.directors_of(vec![beyond]).audience)
            .await
            .expect_err("no preview either");
        assert_eq!(rule(refused), "broadcast.beyond_zone");
    }
    // By UAI: Mâcon's school is beyond too.
    let mut by_uai = e.directors_of(Vec::new());
    by_uai.audience.uais = vec![fx.school_c.uai.as_ref().expect("uai").as_str().to_owned()];
    assert_eq!(
        rule(
            e.app
                .create_broadcast(&ien, by_uai.clone())
                .await
                .expect_err("beyond")
        ),
        "broadcast.beyond_zone"
    );
    let director = e.caller(&fx.director_a).await;
    assert_eq!(
        rule(
            e.app
                .create_broadcast(&director, e.directors_of(vec![fx.school_a.id.0]))
                .await
                .expect_err("a director informs nobody")
        ),
        "broadcast.steering_only"
    );
    // The DASEN of Saône-et-Loire informs Mâcon; an administrator the académie.
    let dasen = e.caller(&fx.dasen71).await;
    e.app
        .create_broadcast(&dasen, by_uai)
        .await
        .expect("the DASEN's département");
    let admin = e.caller(&fx.admin).await;
    let all = e
        .app
        .create_broadcast(&admin, e.directors_of(vec![fx.academie.id.0]))
        .await
        .expect("the académie");
    // The IEN does not see the académie's broadcast.
    assert!(matches!(
        e.app.broadcast(&ien, all.broadcast.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(
        e.app
            .broadcasts(&ien, None, 20)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        e.app
            .broadcasts(&admin, None, 20)
            .await
            .expect("list")
            .len(),
        2
    );
    // A field at fault is named.
    let mut bad = e.directors_of(vec![fx.circ_dijon.id.0]);
    bad.audience.roles = vec!["pilote".into()];
    assert!(matches!(
        e.app.create_broadcast(&ien, bad).await,
        Err(AppError::Invalid(f)) if f.field == "roles"
    ));
    let mut bad = e.directors_of(vec![fx.circ_dijon.id.0]);
    bad.subject_fr = " ".into();
    assert!(matches!(
        e.app.create_broadcast(&ien, bad).await,
        Err(AppError::Invalid(f)) if f.field == "subject_fr"
    ));
    assert!(e.smtp.messages().is_empty());
}

async fn a_retried_send_job_never_mails_twice(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let ien = e.caller(&fx.ien_dijon).await;
    let b = e
        .app
        .create_broadcast(&ien, e.directors_of(vec![fx.circ_dijon.id.0]))
        .await
        .expect("created");
    e.app
        .send_broadcast(&ien, b.broadcast.id, None)
        .await
        .expect("sent");
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 2);
    // The same batch again, as a worker that died before recording its job done would run it.
    let mut tx = e.app.store().write().await.expect("tx");
    tx.enqueue(
        &NewJob {
            kind: SEND_KIND.into(),
            unique_key: None,
            payload: serde_json::json!({ "broadcast": b.broadcast.id, "first": 0, "last": i64::MAX }),
            run_at: e.clock.now(),
            max_attempts: 3,
        },
        e.clock.now(),
    )
    .await
    .expect("enqueued");
    tx.commit().await.expect("commit");
    assert_eq!(e.run_jobs().await, 1);
    assert_eq!(e.smtp.messages().len(), 2, "nobody mailed twice");
    // And sending it again is refused.
    assert!(matches!(
        e.app.send_broadcast(&ien, b.broadcast.id, None).await,
        Err(AppError::Conflict {
            code: "broadcast.already_sent",
            ..
        })
    ));
}

async fn the_rate_spreads_batches_over_the_clock(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    for i in 0..3 {
        e.person(
            &format!("dir{i}@ac-dijon.fr"),
            &format!("Directeur {i}"),
            Locale::Fr,
            &[(RoleKind::Director, fx.school_b.id.0)],
        )
        .await;
    }
    let ien = e.caller(&fx.ien_dijon).await;
    let mut input = e.directors_of(vec![fx.circ_dijon.id.0]);
    input.rate_per_minute = Some(2);
    let b = e.app.create_broadcast(&ien, input).await.expect("created");
    e.app
        .send_broadcast(&ien, b.broadcast.id, None)
        .await
        .expect("sent");
    // Five recipients at two a minute: 2 now, 2 a minute later, the last one after two.
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 2);
    e.clock.advance(Duration::seconds(59));
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 2, "not before the minute");
    e.clock.advance(Duration::seconds(1));
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 4);
    let view = e.app.broadcast(&ien, b.broadcast.id).await.expect("read");
    assert_eq!(
        (view.broadcast.status, view.progress.queued),
        (BroadcastStatus::Sending, 1)
    );
    e.clock.advance(Duration::seconds(60));
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 5);
    let view = e.app.broadcast(&ien, b.broadcast.id).await.expect("read");
    assert_eq!(view.broadcast.status, BroadcastStatus::Sent);
}

async fn a_scheduled_broadcast_waits_and_can_be_cancelled(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let ien = e.caller(&fx.ien_dijon).await;
    let later = e
        .app
        .create_broadcast(&ien, e.directors_of(vec![fx.circ_dijon.id.0]))
        .await
        .expect("created");
    let at = e.clock.now() + Duration::hours(2);
    let s = e
        .app
        .send_broadcast(&ien, later.broadcast.id, Some(at))
        .await
        .expect("scheduled");
    assert_eq!(
        (s.broadcast.status, s.broadcast.send_at),
        (BroadcastStatus::Scheduled, Some(at))
    );
    e.run_jobs().await;
    assert!(e.smtp.messages().is_empty(), "not yet");
    // Rescheduled sooner: the new date wins, the old job finds nothing to do.
    let sooner = e.clock.now() + Duration::hours(1);
    e.app
        .send_broadcast(&ien, later.broadcast.id, Some(sooner))
        .await
        .expect("rescheduled");
    e.clock.advance(Duration::minutes(61));
    e.run_jobs().await;
    assert_eq!(e.smtp.messages().len(), 2);
    e.clock.advance(Duration::hours(2));
    e.run_jobs().await;
    assert_eq!(
        e.smtp.messages().len(),
        2,
        "the first date's job sends nothing more"
    );

    let cancelled = e
        .app
        .create_broadcast(&ien, e.directors_of(vec![fx.circ_dijon.id.0]))
        .await
        .expect("created");
    e.app
        .send_broadcast(
            &ien,
            cancelled.broadcast.id,
            Some(e.clock.now() + Duration::hours(1)),
        )
        .await
        .expect("scheduled");
    let c = e
        .app
        .cancel_broadcast(&ien, cancelled.broadcast.id)
        .await
        .expect("cancelled");
    assert_eq!(c.broadcast.status, BroadcastStatus::Cancelled);
    e.clock.advance(Duration::hours(2));
    e.run_jobs().await;
    assert_eq!(
        e.smtp.messages().len(),
        2,
        "a cancelled broadcast sends nothing"
    );
    assert!(matches!(
        e.app.cancel_broadcast(&ien, later.broadcast.id).await,
        Err(AppError::Conflict {
            code: "broadcast.already_sent",
            ..
        })
    ));
}

async fn an_address_marked_bouncing_is_told_in_the_application_only(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let ien = e.caller(&fx.ien_dijon).await;
    // Director B's address bounced three times (the default threshold): marked bouncing.
    let mut tx = e.app.store().write().await.expect("tx");
    for _ in 0..3 {
        tx.record_bounce(&fx.director_b.email, 3, e.clock.now())
            .await
            .expect("bounce recorded");
    }
    tx.commit().await.expect("commit");

    let draft = e
        .app
        .create_broadcast(&ien, e.directors_of(vec![fx.circ_dijon.id.0]))
        .await
        .expect("created");
    e.app
        .send_broadcast(&ien, draft.broadcast.id, None)
        .await
        .expect("sent");
    e.run_jobs().await;

    assert_eq!(e.smtp.messages_to(&fx.director_a.email).len(), 1);
    assert!(
        e.smtp.messages_to(&fx.director_b.email).is_empty(),
        "a bouncing address is not mailed"
    );
    let done = e
        .app
        .broadcast(&ien, draft.broadcast.id)
        .await
        .expect("read");
    assert_eq!((done.progress.sent, done.progress.skipped), (1, 1));
    let b = e.caller(&fx.director_b).await;
    let notices = e.app.my_notifications(&b, None, 10).await.expect("notices");
    assert_eq!(notices.len(), 1, "told in the application");
    assert_eq!(notices[0].kind, "broadcast");
}
