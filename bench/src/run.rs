//! `guichet-bench run`: the measurements against a running `guichet serve`, over plain HTTP on
//! loopback: list and search latencies (sequential, after a warm-up, first page and the page
//! after it), ticket creation with N concurrent clients, and the server's resident memory.
//!
//! Every loop is bounded by a count and by a deadline. Summary lines go to stdout, in a stable
//! format the driver script appends to `bench/results/`; progress goes to stderr.

use crate::latency::{Latencies, Summary, ms};
use crate::procfs::{Busy, Cpu, Memory, Sampler, cores, mib};
use anyhow::{Context, bail};
use reqwest::{Client, StatusCode, Url};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod create;
mod lists;

use create::*;
use lists::*;

/// What `run` measures, and against what.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The server, on loopback: `http://127.0.0.1:PORT`.
    #[arg(long)]
    pub url: String,
    /// An administrator's API token: sees every ticket, may file for any school.
    #[arg(long, env = "BENCH_TOKEN", hide_env_values = true)]
    pub token: String,
    /// A first-level agent's API token (adds the lists as the desk sees them).
    #[arg(long, env = "BENCH_AGENT_TOKEN", hide_env_values = true)]
    pub agent_token: Option<String>,
    /// The server's process id, for its memory (VmRSS, VmHWM).
    #[arg(long)]
    pub pid: Option<u32>,
    /// Phases, in order: lists, create.
    #[arg(long, default_value = "lists,create", value_delimiter = ',')]
    pub phases: Vec<String>,
    /// Concurrent clients for creation, one run each.
    #[arg(long, default_value = "32,2", value_delimiter = ',')]
    pub concurrency: Vec<usize>,
    /// Tickets created per concurrency.
    #[arg(long, default_value_t = 20_000)]
    pub create_count: usize,
    /// Tickets created first, not measured.
    #[arg(long, default_value_t = 500)]
    pub create_warmup: usize,
    /// Longest a phase (or one creation run) may take, in seconds.
    #[arg(long, default_value_t = 600)]
    pub max_secs: u64,
    /// Applications the new tickets are about, in turn.
    #[arg(
        long,
        default_value = "LSUN,ONDE,ENT,MESSAGERIE,MATERIEL",
        value_delimiter = ','
    )]
    pub applications: Vec<String>,
    /// Schools (UAI) the new tickets are filed for, in turn.
    #[arg(long, default_value = "", value_delimiter = ',')]
    pub create_uais: Vec<String>,
    /// The group whose open queue is listed.
    #[arg(long, default_value = "DSI-N1")]
    pub group: String,
    /// The school (UAI) whose tickets are listed.
    #[arg(long)]
    pub establishment: Option<String>,
    /// Words searched, one list each: two frequent ones (4-5% of the tickets), a rarer one
    /// (0.75%), a commune's name (0.1%) and a word no ticket has.
    #[arg(
        long,
        default_value = "imprimante,connexion,sauvegarde,meursault,xylophone",
        value_delimiter = ','
    )]
    pub words: Vec<String>,
    /// Measured runs of each list.
    #[arg(long, default_value_t = 200)]
    pub list_reps: usize,
    /// Unmeasured runs first.
    #[arg(long, default_value_t = 20)]
    pub list_warmup: usize,
    /// Page size.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Longest one list (both pages, warm-up included) may take, in seconds.
    #[arg(long, default_value_t = 60)]
    pub list_max_secs: u64,
    /// RT 5's REST2 creation rate on this machine (tickets/s), for the ratio.
    #[arg(long)]
    pub rt_rest_rate: Option<f64>,
    /// Tickets/s the best creation run must reach.
    #[arg(long, default_value_t = 2000.0)]
    pub target_create: f64,
    /// How many times RT's rate the best creation run must reach.
    #[arg(long, default_value_t = 500.0)]
    pub target_ratio: f64,
    /// The p99 every list must stay under, in ms.
    #[arg(long, default_value_t = 50.0)]
    pub target_p99_ms: f64,
    /// The server's peak resident memory must stay under this, in MiB.
    #[arg(long, default_value_t = 150.0)]
    pub target_rss_mib: f64,
}

