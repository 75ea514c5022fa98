//! `store`: server-side data. A million-row frame lives in the app's data store while the
//! browser holds only its key; a slow callback is memoized; each session counts its visits.
//!
//! Run with `cargo run --release -p store` and open <http://127.0.0.1:8050/>.

use std::time::Duration;

use dash_runtime::prelude::*;
use dash_runtime::sessions::Sessions;
use serde::{Deserialize, Serialize};

/// Rows of the generated frame.
pub const ROWS: usize = 1_000_000;

/// A column-oriented frame: `x` is 0..n, `y` is `sin(x / 1000)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// 0, 1, 2, ...
    pub x: Vec<f64>,
    /// `sin(x / 1000)`.
    pub y: Vec<f64>,
}

impl Frame {
    /// The frame with `rows` rows.
    pub fn generate(rows: usize) -> Frame {
        let x: Vec<f64> = (0..rows).map(|i| i as f64).collect();
        let y = x.iter().map(|x| (x / 1000.0).sin()).collect();
        Frame { x, y }
    }

    /// `rows: <n>, mean y: <mean, 6 decimals>`.
    pub fn summary(&self) -> String {
        let mean = if self.y.is_empty() {
            0.0
        } else {
            self.y.iter().sum::<f64>() / self.y.len() as f64
        };
        format!("rows: {}, mean y: {mean:.6}", self.y.len())
    }
}

/// Clicking "Load data" builds the frame on the server; the browser's `dcc.Store` receives
/// only a signed key.
#[callback(
    output = Output("frame", "data"),
    inputs = [Input("load", "n_clicks")],
    prevent_initial_call = true,
)]
fn load(_clicks: Option<u64>) -> Serverside<Frame> {
    Serverside::new(Frame::generate(ROWS))
}

/// The frame comes back as a value, loaded from the store before the call.
#[callback(output = Output("stats", "children"), inputs = [Input("frame", "data")])]
fn stats(frame: Option<Serverside<Frame>>) -> String {
    match frame {
        Some(frame) => frame.summary(),
        None => "no data loaded".to_owned(),
    }
}

/// A slow computation, answered from the store for a minute once computed.
#[callback(
    output = Output("square", "children"),
    inputs = [Input("n", "value")],
    memoize = "60s",
)]
fn square(n: Option<f64>) -> String {
    std::thread::sleep(Duration::from_secs(1));
    let n = n.unwrap_or(0.0);
    format!("square: {}", format_number(n * n))
}

/// Every page load of a session counts one visit.
#[callback(output = Output("session-visits", "children"), inputs = [Input("url", "pathname")])]
fn visits(_path: Option<String>) -> Result<String, CallbackError> {
    let session = callback_context()
        .and_then(|ctx| ctx.session())
        .ok_or_else(|| CallbackError::new("sessions are off"))?;
    let visits = session.get::<u64>("visits").unwrap_or(0) + 1;
    session.set("visits", visits).map_err(CallbackError::new)?;
    Ok(format!("visits this session: {visits}"))
}

/// Whole numbers without a fraction (`9`, not `9.0`).
fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

fn layout() -> html::Div {
    html::div((
        dcc::Location::new().id("url"),
        html::h1("Server-side data"),
        html::button("Load data").id("load"),
        dcc::Store::new().id("frame"),
        html::Div::new().id("stats"),
        dcc::Input::new().id("n").r#type("number").value(3),
        html::Div::new().id("square"),
        html::Div::new().id("session-visits"),
    ))
}

fn main() -> Result<(), dash_runtime::Error> {
    Dash::new()
        .title("Server-side data")
        .sessions(Sessions::new())
        .layout(layout())
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_and_its_summary() {
        let frame = Frame::generate(4);
        assert_eq!(frame.x, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(frame.y[1], (0.001f64).sin());
        assert_eq!(Frame::generate(0).summary(), "rows: 0, mean y: 0.000000");
        assert!(Frame::generate(ROWS)
            .summary()
            .starts_with("rows: 1000000, mean y: "));
    }

    #[test]
    fn squares_print_as_whole_numbers() {
        assert_eq!(format_number(9.0), "9");
        assert_eq!(format_number(2.25), "2.25");
    }
}
