//! Bytes that are not what they claim to be. mail-parser decodes a header or a text part
//! without a usable charset with `String::from_utf8_lossy`, so a raw Latin-1 "é" (Outlook
//! Express, old scanners and copiers, Windows scripts) becomes U+FFFD. French mail is almost
//! always UTF-8 or Windows-1252, so every byte sequence that is not valid UTF-8 is read as
//! Windows-1252, and what is valid UTF-8 stays as it is.

use mail_parser::{Encoding, MessagePart, MimeHeaders};
use std::borrow::Cow;

/// `bytes` as text: valid UTF-8 runs kept, every other byte read as Windows-1252.
pub(crate) fn mixed(bytes: &[u8]) -> Cow<'_, str> {
    let mut rest = match std::str::from_utf8(bytes) {
        Ok(text) => return Cow::Borrowed(text),
        Err(_) => bytes,
    };
    let mut out = String::with_capacity(bytes.len() + 16);
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(after.len()).max(1);
                let (bad, after) = after.split_at(bad.min(after.len()));
                out.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(bad).0);
                rest = after;
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    Cow::Owned(out)
}

/// `raw` with its top-level header section made valid UTF-8 (see [`mixed`]), so that
/// mail-parser reads raw 8-bit headers (RFC 6532 UTF-8, or undeclared Latin-1) without loss.
/// Bodies are left alone: their charset is the part's business.
pub(crate) fn repair_headers(raw: &[u8]) -> Cow<'_, [u8]> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let head = &raw[..end];
    if std::str::from_utf8(head).is_ok() {
        return Cow::Borrowed(raw);
    }
    let mut fixed = mixed(head).into_owned().into_bytes();
    fixed.extend_from_slice(&raw[end..]);
    Cow::Owned(fixed)
}

/// The text of `part` as decoded by mail-parser, or read again from its raw bytes when
/// mail-parser had to replace bytes it could not decode (no charset, or one that lied).
pub(crate) fn part_text<'a>(raw: &[u8], part: &MessagePart<'_>, decoded: &'a str) -> Cow<'a, str> {
    if !decoded.contains('\u{FFFD}') {
        return Cow::Borrowed(decoded);
    }
    // Only where mail-parser fell back to UTF-8: a real single-byte charset never yields
    // U+FFFD, and re-reading a multi-byte one as Windows-1252 would be worse.
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(str::to_ascii_lowercase);
    let utf8ish = match charset.as_deref() {
        None => true,
        Some(c) => {
            matches!(c, "utf-8" | "utf8" | "us-ascii" | "ascii" | "unknown-8bit")
                || mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()).is_none()
        }
    };
    if !utf8ish {
        return Cow::Borrowed(decoded);
    }
    let Some(body) = raw.get(part.offset_body as usize..part.offset_end as usize) else {
        return Cow::Borrowed(decoded);
    };
    let bytes: Option<Vec<u8>> = match part.encoding {
        Encoding::QuotedPrintable => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(body)
        }
        Encoding::Base64 => mail_parser::decoders::base64::base64_decode(body),
        _ => Some(body.to_vec()),
    };
    match bytes {
        Some(bytes) => Cow::Owned(mixed(&bytes).into_owned()),
        None => Cow::Borrowed(decoded),
    }
}

/// A `format=flowed` text (RFC 3676) as the paragraphs its sender typed: a line ending in a
/// space goes on with the next line of the same quote depth; space-stuffing is undone;
/// with `delsp=yes` the joining space is the client's, not the sender's. mail-parser leaves
/// the soft breaks in, which cuts words like "« Erreur\ntechnique »" from one another.
pub(crate) fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.chars().take_while(|c| *c == '>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        match open {
            Some(d) if d == depth => {}
            Some(_) => {
                out.push('\n');
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
            None => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
        }
        let soft = content.ends_with(' ') && content != "-- ";
        if soft {
            out.push_str(if delsp {
                &content[..content.len() - 1]
            } else {
                content
            });
            open = Some(depth);
        } else {
            out.push_str(content);
            open = None;
        }
    }
    out
}

