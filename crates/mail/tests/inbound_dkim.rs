//! DKIM verified by Guichet itself (mail-auth) when no trusted `Authentication-Results` header
//! came with a message: a key generated here signs a message, and its public half is given to
//! the resolver as DNS would (this machine has no DNS, and the test must not ask any).

use base64::Engine;
use guichet_mail::inbound::{AuthVerdict, DkimResolver, verify_dkim};
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;

const MESSAGE: &str = "From: =?utf-8?Q?Fran=C3=A7oise_B=C3=A9rard?= <francoise.berard@ac-dijon.fr>\r\n\
To: assistance-lsun@ac-dijon.fr\r\n\
Subject: =?utf-8?Q?Probl=C3=A8me_LSU?=\r\n\
Date: Thu, 3 Dec 2026 09:14:19 +0100\r\n\
Message-ID: <dkim-test@ac-dijon.fr>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Les bulletins restent non validés.\r\n";

/// A fresh Ed25519 key and its DNS record (`v=DKIM1; k=ed25519; p=…`).
fn fresh_key() -> (Ed25519Key, String) {
    let pkcs8 = Ed25519Key::generate_pkcs8().expect("key generated");
    let key = Ed25519Key::from_pkcs8_der(&pkcs8).expect("key read");
    let public = base64::engine::general_purpose::STANDARD.encode(key.public_key());
    (key, format!("v=DKIM1; k=ed25519; p={public}"))
}

/// `message` with a DKIM-Signature of `domain` on top.
fn signed(key: Ed25519Key, domain: &str, message: &str) -> String {
    let signature = DkimSigner::from_key(key)
        .domain(domain)
        .selector("guichet-test")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(message.as_bytes())
        .expect("signed");
    format!("{}{message}", signature.to_header())
}

#[tokio::test]
async fn a_signature_of_the_sender_s_domain_passes() {
    let (key, record) = fresh_key();
    let resolver = DkimResolver::offline();
    resolver
        .add_key("guichet-test", "ac-dijon.fr", &record)
        .expect("record");
    let raw = signed(key, "ac-dijon.fr", MESSAGE);
    assert_eq!(
        verify_dkim(raw.as_bytes(), &resolver).await,
        AuthVerdict::Pass
    );
}

#[tokio::test]
async fn a_changed_body_fails() {
    let (key, record) = fresh_key();
    let resolver = DkimResolver::offline();
    resolver
        .add_key("guichet-test", "ac-dijon.fr", &record)
        .expect("record");
    let raw = signed(key, "ac-dijon.fr", MESSAGE).replace("non validés", "validés");
    assert_eq!(
        verify_dkim(raw.as_bytes(), &resolver).await,
        AuthVerdict::Fail
    );
    // A changed signed header too.
    let (other, record) = fresh_key();
    resolver
        .add_key("guichet-test", "ac-dijon.fr", &record)
        .expect("record");
    let raw = signed(other, "ac-dijon.fr", MESSAGE).replace("Probl=C3=A8me_LSU", "Urgent");
    assert_eq!(
        verify_dkim(raw.as_bytes(), &resolver).await,
        AuthVerdict::Fail
    );
}

#[tokio::test]
async fn a_valid_signature_of_a_foreign_domain_fails() {
    let (key, record) = fresh_key();
    let resolver = DkimResolver::offline();
    resolver
        .add_key("guichet-test", "promo-offres.example", &record)
        .expect("record");
    let raw = signed(key, "promo-offres.example", MESSAGE);
    assert_eq!(
        verify_dkim(raw.as_bytes(), &resolver).await,
        AuthVerdict::Fail
    );
}

#[tokio::test]
async fn no_signature_or_no_key_proves_nothing() {
    let resolver = DkimResolver::offline();
    assert_eq!(
        verify_dkim(MESSAGE.as_bytes(), &resolver).await,
        AuthVerdict::Unknown
    );
    // Signed, but the key is nowhere to be found (and no DNS is asked).
    let (key, _) = fresh_key();
    let raw = signed(key, "ac-dijon.fr", MESSAGE);
    assert_ne!(
        verify_dkim(raw.as_bytes(), &resolver).await,
        AuthVerdict::Pass
    );
    assert_eq!(verify_dkim(b"", &resolver).await, AuthVerdict::Unknown);
}
