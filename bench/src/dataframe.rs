//! The DataFrame page request of `dash-bench-dataframe`: the body dash-renderer sends to the
//! DataFrame All-in-One's `refresh` callback (dash-dataframe/src/aio.rs) when a table's sort,
//! filter or page changes, the explorer's rows as the CSV both servers read, and the check
//! that two servers answered the same page.

use std::path::Path;

use polars::prelude::{CsvWriter, DataFrame, SerWriter};
use serde_json::{json, Value};

/// The table instance of both apps (the explorer's `DataFrameTable::new("sales", ..)`).
pub const AIO_ID: &str = "sales";

/// One state of the table: what the request asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct TableState {
    /// `page_current` (0-based).
    pub page: u64,
    /// `page_size`.
    pub page_size: u64,
    /// `sort_by`, as DataTable holds it (`[{"column_id", "direction"}]`).
    pub sort_by: Value,
    /// `filter_query`.
    pub filter: String,
}

impl TableState {
    /// The measured request: page 0 of 20 rows, sorted by region ascending then revenue
    /// descending, filtered by `{units} > 50 && {price} < 20`.
    pub fn measured() -> TableState {
        TableState {
            page: 0,
            page_size: 20,
            sort_by: json!([
                {"column_id": "region", "direction": "asc"},
                {"column_id": "revenue", "direction": "desc"},
            ]),
            filter: "{units} > 50 && {price} < 20".to_owned(),
        }
    }

    /// The same query on another page.
    pub fn on_page(mut self, page: u64) -> TableState {
        self.page = page;
        self
    }

    /// The measured filter without a sort.
    pub fn without_sort(mut self) -> TableState {
        self.sort_by = json!([]);
        self
    }

    /// The measured sort without a filter.
    pub fn without_filter(mut self) -> TableState {
        self.filter = String::new();
        self
    }

    /// No sort and no filter: page 0.
    pub fn plain(page_size: u64) -> TableState {
        TableState {
            page: 0,
            page_size,
            sort_by: json!([]),
            filter: String::new(),
        }
    }
}

/// The id of one part of the table (`table`, `count`, `message`, `source`).
pub fn id(subcomponent: &str) -> Value {
    json!({"component": "DataFrameAIO", "subcomponent": subcomponent, "aio_id": AIO_ID})
}

/// The id as the answer's `response` keys it (keys sorted, no spaces: Dash's
/// `stringify_id`).
pub fn response_key(subcomponent: &str) -> String {
    format!(r#"{{"aio_id":"{AIO_ID}","component":"DataFrameAIO","subcomponent":"{subcomponent}"}}"#)
}

/// The MATCH pattern of a part in the request's `output` string.
fn pattern(subcomponent: &str) -> String {
    format!(r#"{{"aio_id":["MATCH"],"component":"DataFrameAIO","subcomponent":"{subcomponent}"}}"#)
}

/// The body dash-renderer sends when the user changed `filter_query` (the trigger decides
/// only whether the callback recomputes `columns`: it does not here).
pub fn request_body(state: &TableState) -> Value {
    let output = format!(
        "..{t}.data...{t}.columns...{t}.page_count...{c}.children...{m}.children..",
        t = pattern("table"),
        c = pattern("count"),
        m = pattern("message"),
    );
    let table = id("table");
    let input = |id: &Value, property: &str, value: Value| json!({"id": id, "property": property, "value": value});
    let changed = format!("{}.filter_query", response_key("table"));
    json!({
        "output": output,
        "outputs": [
            {"id": table, "property": "data"},
            {"id": table, "property": "columns"},
            {"id": table, "property": "page_count"},
            {"id": id("count"), "property": "children"},
            {"id": id("message"), "property": "children"},
        ],
        "inputs": [
            input(&table, "page_current", json!(state.page)),
            input(&table, "page_size", json!(state.page_size)),
            input(&table, "sort_by", state.sort_by.clone()),
            input(&table, "filter_query", json!(state.filter)),
            input(&id("source"), "data", json!({"source": "registered", "aio_id": AIO_ID})),
        ],
        "changedPropIds": [changed.clone()],
        "parsedChangedPropsIds": [changed],
    })
}

/// Write `df` to `path` as CSV (header, polars' default formats: ISO dates).
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut df = df.clone();
    CsvWriter::new(file)
        .include_header(true)
        .finish(&mut df)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}

/// What a page answer says: the rows, `page_count`, the count text and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct PageAnswer {
    /// `table.data`: one JSON object per row.
    pub rows: Vec<Value>,
    /// `table.page_count`.
    pub page_count: u64,
    /// `count.children` (`"<n> rows"`).
    pub count: String,
    /// `message.children` (empty when the query was valid).
    pub message: String,
    /// Whether the answer carried `table.columns`.
    pub with_columns: bool,
}

