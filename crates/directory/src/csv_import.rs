//! CSV files: establishments in the column layout of the national open data "annuaire de
//! l'éducation" (where it applies), people with their roles. `;` or `,` separated (sniffed from
//! the header), UTF-8 (with or without BOM) or Windows-1252 (Excel's French default).
//! Reading a file never writes: it turns lines into records or into errors naming the line.

use guichet_app::directory::{EstablishmentRecord, PersonRecord, RoleRecord};
use guichet_core::person::RoleKind;
use std::collections::HashMap;

/// A line that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// The text of a file: UTF-8 when it is valid UTF-8 (BOM dropped), Windows-1252 otherwise.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// `;` when the header line has more semicolons than commas, `,` otherwise.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// A line: its number and its fields by lower-cased column name.
type Row = (u64, HashMap<String, String>);

/// The header (lower-cased column names) and the lines of a file.
fn rows(text: &str) -> Result<(Vec<String>, Vec<Row>), LineError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| LineError {
            line: 1,
            reason: format!("unreadable header: {e}"),
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| LineError {
            line: e.position().map_or(0, csv::Position::line),
            reason: format!("unreadable line: {e}"),
        })?;
        // Counted from the byte offset: the reader's own line count is not reliable with CRLF.
        let line = record.position().map_or(0, |p| {
            let bytes = text.as_bytes();
            let mut at = usize::try_from(p.byte())
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            // After a CRLF the position may be on the LF: the record starts after it.
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1
        });
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let map = header
            .iter()
            .cloned()
            .zip(record.iter().map(|f| f.trim().to_owned()))
            .collect();
        out.push((line, map));
    }
    Ok((header, out))
}

/// The first of `names` the header has.
fn column<'a>(header: &[String], names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .copied()
        .find(|n| header.iter().any(|h| h == n))
}

fn get(row: &HashMap<String, String>, col: Option<&str>) -> Option<String> {
    col.and_then(|c| row.get(c))
        .filter(|v| !v.is_empty())
        .cloned()
}

/// Establishments; a missing required column is an error on line 1.
pub fn establishments(text: &str) -> Result<Vec<EstablishmentRecord>, Vec<LineError>> {
    let (header, rows) = rows(text).map_err(|e| vec![e])?;
    let uai = column(&header, &["identifiant_de_l_etablissement", "uai"]);
    let name = column(&header, &["nom_etablissement", "nom", "name"]);
    let missing: Vec<LineError> = [
        ("identifiant_de_l_etablissement", uai),
        ("nom_etablissement", name),
    ]
    .into_iter()
    .filter(|(_, c)| c.is_none())
    .map(|(n, _)| LineError {
        line: 1,
        reason: format!("column {n} missing"),
    })
    .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let kind = column(&header, &["type_etablissement", "type"]);
    let commune = column(&header, &["nom_commune", "commune"]);
    let dep = column(&header, &["code_departement", "departement"]);
    let circ = column(&header, &["circonscription", "nom_circonscription"]);
    let maternelle = column(&header, &["ecole_maternelle"]);
    let elementaire = column(&header, &["ecole_elementaire"]);
    Ok(rows
        .into_iter()
        .map(|(line, row)| {
            // The open data says "Ecole" and tells maternelle and élémentaire in two flags.
            let type_label = get(&row, kind).map(|t| {
                let flag = |c| get(&row, c).is_some_and(|v| v == "1");
                match (
                    t.to_lowercase().starts_with("ecole"),
                    flag(maternelle),
                    flag(elementaire),
                ) {
                    (true, true, false) => "Ecole maternelle".to_owned(),
                    (true, false, true) => "Ecole élémentaire".to_owned(),
                    _ => t,
                }
            });
            EstablishmentRecord {
                origin: format!("line {line}"),
                uai: get(&row, uai).unwrap_or_default(),
                name: get(&row, name).unwrap_or_default(),
                type_label,
                commune: get(&row, commune),
                departement: get(&row, dep),
                circonscription: get(&row, circ),
            }
        })
        .collect())
}

