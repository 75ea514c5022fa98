//! One open page, driven the way dash-renderer drives it: which callbacks fire when, in which
//! order, with which request bodies, and how their answers change the page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::graph::{filled, prop_id, targets, GraphCallback};
use super::patch_apply;
use super::tree::{components, Tree};
use super::TestError;
use crate::dependencies::stringify_id;
use crate::dispatch::{CallRequest, Dispatcher};
use crate::protocol::{Failure, Query, Reply, UpdateRequest};
use crate::registry::Registry;

/// How many callback calls one action may cause before it counts as a runaway chain.
const MAX_CALLS_PER_ACTION: usize = 10_000;

/// How many prop changes (and callback calls) the page keeps (the oldest go first).
const MAX_HISTORY: usize = 100_000;

/// A callback instance waiting to run.
#[derive(Debug, Clone)]
struct Pending {
    callback: usize,
    /// The `MATCH` values of this instance.
    bound: Map<String, Value>,
    /// The prop ids that triggered it (empty for an initial call).
    changed: Vec<String>,
}

/// A background job the page is polling.
#[derive(Debug)]
struct Job {
    callback: usize,
    bound: Map<String, Value>,
    /// The request body with its values nulled, as the renderer polls.
    body: UpdateRequest,
    cache_key: String,
    job: String,
    /// `(id, prop)` of the job's cancel inputs.
    cancel: Vec<(Value, String)>,
    progress_default: Option<Map<String, Value>>,
    next_poll: Instant,
    interval: Duration,
}

/// One callback call the page made.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// The callback's Rust name.
    pub callback: String,
    /// The prop ids that triggered it (empty for an initial call).
    pub changed_prop_ids: Vec<String>,
    /// The HTTP status the answer would have had (a background poll counts as a call).
    pub status: u16,
}

/// The state of one page.
pub(crate) struct Page {
    pub dispatcher: Arc<Dispatcher>,
    pub registry: Arc<Registry>,
    pub graph: Vec<GraphCallback>,
    pub tree: Tree,
    pub end_id: String,
    pub url: String,
    pending: Vec<Pending>,
    jobs: Vec<Job>,
    pub history: std::collections::VecDeque<(String, Value)>,
    pub calls: Vec<CallRecord>,
    pub errors: Vec<TestError>,
    pub warnings: Vec<String>,
    pub poll_interval: Duration,
    pub timeout: Duration,
    calls_this_action: usize,
}

fn parse_id(raw: &str) -> Value {
    if raw.starts_with('{') {
        serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()))
    } else {
        Value::String(raw.to_owned())
    }
}

fn status_of(result: &Result<Reply, Failure>) -> u16 {
    match result {
        Ok(Reply::NoContent) => 204,
        Ok(_) => 200,
        Err(f) => f.status(),
    }
}

