//! Running one job: the callback's shim inside its callback context, with the job's reports
//! written to the store in order and the outcome stored last.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;

use super::record::Outcome;
use super::store::{Claim, Store, StoreFuture};
use super::BackgroundError;
use crate::callback::background::Background;
use crate::callback::dispatch::{panic_error, Args, Handler};
use crate::callback::job::{Batch, CancelToken, JobContext, Reports};
use crate::callback::serverside::{self, ServersideCall};
use crate::callback::{scope, sync_scope, CallbackSpec, MissingValue};
use crate::registry::Registry;

/// The background callbacks of this program, by output descriptor.
#[derive(Default, Clone)]
pub(crate) struct Lookup {
    by_descriptor: HashMap<String, (&'static CallbackSpec, &'static Background)>,
    /// Where jobs read and keep `Serverside` values (`None`: [`crate::store::current`]).
    data: Option<crate::store::DataStore>,
    /// What a job does when a `Serverside` input's value is gone.
    missing: MissingValue,
}

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookup")
            .field("callbacks", &self.by_descriptor.len())
            .field("missing", &self.missing)
            .finish()
    }
}

impl Lookup {
    pub(crate) fn from_registry(registry: &Registry) -> Self {
        let by_descriptor = registry
            .callbacks()
            .iter()
            .filter_map(|c| match c.spec.handler {
                Handler::Background(bg) => Some((c.descriptor.clone(), (c.spec, bg))),
                _ => None,
            })
            .collect();
        Lookup {
            by_descriptor,
            ..Lookup::default()
        }
    }

    /// Jobs keep their `Serverside` values in `store` (the app's data store).
    pub(crate) fn with_data(
        mut self,
        store: crate::store::DataStore,
        missing: MissingValue,
    ) -> Self {
        self.data = Some(store);
        self.missing = missing;
        self
    }

    fn data_store(&self) -> crate::store::DataStore {
        self.data.clone().unwrap_or_else(crate::store::current)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_descriptor.is_empty()
    }

    fn get(&self, descriptor: &str) -> Option<(&'static CallbackSpec, &'static Background)> {
        self.by_descriptor.get(descriptor).copied()
    }
}

/// The outcome given to a job that was started too often (its workers kept dying).
pub(crate) fn abandoned(attempts: u32) -> Outcome {
    Outcome::Error {
        message: format!(
            "the job was abandoned: it was started {attempts} times and its worker stopped each time"
        ),
    }
}

/// Run a claimed job to its end and store the outcome. Returns once the outcome is stored,
/// refused (the attempt is stale or the job was cancelled), or the store failed.
pub(crate) async fn run(lookup: &Lookup, store: Arc<dyn Store>, claim: Claim, token: CancelToken) {
    let outcome = execute(lookup, &store, &claim, &token).await;
    let Some(outcome) = outcome else {
        tracing::debug!(job = %claim.id, "job cancelled; no outcome stored");
        return;
    };
    // Retried while the store is unreachable, so a restart of Redis does not lose the result.
    let never = CancelToken::new();
    match retry(&never, || store.finish(&claim, &outcome)).await {
        Ok(true) => {}
        Ok(false) => tracing::info!(
            job = %claim.id,
            attempt = claim.attempt,
            "job outcome not stored: the job was cancelled or a newer attempt owns it"
        ),
        Err(err) => tracing::error!(job = %claim.id, "storing the job outcome failed: {err}"),
    }
}

/// The job's outcome; `None` when it was cancelled.
async fn execute(
    lookup: &Lookup,
    store: &Arc<dyn Store>,
    claim: &Claim,
    token: &CancelToken,
) -> Option<Outcome> {
    let Some((spec, bg)) = lookup.get(&claim.payload.callback) else {
        return Some(Outcome::Error {
            message: format!(
                "this program has no background callback for '{}' (is the worker the same build as the web process?)",
                claim.payload.callback
            ),
        });
    };
    let reports = Arc::new(Reports::default());
    let writer = tokio::spawn(write_reports(
        store.clone(),
        claim.clone(),
        reports.clone(),
        token.clone(),
    ));
    let data = lookup.data_store();
    let serverside = match load_serverside(&data, spec, lookup.missing, &claim.payload.values).await
    {
        Ok(call) => Arc::new(call),
        Err(outcome) => {
            reports.close();
            let _ = writer.await;
            return Some(outcome);
        }
    };
    let job = JobContext::new(token.clone(), reports.clone(), bg.progress.len());
    let mut ctx = claim.payload.context();
    ctx.job = Some(job.clone());
    ctx.extensions.insert(serverside.clone());
    let ctx = Arc::new(ctx);
    let args = Args::new(spec, claim.payload.values.clone());
    // The shim decodes the arguments (`Serverside` ones from the context) before the job runs.
    let result = match sync_scope(ctx.clone(), || (bg.run)(args, job)) {
        Err(err) => Err(err),
        Ok(fut) => {
            let guarded = scope(ctx, AssertUnwindSafe(fut).catch_unwind());
            tokio::select! {
                r = guarded => r.unwrap_or_else(|payload| Err(panic_error(&*payload))),
                _ = token.cancelled() => {
                    reports.close();
                    let _ = writer.await;
                    return None;
                }
            }
        }
    };
    // Everything the job reported is written before its outcome.
    reports.end();
    let _ = writer.await;
    if token.is_cancelled() {
        return None;
    }
    let mut outcome = Outcome::from_result(result);
    if let Outcome::Values {
        serverside: ids, ..
    } = &mut outcome
    {
        let staged = serverside.take_staged();
        if let Err(message) = store_serverside(&data, &staged).await {
            return Some(Outcome::Error { message });
        }
        ids.extend(staged.into_iter().map(|s| s.id));
    }
    Some(outcome)
}

