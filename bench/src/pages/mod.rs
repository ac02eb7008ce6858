//! `guichet-bench pages`: the page benchmark of issue 3. Concurrent signed-in people (agents
//! of the desks' groups and school directors, chosen by `page-users`) open the pages they use
//! every day on a running `guichet serve`: the agent's group queue (newest first, its next page,
//! filtered to the unassigned tickets, by priority) and ticket page, the requester portal's home
//! and request page. Each page is timed at the client over loopback, from sending the request
//! to the last byte of the HTML: the server's time plus a loopback round trip.
//!
//! Every person signs in once through the real sign-in form. Between pages each waits a think
//! time (uniform between 0 and twice `--think-ms`; 0 = back to back, a saturation test).

mod browse;
pub mod users;

use crate::latency::Latencies;
use crate::procfs::{Busy, Cpu, Memory, Sampler, cores};
use anyhow::{Context, bail};
use reqwest::Client;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `pages` measures.
#[derive(Debug, Clone, clap::Args)]
pub struct PagesArgs {
    /// The server, on loopback: `http://127.0.0.1:PORT`.
    #[arg(long)]
    pub url: String,
    /// The file `page-users` wrote.
    #[arg(long)]
    pub users: PathBuf,
    /// Their password (`page-users` sets the demo one).
    #[arg(long, default_value = guichet_demo::DEMO_PASSWORD)]
    pub password: String,
    /// People browsing at the same time (taken from the file in turn).
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// Mean think time between two pages of one person, in ms (0: back to back).
    #[arg(long, default_value_t = 1000)]
    pub think_ms: u64,
    /// Unmeasured seconds first (caches, connections).
    #[arg(long, default_value_t = 10)]
    pub warmup_secs: u64,
    /// Measured seconds.
    #[arg(long, default_value_t = 60)]
    pub secs: u64,
    /// The server's process id, for its CPU and memory.
    #[arg(long)]
    pub pid: Option<u32>,
    /// The p99 every page kind must stay under, in ms.
    #[arg(long, default_value_t = 50.0)]
    pub target_p99_ms: f64,
    /// A label for the summary lines (e.g. `think=1s`).
    #[arg(long, default_value = "")]
    pub label: String,
}

/// Signs everyone in, lets them browse, prints one line per page kind and the verdict.
pub async fn run(args: PagesArgs) -> anyhow::Result<()> {
    let base = crate::run::base_url(&args.url)?;
    let people = users::read(&args.users)?;
    if people.is_empty() {
        bail!("{}: no users", args.users.display());
    }
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1024)
        .build()
        .context("building the HTTP client")?;
    let chosen: Vec<users::User> = (0..args.concurrency)
        .map(|i| people[i % people.len()].clone())
        .collect();
    let signing = Instant::now();
    let mut cookies = Vec::with_capacity(chosen.len());
    for u in &chosen {
        cookies.push(browse::sign_in(&client, &base, &u.email, &args.password).await?);
    }
    let agents = chosen.iter().filter(|u| u.agent).count();
    let label = if args.label.is_empty() {
        String::new()
    } else {
        format!(" {}", args.label)
    };
    println!(
        "(p) pages{label}: {} people signed in through /sign-in ({agents} agents, {} directors, {} distinct) in {:.1}s; think time {} ms mean; warm-up {} s, measured {} s; {}",
        chosen.len(),
        chosen.len() - agents,
        people.len().min(chosen.len()),
        signing.elapsed().as_secs_f64(),
        args.think_ms,
        args.warmup_secs,
        args.secs,
        Busy::now()
    );

    let measure_from = Instant::now() + Duration::from_secs(args.warmup_secs);
    let until = measure_from + Duration::from_secs(args.secs);
    let think = Duration::from_millis(args.think_ms);
    let mut tasks = Vec::new();
    for (i, (u, cookie)) in chosen.into_iter().zip(cookies).enumerate() {
        let client = client.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            browse::browse(
                &client,
                &base,
                &u,
                &cookie,
                think,
                i as u64 + 1,
                (measure_from, until),
            )
            .await
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu = Cpu::now(args.pid);
    let sampler = Sampler::start();
    let mut all: BTreeMap<&'static str, Latencies> = BTreeMap::new();
    let (mut errors, mut sample) = (0, None);
    for t in tasks {
        let o = t.await.context("a browsing task panicked")?;
        for (k, l) in o.latencies {
            all.entry(k).or_default().merge(l);
        }
        errors += o.errors;
        sample = sample.or(o.error_sample);
    }
    let seen = sampler.finish().await;
    let cpu_after = Cpu::now(args.pid);
    let total: usize = all.values().map(Latencies::len).sum();
    println!(
        "(p) pages{label}: {total} pages in {} s -> {:.1} pages/s; {errors} errors{}; {}",
        args.secs,
        total as f64 / args.secs as f64,
        sample.map(|e| format!(" (e.g. {e})")).unwrap_or_default(),
        Busy::now()
    );
    println!("    {}", cpu.report(&cpu_after, total, "page", cores()));
    if seen.0 > 0 {
        println!(
            "    noisy: a compiler ran in {} of {} samples",
            seen.0, seen.1
        );
    }
    let mut worst = Duration::ZERO;
    for kind in browse::KINDS {
        let Some(l) = all.remove(kind) else {
            continue;
        };
        let s = l.summary();
        worst = worst.max(s.p99);
        println!("(p) page {kind}{label}: {s}");
    }
    if let Some(pid) = args.pid
        && let Ok(m) = Memory::read(pid)
    {
        println!("(p) memory of guichet serve after the pages: {m}");
    }
    let met = worst.as_secs_f64() * 1000.0 <= args.target_p99_ms && errors == 0;
    println!(
        "(p) verdict pages{label}: worst p99 {} (target <= {} ms), {errors} errors: {}",
        crate::latency::ms(worst),
        args.target_p99_ms,
        if met { "MET" } else { "NOT MET" }
    );
    Ok(())
}
