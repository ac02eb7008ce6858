//! The mail corpus (`tests/corpus/`, see `manifest.toml`): every message is parsed and checked
//! against what its manifest entry says a reader of it would see: sender, subject, text,
//! attachments, automatic mail, delivery reports. The `outcome` of each message is checked by
//! the intake pipeline's own test in `guichet-app`.

use guichet_mail::inbound::{Inbound, parse};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct Manifest {
    message: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    file: String,
    #[allow(dead_code)]
    client: String,
    mailbox: String,
    #[serde(default)]
    parse: Facts,
    outcome: Option<toml::Value>,
}

/// What `parse` must find; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Facts {
    from: Option<String>,
    from_name: Option<String>,
    subject: Option<String>,
    /// `""` for a message without one.
    message_id: Option<String>,
    /// In `text`.
    #[serde(default)]
    text_contains: Vec<String>,
    /// Not in `reply_text` (quoted history) nor anywhere in `text` when `text_excludes_all`.
    #[serde(default)]
    text_excludes: Vec<String>,
    /// In `reply_text`: what the person wrote in a reply.
    #[serde(default)]
    reply_contains: Vec<String>,
    /// Every attachment's file name, in order (inline images included).
    attachments: Option<Vec<String>>,
    /// The file names of the inline ones.
    inline: Option<Vec<String>>,
    html_only: Option<bool>,
    automatic: Option<String>,
    bounce: Option<bool>,
    bounce_ids: Option<Vec<String>>,
    bounce_status: Option<String>,
    bounce_permanent: Option<bool>,
    in_reply_to: Option<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The fixed values of the placeholders: ticket references and valid UAIs (check letter
/// included) of three schools.
fn substitute(raw: &[u8]) -> Vec<u8> {
    const VALUES: [(&str, &str); 6] = [
        ("{{T1}}", "2026-000001"),
        ("{{T2}}", "2026-000002"),
        ("{{T3}}", "2026-000003"),
        ("{{school_a}}", "0211234C"),
        ("{{school_b}}", "0215678H"),
        ("{{school_c}}", "0219012G"),
    ];
    let mut out = raw.to_vec();
    for (from, to) in VALUES {
        let mut next = Vec::with_capacity(out.len());
        let mut rest = out.as_slice();
        while let Some(at) = rest.windows(from.len()).position(|w| w == from.as_bytes()) {
            next.extend_from_slice(&rest[..at]);
            next.extend_from_slice(to.as_bytes());
            rest = &rest[at + from.len()..];
        }
        next.extend_from_slice(rest);
        out = next;
    }
    out
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(corpus().join("manifest.toml")).expect("manifest.toml");
    toml::from_str(&text).expect("manifest.toml is valid")
}

fn read(file: &str) -> Inbound {
    let raw = std::fs::read(corpus().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    parse(&substitute(&raw))
}

/// Every difference between `facts` and `m`, as sentences.
fn check(facts: &Facts, m: &Inbound) -> Vec<String> {
    let mut errors = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            errors.push(what);
        }
    };
    if let Some(from) = &facts.from {
        let got = m.from.as_ref().map(|a| a.email.as_str());
        expect(
            got == Some(from.as_str()),
            format!("from {got:?}, expected {from}"),
        );
    }
    if let Some(name) = &facts.from_name {
        let got = m.from.as_ref().and_then(|a| a.name.as_deref());
        expect(
            got == Some(name.as_str()),
            format!("from name {got:?}, expected {name}"),
        );
    }
    if let Some(subject) = &facts.subject {
        expect(
            &m.subject == subject,
            format!("subject {:?}, expected {subject:?}", m.subject),
        );
    }
    if let Some(id) = &facts.message_id {
        let got = m.message_id.as_deref().unwrap_or_default();
        expect(got == id, format!("message id {got:?}, expected {id:?}"));
    }
    for t in &facts.text_contains {
        expect(
            m.text.contains(t.as_str()),
            format!("text lacks {t:?}:\n{}", m.text),
        );
    }
    for t in &facts.reply_contains {
        expect(
            m.reply_text.contains(t.as_str()),
            format!("reply text lacks {t:?}:\n{}", m.reply_text),
        );
    }
    for t in &facts.text_excludes {
        expect(
            !m.reply_text.contains(t.as_str()),
            format!("reply text still has {t:?}:\n{}", m.reply_text),
        );
    }
    for text in [&m.text, &m.reply_text, &m.subject] {
        expect(!text.contains('\u{FFFD}'), format!("U+FFFD in {text:?}"));
    }
    expect(
        !m.reply_text.is_empty() || m.text.is_empty(),
        "reply text empty".to_owned(),
    );
    let names: Vec<&str> = m.attachments.iter().map(|a| a.filename.as_str()).collect();
    if let Some(expected) = &facts.attachments {
        expect(
            names == *expected,
            format!("attachments {names:?}, expected {expected:?}"),
        );
    }
    if let Some(expected) = &facts.inline {
        let inline: Vec<&str> = m
            .attachments
            .iter()
            .filter(|a| a.inline)
            .map(|a| a.filename.as_str())
            .collect();
        expect(
            inline == *expected,
            format!("inline {inline:?}, expected {expected:?}"),
        );
        for a in m.attachments.iter().filter(|a| a.inline) {
            expect(
                a.content_id.is_some(),
                format!("inline {} without Content-ID", a.filename),
            );
        }
    }
    for a in &m.attachments {
        expect(
            !a.data.is_empty(),
            format!("attachment {} is empty", a.filename),
        );
    }
    if let Some(html_only) = facts.html_only {
        expect(
            m.html_only == html_only,
            format!("html_only {}, expected {html_only}", m.html_only),
        );
    }
    let automatic = m.automatic.map(|a| a.code());
    expect(
        automatic == facts.automatic.as_deref(),
        format!("automatic {automatic:?}, expected {:?}", facts.automatic),
    );
    let bounce = facts.bounce.unwrap_or(false);
    expect(
        m.bounce.is_some() == bounce,
        format!("bounce {:?}, expected {bounce}", m.bounce),
    );
    if let Some(b) = &m.bounce {
        if let Some(ids) = &facts.bounce_ids {
            expect(
                &b.original_message_ids == ids,
                format!("bounced ids {:?}, expected {ids:?}", b.original_message_ids),
            );
        }
        if let Some(status) = &facts.bounce_status {
            expect(
                b.status.as_deref() == Some(status.as_str()),
                format!("status {:?}, expected {status}", b.status),
            );
        }
        if let Some(permanent) = facts.bounce_permanent {
            expect(
                b.permanent == permanent,
                format!("permanent {}, expected {permanent}", b.permanent),
            );
        }
    }
    if let Some(id) = &facts.in_reply_to {
        expect(
            m.answered_ids().any(|a| a == id),
            format!("answers {:?}, not {id}", m.in_reply_to),
        );
    }
    errors
}

