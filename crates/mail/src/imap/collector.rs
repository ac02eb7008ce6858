//! One mailbox's collector: a logged-in session, the folders made sure of, and the batch loop.
//! The caller ([`guichet-jobs`], or the `mail collect` command) holds the mailbox's lease, calls
//! [`Collector::collect_batch`] until the folder is empty, then [`Collector::wait`]s for news.

use super::connect::{self, ImapSession};
use super::{Disposition, ImapConfig, ImapError, MailSink, Temporary};
use crate::inbound::sender_of;
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Batch {
    pub processed: usize,
    pub refused: usize,
    pub failed: usize,
    /// Messages left in the folder beyond this batch (as seen when it started).
    pub remaining: usize,
}

impl Batch {
    pub fn moved(&self) -> usize {
        self.processed + self.refused + self.failed
    }
}

/// A connected collector for one mailbox.
pub struct Collector {
    mailbox: String,
    config: ImapConfig,
    session: ImapSession,
    can_move: bool,
    can_uidplus: bool,
    can_idle: bool,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("mailbox", &self.mailbox)
            .field("host", &self.config.host)
            .field("folder", &self.config.folder)
            .finish_non_exhaustive()
    }
}

impl Collector {
    /// Connects, logs in, creates the destination folders that are missing and selects the
    /// collected folder.
    pub async fn connect(mailbox: &str, config: &ImapConfig) -> Result<Self, ImapError> {
        let mut session = connect::open(config).await?;
        let caps = session.capabilities().await?;
        let mut collector = Self {
            mailbox: mailbox.to_owned(),
            config: config.clone(),
            can_move: caps.has_str("MOVE"),
            can_uidplus: caps.has_str("UIDPLUS"),
            can_idle: caps.has_str("IDLE"),
            session,
        };
        for folder in [
            &config.processed_folder,
            &config.refused_folder,
            &config.error_folder,
        ] {
            collector.ensure_folder(folder).await?;
        }
        collector
            .session
            .select(&config.folder)
            .await
            .map_err(|e| ImapError::Protocol(format!("folder {:?}: {e}", config.folder)))?;
        tracing::info!(
            mailbox,
            host = %config.host,
            folder = %config.folder,
            idle = collector.can_idle,
            r#move = collector.can_move,
            "IMAP collector connected"
        );
        Ok(collector)
    }

    async fn ensure_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        if self.session.status(folder, "(MESSAGES)").await.is_ok() {
            return Ok(());
        }
        self.session
            .create(folder)
            .await
            .map_err(|e| ImapError::Protocol(format!("creating folder {folder:?}: {e}")))?;
        tracing::info!(mailbox = %self.mailbox, folder, "IMAP folder created");
        Ok(())
    }

    /// Fetches up to `batch` messages (oldest first), hands them to `sink` (up to `concurrency`
    /// at once, one sender's in order) and, once all are recorded, moves each to the folder of
    /// its outcome. On a temporary failure of the sink, the messages already recorded are moved,
    /// the others stay, and the error is returned.
    pub async fn collect_batch<S: MailSink>(&mut self, sink: &S) -> Result<Batch, ImapError> {
        let mut uids: Vec<u32> = self
            .session
            .uid_search("UNDELETED")
            .await?
            .into_iter()
            .collect();
        uids.sort_unstable();
        let take = uids.len().min(self.config.batch as usize);
        let mut batch = Batch {
            remaining: uids.len() - take,
            ..Batch::default()
        };
        if take == 0 {
            return Ok(batch);
        }
        let set = uid_set(&uids[..take]);
        let fetched: Vec<_> = self
            .session
            .uid_fetch(&set, "(UID BODY.PEEK[])")
            .await?
            .try_collect()
            .await?;
        let mut messages: Vec<(u32, Vec<u8>)> = fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
            .collect();
        drop(fetched);
        messages.sort_unstable_by_key(|(uid, _)| *uid);

        let concurrency = self.config.concurrency.max(1) as usize;
        let (done, stopped) = ingest_all(sink, &self.mailbox, concurrency, &messages).await;
        for disposition in [
            Disposition::Processed,
            Disposition::Refused,
            Disposition::Failed,
        ] {
            let uids: Vec<u32> = done
                .iter()
                .filter(|(_, d)| *d == disposition)
                .map(|(u, _)| *u)
                .collect();
            if uids.is_empty() {
                continue;
            }
            let folder = match disposition {
                Disposition::Processed => self.config.processed_folder.clone(),
                Disposition::Refused => self.config.refused_folder.clone(),
                Disposition::Failed => self.config.error_folder.clone(),
            };
            self.move_to(&uids, &folder).await?;
            match disposition {
                Disposition::Processed => batch.processed += uids.len(),
                Disposition::Refused => batch.refused += uids.len(),
                Disposition::Failed => batch.failed += uids.len(),
            }
        }
        if let Some(e) = stopped {
            tracing::warn!(mailbox = %self.mailbox, error = %e, "mail intake unavailable; messages stay in the folder");
            return Err(e.into());
        }
        Ok(batch)
    }

    /// MOVE where offered; else COPY, `\Deleted` and an expunge of those messages only (UID
    /// EXPUNGE with UIDPLUS; a plain EXPUNGE otherwise, which also removes whatever another
    /// client marked deleted: the best IMAP4rev1 allows).
    async fn move_to(&mut self, uids: &[u32], folder: &str) -> Result<(), ImapError> {
        let set = uid_set(uids);
        let dest = folder;
        if self.can_move {
            self.session.uid_mv(&set, dest).await?;
            return Ok(());
        }
        self.session.uid_copy(&set, dest).await?;
        self.session
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        if self.can_uidplus {
            self.session
                .uid_expunge(&set)
                .await?
                .try_collect::<Vec<_>>()
                .await?;
        } else {
            self.session
                .expunge()
                .await?
                .try_collect::<Vec<_>>()
                .await?;
        }
        Ok(())
    }

    /// Waits for news in the folder, at most `limit`: IDLE where the server offers it (the
    /// caller's limit stays far below the 29 minutes after which a server may drop an idle
    /// client), a plain wait of `poll_secs` otherwise.
    pub async fn wait(mut self, limit: Duration) -> Result<Self, ImapError> {
        if !self.can_idle {
            tokio::time::sleep(limit.min(Duration::from_secs(self.config.poll_secs))).await;
            self.session.noop().await?;
            return Ok(self);
        }
        let limit = limit.min(Duration::from_secs(28 * 60));
        let mailbox = self.mailbox.clone();
        let config = self.config.clone();
        let (can_move, can_uidplus) = (self.can_move, self.can_uidplus);
        let mut idle = self.session.idle();
        idle.init().await?;
        let (news, _stop) = idle.wait_with_timeout(limit);
        let answer = news.await?;
        tracing::debug!(mailbox, ?answer, "IMAP IDLE ended");
        let session = idle.done().await?;
        Ok(Self {
            mailbox,
            config,
            session,
            can_move,
            can_uidplus,
            can_idle: true,
        })
    }

    /// Logs out politely; errors do not matter any more.
    pub async fn logout(mut self) {
        let _ = self.session.logout().await;
    }
}

