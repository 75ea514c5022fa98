use dash_runtime::prelude::*;

// `memoize_by` says what else keys a memoized answer: it needs `memoize`.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    memoize_by = ["session"],
)]
fn per_session(_v: Option<u32>) -> String {
    String::new()
}

fn main() {}
