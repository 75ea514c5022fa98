//! Worker mode: the same program, started with `--worker` (or `DASH_WORKER=1`), runs the
//! background jobs queued in Redis instead of serving HTTP.
//!
//! Each worker reads the stream through the consumer group, so every job goes to one worker
//! and the oldest waiting job is taken first. While a job runs, its worker renews its claim on
//! the stream entry; an entry whose worker stopped renewing (the process died) is taken over
//! with `XAUTOCLAIM` by another worker, which runs the job again as a new attempt.
//!
//! Claims are renewed every second (or every third of a shorter lease) and stale entries are
//! looked for every second (or every quarter of a shorter lease), so a killed worker's job is
//! taken over about one lease (default 5 s) after its last renewal. A stopping worker lets
//! its jobs finish for up to the shutdown grace, then gives the rest back at once (see
//! [`RedisStore::release`]). When Redis goes away, every loop keeps retrying (logging once),
//! and picks up where it was when Redis is back.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redis::streams::{StreamId, StreamReadReply};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::record::now_ms;
use super::redis::{connect, RedisStore, GROUP};
use super::runner::{self, Lookup};
use super::store::{Claim, Store};
use super::{BackgroundError, Settings};
use crate::callback::job::CancelToken;

/// How long one stream read waits for a job.
const BLOCK: Duration = Duration::from_secs(2);

/// How often cancel flags are checked.
const CANCEL_CHECK: Duration = Duration::from_millis(200);

/// The longest time between two claim renewals, and between two looks for stale entries.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// Logs a failing loop once when it starts failing and once when it works again.
#[derive(Default)]
struct Outage(bool);

impl Outage {
    fn check<T>(&mut self, what: &str, result: Result<T, BackgroundError>) -> Option<T> {
        match result {
            Ok(v) => {
                if std::mem::take(&mut self.0) {
                    tracing::info!("{what}: Redis answers again");
                }
                Some(v)
            }
            Err(err) => {
                if !std::mem::replace(&mut self.0, true) {
                    tracing::warn!("{what} failed: {err}; retrying until Redis answers");
                }
                None
            }
        }
    }
}

struct Running {
    claim: Claim,
    entry: String,
    token: CancelToken,
}

struct Worker {
    store: Arc<RedisStore>,
    lookup: Lookup,
    settings: Settings,
    name: String,
    permits: Arc<Semaphore>,
    running: Mutex<HashMap<String, Running>>,
    /// Shutting down: take no more jobs.
    stopping: AtomicBool,
}

/// Run jobs until `shutdown` completes, then let the jobs in hand finish (up to the shutdown
/// grace) and give the others back.
pub(crate) async fn run(
    store: Arc<RedisStore>,
    lookup: Lookup,
    settings: Settings,
    app_name: &str,
    shutdown: impl Future<Output = ()>,
) -> Result<(), BackgroundError> {
    let name = format!(
        "{app_name}-pid{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 3]>())
    );
    let worker = Arc::new(Worker {
        permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
        store,
        lookup,
        settings,
        name,
        running: Mutex::new(HashMap::new()),
        stopping: AtomicBool::new(false),
    });
    tracing::info!(
        worker = %worker.name,
        concurrency = worker.settings.concurrency.max(1),
        "background worker started"
    );
    let maintenance = tokio::spawn(maintain(worker.clone()));
    let reader = read_loop(worker.clone());
    tokio::pin!(shutdown);
    let result = tokio::select! {
        r = reader => r,
        _ = &mut shutdown => Ok(()),
    };
    worker.stopping.store(true, Ordering::SeqCst);
    tracing::info!(worker = %worker.name, grace = ?worker.settings.shutdown_grace, "background worker stopping; finishing the jobs in hand");
    let all = u32::try_from(worker.settings.concurrency.max(1)).unwrap_or(u32::MAX);
    let finished = tokio::time::timeout(
        worker.settings.shutdown_grace,
        worker.permits.acquire_many(all),
    )
    .await
    .is_ok();
    if !finished {
        worker.release_all().await;
    }
    maintenance.abort();
    result
}

