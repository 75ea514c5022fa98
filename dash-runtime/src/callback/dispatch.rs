//! The glue between a request and a callback function: typed arguments in, output values out.
//!
//! The `#[callback]` macro generates a shim per callback that takes its arguments from
//! [`Args`] and turns the return value into [`CallResult`] with the `output_*`/`result_*`
//! functions here.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::error::CallbackError;
use super::spec::CallbackSpec;
use super::update::is_no_update_marker;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One value per output, `None` meaning "leave unchanged".
pub type CallResult = Result<Vec<Option<Value>>, CallbackError>;

/// How the runtime calls the shim of a callback.
#[derive(Clone, Copy)]
pub enum Handler {
    /// A plain function: called inline.
    Sync(fn(&mut Args) -> CallResult),
    /// An `async fn`: awaited.
    Async(fn(Args) -> BoxFuture<'static, CallResult>),
    /// A clientside callback: runs in the browser, never on the server.
    Clientside(Clientside),
    /// A background callback (`background = true`): its job and options.
    Background(&'static super::background::Background),
}

/// The JavaScript of a clientside callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clientside {
    /// Inline source (`function(a, b) { ... }`), sent to the browser in the index page.
    Inline(&'static str),
    /// A function `window.dash_clientside[namespace][function_name]`, usually from an asset file.
    Namespaced {
        /// The namespace object.
        namespace: &'static str,
        /// The function's name.
        function_name: &'static str,
    },
}

impl Clientside {
    /// The namespace for inline functions.
    pub const INLINE_NAMESPACE: &'static str = "_dashprivate_clientside_funcs";

    /// `(namespace, function_name)` as sent in `_dash-dependencies`; inline sources are named
    /// by the SHA-256 of their text, as Dash does.
    pub fn function(&self) -> (String, String) {
        match self {
            Clientside::Inline(src) => (
                Self::INLINE_NAMESPACE.to_owned(),
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(src.as_bytes())),
            ),
            Clientside::Namespaced {
                namespace,
                function_name,
            } => ((*namespace).to_owned(), (*function_name).to_owned()),
        }
    }
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handler::Sync(_) => "Handler::Sync",
            Handler::Async(_) => "Handler::Async",
            Handler::Clientside(_) => "Handler::Clientside",
            Handler::Background(_) => "Handler::Background",
        })
    }
}

/// The argument values of one call: inputs then state, in declaration order (a wildcard
/// `ALL`/`ALLSMALLER` dependency contributes one JSON array).
#[derive(Debug)]
pub struct Args {
    values: Vec<Value>,
    spec: &'static CallbackSpec,
}

impl Args {
    /// Arguments for `spec` from the flattened values.
    pub fn new(spec: &'static CallbackSpec, values: Vec<Value>) -> Self {
        Args { values, spec }
    }

    /// Deserialize argument `index` into the parameter's type.
    pub fn take<T: DeserializeOwned>(&mut self, index: usize) -> Result<T, CallbackError> {
        let value = self
            .values
            .get_mut(index)
            .map(Value::take)
            .unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|err| CallbackError::Argument {
            dependency: self
                .spec
                .argument(index)
                .map_or_else(|| format!("argument {index}"), |d| d.prop_id()),
            message: err.to_string(),
        })
    }
}

/// A value that can be sent to one output: every `Serialize` type (components included),
/// [`Update<T>`](crate::Update) and [`NoUpdate`](crate::NoUpdate), which serialise to Dash's
/// `no_update` marker and leave the output unchanged.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to a callback output",
    label = "output values must implement `serde::Serialize`",
    note = "return a `Serialize` value, a component, `Update<T>`, or `NoUpdate`"
)]
pub trait IntoOutputValue {
    /// The JSON to send, or `None` to leave the output unchanged.
    fn into_output_value(self) -> Result<Option<Value>, CallbackError>;
}

impl<T: Serialize> IntoOutputValue for T {
    fn into_output_value(self) -> Result<Option<Value>, CallbackError> {
        let value = serde_json::to_value(self).map_err(|e| CallbackError::Output(e.to_string()))?;
        Ok((!is_no_update_marker(&value)).then_some(value))
    }
}

/// The return value of a callback with `N` outputs declared as a list: a tuple of `N` values.
pub trait IntoOutputs<const N: usize> {
    /// One entry per output.
    fn into_outputs(self) -> CallResult;
}

