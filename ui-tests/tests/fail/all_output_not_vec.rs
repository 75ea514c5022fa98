use dash_runtime::prelude::*;

// One value per matching component: an `ALL` output needs a `Vec`.
#[callback(
    output = [Output({"type": "cell", "index": ALL}, "children"), Output("total", "children")],
    inputs = [Input({"type": "num", "index": ALL}, "value")],
)]
fn cells(values: Vec<Option<i64>>) -> (String, String) {
    (format!("{values:?}"), values.len().to_string())
}

fn main() {}