/// Read a `_dash-update-component` answer of the table callback.
pub fn page_answer(body: &[u8]) -> Result<PageAnswer, String> {
    let shown = || String::from_utf8_lossy(&body[..body.len().min(400)]).into_owned();
    let answer: Value = serde_json::from_slice(body).map_err(|e| format!("{e}: {}", shown()))?;
    let response = answer.get("response").ok_or_else(shown)?;
    let table = response.get(response_key("table")).ok_or_else(shown)?;
    let text = |sub: &str| {
        response
            .get(response_key(sub))
            .and_then(|v| v.get("children"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(shown)
    };
    Ok(PageAnswer {
        rows: table
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(shown)?,
        page_count: table
            .get("page_count")
            .and_then(Value::as_u64)
            .ok_or_else(shown)?,
        count: text("count")?,
        message: text("message")?,
        with_columns: table.get("columns").is_some(),
    })
}

/// `Ok` when the two answers hold the same rows (same columns; numbers compared as f64, so
/// `12` and `12.0` are equal), page count, count and message; else what differs.
pub fn same_page(a: &PageAnswer, b: &PageAnswer) -> Result<(), String> {
    if a.count != b.count {
        return Err(format!("count {:?} against {:?}", a.count, b.count));
    }
    if a.page_count != b.page_count {
        return Err(format!(
            "page_count {} against {}",
            a.page_count, b.page_count
        ));
    }
    if a.message != b.message {
        return Err(format!("message {:?} against {:?}", a.message, b.message));
    }
    if a.with_columns != b.with_columns {
        return Err("one answer sends `columns`, the other does not".to_owned());
    }
    if a.rows.len() != b.rows.len() {
        return Err(format!("{} rows against {}", a.rows.len(), b.rows.len()));
    }
    for (i, (x, y)) in a.rows.iter().zip(&b.rows).enumerate() {
        if !same_value(x, y) {
            return Err(format!("row {i}: {x} against {y}"));
        }
    }
    Ok(())
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        _ => a == b,
    }
}

/// A row as one line for the report: `date, region, product, units, price, revenue`.
pub fn row_line(row: &Value) -> String {
    ["date", "region", "product", "units", "price", "revenue"]
        .iter()
        .map(|c| match row.get(*c) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "–".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_matches_the_callback() {
        let body = request_body(&TableState::measured());
        let output = body["output"].as_str().expect("output");
        assert!(output.starts_with(
            r#"..{"aio_id":["MATCH"],"component":"DataFrameAIO","subcomponent":"table"}.data..."#
        ));
        assert_eq!(output.matches("...").count(), 4);
        assert_eq!(body["outputs"].as_array().map(Vec::len), Some(5));
        assert_eq!(body["inputs"][1]["value"], 20);
        assert_eq!(body["inputs"][2]["value"][1]["direction"], "desc");
        assert_eq!(body["inputs"][3]["value"], "{units} > 50 && {price} < 20");
        assert_eq!(
            body["changedPropIds"][0],
            r#"{"aio_id":"sales","component":"DataFrameAIO","subcomponent":"table"}.filter_query"#
        );
        assert_eq!(
            request_body(&TableState::measured().on_page(3))["inputs"][0]["value"],
            3
        );
        let sorted = request_body(&TableState::measured().without_filter());
        assert_eq!(sorted["inputs"][3]["value"], "");
        assert_eq!(sorted["inputs"][2]["value"][0]["column_id"], "region");
        let filtered = request_body(&TableState::measured().without_sort());
        assert_eq!(filtered["inputs"][2]["value"], json!([]));
        assert_eq!(TableState::plain(20).without_sort(), TableState::plain(20));
    }

    fn answer(rows: Value, count: &str) -> Vec<u8> {
        json!({"multi": true, "response": {
            response_key("table"): {"data": rows, "page_count": 2},
            response_key("count"): {"children": count},
            response_key("message"): {"children": ""},
        }})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn pages_compare_numbers_as_numbers() {
        let a = page_answer(&answer(json!([{"units": 3, "price": 12.0}]), "30 rows"))
            .expect("an answer");
        let b = page_answer(&answer(json!([{"units": 3.0, "price": 12}]), "30 rows"))
            .expect("an answer");
        assert_eq!(a.page_count, 2);
        assert!(!a.with_columns);
        assert!(same_page(&a, &b).is_ok());
        let c =
            page_answer(&answer(json!([{"units": 4, "price": 12}]), "30 rows")).expect("an answer");
        assert!(same_page(&a, &c).is_err());
        let d =
            page_answer(&answer(json!([{"units": 3, "price": 12}]), "31 rows")).expect("an answer");
        assert!(same_page(&a, &d).unwrap_err().contains("count"));
        assert!(page_answer(b"{}").is_err());
    }

    #[test]
    fn rows_as_lines() {
        let row = json!({"date": "2020-01-01", "region": "East", "product": "P01", "units": 5, "price": 1.5, "revenue": 7.5});
        assert_eq!(row_line(&row), "2020-01-01, East, P01, 5, 1.5, 7.5");
    }
}
