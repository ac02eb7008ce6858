//! Every rule of [`super::may`] has a test that grants and one that refuses.

use super::*;
use crate::desk::Level;
use crate::{DeskId, GroupId, OrgNodeId, PersonId};
use proptest::prelude::*;

// The tree: académie 1 / département 2 / circonscription 3 / schools 10 and 11; département 4 /
// circonscription 5 / school 12.
fn path(ids: &[i64]) -> OrgPath {
    let mut p = OrgPath::root(OrgNodeId(ids[0]));
    for id in &ids[1..] {
        p = p.child(OrgNodeId(*id));
    }
    p
}

fn school(id: i64) -> (OrgNodeId, OrgPath) {
    let p = match id {
        10 | 11 => path(&[1, 2, 3, id]),
        _ => path(&[1, 4, 5, id]),
    };
    (OrgNodeId(id), p)
}

fn ticket(requester: i64, school_id: i64, group: i64) -> TicketFacts {
    let (establishment, org_path) = school(school_id);
    TicketFacts {
        requester: PersonId(requester),
        establishment: Some(establishment),
        org_path: Some(org_path),
        group: Some(GroupId(group)),
        assignee: None,
        watchers: vec![],
    }
}

fn role(kind: RoleKind, ids: &[i64], is_establishment: bool) -> RoleAt {
    let node_kind = match (ids.len(), is_establishment) {
        (_, true) => OrgKind::Etablissement,
        (1, _) => OrgKind::Academie,
        (2, _) => OrgKind::Departement,
        _ => OrgKind::Circonscription,
    };
    RoleAt {
        kind,
        zone: Zone {
            node: OrgNodeId(*ids.last().expect("non-empty")),
            kind: node_kind,
            path: path(ids),
        },
    }
}

fn person(id: i64, roles: &[RoleAt]) -> Subject {
    Subject::new(PersonId(id), true, roles, vec![])
}

fn agent(id: i64, group: i64) -> Subject {
    let g = GroupFacts {
        id: GroupId(group),
        desk: DeskId(1),
        level: Level::N1,
    };
    Subject::new(PersonId(id), true, &[], vec![g])
}

const NOT_VISIBLE: Result<Actor, Denied> = Err(Denied::NOT_VISIBLE);

#[test]
fn a_requester_sees_their_own_ticket_and_no_other() {
    let teacher = person(100, &[role(RoleKind::Teacher, &[1, 2, 3, 10], true)]);
    assert_eq!(
        may(&teacher, TicketAction::Read, &ticket(100, 10, 50)),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&teacher, TicketAction::Reply, &ticket(100, 10, 50)),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&teacher, TicketAction::Read, &ticket(101, 10, 50)),
        NOT_VISIBLE
    );
}

#[test]
fn a_director_sees_their_schools_tickets_read_only() {
    let director = person(200, &[role(RoleKind::Director, &[1, 2, 3, 10], true)]);
    let colleague_ticket = ticket(101, 10, 50);
    assert_eq!(
        may(&director, TicketAction::Read, &colleague_ticket),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&director, TicketAction::Reply, &colleague_ticket),
        Err(Denied {
            rule: "ticket.read_only"
        })
    );
    assert_eq!(
        may(&director, TicketAction::Read, &ticket(101, 11, 50)),
        NOT_VISIBLE
    );
    assert!(may(&director, TicketAction::ReadInternal, &colleague_ticket).is_err());
}

#[test]
fn a_teacher_role_does_not_open_the_school() {
    let teacher = person(100, &[role(RoleKind::Teacher, &[1, 2, 3, 10], true)]);
    assert_eq!(
        may(&teacher, TicketAction::Read, &ticket(101, 10, 50)),
        NOT_VISIBLE
    );
}

#[test]
fn an_ien_reads_their_circonscription_only() {
    let ien = person(300, &[role(RoleKind::Ien, &[1, 2, 3], false)]);
    assert_eq!(
        may(&ien, TicketAction::Read, &ticket(101, 11, 50)),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&ien, TicketAction::Read, &ticket(101, 12, 50)),
        NOT_VISIBLE
    );
    assert_eq!(
        may(&ien, TicketAction::Work, &ticket(101, 11, 50)),
        Err(Denied {
            rule: "ticket.desk_only"
        })
    );
}

