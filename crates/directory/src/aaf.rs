//! Reading an AAF entry: the person, their establishments and the roles they hold on a given
//! day (delegations count only inside their window). Pure: no IO, unit-tested here.

use crate::config::Mapping;
use chrono::NaiveDate;
use guichet_app::directory::{EstablishmentRecord, PersonRecord, RoleRecord};
use guichet_core::Uai;
use guichet_core::person::RoleKind;
use std::collections::HashMap;

/// An entry's attributes, as the LDAP answers them (names compared without case).
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub dn: String,
    attrs: HashMap<String, Vec<String>>,
}

impl Entry {
    pub fn new(dn: String, attrs: HashMap<String, Vec<String>>) -> Self {
        let attrs = attrs
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        Self { dn, attrs }
    }

    pub fn values(&self, name: &str) -> &[String] {
        self.attrs
            .get(&name.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name)
            .iter()
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
    }
}

/// The UAI of a `UAI$…` value; `None` for `X` (none) and blanks.
fn first_field(value: &str) -> Option<&str> {
    let uai = value.split('$').next()?.trim();
    (!uai.is_empty() && !uai.eq_ignore_ascii_case("x")).then_some(uai)
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .or_else(|| {
            s.get(..8)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
        })
}

/// A delegation `resource|start|end|…|UAI|…` in force on `today`: the UAI it delegates.
fn delegation_in_force<'a>(value: &'a str, mapping: &Mapping, today: NaiveDate) -> Option<&'a str> {
    let fields: Vec<&str> = value.split('|').map(str::trim).collect();
    let resource = fields.first()?;
    if !has_function(&mapping.director_functions, resource) {
        return None;
    }
    let start = parse_date(fields.get(1)?)?;
    let end = parse_date(fields.get(2)?)?;
    if !(start <= today && today <= end) {
        return None;
    }
    fields
        .iter()
        .skip(3)
        .copied()
        .find(|f| Uai::parse(f).is_ok())
}

fn has_function(list: &[String], value: &str) -> bool {
    list.iter().any(|f| f.eq_ignore_ascii_case(value.trim()))
}

/// The person an entry describes, with their roles on `today`: head (director) of the
/// establishments they are responsible for when one of their functions says so, and of those
/// delegated to them in a window containing `today`; teacher or staff where they are assigned.
pub fn person(entry: &Entry, mapping: &Mapping, today: NaiveDate) -> PersonRecord {
    let display_name = entry
        .first(&mapping.display_name)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            [
                entry.first(&mapping.given_name),
                entry.first(&mapping.surname),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        });
    let functions = entry.values(&mapping.functions);
    let heads = functions
        .iter()
        .any(|f| has_function(&mapping.director_functions, f));
    let teaches = functions
        .iter()
        .any(|f| has_function(&mapping.teacher_functions, f));
    let mut roles: Vec<RoleRecord> = Vec::new();
    let mut add = |kind: RoleKind, uai: &str| {
        let uai = uai.trim().to_ascii_uppercase();
        if !roles.iter().any(|r| r.kind == kind && r.uai == uai) {
            roles.push(RoleRecord { kind, uai });
        }
    };
    if heads {
        for uai in entry
            .values(&mapping.responsibilities)
            .iter()
            .filter_map(|v| first_field(v))
        {
            add(RoleKind::Director, uai);
        }
    }
    for value in entry.values(&mapping.delegations) {
        if let Some(uai) = delegation_in_force(value, mapping, today) {
            add(RoleKind::Director, uai);
        }
    }
    let assigned = if teaches {
        RoleKind::Teacher
    } else {
        RoleKind::Staff
    };
    for uai in entry
        .values(&mapping.assignments)
        .iter()
        .filter_map(|v| first_field(v))
    {
        add(assigned, uai);
    }
    PersonRecord {
        origin: entry.dn.clone(),
        uid: entry.first(&mapping.uid).unwrap_or_default().to_owned(),
        email: entry.first(&mapping.mail).map(str::to_owned),
        display_name,
        roles,
    }
}

