//! IMAP collection for the binary: the collectors `guichet serve` runs (one task per
//! `[[mail.mailbox]]` with an `imap` table, in the workers role), and `guichet mail collect`
//! for an operator.

use anyhow::Context;
use guichet_app::{App, SystemClock};
use guichet_jobs::mailbox::{AppSink, MailboxCollector};
use guichet_mail::MailConfig;
use std::sync::Arc;

fn collector(
    app: &App,
    mail: &MailConfig,
    name: &str,
) -> anyhow::Result<MailboxCollector<AppSink>> {
    let mailbox = mail
        .mailboxes
        .iter()
        .find(|m| m.name == name)
        .with_context(|| format!("no [[mail.mailbox]] named {name:?}"))?;
    let imap = mailbox
        .imap
        .clone()
        .with_context(|| format!("mailbox {name:?} has no [mail.mailbox.imap] table"))?;
    Ok(MailboxCollector::new(
        app.store().clone(),
        Arc::new(SystemClock),
        name,
        imap,
        AppSink(app.clone()),
    ))
}

/// `guichet mail collect --mailbox NAME [--once]`.
pub async fn collect(
    app: &App,
    mail: &MailConfig,
    name: &str,
    once: bool,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let collector = collector(app, mail, name)?;
    if !once {
        eprintln!("collecting mailbox {name} until stopped");
        collector.run(stop).await;
        return Ok(());
    }
    let done = collector.collect_once().await?;
    println!(
        "mailbox {name}: {} processed, {} refused, {} failed",
        done.processed, done.refused, done.failed
    );
    Ok(())
}

/// Starts a collector task for every mailbox with an `imap` table; they stop with `stop`.
pub fn spawn_collectors(
    app: &App,
    mail: &MailConfig,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for m in mail.mailboxes.iter().filter(|m| m.imap.is_some()) {
        let collector = collector(app, mail, &m.name)?;
        let mut stop = stop.clone();
        eprintln!("Guichet collects mailbox {} by IMAP", m.name);
        tasks.push(tokio::spawn(collector.run(async move {
            let _ = stop.wait_for(|s| *s).await;
        })));
    }
    Ok(tasks)
}