impl Page {
    pub fn new(
        dispatcher: Arc<Dispatcher>,
        registry: Arc<Registry>,
        layout: Value,
        end_id: String,
        url: String,
    ) -> Self {
        let graph = registry
            .dependencies()
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(GraphCallback::from_entry)
                    .collect()
            })
            .unwrap_or_default();
        Page {
            dispatcher,
            registry,
            graph,
            tree: Tree::new(layout),
            end_id,
            url,
            pending: Vec::new(),
            jobs: Vec::new(),
            history: Default::default(),
            calls: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            poll_interval: Duration::from_millis(50),
            timeout: Duration::from_secs(30),
            calls_this_action: 0,
        }
    }

    /// The callback's Rust name and `file:line`.
    fn describe(&self, callback: usize) -> (String, String) {
        let descriptor = &self.graph[callback].descriptor;
        match self.registry.get(descriptor) {
            Some(c) => (c.spec.name.to_owned(), c.spec.location()),
            None => (descriptor.clone(), "unknown".to_owned()),
        }
    }

    fn warn_once(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            tracing::warn!("test app: {message}");
            self.warnings.push(message);
        }
    }

    /// The page's URL parts: pathname, search, hash.
    fn url_parts(&self) -> (String, String, String) {
        let (rest, hash) = match self.url.split_once('#') {
            Some((r, h)) => (r, format!("#{h}")),
            None => (self.url.as_str(), String::new()),
        };
        let (path, search) = match rest.split_once('?') {
            Some((p, s)) => (p.to_owned(), format!("?{s}")),
            None => (rest.to_owned(), String::new()),
        };
        (path, search, hash)
    }

    /// What each `dcc.Location` holds for the page's URL.
    fn location_props(&self) -> Vec<(&'static str, Value)> {
        let (path, search, hash) = self.url_parts();
        vec![
            ("pathname", json!(path)),
            ("search", json!(search)),
            ("hash", json!(hash)),
            ("href", json!(format!("http://127.0.0.1{}", self.url))),
        ]
    }

    /// The ids of the `dcc.Location` components on the page.
    fn locations(&self) -> Vec<Value> {
        self.tree
            .components()
            .into_iter()
            .filter(|c| c.type_name == "Location")
            .map(|c| c.id.clone())
            .collect()
    }

    /// Load the page: the initial callbacks, then the Locations take the URL (as they do
    /// when they mount, which fires callbacks reading them even with `prevent_initial_call`).
    pub async fn load(&mut self) -> Result<(), TestError> {
        let root = self.tree.root().clone();
        self.queue_initial(&root, true);
        self.follow_url(self.locations());
        self.settle(true).await
    }

    /// Go to another URL as a `dcc.Link` does: every Location's props follow.
    pub fn navigate(&mut self, url: &str) {
        self.url = url.to_owned();
        self.follow_url(self.locations());
    }

    /// These Locations take the page's URL: each prop that differs changes.
    fn follow_url(&mut self, locations: Vec<Value>) {
        for id in locations {
            for (prop, value) in self.location_props() {
                if self.tree.prop(&id, prop) != Some(&value) {
                    self.change(&id, prop, value);
                }
            }
        }
    }

    /// A prop changes (a user edit or an answer): record it, and queue what it triggers.
    pub fn change(&mut self, id: &Value, prop: &str, value: Value) -> bool {
        let holds_components = !components(&value).is_empty();
        if !self.tree.set(id, prop, value.clone()) {
            return false;
        }
        if self.history.len() >= MAX_HISTORY {
            self.history.pop_front();
        }
        self.history.push_back((prop_id(id, prop), value.clone()));
        let changed = prop_id(id, prop);
        for (index, cb) in self.graph.iter().enumerate() {
            for dep in &cb.inputs {
                if dep.property != prop || !dep.id.fits(id, &Map::new()) {
                    continue;
                }
                let keys = dep.id.match_keys();
                let bound = super::graph::bind(&keys, id);
                push_pending(&mut self.pending, index, bound, Some(changed.clone()));
            }
        }
        if holds_components {
            self.queue_initial(&value, false);
            let mounted: Vec<Value> = components(&value)
                .iter()
                .filter(|c| c.type_name == "Location")
                .map(|c| c.id.clone())
                .collect();
            self.follow_url(mounted);
        }
        true
    }

    /// Queue the initial calls of the callbacks that components in `chunk` enable.
    fn queue_initial(&mut self, chunk: &Value, whole_page: bool) {
        let new_ids: Vec<Value> = components(chunk).iter().map(|c| c.id.clone()).collect();
        for (index, cb) in self.graph.iter().enumerate() {
            if cb.prevent_initial_call {
                continue;
            }
            for bound in cb.instances(&self.tree) {
                let outputs: Vec<Value> = cb
                    .outputs
                    .iter()
                    .flat_map(|d| d.resolve(&self.tree, &bound))
                    .map(|f| f.id.clone())
                    .collect();
                let inputs: Vec<Value> = cb
                    .inputs
                    .iter()
                    .flat_map(|d| d.resolve(&self.tree, &bound))
                    .map(|f| f.id.clone())
                    .collect();
                let eligible = if cb.outputs.is_empty() {
                    cb.inputs.is_empty() || !inputs.is_empty()
                } else {
                    !outputs.is_empty()
                };
                let touches_chunk =
                    whole_page || outputs.iter().chain(&inputs).any(|id| new_ids.contains(id));
                if eligible && touches_chunk {
                    push_pending(&mut self.pending, index, bound, None);
                }
            }
        }
    }

    fn input_ids(&self, p: &Pending) -> Vec<String> {
        self.graph[p.callback]
            .inputs
            .iter()
            .flat_map(|d| {
                d.resolve(&self.tree, &p.bound)
                    .into_iter()
                    .map(|f| prop_id(f.id, &d.property))
            })
            .collect()
    }

    /// Every `id.prop` a pending call may end up changing: its outputs, and the outputs of
    /// the callbacks those trigger, transitively (the renderer holds back a call whose
    /// inputs are still to change this way).
    fn touched_ids(&self, p: &Pending) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut frontier: Vec<(Value, String)> = self.graph[p.callback]
            .outputs
            .iter()
            .flat_map(|d| {
                d.resolve(&self.tree, &p.bound)
                    .into_iter()
                    .map(|f| (f.id.clone(), d.property.clone()))
            })
            .collect();
        while let Some((id, prop)) = frontier.pop() {
            let key = prop_id(&id, &prop);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            for cb in &self.graph {
                for dep in cb.inputs.iter().filter(|d| d.property == prop) {
                    if !dep.id.fits(&id, &Map::new()) {
                        continue;
                    }
                    let bound = super::graph::bind(&dep.id.match_keys(), &id);
                    for out in &cb.outputs {
                        for f in out.resolve(&self.tree, &bound) {
                            frontier.push((f.id.clone(), out.property.clone()));
                        }
                    }
                }
            }
        }
        seen
    }

    /// The pending calls none of whose inputs another pending call may still change.
    fn take_ready(&mut self) -> Vec<Pending> {
        let outputs: Vec<Vec<String>> = self.pending.iter().map(|p| self.touched_ids(p)).collect();
        let mut ready = Vec::new();
        for (i, p) in self.pending.iter().enumerate() {
            let inputs = self.input_ids(p);
            let blocked = outputs
                .iter()
                .enumerate()
                .any(|(j, outs)| j != i && outs.iter().any(|o| inputs.contains(o)));
            if !blocked {
                ready.push(i);
            }
        }
        if ready.is_empty() && !self.pending.is_empty() {
            // A circle: the renderer runs them anyway.
            ready.push(0);
        }
        let mut taken = Vec::new();
        for i in ready.into_iter().rev() {
            taken.push(self.pending.remove(i));
        }
        taken.reverse();
        taken
    }

    /// The request body of a pending call, or why it cannot be sent.
    fn request(&self, p: &Pending) -> Result<UpdateRequest, String> {
        let cb = &self.graph[p.callback];
        let fill = |deps: &[super::graph::Dep]| -> Result<Vec<Value>, String> {
            deps.iter()
                .map(|d| {
                    filled(d, &self.tree, &p.bound).ok_or_else(|| {
                        format!("`{}.{}` is not on the page", describe_id(&d.id), d.property)
                    })
                })
                .collect()
        };
        let inputs = fill(&cb.inputs)?;
        let state = fill(&cb.state)?;
        let outs: Vec<Value> = cb
            .outputs
            .iter()
            .map(|d| targets(d, &self.tree, &p.bound))
            .collect();
        let outputs = match (cb.outputs.len(), cb.multi) {
            (0, _) => None,
            (_, true) => Some(Value::Array(outs)),
            (_, false) => outs.into_iter().next(),
        };
        Ok(UpdateRequest {
            output: cb.descriptor.clone(),
            outputs,
            inputs,
            state,
            changed_prop_ids: p.changed.clone(),
        })
    }

    fn query(&self, extra: &[(&str, &str)]) -> Query {
        let mut pairs = vec![("endId".to_owned(), self.end_id.clone())];
        pairs.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Query::from(pairs)
    }

    async fn send(
        &self,
        update: UpdateRequest,
        query: Query,
        extensions: axum::http::Extensions,
    ) -> Result<Reply, Failure> {
        self.dispatcher
            .call(CallRequest {
                update,
                headers: Default::default(),
                query,
                path: "/_dash-update-component".to_owned(),
                extensions,
            })
            .await
    }

    /// What a websocket callback's `get_props` reads: the page as it is now.
    fn snapshot(&self, callback: usize) -> axum::http::Extensions {
        let mut extensions = axum::http::Extensions::new();
        if self.graph[callback].websocket {
            let props = self
                .tree
                .components()
                .into_iter()
                .map(|c| (stringify_id(c.id), Value::Object(c.props.clone())))
                .collect();
            extensions.insert(crate::realtime::PageSnapshot(Arc::new(props)));
        }
        extensions
    }

    /// Apply `running` (`on`) or `runningOff` values of a callback instance.
    fn apply_running(&mut self, callback: usize, bound: &Map<String, Value>, on: bool) {
        let running = self.graph[callback].running.clone();
        for (key, while_running, after) in running {
            let Some((raw_id, prop)) = key.rsplit_once('.') else {
                continue;
            };
            let pattern = super::graph::IdPattern::parse(raw_id);
            let ids: Vec<Value> = self
                .tree
                .components()
                .into_iter()
                .filter(|c| pattern.fits(c.id, bound))
                .map(|c| c.id.clone())
                .collect();
            let value = if on {
                while_running.clone()
            } else {
                after.clone()
            };
            for id in ids {
                self.change(&id, prop, value.clone());
            }
        }
    }

    /// Apply `{"<id>": {"<prop>": value}}` (a response or a side update).
    fn apply_updates(&mut self, updates: &Map<String, Value>) {
        for (raw_id, props) in updates {
            let id = parse_id(raw_id);
            let Some(props) = props.as_object() else {
                continue;
            };
            for (prop, value) in props {
                let value = if patch_apply::is_patch(value) {
                    match patch_apply::apply(self.tree.prop(&id, prop), value) {
                        Ok(v) => v,
                        Err(e) => {
                            self.warn_once(format!("a patch for {raw_id}.{prop}: {e}"));
                            continue;
                        }
                    }
                } else {
                    value.clone()
                };
                self.change(&id, prop, value);
            }
        }
    }

    /// Apply `{"<id>.<prop>": value}` (progress and progress defaults).
    fn apply_prop_ids(&mut self, values: &Map<String, Value>) {
        for (key, value) in values {
            if let Some((raw_id, prop)) = key.rsplit_once('.') {
                self.change(&parse_id(raw_id), prop, value.clone());
            }
        }
    }

    fn record(&mut self, callback: usize, changed: Vec<String>, result: &Result<Reply, Failure>) {
        let status = status_of(result);
        let (name, location) = self.describe(callback);
        if self.calls.len() >= MAX_HISTORY {
            // Bounded: the oldest tenth goes.
            self.calls.drain(..MAX_HISTORY / 10);
        }
        self.calls.push(CallRecord {
            callback: name.clone(),
            changed_prop_ids: changed,
            status,
        });
        if let Err(failure) = result {
            self.errors.push(TestError::Callback {
                callback: name,
                location,
                status,
                message: failure.to_string(),
            });
        }
    }

    /// Apply the answer of a call (not a poll).
    fn answer(&mut self, p: Pending, body: UpdateRequest, result: Result<Reply, Failure>) {
        self.record(p.callback, p.changed.clone(), &result);
        match result {
            Ok(Reply::Update(response)) => {
                self.apply_running(p.callback, &p.bound, false);
                self.apply_response(&response.to_json());
            }
            Ok(Reply::Job(start)) => self.started(p, body, start),
            Ok(Reply::NoContent) | Err(_) => self.apply_running(p.callback, &p.bound, false),
        }
    }

    fn apply_response(&mut self, json: &[u8]) {
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(json) else {
            return;
        };
        if let Some(Value::Object(side)) = body.get("sideUpdate") {
            self.apply_updates(side);
        }
        if let Some(Value::Object(progress)) = body.get("progress") {
            self.apply_prop_ids(progress);
        }
        if let Some(Value::Object(response)) = body.get("response") {
            self.apply_updates(response);
        }
    }

    /// A background job started: follow it.
    fn started(&mut self, p: Pending, mut body: UpdateRequest, start: Value) {
        let (Some(job), Some(cache_key)) = (
            start.get("job").and_then(Value::as_str),
            start.get("cacheKey").and_then(Value::as_str),
        ) else {
            self.apply_running(p.callback, &p.bound, false);
            return;
        };
        let cancel = start
            .get("cancel")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| {
                        Some((
                            c.get("id")?.clone(),
                            c.get("property")?.as_str()?.to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Polls carry the same shape with every value nulled.
        for entry in body.inputs.iter_mut().chain(body.state.iter_mut()) {
            null_values(entry);
        }
        let interval = self.graph[p.callback]
            .background
            .map_or(self.poll_interval, |ms| {
                Duration::from_millis(ms).min(self.poll_interval)
            });
        self.jobs.push(Job {
            callback: p.callback,
            bound: p.bound,
            body,
            cache_key: cache_key.to_owned(),
            job: job.to_owned(),
            cancel,
            progress_default: start
                .get("progressDefault")
                .and_then(Value::as_object)
                .cloned(),
            next_poll: Instant::now() + interval,
            interval,
        });
    }

    /// A job is over: its running values go back, its progress defaults apply.
    fn finish(
        &mut self,
        callback: usize,
        bound: &Map<String, Value>,
        defaults: Option<&Map<String, Value>>,
    ) {
        self.apply_running(callback, bound, false);
        if let Some(defaults) = defaults {
            self.apply_prop_ids(defaults);
        }
    }

    fn finish_job(&mut self, job: &Job) {
        self.finish(job.callback, &job.bound, job.progress_default.as_ref());
    }

    /// [`finish_job`](Self::finish_job) for the job at `index` (it stays in the list).
    fn finish_job_at(&mut self, index: usize) {
        let job = &self.jobs[index];
        let (callback, bound, defaults) = (
            job.callback,
            job.bound.clone(),
            job.progress_default.clone(),
        );
        self.finish(callback, &bound, defaults.as_ref());
    }

    /// `cancelJob` and `oldJob` handles for a call: jobs whose cancel inputs the call reads,
    /// and jobs of the same outputs still running.
    fn superseded(&mut self, p: &Pending, body: &UpdateRequest) -> Vec<(&'static str, String)> {
        let inputs = self.input_ids(p);
        let mut params = Vec::new();
        let mut over = Vec::new();
        for (i, job) in self.jobs.iter().enumerate() {
            let cancelled = job
                .cancel
                .iter()
                .any(|(id, prop)| inputs.contains(&prop_id(id, prop)));
            if cancelled {
                params.push(("cancelJob", job.job.clone()));
                over.push(i);
            } else if job.body.output == body.output && job.body.outputs == body.outputs {
                params.push(("oldJob", job.job.clone()));
                over.push(i);
            }
        }
        for i in over.into_iter().rev() {
            let job = self.jobs.remove(i);
            self.finish_job(&job);
        }
        params
    }

    /// Run callbacks until nothing is pending and, unless `to_completion` is false, no
    /// background job is running.
    pub async fn settle(&mut self, to_completion: bool) -> Result<(), TestError> {
        let first_error = self.errors.len();
        self.calls_this_action = 0;
        let started = Instant::now();
        loop {
            if self.calls_this_action > MAX_CALLS_PER_ACTION {
                self.pending.clear();
                return Err(TestError::Runaway(MAX_CALLS_PER_ACTION));
            }
            let ready = self.take_ready();
            if !ready.is_empty() {
                self.run_batch(ready).await;
                continue;
            }
            if self.jobs.is_empty() || !to_completion {
                break;
            }
            if started.elapsed() > self.timeout {
                let names: Vec<String> = self
                    .jobs
                    .iter()
                    .map(|j| self.describe(j.callback).0)
                    .collect();
                return Err(TestError::Timeout {
                    seconds: self.timeout.as_secs(),
                    callbacks: names.join(", "),
                });
            }
            self.poll_due().await;
        }
        match self.errors.get(first_error) {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Send every ready call at once (the renderer does), then apply the answers in order.
    async fn run_batch(&mut self, ready: Vec<Pending>) {
        let mut sends = Vec::new();
        for p in ready {
            let cb = &self.graph[p.callback];
            if cb.clientside {
                let (name, location) = self.describe(p.callback);
                self.warn_once(format!(
                    "clientside callback `{name}` ({location}) does not run in the test app: it needs a browser"
                ));
                continue;
            }
            if cb.persistent {
                let (name, location) = self.describe(p.callback);
                self.warn_once(format!(
                    "persistent callback `{name}` ({location}) does not run in the test app: it runs for as long as a page is open"
                ));
                continue;
            }
            let body = match self.request(&p) {
                Ok(body) => body,
                Err(why) => {
                    let (name, location) = self.describe(p.callback);
                    self.warn_once(format!(
                        "callback `{name}` ({location}) did not fire: {why}"
                    ));
                    continue;
                }
            };
            let handles = self.superseded(&p, &body);
            self.apply_running(p.callback, &p.bound, true);
            let pairs: Vec<(&str, &str)> = handles.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let query = self.query(&pairs);
            let extensions = self.snapshot(p.callback);
            sends.push((p, body, query, extensions));
        }
        self.calls_this_action += sends.len();
        let answers =
            futures_util::future::join_all(sends.iter().map(|(_, body, query, extensions)| {
                self.send(body.clone(), query.clone(), extensions.clone())
            }))
            .await;
        for ((p, body, _, _), result) in sends.into_iter().zip(answers) {
            self.answer(p, body, result);
        }
    }

    /// Poll every job that is due (waiting for the earliest first).
    async fn poll_due(&mut self) {
        let Some(next) = self.jobs.iter().map(|j| j.next_poll).min() else {
            return;
        };
        tokio::time::sleep_until(next.into()).await;
        let now = Instant::now();
        let due: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| self.jobs[i].next_poll <= now)
            .collect();
        let mut polls = Vec::new();
        for &i in &due {
            let job = &self.jobs[i];
            let query = self.query(&[("cacheKey", &job.cache_key), ("job", &job.job)]);
            polls.push((i, job.body.clone(), query));
        }
        self.calls_this_action += polls.len();
        let answers =
            futures_util::future::join_all(polls.iter().map(|(_, body, query)| {
                self.send(body.clone(), query.clone(), Default::default())
            }))
            .await;
        let mut done = Vec::new();
        for ((i, _, _), result) in polls.into_iter().zip(answers) {
            let callback = self.jobs[i].callback;
            self.record(callback, Vec::new(), &result);
            match result {
                Ok(Reply::Job(progress)) => {
                    if let Some(Value::Object(side)) = progress.get("sideUpdate") {
                        self.apply_updates(side);
                    }
                    if let Some(Value::Object(values)) = progress.get("progress") {
                        self.apply_prop_ids(values);
                    }
                    let job = &mut self.jobs[i];
                    job.next_poll = Instant::now() + job.interval;
                }
                Ok(Reply::Update(response)) => {
                    let json = response.to_json();
                    let finished = serde_json::from_slice::<Value>(&json)
                        .is_ok_and(|v| v.get("response").is_some());
                    if finished {
                        // The renderer resets running and progress first, then applies outputs.
                        self.finish_job_at(i);
                        done.push(i);
                    } else {
                        let job = &mut self.jobs[i];
                        job.next_poll = Instant::now() + job.interval;
                    }
                    self.apply_response(&json);
                }
                Ok(Reply::NoContent) | Err(_) => {
                    self.finish_job_at(i);
                    done.push(i);
                }
            }
        }
        done.sort_unstable();
        for i in done.into_iter().rev() {
            self.jobs.remove(i);
        }
    }

    /// How many background jobs the page is following.
    pub fn running_jobs(&self) -> usize {
        self.jobs.len()
    }

    /// Poll every running job once, now.
    pub async fn poll_now(&mut self) {
        let now = Instant::now();
        for job in &mut self.jobs {
            job.next_poll = now;
        }
        self.poll_due().await;
        let _ = self.settle(false).await;
    }
}

/// Queue a call, merging it with a pending call of the same instance.
fn push_pending(
    pending: &mut Vec<Pending>,
    callback: usize,
    bound: Map<String, Value>,
    changed: Option<String>,
) {
    if let Some(p) = pending
        .iter_mut()
        .find(|p| p.callback == callback && p.bound == bound)
    {
        if let Some(c) = changed {
            if !p.changed.contains(&c) {
                p.changed.push(c);
            }
        }
        return;
    }
    pending.push(Pending {
        callback,
        bound,
        changed: changed.into_iter().collect(),
    });
}

fn null_values(entry: &mut Value) {
    match entry {
        Value::Array(items) => items.iter_mut().for_each(null_values),
        Value::Object(map) if map.contains_key("value") => {
            map.insert("value".into(), Value::Null);
        }
        _ => {}
    }
}

fn describe_id(id: &super::graph::IdPattern) -> String {
    match id {
        super::graph::IdPattern::Plain(s) => s.clone(),
        super::graph::IdPattern::Dict(keys) => {
            let parts: Vec<String> = keys
                .iter()
                .map(|(k, p)| {
                    let v = match p {
                        super::graph::KeyPattern::Exact(v) => stringify_id(v),
                        super::graph::KeyPattern::Match => "MATCH".into(),
                        super::graph::KeyPattern::All => "ALL".into(),
                        super::graph::KeyPattern::AllSmaller => "ALLSMALLER".into(),
                    };
                    format!("{k}: {v}")
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}
