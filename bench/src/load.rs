//! `guichet-bench load` and `guichet-bench info`: fill a fresh database with the demo académie and
//! a million tickets, then tell the HTTP run what to ask for (the busiest school, the size of a
//! group's queue).

use anyhow::{Context, bail};
use chrono::Utc;
use guichet_store::{Engine, Store, StoreOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `load` needs.
#[derive(Debug, Clone)]
pub struct LoadArgs {
    pub database_url: String,
    pub tickets: usize,
    pub demo_tickets: usize,
    pub seed: u64,
    pub recreate: bool,
}

/// The SQLite file a `sqlite:` URL names, if it is one.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

/// Starts from nothing: deletes the SQLite file (and its WAL), or drops and creates the
/// PostgreSQL database through the server's `postgres` maintenance database.
pub(crate) async fn recreate(url: &str) -> anyhow::Result<()> {
    if let Some(path) = sqlite_path(url) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => eprintln!("removed {}", PathBuf::from(&p).display()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("removing {p:?}")),
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        return Ok(());
    }
    let mut maintenance = reqwest::Url::parse(url).context("parsing the PostgreSQL URL")?;
    let name = maintenance.path().trim_start_matches('/').to_owned();
    if name.is_empty()
        || name == "postgres"
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        bail!(
            "--recreate drops the database named in the URL: it must be a dedicated one, named in [a-z0-9_] and not `postgres` (got {name:?})"
        );
    }
    maintenance.set_path("/postgres");
    let admin = Store::connect(maintenance.as_str(), &StoreOptions::default())
        .await
        .context("connecting to the `postgres` maintenance database")?;
    admin
        .execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .with_context(|| format!("dropping database {name}"))?;
    admin
        .execute_admin(&format!("CREATE DATABASE {name}"))
        .await
        .with_context(|| format!("creating database {name}"))?;
    admin.close().await;
    eprintln!("database {name} dropped and created");
    Ok(())
}

/// One number from a `SELECT CAST(… AS TEXT)`.
async fn scalar(store: &Store, sql: &str) -> anyhow::Result<String> {
    let rows = store
        .query_strings(sql)
        .await
        .with_context(|| format!("running {sql}"))?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or_default())
}

async fn size(store: &Store, url: &str) -> String {
    match store.engine() {
        Engine::Sqlite => {
            let Some(path) = sqlite_path(url) else {
                return "?".into();
            };
            let len = |suffix: &str| {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)
            };
            format!(
                "{:.0} MiB (+ WAL {:.0} MiB)",
                len("") as f64 / 1_048_576.0,
                len("-wal") as f64 / 1_048_576.0
            )
        }
        Engine::Postgres => scalar(
            store,
            "SELECT pg_size_pretty(pg_database_size(current_database()))",
        )
        .await
        .unwrap_or_else(|e| format!("? ({e})")),
    }
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

