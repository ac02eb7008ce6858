//! Notifications end to end on both engines: use cases write outbox events, the pool's
//! dispatcher and handlers record who is told what and hand each notice to a real SMTP server
//! (aiosmtpd on loopback), and the tests read the delivered messages back: who got what, in
//! which language, threaded on the ticket; nothing for one's own action; a retried job never
//! mails twice; preferences (digest, off) and the always-sent notices; a delegate stands in for
//! an absent agent; a refusal is recorded with the server's answer; an SLA target nearly spent
//! reaches the group's agents, a missed one the group's managers.

use chrono::{DateTime, Duration, TimeZone, Utc};
use guichet_app::absence::DeclareAbsence;
use guichet_app::notify::{NotifySettings, SEND_KIND, TicketEvent};
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, Caller, Clock};
use guichet_core::person::Locale;
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_jobs::notify::Notifier;
use guichet_jobs::{Pool, PoolConfig, Registry};
use guichet_mail::{MailConfig, SmtpConfig, SmtpMailer};
use guichet_store::job::{JobState, NewJob};
use guichet_store::notification::{Delivery, DeliveryState};
use guichet_store::person::{NewPerson, Person};
use guichet_store::ticket::Ticket;
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::{SmtpServer, decode, header, words};
use guichet_testkit::{TestDb, both_engines};
use std::sync::{Arc, Mutex};

both_engines!(
    a_tickets_life_reaches_each_person_once_in_their_language,
    a_retried_job_never_mails_twice,
    preferences_gather_a_digest_or_keep_quiet_but_essentials_go,
    an_absent_agents_delegate_is_told_too,
    a_refused_address_is_recorded_with_the_servers_answer,
    a_near_target_tells_the_group_and_a_breach_its_managers,
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
    mail: MailConfig,
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
    let registry = Notifier::new(app.clone(), Some(mailer), mail.clone()).register(Registry::new());
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
        mail,
    }
}

impl Env {
    async fn caller(&self, p: &Person) -> Caller {
        self.app.caller(p.id, "test").await.expect("caller")
    }

    /// Dispatches the outbox and runs every due job; returns how many ran.
    async fn run_jobs(&self) -> usize {
        self.pool.dispatch_outbox().await.expect("dispatch");
        let mut n = 0;
        while self.pool.run_once("test-worker").await.expect("run") {
            n += 1;
            assert!(n < 1000, "the queue never drains");
        }
        n
    }

    async fn submit(&self, by: &Person, subject: &str) -> Ticket {
        let caller = self.caller(by).await;
        self.app
            .submit(
                &caller,
                SubmitTicket {
                    on_behalf_of: None,
                    establishment: Some(self.fx.school_a.id),
                    application: None,
                    ticket_type: TicketType::Incident,
                    channel: Channel::Web,
                    subject: subject.into(),
                    body: "Les bulletins ne s'affichent plus.".into(),
                    urgency: Urgency::Medium,
                    impact: Impact::Medium,
                    attachments: Vec::new(),
                },
            )
            .await
            .expect("submitted")
    }

    /// The subjects (decoded) of the messages delivered to `who`, oldest first.
    fn subjects(&self, who: &Person) -> Vec<String> {
        self.smtp
            .messages_to(&who.email)
            .iter()
            .map(|m| words(&header(m, "Subject").expect("a subject")))
            .collect()
    }

    async fn person(&self, email: &str, name: &str, locale: Locale) -> Person {
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
        tx.commit().await.expect("commit");
        p
    }
}

