//! Running one regular (non-background) callback call.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::Value;

use super::{CallRequest, Dispatcher};
use crate::callback::dispatch::{catch_panic, panic_error, Args, CallResult, Handler};
use crate::callback::{scope, sync_scope, CallbackContext, CallbackError, CallbackSpec};
use crate::protocol::{Failure, Reply, RequestError, UpdateResponse};
use crate::registry::RegisteredCallback;
use crate::sessions::Admission;

/// How long a client should wait before retrying a call refused by a full pool.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The failure of a call refused by a full pool.
pub(super) fn busy() -> Failure {
    Failure::Busy {
        retry_after: RETRY_AFTER,
    }
}

pub(super) async fn run(
    dispatcher: &Dispatcher,
    callback: &RegisteredCallback,
    request: CallRequest,
) -> Result<Reply, Failure> {
    let spec = callback.spec;
    let CallRequest {
        update,
        headers,
        query,
        path,
        extensions: from_transport,
    } = request;
    let values = update.argument_values(spec)?;
    let targets = update.output_targets(spec)?;
    let admission = match spec.handler {
        Handler::Background(_) if query.first("cacheKey").is_some() => Admission::Skip,
        Handler::Background(_) => Admission::Verify,
        Handler::Clientside(_) => Admission::Skip,
        Handler::Sync(_) | Handler::Async(_) => Admission::Load,
    };
    let server_data = &dispatcher.server_data;
    let data = match server_data.admit(spec, &headers, &values, admission).await {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    let mut extensions = dispatcher.extensions.clone();
    extensions.extend(from_transport);
    data.attach(&mut extensions);
    let ctx = Arc::new(CallbackContext {
        inputs_list: update.inputs,
        states_list: update.state,
        outputs_list: update.outputs.unwrap_or_default(),
        changed_prop_ids: update.changed_prop_ids,
        query: query.pairs().to_vec(),
        path,
        headers,
        side_updates: Default::default(),
        extensions,
        job: None,
    });
    if let Some(background) = &dispatcher.background {
        // `cancelJob` handles ride on the request of any callback sharing a cancel input.
        crate::background::cancel_requested(background, &dispatcher.signer, &query).await;
    }
    let result = match spec.handler {
        Handler::Background(bg) => {
            let Some(service) = dispatcher.background.as_deref() else {
                return Err(Failure::Callback {
                    callback: spec.name,
                    location: spec.location(),
                    message: "no background manager is running (a bug: one starts whenever the app has background callbacks)".into(),
                    background: true,
                });
            };
            let job = crate::background::JobRequest {
                service,
                signer: &dispatcher.signer,
                on_error: dispatcher.on_error.as_ref(),
                pool: &dispatcher.pool,
                callback,
                background: bg,
                query: &query,
            };
            let reply = job.respond(ctx, values, targets).await;
            return server_data.finish(spec, &data, reply).await;
        }
        Handler::Clientside(_) => {
            return Err(RequestError::Mismatch {
                callback: spec.name,
                problem: "this is a clientside callback: it runs in the browser".into(),
            }
            .into())
        }
        Handler::Sync(_) | Handler::Async(_) => {
            run_memoized(dispatcher, spec, &callback.descriptor, &ctx, values).await?
        }
    };
    let mut response = result.and_then(|values| UpdateResponse::from_outputs(&targets, values));
    if let (Err(err), Some(handler)) = (&response, &dispatcher.on_error) {
        if err.is_handled_by_on_error() {
            warn_handled(spec, err);
            let (handler, ctx, err) = (handler.clone(), ctx.clone(), err.clone());
            let handled = dispatcher
                .pool
                .admit()
                .await
                .run(move || {
                    sync_scope(ctx, || handler(&err));
                })
                .await;
            match handled {
                Ok(()) => response = Ok(UpdateResponse::default()),
                Err(err) => {
                    tracing::error!(callback = spec.name, location = %spec.location(), "the app's on_error handler failed: {err}")
                }
            }
        }
    }
    let reply = match response {
        Ok(resp) => {
            let resp = resp.with_side_updates(ctx.take_side_updates());
            if spec.outputs.is_empty() && resp.is_empty() {
                Ok(Reply::NoContent)
            } else {
                Ok(Reply::Update(resp))
            }
        }
        Err(CallbackError::PreventUpdate) => Ok(Reply::NoContent),
        Err(err @ CallbackError::Argument { .. }) => Err(Failure::Argument {
            callback: spec.name,
            message: err.to_string(),
        }),
        Err(err) => {
            tracing::error!(callback = spec.name, location = %spec.location(), "callback failed: {err}");
            Err(Failure::Callback {
                callback: spec.name,
                location: spec.location(),
                message: err.to_string(),
                background: false,
            })
        }
    };
    server_data.finish(spec, &data, reply).await
}

/// Run a regular callback, through its memo when it has one (`memoize = ".."`, see
/// [`crate::memo`]): a kept answer is replayed without running the function; otherwise the
/// function runs (once for concurrent identical calls) and an answer worth keeping is kept.
async fn run_memoized(
    dispatcher: &Dispatcher,
    spec: &'static CallbackSpec,
    descriptor: &str,
    ctx: &Arc<CallbackContext>,
    values: Vec<Value>,
) -> Result<CallResult, Failure> {
    use crate::memo::callback::{begin, finish, CallMemo};
    let Some(memo) = &spec.memoize else {
        return Ok(compute(dispatcher, spec, ctx, values).await?.0);
    };
    // Waiting for an identical call counts against the timeout too.
    match within_timeout(spec, begin(spec, memo, descriptor, ctx)).await? {
        Some(CallMemo::Hit(kept)) => Ok(kept.replay(ctx)),
        Some(CallMemo::Miss(ticket)) => {
            let (result, handled) = compute(dispatcher, spec, ctx, values).await?;
            finish(ticket, &result, handled, ctx).await;
            Ok(result)
        }
        None => Ok(compute(dispatcher, spec, ctx, values).await?.0),
    }
}

/// Run a regular callback's function: its result, and whether its own `on_error` made it.
async fn compute(
    dispatcher: &Dispatcher,
    spec: &'static CallbackSpec,
    ctx: &Arc<CallbackContext>,
    values: Vec<Value>,
) -> Result<(CallResult, bool), Failure> {
    Ok(match spec.handler {
        Handler::Sync(f) if spec.blocking => {
            let admission = dispatcher.pool.try_admit().map_err(|_| busy())?;
            let ctx = ctx.clone();
            let job = admission.run(move || sync_scope(ctx, || call_sync(spec, f, values)));
            match within_timeout(spec, job).await? {
                Ok(done) => done,
                Err(err) => (Err(err), false),
            }
        }
        Handler::Sync(f) => sync_scope(ctx.clone(), || call_sync(spec, f, values)),
        Handler::Async(f) => {
            let call = scope(
                ctx.clone(),
                AssertUnwindSafe(f(Args::new(spec, values))).catch_unwind(),
            );
            let result = within_timeout(spec, call)
                .await?
                .unwrap_or_else(|payload| Err(panic_error(&*payload)));
            match (result, spec.on_error) {
                (Err(err), Some(handler)) if err.is_handled_by_on_error() => {
                    warn_handled(spec, &err);
                    let ctx = ctx.clone();
                    let handled = dispatcher
                        .pool
                        .admit()
                        .await
                        .run(move || sync_scope(ctx, || own_on_error(handler, err)))
                        .await
                        .and_then(|r| r);
                    (handled, true)
                }
                (result, _) => (result, false),
            }
        }
        Handler::Background(_) | Handler::Clientside(_) => {
            return Err(RequestError::Mismatch {
                callback: spec.name,
                problem: "not a regular server callback".into(),
            }
            .into())
        }
    })
}

/// A sync callback's shim, a panic caught, its own `on_error` applied: all in one pool slot.
/// Also says whether `on_error` made the result.
fn call_sync(
    spec: &'static CallbackSpec,
    f: fn(&mut Args) -> CallResult,
    values: Vec<Value>,
) -> (CallResult, bool) {
    let mut args = Args::new(spec, values);
    let result = catch_panic(|| f(&mut args)).and_then(|r| r);
    match (result, spec.on_error) {
        (Err(err), Some(handler)) if err.is_handled_by_on_error() => {
            warn_handled(spec, &err);
            (own_on_error(handler, err), true)
        }
        (result, _) => (result, false),
    }
}

/// The callback's own `on_error` handler's outputs for `err` (a panic there is an error).
fn own_on_error(handler: fn(&CallbackError) -> CallResult, err: CallbackError) -> CallResult {
    catch_panic(|| handler(&err)).and_then(|r| r)
}

fn warn_handled(spec: &CallbackSpec, err: &CallbackError) {
    tracing::warn!(callback = spec.name, location = %spec.location(), "callback failed, handled by on_error: {err}");
}

/// `fut`'s output, or [`Failure::TimedOut`] once the callback's `timeout` passed.
async fn within_timeout<F: std::future::Future>(
    spec: &'static CallbackSpec,
    fut: F,
) -> Result<F::Output, Failure> {
    let Some(after) = spec.timeout else {
        return Ok(fut.await);
    };
    tokio::time::timeout(after, fut).await.map_err(|_| {
        tracing::error!(callback = spec.name, location = %spec.location(), "callback timed out after {after:?}");
        Failure::TimedOut {
            callback: spec.name,
            location: spec.location(),
            after,
        }
    })
}
