//! Who is told what about one ticket event: a pure decision over the event and the ticket as
//! the event left it, so that the rules read as a table and are tested without a database.
//!
//! Requester (and watchers, "as the requester"): received, taken in charge, public reply,
//! waiting for their answer, resolved, closed, reopened. Agents: assigned to them, a new
//! ticket in their group's queue, escalated or transferred to their group, the requester
//! answered (to the assignee, else the group); an SLA target nearly spent (the group's agents)
//! and missed (the group's managers, members flagged `manager`). Nobody is told of their own action, except the
//! acknowledgement of a request one submitted oneself. Delegates of absent agents are added
//! by the caller, which knows the absences.

use guichet_core::PersonId;
use guichet_core::lifecycle::Status;
use guichet_core::ticket::EventKind;

/// The notice kinds that are mailed whatever the person chose.
pub const ESSENTIAL: &[&str] = &["received", "resolved"];

/// What the decision needs to know of the event and its ticket.
#[derive(Debug, Clone)]
pub struct Situation {
    pub event: EventKind,
    pub actor: Option<PersonId>,
    pub requester: PersonId,
    pub watchers: Vec<PersonId>,
    /// The ticket's status right after the event.
    pub status: Status,
    /// The ticket waits for its requester's answer.
    pub waiting_on_requester: bool,
    pub assignee: Option<PersonId>,
    /// The agents of the ticket's group after the event.
    pub group_members: Vec<PersonId>,
    /// The managers of the group concerned: at a breach, the group that missed the target
    /// (the ticket may have been escalated away from it by the same event).
    pub group_managers: Vec<PersonId>,
}

/// One recipient and the kind of notice they get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub person: PersonId,
    pub kind: &'static str,
}

fn requester_kind(s: &Situation) -> Option<&'static str> {
    use EventKind as E;
    Some(match s.event {
        E::Submitted => "received",
        E::TakenInCharge => "taken",
        E::Replied if s.status == Status::Waiting && s.waiting_on_requester => "waiting",
        E::Replied => "reply",
        E::Waiting if s.waiting_on_requester => "waiting",
        E::Resolved => "resolved",
        E::Closed => "closed",
        E::Reopened => "reopened",
        _ => return None,
    })
}

