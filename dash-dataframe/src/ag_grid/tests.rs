use polars::prelude::*;
use serde_json::{json, Value};

use super::*;

fn request(v: Value) -> GetRowsRequest {
    serde_json::from_value(v).expect("a getRowsRequest")
}

fn rows(lf: LazyFrame, v: Value) -> (Vec<Value>, Option<usize>) {
    let response = get_rows(lf, &request(v)).expect("rows");
    let json = serde_json::to_value(&response).expect("JSON");
    let data = json["rowData"].as_array().cloned().unwrap_or_default();
    (data, response.row_count)
}

fn column(data: &[Value], name: &str) -> Vec<Value> {
    data.iter().map(|r| r[name].clone()).collect()
}

/// The gallery's rows: `id`, `name` = "row <id>", `score` = (id × 37) mod 101.
fn gallery(n: i64) -> LazyFrame {
    let ids: Vec<i64> = (0..n).collect();
    let names: Vec<String> = ids.iter().map(|i| format!("row {i}")).collect();
    let scores: Vec<i64> = ids.iter().map(|i| (i * 37) % 101).collect();
    df!("id" => ids, "name" => names, "score" => scores)
        .expect("frame")
        .lazy()
}

#[test]
fn the_request_dash_ag_grid_sends_parses() {
    let r = request(json!({
        "startRow": 100, "endRow": 200, "context": null,
        "sortModel": [{"sort": "desc", "colId": "score"}],
        "filterModel": {
            "score": {"filterType": "number", "type": "greaterThan", "filter": 99},
            "name": {"filterType": "text", "operator": "OR", "conditions": [
                {"filterType": "text", "type": "contains", "filter": "1"},
                {"filterType": "text", "type": "blank"}
            ]}
        }
    }));
    assert_eq!((r.start_row, r.end_row), (100, 200));
    assert_eq!(r.sort_model[0].col_id, "score");
    assert!(matches!(r.filter_model["score"], ColumnFilter::Single(_)));
    assert!(matches!(
        r.filter_model["name"],
        ColumnFilter::Combined {
            operator: FilterOperator::Or,
            ..
        }
    ));
}

