//! `guichet`: the one binary. `serve` runs the web server; `migrate`, `demo`, `user` and `token`
//! administer the database. Every subcommand goes through the same `App` use cases as the web.

#![forbid(unsafe_code)]

mod cli;
mod collect;
mod config;
mod ingest;
mod lmtp;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Args::parse();
    // The MTA's pipe starts a process per message: one thread is all it needs, and starting
    // the worker threads was a measurable part of each process's life.
    let mut builder = if args.is_mail_ingest() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            match e.downcast_ref::<cli::Exit>() {
                Some(exit) => std::process::ExitCode::from(exit.code),
                None => std::process::ExitCode::FAILURE,
            }
        }
    }
}
