//! Notices handed to a real SMTP server (aiosmtpd on loopback, delivering into a maildir) and
//! read back: subject tag, threading headers, Reply-To, Auto-Submitted, both parts, the
//! recipient's language; STARTTLS with a login; the server's refusal kept as the error.

use guichet_mail::{
    MailConfig, Mailer, Notice, Renderer, Secret, Security, SendError, SmtpConfig, SmtpMailer,
    notice_message,
};
use guichet_testkit::smtp::{SMTP_PASSWORD, SMTP_USER, SmtpServer, decode, header, words};

fn config(server: &SmtpServer) -> MailConfig {
    MailConfig {
        from: "Guichet unique <guichet@ac-dijon.fr>".into(),
        reply_to: "assistance@ac-dijon.fr".into(),
        public_url: "https://guichet.ac-dijon.fr".into(),
        smtp: SmtpConfig {
            host: "127.0.0.1".into(),
            port: server.port,
            ..SmtpConfig::default()
        },
        ..MailConfig::default()
    }
}

fn notice(lang: &str, kind: &str, to: &str) -> Notice {
    Notice {
        kind: kind.into(),
        lang: lang.into(),
        recipient_name: "Claire Martin".into(),
        recipient_email: to.into(),
        reference: "2026-000042".into(),
        subject: "LSUN : bulletins bloqués".into(),
        link: "https://guichet.ac-dijon.fr/requests/2026-000042".into(),
        actor: Some("Sophie Garnier".into()),
        body: Some("Bonjour, pouvez-vous vider le cache <b>du navigateur</b> ?".into()),
        sequence: 7,
        thread_root: Some(3),
        ..Notice::default()
    }
}

