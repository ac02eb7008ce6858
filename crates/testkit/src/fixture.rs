//! A small académie to act in: two départements, two circonscriptions, three schools, their
//! directors, a teacher, an IEN, a DASEN, agents at N1 and N2 of two desks, an administrator and
//! two applications. Written straight through the store: it is reference data, not tickets.

use chrono::Utc;
use guichet_core::Uai;
use guichet_core::desk::{Expertise, Level};
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::person::{Locale, RoleKind};
use guichet_store::application::{Application, NewApplication};
use guichet_store::desk::{Group, NewGroup};
use guichet_store::org::{NewOrgNode, OrgNode};
use guichet_store::person::{NewPerson, Person};
use guichet_store::{Store, Tx};

#[derive(Debug, Clone)]
pub struct Fixture {
    pub academie: OrgNode,
    pub dep21: OrgNode,
    pub dep71: OrgNode,
    pub circ_dijon: OrgNode,
    pub circ_macon: OrgNode,
    /// École élémentaire in Dijon 1.
    pub school_a: OrgNode,
    /// École maternelle in Dijon 1.
    pub school_b: OrgNode,
    /// École primaire in Mâcon.
    pub school_c: OrgNode,
    pub director_a: Person,
    pub teacher_a: Person,
    pub director_b: Person,
    pub director_c: Person,
    pub ien_dijon: Person,
    pub dasen71: Person,
    pub agent_n1: Person,
    pub agent_n1_bis: Person,
    pub agent_n2: Person,
    pub agent_dsden: Person,
    pub admin: Person,
    pub dsi_n1: Group,
    pub dsi_n2: Group,
    pub dsden_n1: Group,
    pub lsun: Application,
    pub onde: Application,
}

async fn node(
    tx: &mut Tx,
    kind: OrgKind,
    parent: Option<&OrgNode>,
    name: &str,
    uai: Option<u32>,
    establishment_type: Option<EstablishmentType>,
) -> OrgNode {
    let new = NewOrgNode {
        kind,
        parent: parent.map(|p| p.id),
        name: name.into(),
        code: None,
        uai: uai.map(|n| Uai::from_number(n).expect("7 digits")),
        establishment_type,
        commune: None,
    };
    tx.insert_org_node(&new, Utc::now())
        .await
        .expect("node inserted")
}

async fn person(tx: &mut Tx, email: &str, name: &str, roles: &[(RoleKind, &OrgNode)]) -> Person {
    let new = NewPerson {
        uid: None,
        email: email.into(),
        display_name: name.into(),
        locale: Locale::Fr,
    };
    let p = tx
        .insert_person(&new, Utc::now())
        .await
        .expect("person inserted");
    for (kind, at) in roles {
        tx.add_role(p.id, *kind, at.id).await.expect("role granted");
    }
    p
}

