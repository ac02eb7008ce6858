//! The people of the demo académie: a director or head per establishment, a few hundred
//! teachers, an IEN per circonscription, a DASEN per département, steering staff, an
//! administrator, the desks' agents, and the handful of demo logins with a known password.

use crate::desks::{DSI_N1, DSI_N2_LSUN, GroupSpec};
use crate::names::{Emails, FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES, PersonName};
use crate::org::Tree;
use chrono::{DateTime, Utc};
use guichet_core::person::{Locale, RoleKind};
use guichet_core::{GroupId, OrgNodeId, PersonId};
use guichet_store::Tx;
use guichet_store::person::NewPerson;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "demo-guichet";

/// The demo logins: (role, email, display name).
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("director", "directrice.demo@ac-dijon.fr", "Claire Dumont"),
    ("teacher", "enseignant.demo@ac-dijon.fr", "Julien Perrin"),
    ("ien", "ien.demo@ac-dijon.fr", "Hélène Marchal"),
    ("dasen", "dasen.demo@ac-dijon.fr", "Marc Lefèvre"),
    ("agent_n1", "agent.n1.demo@ac-dijon.fr", "Sophie Garnier"),
    ("agent_n2", "agent.n2.demo@ac-dijon.fr", "Nadia Chevalier"),
    ("admin", "admin.demo@ac-dijon.fr", "Yves Blanchard"),
];

/// How many teachers the académie's directory holds in the demo.
const TEACHERS: usize = 320;

/// A person to create.
#[derive(Debug)]
struct Planned {
    name: PersonName,
    email: String,
    roles: Vec<(RoleKind, OrgNodeId)>,
    groups: Vec<GroupId>,
    demo: bool,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub persons: usize,
    pub agents: usize,
}

fn random_name(rng: &mut StdRng, female_share: f64) -> PersonName {
    let female = rng.random_bool(female_share);
    let list = if female {
        FEMALE_FIRST_NAMES
    } else {
        MALE_FIRST_NAMES
    };
    PersonName {
        first: (*list.choose(rng).expect("first names")).to_owned(),
        last: (*LAST_NAMES.choose(rng).expect("last names")).to_owned(),
        female,
    }
}

struct Planner<'a> {
    rng: &'a mut StdRng,
    emails: Emails,
    people: Vec<Planned>,
}

impl Planner<'_> {
    fn demo(&mut self, role: &str, roles: Vec<(RoleKind, OrgNodeId)>, groups: Vec<GroupId>) {
        let (_, email, name) = DEMO_LOGINS
            .iter()
            .find(|(r, _, _)| *r == role)
            .expect("a demo login of this role");
        self.people.push(Planned {
            name: PersonName::from_display(name),
            email: (*email).to_owned(),
            roles,
            groups,
            demo: true,
        });
    }

    fn random(
        &mut self,
        female_share: f64,
        roles: Vec<(RoleKind, OrgNodeId)>,
        groups: Vec<GroupId>,
    ) {
        let name = random_name(self.rng, female_share);
        let email = self.emails.for_name(&name);
        self.people.push(Planned {
            name,
            email,
            roles,
            groups,
            demo: false,
        });
    }
}

/// Plans and writes everyone; the demo logins get [`DEMO_PASSWORD`].
pub async fn write(
    tx: &mut Tx,
    rng: &mut StdRng,
    tree: &Tree,
    groups: &[(GroupSpec, GroupId)],
    now: DateTime<Utc>,
) -> anyhow::Result<Written> {
    let mut emails = Emails::default();
    for (_, email, _) in DEMO_LOGINS {
        emails.reserve(email.split('@').next().unwrap_or(email));
    }
    let mut p = Planner {
        rng,
        emails,
        people: Vec::new(),
    };
    let academie = tree.academie.expect("the académie was written");

    p.demo("admin", vec![(RoleKind::Admin, academie)], vec![]);
    for _ in 0..3 {
        p.random(0.5, vec![(RoleKind::Steering, academie)], vec![]);
    }
    for (i, dep) in tree.departements.iter().enumerate() {
        if i == 0 {
            p.demo("dasen", vec![(RoleKind::Dasen, *dep)], vec![]);
        } else {
            p.random(0.45, vec![(RoleKind::Dasen, *dep)], vec![]);
        }
    }
    for (i, (circ, _)) in tree.circonscriptions.iter().enumerate() {
        if i == 0 {
            p.demo("ien", vec![(RoleKind::Ien, *circ)], vec![]);
        } else {
            p.random(0.6, vec![(RoleKind::Ien, *circ)], vec![]);
        }
    }
    for (i, e) in tree.establishments.iter().enumerate() {
        let (kind, share) = if e.kind.is_primary() {
            (RoleKind::Director, 0.8)
        } else {
            (RoleKind::Head, 0.5)
        };
        if i == 0 {
            p.demo("director", vec![(kind, e.id)], vec![]);
            p.demo("teacher", vec![(RoleKind::Teacher, e.id)], vec![]);
        } else {
            p.random(share, vec![(kind, e.id)], vec![]);
        }
    }
    for _ in 1..TEACHERS {
        let e = tree.establishments.choose(p.rng).expect("establishments");
        let share = if e.kind.is_primary() { 0.82 } else { 0.6 };
        p.random(share, vec![(RoleKind::Teacher, e.id)], vec![]);
    }
    let mut agents = 0;
    for (spec, id) in groups {
        for i in 0..spec.agents {
            let mut member_of = vec![*id];
            // Some agents also sit in a sibling group of their desk.
            if p.rng.random_bool(0.2) {
                let siblings: Vec<GroupId> = groups
                    .iter()
                    .filter(|(s, g)| s.desk == spec.desk && g != id)
                    .map(|(_, g)| *g)
                    .collect();
                if let Some(g) = siblings.choose(p.rng) {
                    member_of.push(*g);
                }
            }
            agents += 1;
            match (spec.code.as_str(), i) {
                (DSI_N1, 0) => p.demo("agent_n1", vec![], member_of),
                (DSI_N2_LSUN, 0) => p.demo("agent_n2", vec![], member_of),
                _ => p.random(0.55, vec![], member_of),
            }
        }
    }

    let hash = guichet_app::password::hash(DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    for person in &p.people {
        let new = NewPerson {
            uid: None,
            email: person.email.clone(),
            display_name: person.name.display(),
            locale: Locale::Fr,
        };
        let id: PersonId = tx.insert_person(&new, now).await?.id;
        for (kind, node) in &person.roles {
            tx.add_role(id, *kind, *node).await?;
        }
        for g in &person.groups {
            tx.add_member(*g, id).await?;
        }
        if person.demo {
            // One hash for all the demo logins: Argon2 is slow on purpose.
            tx.set_password_hash(id, &hash, now).await?;
        }
    }
    Ok(Written {
        persons: p.people.len(),
        agents,
    })
}
