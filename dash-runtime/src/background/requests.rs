//! The background-callback side of a callback call (§6.2 of the protocol): starting a job,
//! answering polls, cancelling. Answers are protocol-level ([`Reply`] / [`Failure`]); the
//! transport encodes them.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::cache_key::cache_key;
use super::record::{merge_side_updates, new_job_id, JobPayload, JobState, Outcome};
use super::store::NewJob;
use super::Service;
use crate::blocking::BlockingPool;
use crate::callback::background::Background;
use crate::callback::dispatch::Args;
use crate::callback::job::JobContext;
use crate::callback::serverside::ServersideCall;
use crate::callback::{sync_scope, CallbackContext, CallbackError, ErrorHandler};
use crate::protocol::{Failure, OutputTarget, Query, Reply, UpdateResponse};
use crate::registry::RegisteredCallback;
use crate::signing::Signer;

fn job_scope(end: &str) -> String {
    format!("job:{end}")
}

fn cache_scope(end: &str) -> String {
    format!("cacheKey:{end}")
}

/// The verified page token value, or `""` (Dash's scope for a missing or invalid one).
fn end_id<'a>(query: &'a Query, signer: &Signer) -> &'a str {
    query
        .first("endId")
        .and_then(|t| signer.verify("end", t))
        .unwrap_or("")
}

/// Cancel every job named by a verified `cancelJob` parameter (any callback's request may
/// carry them; in practice the cancel helper's).
pub(crate) async fn cancel_requested(service: &Service, signer: &Signer, query: &Query) {
    let scope = job_scope(end_id(query, signer));
    for handle in query.all("cancelJob") {
        if let Some(id) = signer.verify(&scope, handle) {
            if let Err(err) = service.store.cancel(id).await {
                tracing::warn!(job = %id, "cancelling a job failed: {err}");
            }
        }
    }
}

fn unavailable(err: &super::BackgroundError) -> Failure {
    tracing::error!("background job store unavailable: {err}");
    Failure::Unavailable(format!("the background job store is unavailable: {err}"))
}

/// One call of a background callback, with what answering it needs.
pub(crate) struct JobRequest<'a> {
    pub service: &'a Service,
    pub signer: &'a Signer,
    /// The app-wide `on_error` handler.
    pub on_error: Option<&'a ErrorHandler>,
    /// Where the app-wide handler runs.
    pub pool: &'a BlockingPool,
    pub callback: &'a RegisteredCallback,
    pub background: &'static Background,
    pub query: &'a Query,
}

