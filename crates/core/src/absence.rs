//! An agent's absence and the delegate who covers it: the period rules, who may declare one, and
//! where a new assignment goes while it is in force.
//!
//! Nothing here is scheduled: whether an absence is in force is computed from `now` whenever it
//! matters (a list, a permission, an assignment), so continuity of service never depends on a
//! job running or on someone remembering to hand over. No IO: callers pass the facts and `now`.

use crate::desk::GroupFacts;
use crate::permission::{Denied, Subject};
use crate::{FieldError, PersonId};
use chrono::{DateTime, Utc};

/// A period `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    /// A new absence's period: it must end after it starts, and not be over already.
    pub fn parse(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        if end <= start {
            return Err(FieldError::new("ends_at", "absence.end_before_start"));
        }
        if end <= now {
            return Err(FieldError::new("ends_at", "absence.over"));
        }
        Ok(Self { start, end })
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    /// The period once shortened to end at `end`: only earlier than today's end, and still after
    /// its start. Ending it now ends an absence in force; ending it before it starts cancels it.
    pub fn shortened(&self, end: DateTime<Utc>) -> Result<Self, FieldError> {
        if end > self.end {
            return Err(FieldError::new("ends_at", "absence.only_shorten"));
        }
        if end <= self.start {
            return Err(FieldError::new("ends_at", "absence.end_before_start"));
        }
        Ok(Self {
            start: self.start,
            end,
        })
    }
}

/// May `subject` declare, shorten or cancel an absence of `agent`? The agent themselves, or an
/// administrator. (Guichet has no group-manager role yet; when it does, it belongs here.)
pub fn may_manage_absence(subject: &Subject, agent: PersonId) -> Result<(), Denied> {
    if !subject.active {
        return Err(Denied {
            rule: "person.inactive",
        });
    }
    if subject.admin || (subject.person == agent && subject.is_agent()) {
        Ok(())
    } else if subject.person == agent {
        Err(Denied { rule: "desk_only" })
    } else {
        Err(Denied {
            rule: "absence.not_yours",
        })
    }
}

/// What the rules need to know of a proposed delegate.
#[derive(Debug, Clone)]
pub struct DelegateFacts {
    pub person: PersonId,
    pub active: bool,
    pub groups: Vec<GroupFacts>,
}

/// The delegate must be someone else, active, and an agent of at least one of the absent agent's
/// groups: they can then see and work the group's queue, and the absent agent's tickets are
/// theirs to follow, not a stranger's.
pub fn check_delegate(
    agent: PersonId,
    agent_groups: &[GroupFacts],
    delegate: &DelegateFacts,
) -> Result<(), FieldError> {
    if delegate.person == agent {
        return Err(FieldError::new("delegate", "absence.delegate_self"));
    }
    if !delegate.active {
        return Err(FieldError::new("delegate", "absence.delegate_inactive"));
    }
    let shares = delegate
        .groups
        .iter()
        .any(|g| agent_groups.iter().any(|a| a.id == g.id));
    if shares {
        Ok(())
    } else {
        Err(FieldError::new(
            "delegate",
            "absence.delegate_no_shared_group",
        ))
    }
}

/// How far a chain of delegations is followed (A is away and delegates to B, who is away too…).
pub const MAX_HOPS: usize = 4;

/// Where an assignment meant for someone lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redirect {
    /// Who gets the ticket.
    pub assignee: PersonId,
    /// The absent agent it was meant for, and when they are back; `None` when they are present.
    pub delegate_of: Option<(PersonId, DateTime<Utc>)>,
}

