//! Absences with a delegate: declare, list, shorten, cancel; and the two places where an absence
//! in force changes what happens, computed from the clock at the moment it matters:
//! a caller's [`Subject`] gains the tickets of those they stand in for, and an assignment meant
//! for an absent agent goes to their delegate. No job has to run when an absence starts or ends.

use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::PersonId;
use guichet_core::absence::{
    DelegateFacts, MAX_HOPS, Period, Redirect, check_delegate, may_manage_absence, redirect,
};
use guichet_core::permission::Subject;
use guichet_store::absence::{Absence, NewAbsence};
use guichet_store::audit::AuditRecord;
use guichet_store::{Conn, StoreError, Tx};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A declaration: `agent` is away over `[starts_at, ends_at)` and `delegate` covers.
#[derive(Debug, Clone)]
pub struct DeclareAbsence {
    pub agent: PersonId,
    pub delegate: PersonId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// What became of a cancelled absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// It had not started: it is gone.
    Removed,
    /// It was in force: it ends now.
    EndedNow(Absence),
}

impl App {
    /// Declares an absence. Refused when the caller may not manage the agent's absences, when
    /// the delegate is not an active agent of one of the agent's groups, or when it overlaps
    /// another of the agent's absences (`starts_at` is named).
    pub async fn declare_absence(
        &self,
        caller: &Caller,
        d: DeclareAbsence,
    ) -> Result<Absence, AppError> {
        may_manage_absence(&caller.subject, d.agent)?;
        let now = self.now();
        let period = Period::parse(
            guichet_store::ts(d.starts_at),
            guichet_store::ts(d.ends_at),
            now,
        )?;
        let mut tx = self.store().write().await?;
        tx.lock_person(d.agent).await.or_not_found("person")?;
        let agent_groups = tx.groups_of(d.agent).await?;
        if agent_groups.is_empty() {
            return Err(AppError::invalid("agent", "absence.not_an_agent"));
        }
        let delegate = match tx.person(d.delegate).await {
            Ok(p) => p,
            Err(StoreError::NotFound) => return Err(AppError::invalid("delegate", "invalid")),
            Err(e) => return Err(e.into()),
        };
        let facts = DelegateFacts {
            person: delegate.id,
            active: delegate.active,
            groups: tx.groups_of(delegate.id).await?,
        };
        check_delegate(d.agent, &agent_groups, &facts)?;
        let clash = tx
            .overlapping_absences(d.agent, period.start, period.end, None)
            .await?;
        if !clash.is_empty() {
            return Err(AppError::conflict_on("absence.overlap", "starts_at"));
        }
        let absence = tx
            .insert_absence(
                &NewAbsence {
                    person: d.agent,
                    delegate: d.delegate,
                    starts_at: period.start,
                    ends_at: period.end,
                    created_by: caller.person_id(),
                },
                now,
            )
            .await?;
        audit(&mut tx, caller, "absence.declare", &absence, now).await?;
        tx.commit().await?;
        Ok(absence)
    }

    /// The agent's absences in force or to come, soonest first.
    pub async fn absences(
        &self,
        caller: &Caller,
        agent: PersonId,
    ) -> Result<Vec<Absence>, AppError> {
        may_manage_absence(&caller.subject, agent)?;
        let mut conn = self.store().read().await?;
        Ok(conn.absences_of(agent, self.now()).await?)
    }

    /// Brings an absence's end forward (back early). It cannot be moved later: declare another.
    pub async fn shorten_absence(
        &self,
        caller: &Caller,
        id: i64,
        ends_at: DateTime<Utc>,
    ) -> Result<Absence, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let mut absence = self.managed_absence(&mut tx, caller, id).await?;
        if absence.ends_at <= now {
            return Err(AppError::conflict("absence.over"));
        }
        let period = Period {
            start: absence.starts_at,
            end: absence.ends_at,
        }
        .shortened(guichet_store::ts(ends_at).max(now))?;
        tx.set_absence_end(id, period.end).await?;
        absence.ends_at = period.end;
        audit(&mut tx, caller, "absence.shorten", &absence, now).await?;
        tx.commit().await?;
        Ok(absence)
    }

    /// Cancels an absence: one to come is removed, one in force ends now, one over is left as it
    /// was (a conflict).
    pub async fn cancel_absence(&self, caller: &Caller, id: i64) -> Result<Cancelled, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let mut absence = self.managed_absence(&mut tx, caller, id).await?;
        let outcome = if absence.starts_at > now {
            tx.delete_absence(id).await?;
            audit(&mut tx, caller, "absence.cancel", &absence, now).await?;
            Cancelled::Removed
        } else if absence.ends_at > now {
            tx.set_absence_end(id, now).await?;
            absence.ends_at = now;
            audit(&mut tx, caller, "absence.end", &absence, now).await?;
            Cancelled::EndedNow(absence)
        } else {
            return Err(AppError::conflict("absence.over"));
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// An absence the caller may change; another person's, when they may not, is not found.
    async fn managed_absence(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: i64,
    ) -> Result<Absence, AppError> {
        let absence = tx.absence(id).await.or_not_found("absence")?;
        may_manage_absence(&caller.subject, absence.person)
            .map_err(|_| AppError::NotFound("absence"))?;
        Ok(absence)
    }

    /// Adds to `subject` the absent agents it stands in for at this moment, down a chain of
    /// delegations (A away covered by B, B away covered by C: C stands in for both). Only agents
    /// can be delegates, so others cost no query.
    pub(crate) async fn add_delegations(
        &self,
        conn: &mut Conn,
        subject: &mut Subject,
    ) -> Result<(), AppError> {
        if !subject.is_agent() {
            return Ok(());
        }
        let now = self.now();
        let me = subject.person;
        let mut frontier = vec![me];
        for _ in 0..MAX_HOPS {
            let mut next = Vec::new();
            for p in frontier {
                for a in conn.delegations_to(p, now).await? {
                    if a.person != me && !subject.delegators.contains(&a.person) {
                        subject.delegators.push(a.person);
                        next.push(a.person);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        Ok(())
    }

    /// Where an assignment meant for `intended` goes now: to them, or, while they are away, to
    /// their delegate (and on down the chain when the delegate is away too).
    pub(crate) async fn redirect_assignment(
        &self,
        tx: &mut Tx,
        intended: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Redirect, AppError> {
        let mut known: HashMap<PersonId, (PersonId, DateTime<Utc>)> = HashMap::new();
        let mut current = intended;
        for _ in 0..MAX_HOPS {
            let Some(a) = tx.absence_in_force(current, now).await? else {
                break;
            };
            known.insert(current, (a.delegate, a.ends_at));
            if known.contains_key(&a.delegate) || a.delegate == intended {
                break;
            }
            current = a.delegate;
        }
        Ok(redirect(intended, |p| known.get(&p).copied()))
    }
}

fn details(a: &Absence) -> Value {
    json!({
        "absence": a.id,
        "delegate": a.delegate,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
    })
}

async fn audit(
    tx: &mut Tx,
    caller: &Caller,
    action: &str,
    a: &Absence,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    tx.audit(&AuditRecord {
        at: now,
        actor: caller.person_id(),
        action: action.to_owned(),
        object_type: "person",
        object_id: a.person.to_string(),
        origin: caller.origin.clone(),
        details: details(a),
    })
    .await?;
    Ok(())
}
