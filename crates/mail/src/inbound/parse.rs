//! Raw bytes to [`Inbound`], with mail-parser behind a panic guard.

use super::automatic::{bounce, classify};
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
        if let Some(message) = MessageParser::default().parse(raw) {
            read(&message, &mut inbound);
        }
        inbound
    })
    .unwrap_or(empty)
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
    out.return_path = message.header_raw("Return-Path").map(|v| {
        v.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .to_ascii_lowercase()
    });
    out.subject = message.subject().unwrap_or_default().trim().to_owned();
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

    out.html_only = message.text_body_count() == 0 && message.html_body_count() > 0
        || message
            .text_body
            .first()
            .and_then(|&i| message.parts.get(i as usize))
            .is_some_and(|p| matches!(p.body, PartType::Html(_)));
    out.text = message
        .body_text(0)
        .map(|t| t.replace("\r\n", "\n").trim().to_owned())
        .unwrap_or_default();
    out.reply_text = strip_quotes(&out.text);

    for (n, part) in message.attachments().enumerate() {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let inline = part
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"));
        let data = match &part.body {
            PartType::Message(m) => m.raw_message().to_vec(),
            _ => part.contents().to_vec(),
        };
        let filename = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("part-{}{}", n + 1, extension(&content_type)));
        out.attachments.push(InboundAttachment {
            filename,
            content_type,
            inline,
            content_id: part.content_id().map(str::to_owned),
            data,
        });
    }
    out.bounce = bounce(message);
    out.automatic = classify(message, out.bounce.is_some());
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
        "text/plain" => ".txt",
        "text/html" => ".html",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "application/pdf" => ".pdf",
        _ => ".bin",
    }
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
                name: a
                    .name()
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
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

/// `text` without the quoted history of a reply: from the first attribution line
/// ("Le … a écrit :", "On … wrote:", Outlook's "-----Original Message-----" or "De :" block)
/// or the first run of `>` lines that goes on to the end.
pub(crate) fn strip_quotes(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        let lower = l.to_lowercase();
        let attribution = (lower.starts_with("le ") && lower.ends_with("a écrit :"))
            || (lower.starts_with("le ") && lower.ends_with("a écrit:"))
            || (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || lower.starts_with("-----original message-----")
            || lower.starts_with("-----message d'origine-----")
            || (lower.starts_with("de :") || lower.starts_with("from:"))
                && lines.get(i + 1).is_some_and(|n| {
                    let n = n.trim().to_lowercase();
                    n.starts_with("envoyé :") || n.starts_with("sent:") || n.starts_with("date")
                });
        let quoted_to_end = l.starts_with('>')
            && lines[i..]
                .iter()
                .all(|r| r.trim().is_empty() || r.trim_start().starts_with('>'));
        if attribution || quoted_to_end {
            cut = i;
            break;
        }
    }
    let kept = lines[..cut].join("\n");
    let kept = kept.trim();
    if kept.is_empty() {
        text.trim().to_owned()
    } else {
        kept.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_loses_its_quoted_history() {
        let text = "Merci, c'est réglé.\n\nLe 3 déc. 2026 à 10:00, Guichet <guichet@ac-dijon.fr> a écrit :\n> Bonjour\n> Votre demande";
        assert_eq!(strip_quotes(text), "Merci, c'est réglé.");
        let outlook = "Toujours bloqué.\n\nDe : Guichet\nEnvoyé : jeudi 3 décembre 2026\nObjet : [Guichet #2026-000001]";
        assert_eq!(strip_quotes(outlook), "Toujours bloqué.");
        assert_eq!(strip_quotes("> only a quote"), "> only a quote");
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
