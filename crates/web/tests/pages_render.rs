//! Every template parses, and every text a template asks for exists in French and in English.

use guichet_web::i18n::Lang;
use guichet_web::pages::render::Renderer;

fn keys_in(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for quote in ['"', '\''] {
        let open = format!("t({quote}");
        let mut rest = source;
        while let Some(at) = rest.find(&open) {
            rest = &rest[at + open.len()..];
            let end = rest.find(quote).expect("closing quote");
            let key = &rest[..end];
            // `t("status-label-" ~ status)`: a family, checked below.
            if !rest[end + 1..].trim_start().starts_with('~') {
                keys.push(key.to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_template_key_is_translated() {
    let names = Renderer::names();
    assert!(names.len() >= 10, "{names:?}");
    let _ = Renderer::new();
    let mut keys: Vec<String> = names
        .iter()
        .flat_map(|n| keys_in(&Renderer::source(n).expect("source")))
        .collect();
    for s in [
        "new",
        "assigned",
        "in_progress",
        "waiting",
        "resolved",
        "closed",
        "rejected",
        "cancelled",
    ] {
        keys.push(format!("status-label-{s}"));
    }
    for k in [
        "submitted",
        "reply",
        "status_change",
        "assignment",
        "escalation",
        "transfer",
        "link",
        "unlink",
        "priority_change",
        "application_change",
        "resolution",
        "survey_answer",
    ] {
        keys.push(format!("entry-{k}"));
    }
    for t in ["incident", "request", "change"] {
        keys.push(format!("type-label-{t}"));
        keys.push(format!("type-hint-{t}"));
    }
    for e in ["not-found", "forbidden", "csrf", "unavailable", "internal"] {
        keys.push(format!("error-{e}-title"));
        keys.push(format!("error-{e}-text"));
    }
    for d in ["replied", "cancelled", "closed", "reopened", "rated"] {
        keys.push(format!("request-done-{d}"));
    }
    for n in 1..=5 {
        keys.push(format!("survey-score-{n}"));
    }
    // The agent workspace's families.
    for s in [
        "-created",
        "created",
        "-updated",
        "updated",
        "-priority",
        "priority",
    ] {
        keys.push(format!("desk-sort-{s}"));
    }
    for p in ["very_low", "low", "medium", "high", "very_high"] {
        keys.push(format!("priority-label-{p}"));
    }
    for d in [
        "reply", "note", "take", "escalate", "transfer", "link", "priority", "resolve",
    ] {
        keys.push(format!("desk-done-{d}"));
    }
    for k in ["duplicate", "related", "parent"] {
        keys.push(format!("desk-link-kind-{k}"));
    }
    for a in ["take", "assign", "resolve", "close"] {
        keys.push(format!("desk-bulk-{a}"));
    }
    keys.push("field-label-escalate-group".into());
    keys.push("desk-moved-escalate".into());
    keys.push("desk-absence-done-declared".into());
    keys.push("desk-absence-done-cancelled".into());
    keys.push("desk-moved-transfer".into());
    keys.push("field-label-transfer-group".into());
    keys.sort();
    keys.dedup();
    let args = [
        ("n", "2".to_owned()),
        ("name", "x".to_owned()),
        ("status", "404".to_owned()),
        ("reference", "2026-000001".to_owned()),
        ("subject", "s".to_owned()),
        ("score", "4".to_owned()),
        ("kb", "3".to_owned()),
        ("max", "3".to_owned()),
        ("size", "10".to_owned()),
        ("minutes", "5".to_owned()),
        ("field", "f".to_owned()),
        ("created", "3".to_owned()),
        ("updated", "2".to_owned()),
        ("rejected", "1".to_owned()),
        ("deactivated", "1".to_owned()),
        ("desk", "d".to_owned()),
        ("first", "f".to_owned()),
        ("group", "g".to_owned()),
        ("last", "l".to_owned()),
        ("left", "1".to_owned()),
        ("line", "1".to_owned()),
        ("resolve", "1".to_owned()),
        ("take", "1".to_owned()),
        ("target", "t".to_owned()),
        ("warn", "1".to_owned()),
        ("created", "1".to_owned()),
        ("updated", "1".to_owned()),
        ("rejected", "1".to_owned()),
        ("when", "01/09/2026 à 08:00".to_owned()),
        ("zone", "Mâcon".to_owned()),
        ("sent", "1".to_owned()),
        ("failed", "1".to_owned()),
        ("bounced", "1".to_owned()),
        ("queued", "1".to_owned()),
        ("deactivated", "1".to_owned()),
        ("desk", "DSI".to_owned()),
        ("first", "1".to_owned()),
        ("last", "2".to_owned()),
        ("take", "4 h".to_owned()),
        ("resolve", "2 j".to_owned()),
        ("warn", "80".to_owned()),
        ("year", "2026".to_owned()),
    ];
    for lang in [Lang::Fr, Lang::En] {
        for key in &keys {
            assert!(
                lang.try_text(key, &args).is_some(),
                "{key} is missing in {}",
                lang.tag()
            );
        }
    }
}
