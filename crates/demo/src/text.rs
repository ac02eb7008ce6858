//! Writing the messages of a ticket: the values of a template's placeholders, the request as
//! its requester wrote it (or as the agent who took the call noted it), and the agents' and
//! requesters' replies with their forms of address and signatures.

use crate::names::PersonName;
use crate::org::lower_first;
use crate::phrases::{
    ASKS, BROWSERS, CLOSINGS, COLLEGE, CONTEXTS, ELEMENTAIRE, GREETINGS, LYCEE, LYCEE_PRO,
    MATERNELLE, MONTHS, PRIMARY_ROOMS, PUPILS, REQUEST_CONTEXTS, SECONDARY_ROOMS, URGENT, WEEKDAYS,
};
use crate::reference::Site;
use crate::season::utc_to_paris;
use crate::templates::{Template, fill};
use chrono::{DateTime, Datelike, Duration, Utc};
use guichet_core::org::EstablishmentType;
use guichet_core::person::RoleKind;
use guichet_core::ticket::{Channel, TicketType, Urgency};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

fn pick(list: &[&'static str], rng: &mut StdRng) -> &'static str {
    list.choose(rng).copied().unwrap_or_default()
}

/// The values of a ticket's placeholders, drawn once so that the subject, the request and the
/// answer agree (same class, same pupil).
#[derive(Debug, Clone)]
pub struct Vars {
    classe: &'static str,
    trimestre: &'static str,
    salle: &'static str,
    n: u32,
    eleve: String,
    navigateur: &'static str,
    jour: &'static str,
    echeance: String,
    commune: String,
    erreur: String,
}

impl Vars {
    pub fn draw(rng: &mut StdRng, site: &Site, created: DateTime<Utc>) -> Self {
        use EstablishmentType as E;
        let classes = match site.kind {
            E::EcoleMaternelle => MATERNELLE,
            E::EcoleElementaire => ELEMENTAIRE,
            E::EcolePrimaire if rng.random_bool(0.35) => MATERNELLE,
            E::EcolePrimaire => ELEMENTAIRE,
            E::College => COLLEGE,
            E::LyceeProfessionnel => LYCEE_PRO,
            E::Lycee | E::Other => LYCEE,
        };
        let rooms = if site.kind.is_primary() {
            PRIMARY_ROOMS
        } else {
            SECONDARY_ROOMS
        };
        let (date, _) = utc_to_paris(created);
        let trimestre = match date.month() {
            9..=12 => "1er trimestre",
            1..=3 => "2e trimestre",
            _ => "3e trimestre",
        };
        // A weekday shortly before: "depuis mardi".
        let mut since = date - Duration::days(rng.random_range(1..=4));
        while since.weekday().num_days_from_monday() >= 5 {
            since -= Duration::days(1);
        }
        let due = date + Duration::days(rng.random_range(4..=25));
        let initial = char::from(b'A' + rng.random_range(0..26u8));
        Self {
            classe: pick(classes, rng),
            trimestre,
            salle: pick(rooms, rng),
            n: rng.random_range(2..=12),
            eleve: format!("{} {initial}.", pick(PUPILS, rng)),
            navigateur: pick(BROWSERS, rng),
            jour: WEEKDAYS[since.weekday().num_days_from_monday() as usize],
            echeance: format!("{} {}", due.day(), MONTHS[due.month0() as usize]),
            commune: site.commune.clone(),
            erreur: format!(
                "{}{}",
                pick(&["E-", "C-", "SC-", "J"], rng),
                rng.random_range(100..10_000)
            ),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        Some(match name {
            "classe" => self.classe.to_owned(),
            "trimestre" => self.trimestre.to_owned(),
            "salle" => self.salle.to_owned(),
            "n" => self.n.to_string(),
            "eleve" => self.eleve.clone(),
            "navigateur" => self.navigateur.to_owned(),
            "jour" => self.jour.to_owned(),
            "echeance" => self.echeance.clone(),
            "commune" => self.commune.clone(),
            "erreur" => self.erreur.clone(),
            _ => return None,
        })
    }

    /// The text with its placeholders replaced.
    pub fn fill(&self, text: &str) -> String {
        fill(text, |name| self.get(name))
    }
}

/// Who asks, from where.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    pub name: &'a PersonName,
    pub role: RoleKind,
    pub site: &'a Site,
}

impl Requester<'_> {
    /// "Directrice de l'école élémentaire Jean Jaurès, Beaune".
    pub fn function(&self) -> String {
        let f = self.name.female;
        let place = lower_first(&self.site.name);
        let primary = self.site.kind.is_primary();
        let lycee = matches!(
            self.site.kind,
            EstablishmentType::Lycee | EstablishmentType::LyceeProfessionnel
        );
        let title = match (self.role, f) {
            (RoleKind::Director, true) => format!("Directrice de l'{place}"),
            (RoleKind::Director, false) => format!("Directeur de l'{place}"),
            (RoleKind::Head, true) if lycee => format!("Proviseure du {place}"),
            (RoleKind::Head, false) if lycee => format!("Proviseur du {place}"),
            (RoleKind::Head, true) => format!("Principale du {place}"),
            (RoleKind::Head, false) => format!("Principal du {place}"),
            (_, true) if primary => format!("Enseignante à l'{place}"),
            (_, false) if primary => format!("Enseignant à l'{place}"),
            (_, true) => format!("Enseignante au {place}"),
            (_, false) => format!("Enseignant au {place}"),
        };
        if self.site.commune.is_empty() {
            title
        } else {
            format!("{title}, {}", self.site.commune)
        }
    }
}

/// The request as submitted: greeting, the problem, some context, urgency if any, a closing and
/// the signature; or, for a phone call, the agent's note of it.
pub fn request_body(
    rng: &mut StdRng,
    template: &Template,
    vars: &Vars,
    who: &Requester<'_>,
    channel: Channel,
    urgency: Urgency,
) -> String {
    let detail = vars.fill(template.detail);
    if channel == Channel::Phone {
        return format!(
            "Appel téléphonique de {} ({}).\n\n« {detail} »\n\nRappel souhaité si besoin.",
            who.name.short_formal(),
            lower_first(&who.function()),
        );
    }
    let mut body = String::with_capacity(400);
    body.push_str(pick(GREETINGS, rng));
    body.push_str("\n\n");
    body.push_str(&detail);
    if rng.random_bool(0.6) {
        let contexts = if template.ticket_type == TicketType::Incident {
            CONTEXTS
        } else {
            REQUEST_CONTEXTS
        };
        body.push(' ');
        body.push_str(&vars.fill(pick(contexts, rng)));
    }
    if urgency == Urgency::High || rng.random_bool(0.1) {
        body.push(' ');
        body.push_str(&vars.fill(pick(URGENT, rng)));
    }
    body.push(' ');
    body.push_str(pick(ASKS, rng));
    body.push_str("\n\n");
    body.push_str(pick(CLOSINGS, rng));
    body.push('\n');
    body.push_str(&who.name.display());
    body.push('\n');
    body.push_str(&who.function());
    body
}

/// An agent's public message: address, text, signature.
pub fn agent_message(to: &PersonName, text: &str, agent: &PersonName, group: &str) -> String {
    format!(
        "Bonjour {},\n\n{text}\n\nBien cordialement,\n{}\n{group}",
        to.formal(),
        agent.display()
    )
}

/// A requester's reply.
pub fn requester_message(text: &str, from: &PersonName) -> String {
    format!("Bonjour,\n\n{text}\n\nCordialement,\n{}", from.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use guichet_core::OrgNodeId;
    use rand::SeedableRng;

    #[test]
    fn a_request_reads_like_a_letter() {
        let site = Site {
            id: OrgNodeId(1),
            name: "École élémentaire Jean Jaurès".into(),
            commune: "Beaune".into(),
            kind: EstablishmentType::EcoleElementaire,
            dep_code: 21,
            heads: vec![],
            teachers: vec![],
        };
        let name = PersonName::from_display("Claire Martin");
        let who = Requester {
            name: &name,
            role: RoleKind::Director,
            site: &site,
        };
        assert_eq!(
            who.function(),
            "Directrice de l'école élémentaire Jean Jaurès, Beaune"
        );
        let mut rng = StdRng::seed_from_u64(3);
        let created = Utc
            .with_ymd_and_hms(2025, 12, 9, 9, 0, 0)
            .single()
            .expect("date");
        let vars = Vars::draw(&mut rng, &site, created);
        let t = &crate::templates::for_app("LSUN")[0];
        assert!(vars.fill(t.subject).contains("1er trimestre"));
        let body = request_body(&mut rng, t, &vars, &who, Channel::Web, Urgency::High);
        assert!(body.starts_with("Bonjour") || body.starts_with("Madame"));
        assert!(body.ends_with("Beaune"));
        assert!(!body.contains('{'), "{body}");
    }

    #[test]
    fn every_phrase_fills_completely() {
        use crate::phrases::*;
        let site = Site {
            id: OrgNodeId(1),
            name: "Collège Jean Moulin".into(),
            commune: "Tournus".into(),
            kind: EstablishmentType::College,
            dep_code: 71,
            heads: vec![],
            teachers: vec![],
        };
        let created = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("date");
        let vars = Vars::draw(&mut StdRng::seed_from_u64(5), &site, created);
        let answers = INCIDENT_QUESTIONS
            .iter()
            .chain(REQUEST_QUESTIONS)
            .flat_map(|(q, a)| std::iter::once(*q).chain(a.iter().copied()));
        let all = [
            CONTEXTS,
            REQUEST_CONTEXTS,
            URGENT,
            INCIDENT_NOTES,
            REQUEST_NOTES,
        ]
        .into_iter()
        .flatten()
        .copied()
        .chain(answers);
        for phrase in all {
            let filled = vars.fill(phrase);
            assert!(!filled.contains('{'), "{filled}");
        }
    }
}
