//! The reference data tickets are generated against, read back from the store: establishments
//! with their heads and teachers, groups with their agents, applications, people's names and the
//! zone columns of every node.

use crate::names::PersonName;
use anyhow::Context;
use guichet_core::desk::Level;
use guichet_core::org::{EstablishmentType, OrgKind};
use guichet_core::person::RoleKind;
use guichet_core::{ApplicationId, GroupId, OrgNodeId, PersonId};
use guichet_store::Store;
use guichet_store::org::TicketZone;
use std::collections::HashMap;

/// An establishment that can file requests.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: OrgNodeId,
    pub name: String,
    pub commune: String,
    pub kind: EstablishmentType,
    /// Its département's number (21, 58…).
    pub dep_code: u32,
    /// Directors (primary) or heads (collèges, lycées).
    pub heads: Vec<PersonId>,
    pub teachers: Vec<PersonId>,
}

/// A group and its agents.
#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub id: GroupId,
    pub name: String,
    pub level: Level,
    pub members: Vec<PersonId>,
}

/// An application by its code.
#[derive(Debug, Clone)]
pub struct AppInfo {
    pub id: ApplicationId,
    pub code: String,
}

/// Everything the ticket generator draws from.
#[derive(Debug, Default)]
pub struct World {
    pub sites: Vec<Site>,
    pub groups: Vec<GroupInfo>,
    pub apps: Vec<AppInfo>,
    pub names: HashMap<PersonId, PersonName>,
    pub zones: HashMap<OrgNodeId, TicketZone>,
    groups_by_code: HashMap<String, usize>,
}

const PAGE: i64 = 1_000;

impl World {
    /// Reads the reference data from the store.
    pub async fn read(store: &Store) -> anyhow::Result<Self> {
        let mut conn = store.read().await?;
        let mut world = World {
            zones: conn.all_ticket_zones().await?,
            ..World::default()
        };

        let deps: HashMap<OrgNodeId, u32> = conn
            .list_org_nodes(Some(OrgKind::Departement), None, None, None, PAGE)
            .await?
            .into_iter()
            .map(|d| {
                let code = d.code.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
                (d.id, code)
            })
            .collect();

        let mut after = None;
        loop {
            let page = conn
                .list_org_nodes(
                    Some(OrgKind::Etablissement),
                    None,
                    None,
                    after.clone(),
                    PAGE,
                )
                .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.name.clone(), last.id.0));
            for node in page {
                let dep_code = world
                    .zones
                    .get(&node.id)
                    .and_then(|z| z.departement)
                    .and_then(|d| deps.get(&d).copied())
                    .unwrap_or(0);
                world.sites.push(Site {
                    id: node.id,
                    name: node.name,
                    commune: node.commune.unwrap_or_default(),
                    kind: node.establishment_type.unwrap_or(EstablishmentType::Other),
                    dep_code,
                    heads: Vec::new(),
                    teachers: Vec::new(),
                });
            }
        }
        world.sites.sort_by_key(|s| s.id);
        let site_index: HashMap<OrgNodeId, usize> = world
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();

        let mut persons = Vec::new();
        let mut after = None;
        loop {
            let page = conn.list_persons(None, after.clone(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.display_name.clone(), last.id.0));
            persons.extend(page);
        }
        persons.sort_by_key(|p| p.id);
        for person in &persons {
            world
                .names
                .insert(person.id, PersonName::from_display(&person.display_name));
            if !person.active {
                continue;
            }
            for role in conn.roles_of(person.id).await? {
                let Some(&i) = site_index.get(&role.node) else {
                    continue;
                };
                match role.kind {
                    RoleKind::Director | RoleKind::Head => world.sites[i].heads.push(person.id),
                    RoleKind::Teacher => world.sites[i].teachers.push(person.id),
                    _ => {}
                }
            }
        }
        world
            .sites
            .retain(|s| !s.heads.is_empty() || !s.teachers.is_empty());

        for g in conn.list_groups(None).await? {
            let members = conn.group_members(g.id).await?;
            world
                .groups_by_code
                .insert(g.code.clone(), world.groups.len());
            world.groups.push(GroupInfo {
                id: g.id,
                name: g.name,
                level: g.level,
                members,
            });
        }
        world.apps = conn
            .list_applications()
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| AppInfo {
                id: a.id,
                code: a.code,
            })
            .collect();

        anyhow::ensure!(
            !world.sites.is_empty(),
            "no establishment with a director, head or teacher: load the demo reference data first"
        );
        world
            .group(crate::desks::DSI_N1)
            .context("the demo groups are missing: load the demo reference data first")?;
        Ok(world)
    }

    /// A group by its code, if it exists and has agents.
    pub fn group(&self, code: &str) -> Option<&GroupInfo> {
        self.groups_by_code
            .get(code)
            .map(|&i| &self.groups[i])
            .filter(|g| !g.members.is_empty())
    }

    /// A person's name (an empty one for an unknown id).
    pub fn name(&self, id: PersonId) -> &PersonName {
        static UNKNOWN: PersonName = PersonName {
            first: String::new(),
            last: String::new(),
            female: false,
        };
        self.names.get(&id).unwrap_or(&UNKNOWN)
    }
}
