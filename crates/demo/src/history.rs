//! What happened to a ticket after it was submitted, up to `now`: taken in charge by an agent of
//! its group, questions and answers, internal notes, escalation to the expertise level or the
//! vendor, waiting on a third party, resolution, closing (confirmed by the requester or
//! automatic after seven days) and sometimes a satisfaction survey. Events after `now` have not
//! happened yet, so recent tickets are still open where their story stops.

use crate::names::PersonName;
use crate::phrases::{
    ACKS, AUTO_CLOSE, CANCELLATIONS, CONFIRMATIONS, ESCALATIONS, FOLLOW_UPS, INCIDENT_NOTES,
    INCIDENT_QUESTIONS, REJECTIONS, REQUEST_NOTES, REQUEST_QUESTIONS, SURVEY_COMMENTS,
    THIRD_PARTIES, VENDOR_ESCALATIONS,
};
use crate::reference::{GroupInfo, World};
use crate::season::{is_public_holiday, normal, paris_to_utc, utc_to_paris};
use crate::text::{Vars, agent_message, requester_message};
use chrono::{DateTime, Datelike, Duration, Utc};
use guichet_core::PersonId;
use guichet_core::desk::Level;
use guichet_core::lifecycle::{Status, WaitingOn};
use guichet_core::ticket::EntryKind;
use guichet_store::bulk::BulkEntry;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::json;

/// How a ticket's story is set up.
#[derive(Debug)]
pub struct Setup<'a> {
    pub created_at: DateTime<Utc>,
    pub requester: PersonId,
    pub first: &'a GroupInfo,
    pub escalation: Option<&'a GroupInfo>,
    pub vendor: Option<&'a GroupInfo>,
    /// Chance of being escalated from the first group.
    pub escalation_rate: f64,
    /// Chance of waiting on a third party (the commune, the operator, the vendor).
    pub third_party_rate: f64,
    pub solution: String,
    pub vars: &'a Vars,
    /// Incidents get questions and notes about symptoms; requests about needs.
    pub incident: bool,
}

/// Where the story stands at `now`.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub status: Status,
    pub waiting_on: Option<WaitingOn>,
    pub group: &'a GroupInfo,
    pub assignee: Option<PersonId>,
    pub level: Level,
    pub solution: Option<String>,
    pub satisfaction: Option<i16>,
    pub updated_at: DateTime<Utc>,
    pub taken_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub entries: Vec<BulkEntry>,
}

/// A delay with a log-normal spread around `median_hours`.
fn delay(rng: &mut StdRng, median_hours: f64, spread: f64) -> Duration {
    let hours = median_hours * (spread * normal(rng)).exp();
    Duration::seconds((hours * 3600.0) as i64 + 60)
}

fn working_day(date: chrono::NaiveDate) -> bool {
    date.weekday().num_days_from_monday() < 5 && !is_public_holiday(date)
}

/// The first office-hours instant (Paris, Monday to Friday, 8:00–18:00) at or after `t`.
fn office(t: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
    let (mut date, hour) = utc_to_paris(t);
    if working_day(date) && (8..18).contains(&hour) {
        return t;
    }
    if hour >= 8 || !working_day(date) {
        date = date.succ_opt().expect("a next day");
    }
    while !working_day(date) {
        date = date.succ_opt().expect("a next day");
    }
    paris_to_utc(date, 8, 0) + Duration::minutes(rng.random_range(0..120))
}

/// The first instant at or after `t` when a requester is up (7:00–21:00, Paris).
fn awake(t: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
    let (date, hour) = utc_to_paris(t);
    if (7..21).contains(&hour) {
        return t;
    }
    let date = if hour >= 21 {
        date.succ_opt().expect("a next day")
    } else {
        date
    };
    paris_to_utc(date, 7, 30) + Duration::minutes(rng.random_range(0..150))
}

impl Outcome<'_> {
    /// Adds a timeline entry; notes and escalation details stay internal.
    fn record(
        &mut self,
        at: DateTime<Utc>,
        kind: EntryKind,
        author: Option<PersonId>,
        body: String,
        data: serde_json::Value,
    ) {
        let public = !matches!(kind, EntryKind::Note | EntryKind::Escalation);
        self.entries.push(BulkEntry {
            kind,
            public,
            author,
            body,
            data,
            created_at: at,
        });
    }
}

