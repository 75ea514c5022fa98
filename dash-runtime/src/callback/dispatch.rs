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
use super::update::{NoUpdate, Update};

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
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handler::Sync(_) => "Handler::Sync",
            Handler::Async(_) => "Handler::Async",
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
        let value = self.values.get_mut(index).map(Value::take).unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|err| CallbackError::Argument {
            dependency: self
                .spec
                .argument(index)
                .map_or_else(|| format!("argument {index}"), |d| d.prop_id()),
            message: err.to_string(),
        })
    }
}

/// A value that can be sent to one output.
///
/// Implemented for every `Serialize` type (components included), for [`Update<T>`] (where
/// `Update::NoUpdate` leaves the output unchanged) and for [`NoUpdate`].
pub trait IntoOutputValue {
    /// The JSON to send, or `None` to leave the output unchanged.
    fn into_output_value(self) -> Result<Option<Value>, CallbackError>;
}

impl<T: Serialize> IntoOutputValue for T {
    fn into_output_value(self) -> Result<Option<Value>, CallbackError> {
        serde_json::to_value(self)
            .map(Some)
            .map_err(|e| CallbackError::Output(e.to_string()))
    }
}

impl<T: Serialize> IntoOutputValue for Update<T> {
    fn into_output_value(self) -> Result<Option<Value>, CallbackError> {
        match self {
            Update::Value(v) => v.into_output_value(),
            Update::NoUpdate => Ok(None),
        }
    }
}

impl IntoOutputValue for NoUpdate {
    fn into_output_value(self) -> Result<Option<Value>, CallbackError> {
        Ok(None)
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