/// The RFC 2231 parameter `name` (`filename`, `name`) of a part, read from the part's raw
/// header lines: every `name*N*` / `name*N` segment in order, percent-decoded and concatenated
/// before the charset is applied. mail-parser decodes each segment on its own, so a character
/// whose bytes a client split across two segments (`…%E2;` then `%80%93…`) becomes U+FFFD.
pub(crate) fn rfc2231_param(raw_headers: &[u8], name: &str) -> Option<String> {
    let text = mixed(raw_headers);
    // Unfold.
    let mut unfolded = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            unfolded.push(' ');
            unfolded.push_str(line.trim_start());
        } else {
            unfolded.push('\n');
            unfolded.push_str(line);
        }
    }
    let mut charset: Option<String> = None;
    let mut segments: Vec<(u32, Vec<u8>)> = Vec::new();
    for line in unfolded.lines() {
        let Some((header, value)) = line.split_once(':') else {
            continue;
        };
        if !header.trim().eq_ignore_ascii_case("content-disposition") {
            continue;
        }
        for param in split_params(value) {
            let Some((key, v)) = param.split_once('=') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let Some(rest) = key.strip_prefix(name).and_then(|r| r.strip_prefix('*')) else {
                continue;
            };
            let encoded = rest.ends_with('*') || rest.is_empty();
            let index: u32 = match rest.trim_end_matches('*') {
                "" => 0,
                n => match n.parse() {
                    Ok(n) => n,
                    Err(_) => continue,
                },
            };
            let v = v.trim().trim_matches('"');
            let bytes = if encoded {
                let data = if index == 0 {
                    let mut parts = v.splitn(3, '\'');
                    let (cs, _lang, data) = (parts.next(), parts.next(), parts.next());
                    match data {
                        Some(data) => {
                            charset = cs.map(str::to_owned);
                            data
                        }
                        None => v,
                    }
                } else {
                    v
                };
                percent_decode(data)
            } else {
                v.as_bytes().to_vec()
            };
            segments.push((index, bytes));
        }
    }
    if segments.is_empty() {
        return None;
    }
    segments.sort_by_key(|(i, _)| *i);
    let bytes: Vec<u8> = segments.into_iter().flat_map(|(_, b)| b).collect();
    let decoded = match charset
        .as_deref()
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
    {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            enc.decode_without_bom_handling(&bytes).0.into_owned()
        }
        _ => mixed(&bytes).into_owned(),
    };
    Some(decoded).filter(|d| !d.trim().is_empty())
}

