use dash_runtime::prelude::*;

#[callback(
    output = Output("out", "children"),
    inputs = [(Input("a", "value"), Trigger("go", "n_clicks"))],
)]
fn cb(a: (Option<String>,)) -> String {
    format!("{a:?}")
}

fn main() {}
