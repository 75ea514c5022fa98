//! `gallery`: component libraries from their own crates. Depending on
//! `dash-bootstrap-components`, `dash-mantine-components` and `dash-ag-grid` is all it takes:
//! the runtime fetches each package's pinned wheel, serves its scripts and checks the layout
//! against its components. The grid pages, sorts and filters 100,000 rows on the server
//! (AG Grid's infinite row model, answered by `dash_dataframe::ag_grid`).
//!
//! Run with `cargo run --release -p gallery` and open <http://127.0.0.1:8050/>.

use std::sync::OnceLock;

use dash_ag_grid as dag;
use dash_bootstrap_components as dbc;
use dash_dataframe::ag_grid::{get_rows, GetRowsRequest, GetRowsResponse};
use dash_mantine_components as dmc;
use dash_runtime::prelude::*;
use polars::prelude::*;
use serde_json::{json, Value};

/// Rows of the grid's data.
pub const ROWS: i64 = 100_000;

/// `id` 0..n, `name` "row <id>", `score` (id × 37) mod 101.
pub fn grid_rows(n: i64) -> PolarsResult<DataFrame> {
    let ids: Vec<i64> = (0..n).collect();
    let names: Vec<String> = ids.iter().map(|i| format!("row {i}")).collect();
    let scores: Vec<i64> = ids.iter().map(|i| (i * 37) % 101).collect();
    df!("id" => ids, "name" => names, "score" => scores)
}

/// The grid's data, built on first use.
fn frame() -> Result<&'static DataFrame, CallbackError> {
    static FRAME: OnceLock<DataFrame> = OnceLock::new();
    if let Some(df) = FRAME.get() {
        return Ok(df);
    }
    let df = grid_rows(ROWS).map_err(CallbackError::new)?;
    Ok(FRAME.get_or_init(|| df))
}

/// "Open" toggles the modal.
#[callback(
    output = Output("modal", "is_open"),
    inputs = [Input("open", "n_clicks")],
    state = [State("modal", "is_open")],
    prevent_initial_call = true,
)]
fn toggle_modal(_clicks: Option<u64>, is_open: Option<bool>) -> bool {
    !is_open.unwrap_or(false)
}

/// "Save" counts into the alert.
#[callback(
    output = Output("alert", "children"),
    inputs = [Input("save", "n_clicks")],
    prevent_initial_call = true,
)]
fn save(clicks: Option<u64>) -> String {
    saved_text(clicks.unwrap_or(0))
}

/// The Mantine select's choice.
#[callback(output = Output("fruit-out", "children"), inputs = [Input("fruit", "value")])]
fn fruit(value: Option<String>) -> String {
    fruit_text(value.as_deref())
}

/// Each block of rows the grid asks for, filtered and sorted on the server.
#[callback(
    output = Output("grid", "getRowsResponse"),
    inputs = [Input("grid", "getRowsRequest")],
    prevent_initial_call = true,
)]
fn grid_block(request: Option<GetRowsRequest>) -> Result<GetRowsResponse, CallbackError> {
    let request = request.unwrap_or_default();
    get_rows(frame()?.clone().lazy(), &request).map_err(CallbackError::new)
}

/// The selected row's name.
#[callback(output = Output("grid-selected", "children"), inputs = [Input("grid", "selectedRows")])]
fn selected(rows: Option<Vec<Value>>) -> String {
    selected_text(rows.as_deref().unwrap_or_default())
}

fn selected_text(rows: &[Value]) -> String {
    let name = rows
        .first()
        .and_then(|r| r["name"].as_str())
        .unwrap_or("none");
    format!("Selected: {name}")
}

fn saved_text(n: u64) -> String {
    format!("Saved {n} times")
}

fn fruit_text(value: Option<&str>) -> String {
    format!(
        "Fruit: {}",
        value.filter(|v| !v.is_empty()).unwrap_or("none")
    )
}

fn layout() -> html::Div {
    html::div((
        html::h1("Component libraries"),
        html::h2("Bootstrap"),
        dbc::button("Open").id("open").color("primary"),
        dbc::modal((
            dbc::modal_header(dbc::modal_title("A modal")),
            dbc::modal_body("Hello from the modal"),
        ))
        .id("modal")
        .is_open(false),
        dbc::button("Save").id("save").color("success"),
        dbc::alert("Not saved yet").id("alert").color("info"),
        html::h2("Mantine"),
        dmc::mantine_provider((
            dmc::Select::new()
                .id("fruit")
                .label("Fruit")
                .placeholder("Pick one")
                .data(["Apple", "Banana", "Cherry"]),
            dmc::text("").id("fruit-out"),
        )),
        html::h2("AG Grid"),
        dag::AgGrid::new()
            .id("grid")
            .row_model_type("infinite")
            .column_defs(json!([
                {"field": "id"},
                {"field": "name"},
                {"field": "score", "filter": "agNumberColumnFilter"},
            ]))
            .default_col_def(json!({"sortable": true}))
            .dash_grid_options(json!({"rowSelection": {"mode": "singleRow", "checkboxes": false, "enableClickSelection": true}})),
        html::Div::new().id("grid-selected"),
    ))
}

fn main() -> Result<(), dash_runtime::Error> {
    Dash::new()
        .title("Component libraries")
        .theme(dbc::themes::BOOTSTRAP)
        .layout(layout())
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(saved_text(2), "Saved 2 times");
        assert_eq!(fruit_text(None), "Fruit: none");
        assert_eq!(fruit_text(Some("")), "Fruit: none");
        assert_eq!(fruit_text(Some("Cherry")), "Fruit: Cherry");
        assert_eq!(selected_text(&[]), "Selected: none");
        assert_eq!(
            selected_text(&[json!({"id": 7, "name": "row 7", "score": 57})]),
            "Selected: row 7"
        );
    }

    #[test]
    fn the_grid_answers_blocks_sorted_and_filtered() {
        let request: GetRowsRequest = serde_json::from_value(json!({
            "startRow": 0, "endRow": 100,
            "sortModel": [{"colId": "score", "sort": "desc"}],
            "filterModel": {"score": {"filterType": "number", "type": "greaterThan", "filter": 99}},
        }))
        .expect("request");
        let response = grid_block(Some(request)).expect("rows");
        let json = serde_json::to_value(&response).expect("JSON");
        let rows = json["rowData"].as_array().expect("rows");
        assert!(!rows.is_empty() && rows.iter().all(|r| r["score"] == 100));
        let expected = (0..ROWS).filter(|i| (i * 37) % 101 == 100).count();
        assert_eq!(response.row_count, Some(expected));
    }

    #[test]
    fn the_layout_uses_the_libraries_namespaces() {
        let json = serde_json::to_value(layout()).expect("layout JSON");
        let text = json.to_string();
        assert!(text.contains(r#""namespace":"dash_bootstrap_components""#));
        assert!(text.contains(r#""namespace":"dash_mantine_components""#));
        assert!(text.contains(r#""namespace":"dash_ag_grid""#));
    }
}
