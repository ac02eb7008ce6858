//! `guichet-bench sla`: the costs of issue 7. Evaluating a desk's 200 routing rules on a new
//! ticket (pure core, no IO), and, on a loaded database (`guichet-bench load`; use a copy: this
//! writes to it), the SLA sweep with `--open` tickets holding clocks: a run with nothing due,
//! and a run that warns or escalates a full batch.

use anyhow::Context;
use chrono::{Duration, Utc};
use guichet_app::sla::{CalendarInput, PolicyInput};
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::lifecycle::Status;
use guichet_core::org::OrgPath;
use guichet_core::routing::{self, RuleSet, TicketFacts, Trigger};
use guichet_core::sla::{ClockState, StatusChange};
use guichet_core::ticket::{Channel, Priority, TicketType};
use guichet_core::{DeskId, TicketId};
use guichet_store::sla::{TargetRow, TicketSla};
use guichet_store::{Store, StoreOptions};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct SlaArgs {
    /// A loaded database to sweep (it is migrated and written to: use a copy).
    #[arg(long, env = "GUICHET_DATABASE_URL")]
    database_url: Option<String>,
    /// Rules in the evaluated set.
    #[arg(long, default_value_t = 200)]
    rules: usize,
    /// Open tickets given SLA clocks.
    #[arg(long, default_value_t = 50_000)]
    open: usize,
    /// Sweeps measured with nothing due.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// First reopen (as `new`) the `--open` most recent tickets, when the load left fewer open.
    #[arg(long)]
    make_open: bool,
}

pub async fn run(a: SlaArgs) -> anyhow::Result<()> {
    evaluate_rules(a.rules)?;
    if let Some(url) = &a.database_url {
        sweep(url, a.open, a.runs, a.make_open).await?;
    }
    Ok(())
}

/// A rule set where no rule matches the ticket, so every rule is looked at.
fn rule_set(n: usize, mode: &str) -> anyhow::Result<RuleSet> {
    let rules: Vec<_> = (0..n)
        .map(|i| {
            let condition = match i % 5 {
                0 => json!({ "field": "text", "op": "contains_any",
                             "value": [format!("mot{i}"), "sauvegarde serveur"] }),
                1 => json!({ "field": "application", "op": "in", "value": [format!("APP{i}")] }),
                2 => json!({ "field": "establishment", "op": "within",
                             "value": [format!("/1/{}/", 1000 + i)] }),
                3 => json!({ "field": "subject", "op": "contains_all",
                             "value": [format!("panne{i} imprimante")] }),
                _ => json!({ "field": "channel", "op": "is", "value": "email" }),
            };
            json!({ "name": format!("Règle {i}"), "match": "all",
                    "conditions": [condition, { "field": "priority", "op": "at_least", "value": "low" }],
                    "actions": [{ "action": "set_group", "value": format!("G{i}") },
                                { "action": "add_tags", "value": [format!("t{i}")] }] })
        })
        .collect();
    Ok(RuleSet::from_json_value(
        &json!({ "mode": mode, "rules": rules }),
    )?)
}

fn evaluate_rules(n: usize) -> anyhow::Result<()> {
    let facts = TicketFacts {
        channel: Channel::Web,
        application: Some("ONDE".into()),
        ticket_type: TicketType::Incident,
        requester_roles: Vec::new(),
        establishment: OrgPath::from_stored("/1/4/17/230/"),
        subject: "Impossible d'enregistrer les admissions dans ONDE".into(),
        body: "Bonjour, depuis ce matin la validation des admissions échoue avec un message \
               d'erreur. Les parents attendent une réponse avant vendredi. Cordialement."
            .into(),
        mailbox: None,
        priority: Priority::Medium,
    };
    for mode in ["first_match", "apply_all"] {
        let set = rule_set(n, mode)?;
        let iterations = 2_000;
        let mut matched = 0;
        let start = Instant::now();
        for _ in 0..iterations {
            matched += routing::evaluate(&set, &facts, Trigger::Created)
                .matched
                .len();
        }
        let per = start.elapsed() / iterations;
        println!(
            "rules: {n} rules ({mode}, none matching: all evaluated): {:.1} µs per ticket ({matched} matches)",
            per.as_secs_f64() * 1e6
        );
    }
    Ok(())
}