/// Loads a fresh database; prints progress on stderr and a summary on stdout.
pub async fn load(args: &LoadArgs) -> anyhow::Result<()> {
    if args.recreate {
        recreate(&args.database_url).await?;
    } else if let Some(path) = sqlite_path(&args.database_url)
        && path.exists()
    {
        bail!(
            "{} exists: the benchmark loads a fresh database (pass --recreate to delete it)",
            path.display()
        );
    }
    let store = Store::connect(&args.database_url, &StoreOptions::default())
        .await
        .context("opening the database")?;
    let applied = store.migrate().await.context("migrating")?;
    let existing: u64 = scalar(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket")
        .await?
        .parse()
        .unwrap_or(0);
    let nodes: u64 = scalar(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM org_node")
        .await?
        .parse()
        .unwrap_or(0);
    if existing > 0 || nodes > 0 {
        bail!(
            "the database is not fresh ({existing} tickets, {nodes} org nodes): pass --recreate, or name a new database"
        );
    }
    let engine = match store.engine() {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    };
    eprintln!(
        "{engine}: {applied} migrations applied; loading {} tickets",
        args.tickets
    );

    let now = Utc::now();
    let started = Instant::now();
    let demo_tickets = args.demo_tickets.min(args.tickets);
    let opts = guichet_demo::DemoOptions {
        tickets: demo_tickets,
        seed: args.seed,
        now,
    };
    let report = guichet_demo::load(&store, &opts)
        .await
        .context("loading the demo data")?;
    let demo_time = started.elapsed();
    eprintln!(
        "demo: {} establishments, {} people ({} agents), {} tickets in {:.1}s",
        report.establishments,
        report.persons,
        report.agents,
        report.tickets,
        demo_time.as_secs_f64()
    );

    let rest = args.tickets.saturating_sub(report.tickets);
    let bulk_started = Instant::now();
    let mut last_print = Instant::now();
    let mut last_done = 0usize;
    let total = args.tickets;
    let base = report.tickets;
    let added = guichet_demo::load_tickets(&store, rest, args.seed.wrapping_add(1), now, |done| {
        if last_print.elapsed() >= Duration::from_secs(10) || done == rest {
            let since = last_print.elapsed();
            eprintln!(
                "  {:>9} / {} tickets, {:.0} s, {:.0} tickets/s overall, {:.0} tickets/s lately",
                base + done,
                total,
                bulk_started.elapsed().as_secs_f64(),
                rate(done, bulk_started.elapsed()),
                rate(done - last_done, since)
            );
            last_print = Instant::now();
            last_done = done;
        }
    })
    .await
    .context("loading the tickets")?;
    let bulk_time = bulk_started.elapsed();

    let analyze_started = Instant::now();
    store.analyze().await.context("ANALYZE")?;
    if store.engine() == Engine::Postgres {
        // Sets the visibility map (index-only scans) now rather than whenever autovacuum
        // gets to it, so that runs start from the same state.
        store
            .execute_admin("VACUUM (ANALYZE)")
            .await
            .context("VACUUM")?;
    }
    let analyze_time = analyze_started.elapsed();
    let total_time = started.elapsed();

    let tickets: u64 = scalar(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket")
        .await?
        .parse()
        .unwrap_or(0);
    let entries = scalar(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket_entry").await?;
    let size = size(&store, &args.database_url).await;
    store.close().await;

    let loaded = report.tickets + added;
    println!(
        "load [{engine}]: {loaded} tickets ({} with the reference data, {added} in bulk) in {:.1}s -> {:.0} tickets/s; bulk alone {:.0} tickets/s; then {} in {:.1}s",
        report.tickets,
        total_time.as_secs_f64(),
        rate(loaded, total_time),
        rate(added, bulk_time),
        if engine == "PostgreSQL" {
            "ANALYZE + VACUUM"
        } else {
            "ANALYZE"
        },
        analyze_time.as_secs_f64()
    );
    println!(
        "database [{engine}]: {tickets} tickets, {entries} timeline entries, {} establishments, {} people; size {size}",
        report.establishments, report.persons
    );
    if tickets != loaded as u64 {
        bail!("{loaded} tickets loaded but {tickets} in the database");
    }
    Ok(())
}

/// Prints `KEY=value` lines for the driver script: the busiest school, the size of the DSI-N1
/// open queue, and a handful of schools to file new tickets for.
pub async fn info(database_url: &str, group: &str) -> anyhow::Result<()> {
    let store = Store::connect(database_url, &StoreOptions::default())
        .await
        .context("opening the database")?;
    let tickets = scalar(&store, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await?;
    let busiest = store
        .query_strings(
            "SELECT o.uai, CAST(COUNT(*) AS TEXT) FROM ticket t JOIN org_node o ON o.id = t.establishment_id \
             WHERE o.uai IS NOT NULL GROUP BY o.uai ORDER BY COUNT(*) DESC, o.uai LIMIT 1",
        )
        .await?;
    let (uai, count) = match busiest.first().map(Vec::as_slice) {
        Some([uai, count]) => (uai.clone(), count.clone()),
        _ => bail!("no ticket names an establishment: is the database loaded?"),
    };
    if !group
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("invalid group code {group:?}");
    }
    let open = scalar(
        &store,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM ticket t JOIN agent_group g ON g.id = t.group_id \
             WHERE g.code = '{group}' AND t.is_open"
        ),
    )
    .await?;
    let open_all = scalar(
        &store,
        "SELECT CAST(COUNT(*) AS TEXT) FROM ticket t WHERE t.is_open",
    )
    .await?;
    // Schools spread over the académie, for the tickets the run files.
    let schools = store
        .query_strings(
            "SELECT o.uai FROM org_node o WHERE o.kind = 'etablissement' AND o.uai IS NOT NULL \
             ORDER BY o.id",
        )
        .await?;
    let step = (schools.len() / 24).max(1);
    let spread: Vec<String> = schools
        .iter()
        .step_by(step)
        .filter_map(|r| r.first().cloned())
        .take(24)
        .collect();
    store.close().await;
    println!("TICKETS={tickets}");
    println!("OPEN_TICKETS={open_all}");
    println!("BUSIEST_UAI={uai}");
    println!("BUSIEST_COUNT={count}");
    println!("GROUP={group}");
    println!("GROUP_OPEN={open}");
    println!("CREATE_UAIS={}", spread.join(","));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite:///tmp/x/b.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x/b.db"))
        );
        assert_eq!(sqlite_path("sqlite:b.db"), Some(PathBuf::from("b.db")));
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }
}