#[tokio::test]
async fn a_reply_notice_arrives_threaded_in_french_with_both_parts() {
    let server = SmtpServer::start();
    let config = config(&server);
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let n = notice("fr", "reply", "claire.martin@ac-dijon.fr");
    let rendered = Renderer::new(None).render("reply", &n).expect("renders");
    let answer = mailer
        .send(notice_message(&config, &n, &rendered).expect("message"))
        .await
        .expect("accepted");
    assert!(answer.starts_with("250"), "{answer}");

    let got = server.messages_to("claire.martin@ac-dijon.fr");
    assert_eq!(got.len(), 1);
    let m = &got[0];
    let subject = words(&header(m, "Subject").expect("subject"));
    assert_eq!(
        subject,
        "[Guichet #2026-000042] Nouvelle réponse : LSUN : bulletins bloqués"
    );
    assert_eq!(
        header(m, "Message-ID").as_deref(),
        Some("<ticket-2026-000042.7@ac-dijon.fr>")
    );
    assert_eq!(
        header(m, "In-Reply-To").as_deref(),
        Some("<ticket-2026-000042.3@ac-dijon.fr>")
    );
    assert_eq!(
        header(m, "References").as_deref(),
        Some("<ticket-2026-000042.3@ac-dijon.fr>")
    );
    assert_eq!(
        header(m, "Reply-To").as_deref(),
        Some("assistance@ac-dijon.fr")
    );
    assert_eq!(
        header(m, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(
        header(m, "From")
            .expect("from")
            .contains("guichet@ac-dijon.fr")
    );
    assert!(
        header(m, "Content-Type")
            .expect("type")
            .starts_with("multipart/alternative")
    );
    let decoded = decode(m);
    assert!(decoded.contains("Bonjour Claire Martin,"), "{decoded}");
    assert!(decoded.contains("Sophie Garnier a répondu"), "{decoded}");
    // The reply is plain in the text part and escaped in the HTML part.
    assert!(decoded.contains("<b>du navigateur</b>"), "{decoded}");
    assert!(decoded.contains("&lt;b&gt;du navigateur"), "{decoded}");
    assert!(decoded.contains("https://guichet.ac-dijon.fr/requests/2026-000042"));
}

#[tokio::test]
async fn an_english_reader_gets_english_and_the_first_notice_has_no_parent() {
    let server = SmtpServer::start();
    let config = config(&server);
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let mut n = notice("en", "received", "teacher@ac-dijon.fr");
    n.body = None;
    n.sequence = 3;
    n.thread_root = Some(3);
    let rendered = Renderer::new(None).render("received", &n).expect("renders");
    assert_eq!(
        rendered.subject,
        "Request received: LSUN : bulletins bloqués"
    );
    mailer
        .send(notice_message(&config, &n, &rendered).expect("message"))
        .await
        .expect("accepted");
    let m = &server.messages_to("teacher@ac-dijon.fr")[0];
    assert!(header(m, "In-Reply-To").is_none());
    assert!(header(m, "References").is_none());
    let decoded = decode(m);
    assert!(decoded.contains("Hello Claire Martin,"), "{decoded}");
    assert!(
        decoded.contains("is recorded with the reference 2026-000042"),
        "{decoded}"
    );
}

#[tokio::test]
async fn starttls_with_a_login_delivers_and_a_wrong_password_is_refused() {
    let server = SmtpServer::start_secured();
    let mut config = config(&server);
    config.smtp = SmtpConfig {
        host: "localhost".into(),
        port: server.port,
        security: Security::Starttls,
        username: SMTP_USER.into(),
        password: Secret::new(SMTP_PASSWORD),
        ca_file: server.ca_file.clone(),
        timeout_secs: 10,
    };
    let n = notice("fr", "taken", "ines.petit@ac-dijon.fr");
    let rendered = Renderer::new(None).render("taken", &n).expect("renders");
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    mailer
        .send(notice_message(&config, &n, &rendered).expect("message"))
        .await
        .expect("accepted over STARTTLS");
    assert_eq!(server.messages_to("ines.petit@ac-dijon.fr").len(), 1);

    config.smtp.password = Secret::new("wrong");
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let err = mailer
        .send(notice_message(&config, &n, &rendered).expect("message"))
        .await
        .expect_err("refused");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(err.to_string().contains("535"), "{err}");
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn implicit_tls_delivers_and_an_unknown_authority_is_refused() {
    let server = SmtpServer::start_implicit_tls();
    let mut config = config(&server);
    config.smtp = SmtpConfig {
        host: "localhost".into(),
        port: server.port,
        security: Security::Tls,
        username: SMTP_USER.into(),
        password: Secret::new(SMTP_PASSWORD),
        ca_file: server.ca_file.clone(),
        timeout_secs: 10,
    };
    let n = notice("fr", "taken", "ines.petit@ac-dijon.fr");
    let rendered = Renderer::new(None).render("taken", &n).expect("renders");
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    // Two messages: the second goes over the connection the first left in the pool.
    for _ in 0..2 {
        mailer
            .send(notice_message(&config, &n, &rendered).expect("message"))
            .await
            .expect("accepted over TLS");
    }
    assert_eq!(server.messages_to("ines.petit@ac-dijon.fr").len(), 2);

    // Without the académie's CA, the server's certificate is not trusted: nothing is sent,
    // and the failure may pass (the setting can be fixed), so the notice waits.
    config.smtp.ca_file = None;
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let err = mailer
        .send(notice_message(&config, &n, &rendered).expect("message"))
        .await
        .expect_err("untrusted certificate");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    assert!(err.to_string().contains("TLS"), "{err}");
    assert_eq!(server.messages().len(), 2);
}

#[tokio::test]
async fn a_connection_the_server_closed_is_not_used_again() {
    let mut server = SmtpServer::start();
    let config = config(&server);
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let n = notice("fr", "closed", "claire.martin@ac-dijon.fr");
    let r = Renderer::new(None).render("closed", &n).expect("renders");
    mailer
        .send(notice_message(&config, &n, &r).expect("message"))
        .await
        .expect("first accepted");
    // The server forgets every session (as one restarted, or one that closed idle ones).
    server.drop_connections();
    mailer
        .send(notice_message(&config, &n, &r).expect("message"))
        .await
        .expect("second accepted over a new connection");
    assert_eq!(server.messages_to("claire.martin@ac-dijon.fr").len(), 2);
}

#[tokio::test]
async fn the_servers_refusal_is_kept_permanent_or_transient() {
    let server = SmtpServer::start();
    let config = config(&server);
    let mailer = SmtpMailer::new(&config.smtp).expect("transport");
    let renderer = Renderer::new(None);
    let n = notice("fr", "closed", "reject.me@ac-dijon.fr");
    let r = renderer.render("closed", &n).expect("renders");
    let err = mailer
        .send(notice_message(&config, &n, &r).expect("message"))
        .await
        .expect_err("refused");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(err.to_string().contains("User unknown"), "{err}");
    let n = notice("fr", "closed", "tempfail@ac-dijon.fr");
    let err = mailer
        .send(notice_message(&config, &n, &r).expect("message"))
        .await
        .expect_err("deferred");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    assert!(server.messages().is_empty());
}
