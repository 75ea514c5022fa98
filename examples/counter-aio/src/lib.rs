//! An All-in-One component: a labelled counter with its own callback.
//!
//! Every id of the component is a pattern-matching id holding the caller's instance key, and
//! the callback uses `MATCH` on that key, so any number of counters on a page count
//! independently. Apps use it by calling [`counter`]; the callback registers itself.
//!
//! ```no_run
//! use dash_runtime::prelude::*;
//!
//! Dash::new()
//!     .layout(html::div((counter_aio::counter("apples", "Apples"), counter_aio::counter("pears", "Pears"))))
//!     .run()
//!     .expect("server");
//! ```

use dash_runtime::prelude::*;
use serde::Serialize;

/// The component name inside every id.
pub const COMPONENT: &str = "CounterAIO";

/// The id of one part of one counter instance.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CounterId {
    /// Always [`COMPONENT`].
    pub component: &'static str,
    /// `button` or `display`.
    pub subcomponent: &'static str,
    /// The caller's instance key.
    pub aio_id: String,
}

impl CounterId {
    /// The id of `subcomponent` in instance `aio_id`.
    pub fn new(subcomponent: &'static str, aio_id: &str) -> Self {
        CounterId {
            component: COMPONENT,
            subcomponent,
            aio_id: aio_id.to_owned(),
        }
    }
}

/// A counter instance: a button and a display of its clicks.
pub fn counter(aio_id: &str, label: &str) -> html::Div {
    html::div((
        html::button(format!("{label} +1"))
            .id(CounterId::new("button", aio_id))
            .n_clicks(0),
        html::span("0 clicks").id(CounterId::new("display", aio_id)),
    ))
    .class_name("counter-aio")
}

#[callback(
    output = Output({"component": "CounterAIO", "subcomponent": "display", "aio_id": MATCH}, "children"),
    inputs = [Input({"component": "CounterAIO", "subcomponent": "button", "aio_id": MATCH}, "n_clicks")],
)]
fn count(n_clicks: Option<u64>) -> String {
    let n = n_clicks.unwrap_or(0);
    format!("{n} click{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(count(None), "0 clicks");
        assert_eq!(count(Some(1)), "1 click");
    }

    #[test]
    fn ids_carry_the_instance_key() {
        let json = serde_json::to_value(counter("a", "A").into_component()).expect("json");
        assert_eq!(json["props"]["children"][0]["props"]["id"]["aio_id"], "a");
    }
}
