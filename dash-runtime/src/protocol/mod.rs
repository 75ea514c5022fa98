//! The wire format of `_dash-update-component`: parsing requests with precise errors and
//! building responses.

mod json;
mod query;
mod reply;
mod request;
mod response;

pub use crate::callback::is_no_update_marker;
pub use json::html_safe_json;
pub use query::Query;
pub use reply::{Failure, Reply, ServersideProblem};
pub use request::{OutputTarget, RequestError, UpdateRequest};
pub use response::UpdateResponse;
