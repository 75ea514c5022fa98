use dash_runtime::prelude::*;

// Clientside callbacks run in the browser: nothing to memoize on the server.
clientside_callback! {
    output = Output("upper", "children"),
    inputs = [Input("text", "value")],
    js = "function(value) { return (value || '').toUpperCase(); }",
    memoize = "10m",
    memoize_by = ["session"],
}

fn main() {}
