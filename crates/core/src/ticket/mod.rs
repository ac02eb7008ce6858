//! Tickets: their human reference, classification, priority matrix, links and timeline entries.
//! The lifecycle lives in [`crate::lifecycle`]; who may act in [`crate::permission`].

mod reference;

pub use reference::TicketRef;

named_enum!(
    /// What kind of request this is.
    TicketType, field = "type", {
        Incident => "incident",
        Request => "request",
        /// A suggestion for change or evolution of an application.
        Change => "change",
    }
);

named_enum!(
    /// How the ticket reached the desk.
    Channel, field = "channel", {
        Web => "web",
        Email => "email",
        Phone => "phone",
        Api => "api",
        Ent => "ent",
    }
);

named_enum!(
    /// How soon the requester needs it.
    Urgency, field = "urgency", { Low => "low", Medium => "medium", High => "high" }
);

named_enum!(
    /// How many people it stops from working.
    Impact, field = "impact", { Low => "low", Medium => "medium", High => "high" }
);

named_enum!(
    /// Priority, derived from urgency × impact unless an agent sets it.
    Priority, field = "priority", {
        VeryLow => "very_low",
        Low => "low",
        Medium => "medium",
        High => "high",
        VeryHigh => "very_high",
    }
);

impl Priority {
    /// The priority matrix: each step of urgency or impact raises priority by one.
    pub fn from_matrix(urgency: Urgency, impact: Impact) -> Self {
        let rank = |u: Urgency| match u {
            Urgency::Low => 0,
            Urgency::Medium => 1,
            Urgency::High => 2,
        };
        let impact_rank = match impact {
            Impact::Low => 0,
            Impact::Medium => 1,
            Impact::High => 2,
        };
        match rank(urgency) + impact_rank {
            0 => Self::VeryLow,
            1 => Self::Low,
            2 => Self::Medium,
            3 => Self::High,
            _ => Self::VeryHigh,
        }
    }

    /// 1 (very low) to 5 (very high): stored so that queues sort by it.
    pub fn rank(self) -> i16 {
        match self {
            Self::VeryLow => 1,
            Self::Low => 2,
            Self::Medium => 3,
            Self::High => 4,
            Self::VeryHigh => 5,
        }
    }

    pub fn from_rank(rank: i16) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.rank() == rank)
    }
}

named_enum!(
    /// How two tickets relate. `Duplicate` reads "this ticket duplicates the other", `Parent`
    /// reads "this ticket is the parent of the other".
    LinkKind, field = "kind", {
        Duplicate => "duplicate",
        Related => "related",
        Parent => "parent",
    }
);

named_enum!(
    /// What a timeline entry records.
    EntryKind, field = "kind", {
        /// The request as submitted.
        Submitted => "submitted",
        /// A public reply, by the requester or an agent.
        Reply => "reply",
        /// An internal note, never shown to requesters.
        Note => "note",
        StatusChange => "status_change",
        Assignment => "assignment",
        Escalation => "escalation",
        Transfer => "transfer",
        Link => "link",
        Unlink => "unlink",
        PriorityChange => "priority_change",
        ApplicationChange => "application_change",
        Resolution => "resolution",
        SurveyAnswer => "survey_answer",
        /// A routing rule applied at submission ("routed to N1-ONDE by rule X"); internal.
        Routing => "routing",
        /// A share of an SLA target is spent (e.g. 80 %); internal.
        SlaWarning => "sla_warning",
        /// An SLA target is breached, with what was done about it; internal.
        SlaBreach => "sla_breach",
    }
);

impl EntryKind {
    /// Entries a requester sees on their own ticket. Notes and internal routing stay internal.
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            Self::Note | Self::Routing | Self::SlaWarning | Self::SlaBreach
        )
    }
}

named_enum!(
    /// Domain events written to the outbox in the same transaction as the change they describe;
    /// notifications, SLA timers and webhooks consume them.
    EventKind, field = "event", {
        Submitted => "ticket.submitted",
        TakenInCharge => "ticket.taken_in_charge",
        Assigned => "ticket.assigned",
        Replied => "ticket.replied",
        RequesterReplied => "ticket.requester_replied",
        NoteAdded => "ticket.note_added",
        Waiting => "ticket.waiting",
        Resumed => "ticket.resumed",
        Escalated => "ticket.escalated",
        Transferred => "ticket.transferred",
        Linked => "ticket.linked",
        Unlinked => "ticket.unlinked",
        PriorityChanged => "ticket.priority_changed",
        ApplicationChanged => "ticket.application_changed",
        Resolved => "ticket.resolved",
        Closed => "ticket.closed",
        Reopened => "ticket.reopened",
        Rejected => "ticket.rejected",
        Cancelled => "ticket.cancelled",
        Rated => "ticket.rated",
        /// A share of an SLA target is spent: the group is told.
        SlaWarning => "ticket.sla_warning",
        /// An SLA target is breached: the group's manager is told.
        SlaBreached => "ticket.sla_breached",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_matrix_is_symmetric_and_monotonic() {
        use Impact as I;
        use Urgency as U;
        assert_eq!(Priority::from_matrix(U::Low, I::Low), Priority::VeryLow);
        assert_eq!(Priority::from_matrix(U::High, I::Low), Priority::Medium);
        assert_eq!(Priority::from_matrix(U::Low, I::High), Priority::Medium);
        assert_eq!(Priority::from_matrix(U::Medium, I::High), Priority::High);
        assert_eq!(Priority::from_matrix(U::High, I::High), Priority::VeryHigh);
        for p in Priority::ALL {
            assert_eq!(Priority::from_rank(p.rank()), Some(*p));
        }
    }

    #[test]
    fn names_round_trip() {
        for t in TicketType::ALL {
            assert_eq!(TicketType::parse(t.as_str()), Ok(*t));
        }
        assert_eq!(
            Channel::parse("fax"),
            Err(crate::FieldError::new("channel", "invalid"))
        );
        assert!(!EntryKind::Note.is_public());
        assert!(EntryKind::Reply.is_public());
    }
}
