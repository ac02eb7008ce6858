//! The ticket generator: for each hour of the calendar, who asks (an establishment's director,
//! head or teacher), about what (an application, weighted by the establishment's kind and the
//! season), through which channel, how urgently, in which words; then [`crate::history`] plays
//! what the desk did with it.

use crate::desks::{DSI_N1, route};
use crate::history::{Setup, play};
use crate::reference::{GroupInfo, Site, World};
use crate::season::{Slot, app_factor, normal};
use crate::templates::{Template, for_app};
use crate::text::{Requester, Vars, request_body};
use chrono::{DateTime, Duration, Utc};
use guichet_core::org::EstablishmentType;
use guichet_core::person::RoleKind;
use guichet_core::ticket::{Channel, EntryKind, Impact, Priority, TicketType, Urgency};
use guichet_core::{ApplicationId, PersonId};
use guichet_store::bulk::{BulkEntry, BulkTicket};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// An application the generator knows how to write about.
#[derive(Debug)]
struct App {
    id: ApplicationId,
    code: &'static str,
    templates: &'static [Template],
}

/// The codes the generator writes about, with their share of requests from primary schools,
/// collèges and lycées, how often the first group escalates them, and how often they wait on a
/// third party.
const MIX: &[(&str, [f64; 3], f64, f64)] = &[
    ("LSUN", [0.16, 0.14, 0.0], 0.2, 0.02),
    ("ONDE", [0.18, 0.0, 0.0], 0.2, 0.02),
    ("ECECA", [0.03, 0.03, 0.02], 0.25, 0.0),
    ("APAE", [0.0, 0.06, 0.07], 0.3, 0.0),
    ("ENT", [0.12, 0.22, 0.24], 0.3, 0.1),
    ("MESSAGERIE", [0.14, 0.12, 0.12], 0.15, 0.02),
    ("RESEAU", [0.1, 0.16, 0.2], 0.35, 0.2),
    ("MATERIEL", [0.17, 0.17, 0.25], 0.3, 0.25),
    ("USAGES", [0.08, 0.06, 0.05], 0.0, 0.0),
];

fn column(kind: EstablishmentType) -> usize {
    match kind {
        k if k.is_primary() => 0,
        EstablishmentType::College => 1,
        _ => 2,
    }
}

/// Generates tickets slot by slot, in creation order.
#[derive(Debug)]
pub struct Generator<'w> {
    world: &'w World,
    rng: StdRng,
    now: DateTime<Utc>,
    apps: Vec<(App, usize)>,
    /// Cumulative request weights of the sites.
    sites: Vec<f64>,
}

impl<'w> Generator<'w> {
    pub fn new(world: &'w World, seed: u64, now: DateTime<Utc>) -> anyhow::Result<Self> {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x0074_6963_6b65_7473);
        let apps = MIX
            .iter()
            .enumerate()
            .filter_map(|(i, (code, ..))| {
                let id = world.apps.iter().find(|a| a.code == *code)?.id;
                let templates = for_app(code);
                (!templates.is_empty()).then_some((
                    App {
                        id,
                        code,
                        templates,
                    },
                    i,
                ))
            })
            .collect::<Vec<_>>();
        anyhow::ensure!(!apps.is_empty(), "none of the demo applications exists");
        let mut total = 0.0;
        let sites = world
            .sites
            .iter()
            .map(|s| {
                let kind = match s.kind {
                    EstablishmentType::EcoleMaternelle => 0.7,
                    EstablishmentType::EcoleElementaire => 1.2,
                    EstablishmentType::EcolePrimaire => 1.0,
                    EstablishmentType::College => 2.5,
                    _ => 3.0,
                };
                total +=
                    kind * (0.5 * normal(&mut rng)).exp() * (1.0 + 0.15 * s.teachers.len() as f64);
                total
            })
            .collect();
        Ok(Self {
            world,
            rng,
            now,
            apps,
            sites,
        })
    }

    /// Appends `n` tickets created within `slot`, in creation order.
    pub fn fill(&mut self, slot: &Slot, n: usize, out: &mut Vec<BulkTicket>) {
        let span = (slot.end - slot.start).num_seconds().max(1);
        let mut offsets: Vec<i64> = (0..n).map(|_| self.rng.random_range(0..span)).collect();
        offsets.sort_unstable();
        for offset in offsets {
            let created = slot.start + Duration::seconds(offset);
            out.push(self.ticket(created, slot));
        }
    }

