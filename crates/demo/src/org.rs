//! The organisation tree of the demo académie: départements, circonscriptions and about 1,800
//! establishments with valid UAI codes, planned from the seed and then written through the store.

use crate::names::{NATURE, PERSONALITIES, PLACES};
use crate::places::{ACADEMIE, DEPARTEMENTS, Departement};
use chrono::{DateTime, Utc};
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::{OrgNodeId, Uai};
use guichet_store::Tx;
use guichet_store::org::NewOrgNode;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use std::collections::HashSet;

/// An establishment to create.
#[derive(Debug, Clone)]
pub struct Establishment {
    pub uai: Uai,
    pub name: String,
    pub kind: EstablishmentType,
    pub commune: &'static str,
}

/// A circonscription and its schools.
#[derive(Debug)]
pub struct CircPlan {
    pub name: &'static str,
    pub schools: Vec<Establishment>,
}

/// A département, its circonscriptions, and its collèges and lycées (which hang on the
/// département node itself).
#[derive(Debug)]
pub struct DepPlan {
    pub spec: &'static Departement,
    pub circonscriptions: Vec<CircPlan>,
    pub secondary: Vec<Establishment>,
}

/// An establishment once written, with what people and tickets need to know of it.
#[derive(Debug, Clone)]
pub struct Placed {
    pub id: OrgNodeId,
    pub kind: EstablishmentType,
}

/// The written tree.
#[derive(Debug, Default)]
pub struct Tree {
    pub academie: Option<OrgNodeId>,
    /// Département nodes, in [`DEPARTEMENTS`] order.
    pub departements: Vec<OrgNodeId>,
    /// (node, département index) of every circonscription, in plan order.
    pub circonscriptions: Vec<(OrgNodeId, usize)>,
    /// Every establishment, in plan order: each circonscription's schools, then each
    /// département's collèges and lycées.
    pub establishments: Vec<Placed>,
}

/// UAI counters within a département: schools from 1100, collèges from 10, lycées from 500.
const FIRST_SCHOOL: u32 = 1_100;
const FIRST_COLLEGE: u32 = 10;
const FIRST_LYCEE: u32 = 500;

fn uai(dep: u32, counter: u32) -> Uai {
    Uai::from_number(dep * 10_000 + counter).expect("a département number and a 4-digit counter")
}

/// Lower-cases the first letter: "École" → "école".
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A name not yet used in this commune, made by `make`; falls back to a numbered one.
fn unique_name(
    used: &mut HashSet<(String, String)>,
    commune: &str,
    rng: &mut StdRng,
    make: impl Fn(&mut StdRng) -> String,
) -> String {
    for _ in 0..20 {
        let name = make(rng);
        if used.insert((commune.to_owned(), name.clone())) {
            return name;
        }
    }
    let mut n = 2;
    loop {
        let name = format!("{} {n}", make(rng));
        if used.insert((commune.to_owned(), name.clone())) {
            return name;
        }
        n += 1;
    }
}

fn school_name(kind: EstablishmentType, rng: &mut StdRng) -> String {
    let prefix = match kind {
        EstablishmentType::EcoleMaternelle => "École maternelle",
        EstablishmentType::EcoleElementaire => "École élémentaire",
        _ => "École primaire",
    };
    let roll: f64 = rng.random();
    let pick = |list: &[&'static str], rng: &mut StdRng| *list.choose(rng).expect("non-empty list");
    if roll < 0.6 {
        format!("{prefix} {}", pick(PERSONALITIES, rng))
    } else if roll < 0.85 {
        format!("{prefix} {}", pick(NATURE, rng))
    } else {
        format!("{prefix} {}", pick(PLACES, rng))
    }
}

fn secondary_name(kind: EstablishmentType, rng: &mut StdRng) -> String {
    let prefix = match kind {
        EstablishmentType::College => "Collège",
        EstablishmentType::LyceeProfessionnel => "Lycée professionnel",
        _ => "Lycée",
    };
    let personality = *PERSONALITIES.choose(rng).expect("non-empty list");
    if kind == EstablishmentType::College && rng.random_bool(0.15) {
        format!("{prefix} {}", PLACES.choose(rng).expect("non-empty list"))
    } else {
        format!("{prefix} {personality}")
    }
}

/// Plans the whole tree from the seed's generator.
pub fn plan(rng: &mut StdRng) -> Vec<DepPlan> {
    let mut used = HashSet::new();
    DEPARTEMENTS
        .iter()
        .map(|spec| {
            let mut counter = FIRST_SCHOOL;
            let n = spec.circonscriptions.len();
            let circonscriptions = spec
                .circonscriptions
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let count = spec.schools / n + usize::from(i < spec.schools % n);
                    let schools = (0..count)
                        .map(|_| {
                            // The seat holds about a third of the schools; villages share the rest.
                            let commune = if rng.random_bool(0.35) {
                                c.communes[0]
                            } else {
                                *c.communes.choose(rng).expect("communes")
                            };
                            let village = commune != c.communes[0];
                            let roll: f64 = rng.random();
                            let kind = if (village && roll < 0.65) || roll < 0.3 {
                                EstablishmentType::EcolePrimaire
                            } else if roll < 0.65 {
                                EstablishmentType::EcoleElementaire
                            } else {
                                EstablishmentType::EcoleMaternelle
                            };
                            let name =
                                unique_name(&mut used, commune, rng, |r| school_name(kind, r));
                            counter += 1;
                            Establishment {
                                uai: uai(spec.code, counter),
                                name,
                                kind,
                                commune,
                            }
                        })
                        .collect();
                    CircPlan {
                        name: c.name,
                        schools,
                    }
                })
                .collect();
            let seats: Vec<&'static str> = spec
                .circonscriptions
                .iter()
                .map(|c| c.communes[0])
                .collect();
            let towns: Vec<&'static str> = spec
                .circonscriptions
                .iter()
                .flat_map(|c| c.communes.iter().take(3).copied())
                .collect();
            let mut secondary = Vec::with_capacity(spec.colleges + spec.lycees);
            for i in 0..spec.colleges {
                let commune = if i < seats.len() {
                    seats[i]
                } else {
                    *towns.choose(rng).expect("towns")
                };
                let kind = EstablishmentType::College;
                let name = unique_name(&mut used, commune, rng, |r| secondary_name(kind, r));
                secondary.push(Establishment {
                    uai: uai(spec.code, FIRST_COLLEGE + i as u32),
                    name,
                    kind,
                    commune,
                });
            }
            for i in 0..spec.lycees {
                let commune = seats[i % seats.len()];
                let kind = if i % 3 == 2 {
                    EstablishmentType::LyceeProfessionnel
                } else {
                    EstablishmentType::Lycee
                };
                let name = unique_name(&mut used, commune, rng, |r| secondary_name(kind, r));
                secondary.push(Establishment {
                    uai: uai(spec.code, FIRST_LYCEE + i as u32),
                    name,
                    kind,
                    commune,
                });
            }
            DepPlan {
                spec,
                circonscriptions,
                secondary,
            }
        })
        .collect()
}

