//! `crate = ".."`: the macros reach dash_runtime through a re-export.

mod facade {
    pub use dash_runtime as runtime;
}

use dash_runtime::prelude::*;

#[dash_runtime::callback(
    crate = "crate::facade::runtime",
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
)]
fn echo(value: Option<String>) -> String {
    value.unwrap_or_default()
}

#[dash_runtime::page(crate = "crate::facade::runtime", path = "/")]
fn home() -> html::Div {
    html::div("home")
}

#[dash_runtime::memoize(crate = "crate::facade::runtime", ttl = "1m")]
fn slow_square(n: u64) -> u64 {
    n * n
}

#[dash_runtime::mcp_tool(crate = "crate::facade::runtime")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {
    let _: fn(u64) -> u64 = slow_square;
    drop(Dash::new());
}