#[test]
fn every_corpus_message_reads_as_its_manifest_says() {
    let manifest = manifest();
    assert!(
        manifest.message.len() >= 60,
        "the corpus has {} messages",
        manifest.message.len()
    );
    let mut failures = Vec::new();
    for entry in &manifest.message {
        assert!(
            entry.mailbox == "lsun" || entry.mailbox == "assistance",
            "{}: unknown mailbox {}",
            entry.file,
            entry.mailbox
        );
        assert!(entry.outcome.is_some(), "{}: no outcome", entry.file);
        let m = read(&entry.file);
        for error in check(&entry.parse, &m) {
            failures.push(format!("{}: {error}", entry.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_is_in_the_manifest_once() {
    let manifest = manifest();
    let listed: Vec<&str> = manifest.message.iter().map(|m| m.file.as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a file is listed twice");
    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus())
        .expect("corpus folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    let missing: Vec<&String> = on_disk
        .iter()
        .filter(|f| !unique.contains(f.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in manifest.toml: {missing:?}");
    let absent: Vec<&&str> = unique.iter().filter(|f| !on_disk.contains(**f)).collect();
    assert!(absent.is_empty(), "listed but missing: {absent:?}");
}

/// A message of several megabytes (a scanned PDF) is read whole: its size is what intake
/// compares with the mailbox's limit.
#[test]
fn an_oversized_message_is_read_and_measured() {
    let mut raw =
        b"From: =?utf-8?Q?Fran=C3=A7oise_B=C3=A9rard?= <francoise.berard@ac-dijon.fr>\r\n\
To: assistance-lsun@ac-dijon.fr\r\nSubject: LSU scan complet\r\nMessage-ID: <big@ac-dijon.fr>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nLe scan complet.\r\n--b\r\n\
Content-Type: application/pdf; name=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"scan.pdf\"\r\n\r\n"
            .to_vec();
    let line = [b'A'; 76];
    while raw.len() < 12 * 1024 * 1024 {
        raw.extend_from_slice(&line);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"--b--\r\n");
    let m = parse(&raw);
    assert_eq!(m.size, raw.len());
    assert_eq!(m.subject, "LSU scan complet");
    assert_eq!(m.text, "Le scan complet.");
    assert_eq!(m.attachments.len(), 1);
    assert!(m.attachments[0].data.len() > 8 * 1024 * 1024);
}

/// Prints what `parse` reads from every corpus file (`cargo test -- --ignored --nocapture`).
#[test]
#[ignore = "a tool for writing the manifest"]
fn dump() {
    let mut files: Vec<_> = std::fs::read_dir(corpus())
        .expect("corpus")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    files.sort();
    for f in files {
        let m = read(&f);
        println!(
            "=== {f}\nfrom={:?} subject={:?} id={:?} irt={:?} refs={:?}\nhtml_only={} automatic={:?} bounce={:?}",
            m.from,
            m.subject,
            m.message_id,
            m.in_reply_to,
            m.references,
            m.html_only,
            m.automatic.map(|a| a.code()),
            m.bounce
        );
        for a in &m.attachments {
            println!(
                "att {:?} {} inline={} cid={:?} len={}",
                a.filename,
                a.content_type,
                a.inline,
                a.content_id,
                a.data.len()
            );
        }
        println!("--- text\n{}\n--- reply\n{}", m.text, m.reply_text);
    }
}
