//! The worker pool: `workers` tokio tasks that each claim one due job at a time under a lease,
//! run its handler in a task of its own (so a panic is a failed run, not a dead worker), and
//! settle it; plus one dispatcher task that moves outbox events into the queue.
//!
//! Workers poll every `poll_interval` and are woken early by [`Waker::wake`] (an enqueue in
//! this process). On shutdown they stop claiming and give a running job `grace` to finish. A
//! handler that works through many items sees [`stop_requested`] between two and answers
//! [`JobError::Interrupted`]: its job is released whole, without counting an attempt, and
//! resumes at its next item. A job still running after `grace` is cancelled and released too,
//! so another instance runs it at once instead of after its lease.

use crate::{JobError, Registry};
use guichet_app::Clock;
use guichet_store::job::{Backoff, Enqueued, Failure, Job, NewJob};
use guichet_store::{Store, StoreError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How the pool works.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Jobs run at the same time by this process.
    pub workers: usize,
    /// How often an idle worker looks for due jobs (retries come due without an enqueue).
    pub poll_interval: Duration,
    /// How long a claimed job stays with its worker before another may take it over.
    pub lease: chrono::Duration,
    pub backoff: Backoff,
    /// Attempts a dispatched outbox event gets before it is dead.
    pub event_max_attempts: i64,
    /// Outbox events moved per transaction.
    pub dispatch_batch: i64,
    /// How long a running job may take to finish once shutdown is asked.
    pub grace: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_interval: Duration::from_secs(1),
            lease: chrono::Duration::minutes(5),
            backoff: Backoff::default(),
            event_max_attempts: 10,
            dispatch_batch: 100,
            grace: Duration::from_secs(10),
        }
    }
}

tokio::task_local! {
    /// The shutdown signal of the pool running the current handler.
    static STOP: watch::Receiver<bool>;
}

/// Whether the pool running the current handler was asked to shut down. False outside a
/// pool's handler task (and under [`Pool::run_once`], which never stops).
pub fn stop_requested() -> bool {
    STOP.try_with(|s| *s.borrow()).unwrap_or(false)
}

/// Wakes idle workers of this process (after an enqueue) without waiting for their next poll.
#[derive(Debug, Clone)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_waiters();
    }
}

/// The workers of one process.
#[derive(Debug, Clone)]
pub struct Pool {
    store: Store,
    clock: Arc<dyn Clock>,
    registry: Registry,
    config: PoolConfig,
    /// Names this process's workers in `job.locked_by` (`<pid>-<random>`), so that two
    /// instances on one database never share a name.
    instance: String,
    notify: Arc<Notify>,
}

