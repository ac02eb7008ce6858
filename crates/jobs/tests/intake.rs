//! Mail intake with its answers, end to end on both engines against a real SMTP server
//! (aiosmtpd): a director's message becomes a ticket and the acknowledgement reaches them; an
//! outsider gets one explanation in French and English; everything Guichet sends carries the
//! loop header, so feeding it back in (an auto-forward, another Guichet) is ignored and never
//! answered; answering the acknowledgement threads onto the ticket.

use chrono::{TimeZone, Utc};
use guichet_app::intake::{IngestOutcome, IntakeSettings};
use guichet_app::{App, AppConfig};
use guichet_core::intake::{AuthMode, Mailbox, Policy};
use guichet_core::person::RoleKind;
use guichet_jobs::notify::Notifier;
use guichet_jobs::{Pool, PoolConfig, Registry};
use guichet_mail::{MailConfig, SmtpConfig, SmtpMailer};
use guichet_testkit::fixture::Fixture;
use guichet_testkit::smtp::{SmtpServer, decode, header, words};
use guichet_testkit::{TestDb, both_engines};
use std::sync::Arc;

both_engines!(answers_reach_people_once_and_never_loop);

#[derive(Debug)]
struct Fixed(chrono::DateTime<Utc>);

impl guichet_app::Clock for Fixed {
    fn now(&self) -> chrono::DateTime<Utc> {
        self.0
    }
}

fn message(from: &str, id: &str, subject: &str, extra: &str) -> String {
    let domain = from.rsplit_once('@').map_or("", |(_, d)| d);
    format!(
        "Authentication-Results: mx.ac-dijon.fr; dmarc=pass header.from={domain}\r\n\
         From: {from}\r\nTo: assistance-lsun@ac-dijon.fr\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@client.example>\r\n{extra}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, les bulletins ne partent pas.\r\n"
    )
}

async fn answers_reach_people_once_and_never_loop(db: TestDb) {
    let fx = Fixture::build(&db.store).await;
    let clock = Arc::new(Fixed(
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
            .single()
            .expect("date"),
    ));
    let smtp = SmtpServer::start();
    let mail = MailConfig {
        from: "Guichet <guichet@ac-dijon.fr>".into(),
        reply_to: "assistance-lsun@ac-dijon.fr".into(),
        message_domain: "guichet.ac-dijon.fr".into(),
        public_url: "https://guichet.ac-dijon.fr".into(),
        smtp: SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp.port,
            ..SmtpConfig::default()
        },
        ..MailConfig::default()
    };
    let intake = IntakeSettings {
        mailboxes: vec![Mailbox {
            name: "lsun".into(),
            address: "assistance-lsun@ac-dijon.fr".into(),
            max_bytes: 1 << 20,
            policy: Policy {
                allowed_domains: vec!["ac-dijon.fr".into()],
                authserv_id: "mx.ac-dijon.fr".into(),
                authentication: AuthMode::Require,
                keyword_required: true,
                required_role: Some(RoleKind::Director),
                ..Policy::default()
            },
        }],
        message_domain: mail.domain(),
        ..IntakeSettings::default()
    };
    let app = App::new(
        db.store.clone(),
        clock.clone(),
        AppConfig {
            intake,
            ..AppConfig::default()
        },
    );
    let mailer = SmtpMailer::new(&mail.smtp).expect("transport");
    let registry =
        Notifier::new(app.clone(), Some(mailer.clone()), mail.clone()).register(Registry::new());
    let registry = guichet_jobs::intake::register(registry, app.clone(), Some(mailer), &mail);
    let pool = Pool::new(db.store.clone(), clock, registry, PoolConfig::default());
    let run_jobs = || async {
        pool.dispatch_outbox().await.expect("dispatch");
        while pool.run_once("test").await.expect("run") {}
    };

    // The director writes: a ticket, and the acknowledgement with its reference.
    let director = fx.director_a.email.as_str();
    let o = app
        .ingest_mail(
            "lsun",
            message(director, "m1", "LSU : bulletins", "").as_bytes(),
        )
        .await
        .expect("ingested");
    let IngestOutcome::Ticket { reference, .. } = o else {
        panic!("{o:?}")
    };
    run_jobs().await;
    let received = smtp.messages_to(director);
    assert_eq!(received.len(), 1, "{received:?}");
    let ack = &received[0];
    assert!(words(&header(ack, "Subject").expect("subject")).contains(&reference));
    assert_eq!(
        header(ack, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert_eq!(
        header(ack, "X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    assert_eq!(
        header(ack, "X-Guichet-Loop").as_deref(),
        Some("guichet.ac-dijon.fr")
    );

    // Fed back in (a forwarding rule, another Guichet): ignored, nothing sent.
    let looped = app
        .ingest_mail("lsun", ack.as_bytes())
        .await
        .expect("ingested");
    assert_eq!(
        looped,
        IngestOutcome::Ignored {
            reason: "auto.loop".into()
        }
    );

    // An outsider: quarantined and told why, once, in both languages.
    let outsider = "jean.dupont@gmail.com";
    let o = app
        .ingest_mail("lsun", message(outsider, "m2", "LSU", "").as_bytes())
        .await
        .expect("ingested");
    assert!(matches!(o, IngestOutcome::Quarantined { .. }), "{o:?}");
    run_jobs().await;
    let told = smtp.messages_to(outsider);
    assert_eq!(told.len(), 1);
    let text = decode(&told[0]);
    assert!(text.contains("seules les adresses académiques"), "{text}");
    assert!(text.contains("only academic addresses"), "{text}");
    assert_eq!(
        header(&told[0], "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert!(
        header(&told[0], "In-Reply-To")
            .expect("in-reply-to")
            .contains("m2@client.example")
    );
    // The explanation bounced back at us, or answered by a robot: ignored, never answered.
    let back = app
        .ingest_mail("lsun", told[0].as_bytes())
        .await
        .expect("ingested");
    assert!(matches!(back, IngestOutcome::Ignored { .. }), "{back:?}");
    run_jobs().await;
    assert_eq!(smtp.messages_to(outsider).len(), 1);

    // The director answers the acknowledgement: a reply on the ticket.
    let ack_id = header(ack, "Message-ID").expect("message-id");
    let answer = message(
        director,
        "m3",
        &format!("RE: {}", words(&header(ack, "Subject").expect("subject"))),
        &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
    );
    let o = app
        .ingest_mail("lsun", answer.as_bytes())
        .await
        .expect("ingested");
    assert_eq!(
        o,
        IngestOutcome::Reply {
            reference,
            reopened: false
        }
    );
}
