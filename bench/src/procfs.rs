//! What `/proc` says about the server and the machine: a process's resident memory, the load
//! average, whether a compiler is running alongside (the machine is shared; a `rustc` next
//! to a measurement halves it), and where the CPU time of a phase went.

use std::fmt;
use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Resident memory of one process, in KiB, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now.
    pub rss_kib: u64,
    /// Its high-water mark since the process started.
    pub hwm_kib: u64,
}

impl Memory {
    pub fn read(pid: u32) -> anyhow::Result<Self> {
        let path = format!("/proc/{pid}/status");
        let text = fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("reading {path}: {e} (is the server running?)"))?;
        Self::parse(&text).ok_or_else(|| anyhow::anyhow!("no VmRSS/VmHWM in {path}"))
    }

    fn parse(status: &str) -> Option<Self> {
        let field = |name: &str| {
            status.lines().find_map(|l| {
                l.strip_prefix(name)?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
        };
        Some(Self {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }
}

/// MiB with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VmRSS={} VmHWM={}", mib(self.rss_kib), mib(self.hwm_kib))
    }
}

/// How busy the machine is: the load averages and the compilers running.
#[derive(Debug, Clone, PartialEq)]
pub struct Busy {
    pub load1: f64,
    pub load5: f64,
    pub compilers: usize,
}

impl Busy {
    pub fn now() -> Self {
        let loadavg = fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let mut fields = loadavg.split_whitespace().map(|f| f.parse().unwrap_or(0.0));
        let load1 = fields.next().unwrap_or(0.0);
        let load5 = fields.next().unwrap_or(0.0);
        Self {
            load1,
            load5,
            compilers: count_compilers(),
        }
    }
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "load {:.2}/{:.2}", self.load1, self.load5)?;
        if self.compilers > 0 {
            write!(f, ", {} compiler processes running (noisy)", self.compilers)?;
        }
        Ok(())
    }
}

/// Processes named like a compiler or linker (`rustc`, `cc1`, `ld`…), read from `/proc/*/comm`.
fn count_compilers() -> usize {
    let Ok(dir) = fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| fs::read_to_string(e.path().join("comm")).ok())
        .filter(|comm| is_compiler(comm.trim()))
        .count()
}

fn is_compiler(comm: &str) -> bool {
    matches!(
        comm,
        "rustc" | "cc1" | "cc1plus" | "ld" | "ld.lld" | "rust-lld" | "mold" | "clippy-driver"
    ) || comm.starts_with("rustc ")
}

/// `/proc` reports CPU times in USER_HZ ticks, 100 per second on Linux.
const TICK_MS: f64 = 10.0;

/// CPU time, in ticks, spent so far: by the whole machine, by the server, by this client and by
/// the PostgreSQL processes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    busy: u64,
    idle: u64,
    server: u64,
    client: u64,
    postgres: u64,
}

/// utime + stime of one process, from `/proc/<pid>/stat`.
fn process_ticks(pid: &str) -> Option<(String, u64)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&stat)
}

