//! Raw bytes to [`Inbound`], with mail-parser behind a panic guard.

use super::automatic::{bounce, classify};
use super::decode::{lenient_words, part_text, repair_headers, rfc2231_param, unflow, unmojibake};
use super::html::html_to_text;
use super::quote::strip_quotes;
use super::{Address, Inbound, InboundAttachment};
use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// Reads `raw`. Never fails: what cannot be understood is left empty.
pub fn parse(raw: &[u8]) -> Inbound {
    let empty = Inbound {
        message_id: None,
        raw_sha256: hex::encode(Sha256::digest(raw)),
        size: raw.len(),
        from: None,
        reply_to: None,
        to: Vec::new(),
        cc: Vec::new(),
        return_path: None,
        subject: String::new(),
        date: None,
        in_reply_to: Vec::new(),
        references: Vec::new(),
        text: String::new(),
        reply_text: String::new(),
        html_only: false,
        attachments: Vec::new(),
        automatic: None,
        bounce: None,
        authentication_results: Vec::new(),
        guichet_loop: None,
    };
    // mail-parser promises not to panic and has broken that promise before (see crates.md).
    std::panic::catch_unwind(|| {
        let mut inbound = empty.clone();
        let repaired = repair_headers(raw);
        if let Some(message) = MessageParser::default().parse(repaired.as_ref()) {
            read(&message, &mut inbound);
        }
        inbound
    })
    .unwrap_or(empty)
}

/// The sender's address as [`Inbound::sender`] gives it, from the headers alone: what the IMAP
/// collector groups a batch by, so that one sender's messages (and their daily quota) are taken
/// one after another. Never fails: `None` when no header names a sender.
pub fn sender_of(raw: &[u8]) -> Option<String> {
    std::panic::catch_unwind(|| {
        let repaired = repair_headers(raw);
        let message = MessageParser::default().parse_headers(repaired.as_ref())?;
        let return_path = return_path(&message);
        first_address(message.from())
            .or_else(|| first_address(message.reply_to()))
            .map(|a| a.email)
            .or(return_path.filter(|s| !s.is_empty()))
    })
    .unwrap_or(None)
}

fn read(message: &Message<'_>, out: &mut Inbound) {
    out.message_id = message
        .message_id()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    out.from = first_address(message.from());
    out.reply_to = first_address(message.reply_to());
    out.to = addresses(message.to());
    out.cc = addresses(message.cc());
    out.return_path = return_path(message);
    out.subject = header_text(message.subject().unwrap_or_default());
    out.date = message
        .date()
        .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0));
    out.in_reply_to = ids(message.in_reply_to());
    out.references = ids(message.references());
    out.references.retain(|r| !out.in_reply_to.contains(r));
    out.authentication_results = message
        .headers()
        .iter()
        .filter(|h| h.name().eq_ignore_ascii_case("Authentication-Results"))
        .filter_map(|h| raw_value(message, h))
        .collect();
    out.guichet_loop = message
        .header_raw("X-Guichet-Loop")
        .map(|v| v.trim().to_owned());

    let (text, html_only) = body_text(message);
    out.text = text;
    out.html_only = html_only;
    // A forward's "quoted" part is what the sender passes on: the request itself.
    out.reply_text = if is_forward(&out.subject) {
        out.text.clone()
    } else {
        strip_quotes(&out.text)
    };
    out.attachments = attachments(message);
    out.bounce = bounce(message);
    out.automatic = classify(message, out.bounce.is_some());
}

