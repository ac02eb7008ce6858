//! The subcommands.

use crate::config::{self, Config};
use anyhow::Context;
use clap::{Parser, Subcommand};
use guichet_app::admin::PersonInput;
use guichet_app::intake::IntakeSettings;
use guichet_app::{App, AppConfig, Caller, SystemClock};
use guichet_core::person::RoleKind;
use guichet_store::{Store, StoreOptions};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "guichet",
    version,
    about = "Guichet: the service desk of an académie"
)]
pub struct Args {
    /// Configuration file (default: ./guichet.toml when it exists).
    #[arg(long, global = true, env = "GUICHET_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server and the job workers (creates and migrates the database on first start).
    Serve {
        /// Address to listen on (default from the configuration: 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Load the demo data first, if it is not there yet.
        #[arg(long)]
        demo: bool,
        /// Run the web server alone (another instance runs the workers).
        #[arg(long, conflicts_with = "workers_only")]
        web_only: bool,
        /// Run the job workers alone, without the web server.
        #[arg(long)]
        workers_only: bool,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Load demo data (idempotent) and print the demo logins.
    Demo {
        /// How many tickets to generate.
        #[arg(long, default_value_t = 50_000)]
        tickets: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// People.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The académie's directory: LDAP sync and CSV imports.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Received mail.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Process one message read from standard input (an MTA's pipe delivery). Exit status 0
    /// when it was taken (ticket, reply, quarantined, ignored, duplicate), 75 (EX_TEMPFAIL)
    /// when the database is unreachable so that the MTA retries, 64 for an unknown mailbox.
    Ingest {
        /// The `[[mail.mailbox]]` name.
        #[arg(long)]
        mailbox: String,
    },
    /// Collect a mailbox from its IMAP server ([[mail.mailbox]] with an `imap` table), holding
    /// its lease so that no other instance collects it meanwhile.
    Collect {
        #[arg(long)]
        mailbox: String,
        /// Collect until the folder is empty, then stop (otherwise: until interrupted).
        #[arg(long)]
        once: bool,
    },
}

/// An error that ends the process with a chosen status (sysexits.h), for an MTA to act on.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// sysexits.h: EX_USAGE, EX_TEMPFAIL.
pub(crate) const EX_USAGE: u8 = 64;
pub(crate) const EX_TEMPFAIL: u8 = 75;

#[derive(Debug, Subcommand)]
enum DirectoryCommand {
    /// Sync establishments, people and roles from the LDAP ([directory]) and print the diff.
    Sync {
        /// Print what would change without writing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import establishments from a CSV file (annuaire de l'éducation columns), all or nothing.
    ImportEstablishments { file: PathBuf },
    /// Import people and their roles from a CSV file (uid, mail, display_name, roles), all or
    /// nothing.
    ImportPersons { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a person with a local account.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make them an administrator (at the root of the organisation tree).
        #[arg(long)]
        admin: bool,
        /// Read a password from standard input (otherwise: no local password, SSO or tokens only).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token and print it alone on standard output.
    Create {
        /// The person's email.
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print a commented sample configuration.
    Example,
}

impl Args {
    /// `guichet mail ingest`, the MTA's pipe.
    pub fn is_mail_ingest(&self) -> bool {
        matches!(
            self.command,
            Command::Mail {
                command: MailCommand::Ingest { .. }
            }
        )
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    if let Command::Config {
        command: ConfigCommand::Example,
    } = args.command
    {
        print!("{}", config::EXAMPLE);
        return Ok(());
    }
    let config = Config::load(args.config.as_deref())?;
    init_tracing(&config.log);
    if let Command::Mail {
        command: MailCommand::Ingest { mailbox },
    } = &args.command
    {
        return crate::ingest::mail_ingest(&config, mailbox).await;
    }
    let app = open(&config).await?;
    match args.command {
        Command::Serve {
            addr,
            demo,
            web_only,
            workers_only,
        } => {
            if demo {
                load_demo(&app, 50_000, 42).await?;
            }
            let run = Run {
                web: (!workers_only).then(|| addr.unwrap_or(config.addr)),
                workers: (!web_only).then_some(config.jobs.workers),
                lease: chrono::Duration::seconds(config.jobs.lease_seconds),
            };
            // Notification handlers: with `[mail.smtp] host` set, notices are mailed too.
            let registry = guichet_jobs::notify::register(
                guichet_jobs::default_registry(),
                app.clone(),
                &config.mail,
            )
            .map_err(anyhow::Error::msg)?;
            // Mail intake: refusal explanations (with SMTP) and the daily retention sweep.
            let mailer = guichet_jobs::smtp_mailer(&config.mail).map_err(anyhow::Error::msg)?;
            let registry =
                guichet_jobs::intake::register(registry, app.clone(), mailer, &config.mail);
            let registry = guichet_jobs::broadcast::register(registry, app.clone(), &config.mail)
                .map_err(anyhow::Error::msg)?;
            serve(
                app,
                run,
                config.web_config(),
                registry,
                config.directory.clone(),
                &config.mail,
            )
            .await
        }
        Command::Migrate => Ok(()),
        Command::Demo { tickets, seed } => load_demo(&app, tickets, seed).await,
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    admin,
                    password_stdin,
                },
        } => {
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading the password")?;
                Some(s.trim_end_matches(['\n', '\r']).to_owned())
            } else {
                None
            };
            let caller = Caller::system("cli");
            let person = app
                .create_person(
                    &caller,
                    PersonInput {
                        email,
                        display_name: name,
                        password,
                        ..PersonInput::default()
                    },
                )
                .await?;
            if admin {
                let root = app
                    .list_org_nodes(Some(guichet_core::org::OrgKind::Academie), None, None, None, 1)
                    .await?
                    .into_iter()
                    .next()
                    .context("no académie in the organisation tree: load one (guichet demo) before creating an administrator")?;
                app.grant_role(&caller, person.id, RoleKind::Admin, root.id)
                    .await?;
            }
            eprintln!(
                "created {} (id {}){}",
                person.email,
                person.id,
                if admin { ", administrator" } else { "" }
            );
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { user, name },
        } => {
            let person = app
                .person_by_email(&user)
                .await
                .with_context(|| format!("no person with email {user}"))?;
            let token = app
                .create_token(&Caller::system("cli"), person.id, &name)
                .await?;
            println!("{token}");
            Ok(())
        }
        Command::Directory { command } => directory(&app, &config.directory, command).await,
        Command::Mail {
            command: MailCommand::Collect { mailbox, once },
        } => crate::collect::collect(&app, &config.mail, &mailbox, once, shutdown()).await,
        Command::Config { .. }
        | Command::Mail {
            command: MailCommand::Ingest { .. },
        } => Ok(()),
    }
}

async fn directory(
    app: &App,
    ldap: &guichet_directory::LdapConfig,
    command: DirectoryCommand,
) -> anyhow::Result<()> {
    use guichet_directory::{DirectoryError, report};
    let caller = Caller::system("cli");
    let outcome = match command {
        DirectoryCommand::Sync { dry_run } => {
            let r = guichet_directory::ldap::sync(app, &caller, ldap, dry_run).await?;
            print!("{}", report::render("directory sync", &r));
            return Ok(());
        }
        DirectoryCommand::ImportEstablishments { file } => {
            guichet_directory::import_establishments_file(app, &caller, &file).await
        }
        DirectoryCommand::ImportPersons { file } => {
            guichet_directory::import_persons_file(app, &caller, &file).await
        }
    };
    match outcome {
        Ok(o) => {
            print!("{}", report::render("directory import", &o.report));
            anyhow::ensure!(o.applied, "nothing imported: correct the rejected lines");
            Ok(())
        }
        Err(DirectoryError::Lines(lines)) => {
            for l in &lines {
                println!("{l}");
            }
            anyhow::bail!("nothing imported: {} line(s) in error", lines.len())
        }
        Err(e) => Err(e.into()),
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens (creating if needed) and migrates the database, and builds the use cases over it.
pub(crate) async fn open(config: &Config) -> anyhow::Result<App> {
    config.prepare_data_dir()?;
    let options = StoreOptions {
        max_connections: config.db_max_connections,
        ..StoreOptions::default()
    };
    let store = Store::connect(&config.database_url, &options)
        .await
        .with_context(|| format!("opening {}", config::redact(&config.database_url)))?;
    let applied = store.migrate().await.context("migrating the database")?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    let app_config = AppConfig {
        reopen_window_days: config.reopen_window_days,
        intake_group: config.intake_group.clone(),
        max_attachment_bytes: config.max_attachment_bytes,
        intake: intake_settings(&config.mail)?,
        broadcast_rate_per_minute: config.broadcast_rate_per_minute,
        ..AppConfig::default()
    };
    let app = App::new(store, Arc::new(SystemClock), app_config);
    // On PostgreSQL, reference data stays in memory while this follows other instances'
    // changes (nothing to follow on SQLite).
    tokio::spawn(app.clone().keep_reference_cache());
    Ok(app)
}

/// `[mail]` and its `[[mail.mailbox]]` as the intake use case reads them.
pub(crate) fn intake_settings(mail: &guichet_mail::MailConfig) -> anyhow::Result<IntakeSettings> {
    let mailboxes = mail
        .mailboxes
        .iter()
        .map(|m| m.to_mailbox().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(IntakeSettings {
        mailboxes,
        message_domain: mail.domain(),
        time_zone: mail
            .time_zone
            .parse()
            .map_err(|_| anyhow::anyhow!("mail.time_zone: not a time zone"))?,
        auto_answers_per_day: mail.auto_answers_per_day,
        bounce_threshold: mail.bounce_threshold,
        retention_days: mail.quarantine_retention_days,
    })
}

async fn load_demo(app: &App, tickets: usize, seed: u64) -> anyhow::Result<()> {
    let opts = guichet_demo::DemoOptions {
        tickets,
        seed,
        ..guichet_demo::DemoOptions::default()
    };
    let report = guichet_demo::load(app.store(), &opts).await?;
    if report.already_loaded {
        eprintln!("demo data already loaded");
    } else {
        eprintln!(
            "demo data loaded: {} establishments, {} people ({} agents), {} tickets",
            report.establishments, report.persons, report.agents, report.tickets
        );
    }
    eprintln!("demo logins (password in the last column):");
    for l in &report.logins {
        eprintln!("  {:<10} {:<40} {}", l.role, l.email, l.password);
    }
    eprintln!(
        "API: guichet token create --user <email>, then curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8080/api/v1/tickets"
    );
    Ok(())
}

/// What `serve` runs: the web server on an address, the workers, or both.
#[derive(Debug, Clone, Copy)]
struct Run {
    web: Option<SocketAddr>,
    workers: Option<usize>,
    /// How long a worker holds a job (`[jobs] lease_seconds`).
    lease: chrono::Duration,
}

async fn serve(
    app: App,
    run: Run,
    web: guichet_web::pages::WebConfig,
    registry: guichet_jobs::Registry,
    directory: guichet_directory::LdapConfig,
    mail: &guichet_mail::MailConfig,
) -> anyhow::Result<()> {
    // One signal, two listeners: the web server and the workers stop together.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown().await;
        tracing::info!("stopping: no new request or job, finishing those in flight");
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    if run.workers.is_some() {
        // The SLA sweep reschedules itself every minute; this queues the first one.
        guichet_jobs::sla::schedule(app.store(), app.now())
            .await
            .context("scheduling the SLA sweep")?;
        guichet_jobs::intake::schedule(app.store(), app.now())
            .await
            .context("scheduling the mail retention sweep")?;
    }
    let mut registry = registry;
    if run.workers.is_some() && !directory.url.is_empty() {
        let job = guichet_jobs::DirectorySyncJob::new(app.clone(), directory);
        job.schedule_next().await?;
        registry = registry.register(guichet_jobs::DIRECTORY_SYNC_KIND, job);
    }
    let workers = run.workers.map(|n| {
        let pool = guichet_jobs::Pool::new(
            app.store().clone(),
            Arc::new(SystemClock),
            guichet_jobs::sla::register(registry, app.clone()),
            guichet_jobs::PoolConfig {
                workers: n,
                lease: run.lease,
                ..guichet_jobs::PoolConfig::default()
            },
        );
        eprintln!("Guichet runs {n} job workers");
        tokio::spawn(pool.run(stopped(stop_rx.clone())))
    });
    let collectors = match run.workers {
        Some(_) => crate::collect::spawn_collectors(&app, mail, &stop_rx)?,
        None => Vec::new(),
    };
    // The MTA's pipe hands its messages over here (`guichet mail ingest`).
    let socket = match (&mail.ingest_socket, run.workers) {
        (Some(path), Some(_)) => {
            let socket = crate::ingest::IngestSocket::bind(path).await?;
            eprintln!("Guichet takes piped mail on {}", path.display());
            Some(tokio::spawn(
                socket.run(app.clone(), stopped(stop_rx.clone())),
            ))
        }
        _ => None,
    };
    // An MTA delivering over LMTP.
    let lmtp = match (&mail.lmtp_listen, run.workers) {
        (Some(listen), Some(_)) => {
            let endpoint =
                guichet_mail::config::LmtpEndpoint::parse(listen).map_err(anyhow::Error::msg)?;
            let lmtp = crate::lmtp::Lmtp::bind(&endpoint).await?;
            eprintln!("Guichet takes mail over LMTP on {listen}");
            Some(tokio::spawn(lmtp.run(app.clone(), stop_rx.clone())))
        }
        _ => None,
    };
    let drain = async {
        serve_web(&app, run.web, web, &stop_rx).await?;
        if let Some(workers) = workers {
            workers.await.context("the workers stopped abnormally")?;
        }
        for c in collectors {
            c.await.context("a mail collector stopped abnormally")?;
        }
        if let Some(socket) = socket {
            socket
                .await
                .context("the ingest socket stopped abnormally")?;
        }
        if let Some(lmtp) = lmtp {
            lmtp.await.context("the LMTP listener stopped abnormally")?;
        }
        anyhow::Ok(())
    };
    // Once asked to stop, the drain is bounded: a hung connection or job must not keep the
    // process alive (a job cut short is released by its lease).
    let limit = async {
        stopped(stop_rx.clone()).await;
        tokio::time::sleep(STOP_LIMIT).await;
    };
    let outcome = tokio::select! {
        r = drain => r,
        () = limit => Err(anyhow::anyhow!(
            "still stopping after {} s: exiting with work in flight",
            STOP_LIMIT.as_secs()
        )),
    };
    app.store().close().await;
    outcome
}

/// How long `serve` may take to stop once asked: the workers' grace for a running job plus
/// the web server's requests in flight.
const STOP_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves the web pages and API on `addr` until shutdown (or just waits for it without a web
/// server), letting requests in flight finish.
async fn serve_web(
    app: &App,
    addr: Option<SocketAddr>,
    web: guichet_web::pages::WebConfig,
    stop_rx: &tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    match addr {
        Some(addr) => {
            let router = guichet_web::router_with(app.clone(), web);
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            tracing::info!(%addr, "guichet serving");
            eprintln!("Guichet listens on http://{}", listener.local_addr()?);
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stopped(stop_rx.clone()))
            .await
            .context("serving")
        }
        None => {
            stopped(stop_rx.clone()).await;
            Ok(())
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