async fn a_tickets_life_reaches_each_person_once_in_their_language(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let t = e.submit(&fx.director_a, "LSUN : bulletins bloqués").await;
    let r = t.reference.to_string();
    // An English-speaking watcher follows the request "as the requester".
    let watcher = e
        .person("inspector@ac-dijon.fr", "Ann Smith", Locale::En)
        .await;
    let mut tx = e.app.store().write().await.expect("tx");
    tx.add_watcher(t.id, watcher.id).await.expect("watcher");
    tx.commit().await.expect("commit");
    e.run_jobs().await;

    assert_eq!(
        e.subjects(&fx.director_a),
        vec![format!(
            "[Guichet #{r}] Demande enregistrée : LSUN : bulletins bloqués"
        )]
    );
    for agent in [&fx.agent_n1, &fx.agent_n1_bis] {
        assert_eq!(
            e.subjects(agent),
            vec![format!(
                "[Guichet #{r}] Nouvelle demande pour Assistance N1 : LSUN : bulletins bloqués"
            )]
        );
    }
    let first = &e.smtp.messages_to(&fx.director_a.email)[0];
    let root = header(first, "Message-ID").expect("message id");
    assert!(root.starts_with(&format!("<ticket-{r}.")), "{root}");
    assert!(root.ends_with("@ac-dijon.fr>"), "{root}");
    let text = decode(first);
    assert!(text.contains(&format!("sous la référence {r}")), "{text}");
    assert!(text.contains(&format!("https://guichet.ac-dijon.fr/requests/{r}")));
    let agent_mail = decode(&e.smtp.messages_to(&fx.agent_n1.email)[0]);
    assert!(agent_mail.contains(&format!("https://guichet.ac-dijon.fr/desk/tickets/{r}")));

    let agent = e.caller(&fx.agent_n1).await;
    e.clock.advance(Duration::minutes(5));
    e.app.take_in_charge(&agent, t.id).await.expect("taken");
    e.app
        .reply(
            &agent,
            t.id,
            "Videz le cache du navigateur, puis réessayez.",
            vec![],
            true,
        )
        .await
        .expect("asked");
    e.run_jobs().await;
    let director = e.smtp.messages_to(&fx.director_a.email);
    assert_eq!(director.len(), 3);
    let taken = decode(&director[1]);
    assert!(
        taken.contains("prise en charge par Sophie Garnier"),
        "{taken}"
    );
    let waiting = &director[2];
    assert_eq!(
        words(&header(waiting, "Subject").expect("subject")),
        format!("[Guichet #{r}] Votre réponse est attendue : LSUN : bulletins bloqués")
    );
    assert!(decode(waiting).contains("Videz le cache du navigateur"));
    for m in &director[1..] {
        assert_eq!(header(m, "In-Reply-To").as_ref(), Some(&root));
        assert_eq!(header(m, "References").as_ref(), Some(&root));
        assert_eq!(
            header(m, "Reply-To").as_deref(),
            Some("assistance@ac-dijon.fr")
        );
        assert_eq!(
            header(m, "Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
    }
    assert_eq!(
        e.subjects(&watcher),
        vec![
            format!("[Guichet #{r}] Request received: LSUN : bulletins bloqués"),
            format!("[Guichet #{r}] Taken in charge: LSUN : bulletins bloqués"),
            format!("[Guichet #{r}] Your answer is needed: LSUN : bulletins bloqués"),
        ]
    );
    assert!(decode(&e.smtp.messages_to(&watcher.email)[0]).contains("Hello Ann Smith,"));
    // The agent is not told of their own moves.
    assert_eq!(e.smtp.messages_to(&fx.agent_n1.email).len(), 1);

    let requester = e.caller(&fx.director_a).await;
    e.app
        .reply(
            &requester,
            t.id,
            "C'est fait, toujours bloqué.",
            vec![],
            false,
        )
        .await
        .expect("answered");
    e.run_jobs().await;
    let answered = e.smtp.messages_to(&fx.agent_n1.email);
    assert_eq!(answered.len(), 2);
    assert!(decode(&answered[1]).contains("toujours bloqué"));
    assert_eq!(e.smtp.messages_to(&fx.director_a.email).len(), 3);

    e.app
        .resolve(&agent, t.id, "Le correctif est déployé.")
        .await
        .expect("resolved");
    e.run_jobs().await;
    let resolved = e.smtp.messages_to(&fx.director_a.email);
    let last = decode(&resolved[3]);
    assert!(last.contains("Le correctif est déployé."), "{last}");
    assert!(
        last.contains(&format!(
            "https://guichet.ac-dijon.fr/requests/{r}#survey-title"
        )),
        "{last}"
    );

    // The in-app list holds the same notices, unread until read.
    let me = e.caller(&fx.director_a).await;
    let list = e.app.my_notifications(&me, None, 50).await.expect("list");
    let kinds: Vec<&str> = list.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["resolved", "waiting", "taken", "received"]);
    assert!(list.iter().all(|n| n.state == DeliveryState::Sent));
    assert!(
        list[0]
            .smtp_answer
            .as_deref()
            .is_some_and(|a| a.starts_with("250"))
    );
    assert_eq!(e.app.unread_notifications(&me).await.expect("count"), 4);
    let read = e
        .app
        .mark_notifications_read(&me, Some(&[list[0].id]))
        .await
        .expect("read");
    assert_eq!(read, 1);
    // Someone else's notification is not theirs to mark.
    let other = e.caller(&fx.agent_n1).await;
    let theirs = e
        .app
        .my_notifications(&other, None, 50)
        .await
        .expect("list");
    assert_eq!(
        e.app
            .mark_notifications_read(&me, Some(&[theirs[0].id]))
            .await
            .expect("read"),
        0
    );
    assert_eq!(e.app.unread_notifications(&me).await.expect("count"), 3);
}

async fn a_retried_job_never_mails_twice(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let t = e
        .submit(&fx.director_a, "ONDE : inscription impossible")
        .await;
    e.run_jobs().await;
    let before = e.smtp.messages().len();
    assert_eq!(before, 3, "the requester and the two N1 agents");

    // The event handled again, as after a crash between its work and its completion.
    let event = e
        .app
        .store()
        .read()
        .await
        .expect("read")
        .ticket_events(t.id)
        .await
        .expect("events")
        .remove(0);
    let job_payload = serde_json::json!({
        "event_id": event.id,
        "event": event.kind.as_str(),
        "at": event.at,
        "ticket": t.id.0,
        "actor": event.actor.map(|a| a.0),
        "payload": event.payload,
    });
    let again = TicketEvent::from_job(&job_payload).expect("an event");
    let settings = NotifySettings {
        email: true,
        digest_hour: e.mail.digest_hour,
    };
    assert_eq!(
        e.app.notify_event(&again, &settings).await.expect("notify"),
        0
    );
    // And each email job run again under another key.
    let me = e.caller(&fx.director_a).await;
    let sent = e.app.my_notifications(&me, None, 10).await.expect("list");
    e.pool
        .enqueue(&NewJob {
            kind: SEND_KIND.into(),
            unique_key: Some("retry-by-hand".into()),
            payload: serde_json::json!({ "notification": sent[0].id }),
            run_at: e.app.now(),
            max_attempts: 3,
        })
        .await
        .expect("enqueued");
    assert!(e.run_jobs().await >= 1);
    assert_eq!(e.smtp.messages().len(), before);
}

async fn preferences_gather_a_digest_or_keep_quiet_but_essentials_go(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let n1 = e.caller(&fx.agent_n1).await;
    let n1b = e.caller(&fx.agent_n1_bis).await;
    let director = e.caller(&fx.director_a).await;
    e.app.set_notify_mode(&n1, "off").await.expect("off");
    e.app.set_notify_mode(&n1b, "digest").await.expect("digest");
    e.app.set_notify_mode(&director, "off").await.expect("off");
    assert!(e.app.set_notify_mode(&director, "sometimes").await.is_err());

    let a = e.submit(&fx.director_a, "ENT : mot de passe oublié").await;
    let b = e.submit(&fx.director_a, "ONDE : export impossible").await;
    e.run_jobs().await;
    // Received is always mailed; the queue's notices wait or stay in the application.
    assert_eq!(e.smtp.messages_to(&fx.director_a.email).len(), 2);
    assert!(e.smtp.messages_to(&fx.agent_n1.email).is_empty());
    assert!(e.smtp.messages_to(&fx.agent_n1_bis.email).is_empty());
    let off = e.app.my_notifications(&n1, None, 10).await.expect("list");
    assert_eq!(off.len(), 2);
    assert!(off.iter().all(|n| n.delivery == Delivery::None));
    assert_eq!(e.app.unread_notifications(&n1).await.expect("count"), 2);

    // Taken in charge is not essential: the director who chose "off" hears nothing of it.
    e.app.take_in_charge(&n1, a.id).await.expect("taken");
    e.run_jobs().await;
    assert_eq!(e.smtp.messages_to(&fx.director_a.email).len(), 2);

    // At 16:00 the digest gathers the day's two notices into one message.
    e.clock.advance(Duration::hours(8) + Duration::minutes(1));
    e.run_jobs().await;
    let digest = e.smtp.messages_to(&fx.agent_n1_bis.email);
    assert_eq!(digest.len(), 1);
    assert_eq!(
        words(&header(&digest[0], "Subject").expect("subject")),
        "[Guichet] Votre résumé du jour : 2 notifications"
    );
    let text = decode(&digest[0]);
    for t in [&a, &b] {
        assert!(
            text.contains(&format!(
                "[#{}] Nouvelle demande pour Assistance N1",
                t.reference
            )),
            "{text}"
        );
    }
    let queued = e.app.my_notifications(&n1b, None, 10).await.expect("list");
    assert!(queued.iter().all(|n| n.state == DeliveryState::Sent));
    // Nothing is left for tomorrow's digest.
    e.clock.advance(Duration::days(1));
    e.run_jobs().await;
    assert_eq!(e.smtp.messages_to(&fx.agent_n1_bis.email).len(), 1);
}

async fn an_absent_agents_delegate_is_told_too(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let t = e.submit(&fx.director_a, "LSUN : export PDF vide").await;
    let n1 = e.caller(&fx.agent_n1).await;
    e.app.take_in_charge(&n1, t.id).await.expect("taken");
    e.app
        .declare_absence(
            &n1,
            DeclareAbsence {
                agent: fx.agent_n1.id,
                delegate: fx.agent_n1_bis.id,
                starts_at: e.app.now(),
                ends_at: e.app.now() + Duration::days(5),
            },
        )
        .await
        .expect("absence");
    e.run_jobs().await;
    e.clock.advance(Duration::hours(1));
    let director = e.caller(&fx.director_a).await;
    e.app
        .reply(&director, t.id, "Le PDF est toujours vide.", vec![], false)
        .await
        .expect("answered");
    e.run_jobs().await;
    let stand_in = e.smtp.messages_to(&fx.agent_n1_bis.email);
    let last = decode(stand_in.last().expect("a message"));
    assert!(last.contains("Le PDF est toujours vide."), "{last}");
    assert!(last.contains("en remplacement de Sophie Garnier"), "{last}");
    assert_eq!(e.smtp.messages_to(&fx.agent_n1.email).len(), 2);
}

async fn a_refused_address_is_recorded_with_the_servers_answer(db: TestDb) {
    let e = env(&db).await;
    let unknown = e
        .person("reject.directeur@ac-dijon.fr", "Jean Inconnu", Locale::Fr)
        .await;
    let mut tx = e.app.store().write().await.expect("tx");
    tx.add_role(
        unknown.id,
        guichet_core::person::RoleKind::Director,
        e.fx.school_a.id,
    )
    .await
    .expect("role");
    tx.commit().await.expect("commit");
    e.submit(&unknown, "Imprimante en panne").await;
    e.run_jobs().await;
    let me = e.caller(&unknown).await;
    let list = e.app.my_notifications(&me, None, 10).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, DeliveryState::Failed);
    let answer = list[0].smtp_answer.clone().unwrap_or_default();
    assert!(
        answer.contains("550") || answer.contains("User unknown"),
        "{answer}"
    );
    let dead = e
        .app
        .store()
        .read()
        .await
        .expect("read")
        .list_jobs(JobState::Dead, None, 10)
        .await
        .expect("dead jobs");
    assert_eq!(dead.len(), 1, "visible to administrators");
    assert_eq!(dead[0].kind, SEND_KIND);
    // The others were told.
    assert_eq!(e.smtp.messages().len(), 2);

    // A passing refusal (451) keeps the notice queued, with the answer, for the next try.
    let later = e
        .person(
            "tempfail.directrice@ac-dijon.fr",
            "Lise Attente",
            Locale::Fr,
        )
        .await;
    let mut tx = e.app.store().write().await.expect("tx");
    tx.add_role(
        later.id,
        guichet_core::person::RoleKind::Director,
        e.fx.school_a.id,
    )
    .await
    .expect("role");
    tx.commit().await.expect("commit");
    e.submit(&later, "Tableau numérique muet").await;
    e.run_jobs().await;
    let me = e.caller(&later).await;
    let list = e.app.my_notifications(&me, None, 10).await.expect("list");
    assert_eq!(list[0].state, DeliveryState::Queued);
    let answer = list[0].smtp_answer.clone().unwrap_or_default();
    assert!(
        answer.contains("451") || answer.contains("try again"),
        "{answer}"
    );
    assert_eq!(e.smtp.messages().len(), 4, "the agents were told of both");
}