/// The establishment an entry describes.
pub fn establishment(entry: &Entry, mapping: &Mapping) -> EstablishmentRecord {
    let get = |name: &str| entry.first(name).map(str::to_owned);
    EstablishmentRecord {
        origin: entry.dn.clone(),
        uai: get(&mapping.establishment_uai).unwrap_or_default(),
        name: get(&mapping.establishment_name).unwrap_or_default(),
        type_label: get(&mapping.establishment_type),
        commune: get(&mapping.establishment_commune),
        departement: None,
        circonscription: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(attrs: &[(&str, &[&str])]) -> Entry {
        Entry::new(
            "uid=x,ou=personnels".into(),
            attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
                .collect(),
        )
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn a_director_heads_the_schools_they_are_responsible_for() {
        let e = entry(&[
            ("uid", &["mdupont"]),
            ("sn", &["Dupont"]),
            ("givenName", &["Marie"]),
            ("mail", &["Marie.Dupont@ac-dijon.fr"]),
            ("FrEduRne", &["0210001M$UAJ$PU$N$T3$ECOL$340"]),
            ("FrEduRneResp", &["0210001M$UAJ$PU$N$T3$ECOL$340"]),
            ("FrEduFonctAdm", &["DIR"]),
        ]);
        let p = person(&e, &Mapping::default(), day("2026-12-03"));
        assert_eq!(p.uid, "mdupont");
        assert_eq!(p.display_name, "Marie Dupont");
        assert_eq!(
            p.roles,
            vec![
                RoleRecord {
                    kind: RoleKind::Director,
                    uai: "0210001M".into()
                },
                RoleRecord {
                    kind: RoleKind::Staff,
                    uai: "0210001M".into()
                },
            ]
        );
    }

    #[test]
    fn x_means_no_responsibility_and_teachers_teach() {
        let e = entry(&[
            ("uid", &["t"]),
            ("cn", &["T"]),
            ("FrEduRne", &["0210002N$UAJ"]),
            ("FrEduRneResp", &["X"]),
            ("FrEduFonctAdm", &["ENS"]),
        ]);
        let p = person(&e, &Mapping::default(), day("2026-12-03"));
        assert_eq!(
            p.roles,
            vec![RoleRecord {
                kind: RoleKind::Teacher,
                uai: "0210002N".into()
            }]
        );
    }

    #[test]
    fn a_delegation_counts_inside_its_window_only() {
        let e = entry(&[
            ("uid", &["d"]),
            ("cn", &["D"]),
            (
                "FrEduResDel",
                &[
                    "DIR|20261101|20261231|mdupont|x|0210001M|x",
                    "DIR|01/01/2020|31/12/2020|a|b|0210002N",
                ],
            ),
        ]);
        let m = Mapping::default();
        assert_eq!(person(&e, &m, day("2026-10-31")).roles, vec![]);
        assert_eq!(
            person(&e, &m, day("2026-12-31")).roles,
            vec![RoleRecord {
                kind: RoleKind::Director,
                uai: "0210001M".into()
            }]
        );
        assert_eq!(person(&e, &m, day("2027-01-01")).roles, vec![]);
    }

    /// An académie whose directory names things its own way: other attribute names, and
    /// `DIR` or `ADJ` (acting head) making a school director, `DOC` a teacher.
    #[test]
    fn the_mapping_chooses_the_attributes_and_the_director_functions() {
        let m = Mapping {
            uid: "employeeNumber".into(),
            mail: "mailPrincipal".into(),
            functions: "fonction".into(),
            director_functions: vec!["DIR".into(), "ADJ".into()],
            teacher_functions: vec!["ENS".into(), "DOC".into()],
            ..Mapping::default()
        };
        let acting = entry(&[
            ("uid", &["ignored"]),
            ("employeeNumber", &["E123"]),
            ("cn", &["Paul Martin"]),
            ("mailPrincipal", &["paul.martin@ac-dijon.fr"]),
            ("FrEduRne", &["0210001M$UAJ"]),
            ("FrEduRneResp", &["0210001M$UAJ"]),
            ("fonction", &["ADJ"]),
            ("FrEduFonctAdm", &["ENS"]),
        ]);
        let p = person(&acting, &m, day("2026-12-03"));
        assert_eq!(p.uid, "E123");
        assert_eq!(p.email.as_deref(), Some("paul.martin@ac-dijon.fr"));
        assert_eq!(
            p.roles,
            vec![
                RoleRecord {
                    kind: RoleKind::Director,
                    uai: "0210001M".into()
                },
                RoleRecord {
                    kind: RoleKind::Staff,
                    uai: "0210001M".into()
                },
            ]
        );
        // The same entry under the defaults: `ADJ` is nobody's head, `FrEduFonctAdm` decides.
        let p = person(&acting, &Mapping::default(), day("2026-12-03"));
        assert_eq!(p.uid, "ignored");
        assert_eq!(
            p.roles,
            vec![RoleRecord {
                kind: RoleKind::Teacher,
                uai: "0210001M".into()
            }]
        );
        let librarian = entry(&[
            ("employeeNumber", &["E9"]),
            ("cn", &["L"]),
            ("FrEduRne", &["0210002N$UAJ"]),
            ("fonction", &["DOC"]),
        ]);
        assert_eq!(
            person(&librarian, &m, day("2026-12-03")).roles,
            vec![RoleRecord {
                kind: RoleKind::Teacher,
                uai: "0210002N".into()
            }]
        );
    }
}