async fn insert(
    tx: &mut Tx,
    kind: OrgKind,
    parent: Option<OrgNodeId>,
    name: &str,
    code: Option<String>,
    school: Option<&Establishment>,
    now: DateTime<Utc>,
) -> anyhow::Result<OrgNodeId> {
    let node = NewOrgNode {
        kind,
        parent,
        name: name.to_owned(),
        code,
        uai: school.map(|s| s.uai.clone()),
        establishment_type: school.map(|s| s.kind),
        commune: school.map(|s| s.commune.to_owned()),
    };
    Ok(tx.insert_org_node(&node, now).await?.id)
}

/// Writes the planned tree.
pub async fn write(tx: &mut Tx, plan: &[DepPlan], now: DateTime<Utc>) -> anyhow::Result<Tree> {
    let mut tree = Tree::default();
    let academie = insert(
        tx,
        OrgKind::Academie,
        None,
        ACADEMIE,
        Some("DIJON".into()),
        None,
        now,
    )
    .await?;
    tree.academie = Some(academie);
    for (d, dep) in plan.iter().enumerate() {
        let code = Some(format!("{:02}", dep.spec.code));
        let dep_node = insert(
            tx,
            OrgKind::Departement,
            Some(academie),
            dep.spec.name,
            code,
            None,
            now,
        )
        .await?;
        tree.departements.push(dep_node);
        for circ in &dep.circonscriptions {
            let circ_node = insert(
                tx,
                OrgKind::Circonscription,
                Some(dep_node),
                circ.name,
                None,
                None,
                now,
            )
            .await?;
            tree.circonscriptions.push((circ_node, d));
            for school in &circ.schools {
                let id = insert(
                    tx,
                    OrgKind::Etablissement,
                    Some(circ_node),
                    &school.name,
                    None,
                    Some(school),
                    now,
                )
                .await?;
                tree.establishments.push(Placed {
                    id,
                    kind: school.kind,
                });
            }
        }
        for school in &dep.secondary {
            let id = insert(
                tx,
                OrgKind::Etablissement,
                Some(dep_node),
                &school.name,
                None,
                Some(school),
                now,
            )
            .await?;
            tree.establishments.push(Placed {
                id,
                kind: school.kind,
            });
        }
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_plan_is_deterministic_with_valid_unique_uai() {
        let a = plan(&mut StdRng::seed_from_u64(7));
        let b = plan(&mut StdRng::seed_from_u64(7));
        let all = |p: &[DepPlan]| -> Vec<Establishment> {
            p.iter()
                .flat_map(|d| {
                    d.circonscriptions
                        .iter()
                        .flat_map(|c| c.schools.iter().cloned())
                        .chain(d.secondary.iter().cloned())
                })
                .collect()
        };
        let (ea, eb) = (all(&a), all(&b));
        assert_eq!(ea.len(), eb.len());
        assert!(
            ea.iter()
                .zip(&eb)
                .all(|(x, y)| x.uai == y.uai && x.name == y.name)
        );
        let mut codes = HashSet::new();
        for e in &ea {
            assert_eq!(Uai::parse(e.uai.as_str()).as_ref(), Ok(&e.uai));
            assert!(codes.insert(e.uai.clone()), "{} twice", e.uai);
        }
        assert!(ea.iter().any(|e| e.uai.as_str().starts_with("0211")));
        assert_eq!(lower_first("École primaire"), "école primaire");
    }
}
