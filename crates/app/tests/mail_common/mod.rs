//! The académie of the mail corpus contract (`crates/mail/tests/corpus/README` and the brief):
//! its people, applications, mailboxes and the tickets T1 (open), T2 (closed two days ago) and
//! T3 (closed 60 days ago), over the general fixture.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use guichet_app::intake::{IngestOutcome, IntakeSettings};
use guichet_app::ticket::SubmitTicket;
use guichet_app::{App, AppConfig, Caller, Clock};
use guichet_core::intake::{AuthMode, Mailbox, Policy};
use guichet_core::person::{Locale, RoleKind};
use guichet_core::ticket::{Channel, Impact, TicketType, Urgency};
use guichet_store::application::{ApplicationChange, NewApplication};
use guichet_store::person::{NewPerson, Person};
use guichet_store::ticket::Ticket;
use guichet_testkit::TestDb;
use guichet_testkit::fixture::Fixture;
use std::sync::{Arc, Mutex};

pub const DOMAIN: &str = "guichet.ac-dijon.fr";

#[derive(Debug)]
pub struct MailClock(Mutex<DateTime<Utc>>);

impl MailClock {
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock") = at;
    }
    pub fn get(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

impl Clock for MailClock {
    fn now(&self) -> DateTime<Utc> {
        self.get()
    }
}

/// The two mailboxes of the contract.
pub fn settings() -> IntakeSettings {
    let lsun = Mailbox {
        name: "lsun".into(),
        address: "assistance-lsun@ac-dijon.fr".into(),
        max_bytes: 25 * 1024 * 1024,
        policy: Policy {
            allowed_domains: vec!["ac-dijon.fr".into()],
            authserv_id: "mx.ac-dijon.fr".into(),
            authentication: AuthMode::Require,
            keyword_required: true,
            default_application: None,
            daily_quota: 10,
            required_role: Some(RoleKind::Director),
            disabled: Vec::new(),
        },
    };
    let assistance = Mailbox {
        name: "assistance".into(),
        address: "assistance@ac-dijon.fr".into(),
        max_bytes: 25 * 1024 * 1024,
        policy: Policy {
            allowed_domains: vec!["ac-dijon.fr".into()],
            authserv_id: "mx.ac-dijon.fr".into(),
            authentication: AuthMode::Flag,
            keyword_required: false,
            default_application: None,
            daily_quota: 10,
            required_role: None,
            disabled: Vec::new(),
        },
    };
    IntakeSettings {
        mailboxes: vec![lsun, assistance],
        message_domain: DOMAIN.into(),
        ..IntakeSettings::default()
    }
}

#[derive(Debug)]
pub struct MailEnv {
    pub app: App,
    pub clock: Arc<MailClock>,
    pub fx: Fixture,
    pub francoise: Person,
    pub paul: Person,
    pub julie: Person,
    pub marc: Person,
    pub t1: Ticket,
    pub t2: Ticket,
    pub t3: Ticket,
}

/// Thursday 3 December 2026, 9:00 UTC: "today" in every mail scenario.
pub fn today() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z")
        .expect("a date")
        .with_timezone(&Utc)
}