/// Values of a comma-separated option, trimmed, empty ones dropped.
fn clean(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

impl RunArgs {
    /// Drops empty values (`--create-uais ""`) and empty tokens.
    pub fn cleaned(self) -> Self {
        Self {
            agent_token: self.agent_token.filter(|t| !t.trim().is_empty()),
            establishment: self.establishment.filter(|e| !e.trim().is_empty()),
            phases: clean(self.phases),
            applications: clean(self.applications),
            create_uais: clean(self.create_uais),
            words: clean(self.words),
            ..self
        }
    }
}

/// Only loopback: the benchmark never sends traffic elsewhere.
pub(crate) fn base_url(url: &str) -> anyhow::Result<Url> {
    let u = Url::parse(url).with_context(|| format!("parsing {url}"))?;
    match u.host_str() {
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1") if u.scheme() == "http" => Ok(u),
        _ => bail!("--url must be http:// on loopback (127.0.0.1), got {url}"),
    }
}

fn line(out: &mut Vec<String>, s: String) {
    println!("{s}");
    out.push(s);
}

fn memory_line(out: &mut Vec<String>, pid: Option<u32>, when: &str) -> Option<Memory> {
    let pid = pid?;
    match Memory::read(pid) {
        Ok(m) => {
            line(
                out,
                format!("(c) memory of guichet serve (pid {pid}) {when}: {m}"),
            );
            Some(m)
        }
        Err(e) => {
            line(out, format!("(c) memory {when}: unavailable ({e})"));
            None
        }
    }
}

/// Waits until `GET /readyz` answers 200, at most `timeout`.
pub async fn wait_ready(url: &str, timeout: Duration) -> anyhow::Result<()> {
    let base = base_url(url)?;
    let ready = base.join("/readyz")?;
    let client = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .context("building the HTTP client")?;
    let started = Instant::now();
    loop {
        match client.get(ready.clone()).send().await {
            Ok(r) if r.status() == StatusCode::OK => {
                eprintln!("ready after {:.1}s", started.elapsed().as_secs_f64());
                return Ok(());
            }
            Ok(_) | Err(_) if started.elapsed() < timeout => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(r) => bail!("{ready} still answers {} after {timeout:?}", r.status()),
            Err(e) => bail!("{ready} does not answer after {timeout:?}: {e}"),
        }
    }
}

/// Why a measurement was disturbed, if it was: a compiler seen by the sampler, or other
/// processes taking more than a quarter of a core on average.
fn noise((seen, samples): (usize, usize), others: f64) -> Option<String> {
    let mut why = Vec::new();
    if seen > 0 {
        why.push(format!("a compiler ran in {seen} of {samples} samples"));
    }
    if others > 0.25 {
        why.push(format!("other processes used {others:.2} cores on average"));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// Runs the phases and prints the summary and the verdict on the targets.
pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let args = args.cleaned();
    let base = base_url(&args.url)?;
    let client = Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(1024)
        .build()
        .context("building the HTTP client")?;
    let args = Arc::new(args);
    let mut out = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut noisy = Vec::new();

    line(&mut out, format!("run against {} ({})", base, Busy::now()));
    let mem_before = memory_line(&mut out, args.pid, "before");
    let mut worst_p99: Option<(Duration, String)> = None;
    let mut best_rate: Option<(f64, usize)> = None;
    let mut create_errors = 0usize;

    for phase in &args.phases {
        match phase.as_str() {
            "lists" => {
                let busy = Busy::now();
                eprintln!("(b) lists: {busy}");
                let phase_deadline = Instant::now() + Duration::from_secs(args.max_secs);
                for case in list_cases(&args) {
                    // Each list gets its own budget, so one slow list cannot starve the others.
                    let deadline = (Instant::now() + Duration::from_secs(args.list_max_secs))
                        .min(phase_deadline);
                    let token = if case.agent {
                        args.agent_token.as_deref().unwrap_or(&args.token)
                    } else {
                        &args.token
                    };
                    let cpu = Cpu::now(args.pid);
                    let sampler = Sampler::start();
                    let r = measure_list(&client, &base, token, &case, &args, deadline).await?;
                    let seen = sampler.finish().await;
                    let cpu_after = Cpu::now(args.pid);
                    let requests = r.first.n + r.second.map_or(0, |(s, _)| s.n);
                    let cpu_line = cpu.report(&cpu_after, requests, "request", cores());
                    if let Some(n) = noise(seen, cpu.others(&cpu_after, cores())) {
                        noisy.push(format!("list {}: {n}", case.name));
                    }
                    let mut pages = vec![("page 1", r.first, r.items)];
                    if let Some((s, n)) = r.second {
                        pages.push(("page 2", s, n));
                    }
                    for (page, s, items) in pages {
                        line(
                            &mut out,
                            format!(
                                "(b) list {} {page}: {s}; items={items}; errors={}{}",
                                case.name,
                                r.errors,
                                if s.n < args.list_reps {
                                    format!(
                                        " (cut at {}s: {} of {} runs)",
                                        args.list_max_secs, s.n, args.list_reps
                                    )
                                } else {
                                    String::new()
                                }
                            ),
                        );
                        let name = format!("{} {page}", case.name);
                        if worst_p99.as_ref().is_none_or(|(w, _)| s.p99 > *w) {
                            worst_p99 = Some((s.p99, name.clone()));
                        }
                        if s.p99.as_secs_f64() * 1000.0 > args.target_p99_ms {
                            failures.push(format!(
                                "list {name}: p99 {} > {} ms",
                                ms(s.p99),
                                args.target_p99_ms
                            ));
                        }
                        if s.n < args.list_reps {
                            failures.push(format!(
                                "list {name}: only {} of {} runs before the deadline",
                                s.n, args.list_reps
                            ));
                        }
                    }
                    line(&mut out, format!("    {cpu_line}"));
                    if r.errors > 0 {
                        failures.push(format!(
                            "list {}: {} errors, e.g. {}",
                            case.name,
                            r.errors,
                            r.error_sample.unwrap_or_default()
                        ));
                    }
                }
                memory_line(&mut out, args.pid, "after the lists");
            }
            "create" => {
                let run_id = chrono::Utc::now().format("B%H%M%S").to_string();
                if args.create_warmup > 0 {
                    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
                    let conc = args.concurrency.first().copied().unwrap_or(1);
                    let w = create(
                        &client,
                        &base,
                        &args,
                        conc,
                        args.create_warmup,
                        &format!("{run_id}w"),
                        deadline,
                    )
                    .await?;
                    eprintln!(
                        "(a) warm-up: {} created, {} errors{}",
                        w.ok,
                        w.errors,
                        w.error_sample
                            .first()
                            .map(|e| format!(", e.g. {e}"))
                            .unwrap_or_default()
                    );
                    create_errors += w.errors;
                }
                for (k, &conc) in args.concurrency.iter().enumerate() {
                    let busy = Busy::now();
                    eprintln!(
                        "(a) creating {} tickets with {conc} clients: {busy}",
                        args.create_count
                    );
                    let deadline = Instant::now() + Duration::from_secs(args.max_secs);
                    let cpu = Cpu::now(args.pid);
                    let sampler = Sampler::start();
                    let r = create(
                        &client,
                        &base,
                        &args,
                        conc,
                        args.create_count,
                        &format!("{run_id}c{k}"),
                        deadline,
                    )
                    .await?;
                    let seen = sampler.finish().await;
                    let cpu_after = Cpu::now(args.pid);
                    let cpu_line = cpu.report(&cpu_after, r.ok, "ticket", cores());
                    if let Some(n) = noise(seen, cpu.others(&cpu_after, cores())) {
                        noisy.push(format!("create c={conc}: {n}"));
                    }
                    let after = Busy::now();
                    let rate = r.ok as f64 / r.elapsed.as_secs_f64().max(1e-9);
                    let s = r.latencies.summary();
                    line(
                        &mut out,
                        format!(
                            "(a) create POST /api/v1/tickets concurrency={conc}: {} ok / {} errors in {:.1}s -> {rate:.1} tickets/s; latency {s}; machine before: {busy}, after: {after}",
                            r.ok,
                            r.errors,
                            r.elapsed.as_secs_f64()
                        ),
                    );
                    line(&mut out, format!("    {cpu_line}"));
                    for e in &r.error_sample {
                        line(&mut out, format!("    error: {e}"));
                    }
                    create_errors += r.errors;
                    if r.ok + r.errors < args.create_count {
                        failures.push(format!(
                            "create c={conc}: stopped at the deadline after {} of {} requests",
                            r.ok + r.errors,
                            args.create_count
                        ));
                    }
                    if best_rate.is_none_or(|(b, _)| rate > b) {
                        best_rate = Some((rate, conc));
                    }
                    memory_line(&mut out, args.pid, &format!("after creation c={conc}"));
                }
            }
            other => bail!("unknown phase {other:?} (lists, create)"),
        }
    }
    let mem_after = memory_line(&mut out, args.pid, "at the end");

    // The verdict.
    line(&mut out, "targets:".into());
    if let Some((rate, conc)) = best_rate {
        let ok = rate >= args.target_create;
        line(
            &mut out,
            format!(
                "  creation {rate:.0} tickets/s (best, c={conc}) >= {:.0}: {}",
                args.target_create,
                if ok { "MET" } else { "NOT MET" }
            ),
        );
        if !ok {
            failures.push(format!(
                "creation {rate:.0} tickets/s < {}",
                args.target_create
            ));
        }
        if let Some(rt) = args.rt_rest_rate.filter(|r| *r > 0.0) {
            let ratio = rate / rt;
            let ok = ratio >= args.target_ratio;
            line(
                &mut out,
                format!(
                    "  creation vs RT5 REST2 ({rt:.2} tickets/s): x{ratio:.0} >= x{:.0}: {}",
                    args.target_ratio,
                    if ok { "MET" } else { "NOT MET" }
                ),
            );
            if !ok {
                failures.push(format!("x{ratio:.0} RT5's rate < x{}", args.target_ratio));
            }
        }
        let ok = create_errors == 0;
        line(
            &mut out,
            format!(
                "  creation errors {create_errors} == 0: {}",
                if ok { "MET" } else { "NOT MET" }
            ),
        );
    }
    if let Some((p99, name)) = &worst_p99 {
        let ok = p99.as_secs_f64() * 1000.0 <= args.target_p99_ms;
        line(
            &mut out,
            format!(
                "  worst list p99 {} ({name}) <= {} ms: {}",
                ms(*p99),
                args.target_p99_ms,
                if ok { "MET" } else { "NOT MET" }
            ),
        );
    }
    if let (Some(before), Some(after)) = (mem_before, mem_after) {
        let peak = before.hwm_kib.max(after.hwm_kib).max(after.rss_kib);
        let ok = peak as f64 / 1024.0 <= args.target_rss_mib;
        line(
            &mut out,
            format!(
                "  guichet serve peak RSS (VmHWM) {} <= {} MiB: {}",
                mib(peak),
                args.target_rss_mib,
                if ok { "MET" } else { "NOT MET" }
            ),
        );
        if !ok {
            failures.push(format!("peak RSS {}", mib(peak)));
        }
    }
    if noisy.is_empty() {
        line(
            &mut out,
            format!(
                "quiet: no compiler seen and other processes under 0.25 core during every measurement ({})",
                Busy::now()
            ),
        );
    } else {
        for n in &noisy {
            line(&mut out, format!("NOISY: {n}"));
        }
    }
    for f in &failures {
        eprintln!("not met: {f}");
    }
    if create_errors > 0 {
        bail!("{create_errors} creation requests failed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        assert!(base_url("http://127.0.0.1:8080").is_ok());
        assert!(base_url("http://localhost:1").is_ok());
        assert!(base_url("http://example.org").is_err());
        assert!(base_url("https://127.0.0.1:8080").is_err());
    }

    #[test]
    fn bodies_vary_and_name_the_school() {
        let uais = vec!["0210001A".to_owned(), "0580002B".to_owned()];
        let apps = vec!["LSUN".to_owned()];
        let a = ticket_body(0, "r", &apps, &uais);
        let b = ticket_body(4, "r", &apps, &uais);
        assert_ne!(a["subject"], b["subject"]);
        assert_eq!(a["application"], "LSUN");
        assert_eq!(a["establishment"], "0210001A");
        assert_eq!(b["establishment"], "0580002B");
        let none = ticket_body(1, "r", &[], &[]);
        assert!(none.get("establishment").is_none());
        assert!(none.get("application").is_none());
    }

    #[test]
    fn noise_reasons() {
        assert_eq!(noise((0, 10), 0.1), None);
        assert_eq!(
            noise((2, 10), 0.5).as_deref(),
            Some("a compiler ran in 2 of 10 samples; other processes used 0.50 cores on average")
        );
    }

    #[test]
    fn pages_parse() {
        let (n, next) = page_of(br#"{"items":[{},{}],"next_cursor":"abc"}"#).expect("a page");
        assert_eq!((n, next.as_deref()), (2, Some("abc")));
        let (n, next) = page_of(br#"{"items":[],"next_cursor":null}"#).expect("a page");
        assert_eq!((n, next), (0, None));
        assert!(page_of(b"nope").is_err());
    }
}
