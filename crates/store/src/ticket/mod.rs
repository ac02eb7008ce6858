//! Tickets: the record, its watchers and links, reading one, and writing it back.
//! Lists and search are in [`list`]; the timeline and attachments in [`timeline`].

pub mod list;
pub mod names;
pub mod submission;
pub mod timeline;

use crate::conn::{Get, on, parse};
use crate::org::TicketZone;
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::desk::Level;
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::org::OrgPath;
use guichet_core::permission::TicketFacts;
use guichet_core::ticket::{Channel, Impact, LinkKind, Priority, TicketRef, TicketType, Urgency};
use guichet_core::{ApplicationId, GroupId, OrgNodeId, PersonId, TicketId};

/// A ticket as stored, watchers included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    pub reference: TicketRef,
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub status: Status,
    pub waiting_on: Option<WaitingOn>,
    pub urgency: Urgency,
    pub impact: Impact,
    pub priority: Priority,
    pub application: Option<ApplicationId>,
    pub requester: PersonId,
    /// Who typed it in: the requester, or the agent who took the phone call.
    pub created_by: PersonId,
    pub zone: TicketZone,
    pub group: Option<GroupId>,
    pub assignee: Option<PersonId>,
    pub level: Level,
    pub subject: String,
    pub solution: Option<String>,
    pub satisfaction: Option<i16>,
    pub satisfaction_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub taken_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub watchers: Vec<PersonId>,
}

impl Ticket {
    /// What the permission rules need to know of this ticket.
    pub fn facts(&self) -> TicketFacts {
        TicketFacts {
            requester: self.requester,
            establishment: self.zone.establishment,
            org_path: self.zone.path.clone(),
            group: self.group,
            assignee: self.assignee,
            watchers: self.watchers.clone(),
        }
    }
}

/// A ticket to insert; the store adds its reference and id.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub status: Status,
    pub urgency: Urgency,
    pub impact: Impact,
    pub priority: Priority,
    pub application: Option<ApplicationId>,
    pub requester: PersonId,
    pub created_by: PersonId,
    pub zone: TicketZone,
    pub group: Option<GroupId>,
    pub level: Level,
    pub subject: String,
    pub created_at: DateTime<Utc>,
}

/// A link from one ticket to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLink {
    pub kind: LinkKind,
    /// True when this ticket is the link's source ("this duplicates the other"); false when the
    /// link was made from the other ticket.
    pub outgoing: bool,
    pub other: TicketId,
    pub other_reference: TicketRef,
    pub other_subject: String,
    pub other_status: Status,
}

pub(crate) const COLUMNS: &str = "t.id, t.reference, t.type, t.channel, t.status, t.waiting_on, \
    t.urgency, t.impact, t.priority, t.application_id, t.requester_id, t.created_by_id, \
    t.establishment_id, t.circonscription_id, t.departement_id, t.org_path, t.group_id, \
    t.assignee_id, t.level, t.subject, t.solution, t.satisfaction, t.satisfaction_comment, \
    t.created_at, t.updated_at, t.taken_at, t.resolved_at, t.closed_at";

pub(crate) fn from_row(r: &impl Get) -> Result<Ticket, StoreError> {
    let level = r.i16("level")?;
    let priority = r.i16("priority")?;
    Ok(Ticket {
        id: TicketId(r.i64("id")?),
        reference: parse("ticket.reference", r.text("reference")?, TicketRef::parse)?,
        ticket_type: parse("ticket.type", r.text("type")?, TicketType::parse)?,
        channel: parse("ticket.channel", r.text("channel")?, Channel::parse)?,
        status: parse("ticket.status", r.text("status")?, Status::parse)?,
        waiting_on: r
            .opt_text("waiting_on")?
            .map(|w| parse("ticket.waiting_on", w, WaitingOn::parse))
            .transpose()?,
        urgency: parse("ticket.urgency", r.text("urgency")?, Urgency::parse)?,
        impact: parse("ticket.impact", r.text("impact")?, Impact::parse)?,
        priority: Priority::from_rank(priority).ok_or(StoreError::Corrupt {
            column: "ticket.priority",
            value: priority.to_string(),
        })?,
        application: r.opt_i64("application_id")?.map(ApplicationId),
        requester: PersonId(r.i64("requester_id")?),
        created_by: PersonId(r.i64("created_by_id")?),
        zone: TicketZone {
            establishment: r.opt_i64("establishment_id")?.map(OrgNodeId),
            circonscription: r.opt_i64("circonscription_id")?.map(OrgNodeId),
            departement: r.opt_i64("departement_id")?.map(OrgNodeId),
            path: r
                .opt_text("org_path")?
                .and_then(|p| OrgPath::from_stored(&p)),
        },
        group: r.opt_i64("group_id")?.map(GroupId),
        assignee: r.opt_i64("assignee_id")?.map(PersonId),
        level: Level::from_i16(level).map_err(|_| StoreError::Corrupt {
            column: "ticket.level",
            value: level.to_string(),
        })?,
        subject: r.text("subject")?,
        solution: r.opt_text("solution")?,
        satisfaction: r.opt_i16("satisfaction")?,
        satisfaction_comment: r.opt_text("satisfaction_comment")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        taken_at: r.opt_ts("taken_at")?,
        resolved_at: r.opt_ts("resolved_at")?,
        closed_at: r.opt_ts("closed_at")?,
        watchers: Vec::new(),
    })
}

