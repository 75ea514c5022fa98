use dash_bootstrap_components as dbc;
use dash_runtime::prelude::*;

// A typed id of a library component is checked against that library's property table.
const SAVE: TypedId<dbc::Button> = TypedId::new("save");

#[callback(output = Output("alert", "children"), inputs = [Input(SAVE, "n_click")])]
fn saved(n: Option<u64>) -> String {
    format!("Saved {} times", n.unwrap_or(0))
}

fn main() {}
