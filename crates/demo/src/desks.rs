//! Desks (DSI, one DSDEN per département, the Région, a software vendor), their groups at
//! levels N0–N3, the applications requests are about, and the routing the demo tickets follow.

use crate::places::DEPARTEMENTS;
use chrono::{DateTime, Utc};
use guichet_core::desk::{Expertise, Level};
use guichet_core::org::EstablishmentType;
use guichet_core::{GroupId, OrgNodeId};
use guichet_store::Tx;
use guichet_store::application::NewApplication;
use guichet_store::desk::NewGroup;

/// A group to create, with how many agents work in it.
#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub desk: String,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub expertise: Expertise,
    pub agents: usize,
}

/// An application with its keywords and default group.
#[derive(Debug)]
pub struct AppSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub keywords: &'static [&'static str],
    pub default_group: &'static str,
}

/// The group every application falls into unless a routing rule says otherwise.
pub const DSI_N1: &str = "DSI-N1";
/// The N2 group of the demo N2 agent.
pub const DSI_N2_LSUN: &str = "DSI-N2-LSUN";

/// The applications, in a fixed order the ticket generator relies on.
pub const APPS: &[AppSpec] = &[
    AppSpec {
        code: "LSUN",
        name: "Livret scolaire unique numérique",
        description: "Le livret scolaire unique (LSU) : saisie des bilans périodiques et de fin de cycle, édition des livrets, accès des familles.",
        keywords: &["LSUN", "LSU"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "ONDE",
        name: "ONDE – base élèves du premier degré",
        description: "Outil numérique pour la direction d'école : inscriptions, admissions, radiations, répartition des élèves et constat des effectifs.",
        keywords: &["ONDE", "BE1D"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "ECECA",
        name: "ECECA – élections des représentants de parents",
        description: "Organisation et résultats des élections des représentants de parents d'élèves aux conseils d'école et d'administration.",
        keywords: &["ECECA", "ELECTIONS"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "APAE",
        name: "APAE – aide au pilotage",
        description: "Aide au pilotage et à l'auto-évaluation des établissements : indicateurs, tableaux de bord et rapport annuel.",
        keywords: &["APAE"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "ENT",
        name: "ENT – espace numérique de travail",
        description: "L'espace numérique de travail des écoles et établissements : comptes élèves et familles, cahier de textes, blog de classe, messagerie interne.",
        keywords: &["ENT", "EDUCONNECT"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "MESSAGERIE",
        name: "Messagerie académique",
        description: "La messagerie professionnelle @ac-dijon.fr : comptes, boîtes fonctionnelles des écoles, listes de diffusion, hameçonnage.",
        keywords: &["MESSAGERIE", "WEBMAIL", "COURRIEL"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "RESEAU",
        name: "Réseau et accès Internet",
        description: "Accès Internet, Wi-Fi, filtrage et sécurité du réseau pédagogique et administratif.",
        keywords: &["RESEAU", "WIFI", "INTERNET"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "MATERIEL",
        name: "Matériel informatique",
        description: "Postes, imprimantes, vidéoprojecteurs, tableaux numériques et tablettes : pannes, remplacements et demandes d'équipement.",
        keywords: &["MATERIEL", "IMPRIMANTE", "PANNE"],
        default_group: DSI_N1,
    },
    AppSpec {
        code: "USAGES",
        name: "Usages pédagogiques du numérique",
        description: "Accompagnement des équipes : ressources, formations, prêt de matériel pédagogique, éducation aux médias.",
        keywords: &["USAGES", "PEDAGOGIE"],
        default_group: DSI_N1,
    },
];

fn group(
    desk: &str,
    code: &str,
    name: &str,
    level: Level,
    expertise: Expertise,
    agents: usize,
) -> GroupSpec {
    GroupSpec {
        desk: desk.to_owned(),
        code: code.to_owned(),
        name: name.to_owned(),
        level,
        expertise,
        agents,
    }
}

/// The code of a département's DSDEN desk: `DSDEN21`.
pub fn dsden(dep_code: u32) -> String {
    format!("DSDEN{dep_code:02}")
}

/// Every group, desk by desk.
pub fn groups() -> Vec<GroupSpec> {
    use Expertise::{Functional, Pedagogical, Technical};
    use Level::{N0, N1, N2, N3};
    let mut all = vec![
        group(
            "DSI",
            DSI_N1,
            "Assistance académique N1",
            N1,
            Functional,
            10,
        ),
        group("DSI", DSI_N2_LSUN, "Expertise LSUN", N2, Functional, 3),
        group("DSI", "DSI-N2-ONDE", "Expertise ONDE", N2, Functional, 3),
        group(
            "DSI",
            "DSI-N2-APPLIS",
            "Applications de gestion",
            N2,
            Functional,
            2,
        ),
        group("DSI", "DSI-N2-ENT", "ENT et messagerie", N2, Technical, 3),
        group(
            "DSI",
            "DSI-N2-RESEAU",
            "Réseaux et infrastructure",
            N2,
            Technical,
            4,
        ),
    ];
    for dep in DEPARTEMENTS {
        let desk = dsden(dep.code);
        all.push(group(
            &desk,
            &format!("{desk}-N0"),
            &format!("Référents numériques de proximité ({:02})", dep.code),
            N0,
            Technical,
            3,
        ));
        all.push(group(
            &desk,
            &format!("{desk}-N1"),
            &format!("Assistance pédagogique ({:02})", dep.code),
            N1,
            Pedagogical,
            3,
        ));
    }
    all.push(group(
        "REGION",
        "REGION-N1",
        "Assistance OPTIC des lycées",
        N1,
        Technical,
        4,
    ));
    all.push(group(
        "REGION",
        "REGION-N2",
        "Maintenance des équipements",
        N2,
        Technical,
        3,
    ));
    all.push(group(
        "EDITEUR",
        "EDITEUR-N3",
        "Support éditeur ENT",
        N3,
        Technical,
        3,
    ));
    all
}

/// Where a ticket goes first, and where it is escalated to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub first: String,
    pub escalation: Option<String>,
    /// The vendor, when the escalation level cannot solve it.
    pub vendor: Option<String>,
}

/// The routing the demo desk applies: applications to the DSI, equipment to the local referents
/// (or to the Région for lycées), pedagogy to the département.
pub fn route(app: &str, kind: EstablishmentType, dep_code: u32) -> Route {
    let lycee = matches!(
        kind,
        EstablishmentType::Lycee | EstablishmentType::LyceeProfessionnel
    );
    let r = |first: String, escalation: Option<&str>, vendor: Option<&str>| Route {
        first,
        escalation: escalation.map(str::to_owned),
        vendor: vendor.map(str::to_owned),
    };
    let n1 = || DSI_N1.to_owned();
    match app {
        "LSUN" => r(n1(), Some(DSI_N2_LSUN), None),
        "ONDE" => r(n1(), Some("DSI-N2-ONDE"), None),
        "ECECA" | "APAE" => r(n1(), Some("DSI-N2-APPLIS"), None),
        "ENT" => r(n1(), Some("DSI-N2-ENT"), Some("EDITEUR-N3")),
        "MESSAGERIE" => r(n1(), Some("DSI-N2-ENT"), None),
        "RESEAU" if lycee => r("REGION-N1".into(), Some("DSI-N2-RESEAU"), None),
        "MATERIEL" if lycee => r("REGION-N1".into(), Some("REGION-N2"), None),
        "MATERIEL" => r(format!("{}-N0", dsden(dep_code)), Some(DSI_N1), None),
        "USAGES" => r(format!("{}-N1", dsden(dep_code)), None, None),
        _ => r(n1(), Some("DSI-N2-RESEAU"), None),
    }
}

/// Writes desks, groups and applications; returns every group with its id, in [`groups`] order.
pub async fn write(
    tx: &mut Tx,
    academie: OrgNodeId,
    departements: &[OrgNodeId],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(GroupSpec, GroupId)>> {
    let mut desks = vec![
        tx.insert_desk("DSI", "DSI académique", Some(academie), now)
            .await?,
    ];
    for (dep, node) in DEPARTEMENTS.iter().zip(departements) {
        let name = format!("DSDEN {}", dep.of_name);
        desks.push(
            tx.insert_desk(&dsden(dep.code), &name, Some(*node), now)
                .await?,
        );
    }
    desks.push(
        tx.insert_desk("REGION", "Région – assistance des lycées", None, now)
            .await?,
    );
    desks.push(
        tx.insert_desk("EDITEUR", "Éditeur de l'ENT", None, now)
            .await?,
    );

    let mut ids = Vec::new();
    for spec in groups() {
        let desk = desks
            .iter()
            .find(|d| d.code == spec.desk)
            .expect("every group's desk exists");
        let new = NewGroup {
            desk: desk.id,
            code: spec.code.clone(),
            name: spec.name.clone(),
            level: spec.level,
            expertise: spec.expertise,
        };
        let id = tx.insert_group(&new, now).await?.id;
        ids.push((spec, id));
    }
    for app in APPS {
        let default_group = ids
            .iter()
            .find(|(g, _)| g.code == app.default_group)
            .map(|(_, id)| *id);
        let new = NewApplication {
            code: app.code.to_owned(),
            name: app.name.to_owned(),
            description: app.description.to_owned(),
            keywords: app.keywords.iter().map(|k| (*k).to_owned()).collect(),
            default_group,
        };
        tx.insert_application(&new, now).await?;
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_names_existing_groups_of_rising_level() {
        let groups = groups();
        let level = |code: &str| groups.iter().find(|g| g.code == code).map(|g| g.level);
        let total: usize = groups.iter().map(|g| g.agents).sum();
        assert!((50..=70).contains(&total), "{total} agents");
        for app in APPS {
            for kind in EstablishmentType::ALL {
                for dep in DEPARTEMENTS {
                    let r = route(app.code, *kind, dep.code);
                    let first = level(&r.first).expect("first group exists");
                    if let Some(e) = &r.escalation {
                        assert!(level(e).expect("escalation group exists") > first);
                    }
                    if let Some(v) = &r.vendor {
                        assert_eq!(level(v), Some(Level::N3));
                    }
                }
            }
        }
    }
}