/// Takes the next number of a year (the row is created on the year's first ticket).
pub(crate) const NEXT_REFERENCE: &str = "INSERT INTO ticket_counter (year, value) VALUES ($1, 1)
    ON CONFLICT (year) DO UPDATE SET value = ticket_counter.value + 1
    RETURNING value";

/// Inserts a new ticket; `$19` is both its creation and update time.
pub(crate) const INSERT_TICKET: &str = "INSERT INTO ticket (reference, type, channel, status,
        is_open, urgency, impact, priority, application_id, requester_id, created_by_id,
        establishment_id, circonscription_id, departement_id, org_path, group_id, level, subject,
        created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
        $19, $19)
    RETURNING id";

/// The ticket as stored by [`INSERT_TICKET`], built from what was written rather than read
/// back: this is the hot path of every submission.
pub(crate) fn inserted(t: &NewTicket, id: TicketId, reference: TicketRef) -> Ticket {
    let created_at = ts(t.created_at);
    Ticket {
        id,
        reference,
        ticket_type: t.ticket_type,
        channel: t.channel,
        status: t.status,
        waiting_on: None,
        urgency: t.urgency,
        impact: t.impact,
        priority: t.priority,
        application: t.application,
        requester: t.requester,
        created_by: t.created_by,
        zone: t.zone.clone(),
        group: t.group,
        assignee: None,
        level: t.level,
        subject: t.subject.clone(),
        solution: None,
        satisfaction: None,
        satisfaction_comment: None,
        created_at,
        updated_at: created_at,
        taken_at: None,
        resolved_at: None,
        closed_at: None,
        watchers: Vec::new(),
    }
}

impl Tx {
    /// The next reference of `year`, unique under concurrency: the counter row is updated in this
    /// transaction, so a concurrent writer waits for it (PostgreSQL row lock, SQLite write lock).
    pub async fn next_reference(&mut self, year: i32) -> Result<TicketRef, StoreError> {
        let seq: i64 = on!(self, |c| {
            sqlx::query_scalar(NEXT_REFERENCE)
                .bind(year)
                .fetch_one(c)
                .await?
        });
        Ok(TicketRef::new(year, seq))
    }

    /// Inserts a ticket with its reference; returns the stored ticket (built from what was
    /// written, not read back: this is the hot path of every submission).
    pub async fn insert_ticket(&mut self, t: &NewTicket) -> Result<Ticket, StoreError> {
        use chrono::Datelike;
        let reference = self.next_reference(t.created_at.year()).await?;
        let created_at = ts(t.created_at);
        let id: i64 = on!(self, |c| {
            sqlx::query_scalar(INSERT_TICKET)
                .bind(reference.to_string())
                .bind(t.ticket_type.as_str())
                .bind(t.channel.as_str())
                .bind(t.status.as_str())
                .bind(t.status.is_open())
                .bind(t.urgency.as_str())
                .bind(t.impact.as_str())
                .bind(t.priority.rank())
                .bind(t.application.map(|a| a.0))
                .bind(t.requester.0)
                .bind(t.created_by.0)
                .bind(t.zone.establishment.map(|n| n.0))
                .bind(t.zone.circonscription.map(|n| n.0))
                .bind(t.zone.departement.map(|n| n.0))
                .bind(t.zone.path.as_ref().map(|p| p.as_str().to_owned()))
                .bind(t.group.map(|g| g.0))
                .bind(t.level.as_i16())
                .bind(&t.subject)
                .bind(created_at)
                .fetch_one(c)
                .await?
        });
        Ok(inserted(t, TicketId(id), reference))
    }

