//! Callbacks: their registered description, the values they return, their errors and the
//! context they can read while running.

pub(crate) mod background;
pub(crate) mod cancel;
mod context;
pub mod dispatch;
mod error;
pub(crate) mod job;
pub(crate) mod serverside;
pub mod spec;
mod update;

pub use context::{callback_context, set_props, CallbackContext, Triggered};
pub use dispatch::Clientside;
pub use error::{CallbackError, PreventUpdate};
pub use serverside::{MissingValue, Serverside, StoreLike, KEY_PREFIX};
pub use spec::{CallbackSpec, Running};
#[doc(hidden)]
pub use update::assert_all_output;
pub use update::{is_no_update_marker, no_update, AllOutputValue, NoUpdate, Update};

pub(crate) use context::{scope, sync_scope};

/// The app-wide `on_error` handler ([`Dash::on_error`](crate::Dash::on_error)).
pub(crate) type ErrorHandler = std::sync::Arc<dyn Fn(&CallbackError) + Send + Sync>;