    fn site(&mut self) -> &'w Site {
        let total = self.sites.last().copied().unwrap_or(0.0);
        let x = self.rng.random::<f64>() * total;
        let i = self
            .sites
            .partition_point(|&c| c <= x)
            .min(self.world.sites.len() - 1);
        &self.world.sites[i]
    }

    fn app(&mut self, site: &Site, slot: &Slot) -> usize {
        let col = column(site.kind);
        let weights: Vec<f64> = self
            .apps
            .iter()
            .map(|(app, mix)| {
                let surge = if slot.surge == Some(app.code) {
                    12.0
                } else {
                    1.0
                };
                MIX[*mix].1[col] * app_factor(app.code, slot.date) * surge
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut x = self.rng.random::<f64>() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        0
    }

    fn ticket(&mut self, created_at: DateTime<Utc>, slot: &Slot) -> BulkTicket {
        let world = self.world;
        let site = self.site();
        let a = self.app(site, slot);
        let (app, mix) = &self.apps[a];
        let (_, _, escalation_rate, third_party_rate) = MIX[*mix];
        let rng = &mut self.rng;

        // Directors and heads file most requests, and all of the school-management ones.
        let management = matches!(app.code, "ONDE" | "ECECA" | "APAE");
        let teacher = !site.teachers.is_empty()
            && (site.heads.is_empty() || (!management && rng.random_bool(0.3)));
        let (requester, role): (PersonId, RoleKind) = if teacher {
            (
                *site.teachers.choose(rng).expect("teachers"),
                RoleKind::Teacher,
            )
        } else {
            let role = if site.kind.is_primary() {
                RoleKind::Director
            } else {
                RoleKind::Head
            };
            (*site.heads.choose(rng).expect("heads"), role)
        };
        let template = app.templates.choose(rng).expect("templates");
        let vars = Vars::draw(rng, site, created_at);

        let surge = slot.surge == Some(app.code);
        let channel = match rng.random::<f64>() {
            _ if app.code == "ENT" && rng.random_bool(0.2) => Channel::Ent,
            r if r < 0.6 => Channel::Web,
            r if r < 0.85 => Channel::Email,
            r if r < 0.94 => Channel::Phone,
            _ => Channel::Ent,
        };
        let urgency = shift_urgency(template.urgency, rng, surge);
        let impact = shift_impact(template.impact, rng, surge);

        let mut subject = vars.fill(template.subject);
        if channel == Channel::Email && !subject.contains(app.code) {
            subject = format!("[{}] {subject}", app.code);
        }
        let who = Requester {
            name: world.name(requester),
            role,
            site,
        };
        let body = request_body(rng, template, &vars, &who, channel, urgency);

        let r = route(app.code, site.kind, site.dep_code);
        let dsi_n1 = world.group(DSI_N1).expect("World::read checks DSI-N1");
        let first: &GroupInfo = world.group(&r.first).unwrap_or(dsi_n1);
        let setup = Setup {
            created_at,
            requester,
            first,
            escalation: r.escalation.as_deref().and_then(|c| world.group(c)),
            vendor: r.vendor.as_deref().and_then(|c| world.group(c)),
            escalation_rate,
            third_party_rate,
            solution: vars.fill(template.solution),
            vars: &vars,
            incident: template.ticket_type == TicketType::Incident,
        };
        let mut story = play(rng, world, &setup, self.now);
        let mut entries = Vec::with_capacity(story.entries.len() + 1);
        entries.push(BulkEntry {
            kind: EntryKind::Submitted,
            public: true,
            author: Some(requester),
            body,
            data: json!({}),
            created_at,
        });
        entries.append(&mut story.entries);

        BulkTicket {
            ticket_type: template.ticket_type,
            channel,
            status: story.status,
            waiting_on: story.waiting_on,
            urgency,
            impact,
            priority: Priority::from_matrix(urgency, impact),
            application: Some(app.id),
            requester,
            establishment: Some(site.id),
            group: Some(story.group.id),
            assignee: story.assignee,
            level: story.level,
            subject,
            solution: story.solution,
            satisfaction: story.satisfaction,
            created_at,
            updated_at: story.updated_at,
            taken_at: story.taken_at,
            resolved_at: story.resolved_at,
            closed_at: story.closed_at,
            entries,
        }
    }
}

fn shift_urgency(u: Urgency, rng: &mut StdRng, surge: bool) -> Urgency {
    let levels = [Urgency::Low, Urgency::Medium, Urgency::High];
    let i = levels.iter().position(|l| *l == u).unwrap_or(1) as i32;
    let step = if surge { 1 } else { jitter(rng) };
    levels[(i + step).clamp(0, 2) as usize]
}

fn shift_impact(u: Impact, rng: &mut StdRng, surge: bool) -> Impact {
    let levels = [Impact::Low, Impact::Medium, Impact::High];
    let i = levels.iter().position(|l| *l == u).unwrap_or(1) as i32;
    let step = if surge { 1 } else { jitter(rng) };
    levels[(i + step).clamp(0, 2) as usize]
}

/// Mostly 0, sometimes one step up or down.
fn jitter(rng: &mut StdRng) -> i32 {
    match rng.random::<f64>() {
        r if r < 0.1 => -1,
        r if r < 0.2 => 1,
        _ => 0,
    }
}