fn target(clock: ClockState, due: Option<chrono::DateTime<Utc>>) -> TargetRow {
    TargetRow {
        clock,
        due,
        warn_at: due,
        breached: false,
        remaining_seconds: 3600,
        warned_at: None,
        breach_handled_at: None,
    }
}

async fn sweep(url: &str, open: usize, runs: usize, make_open: bool) -> anyhow::Result<()> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    store.migrate().await?;
    if make_open {
        store
            .execute_admin(&format!(
                "UPDATE ticket SET status = 'new', is_open = TRUE, assignee_id = NULL,
                    resolved_at = NULL, closed_at = NULL
                 WHERE id IN (SELECT id FROM ticket ORDER BY id DESC LIMIT {open})"
            ))
            .await?;
    }
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let admin = Caller::system("bench");
    let desk = store
        .query_strings("SELECT CAST(desk_id AS TEXT) FROM agent_group ORDER BY id LIMIT 1")
        .await?
        .first()
        .and_then(|r| r[0].parse().ok())
        .map(DeskId)
        .context("no group in the database")?;
    let all = json!(["00:00-24:00"]);
    let stamp = Utc::now().timestamp();
    let calendar = app
        .create_calendar(
            &admin,
            CalendarInput {
                code: format!("BENCH-{stamp}"),
                name: "24/7".into(),
                definition: json!({ "time_zone": "Europe/Paris", "territory": "metropole",
                    "observes_holidays": false, "hours": { "mon": all, "tue": all, "wed": all,
                    "thu": all, "fri": all, "sat": all, "sun": all } }),
            },
        )
        .await?;
    let policy = app
        .create_policy(
            &admin,
            PolicyInput {
                code: format!("BENCH-{stamp}"),
                name: "Bench".into(),
                desk,
                application: None,
                priority: None,
                calendar: calendar.id,
                take_in_charge_minutes: 60,
                resolve_minutes: 24 * 60,
                warn_percent: 80,
                breach_raise_priority: true,
                breach_next_level: true,
            },
        )
        .await?;
    let ids: Vec<TicketId> = store
        .query_strings(&format!(
            "SELECT CAST(id AS TEXT) FROM ticket WHERE is_open ORDER BY id DESC LIMIT {open}"
        ))
        .await?
        .iter()
        .filter_map(|r| r[0].parse().ok().map(TicketId))
        .collect();
    let total = store
        .query_strings("SELECT CAST(COUNT(*) AS TEXT) FROM ticket")
        .await?;
    let now = Utc::now();
    let batch = 500;
    let started = Instant::now();
    for chunk in ids.chunks(5_000) {
        let mut tx = store.write().await?;
        for (i, id) in chunk.iter().enumerate() {
            // All but one batch are checked later in the day; one batch is overdue.
            let due_now = usize::try_from(id.0).unwrap_or(0) % (ids.len() / batch).max(1) == 0;
            let (since, next) = if due_now {
                (now - Duration::hours(2), now - Duration::hours(1))
            } else {
                let m = i64::try_from(i % 1_440).unwrap_or(0) + 5;
                (now, now + Duration::minutes(m))
            };
            tx.put_ticket_sla(&TicketSla {
                ticket: *id,
                policy: policy.id,
                history: vec![StatusChange {
                    at: since,
                    status: Status::New,
                }],
                take_in_charge: target(ClockState::Running, Some(next)),
                resolve: target(ClockState::Running, Some(since + Duration::hours(24))),
                next_check_at: Some(next),
                computed_at: now,
            })
            .await?;
        }
        tx.commit().await?;
    }
    println!(
        "sweep: {} tickets in the database, {} open given clocks in {:.1} s",
        total.first().map(|r| r[0].as_str()).unwrap_or("?"),
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let report = app.sla_sweep().await?;
    let took = start.elapsed();
    println!(
        "sweep: a run with {} due: {:.0} ms ({:.2} ms per ticket; {} warned, {} breached and escalated, {} failed)",
        report.checked,
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e3 / report.checked.max(1) as f64,
        report.warned,
        report.breached,
        report.failed
    );
    // More than one batch may be due when ids are dense: drain them before timing idle runs.
    while app.sla_sweep().await?.checked > 0 {}
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let report = app.sla_sweep().await?;
        times.push(start.elapsed());
        anyhow::ensure!(report.checked == 0, "a second sweep found work: {report:?}");
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "sweep: a run with nothing due ({runs} runs): p50 {:.2} ms, max {:.2} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    Ok(())
}