/// The `Serverside` values a job's arguments name, loaded from the data store. The keys were
/// verified when the job was started (the job's stored arguments are not the browser's to
/// change); a value that is gone ends the job at once.
async fn load_serverside(
    data: &crate::store::DataStore,
    spec: &'static CallbackSpec,
    missing: MissingValue,
    values: &[serde_json::Value],
) -> Result<ServersideCall, Outcome> {
    let mut loaded = HashMap::new();
    for found in serverside::find_keys(values, serverside::MAX_KEYS_PER_CALL) {
        let dependency = spec
            .argument(found.argument)
            .map_or_else(|| format!("argument {}", found.argument), |d| d.prop_id());
        let gone = || match missing {
            MissingValue::PreventUpdate => Outcome::Prevented,
            MissingValue::Error => Outcome::Error {
                message: format!(
                    "the server-side value of {dependency} {}",
                    crate::protocol::ServersideProblem::Expired
                ),
            },
        };
        let Some(id) = serverside::key_id(&found.key) else {
            return Err(gone());
        };
        match data.get_shared(&serverside::storage_key(id)).await {
            Ok(Some(bytes)) => {
                loaded.insert(found.key, bytes);
            }
            Ok(None) => return Err(gone()),
            Err(err) => {
                return Err(Outcome::Error {
                    message: format!("the data store is unavailable: {err}"),
                })
            }
        }
    }
    Ok(ServersideCall::new(loaded, data.compression_threshold()))
}

/// Store the `Serverside` values a job returned.
async fn store_serverside(
    data: &crate::store::DataStore,
    staged: &[serverside::Staged],
) -> Result<(), String> {
    for s in staged {
        if let Some(bytes) = &s.bytes {
            data.put_bytes(&serverside::storage_key(&s.id), bytes.clone(), s.ttl)
                .await
                .map_err(|err| format!("a Serverside value could not be stored: {err}"))?;
        }
    }
    Ok(())
}

/// Write the job's reports in order until the job ends. Progress is the latest value; every
/// `set_props` call is kept. A refused write (stale attempt, cancelled job) cancels the job;
/// a failed one (the store is unreachable) is retried until it succeeds, the job is
/// cancelled, or [`RETRY_FOR`] has passed.
async fn write_reports(
    store: Arc<dyn Store>,
    claim: Claim,
    reports: Arc<Reports>,
    token: CancelToken,
) {
    while let Some(Batch { progress, calls }) = reports.next().await {
        if !calls.is_empty() {
            let written = retry(&token, || store.push_side_updates(&claim, calls.clone())).await;
            report(&claim, &token, written);
        }
        if let Some(values) = progress {
            let written = retry(&token, || store.write_progress(&claim, values.clone())).await;
            report(&claim, &token, written);
        }
        if token.is_cancelled() {
            reports.close();
            return;
        }
    }
}

/// How long a write the store failed (e.g. Redis restarting) is retried.
pub(crate) const RETRY_FOR: Duration = Duration::from_secs(60);

/// Run `write` until the store answers, the job is cancelled, or [`RETRY_FOR`] has passed
/// (then the last error).
pub(crate) async fn retry<'a, T>(
    token: &CancelToken,
    mut write: impl FnMut() -> StoreFuture<'a, T>,
) -> Result<T, BackgroundError> {
    let begun = Instant::now();
    let mut pause = Duration::from_millis(100);
    let mut logged = false;
    loop {
        match write().await {
            Ok(v) => return Ok(v),
            Err(err) if begun.elapsed() >= RETRY_FOR || token.is_cancelled() => return Err(err),
            Err(err) => {
                if !logged {
                    tracing::warn!("background job store: {err}; retrying");
                    logged = true;
                }
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = token.cancelled() => {}
                }
                pause = (pause * 2).min(Duration::from_secs(2));
            }
        }
    }
}

fn report(claim: &Claim, token: &CancelToken, written: Result<bool, BackgroundError>) {
    match written {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(job = %claim.id, attempt = claim.attempt, "job stopped: it was cancelled or a newer attempt owns it");
            token.cancel();
        }
        Err(err) => tracing::warn!(job = %claim.id, "writing a job report failed: {err}"),
    }
}
