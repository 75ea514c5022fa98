//! `native-table`: a `dash_table.DataTable` with native filtering and sorting over the rows
//! of dash-dataframe's native-comparison data (`dash-dataframe/tests/native/`).
//!
//! `e2e/tests/browser_native_table.rs` drives it: it puts each case of `queries.txt` into the
//! `case` store, a callback copies the case's `filter_query` and `sort_by` into the table and
//! renames the `id` column to `id #<n>`, so the rendered table itself tells which case it
//! shows. Run with `cargo run --release -p native-table` to filter and sort by hand.

use std::sync::LazyLock;

use dash_runtime::prelude::*;
use serde::Deserialize;
use serde_json::Value;

/// The rows (ids 0–7), as dash-dataframe's tests write them.
const DATA: &str = include_str!("../../../dash-dataframe/tests/native/data.json");

/// The table's columns, with their DataTable types.
const COLUMNS: &str = include_str!("../../../dash-dataframe/tests/native/columns.json");

static COLUMN_SPECS: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(COLUMNS).expect("columns.json is JSON"));

/// One case: its number, the query and the sort to show.
#[derive(Debug, Deserialize)]
struct Case {
    n: u64,
    #[serde(default)]
    filter_query: String,
    #[serde(default)]
    sort_by: Value,
}

/// The columns, the `id` column named `name` (its header).
fn columns(name: &str) -> Value {
    let mut columns = COLUMN_SPECS.clone();
    if let Some(id) = columns
        .as_array_mut()
        .and_then(|cols| cols.iter_mut().find(|c| c["id"] == "id"))
    {
        id["name"] = Value::String(name.to_owned());
    }
    columns
}

/// Shows a case: its filter query and sort, and its number in the `id` header.
#[callback(
    output = [
        Output("native", "filter_query"),
        Output("native", "sort_by"),
        Output("native", "columns"),
    ],
    inputs = [Input("case", "data")],
    prevent_initial_call = true,
    blocking = false,
)]
fn show_case(case: Option<Case>) -> Result<(String, Value, Value), PreventUpdate> {
    let case = case.ok_or(PreventUpdate)?;
    let sort_by = match case.sort_by {
        Value::Null => Value::Array(Vec::new()),
        sort_by => sort_by,
    };
    Ok((
        case.filter_query,
        sort_by,
        columns(&format!("id #{}", case.n)),
    ))
}

fn layout() -> Result<html::Div, serde_json::Error> {
    let data: Value = serde_json::from_str(DATA)?;
    Ok(html::div((
        html::h1("DataTable: native filtering and sorting"),
        dcc::Store::new().id("case"),
        dash_table::DataTable::new()
            .id("native")
            .data(data)
            .columns(columns("id"))
            .filter_action("native")
            .sort_action("native")
            .sort_mode("multi")
            .page_size(100u64),
    )))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Dash::new()
        .title("Native DataTable")
        .layout(layout()?)
        .run()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_sets_the_query_the_sort_and_the_id_header() {
        let case = Case {
            n: 3,
            filter_query: "{i} eq 5".into(),
            sort_by: Value::Null,
        };
        let (query, sort_by, columns) = show_case(Some(case)).expect("an update");
        assert_eq!(query, "{i} eq 5");
        assert_eq!(sort_by, serde_json::json!([]));
        assert_eq!(columns[0]["name"], "id #3");
        assert_eq!(columns.as_array().map(Vec::len), Some(7));
        assert!(show_case(None).is_err());
    }
}