impl Worker {
    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stop the jobs still running and give them back, so other workers take them at once.
    async fn release_all(&self) {
        let jobs: Vec<(Claim, String, CancelToken)> = self
            .running()
            .values()
            .map(|r| (r.claim.clone(), r.entry.clone(), r.token.clone()))
            .collect();
        for (claim, entry, token) in jobs {
            token.cancel();
            match self.store.release(&claim, &entry, &self.name).await {
                Ok(true) => {
                    tracing::info!(job = %claim.id, attempt = claim.attempt, "handed an unfinished job over to other workers");
                }
                Ok(false) => {}
                Err(err) => {
                    // Its claim is no longer renewed: it is taken over one lease from now.
                    tracing::warn!(job = %claim.id, "handing a job over failed: {err}");
                }
            }
        }
    }

    /// Claim and start the job of one stream entry.
    async fn take(self: &Arc<Self>, entry: &StreamId, permit: OwnedSemaphorePermit) {
        let Some(job_id) = entry.get::<String>("job") else {
            tracing::warn!(entry = %entry.id, "stream entry without a job id; dropped");
            self.ack("", 0, &entry.id).await;
            return;
        };
        let claim = match self.store.claim(&job_id, &self.name).await {
            Ok(Some(claim)) => claim,
            Ok(None) => {
                self.ack(&job_id, 0, &entry.id).await;
                return;
            }
            Err(err) => {
                // Left pending: another worker (or this one) takes it over later.
                tracing::warn!(job = %job_id, "claiming a job failed: {err}");
                return;
            }
        };
        if claim.exhausted(self.settings.max_attempts) {
            let outcome = runner::abandoned(claim.attempt - 1);
            if let Err(err) = self.store.finish(&claim, &outcome).await {
                tracing::warn!(job = %job_id, "storing the abandoned outcome failed: {err}");
            }
            self.ack(&job_id, claim.attempt, &entry.id).await;
            return;
        }
        if claim.attempt > 1 {
            tracing::warn!(job = %job_id, attempt = claim.attempt, worker = %self.name, "took over a job whose worker stopped");
        }
        let token = CancelToken::new();
        self.running().insert(
            job_id.clone(),
            Running {
                claim: claim.clone(),
                entry: entry.id.clone(),
                token: token.clone(),
            },
        );
        let this = self.clone();
        let entry_id = entry.id.clone();
        tokio::spawn(async move {
            let attempt = claim.attempt;
            let store: Arc<dyn Store> = this.store.clone();
            runner::run(&this.lookup, store, claim, token.clone()).await;
            {
                let mut running = this.running();
                if running
                    .get(&job_id)
                    .is_some_and(|r| r.claim.attempt == attempt)
                {
                    running.remove(&job_id);
                }
            }
            if !token.is_cancelled() || !this.stopping.load(Ordering::SeqCst) {
                this.ack(&job_id, attempt, &entry_id).await;
            }
            drop(permit);
        });
    }

    async fn ack(&self, job_id: &str, attempt: u32, entry: &str) {
        if let Err(err) = self.store.ack(job_id, attempt, entry).await {
            tracing::warn!(job = %job_id, "acknowledging a stream entry failed: {err}");
        }
    }
}