/// Hands the messages to `sink`, one lane per sender, up to `concurrency` lanes at once. A
/// lane takes its sender's messages in UID order, one after another: the daily quota counts
/// the requests already committed, and a reply must find the ticket its sender opened just
/// before. Each message is still its own `ingest` (its own transaction and record); running
/// several lets the store commit them together. After a temporary failure no lane starts
/// another message; what was recorded is returned with the error.
async fn ingest_all<S: MailSink>(
    sink: &S,
    mailbox: &str,
    concurrency: usize,
    messages: &[(u32, Vec<u8>)],
) -> (Vec<(u32, Disposition)>, Option<Temporary>) {
    let stop = AtomicBool::new(false);
    // Collected first: a stream over the closure itself would not be `Send` for every lifetime.
    let lanes: Vec<_> = by_sender(messages)
        .into_iter()
        .map(|lane| run_lane(sink, mailbox, &stop, lane))
        .collect();
    let ran: Vec<_> = futures::stream::iter(lanes)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut recorded = Vec::with_capacity(messages.len());
    let mut stopped = None;
    for (done, error) in ran {
        recorded.extend(done);
        stopped = stopped.or(error);
    }
    recorded.sort_unstable_by_key(|(uid, _)| *uid);
    (recorded, stopped)
}

/// One sender's messages, one after another, until done or `stop`ped.
async fn run_lane<S: MailSink>(
    sink: &S,
    mailbox: &str,
    stop: &AtomicBool,
    lane: Vec<(u32, &[u8])>,
) -> (Vec<(u32, Disposition)>, Option<Temporary>) {
    let mut done = Vec::with_capacity(lane.len());
    for (uid, raw) in lane {
        if stop.load(Ordering::Acquire) {
            break;
        }
        match sink.ingest(mailbox, raw).await {
            Ok(d) => done.push((uid, d)),
            Err(e) => {
                stop.store(true, Ordering::Release);
                return (done, Some(e));
            }
        }
    }
    (done, None)
}

/// The messages grouped by sender (lower-cased address; those naming none together), each
/// group in UID order, the groups in the order of their first message.
fn by_sender(messages: &[(u32, Vec<u8>)]) -> Vec<Vec<(u32, &[u8])>> {
    let mut lanes: Vec<Vec<(u32, &[u8])>> = Vec::new();
    let mut lane_of: HashMap<Option<String>, usize> = HashMap::new();
    for (uid, raw) in messages {
        let sender = sender_of(raw).map(|s| s.to_lowercase());
        let lane = *lane_of.entry(sender).or_insert_with(|| {
            lanes.push(Vec::new());
            lanes.len() - 1
        });
        lanes[lane].push((*uid, raw.as_slice()));
    }
    lanes
}

/// `1,5,7` from UIDs (sets of ranges would be shorter, but batches are small).
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