async fn a_near_target_tells_the_group_and_a_breach_its_managers(db: TestDb) {
    let e = env(&db).await;
    let fx = &e.fx;
    let admin = e.caller(&fx.admin).await;
    let all = serde_json::json!(["00:00-24:00"]);
    let cal = e
        .app
        .create_calendar(
            &admin,
            CalendarInput {
                code: "H24".into(),
                name: "24/7".into(),
                definition: serde_json::json!({ "time_zone": "Europe/Paris",
                    "territory": "metropole", "observes_holidays": false,
                    "hours": { "mon": all, "tue": all, "wed": all, "thu": all, "fri": all,
                        "sat": all, "sun": all } }),
            },
        )
        .await
        .expect("calendar");
    e.app
        .create_policy(
            &admin,
            PolicyInput {
                code: "STD".into(),
                name: "Standard".into(),
                desk: fx.dsi_n1.desk,
                application: None,
                priority: None,
                calendar: cal.id,
                take_in_charge_minutes: 10,
                resolve_minutes: 600,
                warn_percent: 50,
                breach_raise_priority: false,
                breach_next_level: true,
            },
        )
        .await
        .expect("policy");
    // Lucas (agent_n1_bis) manages DSI-N1; Sophie (agent_n1) only works in it.
    e.app
        .set_group_manager(&admin, fx.dsi_n1.id, fx.agent_n1_bis.id, true)
        .await
        .expect("manager");
    let t = e.submit(&fx.director_a, "Vidéoprojecteur muet").await;
    e.run_jobs().await;
    let before = |p: &Person| e.subjects(p).len();
    let (n1, bis, n2) = (
        before(&fx.agent_n1),
        before(&fx.agent_n1_bis),
        before(&fx.agent_n2),
    );

    // 6 minutes: more than half of the 10 minutes to take it in charge are spent.
    e.clock.advance(Duration::minutes(6));
    let report = e.app.sla_sweep().await.expect("sweep");
    assert_eq!(report.warned, 1, "{report:?}");
    e.run_jobs().await;
    // The helper decoding encoded words may split a word across them: spaces do not count.
    let bare = |s: &str| s.replace(' ', "");
    let warning = format!(
        "[Guichet #{}] Délai bientôt dépassé : Vidéoprojecteur muet",
        t.reference
    );
    for p in [&fx.agent_n1, &fx.agent_n1_bis] {
        let subjects = e.subjects(p);
        assert_eq!(
            subjects.last().map(|s| bare(s)),
            Some(bare(&warning)),
            "{subjects:?}"
        );
    }
    assert_eq!(
        e.subjects(&fx.director_a)
            .iter()
            .filter(|s| s.contains("Délai"))
            .count(),
        0
    );

    // 11 minutes: missed. The ticket goes up to N2; DSI-N1's manager is told, and only them.
    e.clock.advance(Duration::minutes(5));
    let report = e.app.sla_sweep().await.expect("sweep");
    assert_eq!(report.breached, 1, "{report:?}");
    e.run_jobs().await;
    let manager = e.smtp.messages_to(&fx.agent_n1_bis.email);
    assert_eq!(manager.len(), bis + 2, "the warning, then the breach");
    let last = decode(manager.last().expect("the breach"));
    assert!(last.contains("a dépassé son délai d'engagement"), "{last}");
    assert!(
        last.contains("DSI-N2") || last.contains("Expertise"),
        "the queue it is in now: {last}"
    );
    assert_eq!(e.subjects(&fx.agent_n1).len(), n1 + 1, "the warning only");
    assert!(
        e.subjects(&fx.agent_n2)
            .iter()
            .skip(n2)
            .all(|s| !s.contains("Délai")),
        "N2 has no manager"
    );
}
