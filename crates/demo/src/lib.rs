//! Demo and benchmark data that looks like a real académie: the "Académie de Dijon" with its four
//! départements, about forty circonscriptions and 1,800 establishments with valid UAI codes,
//! their directors, heads, teachers and inspectors, the desks (DSI, DSDEN, Région, a vendor)
//! with their groups and agents, the applications, and tens of thousands of tickets over two
//! school years with the seasons of a real desk.
//!
//! Everything is drawn from a seeded generator: the same seed on an empty database gives the
//! same data. Reference data is written through the store's ordinary inserts, tickets through
//! [`guichet_store::Store::bulk_insert_tickets`] in batches, so memory stays bounded whatever the
//! number of tickets.

#![forbid(unsafe_code)]

mod desks;
mod history;
mod names;
mod org;
mod people;
mod phrases;
mod places;
mod reference;
mod season;
mod templates;
mod text;
mod tickets;

pub use people::DEMO_PASSWORD;

use chrono::{DateTime, Duration, Utc};
use guichet_core::org::OrgKind;
use guichet_store::Store;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::Instant;

/// Tickets generated between two progress reports.
const BATCH: usize = 5_000;

/// What to load.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How many tickets to generate.
    pub tickets: usize,
    /// The same seed on an empty database gives the same data.
    pub seed: u64,
    /// The end of the history: no ticket is created, and no event happens, after it.
    pub now: DateTime<Utc>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            tickets: 50_000,
            seed: 42,
            now: Utc::now(),
        }
    }
}

/// A demo account with a known password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// `director`, `teacher`, `ien`, `dasen`, `agent_n1`, `agent_n2` or `admin`.
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

/// What [`load`] did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Establishments written by this call (0 when the data was already there).
    pub establishments: usize,
    /// People written by this call, agents included.
    pub persons: usize,
    /// Agents (members of a desk's group) written by this call.
    pub agents: usize,
    /// Tickets written by this call.
    pub tickets: usize,
    /// The demo accounts, whether or not this call created them.
    pub logins: Vec<DemoLogin>,
    /// True when an académie already existed and nothing was loaded.
    pub already_loaded: bool,
}

/// The demo accounts and their password.
pub fn demo_logins() -> Vec<DemoLogin> {
    people::DEMO_LOGINS
        .iter()
        .map(|(role, email, _)| DemoLogin {
            role,
            email: (*email).to_owned(),
            password: DEMO_PASSWORD.to_owned(),
        })
        .collect()
}

/// Loads the demo data; idempotent: if the académie already exists (e.g. an org node of kind
/// academie), loads nothing and returns `already_loaded = true` with the same logins.
pub async fn load(store: &Store, opts: &DemoOptions) -> anyhow::Result<DemoReport> {
    let existing = store
        .read()
        .await?
        .list_org_nodes(Some(OrgKind::Academie), None, None, None, 1)
        .await?;
    if !existing.is_empty() {
        tracing::info!("an académie exists already: demo data not loaded");
        return Ok(DemoReport {
            establishments: 0,
            persons: 0,
            agents: 0,
            tickets: 0,
            logins: demo_logins(),
            already_loaded: true,
        });
    }

    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let plan = org::plan(&mut rng);
    // The directory predates the history it is the reference of.
    let since = season::paris_to_utc(season::window_start(opts.now), 8, 0) - Duration::days(7);
    let mut tx = store.write().await?;
    let tree = org::write(&mut tx, &plan, since).await?;
    let academie = tree.academie.expect("org::write writes the académie");
    let groups = desks::write(&mut tx, academie, &tree.departements, since).await?;
    let people = people::write(&mut tx, &mut rng, &tree, &groups, since).await?;
    tx.commit().await?;
    tracing::info!(
        establishments = tree.establishments.len(),
        persons = people.persons,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo reference data loaded"
    );

    let tickets = load_tickets(store, opts.tickets, opts.seed, opts.now, |_| {}).await?;
    Ok(DemoReport {
        establishments: tree.establishments.len(),
        persons: people.persons,
        agents: people.agents,
        tickets,
        logins: demo_logins(),
        already_loaded: false,
    })
}

/// Only more tickets on top of already-loaded reference data (for the 1M-ticket benchmark):
/// generates `count` tickets with the same generator, in batches, calling `progress(done)` after
/// each batch. Tickets spread over the same two school years up to `now`, in creation order
/// within this call. Refreshes the planner's statistics at the end.
pub async fn load_tickets(
    store: &Store,
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<usize> {
    if count == 0 {
        return Ok(0);
    }
    let started = Instant::now();
    let world = reference::World::read(store).await?;
    let calendar = season::Calendar::build(now, &mut StdRng::seed_from_u64(seed ^ 0x5EA5_0115));
    let mut generator = tickets::Generator::new(&world, seed, now)?;
    let mut batch = Vec::with_capacity(BATCH + 1_000);
    let mut done = 0;
    for (slot, n) in calendar.allocate(count) {
        generator.fill(slot, n, &mut batch);
        if batch.len() >= BATCH {
            done += insert(store, &world, &batch).await?;
            batch.clear();
            progress(done);
        }
    }
    if !batch.is_empty() {
        done += insert(store, &world, &batch).await?;
        progress(done);
    }
    store.analyze().await?;
    tracing::info!(
        tickets = done,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo tickets loaded"
    );
    Ok(done)
}

/// Writes a batch through the bulk loader, in transactions of a size that suits the engine.
///
/// On SQLite the loader's multi-row statements bind thousands of parameters, and binding costs
/// grow with the square of their number (sqlx asks SQLite for each parameter's name, a linear
/// lookup); small calls keep each statement short.
async fn insert(
    store: &Store,
    world: &reference::World,
    batch: &[guichet_store::bulk::BulkTicket],
) -> anyhow::Result<usize> {
    // One transaction per thousand tickets: big enough to amortise commits, small enough to let
    // a running server's writers in between.
    let mut done = 0;
    for chunk in batch.chunks(1_000) {
        done += store.bulk_insert_tickets(&world.zones, chunk).await?;
    }
    Ok(done)
}