impl Fixture {
    pub async fn build(store: &Store) -> Self {
        use EstablishmentType as E;
        use OrgKind as K;
        let mut owned = store.write().await.expect("write transaction");
        let tx = &mut owned;
        let academie = node(tx, K::Academie, None, "Académie de Dijon", None, None).await;
        let dep21 = node(tx, K::Departement, Some(&academie), "Côte-d'Or", None, None).await;
        let dep71 = node(
            tx,
            K::Departement,
            Some(&academie),
            "Saône-et-Loire",
            None,
            None,
        )
        .await;
        let circ_dijon = node(tx, K::Circonscription, Some(&dep21), "Dijon 1", None, None).await;
        let circ_macon = node(tx, K::Circonscription, Some(&dep71), "Mâcon", None, None).await;
        let school_a = node(
            tx,
            K::Etablissement,
            Some(&circ_dijon),
            "École élémentaire Jean Jaurès",
            Some(211_001),
            Some(E::EcoleElementaire),
        )
        .await;
        let school_b = node(
            tx,
            K::Etablissement,
            Some(&circ_dijon),
            "École maternelle Les Tilleuls",
            Some(211_002),
            Some(E::EcoleMaternelle),
        )
        .await;
        let school_c = node(
            tx,
            K::Etablissement,
            Some(&circ_macon),
            "École primaire Lamartine",
            Some(711_001),
            Some(E::EcolePrimaire),
        )
        .await;

        let director_a = person(
            tx,
            "claire.martin@ac-dijon.fr",
            "Claire Martin",
            &[(RoleKind::Director, &school_a)],
        )
        .await;
        let teacher_a = person(
            tx,
            "paul.bernard@ac-dijon.fr",
            "Paul Bernard",
            &[(RoleKind::Teacher, &school_a)],
        )
        .await;
        let director_b = person(
            tx,
            "ines.petit@ac-dijon.fr",
            "Inès Petit",
            &[(RoleKind::Director, &school_b)],
        )
        .await;
        let director_c = person(
            tx,
            "luc.moreau@ac-dijon.fr",
            "Luc Moreau",
            &[(RoleKind::Director, &school_c)],
        )
        .await;
        let ien_dijon = person(
            tx,
            "ien.dijon1@ac-dijon.fr",
            "Hélène Roux",
            &[(RoleKind::Ien, &circ_dijon)],
        )
        .await;
        let dasen71 = person(
            tx,
            "dasen71@ac-dijon.fr",
            "Marc Lefèvre",
            &[(RoleKind::Dasen, &dep71)],
        )
        .await;
        let agent_n1 = person(tx, "agent.n1@ac-dijon.fr", "Sophie Garnier", &[]).await;
        let agent_n1_bis = person(tx, "agent.n1b@ac-dijon.fr", "Julien Faure", &[]).await;
        let agent_n2 = person(tx, "agent.n2@ac-dijon.fr", "Nadia Chevalier", &[]).await;
        let agent_dsden = person(tx, "agent.dsden71@ac-dijon.fr", "Yves Blanc", &[]).await;
        let admin = person(
            tx,
            "admin@ac-dijon.fr",
            "Admin Guichet",
            &[(RoleKind::Admin, &academie)],
        )
        .await;

        let now = Utc::now();
        let dsi = tx
            .insert_desk("DSI", "DSI académique", Some(academie.id), now)
            .await
            .expect("desk");
        let dsden = tx
            .insert_desk("DSDEN71", "DSDEN de Saône-et-Loire", Some(dep71.id), now)
            .await
            .expect("desk");
        let group = |desk, code: &str, name: &str, level, expertise| NewGroup {
            desk,
            code: code.into(),
            name: name.into(),
            level,
            expertise,
        };
        let dsi_n1 = tx
            .insert_group(
                &group(
                    dsi.id,
                    "DSI-N1",
                    "Assistance N1",
                    Level::N1,
                    Expertise::Functional,
                ),
                now,
            )
            .await
            .expect("group");
        let dsi_n2 = tx
            .insert_group(
                &group(
                    dsi.id,
                    "DSI-N2",
                    "Expertise N2",
                    Level::N2,
                    Expertise::Technical,
                ),
                now,
            )
            .await
            .expect("group");
        let dsden_n1 = tx
            .insert_group(
                &group(
                    dsden.id,
                    "DSDEN71-N1",
                    "Assistance 71",
                    Level::N1,
                    Expertise::Pedagogical,
                ),
                now,
            )
            .await
            .expect("group");
        for (g, p) in [
            (&dsi_n1, &agent_n1),
            (&dsi_n1, &agent_n1_bis),
            (&dsi_n2, &agent_n2),
            (&dsden_n1, &agent_dsden),
        ] {
            tx.add_member(g.id, p.id).await.expect("member");
        }
        let app = |code: &str, name: &str, keywords: &[&str], group: &Group| NewApplication {
            code: code.into(),
            name: name.into(),
            description: format!("{name}: assistance"),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            default_group: Some(group.id),
        };
        let lsun = tx
            .insert_application(
                &app("LSUN", "Livret scolaire unique", &["LSUN", "LSU"], &dsi_n1),
                now,
            )
            .await
            .expect("app");
        let onde = tx
            .insert_application(
                &app("ONDE", "Base élèves premier degré", &["ONDE"], &dsi_n1),
                now,
            )
            .await
            .expect("app");
        owned.commit().await.expect("fixture committed");

        Fixture {
            academie,
            dep21,
            dep71,
            circ_dijon,
            circ_macon,
            school_a,
            school_b,
            school_c,
            director_a,
            teacher_a,
            director_b,
            director_c,
            ien_dijon,
            dasen71,
            agent_n1,
            agent_n1_bis,
            agent_n2,
            agent_dsden,
            admin,
            dsi_n1,
            dsi_n2,
            dsden_n1,
            lsun,
            onde,
        }
    }
}