#[test]
fn sorting_score_descending_puts_100_first_and_counts_all_rows() {
    let (data, count) = rows(
        gallery(100_000),
        json!({"startRow": 0, "endRow": 50, "sortModel": [{"colId": "score", "sort": "desc"}]}),
    );
    assert_eq!(count, Some(100_000));
    assert_eq!(data.len(), 50);
    assert!(column(&data, "score").iter().all(|s| s == &json!(100)));
    // Ties keep the source order.
    let ids: Vec<i64> = column(&data, "id")
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

#[test]
fn a_number_filter_leaves_only_matching_rows() {
    let expected = (0..100_000i64).filter(|i| (i * 37) % 101 > 99).count();
    let (data, count) = rows(
        gallery(100_000),
        json!({"startRow": 0, "endRow": 100, "filterModel": {
            "score": {"filterType": "number", "type": "greaterThan", "filter": 99}}}),
    );
    assert_eq!(count, Some(expected));
    assert!(!data.is_empty());
    assert!(column(&data, "score").iter().all(|s| s == &json!(100)));

    // inRange excludes both ends; the bounds may come in either order.
    for (from, to) in [(10, 12), (12, 10)] {
        let (data, _) = rows(
            gallery(1_000),
            json!({"startRow": 0, "endRow": 1000, "filterModel": {
                "score": {"filterType": "number", "type": "inRange", "filter": from, "filterTo": to}}}),
        );
        assert!(
            column(&data, "score").iter().all(|s| s == &json!(11)),
            "{data:?}"
        );
    }
}

#[test]
fn a_window_past_the_end_still_counts() {
    let (data, count) = rows(gallery(10), json!({"startRow": 100, "endRow": 200}));
    assert!(data.is_empty());
    assert_eq!(count, Some(10));
    let err = get_rows(gallery(10), &request(json!({"startRow": 5, "endRow": 1}))).unwrap_err();
    assert!(matches!(err, GridError::BadRange { .. }), "{err}");
}

fn people() -> LazyFrame {
    df!(
        "name" => [Some("Ada"), Some("bob"), None, Some("  "), Some("Grace")],
        "age" => [Some(36.0), None, Some(20.0), Some(51.0), Some(85.5)],
        "born" => ["1815-12-10", "1990-01-01", "2001-05-05", "1970-06-30", "1906-12-09"],
    )
    .expect("frame")
    .lazy()
}

fn names(filter: Value) -> Vec<Value> {
    let (data, _) = rows(
        people(),
        json!({"startRow": 0, "endRow": 10, "filterModel": filter}),
    );
    column(&data, "name")
}

#[test]
fn text_filters_are_case_insensitive_and_let_empty_cells_through_only_negations() {
    let f = |kind: &str, value: &str| json!({"name": {"filterType": "text", "type": kind, "filter": value}});
    assert_eq!(names(f("contains", "A")), [json!("Ada"), json!("Grace")]);
    assert_eq!(names(f("equals", "BOB")), [json!("bob")]);
    assert_eq!(names(f("startsWith", "gr")), [json!("Grace")]);
    assert_eq!(names(f("endsWith", "CE")), [json!("Grace")]);
    assert_eq!(
        names(f("notContains", "a")),
        [json!("bob"), Value::Null, json!("  ")]
    );
    assert_eq!(names(f("notEqual", "ada")).len(), 4);
    assert_eq!(
        names(json!({"name": {"filterType": "text", "type": "blank"}})),
        [Value::Null, json!("  ")]
    );
    // A text filter on a number column reads the numbers as the browser writes them.
    assert_eq!(
        names(json!({"age": {"filterType": "text", "type": "contains", "filter": "5."}})),
        [json!("Grace")]
    );
}

#[test]
fn number_filters_never_match_an_empty_cell() {
    let f = |kind: &str| json!({"age": {"filterType": "number", "type": kind, "filter": 36}});
    assert_eq!(names(f("equals")), [json!("Ada")]);
    assert_eq!(names(f("notEqual")).len(), 3);
    assert_eq!(names(f("lessThanOrEqual")), [json!("Ada"), Value::Null]);
    assert_eq!(
        names(json!({"age": {"filterType": "number", "type": "blank"}})),
        [json!("bob")]
    );
}

#[test]
fn conditions_combine_and_columns_all_apply() {
    let or = json!({"age": {"filterType": "number", "operator": "OR", "conditions": [
        {"filterType": "number", "type": "lessThan", "filter": 21},
        {"filterType": "number", "type": "greaterThan", "filter": 80}
    ]}});
    assert_eq!(names(or), [Value::Null, json!("Grace")]);
    let legacy = json!({"age": {"operator": "AND",
        "condition1": {"filterType": "number", "type": "greaterThan", "filter": 30},
        "condition2": {"filterType": "number", "type": "lessThan", "filter": 60}}});
    assert_eq!(names(legacy), [json!("Ada"), json!("  ")]);
    let both = json!({
        "age": {"filterType": "number", "type": "greaterThan", "filter": 30},
        "name": {"filterType": "text", "type": "contains", "filter": "a"}
    });
    assert_eq!(names(both), [json!("Ada"), json!("Grace")]);
}

#[test]
fn date_filters_compare_the_day() {
    let f = |kind: &str, from: &str| json!({"born": {"filterType": "date", "type": kind, "dateFrom": from, "dateTo": null}});
    assert_eq!(names(f("equals", "1815-12-10 00:00:00")), [json!("Ada")]);
    assert_eq!(
        names(f("lessThan", "1910-01-01 00:00:00")),
        [json!("Ada"), json!("Grace")]
    );
    assert_eq!(
        names(f("greaterThan", "2000-01-01 00:00:00")),
        [Value::Null]
    );
    let range = json!({"born": {"filterType": "date", "type": "inRange",
        "dateFrom": "1960-01-01 00:00:00", "dateTo": "1995-01-01 00:00:00"}});
    assert_eq!(names(range), [json!("bob"), json!("  ")]);
    let err = get_rows(
        people(),
        &request(json!({"endRow": 5, "filterModel": {"born": {"filterType": "date", "type": "equals", "dateFrom": "soon"}}})),
    )
    .unwrap_err();
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn unknown_columns_and_enterprise_filters_are_errors() {
    let err = get_rows(
        people(),
        &request(
            json!({"endRow": 5, "filterModel": {"nope": {"filterType": "text", "filter": "x"}}}),
        ),
    )
    .unwrap_err();
    assert!(
        matches!(err, GridError::UnknownColumn(ref c) if c == "nope"),
        "{err}"
    );
    let err = get_rows(
        people(),
        &request(
            json!({"endRow": 5, "filterModel": {"name": {"filterType": "set", "values": ["Ada"]}}}),
        ),
    )
    .unwrap_err();
    assert!(matches!(err, GridError::Unsupported { .. }), "{err}");
    let err = get_rows(
        people(),
        &request(json!({"endRow": 5, "filterModel": {"age": {"filterType": "number", "type": "equals"}}})),
    )
    .unwrap_err();
    assert!(matches!(err, GridError::BadFilter { .. }), "{err}");
}
