use dash_runtime::prelude::*;

// A clientside callback runs in the browser: it has no websocket to run over.
clientside_callback! {
    output = Output("a", "children"),
    inputs = [Input("in", "value")],
    js = "function(v) { return v; }",
    websocket = true,
}

fn main() {}
