//! Running a mailbox's IMAP collector in `guichet serve` (one task per mailbox with an `imap`
//! table, in the workers role) and once for an operator (`guichet mail collect --once`).
//!
//! Only the holder of the mailbox's lease in the store collects it, so several instances never
//! fetch the same messages: the lease is taken before connecting, renewed before every batch and
//! every wait (which is why waits last a third of the lease), and given up on the way out. An
//! instance that dies stops renewing; another takes the mailbox over once the lease expires.
//! Losing the lease mid-way is harmless for correctness (the sink dedupes on Message-ID): it only
//! costs a message fetched twice.

use guichet_app::intake::IngestOutcome;
use guichet_app::{App, Clock};
use guichet_mail::imap::{
    Batch, Collector, Disposition, ImapConfig, ImapError, MailSink, Temporary,
};
use guichet_store::Store;
use guichet_store::intake::InboundState;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The longest pause after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// One mailbox's collector task.
#[derive(Debug)]
pub struct MailboxCollector<S> {
    store: Store,
    clock: Arc<dyn Clock>,
    mailbox: String,
    config: ImapConfig,
    sink: S,
    owner: String,
    lease: Duration,
}

/// What a `--once` run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collected {
    pub processed: usize,
    pub refused: usize,
    pub failed: usize,
}

