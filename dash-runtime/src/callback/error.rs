//! Callback errors.

use std::any::Any;
use std::fmt::Display;

/// Return `Err(PreventUpdate)` from a callback to leave every output unchanged (the server
/// answers 204, as Dash does for `raise PreventUpdate`).
///
/// ```
/// use dash_runtime::prelude::*;
///
/// #[callback(output = Output("out", "children"), inputs = [Input("in", "value")])]
/// fn echo(value: Option<String>) -> Result<String, PreventUpdate> {
///     value.ok_or(PreventUpdate)
/// }
/// assert_eq!(echo(None), Err(PreventUpdate));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, thiserror::Error)]
#[error("update prevented")]
pub struct PreventUpdate;

/// Why a callback produced no outputs.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallbackError {
    /// The callback asked to leave everything unchanged (answered 204).
    #[error("update prevented")]
    PreventUpdate,
    /// An input or state value could not be turned into the parameter's type (answered 400).
    #[error("{dependency}: {message}")]
    Argument {
        /// The `id.property` of the dependency.
        dependency: String,
        /// What was wrong with the value.
        message: String,
    },
    /// The callback returned an error (answered 500; the message is shown only in debug mode).
    #[error("{0}")]
    User(String),
    /// The callback panicked (answered 500).
    #[error("callback panicked: {0}")]
    Panic(String),
    /// An output value could not be serialised or did not fit its output (answered 500).
    #[error("invalid callback return value: {0}")]
    Output(String),
}

impl CallbackError {
    /// A user error with this message.
    pub fn new(message: impl Display) -> Self {
        CallbackError::User(message.to_string())
    }

    /// Whether an `on_error` handler deals with this error: returned errors, panics and bad
    /// return values do; `PreventUpdate` and request problems (bad argument values) do not.
    pub fn is_handled_by_on_error(&self) -> bool {
        matches!(
            self,
            CallbackError::User(_) | CallbackError::Panic(_) | CallbackError::Output(_)
        )
    }

    /// Convert any error a callback returned; `PreventUpdate` and `CallbackError` keep their
    /// meaning, anything else becomes [`CallbackError::User`] with its `Display` text.
    pub fn from_user<E: Display + 'static>(error: E) -> Self {
        let mut slot = Some(error);
        let any: &mut dyn Any = &mut slot;
        if let Some(inner) = any.downcast_mut::<Option<CallbackError>>() {
            if let Some(err) = inner.take() {
                return err;
            }
        }
        if any.is::<Option<PreventUpdate>>() {
            return CallbackError::PreventUpdate;
        }
        match slot {
            Some(err) => CallbackError::User(err.to_string()),
            None => CallbackError::User(String::from("callback error")),
        }
    }
}

impl From<PreventUpdate> for CallbackError {
    fn from(_: PreventUpdate) -> Self {
        CallbackError::PreventUpdate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_user_keeps_meaning() {
        assert!(matches!(
            CallbackError::from_user(PreventUpdate),
            CallbackError::PreventUpdate
        ));
        assert!(matches!(
            CallbackError::from_user(CallbackError::Output("x".into())),
            CallbackError::Output(_)
        ));
        match CallbackError::from_user("boom") {
            CallbackError::User(m) => assert_eq!(m, "boom"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