/// A role as a file writes it: `director`, `head`, `teacher`, `staff`, or in French.
fn role_kind(s: &str) -> Option<RoleKind> {
    match s.trim().to_lowercase().as_str() {
        "directeur" | "directrice" | "dir" => Some(RoleKind::Director),
        "chef" | "chef_etablissement" => Some(RoleKind::Head),
        "enseignant" | "enseignante" | "ens" => Some(RoleKind::Teacher),
        "personnel" => Some(RoleKind::Staff),
        other => RoleKind::parse(other).ok().filter(|k| {
            matches!(
                k,
                RoleKind::Director | RoleKind::Head | RoleKind::Teacher | RoleKind::Staff
            )
        }),
    }
}

/// People: columns `uid`, `mail` (or `email`), `display_name` (or `nom` and `prenom`) and
/// `roles`, a `|`-separated list of `role:UAI` (`director:0211234C|teacher:0211235D`).
pub fn persons(text: &str) -> Result<Vec<PersonRecord>, Vec<LineError>> {
    let (header, rows) = rows(text).map_err(|e| vec![e])?;
    let uid = column(&header, &["uid"]);
    let mail = column(&header, &["mail", "email"]);
    let display = column(&header, &["display_name", "nom_complet"]);
    let (surname, given) = (
        column(&header, &["nom"]),
        column(&header, &["prenom", "prénom"]),
    );
    let roles = column(&header, &["roles", "rôles"]);
    let mut errors: Vec<LineError> = [("uid", uid), ("mail", mail)]
        .into_iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| LineError {
            line: 1,
            reason: format!("column {n} missing"),
        })
        .collect();
    if display.is_none() && surname.is_none() {
        errors.push(LineError {
            line: 1,
            reason: "column display_name (or nom) missing".into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for (line, row) in rows {
        let display_name = get(&row, display).unwrap_or_else(|| {
            [get(&row, given), get(&row, surname)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        });
        let mut parsed = Vec::new();
        for item in get(&row, roles)
            .unwrap_or_default()
            .split('|')
            .filter(|s| !s.trim().is_empty())
        {
            match item
                .split_once(':')
                .and_then(|(k, u)| Some((role_kind(k)?, u.trim())))
            {
                Some((kind, uai)) => parsed.push(RoleRecord {
                    kind,
                    uai: uai.to_owned(),
                }),
                None => errors.push(LineError {
                    line,
                    reason: format!(
                        "role {:?}: expected role:UAI with role director, head, teacher or staff",
                        item.trim()
                    ),
                }),
            }
        }
        out.push(PersonRecord {
            origin: format!("line {line}"),
            uid: get(&row, uid).unwrap_or_default(),
            email: get(&row, mail),
            display_name,
            roles: parsed,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_semicolons_are_read() {
        let bytes = b"identifiant_de_l_etablissement;nom_etablissement;type_etablissement;nom_commune;code_departement\r\n0210001M;Ecole Cl\xe9menceau;Ecole;Dijon;021\r\n";
        let text = decode(bytes);
        let rows = establishments(&text).expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Ecole Clémenceau");
        assert_eq!(rows[0].departement.as_deref(), Some("021"));
        assert_eq!(rows[0].origin, "line 2");
    }

    #[test]
    fn a_utf8_bom_and_commas_are_read() {
        let text = decode("\u{feff}uid,mail,nom,prenom,roles\nmd,m@ac-dijon.fr,Dupont,Marie,director:0210001M|teacher:0210002N\n".as_bytes());
        let p = persons(&text).expect("reads");
        assert_eq!(p[0].display_name, "Marie Dupont");
        assert_eq!(p[0].roles.len(), 2);
    }

    #[test]
    fn bad_roles_and_missing_columns_name_their_line() {
        let err = persons("uid;mail;nom;roles\na;a@x.fr;A;boss:0210001M\n").expect_err("refused");
        assert_eq!(err[0].line, 2);
        let err = establishments("uai;commune\n").expect_err("refused");
        assert_eq!(
            err[0].to_string(),
            "line 1: column nom_etablissement missing"
        );
    }
}