macro_rules! tuple_outputs {
    ($n:literal; $($name:ident),+) => {
        impl<$($name: IntoOutputValue),+> IntoOutputs<$n> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_outputs(self) -> CallResult {
                let ($($name,)+) = self;
                Ok(vec![$($name.into_output_value()?),+])
            }
        }
    };
}
tuple_outputs!(1; A);
tuple_outputs!(2; A, B);
tuple_outputs!(3; A, B, C);
tuple_outputs!(4; A, B, C, D);
tuple_outputs!(5; A, B, C, D, E);
tuple_outputs!(6; A, B, C, D, E, F);
tuple_outputs!(7; A, B, C, D, E, F, G);
tuple_outputs!(8; A, B, C, D, E, F, G, H);
tuple_outputs!(9; A, B, C, D, E, F, G, H, I);
tuple_outputs!(10; A, B, C, D, E, F, G, H, I, J);
tuple_outputs!(11; A, B, C, D, E, F, G, H, I, J, K);
tuple_outputs!(12; A, B, C, D, E, F, G, H, I, J, K, L);

/// Shim helper: a single output.
pub fn output_single<T: IntoOutputValue>(value: T) -> CallResult {
    Ok(vec![value.into_output_value()?])
}

/// Shim helper: a single output from a `Result`.
pub fn result_single<T: IntoOutputValue, E: Display + 'static>(value: Result<T, E>) -> CallResult {
    output_single(value.map_err(CallbackError::from_user)?)
}

/// Shim helper: `N` outputs from a tuple.
pub fn output_multi<T: IntoOutputs<N>, const N: usize>(value: T) -> CallResult {
    value.into_outputs()
}

/// Shim helper: `N` outputs from a `Result` of a tuple.
pub fn result_multi<T: IntoOutputs<N>, E: Display + 'static, const N: usize>(
    value: Result<T, E>,
) -> CallResult {
    value.map_err(CallbackError::from_user)?.into_outputs()
}

/// Shim helper: a callback without outputs returns `()`.
pub fn output_none(_value: ()) -> CallResult {
    Ok(Vec::new())
}

/// Shim helper: a callback without outputs returning `Result<(), E>`.
pub fn result_none<E: Display + 'static>(value: Result<(), E>) -> CallResult {
    value.map_err(CallbackError::from_user)?;
    Ok(Vec::new())
}

/// Shim helper: named outputs (`output = {a: Output(..), b: Output(..)}`) from a value that
/// serialises to an object with those keys (usually a `#[derive(Serialize)]` struct).
pub fn output_named<T: Serialize>(value: T, keys: &[&str]) -> CallResult {
    let value = serde_json::to_value(value).map_err(|e| CallbackError::Output(e.to_string()))?;
    let Value::Object(mut map) = value else {
        return Err(CallbackError::Output(format!(
            "named outputs need a value with the fields {}",
            keys.join(", ")
        )));
    };
    keys.iter()
        .map(|k| match map.remove(*k) {
            Some(v) if is_no_update_marker(&v) => Ok(None),
            Some(v) => Ok(Some(v)),
            None => Err(CallbackError::Output(format!(
                "the returned value has no field `{k}`"
            ))),
        })
        .collect()
}

/// Shim helper: named outputs from a `Result`.
pub fn result_named<T: Serialize, E: Display + 'static>(
    value: Result<T, E>,
    keys: &[&str],
) -> CallResult {
    output_named(value.map_err(CallbackError::from_user)?, keys)
}

impl Args {
    /// Deserialize several arguments at once into one parameter: a JSON array of their values
    /// (for a tuple group) or an object keyed by `names` (for a named group, i.e. a struct).
    pub fn take_group<T: DeserializeOwned>(
        &mut self,
        indices: &[usize],
        names: Option<&[&str]>,
    ) -> Result<T, CallbackError> {
        let values: Vec<Value> = indices
            .iter()
            .map(|&i| {
                self.values
                    .get_mut(i)
                    .map(Value::take)
                    .unwrap_or(Value::Null)
            })
            .collect();
        let grouped = match names {
            Some(names) => {
                Value::Object(names.iter().map(|n| (*n).to_owned()).zip(values).collect())
            }
            None => Value::Array(values),
        };
        serde_json::from_value(grouped).map_err(|err| CallbackError::Argument {
            dependency: indices
                .iter()
                .filter_map(|&i| self.spec.argument(i).map(|d| d.prop_id()))
                .collect::<Vec<_>>()
                .join(", "),
            message: err.to_string(),
        })
    }
}

/// Shim helper: call a sync callback, turning a panic into [`CallbackError::Panic`] (used when
/// the callback has an `on_error` handler, which sees panics too).
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, CallbackError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|payload| panic_error(&*payload))
}

/// Shim helper: await a future, turning a panic into [`CallbackError::Panic`] (background
/// jobs' `on_error` handlers see panics of `async` jobs too).
pub async fn catch_panic_async<F: Future>(fut: F) -> Result<F::Output, CallbackError> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|payload| panic_error(&*payload))
}

/// The error for a caught panic, with its message when it has one.
pub(crate) fn panic_error(payload: &(dyn std::any::Any + Send)) -> CallbackError {
    CallbackError::Panic(
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned()),
    )
}