/// The body as text: every text part of the body in order (Apple Mail splits the text around
/// an inline image), the plain variant of an alternative preferred, HTML converted otherwise.
/// Whether the message had nothing but HTML.
fn body_text(message: &Message<'_>) -> (String, bool) {
    let raw = message.raw_message();
    let mut texts: Vec<String> = Vec::new();
    let mut plain = false;
    for part in message
        .text_body
        .iter()
        .filter_map(|&i| message.parts.get(i as usize))
    {
        match &part.body {
            PartType::Text(t) => {
                plain = true;
                let text = part_text(raw, part, t).replace("\r\n", "\n");
                let ct = part.content_type();
                let flowed = ct
                    .and_then(|ct| ct.attribute("format"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                let delsp = ct
                    .and_then(|ct| ct.attribute("delsp"))
                    .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
                texts.push(if flowed { unflow(&text, delsp) } else { text });
            }
            PartType::Html(h) => texts.push(html_to_text(&part_text(raw, part, h))),
            _ => {}
        }
    }
    // Some mailers put an empty text/plain beside the real HTML: the HTML is then the text.
    if texts.iter().all(|t| t.trim().is_empty()) {
        texts.clear();
        plain = false;
        for part in message
            .html_body
            .iter()
            .filter_map(|&i| message.parts.get(i as usize))
        {
            if let PartType::Html(h) = &part.body {
                texts.push(html_to_text(&part_text(raw, part, h)));
            }
        }
    }
    let html_only = !plain && !texts.is_empty();
    let text = texts
        .iter()
        .map(|t| t.trim_end())
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    (text.trim().to_owned(), html_only)
}

/// A decoded header text with what mail-parser could not decode mended: broken encoded words,
/// UTF-8 labelled Latin-1.
fn header_text(text: &str) -> String {
    unmojibake(&lenient_words(text.trim())).trim().to_owned()
}

/// `TR:`, `Fwd:`, `Fw:` and the like (Outlook FR writes `TR :`).
fn is_forward(subject: &str) -> bool {
    let lower = subject.trim_start().to_lowercase();
    ["tr:", "tr :", "fwd:", "fw:", "fwd :", "fw :", "wg:", "rv:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Every attachment and inline image. A forwarded message (`message/rfc822`) is kept whole as
/// an `.eml` named after its subject when it has no name of its own.
fn attachments(message: &Message<'_>) -> Vec<InboundAttachment> {
    let mut out = Vec::new();
    for (n, part) in message.attachments().enumerate() {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let disposition = part
            .content_disposition()
            .map(|d| d.ctype().to_ascii_lowercase());
        // Outlook sends the images of a multipart/related without any disposition.
        let inline = disposition.as_deref() == Some("inline")
            || disposition.is_none()
                && part.content_id().is_some()
                && content_type.starts_with("image/");
        let (data, forwarded) = match &part.body {
            PartType::Message(m) => (m.raw_message().to_vec(), Some(m)),
            _ => (part.contents().to_vec(), None),
        };
        let mut named = part
            .attachment_name()
            .map(|n| unmojibake(n.trim()).into_owned())
            .filter(|n| !n.is_empty());
        if named.as_deref().is_some_and(|n| n.contains('\u{FFFD}'))
            && let Some(again) = message
                .raw_message()
                .get(part.offset_header as usize..part.offset_body as usize)
                .and_then(|h| rfc2231_param(h, "filename"))
        {
            named = Some(again);
        }
        let filename = match (named, forwarded) {
            (Some(name), Some(_)) if !name.to_ascii_lowercase().ends_with(".eml") => {
                format!("{name}.eml")
            }
            (Some(name), _) => name,
            (None, Some(m)) => match m.subject().map(file_stem).filter(|s| !s.is_empty()) {
                Some(stem) => format!("{stem}.eml"),
                None => format!("message-{}.eml", n + 1),
            },
            (None, None) => format!("part-{}{}", n + 1, extension(&content_type)),
        };
        out.push(InboundAttachment {
            filename,
            content_type,
            inline,
            content_id: part.content_id().map(|id| {
                id.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            }),
            data,
        });
    }
    out
}

/// A subject made safe as a file name: no path separators or control characters, at most
/// 80 characters.
fn file_stem(subject: &str) -> String {
    subject
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .take(80)
        .collect::<String>()
        .trim()
        .to_owned()
}

fn raw_value(message: &Message<'_>, header: &mail_parser::Header<'_>) -> Option<String> {
    let raw = message.raw_message();
    let value = raw.get(header.offset_start() as usize..header.offset_end() as usize)?;
    let value = String::from_utf8_lossy(value);
    // Unfold: a header value may span lines.
    let unfolded: Vec<&str> = value.split_whitespace().collect();
    Some(unfolded.join(" "))
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "message/rfc822" => ".eml",
        "message/delivery-status" | "text/rfc822-headers" | "message/disposition-notification" => {
            ".txt"
        }
        "text/plain" => ".txt",
        "text/html" => ".html",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "application/pdf" => ".pdf",
        _ => ".bin",
    }
}

/// `Return-Path` without its angle brackets, lower-cased; `Some("")` for the null sender.
fn return_path(message: &Message<'_>) -> Option<String> {
    message.header_raw("Return-Path").map(|v| {
        v.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .to_ascii_lowercase()
    })
}

fn first_address(value: Option<&mail_parser::Address<'_>>) -> Option<Address> {
    addresses(value).into_iter().next()
}

fn addresses(value: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    let Some(value) = value else {
        return Vec::new();
    };
    value
        .iter()
        .filter_map(|a| {
            let email = a.address()?.trim().to_ascii_lowercase();
            if email.is_empty() {
                return None;
            }
            Some(Address {
                name: a.name().map(header_text).filter(|n| !n.is_empty()),
                email,
            })
        })
        .collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    match value {
        HeaderValue::Text(t) => push(t),
        HeaderValue::TextList(list) => list.iter().for_each(|t| push(t)),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_plain_alternative_gives_way_to_the_html() {
        let raw = b"From: a@ac-dijon.fr\r\nSubject: x\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n--b\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n<p>Le <b>livret</b> est vide.</p>\r\n--b--\r\n";
        let m = parse(raw);
        assert_eq!(m.text, "Le livret est vide.");
        assert!(m.html_only);
    }

    #[test]
    fn the_sender_from_the_headers_alone_is_the_parsed_one() {
        let cases: [&[u8]; 5] = [
            b"From: =?ISO-8859-1?Q?Fran=E7oise?= <F.Berard@AC-DIJON.FR>\r\nReply-To: x@y.fr\r\n\r\nBody\r\n",
            b"Reply-To: <Ines.Petit@ac-dijon.fr>\r\nSubject: LSUN\r\n\r\nBody\r\n",
            b"Return-Path: <Luc.Moreau@ac-dijon.fr>\r\nSubject: LSUN\r\n\r\nBody\r\n",
            b"Return-Path: <>\r\nSubject: DSN\r\n\r\nBody\r\n",
            b"\xff\xfe\x00garbage",
        ];
        for raw in cases {
            assert_eq!(
                sender_of(raw).as_deref(),
                parse(raw).sender(),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(sender_of(cases[0]).as_deref(), Some("f.berard@ac-dijon.fr"));
    }

    #[test]
    fn garbage_still_gives_a_message() {
        let m = parse(b"\xff\xfe\x00garbage");
        assert_eq!(m.size, 10);
        assert_eq!(m.raw_sha256.len(), 64);
        assert!(m.message_id.is_none());
    }

    #[test]
    fn headers_are_decoded() {
        let raw = b"From: =?ISO-8859-1?Q?Fran=E7oise_B=E9rard?= <F.Berard@AC-DIJON.FR>\r\n\
To: guichet@ac-dijon.fr\r\n\
Subject: =?UTF-8?B?UHJvYmzDqG1lIExTVQ==?=\r\n\
Message-ID: <abc@ac-dijon.fr>\r\n\
In-Reply-To: <ticket-2026-000001.3@guichet.ac-dijon.fr>\r\n\
References: <ticket-2026-000001.1@guichet.ac-dijon.fr> <ticket-2026-000001.3@guichet.ac-dijon.fr>\r\n\
Authentication-Results: mx.ac-dijon.fr; dkim=pass\r\n header.d=ac-dijon.fr\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Bonjour\r\n";
        let m = parse(raw);
        assert_eq!(m.message_id.as_deref(), Some("abc@ac-dijon.fr"));
        let from = m.from.as_ref().expect("from");
        assert_eq!(from.email, "f.berard@ac-dijon.fr");
        assert_eq!(from.name.as_deref(), Some("Françoise Bérard"));
        assert_eq!(m.subject, "Problème LSU");
        assert_eq!(
            m.in_reply_to,
            vec!["ticket-2026-000001.3@guichet.ac-dijon.fr"]
        );
        assert_eq!(
            m.references,
            vec!["ticket-2026-000001.1@guichet.ac-dijon.fr"]
        );
        assert_eq!(
            m.authentication_results,
            vec!["mx.ac-dijon.fr; dkim=pass header.d=ac-dijon.fr"]
        );
        assert_eq!(m.text, "Bonjour");
        assert!(m.automatic.is_none());
    }
}
