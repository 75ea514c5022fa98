use dash_runtime::prelude::*;

clientside_callback! {
    output = Output("a", "children"),
    inputs = [Input("in", "value")],
}

clientside_callback! {
    output = Output("b", "children"),
    inputs = [Input("in", "value")],
    namespace = "_dashprivate_mine",
    function = "no_update",
}

clientside_callback! {
    output = Output("c", "children"),
    inputs = [Input("in", "value")],
    js = "function(v) { return v; }",
    function = "f",
}

fn main() {}
