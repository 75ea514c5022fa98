use dash_runtime::prelude::*;

// `persistent` hides a long-running server call's loading state; nothing runs on the server.
clientside_callback! {
    output = Output("a", "children"),
    inputs = [Input("in", "value")],
    js = "function(v) { return v; }",
    persistent = true,
}

fn main() {}