fn agent_notices(s: &Situation) -> Vec<Recipient> {
    use EventKind as E;
    let to_group = |kind| {
        s.group_members
            .iter()
            .map(|p| Recipient { person: *p, kind })
            .collect::<Vec<_>>()
    };
    let to_assignee_or_group = |kind| match s.assignee {
        Some(a) => vec![Recipient { person: a, kind }],
        None => to_group(kind),
    };
    match s.event {
        E::Submitted => to_assignee_or_group("queued"),
        E::Assigned => to_assignee_or_group(if s.assignee.is_some() {
            "assigned"
        } else {
            "queued"
        }),
        E::Escalated => to_group("escalated"),
        E::Transferred => to_group("transferred"),
        E::RequesterReplied => to_assignee_or_group("answered"),
        E::Reopened => to_assignee_or_group("reopened"),
        E::SlaWarning => to_group("sla_warning"),
        E::SlaBreached => s
            .group_managers
            .iter()
            .map(|p| Recipient {
                person: *p,
                kind: "sla_breached",
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Every recipient of the event, each once (the requester's notice first), without the actor
/// (unless they acknowledge their own submission).
pub fn recipients(s: &Situation) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    if let Some(kind) = requester_kind(s) {
        for person in std::iter::once(s.requester).chain(s.watchers.iter().copied()) {
            out.push(Recipient { person, kind });
        }
    }
    out.extend(agent_notices(s));
    let mut seen = std::collections::HashSet::new();
    out.retain(|r| {
        let own = Some(r.person) == s.actor && r.kind != "received";
        !own && seen.insert(r.person)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: PersonId = PersonId(1);
    const WATCHER: PersonId = PersonId(2);
    const AGENT: PersonId = PersonId(10);
    const MATE: PersonId = PersonId(11);

    fn situation(event: EventKind, actor: PersonId) -> Situation {
        Situation {
            event,
            actor: Some(actor),
            requester: REQ,
            watchers: vec![WATCHER],
            status: Status::InProgress,
            waiting_on_requester: false,
            assignee: Some(AGENT),
            group_members: vec![AGENT, MATE],
            group_managers: vec![MATE],
        }
    }

    fn kinds(s: &Situation) -> Vec<(i64, &'static str)> {
        recipients(s)
            .into_iter()
            .map(|r| (r.person.0, r.kind))
            .collect()
    }

    #[test]
    fn a_submission_acknowledges_the_requester_and_tells_the_queue() {
        let mut s = situation(EventKind::Submitted, REQ);
        s.assignee = None;
        s.watchers.clear();
        assert_eq!(
            kinds(&s),
            vec![(1, "received"), (10, "queued"), (11, "queued")]
        );
    }

    #[test]
    fn the_requester_and_watchers_hear_of_the_desks_steps_but_not_of_their_own() {
        let s = situation(EventKind::TakenInCharge, AGENT);
        assert_eq!(kinds(&s), vec![(1, "taken"), (2, "taken")]);
        let s = situation(EventKind::Replied, AGENT);
        assert_eq!(kinds(&s), vec![(1, "reply"), (2, "reply")]);
        let mut s = situation(EventKind::Replied, AGENT);
        s.status = Status::Waiting;
        s.waiting_on_requester = true;
        assert_eq!(kinds(&s), vec![(1, "waiting"), (2, "waiting")]);
        let s = situation(EventKind::Resolved, AGENT);
        assert_eq!(kinds(&s), vec![(1, "resolved"), (2, "resolved")]);
        // The requester reopens: the watcher and the assignee are told, not the requester.
        let s = situation(EventKind::Reopened, REQ);
        assert_eq!(kinds(&s), vec![(2, "reopened"), (10, "reopened")]);
        // Internal moves say nothing to the requester.
        for e in [EventKind::NoteAdded, EventKind::PriorityChanged] {
            assert!(kinds(&situation(e, AGENT)).is_empty(), "{e:?}");
        }
    }

    #[test]
    fn agents_hear_of_work_landing_on_them() {
        let s = situation(EventKind::Assigned, MATE);
        assert_eq!(kinds(&s), vec![(10, "assigned")]);
        let mut s = situation(EventKind::Escalated, AGENT);
        s.assignee = None;
        s.group_members = vec![PersonId(20), PersonId(21)];
        assert_eq!(kinds(&s), vec![(20, "escalated"), (21, "escalated")]);
        let s = situation(EventKind::RequesterReplied, REQ);
        assert_eq!(kinds(&s), vec![(10, "answered")]);
        let mut s = situation(EventKind::RequesterReplied, REQ);
        s.assignee = None;
        assert_eq!(kinds(&s), vec![(10, "answered"), (11, "answered")]);
        // Taking a ticket oneself tells no agent.
        let s = situation(EventKind::TakenInCharge, AGENT);
        assert!(kinds(&s).iter().all(|(p, _)| *p < 10));
    }

    #[test]
    fn a_nearly_spent_target_tells_the_group_and_a_missed_one_its_managers() {
        let s = situation(EventKind::SlaWarning, AGENT);
        // The sweep acts as the system: nobody is left out as the actor.
        let s = Situation { actor: None, ..s };
        assert_eq!(kinds(&s), vec![(10, "sla_warning"), (11, "sla_warning")]);
        let s = Situation {
            actor: None,
            ..situation(EventKind::SlaBreached, AGENT)
        };
        assert_eq!(kinds(&s), vec![(11, "sla_breached")]);
        let s = Situation {
            group_managers: Vec::new(),
            ..s
        };
        assert!(kinds(&s).is_empty(), "a group without a manager: nobody");
    }
}