fn parse_stat(stat: &str) -> Option<(String, u64)> {
    // The name is in parentheses and may hold spaces: split after the last ')'.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // Fields 14 and 15 of the line; here, after the state (field 3), at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

impl Cpu {
    pub fn now(server: Option<u32>) -> Self {
        let mut cpu = Cpu::default();
        if let Ok(stat) = fs::read_to_string("/proc/stat")
            && let Some(line) = stat.lines().next()
        {
            let v: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            // user nice system idle iowait irq softirq steal (guest is counted in user).
            let at = |i: usize| v.get(i).copied().unwrap_or(0);
            cpu.idle = at(3) + at(4);
            cpu.busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
        }
        if let Some(pid) = server {
            cpu.server = process_ticks(&pid.to_string()).map_or(0, |(_, t)| t);
        }
        cpu.client = process_ticks("self").map_or(0, |(_, t)| t);
        if let Ok(dir) = fs::read_dir("/proc") {
            cpu.postgres = dir
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                .filter_map(|pid| process_ticks(&pid))
                .filter(|(name, _)| name == "postgres")
                .map(|(_, t)| t)
                .sum();
        }
        cpu
    }

    /// Where the CPU went between `self` and `later`, per unit of work (`per` of `n` units).
    pub fn report(&self, later: &Cpu, n: usize, per: &str, cores: usize) -> String {
        let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
        let busy = d(self.busy, later.busy);
        let total = busy + d(self.idle, later.idle);
        let share = if total > 0.0 { busy / total } else { 0.0 };
        let each = |t: f64| {
            if n == 0 { 0.0 } else { t * TICK_MS / n as f64 }
        };
        let server = d(self.server, later.server);
        let client = d(self.client, later.client);
        let postgres = d(self.postgres, later.postgres);
        let other = (busy - server - client - postgres).max(0.0);
        let mut s = format!(
            "CPU {:.0}% of {cores} cores busy; per {per}: server {:.2} ms, client {:.2} ms",
            share * 100.0,
            each(server),
            each(client)
        );
        if postgres > 0.0 {
            s.push_str(&format!(", postgres {:.2} ms", each(postgres)));
        }
        s.push_str(&format!(", rest of the machine {:.2} ms", each(other)));
        s
    }
}

impl Cpu {
    /// How many cores, on average, went to other processes (builds, other services) between
    /// `self` and `later`: what makes a measurement noisy.
    pub fn others(&self, later: &Cpu, cores: usize) -> f64 {
        let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
        let total = d(self.busy, later.busy) + d(self.idle, later.idle);
        if total <= 0.0 {
            return 0.0;
        }
        let other = d(self.busy, later.busy)
            - d(self.server, later.server)
            - d(self.client, later.client)
            - d(self.postgres, later.postgres);
        other.max(0.0) / total * cores as f64
    }
}

/// Looks for compilers every half second while a phase runs.
#[derive(Debug)]
pub struct Sampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<(usize, usize)>,
}

impl Sampler {
    pub fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let task = tokio::task::spawn_blocking(move || {
            let (mut seen, mut samples) = (0, 0);
            while !flag.load(Ordering::Relaxed) {
                samples += 1;
                if count_compilers() > 0 {
                    seen += 1;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            (seen, samples)
        });
        Self { stop, task }
    }

    /// Samples that saw a compiler, and samples taken.
    pub async fn finish(self) -> (usize, usize) {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or((0, 0))
    }
}

/// Cores of the machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status() {
        let status =
            "Name:\tguichet\nVmPeak:\t  300000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   61000 kB\n";
        assert_eq!(
            Memory::parse(status),
            Some(Memory {
                rss_kib: 61_000,
                hwm_kib: 81_234
            })
        );
        assert_eq!(Memory::parse("Name:\tx\n"), None);
    }

    #[test]
    fn reads_own_memory() {
        let m = Memory::read(std::process::id()).expect("own /proc status");
        assert!(m.rss_kib > 0 && m.hwm_kib > 0);
    }

    #[test]
    fn compilers_by_name() {
        assert!(is_compiler("rustc"));
        assert!(is_compiler("cc1"));
        assert!(!is_compiler("guichet"));
        assert!(!is_compiler("postgres"));
    }

    #[test]
    fn parses_proc_stat() {
        let stat =
            "13013 (my (odd) name) R 13010 13010 10828 0 -1 4194304 101 0 0 0 7 5 0 0 20 0 1 0";
        assert_eq!(parse_stat(stat), Some(("my (odd) name".to_owned(), 12)));
        assert!(process_ticks("self").is_some());
    }

    #[test]
    fn cpu_report_per_unit() {
        let a = Cpu::default();
        let b = Cpu {
            busy: 150,
            idle: 50,
            server: 100,
            client: 20,
            postgres: 0,
        };
        let r = a.report(&b, 1000, "ticket", 2);
        assert_eq!(
            r,
            "CPU 75% of 2 cores busy; per ticket: server 1.00 ms, client 0.20 ms, rest of the machine 0.30 ms"
        );
    }

    #[test]
    fn formats_mib() {
        assert_eq!(mib(1536), "1.5 MiB");
    }
}
