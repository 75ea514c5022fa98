//! The callback context: what triggered a call, every input and state value, and `set_props`.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::dependencies::stringify_id;

tokio::task_local! {
    static CONTEXT: Arc<CallbackContext>;
}

/// What Dash's `callback_context` offers, for the callback that is running now.
///
/// Reach it from anywhere inside a callback (sync or async) with [`callback_context`].
///
/// ```
/// use dash_runtime::prelude::*;
///
/// #[callback(
///     output = Output("which", "children"),
///     inputs = [Input("a", "n_clicks"), Input("b", "n_clicks")],
/// )]
/// fn which(_a: Option<u32>, _b: Option<u32>) -> String {
///     match callback_context().and_then(|ctx| ctx.triggered_id()) {
///         Some(id) => format!("last click: {id}"),
///         None => "no clicks yet".to_owned(),
///     }
/// }
/// // Outside a request there is no context:
/// assert_eq!(which(None, None), "no clicks yet");
/// ```
#[derive(Debug, Default)]
pub struct CallbackContext {
    pub(crate) inputs_list: Vec<Value>,
    pub(crate) states_list: Vec<Value>,
    pub(crate) outputs_list: Value,
    pub(crate) changed_prop_ids: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) path: String,
    pub(crate) side_updates: Mutex<Map<String, Value>>,
    /// Typed values the runtime attaches to every call of an app (e.g. its page router).
    pub(crate) extensions: axum::http::Extensions,
    /// The background job this context runs (its `set_props` calls go to the job's store).
    pub(crate) job: Option<super::job::JobContext>,
}

/// One entry of [`CallbackContext::triggered`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Triggered {
    /// `<stringified id>.<property>`.
    pub prop_id: String,
    /// The input's current value.
    pub value: Value,
}

impl CallbackContext {
    /// The inputs as sent by the front end (`{id, property, value}` objects, or arrays of them
    /// for `ALL`/`ALLSMALLER` inputs).
    pub fn inputs_list(&self) -> &[Value] {
        &self.inputs_list
    }

    /// The state, in the same form as [`inputs_list`](Self::inputs_list).
    pub fn states_list(&self) -> &[Value] {
        &self.states_list
    }

    /// The outputs being computed (`{id, property}`; an array for several outputs).
    pub fn outputs_list(&self) -> &Value {
        &self.outputs_list
    }

    /// Every input value by `id.property`.
    pub fn inputs(&self) -> Map<String, Value> {
        flatten(&self.inputs_list)
    }

    /// Every state value by `id.property`.
    pub fn states(&self) -> Map<String, Value> {
        flatten(&self.states_list)
    }

    /// The inputs whose change triggered this call; empty for the initial call.
    pub fn triggered(&self) -> Vec<Triggered> {
        let inputs = self.inputs();
        self.changed_prop_ids
            .iter()
            .map(|p| Triggered {
                prop_id: p.clone(),
                value: inputs.get(p).cloned().unwrap_or(Value::Null),
            })
            .collect()
    }

    /// The `id.property` strings of the triggering inputs.
    pub fn triggered_prop_ids(&self) -> &[String] {
        &self.changed_prop_ids
    }

    /// The component id of the first triggering input: a JSON string, or an object for a
    /// pattern-matching id. `None` for the initial call.
    pub fn triggered_id(&self) -> Option<Value> {
        self.changed_prop_ids.first().map(|p| component_id_of(p))
    }

    /// The first triggering id deserialised into `T` (a `String`, or a struct for
    /// pattern-matching ids). `None` if nothing triggered or the id does not fit `T`.
    pub fn triggered_id_as<T: DeserializeOwned>(&self) -> Option<T> {
        self.triggered_id()
            .and_then(|id| serde_json::from_value(id).ok())
    }

    /// The HTTP request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A cookie of the request, by name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The query-string arguments of the callback request (`endId` included).
    pub fn args(&self) -> &[(String, String)] {
        &self.query
    }

