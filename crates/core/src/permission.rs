//! Who may do what: the one place that answers "may this person do this action on this object".
//!
//! A [`Subject`] is what a signed-in person is, computed once per request from their roles and
//! group memberships. [`may`] decides on one ticket; [`Visibility`] is the same read rule in the
//! form the store turns into a `WHERE` clause, so a list can never show a ticket [`may`] would
//! refuse (a property test below holds them together).

use crate::desk::GroupFacts;
use crate::lifecycle::Actor;
use crate::org::{OrgKind, OrgPath, Zone};
use crate::person::RoleKind;
use crate::{GroupId, OrgNodeId, PersonId};
use serde::Serialize;

/// The signed-in person, as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub person: PersonId,
    pub active: bool,
    pub admin: bool,
    /// Establishments whose head (directeur d'école, chef d'établissement) this person is.
    pub headed: Vec<OrgNodeId>,
    /// Establishments where this person holds any role: where they may submit requests.
    pub establishments: Vec<OrgNodeId>,
    /// Zones (subtrees) whose tickets this person reads as IEN, DASEN or steering staff.
    pub zones: Vec<Zone>,
    /// Groups this person works in as an agent.
    pub groups: Vec<GroupFacts>,
    /// Agents away right now whose delegate this person is (directly or down a chain): their
    /// assigned tickets are this person's to read and work while the absence lasts. Filled by
    /// the caller's builder from the absences in force at request time; empty by default.
    pub delegators: Vec<PersonId>,
}

/// One role as the store returns it: its kind, and the node it is held at.
#[derive(Debug, Clone)]
pub struct RoleAt {
    pub kind: RoleKind,
    pub zone: Zone,
}

impl Subject {
    /// Builds the subject from a person's roles and group memberships.
    pub fn new(person: PersonId, active: bool, roles: &[RoleAt], groups: Vec<GroupFacts>) -> Self {
        let mut s = Subject {
            person,
            active,
            admin: false,
            headed: Vec::new(),
            establishments: Vec::new(),
            zones: Vec::new(),
            groups,
            delegators: Vec::new(),
        };
        for role in roles {
            let at_establishment = role.zone.kind == OrgKind::Etablissement;
            match role.kind {
                RoleKind::Admin => s.admin = true,
                k if k.reads_zone() => s.zones.push(role.zone.clone()),
                k if k.heads_establishment() && at_establishment => s.headed.push(role.zone.node),
                _ => {}
            }
            if at_establishment && !s.establishments.contains(&role.zone.node) {
                s.establishments.push(role.zone.node);
            }
        }
        s
    }

    pub fn is_agent(&self) -> bool {
        !self.groups.is_empty()
    }

    pub fn in_group(&self, group: GroupId) -> bool {
        self.groups.iter().any(|g| g.id == group)
    }

    /// The read rule for lists.
    pub fn visibility(&self) -> Visibility {
        Visibility {
            all: self.admin,
            person: self.person,
            establishments: self.headed.clone(),
            zones: self.zones.clone(),
            groups: self.groups.iter().map(|g| g.id).collect(),
            assignees: self.delegators.clone(),
        }
    }
}

/// What the rules need to know of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub requester: PersonId,
    pub establishment: Option<OrgNodeId>,
    pub org_path: Option<OrgPath>,
    pub group: Option<GroupId>,
    pub assignee: Option<PersonId>,
    pub watchers: Vec<PersonId>,
}

/// Which tickets a person may read, in a form the store turns into SQL: a ticket is visible when
/// any one clause holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub all: bool,
    /// Requester, assignee or watcher.
    pub person: PersonId,
    /// Every ticket of these establishments.
    pub establishments: Vec<OrgNodeId>,
    /// Every ticket under these zones.
    pub zones: Vec<Zone>,
    /// Every ticket in these groups' queues.
    pub groups: Vec<GroupId>,
    /// Every ticket assigned to these people (absent agents the reader stands in for).
    pub assignees: Vec<PersonId>,
}

impl Visibility {
    pub fn sees(&self, t: &TicketFacts) -> bool {
        self.all
            || t.requester == self.person
            || t.assignee == Some(self.person)
            || t.watchers.contains(&self.person)
            || t.establishment
                .is_some_and(|e| self.establishments.contains(&e))
            || t.org_path
                .as_ref()
                .is_some_and(|p| self.zones.iter().any(|z| z.contains(p)))
            || t.group.is_some_and(|g| self.groups.contains(&g))
            || t.assignee.is_some_and(|a| self.assignees.contains(&a))
    }
}