    /// Writes back every field a use case may change.
    pub async fn update_ticket(&mut self, t: &Ticket) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "UPDATE ticket SET status = $1, is_open = $2, waiting_on = $3, urgency = $4,
                    impact = $5, priority = $6, application_id = $7, group_id = $8,
                    assignee_id = $9, level = $10, subject = $11, solution = $12,
                    satisfaction = $13, satisfaction_comment = $14, updated_at = $15,
                    taken_at = $16, resolved_at = $17, closed_at = $18
                 WHERE id = $19",
            )
            .bind(t.status.as_str())
            .bind(t.status.is_open())
            .bind(t.waiting_on.map(WaitingOn::as_str))
            .bind(t.urgency.as_str())
            .bind(t.impact.as_str())
            .bind(t.priority.rank())
            .bind(t.application.map(|a| a.0))
            .bind(t.group.map(|g| g.0))
            .bind(t.assignee.map(|p| p.0))
            .bind(t.level.as_i16())
            .bind(&t.subject)
            .bind(&t.solution)
            .bind(t.satisfaction)
            .bind(&t.satisfaction_comment)
            .bind(ts(t.updated_at))
            .bind(t.taken_at.map(ts))
            .bind(t.resolved_at.map(ts))
            .bind(t.closed_at.map(ts))
            .bind(t.id.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Reads a ticket and locks it until the transaction ends.
    pub async fn ticket_for_update(&mut self, id: TicketId) -> Result<Ticket, StoreError> {
        let lock = self.for_update();
        self.read_ticket(id, lock).await
    }

    pub async fn add_watcher(
        &mut self,
        ticket: TicketId,
        person: PersonId,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO ticket_watcher (ticket_id, person_id) VALUES ($1, $2)
                 ON CONFLICT (ticket_id, person_id) DO NOTHING",
            )
            .bind(ticket.0)
            .bind(person.0)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Links `from` to `to`; the pair is stored once, whichever way it was made.
    pub async fn add_link(
        &mut self,
        from: TicketId,
        to: TicketId,
        kind: LinkKind,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on!(self, |c| {
            sqlx::query(
                "INSERT INTO ticket_link (ticket_id, other_id, kind, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(from.0)
            .bind(to.0)
            .bind(kind.as_str())
            .bind(ts(now))
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Removes the link between two tickets, whichever way it was made; false if there was none.
    pub async fn remove_link(&mut self, a: TicketId, b: TicketId) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "DELETE FROM ticket_link WHERE (ticket_id = $1 AND other_id = $2)
                 OR (ticket_id = $2 AND other_id = $1)",
            )
            .bind(a.0)
            .bind(b.0)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }
}

impl Conn {
    pub async fn ticket(&mut self, id: TicketId) -> Result<Ticket, StoreError> {
        self.read_ticket(id, "").await
    }

    /// A ticket with its watchers; `suffix` is `FOR UPDATE` or nothing.
    async fn read_ticket(&mut self, id: TicketId, suffix: &str) -> Result<Ticket, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM ticket t WHERE t.id = $1{suffix}");
        let mut t = on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)?
        });
        t.watchers = self.watchers(id).await?;
        Ok(t)
    }

    pub async fn ticket_by_reference(
        &mut self,
        reference: TicketRef,
    ) -> Result<Ticket, StoreError> {
        let id: i64 = on!(self, |c| {
            sqlx::query_scalar("SELECT id FROM ticket WHERE reference = $1")
                .bind(reference.to_string())
                .fetch_one(c)
                .await?
        });
        self.ticket(TicketId(id)).await
    }

    pub async fn watchers(&mut self, ticket: TicketId) -> Result<Vec<PersonId>, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT person_id FROM ticket_watcher WHERE ticket_id = $1 ORDER BY person_id",
            )
            .bind(ticket.0)
            .fetch_all(c)
            .await?
            .into_iter()
            .map(PersonId)
            .collect())
        })
    }

    /// The links of a ticket, both directions, with what a page shows of the other ticket.
    pub async fn links(&mut self, ticket: TicketId) -> Result<Vec<TicketLink>, StoreError> {
        on!(self, |c| {
            let rows = sqlx::query(
                "SELECT l.kind, TRUE AS outgoing, o.id, o.reference, o.subject, o.status
                 FROM ticket_link l JOIN ticket o ON o.id = l.other_id WHERE l.ticket_id = $1
                 UNION ALL
                 SELECT l.kind, FALSE AS outgoing, o.id, o.reference, o.subject, o.status
                 FROM ticket_link l JOIN ticket o ON o.id = l.ticket_id WHERE l.other_id = $1
                 ORDER BY 3",
            )
            .bind(ticket.0)
            .fetch_all(c)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(TicketLink {
                        kind: parse("ticket_link.kind", r.text("kind")?, LinkKind::parse)?,
                        outgoing: r.bool("outgoing")?,
                        other: TicketId(r.i64("id")?),
                        other_reference: parse(
                            "ticket.reference",
                            r.text("reference")?,
                            TicketRef::parse,
                        )?,
                        other_subject: r.text("subject")?,
                        other_status: parse("ticket.status", r.text("status")?, Status::parse)?,
                    })
                })
                .collect()
        })
    }
}