/// Why a `--once` run stopped.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("mailbox {mailbox:?} is being collected by {owner} (lease until {until})")]
    Held {
        mailbox: String,
        owner: String,
        until: chrono::DateTime<chrono::Utc>,
    },
    #[error("the database: {0}")]
    Store(#[from] guichet_store::StoreError),
    #[error(transparent)]
    Imap(#[from] ImapError),
}

impl<S: MailSink> MailboxCollector<S> {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        mailbox: &str,
        config: ImapConfig,
        sink: S,
    ) -> Self {
        Self {
            store,
            clock,
            mailbox: mailbox.to_owned(),
            sink,
            owner: instance_name(),
            lease: Duration::from_secs(config.lease_secs.max(2)),
            config,
        }
    }

    /// A shorter lease (tests of the take-over).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The name this collector holds the lease under.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Takes or renews the lease; false when another instance holds it.
    async fn hold(&self) -> Result<bool, guichet_store::StoreError> {
        let now = self.clock.now();
        let until = now
            + chrono::Duration::from_std(self.lease)
                .unwrap_or_else(|_| chrono::Duration::minutes(1));
        let mut tx = self.store.write().await?;
        let held = tx
            .take_mailbox_lease(&self.mailbox, &self.owner, now, until)
            .await?;
        tx.commit().await?;
        Ok(held)
    }

    async fn release(&self) {
        let released = async {
            let mut tx = self.store.write().await?;
            tx.release_mailbox_lease(&self.mailbox, &self.owner).await?;
            tx.commit().await
        };
        if let Err(e) = released.await {
            tracing::warn!(mailbox = %self.mailbox, error = %e, "mailbox lease not released; it will expire");
        }
    }

    /// Collects until the folder is empty, once, holding the lease throughout.
    pub async fn collect_once(&self) -> Result<Collected, CollectError> {
        if !self.hold().await? {
            let lease = self
                .store
                .read()
                .await?
                .mailbox_lease(&self.mailbox)
                .await?;
            let (owner, until) = lease.map_or_else(
                || ("another instance".to_owned(), self.clock.now()),
                |l| (l.owner, l.expires_at),
            );
            return Err(CollectError::Held {
                mailbox: self.mailbox.clone(),
                owner,
                until,
            });
        }
        let result = self.drain_once().await;
        self.release().await;
        result
    }

    async fn drain_once(&self) -> Result<Collected, CollectError> {
        let mut collector = Collector::connect(&self.mailbox, &self.config).await?;
        let mut total = Collected::default();
        loop {
            let batch = collector.collect_batch(&self.sink).await?;
            add(&mut total, &batch);
            if batch.moved() == 0 {
                break;
            }
            if !self.hold().await? {
                break;
            }
        }
        collector.logout().await;
        Ok(total)
    }

    /// Runs until `stop` completes: waits for the lease, connects, collects, waits for news;
    /// reconnects after failures with a growing pause. Never returns an error: a collector
    /// whose server or database is away keeps trying, and says so in the log.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        tokio::select! {
            () = self.run_forever() => {}
            () = stop => {}
        }
        self.release().await;
        tracing::info!(mailbox = %self.mailbox, "IMAP collector stopped");
    }

    async fn run_forever(&self) {
        let mut failures = 0u32;
        loop {
            match self.hold().await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::debug!(mailbox = %self.mailbox, "mailbox collected by another instance");
                    tokio::time::sleep(self.lease / 3).await;
                    continue;
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(mailbox = %self.mailbox, error = %e, "mailbox lease unavailable");
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
            }
            match self.session(&mut failures).await {
                Ok(()) => {}
                Err(e) => {
                    failures += 1;
                    let pause = backoff(failures);
                    tracing::warn!(
                        mailbox = %self.mailbox,
                        error = %e,
                        retry_in_secs = pause.as_secs(),
                        "IMAP collector interrupted"
                    );
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// One connection's life: collect, wait, renew, until the lease is lost or an error.
    async fn session(&self, failures: &mut u32) -> Result<(), CollectError> {
        let mut collector = Collector::connect(&self.mailbox, &self.config).await?;
        loop {
            match collector.collect_batch(&self.sink).await {
                Ok(batch) => {
                    *failures = 0;
                    if batch.moved() > 0 {
                        tracing::info!(
                            mailbox = %self.mailbox,
                            processed = batch.processed,
                            refused = batch.refused,
                            failed = batch.failed,
                            "mail collected"
                        );
                    }
                    if batch.moved() == 0 || batch.remaining == 0 {
                        if !self.hold().await? {
                            collector.logout().await;
                            return Ok(());
                        }
                        collector = collector.wait(self.lease / 3).await?;
                    }
                }
                // The messages stay; the same connection waits for the database.
                Err(ImapError::Sink(e)) => {
                    *failures += 1;
                    let pause = backoff(*failures).min(self.lease / 3);
                    tracing::warn!(mailbox = %self.mailbox, error = %e, "mail intake unavailable");
                    tokio::time::sleep(pause).await;
                }
                Err(e) => return Err(e.into()),
            }
            if !self.hold().await? {
                collector.logout().await;
                return Ok(());
            }
        }
    }
}

/// The production sink: `App::ingest_mail`, whose outcome names the folder.
#[derive(Debug, Clone)]
pub struct AppSink(pub App);

impl MailSink for AppSink {
    async fn ingest(&self, mailbox: &str, raw: &[u8]) -> Result<Disposition, Temporary> {
        match self.0.ingest_mail(mailbox, raw).await {
            Ok(IngestOutcome::Duplicate) => self.first_disposition(raw).await,
            Ok(outcome) => Ok(disposition(&outcome)),
            // Database unreachable, or a mailbox this instance does not know (a configuration
            // changed under a running collector): either way the message must stay.
            Err(e) => Err(Temporary(e.to_string())),
        }
    }
}

impl AppSink {
    /// Where a message already recorded goes: the folder of its first outcome. A collector killed
    /// between the commit and the move fetches the message again, and a quarantined one must
    /// still end among the refused.
    async fn first_disposition(&self, raw: &[u8]) -> Result<Disposition, Temporary> {
        let msg = guichet_mail::inbound::parse(raw);
        let key = match &msg.message_id {
            Some(id) => id.clone(),
            None => format!("sha256:{}", msg.raw_sha256),
        };
        let first = async { self.0.store().read().await?.inbound_by_key(&key).await }
            .await
            .map_err(|e| Temporary(e.to_string()))?;
        Ok(match first.map(|m| m.state) {
            Some(InboundState::Quarantined) => Disposition::Refused,
            Some(InboundState::Failed) => Disposition::Failed,
            _ => Disposition::Processed,
        })
    }
}

/// The folder each outcome goes to: refused for quarantine, error for failures, processed for
/// everything else (duplicates included: their first copy was recorded).
pub fn disposition(outcome: &IngestOutcome) -> Disposition {
    match outcome {
        IngestOutcome::Quarantined { .. } => Disposition::Refused,
        IngestOutcome::Failed { .. } => Disposition::Failed,
        IngestOutcome::Ticket { .. }
        | IngestOutcome::Reply { .. }
        | IngestOutcome::Ignored { .. }
        | IngestOutcome::Bounce { .. }
        | IngestOutcome::Duplicate => Disposition::Processed,
    }
}

fn add(total: &mut Collected, batch: &Batch) {
    total.processed += batch.processed;
    total.refused += batch.refused;
    total.failed += batch.failed;
}

/// 1 s, 2 s, 4 s… up to five minutes.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(10).saturating_sub(1)).min(MAX_BACKOFF)
}

/// This instance's name in leases: host, process and a random part (two collectors in one
/// process are two owners).
fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_five_minutes() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(8));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
