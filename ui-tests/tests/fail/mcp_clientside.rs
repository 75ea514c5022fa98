use dash_runtime::prelude::*;

// The MCP server runs callbacks on the server; a clientside one never runs there.
clientside_callback! {
    output = Output("a", "children"),
    inputs = [Input("in", "value")],
    js = "function(v) { return v; }",
    mcp = false,
}

fn main() {}
