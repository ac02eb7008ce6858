//! Request templates per application: a subject, the sentence that describes the problem and the
//! solution the desk gave, with `{placeholders}` filled from the ticket's context.
//!
//! The tables are plain text, one template per line: `TUI|subject|detail|solution`, where `T` is
//! the type (`I`ncident, `R`equest, `C`hange) and `U`, `I` the urgency and impact (`L`ow,
//! `M`edium, `H`igh). A unit test checks every line and every placeholder.

mod it;
mod school;

use guichet_core::ticket::{Impact, TicketType, Urgency};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One kind of request.
#[derive(Debug, Clone)]
pub struct Template {
    pub ticket_type: TicketType,
    pub urgency: Urgency,
    pub impact: Impact,
    pub subject: &'static str,
    pub detail: &'static str,
    pub solution: &'static str,
}

/// The placeholders templates and phrases may use.
#[cfg(test)]
const PLACEHOLDERS: &[&str] = &[
    "classe",
    "trimestre",
    "salle",
    "n",
    "eleve",
    "navigateur",
    "jour",
    "echeance",
    "commune",
    "erreur",
];

fn tables() -> [(&'static str, &'static str); 9] {
    [
        ("LSUN", school::LSUN),
        ("ONDE", school::ONDE),
        ("ECECA", school::ECECA),
        ("APAE", school::APAE),
        ("USAGES", school::USAGES),
        ("ENT", it::ENT),
        ("MESSAGERIE", it::MESSAGERIE),
        ("RESEAU", it::RESEAU),
        ("MATERIEL", it::MATERIEL),
    ]
}

fn parse_line(line: &'static str) -> Option<Template> {
    let mut fields = line.split('|');
    let code = fields.next()?.as_bytes();
    let (subject, detail, solution) = (fields.next()?, fields.next()?, fields.next()?);
    if code.len() != 3 || fields.next().is_some() {
        return None;
    }
    let ticket_type = match code[0] {
        b'I' => TicketType::Incident,
        b'R' => TicketType::Request,
        b'C' => TicketType::Change,
        _ => return None,
    };
    let level = |b: u8| match b {
        b'L' => Some(0),
        b'M' => Some(1),
        b'H' => Some(2),
        _ => None,
    };
    let urgency = [Urgency::Low, Urgency::Medium, Urgency::High][level(code[1])?];
    let impact = [Impact::Low, Impact::Medium, Impact::High][level(code[2])?];
    Some(Template {
        ticket_type,
        urgency,
        impact,
        subject: subject.trim(),
        detail: detail.trim(),
        solution: solution.trim(),
    })
}

fn parse_table(table: &'static str) -> Vec<Template> {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| parse_line(l).unwrap_or_else(|| panic!("malformed template line: {l}")))
        .collect()
}

/// The templates of an application (empty for an unknown code).
pub fn for_app(code: &str) -> &'static [Template] {
    static ALL: OnceLock<HashMap<&'static str, Vec<Template>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        tables()
            .into_iter()
            .map(|(code, table)| (code, parse_table(table)))
            .collect()
    });
    all.get(code).map_or(&[], Vec::as_slice)
}

/// Replaces each `{name}` in `text` by `value(name)`; unknown names stay as they are.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a text uses.
#[cfg(test)]
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses_with_known_placeholders() {
        for (code, _) in tables() {
            let templates = for_app(code);
            let major = !matches!(code, "ECECA" | "APAE" | "USAGES");
            let wanted = if major { 15 } else { 8 };
            assert!(
                templates.len() >= wanted,
                "{code}: {} templates",
                templates.len()
            );
            for t in templates {
                for text in [t.subject, t.detail, t.solution] {
                    assert!(!text.is_empty(), "{code}: empty field");
                    for p in placeholders(text) {
                        assert!(
                            PLACEHOLDERS.contains(&p),
                            "{code}: unknown {{{p}}} in {text}"
                        );
                    }
                }
                assert!(t.detail.ends_with(['.', '?', '!']), "{code}: {}", t.detail);
                assert!(
                    t.solution.ends_with(['.', '?', '!']),
                    "{code}: {}",
                    t.solution
                );
            }
        }
        assert!(for_app("NOPE").is_empty());
    }

    #[test]
    fn fill_replaces_known_names_only() {
        let v = |name: &str| (name == "classe").then(|| "CM1".to_owned());
        assert_eq!(fill("En {classe} et {autre}", v), "En CM1 et {autre}");
        assert_eq!(fill("sans accolade {", v), "sans accolade {");
    }
}
