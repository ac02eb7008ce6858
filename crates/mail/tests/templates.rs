//! Every built-in template renders, every text it asks for exists in French and in English,
//! and `locales/{fr,en}/notify.ftl` hold the same keys; an administrator's template replaces
//! the built-in one of the same name.

use guichet_mail::render::text;
use guichet_mail::{Digest, DigestItem, Notice, Renderer};
use minijinja::Value;

const KINDS: &[&str] = &[
    "received",
    "taken",
    "reply",
    "waiting",
    "resolved",
    "closed",
    "reopened",
    "assigned",
    "queued",
    "escalated",
    "transferred",
    "answered",
    "sla_warning",
    "sla_breached",
];

fn ftl_keys(lang: &str) -> Vec<String> {
    let path = format!(
        "{}/../../locales/{lang}/notify.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut keys: Vec<String> = std::fs::read_to_string(path)
        .expect("notify.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| k.starts_with("notify-"))
        .collect();
    keys.sort();
    keys
}

#[test]
fn both_languages_have_every_notice_text() {
    assert_eq!(ftl_keys("fr"), ftl_keys("en"));
    let args = [
        ("reference", Value::from("2026-000001")),
        ("subject", Value::from("s")),
        ("actor", Value::from("a")),
        ("group", Value::from("g")),
        ("name", Value::from("n")),
        ("count", Value::from(2)),
    ];
    for lang in ["fr", "en"] {
        for kind in KINDS {
            for part in ["subject", "intro"] {
                let key = format!("notify-{kind}-{part}");
                assert!(text(lang, &key, &args).is_some(), "{key} missing in {lang}");
            }
        }
    }
    for name in Renderer::names() {
        let source = Renderer::source(&name).expect("source");
        let mut rest = source.as_str();
        while let Some(at) = rest.find("t(\"") {
            rest = &rest[at + 3..];
            let end = rest.find('"').expect("closing quote");
            let key = &rest[..end];
            if !rest[end + 1..].trim_start().starts_with('~') {
                for lang in ["fr", "en"] {
                    assert!(
                        text(lang, key, &args).is_some(),
                        "{key} ({name}) missing in {lang}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_kind_renders_in_both_languages_without_a_missing_text() {
    let renderer = Renderer::new(None);
    for lang in ["fr", "en"] {
        for kind in KINDS {
            let notice = Notice {
                kind: (*kind).into(),
                lang: lang.into(),
                recipient_name: "Claire Martin".into(),
                reference: "2026-000001".into(),
                subject: "ONDE".into(),
                actor: Some("Sophie Garnier".into()),
                group: Some("Assistance N1".into()),
                ..Notice::default()
            };
            let r = renderer.render(kind, &notice).expect("renders");
            for part in [&r.subject, &r.text, &r.html] {
                assert!(!part.contains("notify-"), "{kind} {lang}: {part}");
            }
        }
        let digest = Digest {
            lang: lang.into(),
            count: 1,
            items: vec![DigestItem {
                kind: "queued".into(),
                reference: "2026-000001".into(),
                subject: "ONDE".into(),
                group: Some("Assistance N1".into()),
                ..DigestItem::default()
            }],
            ..Digest::default()
        };
        let r = renderer.render("digest", &digest).expect("renders");
        assert!(!r.text.contains("notify-"), "{}", r.text);
    }
}

#[test]
fn an_administrators_template_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("received.txt"),
        "Académie de Dijon — {{ t(\"notify-received-intro\", reference=reference, subject=subject) }}",
    )
    .expect("written");
    let renderer = Renderer::new(Some(dir.path().to_path_buf()));
    let notice = Notice {
        kind: "received".into(),
        lang: "fr".into(),
        reference: "2026-000009".into(),
        subject: "ENT".into(),
        ..Notice::default()
    };
    let r = renderer.render("received", &notice).expect("renders");
    assert!(
        r.text
            .starts_with("Académie de Dijon — Votre demande « ENT »"),
        "{}",
        r.text
    );
    // The HTML part, not overridden, stays the built-in one.
    assert!(r.html.contains("<!DOCTYPE html>"));
}