impl JobRequest<'_> {
    fn failed(&self, message: &str) -> Failure {
        let spec = self.callback.spec;
        tracing::error!(callback = spec.name, location = %spec.location(), "background callback failed: {message}");
        Failure::Callback {
            callback: spec.name,
            location: spec.location(),
            message: message.to_owned(),
            background: true,
        }
    }

    /// A poll when the request carries a `cacheKey`, otherwise the start of a new job.
    pub(crate) async fn respond(
        &self,
        ctx: Arc<CallbackContext>,
        values: Vec<Value>,
        targets: Vec<OutputTarget>,
    ) -> Result<Reply, Failure> {
        if self.query.first("cacheKey").is_some() {
            self.poll(ctx, targets).await
        } else {
            self.start(ctx, values).await
        }
    }

    async fn start(&self, ctx: Arc<CallbackContext>, values: Vec<Value>) -> Result<Reply, Failure> {
        let (signer, service, bg) = (self.signer, self.service, self.background);
        let spec = self.callback.spec;
        let end = end_id(self.query, signer);
        for handle in self.query.all("oldJob") {
            if let Some(id) = signer.verify(&job_scope(end), handle) {
                service
                    .store
                    .cancel(id)
                    .await
                    .map_err(|e| unavailable(&e))?;
            }
        }
        // The shim deserialises the arguments before it builds the job: a bad value is this
        // request's error. The job itself is dropped unpolled, so no user code runs here.
        // `Serverside` parameters are decoded where the job runs: a parameter that failed
        // only for that is not this request's error.
        let checked = sync_scope(ctx.clone(), || {
            (bg.run)(
                Args::new(spec, values.clone()),
                JobContext::detached(bg.progress.len()),
            )
        });
        let deferred = ctx
            .extension::<Arc<ServersideCall>>()
            .is_some_and(|call| call.met_deferred_key());
        match checked {
            Ok(job) => drop(job),
            Err(CallbackError::Argument { .. }) if deferred => {}
            Err(err @ CallbackError::Argument { .. }) => {
                return Err(Failure::Argument {
                    callback: spec.name,
                    message: err.to_string(),
                })
            }
            Err(err) => return Err(self.failed(&err.to_string())),
        }
        let ttl_ms = service.ttl_ms(bg);
        let key = bg.cache.as_ref().map(|cache| {
            cache_key(
                &self.callback.descriptor,
                bg,
                cache,
                &values,
                &ctx.changed_prop_ids,
            )
        });
        let id = new_job_id();
        let job = NewJob {
            id: id.clone(),
            payload: JobPayload::new(&self.callback.descriptor, values, &ctx),
            cache_key: key.clone(),
            ttl_ms,
        };
        let cached = match &key {
            Some(key) => service
                .store
                .cached(key, ttl_ms)
                .await
                .map_err(|e| unavailable(&e))?,
            None => None,
        };
        match cached {
            Some(outcome) => service.store.submit_done(job, outcome).await,
            None => service.store.submit(job).await,
        }
        .map_err(|e| unavailable(&e))?;
        let mut body = Map::new();
        body.insert(
            "cacheKey".into(),
            Value::String(signer.sign(&cache_scope(end), key.as_deref().unwrap_or(&id))),
        );
        body.insert(
            "job".into(),
            Value::String(signer.sign(&job_scope(end), &id)),
        );
        if !bg.cancel.is_empty() {
            body.insert(
                "cancel".into(),
                bg.cancel
                    .iter()
                    .map(|d| json!({"id": d.id.stringify(), "property": d.property}))
                    .collect(),
            );
        }
        if let Some(defaults) = bg.progress_default_map() {
            body.insert("progressDefault".into(), Value::Object(defaults));
        }
        Ok(Reply::Job(Value::Object(body)))
    }

    async fn poll(
        &self,
        ctx: Arc<CallbackContext>,
        targets: Vec<OutputTarget>,
    ) -> Result<Reply, Failure> {
        let (signer, bg) = (self.signer, self.background);
        let end = end_id(self.query, signer);
        let key = self
            .query
            .first("cacheKey")
            .and_then(|k| signer.verify(&cache_scope(end), k));
        let job = self
            .query
            .first("job")
            .and_then(|j| signer.verify(&job_scope(end), j));
        let (Some(_), Some(job)) = (key, job) else {
            // Forged handles, or handles of another page: nothing to say.
            return Ok(Reply::NoContent);
        };
        let read = self
            .service
            .store
            .poll(job, &self.callback.descriptor)
            .await
            .map_err(|e| unavailable(&e))?;
        let Some(job_state) = read.state else {
            return Ok(Reply::NoContent);
        };
        let progress = read
            .progress
            .filter(|_| !bg.progress.is_empty())
            .map(|values| Value::Object(bg.progress_map(values)));
        let side = merge_side_updates(read.side_updates);
        let response = match (job_state, read.outcome) {
            (JobState::Queued | JobState::Running, _) => {
                let mut body = Map::new();
                body.insert("multi".into(), Value::Bool(true));
                if let Some(progress) = progress {
                    body.insert("progress".into(), progress);
                }
                if !side.is_empty() {
                    body.insert("sideUpdate".into(), Value::Object(side));
                }
                return Ok(Reply::Job(Value::Object(body)));
            }
            (JobState::Done, Some(outcome @ Outcome::Values { .. })) => {
                // A page following the job over the websocket gets its last progress too
                // (over HTTP the renderer's last poll shows whatever it saw last, as in Dash).
                if let (Some(Value::Object(progress)), true) = (
                    &progress,
                    ctx.extension::<crate::realtime::Push>().is_some(),
                ) {
                    for (prop_id, value) in progress {
                        if let Some((id, prop)) = prop_id.rsplit_once('.') {
                            let mut props = Map::new();
                            props.insert(prop.to_owned(), value.clone());
                            ctx.set_props(Value::String(id.to_owned()), Value::Object(props));
                        }
                    }
                }
                if let Outcome::Values { serverside, .. } = &outcome {
                    // The job stored these values; the answer carries their keys signed for
                    // this request's session.
                    if let Some(call) = ctx.extension::<Arc<ServersideCall>>() {
                        call.adopt(serverside.iter().cloned());
                    }
                }
                let values = outcome.output_values().unwrap_or_default();
                UpdateResponse::from_outputs(&targets, values)
                    .map_err(|err| self.failed(&err.to_string()))?
                    .with_side_updates(side)
            }
            (JobState::Done, Some(Outcome::Error { message })) => {
                let Some(handler) = self.on_error else {
                    return Err(self.failed(&message));
                };
                let spec = self.callback.spec;
                tracing::warn!(callback = spec.name, location = %spec.location(), "background callback failed, handled by on_error: {message}");
                let (handler, job_ctx) = (handler.clone(), ctx.clone());
                self.pool
                    .admit()
                    .await
                    .run(move || {
                        sync_scope(job_ctx, || handler(&CallbackError::User(message)));
                    })
                    .await
                    .map_err(|panic| self.failed(&panic.to_string()))?;
                let mut all = side;
                all.extend(ctx.take_side_updates());
                UpdateResponse::default().with_side_updates(all)
            }
            // Prevented, cancelled, already delivered: no outputs, only what set_props left.
            _ => UpdateResponse::default().with_side_updates(side),
        };
        if response.is_empty() {
            return Ok(Reply::NoContent);
        }
        Ok(Reply::Update(match progress {
            Some(progress) => response.with_progress(progress),
            None => response,
        }))
    }
}
