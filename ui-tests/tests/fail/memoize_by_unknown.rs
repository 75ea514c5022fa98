use dash_runtime::prelude::*;

// `memoize_by` parts are "session", "header:<name>" or "cookie:<name>", each once.
#[callback(
    output = Output("out", "children"),
    inputs = [Input("in", "value")],
    memoize = "10m",
    memoize_by = ["tenant", "header:x tenant", "session", "session"],
)]
fn per_tenant(_v: Option<u32>) -> String {
    String::new()
}

fn main() {}
