use dash_runtime::prelude::*;

const TABLE: TypedId<dash_table::DataTable> = TypedId::new("table");
const GO: TypedId<html::Button> = TypedId::new("go");

// `DataTable` has a `data` property, but it is not a store: the browser renders it.
#[callback(output = Output(TABLE, "data"), inputs = [Input(GO, "n_clicks")])]
fn rows(_n: Option<u32>) -> Serverside<Vec<u32>> {
    Serverside::new(vec![1, 2, 3])
}

fn main() {}
