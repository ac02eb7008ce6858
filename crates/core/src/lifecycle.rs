//! The ticket lifecycle (DESIGN.md §3): one state machine that every path goes through.
//!
//! ```text
//! new → assigned → in_progress ⇄ waiting (requester | third party) → resolved → closed
//!   plus rejected and cancelled; resolved/closed may be reopened.
//! ```
//!
//! [`next`] answers "from this status, may this kind of actor make this move, and where does it
//! lead". Whether a given person is that kind of actor for a given ticket is
//! [`crate::permission`]'s question; reopen windows and auto-close delays are the app's.

use serde::{Deserialize, Serialize};

named_enum!(
    /// Where a ticket stands.
    Status, field = "status", {
        /// Submitted, in a group's queue, nobody yet assigned.
        New => "new",
        /// Assigned to an agent who has not yet started.
        Assigned => "assigned",
        InProgress => "in_progress",
        /// Paused until the requester or a third party answers (see [`WaitingOn`]).
        Waiting => "waiting",
        Resolved => "resolved",
        Closed => "closed",
        /// Refused by the desk (out of scope, not a request).
        Rejected => "rejected",
        /// Withdrawn by the requester.
        Cancelled => "cancelled",
    }
);

impl Status {
    /// The statuses of work still to do: the ones queues show.
    pub const OPEN: [Self; 4] = [Self::New, Self::Assigned, Self::InProgress, Self::Waiting];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// No move leaves these, except an agent reopening a closed ticket.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Rejected | Self::Cancelled)
    }
}

named_enum!(
    /// Whom a waiting ticket waits for.
    WaitingOn, field = "waiting_on", {
        Requester => "requester",
        ThirdParty => "third_party",
    }
);

/// The kind of actor making a move, as [`crate::permission`] establishes it for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The ticket's requester.
    Requester,
    /// An agent handling the ticket (member of its group, or its assignee).
    Agent,
    Admin,
    /// Guichet itself: routing, SLA automation, auto-close.
    System,
}

/// A move of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// Give the ticket to an agent (or another agent).
    Assign,
    /// An agent takes the ticket in charge and starts working on it.
    TakeInCharge,
    /// Pause until someone answers.
    Wait,
    /// Back to work after a pause (an agent, or the requester's answer).
    Resume,
    /// The desk gives its solution.
    Resolve,
    /// The solution is accepted, or the reopen window has passed.
    Close,
    /// The problem is not solved after all. `assigned` says whether an agent still holds it.
    Reopen { assigned: bool },
    /// The desk refuses the request.
    Reject,
    /// The requester withdraws the request.
    Cancel,
    /// Back to a queue, unassigned: escalation to a higher level or transfer to another desk.
    Requeue,
}

impl Move {
    pub fn name(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::TakeInCharge => "take_in_charge",
            Self::Wait => "wait",
            Self::Resume => "resume",
            Self::Resolve => "resolve",
            Self::Close => "close",
            Self::Reopen { .. } => "reopen",
            Self::Reject => "reject",
            Self::Cancel => "cancel",
            Self::Requeue => "requeue",
        }
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("a {status} ticket cannot {}", mv.name())]
    NotFromStatus { status: Status, mv: Move },
    #[error("{actor:?} may not {} a ticket", mv.name())]
    NotForActor { actor: Actor, mv: Move },
}

/// The lifecycle's one function: the status after `mv` by `actor` from `from`.
pub fn next(from: Status, mv: Move, actor: Actor) -> Result<Status, LifecycleError> {
    use Actor::{Admin, Agent, Requester, System};
    use Status::*;

    let actor_ok = match mv {
        Move::Assign | Move::Requeue => matches!(actor, Agent | Admin | System),
        Move::TakeInCharge | Move::Wait | Move::Resolve | Move::Reject => {
            matches!(actor, Agent | Admin)
        }
        // A requester resumes a waiting ticket by answering; the system on a third party's answer.
        Move::Resume | Move::Close => true,
        Move::Reopen { .. } => matches!(actor, Requester | Agent | Admin),
        Move::Cancel => matches!(actor, Requester | Agent | Admin),
    };
    if !actor_ok {
        return Err(LifecycleError::NotForActor { actor, mv });
    }

    let to = match (mv, from) {
        (Move::Assign, New | Assigned | InProgress) => Some(Assigned),
        (Move::Assign, Waiting) => Some(Waiting),
        (Move::TakeInCharge, New | Assigned) => Some(InProgress),
        (Move::Wait, InProgress) => Some(Waiting),
        (Move::Resume, Waiting) => Some(InProgress),
        (Move::Resolve, Assigned | InProgress | Waiting) => Some(Resolved),
        (Move::Close, Resolved) => Some(Closed),
        // Only the desk reopens a closed ticket; a requester whose window has passed opens a new one.
        (Move::Reopen { .. }, Closed) if actor == Requester => None,
        (Move::Reopen { assigned }, Resolved | Closed) => {
            Some(if assigned { InProgress } else { New })
        }
        (Move::Reject, New | Assigned | InProgress | Waiting) => Some(Rejected),
        (Move::Cancel, New | Assigned | InProgress | Waiting) => Some(Cancelled),
        (Move::Requeue, New | Assigned | InProgress | Waiting) => Some(New),
        _ => None,
    };
    to.ok_or(LifecycleError::NotFromStatus { status: from, mv })
}