    /// The request path with its query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Set properties of any component, in addition to the callback's outputs (Dash's
    /// `set_props`). Later calls for the same id merge, later keys winning.
    pub fn set_props(&self, id: impl Serialize, props: impl Serialize) {
        let key = match serde_json::to_value(id) {
            Ok(v) => stringify_id(&v),
            Err(err) => {
                tracing::error!(%err, "set_props: the id could not be serialised");
                return;
            }
        };
        let Ok(Value::Object(props)) = serde_json::to_value(props) else {
            tracing::error!(id = %key, "set_props: props must serialise to a JSON object");
            return;
        };
        if let Some(job) = &self.job {
            job.set_props(key, props);
            return;
        }
        if let Some(push) = self.extensions.get::<crate::realtime::Push>() {
            push.set_props(&key, props);
            return;
        }
        let mut side = self
            .side_updates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match side.entry(key).or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(existing) => existing.extend(props),
            other => *other = Value::Object(props),
        }
    }

    /// The app's data store (see [`crate::store`]); `None` only for a context built outside
    /// an app.
    ///
    /// ```no_run
    /// use dash_runtime::callback_context;
    ///
    /// # async fn demo() {
    /// if let Some(store) = callback_context().and_then(|c| c.data_store()) {
    ///     let _ = store.put("raw:last-visit", &"now", None).await;
    /// }
    /// # }
    /// ```
    pub fn data_store(&self) -> Option<crate::store::DataStore> {
        self.extension::<crate::store::DataStore>()
    }

    /// A value the runtime attached to this call, by type.
    pub(crate) fn extension<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.extensions.get::<T>().cloned()
    }

    /// Take the accumulated `set_props` updates.
    pub(crate) fn take_side_updates(&self) -> Map<String, Value> {
        std::mem::take(
            &mut *self
                .side_updates
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

fn flatten(list: &[Value]) -> Map<String, Value> {
    let mut out = Map::new();
    let mut add = |item: &Value| {
        if let (Some(id), Some(Value::String(prop))) = (item.get("id"), item.get("property")) {
            out.insert(
                format!("{}.{}", stringify_id(id), prop),
                item.get("value").cloned().unwrap_or(Value::Null),
            );
        }
    };
    for entry in list {
        match entry {
            Value::Array(items) => items.iter().for_each(&mut add),
            item => add(item),
        }
    }
    out
}

/// The component id part of a prop id: before the last `.`, parsed when it is a dict id.
fn component_id_of(prop_id: &str) -> Value {
    let id = prop_id.rsplit_once('.').map_or(prop_id, |(id, _)| id);
    if id.starts_with('{') {
        if let Ok(v) = serde_json::from_str(id) {
            return v;
        }
    }
    Value::String(id.to_owned())
}

/// The context of the callback running now, if any.
pub fn callback_context() -> Option<Arc<CallbackContext>> {
    CONTEXT.try_with(Arc::clone).ok()
}

/// `set_props` on the context of the callback running now; logs a warning outside a callback.
///
/// ```
/// use dash_runtime::prelude::*;
///
/// #[callback(output = Output("out", "children"), inputs = [Input("btn", "n_clicks")])]
/// fn clicked(n: Option<u32>) -> String {
///     set_props("status", serde_json::json!({"children": "busy"}));
///     format!("{} clicks", n.unwrap_or(0))
/// }
/// ```
pub fn set_props(id: impl Serialize, props: impl Serialize) {
    match callback_context() {
        Some(ctx) => ctx.set_props(id, props),
        None => tracing::warn!("set_props called outside a callback; ignored"),
    }
}

/// Run a future with `ctx` as the current callback context.
pub(crate) async fn scope<F: Future>(ctx: Arc<CallbackContext>, fut: F) -> F::Output {
    CONTEXT.scope(ctx, fut).await
}

/// Run a closure with `ctx` as the current callback context.
pub(crate) fn sync_scope<R>(ctx: Arc<CallbackContext>, f: impl FnOnce() -> R) -> R {
    CONTEXT.sync_scope(ctx, f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn triggered_id_parses_dict_ids() {
        let ctx = CallbackContext {
            inputs_list: vec![
                json!([{"id": {"i": 1, "t": "btn"}, "property": "n_clicks", "value": 4}]),
            ],
            changed_prop_ids: vec![r#"{"i":1,"t":"btn"}.n_clicks"#.into()],
            ..Default::default()
        };
        assert_eq!(ctx.triggered_id(), Some(json!({"i": 1, "t": "btn"})));
        assert_eq!(ctx.triggered()[0].value, json!(4));
    }

    #[test]
    fn set_props_merges() {
        let ctx = CallbackContext::default();
        ctx.set_props("a", json!({"x": 1}));
        ctx.set_props("a", json!({"y": 2}));
        assert_eq!(
            Value::Object(ctx.take_side_updates()),
            json!({"a": {"x": 1, "y": 2}})
        );
    }
}