fn pick(list: &[&'static str], rng: &mut StdRng) -> &'static str {
    list.choose(rng).copied().unwrap_or_default()
}

fn agent_of(group: &GroupInfo, rng: &mut StdRng) -> PersonId {
    *group
        .members
        .choose(rng)
        .expect("World::group only returns groups with agents")
}

/// Plays the story of one ticket up to `now`.
pub fn play<'a>(
    rng: &mut StdRng,
    world: &World,
    setup: &Setup<'a>,
    now: DateTime<Utc>,
) -> Outcome<'a> {
    let requester = setup.requester;
    let req_name: &PersonName = world.name(requester);
    let mut o = Outcome {
        status: Status::New,
        waiting_on: None,
        group: setup.first,
        assignee: None,
        level: setup.first.level,
        solution: None,
        satisfaction: None,
        updated_at: setup.created_at,
        taken_at: None,
        resolved_at: None,
        closed_at: None,
        entries: Vec::with_capacity(8),
    };
    // Advances the clock to `$t`, or ends the story there if `$t` is still to come.
    macro_rules! at {
        ($t:expr) => {{
            let t = $t;
            if t > now {
                return o;
            }
            o.updated_at = t;
            t
        }};
    }
    let say = |o: &Outcome, agent: PersonId, text: &str| {
        agent_message(req_name, text, world.name(agent), &o.group.name)
    };

    let mut t = setup.created_at;
    let fate: f64 = rng.random();
    if fate < 0.02 {
        t = at!(awake(t + delay(rng, 3.0, 1.0), rng));
        let body = requester_message(pick(CANCELLATIONS, rng), req_name);
        o.record(
            t,
            EntryKind::StatusChange,
            Some(requester),
            body,
            json!({"from": "new", "to": "cancelled"}),
        );
        o.status = Status::Cancelled;
        return o;
    }

    let mut median_take = 2.0;
    let mut group_median_resolve = match o.level {
        Level::N0 => 20.0,
        Level::N1 => 5.0,
        Level::N2 => 36.0,
        Level::N3 => 150.0,
    };
    loop {
        // Taken in charge by an agent of the current group.
        t = at!(office(t + delay(rng, median_take, 1.0), rng));
        let agent = agent_of(o.group, rng);
        if fate < 0.045 && o.taken_at.is_none() {
            let body = say(&o, agent, pick(REJECTIONS, rng));
            o.record(
                t,
                EntryKind::StatusChange,
                Some(agent),
                body,
                json!({"from": "new", "to": "rejected"}),
            );
            o.status = Status::Rejected;
            o.assignee = Some(agent);
            return o;
        }
        o.record(
            t,
            EntryKind::Assignment,
            Some(agent),
            String::new(),
            json!({"group": o.group.id.0, "assignee": agent.0}),
        );
        o.status = Status::Assigned;
        o.assignee = Some(agent);
        o.taken_at.get_or_insert(t);

        t = at!(office(t + Duration::minutes(rng.random_range(5..180)), rng));
        o.status = Status::InProgress;
        if rng.random_bool(0.3) {
            let body = say(&o, agent, pick(ACKS, rng));
            o.record(t, EntryKind::Reply, Some(agent), body, json!({}));
        }
        if rng.random_bool(0.3) {
            t = at!(office(t + delay(rng, 1.0, 0.8), rng));
            let questions = if setup.incident {
                INCIDENT_QUESTIONS
            } else {
                REQUEST_QUESTIONS
            };
            let (question, answers) = questions.choose(rng).copied().unwrap_or(("", &[]));
            let body = say(&o, agent, question);
            o.record(
                t,
                EntryKind::Reply,
                Some(agent),
                body,
                json!({"waiting_on": "requester"}),
            );
            o.status = Status::Waiting;
            o.waiting_on = Some(WaitingOn::Requester);
            t = at!(awake(t + delay(rng, 16.0, 0.9), rng));
            let body = requester_message(&setup.vars.fill(pick(answers, rng)), req_name);
            o.record(t, EntryKind::Reply, Some(requester), body, json!({}));
            o.status = Status::InProgress;
            o.waiting_on = None;
        }
        if rng.random_bool(0.3) {
            t = at!(office(t + delay(rng, 2.0, 0.8), rng));
            let notes = if setup.incident {
                INCIDENT_NOTES
            } else {
                REQUEST_NOTES
            };
            let body = setup.vars.fill(pick(notes, rng));
            o.record(t, EntryKind::Note, Some(agent), body, json!({}));
        }
        // Escalation: to the expertise level from the first group, to the vendor from there.
        let next = match o.level {
            Level::N0 | Level::N1 if rng.random_bool(setup.escalation_rate) => setup.escalation,
            Level::N2 if rng.random_bool(0.25) => setup.vendor,
            _ => None,
        };
        let Some(next) = next.filter(|g| g.id != o.group.id) else {
            break;
        };
        t = at!(office(t + delay(rng, 4.0, 0.8), rng));
        let reasons = if next.level == Level::N3 {
            VENDOR_ESCALATIONS
        } else {
            ESCALATIONS
        };
        let data = json!({
            "from_group": o.group.id.0, "to_group": next.id.0,
            "from_level": o.level.as_str(), "to_level": next.level.as_str(),
        });
        o.record(
            t,
            EntryKind::Escalation,
            Some(agent),
            pick(reasons, rng).to_owned(),
            data,
        );
        o.group = next;
        o.level = next.level;
        o.status = Status::New;
        o.assignee = None;
        median_take = 8.0;
        group_median_resolve = if next.level == Level::N3 { 150.0 } else { 36.0 };
    }

    let agent = o.assignee.unwrap_or_else(|| agent_of(o.group, rng));
    if rng.random_bool(setup.third_party_rate) {
        t = at!(office(t + delay(rng, 3.0, 0.8), rng));
        let text = format!(
            "Nous attendons le retour {} et revenons vers vous dès que possible.",
            pick(THIRD_PARTIES, rng)
        );
        o.record(
            t,
            EntryKind::Reply,
            Some(agent),
            say(&o, agent, &text),
            json!({"waiting_on": "third_party"}),
        );
        o.status = Status::Waiting;
        o.waiting_on = Some(WaitingOn::ThirdParty);
        t = at!(t + delay(rng, 72.0, 0.8));
        o.status = Status::InProgress;
        o.waiting_on = None;
    }
    // A few tickets linger in a backlog long before anyone solves them.
    let backlog = if rng.random_bool(0.03) { 8.0 } else { 1.0 };
    t = at!(office(
        t + delay(rng, group_median_resolve * backlog, 1.0),
        rng
    ));
    let text = format!("{}\n\n{}", setup.solution, pick(FOLLOW_UPS, rng));
    o.record(
        t,
        EntryKind::Resolution,
        Some(agent),
        say(&o, agent, &text),
        json!({}),
    );
    o.status = Status::Resolved;
    o.solution = Some(setup.solution.clone());
    o.resolved_at = Some(t);

    if rng.random_bool(0.3) {
        t = at!(awake(t + delay(rng, 12.0, 1.0), rng));
        let body = requester_message(pick(CONFIRMATIONS, rng), req_name);
        o.record(
            t,
            EntryKind::StatusChange,
            Some(requester),
            body,
            json!({"from": "resolved", "to": "closed"}),
        );
    } else {
        t = at!(t + Duration::days(7));
        o.record(
            t,
            EntryKind::StatusChange,
            None,
            AUTO_CLOSE.to_owned(),
            json!({"from": "resolved", "to": "closed"}),
        );
    }
    o.status = Status::Closed;
    o.closed_at = Some(t);

    if rng.random_bool(0.35) {
        t = at!(awake(
            t + Duration::minutes(rng.random_range(5..2_880)),
            rng
        ));
        let roll: f64 = rng.random();
        let score: i16 = match roll {
            r if r < 0.06 => 1,
            r if r < 0.13 => 2,
            r if r < 0.25 => 3,
            r if r < 0.55 => 4,
            _ => 5,
        };
        let comment = pick(SURVEY_COMMENTS[score as usize - 1], rng).to_owned();
        o.record(
            t,
            EntryKind::SurveyAnswer,
            Some(requester),
            comment,
            json!({"score": score}),
        );
        o.satisfaction = Some(score);
    }
    o
}