/// Every edge of DESIGN.md §3's diagram, written independently of [`next`] so that the property
/// tests can check one against the other. Self-edges (re-assigning, requeueing a new ticket) are
/// allowed separately.
pub const EDGES: &[(Status, Status)] = &[
    (Status::New, Status::Assigned),
    (Status::New, Status::InProgress),
    (Status::Assigned, Status::InProgress),
    (Status::InProgress, Status::Assigned),
    (Status::InProgress, Status::Waiting),
    (Status::Waiting, Status::InProgress),
    (Status::Assigned, Status::Resolved),
    (Status::InProgress, Status::Resolved),
    (Status::Waiting, Status::Resolved),
    (Status::Resolved, Status::Closed),
    (Status::Resolved, Status::InProgress),
    (Status::Resolved, Status::New),
    (Status::Closed, Status::InProgress),
    (Status::Closed, Status::New),
    (Status::Assigned, Status::New),
    (Status::InProgress, Status::New),
    (Status::Waiting, Status::New),
    (Status::New, Status::Rejected),
    (Status::Assigned, Status::Rejected),
    (Status::InProgress, Status::Rejected),
    (Status::Waiting, Status::Rejected),
    (Status::New, Status::Cancelled),
    (Status::Assigned, Status::Cancelled),
    (Status::InProgress, Status::Cancelled),
    (Status::Waiting, Status::Cancelled),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_move() -> impl Strategy<Value = Move> {
        prop_oneof![
            Just(Move::Assign),
            Just(Move::TakeInCharge),
            Just(Move::Wait),
            Just(Move::Resume),
            Just(Move::Resolve),
            Just(Move::Close),
            any::<bool>().prop_map(|assigned| Move::Reopen { assigned }),
            Just(Move::Reject),
            Just(Move::Cancel),
            Just(Move::Requeue),
        ]
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(Actor::Requester),
            Just(Actor::Agent),
            Just(Actor::Admin),
            Just(Actor::System)
        ]
    }

    #[test]
    fn the_happy_path() {
        let mut s = Status::New;
        for (mv, actor) in [
            (Move::Assign, Actor::System),
            (Move::TakeInCharge, Actor::Agent),
            (Move::Wait, Actor::Agent),
            (Move::Resume, Actor::Requester),
            (Move::Resolve, Actor::Agent),
            (Move::Close, Actor::Requester),
        ] {
            s = next(s, mv, actor).expect("allowed");
        }
        assert_eq!(s, Status::Closed);
    }

    #[test]
    fn forbidden_moves_say_why() {
        assert_eq!(
            next(Status::New, Move::Close, Actor::Agent),
            Err(LifecycleError::NotFromStatus {
                status: Status::New,
                mv: Move::Close
            })
        );
        assert_eq!(
            next(Status::InProgress, Move::Requeue, Actor::Requester),
            Err(LifecycleError::NotForActor {
                actor: Actor::Requester,
                mv: Move::Requeue
            })
        );
        assert!(
            next(
                Status::Closed,
                Move::Reopen { assigned: true },
                Actor::Requester
            )
            .is_err()
        );
        assert_eq!(
            next(
                Status::Closed,
                Move::Reopen { assigned: true },
                Actor::Agent
            ),
            Ok(Status::InProgress)
        );
        assert_eq!(
            next(
                Status::Resolved,
                Move::Reopen { assigned: false },
                Actor::Requester
            ),
            Ok(Status::New)
        );
        assert!(
            next(
                Status::Cancelled,
                Move::Reopen { assigned: true },
                Actor::Admin
            )
            .is_err()
        );
        assert!(next(Status::Resolved, Move::Resolve, Actor::System).is_err());
    }

    proptest! {
        /// No sequence of moves, by anyone, reaches a state the machine forbids or takes an edge
        /// the diagram does not draw.
        #[test]
        fn no_sequence_leaves_the_diagram(moves in proptest::collection::vec((any_move(), any_actor()), 0..40)) {
            let mut status = Status::New;
            for (mv, actor) in moves {
                if let Ok(to) = next(status, mv, actor) {
                        prop_assert!(to == status || EDGES.contains(&(status, to)),
                            "{status:?} -> {to:?} by {mv:?}/{actor:?} is not in the diagram");
                        prop_assert!(!matches!(status, Status::Rejected | Status::Cancelled));
                        if status == Status::Closed {
                            let desk_reopens = matches!(mv, Move::Reopen { .. })
                                && matches!(actor, Actor::Agent | Actor::Admin);
                            prop_assert!(desk_reopens, "{mv:?} by {actor:?} left a closed ticket");
                        }
                        if to == Status::Resolved {
                            prop_assert!(matches!(actor, Actor::Agent | Actor::Admin));
                        }
                        if to == Status::Closed {
                            prop_assert_eq!(status, Status::Resolved);
                        }
                        status = to;
                }
            }
        }

        /// A requester can never move a ticket the desk's way: assign, take, resolve, reject, requeue.
        #[test]
        fn requesters_cannot_work_tickets(from in proptest::sample::select(Status::ALL), mv in any_move()) {
            if let Ok(to) = next(from, mv, Actor::Requester) {
                let requester_move =
                    matches!(mv, Move::Resume | Move::Close | Move::Reopen { .. } | Move::Cancel);
                prop_assert!(requester_move, "requester made {mv:?} {from:?} -> {to:?}");
            }
        }
    }
}