/// Read new entries, one per free slot, oldest first.
async fn read_loop(worker: Arc<Worker>) -> Result<(), BackgroundError> {
    let mut conn = connect(worker.store.client(), BLOCK).await?;
    let stream = worker.store.stream();
    let mut outage = Outage::default();
    loop {
        let permit = worker
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| BackgroundError::Task(e.to_string()))?;
        let reply: Result<Option<StreamReadReply>, _> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(GROUP)
            .arg(&worker.name)
            .arg("COUNT")
            .arg(1)
            .arg("BLOCK")
            .arg(u64::try_from(BLOCK.as_millis()).unwrap_or(2000))
            .arg("STREAMS")
            .arg(&stream)
            .arg(">")
            .query_async(&mut conn)
            .await;
        let reply = match reply {
            Err(err) if err.code() == Some("NOGROUP") => {
                // The stream vanished (Redis restarted without persistence, or a test cleaned
                // up): recreate it with its group.
                drop(permit);
                let recreated = worker.store.ensure_group().await;
                if outage
                    .check("recreating the job stream", recreated)
                    .is_none()
                {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                continue;
            }
            other => other.map_err(BackgroundError::from),
        };
        match outage.check("reading the job stream", reply) {
            Some(Some(reply)) => {
                let entry = reply.keys.into_iter().flat_map(|k| k.ids).next();
                match entry {
                    Some(entry) => worker.take(&entry, permit).await,
                    None => drop(permit),
                }
            }
            Some(None) => drop(permit),
            None => {
                drop(permit);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Cancel flags, claim renewal and take-overs.
async fn maintain(worker: Arc<Worker>) {
    let mut ticks: u64 = 0;
    let lease = worker.settings.lease;
    let every = |d: Duration| {
        u64::try_from((d.as_millis() / CANCEL_CHECK.as_millis()).max(1)).unwrap_or(u64::MAX)
    };
    let renew_every = every(HEARTBEAT.min(lease / 3));
    let reclaim_every = every(HEARTBEAT.min(lease / 4));
    let (mut cancels, mut reclaims) = (Outage::default(), Outage::default());
    loop {
        tokio::time::sleep(CANCEL_CHECK).await;
        ticks += 1;
        cancels.check("checking cancel flags", check_cancels(&worker).await);
        if ticks % renew_every == 0 {
            renew(&worker).await;
        }
        if ticks % reclaim_every == 0 && !worker.stopping.load(Ordering::SeqCst) {
            reclaims.check("taking over stale jobs", reclaim(&worker).await);
        }
    }
}

async fn check_cancels(worker: &Worker) -> Result<(), BackgroundError> {
    let ids: Vec<String> = worker.running().keys().cloned().collect();
    let flags = worker.store.cancelled(&ids).await?;
    let running = worker.running();
    for (id, cancelled) in ids.iter().zip(flags) {
        if let (true, Some(job)) = (cancelled, running.get(id)) {
            job.token.cancel();
        }
    }
    Ok(())
}

async fn renew(worker: &Worker) {
    let jobs: Vec<(Claim, String, CancelToken)> = worker
        .running()
        .values()
        .map(|r| (r.claim.clone(), r.entry.clone(), r.token.clone()))
        .collect();
    for (claim, entry, token) in jobs {
        match worker.store.heartbeat(&claim, &entry, &worker.name).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(job = %claim.id, attempt = claim.attempt, "job is no longer ours (cancelled or taken over); stopping it");
                token.cancel();
            }
            Err(err) => tracing::debug!(job = %claim.id, "renewing a job claim failed: {err}"),
        }
    }
}

/// Take over entries whose worker stopped renewing them, as many as there are free slots.
async fn reclaim(worker: &Arc<Worker>) -> Result<(), BackgroundError> {
    let free = worker.permits.available_permits();
    if free == 0 {
        return Ok(());
    }
    let reply = match worker
        .store
        .autoclaim(&worker.name, worker.settings.lease, free)
        .await
    {
        Err(BackgroundError::Redis(e)) if e.code() == Some("NOGROUP") => {
            return worker.store.ensure_group().await;
        }
        other => other?,
    };
    for entry in reply.claimed {
        let ours = worker.running().values().any(|r| r.entry == entry.id);
        if ours {
            // Our own job, whose renewals failed for a while (Redis was away): it still runs
            // here, and the claim just taken keeps it ours.
            continue;
        }
        let Ok(permit) = worker.permits.clone().try_acquire_owned() else {
            // No slot after all: the entry stays ours and idle, so it is taken over again later.
            break;
        };
        tracing::info!(entry = %entry.id, at = now_ms(), "reclaimed a stale stream entry");
        worker.take(&entry, permit).await;
    }
    Ok(())
}