/// A header value's `;`-separated parameters, quotes respected.
fn split_params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = bytes.get(i + 1..i + 3)
            && let Ok(h) = std::str::from_utf8(h)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Encoded words mail-parser left as they were because they are broken (no closing `?=`, as a
/// truncating mailer writes them): decoded up to the next space or the end.
pub(crate) fn lenient_words(text: &str) -> Cow<'_, str> {
    if !text.contains("=?") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("=?") {
        out.push_str(&rest[..at]);
        let word = &rest[at..];
        let end = word.find(char::is_whitespace).unwrap_or(word.len());
        match decode_word(&word[..end]) {
            Some(decoded) => out.push_str(&decoded),
            None => out.push_str(&word[..end]),
        }
        rest = &word[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `=?charset?Q|B?text` with or without its closing `?=`.
fn decode_word(word: &str) -> Option<String> {
    let inner = word.strip_prefix("=?")?;
    let inner = inner.strip_suffix("?=").unwrap_or(inner);
    let mut parts = inner.splitn(3, '?');
    let (charset, encoding, data) = (parts.next()?, parts.next()?, parts.next()?);
    let charset = charset.split('*').next().unwrap_or(charset);
    let bytes = match encoding {
        "Q" | "q" => {
            let underscored = data.replace('_', " ");
            mail_parser::decoders::quoted_printable::quoted_printable_decode(
                underscored.as_bytes(),
            )?
        }
        "B" | "b" => mail_parser::decoders::base64::base64_decode(data.as_bytes())?,
        _ => return None,
    };
    Some(
        match encoding_rs::Encoding::for_label(charset.trim().as_bytes()) {
            Some(enc) if enc != encoding_rs::UTF_8 => {
                enc.decode_without_bom_handling(&bytes).0.into_owned()
            }
            _ => mixed(&bytes).into_owned(),
        },
    )
}

/// Undoes UTF-8 read as Latin-1 ("ProblÃ¨me" → "Problème"), which a sender produces by
/// labelling UTF-8 bytes `ISO-8859-1` in an encoded word.
pub(crate) fn unmojibake(text: &str) -> Cow<'_, str> {
    if !text.contains(['Ã', 'Â', 'Å']) || text.chars().any(|c| c as u32 > 0xFF) {
        return Cow::Borrowed(text);
    }
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => Cow::Owned(fixed),
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_read_as_windows_1252() {
        assert_eq!(mixed(b"Probl\xe8me d\x92acc\xe8s"), "Problème d’accès");
        assert_eq!(mixed("déjà".as_bytes()), "déjà");
        // Both in one text: the UTF-8 stays, the stray byte is Windows-1252.
        assert_eq!(mixed(b"\xc3\xa9l\xe8ve \x80"), "élève €");
        assert_eq!(mixed(b"fin \xc3"), "fin Ã");
    }

    #[test]
    fn raw_latin1_headers_are_repaired_bodies_untouched() {
        let raw = b"Subject: El\xe8ve\r\n\r\nb\xe9";
        assert_eq!(
            &*repair_headers(raw),
            b"Subject: El\xc3\xa8ve\r\n\r\nb\xe9".as_slice()
        );
        let fine = b"Subject: ok\r\n\r\nb\xe9";
        assert!(matches!(repair_headers(fine), Cow::Borrowed(_)));
    }

    #[test]
    fn rfc2231_segments_are_joined_before_decoding() {
        let headers = b"Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=UTF-8''Relev%C3%A9%20%E2;\r\n filename*1*=%80%93%20CM2.pdf\r\n\r\n";
        assert_eq!(
            rfc2231_param(headers, "filename").as_deref(),
            Some("Relevé – CM2.pdf")
        );
        let latin = b"Content-Disposition: attachment; filename*0*=iso-8859-1'fr'fiche%20%E9l%E8ve;\n\tfilename*1=\" CE2.pdf\"\n";
        assert_eq!(
            rfc2231_param(latin, "filename").as_deref(),
            Some("fiche élève CE2.pdf")
        );
        assert_eq!(
            rfc2231_param(b"Content-Disposition: inline\n", "filename"),
            None
        );
    }

    #[test]
    fn broken_encoded_words_are_decoded_anyway() {
        assert_eq!(
            lenient_words("LSU =?utf-8?Q?probl=C3=A8me_d=27impression"),
            "LSU problème d'impression"
        );
        assert_eq!(lenient_words("=?iso-8859-1?B?6WzodmU=?= ok"), "élève ok");
        assert_eq!(lenient_words("a =? b"), "a =? b");
    }

    #[test]
    fn flowed_lines_are_joined() {
        let text = "L'export \u{e9}choue avec \u{ab} Erreur \ntechnique \u{bb}.\n\n-- \nFran\u{e7}oise\n> cit\u{e9} \n> suite";
        assert_eq!(
            unflow(text, false),
            "L'export échoue avec « Erreur technique ».\n\n-- \nFrançoise\n> cité suite"
        );
        assert_eq!(unflow("mot \ncoup\u{e9}", true), "motcoupé");
    }

    #[test]
    fn utf8_read_as_latin1_is_undone() {
        assert_eq!(unmojibake("ProblÃ¨me Ã©lÃ¨ve"), "Problème élève");
        assert_eq!(unmojibake("Problème"), "Problème");
        assert_eq!(unmojibake("Ã la carte"), "Ã la carte");
    }
}
