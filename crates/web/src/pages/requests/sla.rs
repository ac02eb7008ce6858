//! The expected dates a requester reads on their request: when it will be taken in charge and
//! resolved at the latest, from the ticket's SLA clocks (see `guichet_app::sla`).

use crate::pages::time::Times;
use guichet_core::sla::ClockState;
use guichet_store::sla::{TargetRow, TicketSla};
use serde_json::{Value, json};

fn target(times: Times, label: &str, t: &TargetRow) -> Value {
    let state = match t.clock {
        ClockState::Running => "running",
        ClockState::Paused => "paused",
        ClockState::Stopped => "done",
    };
    json!({
        "label": label,
        "state": state,
        "due": t.due.map(|d| times.when(d)),
        "at": t.due.map(|d| d.to_rfc3339()),
        "breached": t.breached,
    })
}

/// Both targets, in the order the page lists them.
pub fn expected(times: Times, sla: &TicketSla) -> Vec<Value> {
    vec![
        target(times, "sla-take-in-charge", &sla.take_in_charge),
        target(times, "sla-resolve", &sla.resolve),
    ]
}