async fn person(db: &TestDb, email: &str, name: &str, roles: &[(RoleKind, i64)]) -> Person {
    let mut tx = db.store.write().await.expect("tx");
    let p = tx
        .insert_person(
            &NewPerson {
                uid: None,
                email: email.into(),
                display_name: name.into(),
                locale: Locale::Fr,
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

pub fn request(subject: &str, school: guichet_core::OrgNodeId) -> SubmitTicket {
    SubmitTicket {
        on_behalf_of: None,
        establishment: Some(school),
        application: None,
        ticket_type: TicketType::Incident,
        channel: Channel::Web,
        subject: subject.into(),
        body: format!("{subject} : détails."),
        urgency: Urgency::Medium,
        impact: Impact::Medium,
        attachments: Vec::new(),
    }
}

impl MailEnv {
    pub async fn caller(&self, p: &Person) -> Caller {
        self.app.caller(p.id, "test").await.expect("caller")
    }

    pub async fn ingest(&self, mailbox: &str, raw: &str) -> IngestOutcome {
        self.app
            .ingest_mail(mailbox, raw.as_bytes())
            .await
            .expect("ingested")
    }

    pub async fn ticket(&self, reference: &str) -> Ticket {
        let mut conn = self.app.store().read().await.expect("conn");
        conn.ticket_by_reference(reference.parse().expect("ref"))
            .await
            .expect("ticket")
    }
}

/// Submits, takes, resolves and closes a ticket `days` ago.
async fn closed_ticket(
    app: &App,
    clock: &MailClock,
    admin: &Person,
    requester: &Person,
    school: guichet_core::OrgNodeId,
    days: i64,
) -> Ticket {
    clock.set(today() - Duration::days(days) - Duration::hours(1));
    let c = app.caller(requester.id, "test").await.expect("caller");
    let t = app
        .submit(&c, request("Ancienne demande", school))
        .await
        .expect("submit");
    let agent = app.caller(admin.id, "test").await.expect("caller");
    app.take_in_charge(&agent, t.id).await.expect("take");
    app.resolve(&agent, t.id, "Réglé.").await.expect("resolve");
    clock.set(today() - Duration::days(days));
    app.close(&c, t.id).await.expect("close")
}

pub async fn mail_env(db: &TestDb) -> MailEnv {
    let fx = Fixture::build(&db.store).await;
    let clock = Arc::new(MailClock(Mutex::new(today())));
    let config = AppConfig {
        intake: settings(),
        ..AppConfig::default()
    };
    let app = App::new(db.store.clone(), clock.clone(), config);
    let (a, b, c) = (fx.school_a.id.0, fx.school_b.id.0, fx.school_c.id.0);
    let francoise = person(
        db,
        "francoise.berard@ac-dijon.fr",
        "Françoise Bérard",
        &[(RoleKind::Director, a)],
    )
    .await;
    let paul = person(
        db,
        "paul.martin@ac-dijon.fr",
        "Paul Martin",
        &[(RoleKind::Director, b), (RoleKind::Director, c)],
    )
    .await;
    let julie = person(
        db,
        "julie.petit@ac-dijon.fr",
        "Julie Petit",
        &[(RoleKind::Teacher, a)],
    )
    .await;
    let marc = person(
        db,
        "marc.leroy@ac-dijon.fr",
        "Marc Leroy",
        &[(RoleKind::Director, c)],
    )
    .await;
    {
        let mut tx = db.store.write().await.expect("tx");
        tx.set_person_active(marc.id, false, Utc::now())
            .await
            .expect("deactivated");
        tx.update_application(
            fx.lsun.id,
            &ApplicationChange {
                name: fx.lsun.name.clone(),
                description: fx.lsun.description.clone(),
                keywords: vec!["LSUN".into(), "LSU".into(), "LIVRET".into()],
                default_group: fx.lsun.default_group,
                active: true,
            },
        )
        .await
        .expect("keywords");
        tx.update_application(
            fx.onde.id,
            &ApplicationChange {
                name: fx.onde.name.clone(),
                description: fx.onde.description.clone(),
                keywords: vec!["ONDE".into(), "BASE ELEVES".into()],
                default_group: fx.onde.default_group,
                active: true,
            },
        )
        .await
        .expect("keywords");
        tx.insert_application(
            &NewApplication {
                code: "ENT".into(),
                name: "Espace numérique de travail".into(),
                description: String::new(),
                keywords: vec!["ENT".into()],
                default_group: Some(fx.dsi_n1.id),
            },
            Utc::now(),
        )
        .await
        .expect("ENT");
        tx.commit().await.expect("commit");
    }
    let t3 = closed_ticket(&app, &clock, &fx.admin, &paul, fx.school_b.id, 60).await;
    let t2 = closed_ticket(&app, &clock, &fx.admin, &francoise, fx.school_a.id, 2).await;
    clock.set(today() - Duration::hours(2));
    let fc = app.caller(francoise.id, "test").await.expect("caller");
    let mut req = request("Bulletins LSU", fx.school_a.id);
    req.application = Some(fx.lsun.id);
    let t1 = app.submit(&fc, req).await.expect("T1");
    {
        let mut tx = db.store.write().await.expect("tx");
        tx.add_watcher(t1.id, julie.id).await.expect("watcher");
        tx.commit().await.expect("commit");
    }
    clock.set(today());
    let t1 = app
        .store()
        .read()
        .await
        .expect("conn")
        .ticket(t1.id)
        .await
        .expect("T1");
    MailEnv {
        app,
        clock,
        fx,
        francoise,
        paul,
        julie,
        marc,
        t1,
        t2,
        t3,
    }
}

/// A message as `mx.ac-dijon.fr` delivers it: its `Authentication-Results` on top.
pub fn message(from: &str, to: &str, subject: &str, extra: &str, body: &str) -> String {
    let domain = from.rsplit_once('@').map_or("", |(_, d)| d);
    format!(
        "Authentication-Results: mx.ac-dijon.fr; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={from}\r\n\
         From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{}@client.example>\r\nDate: Thu, 3 Dec 2026 09:00:00 +0100\r\n{extra}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
        uuid_like(subject, from, extra)
    )
}

fn uuid_like(a: &str, b: &str, c: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (a, b, c).hash(&mut h);
    format!("{:016x}", h.finish())
}