#[test]
fn a_dasen_reads_their_departement_only() {
    let dasen = person(301, &[role(RoleKind::Dasen, &[1, 4], false)]);
    assert_eq!(
        may(&dasen, TicketAction::Read, &ticket(101, 12, 50)),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&dasen, TicketAction::Read, &ticket(101, 10, 50)),
        NOT_VISIBLE
    );
    assert!(may(&dasen, TicketAction::Note, &ticket(101, 12, 50)).is_err());
}

#[test]
fn an_agent_works_their_groups_queue_and_no_other() {
    let a = agent(400, 50);
    assert_eq!(
        may(&a, TicketAction::Work, &ticket(101, 10, 50)),
        Ok(Actor::Agent)
    );
    assert_eq!(
        may(&a, TicketAction::ReadInternal, &ticket(101, 10, 50)),
        Ok(Actor::Agent)
    );
    assert_eq!(
        may(&a, TicketAction::Read, &ticket(101, 10, 51)),
        NOT_VISIBLE
    );
}

#[test]
fn an_assignee_keeps_their_ticket_outside_their_groups() {
    let a = agent(400, 50);
    let mut t = ticket(101, 10, 51);
    assert_eq!(may(&a, TicketAction::Work, &t), NOT_VISIBLE);
    t.assignee = Some(PersonId(400));
    assert_eq!(may(&a, TicketAction::Work, &t), Ok(Actor::Agent));
}

#[test]
fn a_delegate_works_the_absent_agents_tickets_and_no_others() {
    // Agent 401 of group 51 stands in for agent 400, away; the ticket is in group 52.
    let mut delegate = agent(401, 51);
    let mut t = ticket(101, 10, 52);
    t.assignee = Some(PersonId(400));
    assert_eq!(may(&delegate, TicketAction::Work, &t), NOT_VISIBLE);
    assert!(!delegate.visibility().sees(&t));
    delegate.delegators = vec![PersonId(400)];
    assert_eq!(may(&delegate, TicketAction::Work, &t), Ok(Actor::Agent));
    assert_eq!(
        may(&delegate, TicketAction::ReadInternal, &t),
        Ok(Actor::Agent)
    );
    assert!(delegate.visibility().sees(&t));
    // Another agent's ticket in that group stays out of reach.
    t.assignee = Some(PersonId(402));
    assert_eq!(may(&delegate, TicketAction::Read, &t), NOT_VISIBLE);
    // An unassigned ticket is nobody's delegation.
    t.assignee = None;
    assert!(!delegate.visibility().sees(&t));
}

#[test]
fn an_administrator_sees_and_does_everything_but_rate() {
    let admin = person(1, &[role(RoleKind::Admin, &[1], false)]);
    for action in [
        TicketAction::Read,
        TicketAction::Work,
        TicketAction::Note,
        TicketAction::Close,
    ] {
        assert_eq!(may(&admin, action, &ticket(101, 12, 99)), Ok(Actor::Admin));
    }
    assert_eq!(
        may(&admin, TicketAction::Rate, &ticket(101, 12, 99)),
        Err(Denied {
            rule: "ticket.requester_only"
        })
    );
}

#[test]
fn a_requester_cannot_work_their_own_ticket() {
    let teacher = person(100, &[]);
    assert_eq!(
        may(&teacher, TicketAction::Work, &ticket(100, 10, 50)),
        Err(Denied {
            rule: "ticket.desk_only"
        })
    );
    assert_eq!(
        may(&teacher, TicketAction::Note, &ticket(100, 10, 50)),
        Err(Denied {
            rule: "ticket.desk_only"
        })
    );
    assert_eq!(
        may(&teacher, TicketAction::Cancel, &ticket(100, 10, 50)),
        Ok(Actor::Requester)
    );
    assert_eq!(
        may(&teacher, TicketAction::Rate, &ticket(100, 10, 50)),
        Ok(Actor::Requester)
    );
}

#[test]
fn a_watcher_reads_and_replies_but_does_not_close() {
    let watcher = person(500, &[]);
    let mut t = ticket(101, 10, 50);
    assert_eq!(may(&watcher, TicketAction::Reply, &t), NOT_VISIBLE);
    t.watchers.push(PersonId(500));
    assert_eq!(may(&watcher, TicketAction::Reply, &t), Ok(Actor::Requester));
    assert_eq!(
        may(&watcher, TicketAction::Close, &t),
        Err(Denied {
            rule: "ticket.desk_only"
        })
    );
}

