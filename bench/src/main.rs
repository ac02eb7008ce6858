//! `guichet-bench`: the reproducible benchmark of issue 2. It loads a million demo tickets into a
//! fresh SQLite or PostgreSQL database (`load`), says what to ask for (`info`), and measures a
//! running `guichet serve` over HTTP on loopback (`run`): ticket creation with concurrent clients,
//! list and search latencies, and the server's memory; `page-users` and `pages` measure the
//! pages people use with concurrent signed-in users. `bench/run.sh` drives the whole thing.

#![forbid(unsafe_code)]

mod directory;
mod latency;
mod load;
mod mail;
mod notify;
mod pages;
mod procfs;
mod run;
mod sla;

use clap::{Parser, Subcommand};
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "guichet-bench",
    about = "Guichet's benchmark: 1M tickets, HTTP creation and list latencies"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load a fresh database: migrate, the demo académie with a few tickets, then tickets in bulk
    /// up to the total, then refresh the planner's statistics.
    Load {
        /// `sqlite://path` or `postgres://user@127.0.0.1:5432/db`.
        #[arg(long, env = "GUICHET_DATABASE_URL")]
        database_url: String,
        /// Tickets in all.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: usize,
        /// Of which loaded with the reference data (`guichet_demo::load`).
        #[arg(long, default_value_t = 10_000)]
        demo_tickets: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Delete the SQLite file, or drop and create the PostgreSQL database, first.
        #[arg(long)]
        recreate: bool,
    },
    /// Print KEY=value lines about a loaded database: the busiest school, a group's open queue.
    Info {
        #[arg(long, env = "GUICHET_DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value = "DSI-N1")]
        group: String,
    },
    /// Wait until a server's /readyz answers 200.
    WaitReady {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 120)]
        timeout_secs: u64,
    },
    /// Print a free TCP port on 127.0.0.1.
    FreePort,
    /// Measure a running `guichet serve`.
    Run(Box<run::RunArgs>),
    /// Issue 7: evaluating 200 routing rules; the SLA sweep on a loaded database (a copy).
    Sla(sla::SlaArgs),
    /// Issue 4: messages per second through mail intake, by IMAP or by the MTA pipe.
    Mail(mail::MailArgs),
    /// Issue 5: a broadcast to many directors, and the notices of many ticket events, mailed
    /// through `guichet serve --workers-only` to a local SMTP server.
    Notify(notify::NotifyArgs),
    /// Time the LDAP directory sync of many people (starts its own slapd).
    DirectorySync(directory::DirectoryArgs),
    /// Choose the people of the page benchmark, set their password, write what they will open.
    PageUsers {
        #[arg(long, env = "GUICHET_DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value_t = 40)]
        agents: usize,
        #[arg(long, default_value_t = 10)]
        directors: usize,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Measure the pages people use with concurrent signed-in users.
    Pages(Box<pages::PagesArgs>),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Load {
            database_url,
            tickets,
            demo_tickets,
            seed,
            recreate,
        } => {
            load::load(&load::LoadArgs {
                database_url,
                tickets,
                demo_tickets,
                seed,
                recreate,
            })
            .await
        }
        Command::Info {
            database_url,
            group,
        } => load::info(&database_url, &group).await,
        Command::WaitReady { url, timeout_secs } => {
            run::wait_ready(&url, Duration::from_secs(timeout_secs)).await
        }
        Command::FreePort => {
            let l = std::net::TcpListener::bind(("127.0.0.1", 0))?;
            println!("{}", l.local_addr()?.port());
            Ok(())
        }
        Command::Run(args) => run::run(*args).await,
        Command::Sla(args) => sla::run(args).await,
        Command::Mail(args) => mail::run(args).await,
        Command::Notify(args) => notify::run(args).await,
        Command::DirectorySync(args) => directory::run(args).await,
        Command::PageUsers {
            database_url,
            agents,
            directors,
            out,
        } => pages::users::prepare(&database_url, agents, directors, &out).await,
        Command::Pages(args) => pages::run(*args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn lists_drop_empty_values() {
        let args = Args::try_parse_from([
            "guichet-bench",
            "run",
            "--url",
            "http://127.0.0.1:1",
            "--token",
            "t",
            "--create-uais",
            "",
            "--words",
            "a, b",
        ])
        .expect("valid arguments");
        let Command::Run(run) = args.command else {
            panic!("not run");
        };
        let run = run.cleaned();
        assert!(run.create_uais.is_empty());
        assert_eq!(run.words, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(run.concurrency, vec![32, 2]);
        assert_eq!(run.phases, vec!["lists".to_owned(), "create".to_owned()]);
    }
}
