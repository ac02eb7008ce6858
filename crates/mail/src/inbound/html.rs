//! HTML bodies to readable text. mail-parser's own `html_to_text` keeps words but loses the
//! layout (only `<br>` and `</p>` break lines, so a Gmail message of `<div>`s comes out as one
//! line) and drops link targets; agents read this text on the ticket, so it keeps paragraphs,
//! line breaks, list items and links as `text <url>`.

/// `html` as plain text: scripts, styles, the `<head>` and comments dropped, entities decoded,
/// blocks on their own lines, paragraphs separated by a blank line, links as `text <url>`.
pub fn html_to_text(html: &str) -> String {
    let mut out = Writer::default();
    let mut rest = html;
    // Elements whose content is never shown.
    let mut hidden: Option<String> = None;
    // The open links' targets, innermost last, with where their text started in `out`.
    let mut links: Vec<(Option<String>, usize)> = Vec::new();
    let mut pre = 0usize;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<')
            && let Some(end) = tag_end(rest)
        {
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(h) = &hidden {
                if closing && *h == name {
                    hidden = None;
                }
                continue;
            }
            match name.as_str() {
                "script" | "style" | "head" | "title" | "template" | "xml"
                    if !closing && !tag.ends_with('/') =>
                {
                    hidden = Some(name);
                }
                "br" => out.line_break(),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "ul" | "ol"
                | "table" => out.paragraph(),
                "div" | "tr" | "hr" | "dt" | "dd" | "section" | "article" | "header" | "footer"
                | "address" | "center" => out.newline(),
                "li" if !closing => {
                    out.newline();
                    out.word("- ");
                    out.space = false;
                }
                "td" | "th" if closing => out.space = true,
                "pre" => {
                    out.paragraph();
                    pre = if closing {
                        pre.saturating_sub(1)
                    } else {
                        pre + 1
                    };
                }
                "a" if !closing => links.push((attribute(body, "href"), out.text.len())),
                "a" => {
                    if let Some((Some(href), start)) = links.pop() {
                        let shown = out.text.get(start..).unwrap_or_default().trim().to_owned();
                        let target = href.strip_prefix("mailto:").unwrap_or(&href);
                        let useful = !href.is_empty()
                            && !href.starts_with('#')
                            && !href.to_ascii_lowercase().starts_with("javascript:")
                            && !shown.contains(target);
                        if useful {
                            if shown.is_empty() {
                                out.word(target);
                            } else {
                                out.word(" <");
                                out.word(target);
                                out.word(">");
                            }
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |i| i + first);
        let chunk = &rest[..next];
        rest = &rest[next..];
        if hidden.is_some() {
            continue;
        }
        let decoded = entities(chunk);
        if pre > 0 {
            out.raw(&decoded);
        } else {
            out.flow(&decoded);
        }
    }
    out.finish()
}

/// Where the tag starting at `s[0] == '<'` ends, quotes respected; `None` when `<` does not
/// open a tag (a lone `<` in text).
fn tag_end(s: &str) -> Option<usize> {
    let second = s[1..].chars().next()?;
    if !(second.is_ascii_alphabetic() || second == '/' || second == '!' || second == '?') {
        return None;
    }
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of attribute `name` in a tag's text (`a href="…" class=x`), entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let start = tag.len() - after.len() + 1;
        let value = tag[start..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
            _ => value
                .split([' ', '\t', '\n', '\r', '>'])
                .next()
                .unwrap_or_default(),
        };
        return Some(entities(v.trim()));
    }
    None
}

/// Character references decoded: numeric ones and the named ones French mail uses.
fn entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1);
        let (name, skip) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            Some(e) => (&rest[1..e], e),
            None => (&rest[1..], rest.len()),
        };
        match entity(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[skip..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "nbsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "Icirc" => 'Î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yuml" => 'ÿ',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "aelig" => 'æ',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "middot" => '·',
        "bull" => '•',
        "shy" => return Some('\u{ad}'),
        _ => return None,
    })
}

/// The text being built: collapses white space the way a browser does and never writes more
/// than one blank line in a row.
#[derive(Default)]
struct Writer {
    text: String,
    /// A space is owed before the next word.
    space: bool,
    /// Line breaks owed before the next word (1: new line, 2: new paragraph).
    breaks: usize,
}

impl Writer {
    fn newline(&mut self) {
        self.breaks = self.breaks.max(1);
    }

    /// `<br>`: unlike the end of a block, two in a row make a blank line.
    fn line_break(&mut self) {
        self.breaks = (self.breaks + 1).min(2);
    }

    fn paragraph(&mut self) {
        self.breaks = 2;
    }

    fn word(&mut self, w: &str) {
        if self.text.is_empty() {
            self.breaks = 0;
            self.space = false;
        }
        if self.breaks > 0 {
            while self.text.ends_with(' ') {
                self.text.pop();
            }
            let have = self.text.len() - self.text.trim_end_matches('\n').len();
            for _ in have..self.breaks {
                self.text.push('\n');
            }
            self.breaks = 0;
            self.space = false;
        } else if self.space {
            self.text.push(' ');
            self.space = false;
        }
        self.text.push_str(w);
    }

    fn flow(&mut self, chunk: &str) {
        if chunk.starts_with(char::is_whitespace) {
            self.space = true;
        }
        for (i, w) in chunk.split_whitespace().enumerate() {
            if i > 0 {
                self.space = true;
            }
            self.word(w);
        }
        if chunk.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    fn raw(&mut self, chunk: &str) {
        let mut first = true;
        for line in chunk.split('\n') {
            if !first {
                self.text.push('\n');
            }
            first = false;
            if !line.is_empty() {
                self.word(line.trim_end_matches('\r'));
            }
        }
    }

    fn finish(self) -> String {
        self.text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_and_links_survive() {
        let html = "<html><head><title>t</title><style>p{color:red}</style></head><body>\
<div>Bonjour,</div><div><br></div><div>Le livret de <b>CM2</b>&nbsp;ne s&#39;ouvre plus&nbsp;: \
voir <a href=\"https://lsu.example/aide?a=1&amp;b=2\">l&rsquo;aide</a>.</div>\
<script>alert('x')</script><p>Cordialement,<br>Fran&ccedil;oise</p>\
<ul><li>un</li><li>deux</li></ul><!-- a comment --></body></html>";
        assert_eq!(
            html_to_text(html),
            "Bonjour,\n\nLe livret de CM2 ne s'ouvre plus : voir l’aide <https://lsu.example/aide?a=1&b=2>.\n\nCordialement,\nFrançoise\n\n- un\n- deux"
        );
    }

    #[test]
    fn a_link_showing_its_own_address_is_not_repeated() {
        assert_eq!(
            html_to_text(
                "Écrire à <a href=\"mailto:a@b.fr\">a@b.fr</a> ou <a href=\"https://x.fr\">https://x.fr</a>"
            ),
            "Écrire à a@b.fr ou https://x.fr"
        );
        assert_eq!(html_to_text("1 < 2 &unknown; &amp"), "1 < 2 &unknown; &");
    }
}