/// Follows absences in force from `intended`: `in_force(p)` gives p's delegate and the end of
/// their absence, if p is away now. A chain is followed up to [`MAX_HOPS`] and stops before
/// going round in a circle, so the result is always someone and the function always ends.
pub fn redirect(
    intended: PersonId,
    mut in_force: impl FnMut(PersonId) -> Option<(PersonId, DateTime<Utc>)>,
) -> Redirect {
    let mut seen = vec![intended];
    let mut current = intended;
    let mut until = None;
    while seen.len() <= MAX_HOPS {
        let Some((delegate, end)) = in_force(current) else {
            break;
        };
        if seen.contains(&delegate) {
            break;
        }
        if until.is_none() {
            until = Some(end);
        }
        seen.push(delegate);
        current = delegate;
    }
    Redirect {
        assignee: current,
        delegate_of: until.map(|end| (intended, end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::Level;
    use crate::{DeskId, GroupId};
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0)
            .single()
            .expect("a valid date")
    }

    fn group(id: i64) -> GroupFacts {
        GroupFacts {
            id: GroupId(id),
            desk: DeskId(1),
            level: Level::N1,
        }
    }

    #[test]
    fn periods_must_end_after_they_start_and_not_be_over() {
        assert!(Period::parse(at(2), at(9), at(1)).is_ok());
        assert_eq!(
            Period::parse(at(9), at(2), at(1)),
            Err(FieldError::new("ends_at", "absence.end_before_start"))
        );
        assert_eq!(
            Period::parse(at(2), at(5), at(6)),
            Err(FieldError::new("ends_at", "absence.over"))
        );
    }

    #[test]
    fn periods_are_half_open() {
        let p = Period {
            start: at(2),
            end: at(9),
        };
        assert!(p.contains(at(2)) && p.contains(at(8)) && !p.contains(at(9)));
        let next = Period {
            start: at(9),
            end: at(12),
        };
        assert!(!p.overlaps(&next), "back to back is not overlapping");
        let inside = Period {
            start: at(3),
            end: at(4),
        };
        assert!(p.overlaps(&inside) && inside.overlaps(&p));
    }

    #[test]
    fn an_absence_may_only_be_shortened() {
        let p = Period {
            start: at(2),
            end: at(9),
        };
        assert_eq!(p.shortened(at(5)).map(|p| p.end), Ok(at(5)));
        assert_eq!(
            p.shortened(at(10)),
            Err(FieldError::new("ends_at", "absence.only_shorten"))
        );
        assert!(p.shortened(at(2)).is_err());
    }

    #[test]
    fn the_agent_or_an_administrator_manages_an_absence() {
        let agent = Subject::new(PersonId(1), true, &[], vec![group(5)]);
        let colleague = Subject::new(PersonId(2), true, &[], vec![group(5)]);
        let requester = Subject::new(PersonId(3), true, &[], vec![]);
        let mut admin = Subject::new(PersonId(4), true, &[], vec![]);
        admin.admin = true;
        assert_eq!(may_manage_absence(&agent, PersonId(1)), Ok(()));
        assert_eq!(may_manage_absence(&admin, PersonId(1)), Ok(()));
        assert_eq!(
            may_manage_absence(&colleague, PersonId(1)),
            Err(Denied {
                rule: "absence.not_yours"
            })
        );
        assert_eq!(
            may_manage_absence(&requester, PersonId(3)),
            Err(Denied { rule: "desk_only" })
        );
        let gone = Subject::new(PersonId(1), false, &[], vec![group(5)]);
        assert!(may_manage_absence(&gone, PersonId(1)).is_err());
    }

    #[test]
    fn a_delegate_is_an_active_colleague_of_a_shared_group() {
        let mine = [group(5), group(6)];
        let ok = DelegateFacts {
            person: PersonId(2),
            active: true,
            groups: vec![group(6)],
        };
        assert_eq!(check_delegate(PersonId(1), &mine, &ok), Ok(()));
        let stranger = DelegateFacts {
            groups: vec![group(7)],
            ..ok.clone()
        };
        assert_eq!(
            check_delegate(PersonId(1), &mine, &stranger),
            Err(FieldError::new(
                "delegate",
                "absence.delegate_no_shared_group"
            ))
        );
        let gone = DelegateFacts {
            active: false,
            ..ok.clone()
        };
        assert_eq!(
            check_delegate(PersonId(1), &mine, &gone).map_err(|e| e.code),
            Err("absence.delegate_inactive")
        );
        assert_eq!(
            check_delegate(PersonId(2), &mine, &ok).map_err(|e| e.code),
            Err("absence.delegate_self")
        );
    }

    #[test]
    fn assignments_follow_delegations_and_never_loop() {
        let p = PersonId;
        // Nobody away: the ticket goes where it was meant to.
        assert_eq!(
            redirect(p(1), |_| None),
            Redirect {
                assignee: p(1),
                delegate_of: None
            }
        );
        // 1 away until the 9th, delegate 2 away too, delegate 3 present.
        let chain = |x: PersonId| match x.0 {
            1 => Some((p(2), at(9))),
            2 => Some((p(3), at(12))),
            _ => None,
        };
        assert_eq!(
            redirect(p(1), chain),
            Redirect {
                assignee: p(3),
                delegate_of: Some((p(1), at(9)))
            }
        );
        // 1 and 2 delegate to each other: stop at 2 rather than go round.
        let circle = |x: PersonId| Some((if x.0 == 1 { p(2) } else { p(1) }, at(9)));
        assert_eq!(redirect(p(1), circle).assignee, p(2));
        // An endless chain stops after MAX_HOPS.
        let endless = |x: PersonId| Some((p(x.0 + 1), at(9)));
        assert_eq!(redirect(p(1), endless).assignee, p(1 + MAX_HOPS as i64));
    }
}