#[test]
fn an_inactive_person_does_nothing() {
    let mut teacher = person(100, &[]);
    teacher.active = false;
    assert_eq!(
        may(&teacher, TicketAction::Read, &ticket(100, 10, 50)),
        Err(Denied {
            rule: "person.inactive"
        })
    );
    assert_eq!(
        may_global(&teacher, GlobalAction::Submit),
        Err(Denied {
            rule: "person.inactive"
        })
    );
}

#[test]
fn global_actions() {
    let teacher = person(100, &[role(RoleKind::Teacher, &[1, 2, 3, 10], true)]);
    let a = agent(400, 50);
    let admin = person(1, &[role(RoleKind::Admin, &[1], false)]);
    assert_eq!(may_global(&teacher, GlobalAction::Submit), Ok(()));
    assert_eq!(
        may_global(&teacher, GlobalAction::SubmitOnBehalf),
        Err(Denied { rule: "desk_only" })
    );
    assert_eq!(may_global(&a, GlobalAction::SubmitOnBehalf), Ok(()));
    assert_eq!(may_global(&a, GlobalAction::ReadPersons), Ok(()));
    assert_eq!(
        may_global(&a, GlobalAction::Administer),
        Err(Denied { rule: "admin_only" })
    );
    assert_eq!(may_global(&admin, GlobalAction::Administer), Ok(()));
    assert_eq!(may_global(&a, GlobalAction::WorkQueues), Ok(()));
    assert_eq!(may_global(&admin, GlobalAction::WorkQueues), Ok(()));
    assert_eq!(
        may_global(&teacher, GlobalAction::WorkQueues),
        Err(Denied { rule: "desk_only" })
    );

    assert_eq!(may_submit_for(&teacher, OrgNodeId(10)), Ok(()));
    assert_eq!(
        may_submit_for(&teacher, OrgNodeId(11)),
        Err(Denied {
            rule: "ticket.establishment_not_yours"
        })
    );
    assert_eq!(may_submit_for(&a, OrgNodeId(11)), Ok(()));
}

fn any_subject() -> impl Strategy<Value = Subject> {
    let roles = proptest::collection::vec(
        (
            proptest::sample::select(RoleKind::ALL),
            proptest::sample::select(vec![
                (vec![1i64], false),
                (vec![1, 2], false),
                (vec![1, 4, 5], false),
                (vec![1, 2, 3, 10], true),
                (vec![1, 4, 5, 12], true),
            ]),
        ),
        0..3,
    );
    let groups = proptest::collection::vec(50i64..53, 0..2);
    let delegators = proptest::collection::vec(100i64..104, 0..2);
    (100i64..104, roles, groups, delegators).prop_map(|(id, roles, groups, delegators)| {
        let roles: Vec<RoleAt> = roles
            .iter()
            .map(|(k, (ids, est))| role(*k, ids, *est))
            .collect();
        let groups = groups
            .into_iter()
            .map(|g| GroupFacts {
                id: GroupId(g),
                desk: DeskId(1),
                level: Level::N1,
            })
            .collect();
        let mut s = Subject::new(PersonId(id), true, &roles, groups);
        s.delegators = delegators.into_iter().map(PersonId).collect();
        s
    })
}

fn any_ticket() -> impl Strategy<Value = TicketFacts> {
    (
        100i64..104,
        proptest::sample::select(vec![10i64, 11, 12]),
        50i64..53,
        proptest::option::of(100i64..104),
        proptest::collection::vec(100i64..104, 0..2),
    )
        .prop_map(|(requester, school_id, group, assignee, watchers)| {
            let mut t = ticket(requester, school_id, group);
            t.assignee = assignee.map(PersonId);
            t.watchers = watchers.into_iter().map(PersonId).collect();
            t
        })
}

proptest! {
    /// The list filter and the single-ticket rule never disagree.
    #[test]
    fn visibility_agrees_with_read(s in any_subject(), t in any_ticket()) {
        prop_assert_eq!(s.visibility().sees(&t), may(&s, TicketAction::Read, &t).is_ok());
    }

    /// Whoever may work a ticket may read its internal notes, and whoever may do anything may read.
    #[test]
    fn stronger_rights_imply_weaker(s in any_subject(), t in any_ticket()) {
        if may(&s, TicketAction::Work, &t).is_ok() {
            prop_assert!(may(&s, TicketAction::ReadInternal, &t).is_ok());
        }
        for action in [TicketAction::Reply, TicketAction::Close, TicketAction::Cancel, TicketAction::Rate] {
            if may(&s, action, &t).is_ok() {
                prop_assert!(may(&s, TicketAction::Read, &t).is_ok());
            }
        }
    }
}