/// Something a person may try to do on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketAction {
    Read,
    /// See internal notes and internal fields.
    ReadInternal,
    /// Public reply.
    Reply,
    /// Internal note.
    Note,
    /// Any of the desk's moves: take, assign, wait, resume, escalate, transfer, link, change
    /// priority or application, resolve, reject.
    Work,
    Close,
    Reopen,
    Cancel,
    /// Answer the satisfaction survey.
    Rate,
}

/// Why an action is refused: a stable rule name that front doors translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden by rule {rule}")]
pub struct Denied {
    pub rule: &'static str,
}

impl Denied {
    /// The ticket is not visible at all: front doors answer "not found", never "forbidden", so
    /// nobody learns that another school's ticket exists.
    pub const NOT_VISIBLE: Denied = Denied {
        rule: "ticket.not_visible",
    };

    pub fn is_not_visible(self) -> bool {
        self == Self::NOT_VISIBLE
    }
}

/// How a person stands towards one ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Standing {
    admin: bool,
    handler: bool,
    requester: bool,
    watcher: bool,
    head: bool,
    zone: bool,
}

fn standing(s: &Subject, t: &TicketFacts) -> Standing {
    Standing {
        admin: s.admin,
        handler: t.group.is_some_and(|g| s.in_group(g))
            || t.assignee == Some(s.person)
            || t.assignee.is_some_and(|a| s.delegators.contains(&a)),
        requester: t.requester == s.person,
        watcher: t.watchers.contains(&s.person),
        head: t.establishment.is_some_and(|e| s.headed.contains(&e)),
        zone: t
            .org_path
            .as_ref()
            .is_some_and(|p| s.zones.iter().any(|z| z.contains(p))),
    }
}

/// May `subject` do `action` on the ticket? On success, the kind of actor the lifecycle should
/// see: the strongest standing wins (admin, then handling agent, then requester).
pub fn may(subject: &Subject, action: TicketAction, ticket: &TicketFacts) -> Result<Actor, Denied> {
    if !subject.active {
        return Err(Denied {
            rule: "person.inactive",
        });
    }
    let st = standing(subject, ticket);
    let actor = if st.admin {
        Actor::Admin
    } else if st.handler {
        Actor::Agent
    } else {
        Actor::Requester
    };
    let sees = st.admin || st.handler || st.requester || st.watcher || st.head || st.zone;
    if !sees {
        return Err(Denied::NOT_VISIBLE);
    }
    let desk = st.admin || st.handler;
    let allowed = match action {
        TicketAction::Read => true,
        TicketAction::ReadInternal | TicketAction::Note | TicketAction::Work => desk,
        TicketAction::Reply => desk || st.requester || st.watcher,
        TicketAction::Close | TicketAction::Reopen | TicketAction::Cancel => desk || st.requester,
        TicketAction::Rate => st.requester,
    };
    if allowed {
        Ok(actor)
    } else if matches!(action, TicketAction::Rate) {
        Err(Denied {
            rule: "ticket.requester_only",
        })
    } else if st.requester || st.watcher || st.head || st.zone {
        Err(Denied {
            rule: match action {
                TicketAction::Reply => "ticket.read_only",
                _ => "ticket.desk_only",
            },
        })
    } else {
        Err(Denied {
            rule: "ticket.desk_only",
        })
    }
}

/// Something a person may try to do that is not about one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobalAction {
    /// Submit a request of one's own.
    Submit,
    /// Submit on behalf of someone else (phone intake).
    SubmitOnBehalf,
    /// Look people up (find a requester, an agent to assign).
    ReadPersons,
    /// Work the desk's queues: counts, saved views, bulk selections.
    WorkQueues,
    /// Create and change organisation nodes, desks, groups, applications, people and their roles.
    Administer,
}

pub fn may_global(subject: &Subject, action: GlobalAction) -> Result<(), Denied> {
    if !subject.active {
        return Err(Denied {
            rule: "person.inactive",
        });
    }
    let ok = match action {
        GlobalAction::Submit => true,
        GlobalAction::SubmitOnBehalf | GlobalAction::ReadPersons | GlobalAction::WorkQueues => {
            subject.admin || subject.is_agent()
        }
        GlobalAction::Administer => subject.admin,
    };
    if ok {
        Ok(())
    } else if action == GlobalAction::Administer {
        Err(Denied { rule: "admin_only" })
    } else {
        Err(Denied { rule: "desk_only" })
    }
}

/// May `subject` file a request of their own for `establishment`? Only where they hold a role;
/// the desk (agents, admins) files for any establishment.
pub fn may_submit_for(subject: &Subject, establishment: OrgNodeId) -> Result<(), Denied> {
    if subject.admin || subject.is_agent() || subject.establishments.contains(&establishment) {
        Ok(())
    } else {
        Err(Denied {
            rule: "ticket.establishment_not_yours",
        })
    }
}

#[cfg(test)]
mod tests;