impl Pool {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        registry: Registry,
        config: PoolConfig,
    ) -> Self {
        let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Self {
            store,
            clock,
            registry,
            config,
            instance,
            notify: Arc::new(Notify::new()),
        }
    }

    pub fn waker(&self) -> Waker {
        Waker(self.notify.clone())
    }

    /// Enqueues a job in a transaction of its own and wakes the workers.
    pub async fn enqueue(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        let mut tx = self.store.write().await?;
        let enqueued = tx.enqueue(job, self.clock.now()).await?;
        tx.commit().await?;
        self.notify.notify_waiters();
        Ok(enqueued)
    }

    /// Moves every pending outbox event into the queue; returns how many.
    pub async fn dispatch_outbox(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let mut tx = self.store.write().await?;
            let n = tx
                .dispatch_outbox(
                    self.config.dispatch_batch,
                    self.config.event_max_attempts,
                    self.clock.now(),
                )
                .await?;
            tx.commit().await?;
            total += n;
            if n == 0 {
                break;
            }
        }
        if total > 0 {
            self.notify.notify_waiters();
        }
        Ok(total)
    }

    /// Releases expired leases, then claims and runs at most one due job as `worker`. Returns
    /// whether a job ran. Tests drive the queue with this and an injected clock.
    pub async fn run_once(&self, worker: &str) -> Result<bool, StoreError> {
        let (_tx, mut never) = watch::channel(false);
        self.step(worker, &mut never).await
    }

    async fn step(
        &self,
        worker: &str,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<bool, StoreError> {
        let kinds = self.registry.kinds();
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let released = tx.requeue_expired(now).await?;
        let job = tx
            .claim(worker, &kinds, 1, self.config.lease, now)
            .await?
            .pop();
        tx.commit().await?;
        if released > 0 {
            tracing::warn!(released, "released jobs whose worker stopped or hung");
        }
        let Some(job) = job else {
            return Ok(false);
        };
        let outcome = self.execute(&job, worker, stop).await;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        match outcome {
            Some(Ok(())) => {
                tx.complete_job(job.id, worker, now).await?;
            }
            Some(Err(JobError::Interrupted)) | None => {
                tx.release_job(job.id, worker, now).await?;
                tracing::info!(job = job.id, kind = %job.kind, "job released at shutdown");
            }
            Some(Err(e)) => {
                let failure = match e {
                    JobError::Retryable(_) => Failure::Retryable {
                        backoff: self.config.backoff,
                        jitter: rand::random::<f64>(),
                    },
                    JobError::Permanent(_) | JobError::Interrupted => Failure::Permanent,
                };
                let state = tx
                    .fail_job(job.id, worker, &e.to_string(), failure, now)
                    .await?;
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %e, ?state, "job failed");
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Runs the job's handler, renewing the lease while it runs (so a long job is never taken
    /// over by another worker while this one is alive); none when shutdown cut it short.
    async fn execute(
        &self,
        job: &Job,
        worker: &str,
        stop: &mut watch::Receiver<bool>,
    ) -> Option<Result<(), JobError>> {
        let Some(handler) = self.registry.get(&job.kind) else {
            // Claimed only for registered kinds: a registry changed under a running pool.
            return Some(Err(JobError::Retryable(format!(
                "no handler for {}",
                job.kind
            ))));
        };
        let owned = job.clone();
        let signal = stop.clone();
        let mut task =
            tokio::spawn(STOP.scope(signal, async move { handler.run_boxed(&owned).await }));
        let beat = (self.config.lease / 3)
            .to_std()
            .unwrap_or_default()
            .max(Duration::from_millis(100));
        let joined = loop {
            tokio::select! {
                r = &mut task => break r,
                () = stopped(stop) => match tokio::time::timeout(self.config.grace, &mut task).await {
                    Ok(r) => break r,
                    Err(_) => {
                        task.abort();
                        return None;
                    }
                },
                () = tokio::time::sleep(beat) => self.heartbeat(job, worker).await,
            }
        };
        Some(joined.unwrap_or_else(|e| {
            Err(JobError::Retryable(if e.is_panic() {
                "the handler panicked".into()
            } else {
                "the handler was cancelled".into()
            }))
        }))
    }

    async fn heartbeat(&self, job: &Job, worker: &str) {
        let now = self.clock.now();
        let renewed = async {
            let mut tx = self.store.write().await?;
            let held = tx
                .heartbeat(job.id, worker, now + self.config.lease, now)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(held)
        };
        match renewed.await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(job = job.id, kind = %job.kind, "lease lost while running"),
            Err(e) => tracing::warn!(job = job.id, error = %e, "lease not renewed; retrying"),
        }
    }

    /// Runs the workers and the dispatcher until `shutdown` resolves, then lets them finish or
    /// release their jobs.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..self.config.workers.max(1) {
            let pool = self.clone();
            let mut stop = stop_rx.clone();
            tasks.spawn(async move {
                let name = format!("{}:{n}", pool.instance);
                pool.work(&name, &mut stop).await;
            });
        }
        let pool = self.clone();
        let mut stop = stop_rx.clone();
        tasks.spawn(async move { pool.dispatch_loop(&mut stop).await });
        tracing::info!(workers = self.config.workers, kinds = ?self.registry.kinds(), "workers started");
        shutdown.await;
        let _ = stop_tx.send(true);
        while tasks.join_next().await.is_some() {}
        tracing::info!("workers stopped");
    }

    async fn work(&self, name: &str, stop: &mut watch::Receiver<bool>) {
        while !*stop.borrow() {
            match self.step(name, stop).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "job queue unavailable; retrying"),
            }
            tokio::select! {
                () = self.notify.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
                () = stopped(stop) => {}
            }
        }
    }

    async fn dispatch_loop(&self, stop: &mut watch::Receiver<bool>) {
        while !*stop.borrow() {
            if let Err(e) = self.dispatch_outbox().await {
                tracing::warn!(error = %e, "outbox dispatch failed; retrying");
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.poll_interval) => {}
                () = stopped(stop) => {}
            }
        }
    }
}

/// Resolves once shutdown was asked (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
