//! The All-in-One through dash-runtime's router, as dash-renderer calls it: first page,
//! paging, sorting, filtering, an invalid query's message, a stored source, and the app
//! swapping the source from its own callback (a `Serverside<Frame>` key).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_dataframe::{put_frame, DataFrameTable, SortMode, Source};
use dash_runtime::prelude::*;
use dash_runtime::store::{DataStore, Frame};
use http_body_util::BodyExt;
use polars::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

fn sales() -> DataFrame {
    df!(
        "region" => ["North", "South", "East", "West", "North", "South", "North"],
        "units" => [10i64, 60, 30, 80, 55, 5, 70],
        "price" => [1.25, 2.5, 3.75, 4.0, 5.5, 6.25, 7.0],
    )
    .expect("frame")
}

/// The app's own callback: the region picker swaps the `sales` table's source.
#[callback(
    output = Output({"component": "DataFrameAIO", "subcomponent": "source", "aio_id": "sales"}, "data"),
    inputs = [Input("pick", "value")],
    prevent_initial_call = true,
)]
fn pick_region(region: String) -> Result<Serverside<Frame>, PolarsError> {
    let rows = sales()
        .lazy()
        .filter(col("region").eq(lit(region)))
        .collect()?;
    Ok(Serverside::new(Frame(rows)))
}

async fn app() -> (Router, DataStore) {
    let store = DataStore::in_memory();
    let server = Dash::new()
        .data_store(store.clone())
        .serve_locally(false)
        .layout(html::div((
            dcc::Input::new().id("pick").value("North"),
            DataFrameTable::new("sales", sales().lazy())
                .page_size(3)
                .sort_mode(SortMode::Multi),
            DataFrameTable::new("kept", Source::stored("kept")).page_size(2),
        )))
        .build()
        .await
        .expect("the app builds");
    (server.router(), store)
}

async fn post(router: &Router, body: &Value) -> (StatusCode, Value) {
    let req = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("answer");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn id(sub: &str, aio: &str) -> Value {
    json!({"component": "DataFrameAIO", "subcomponent": sub, "aio_id": aio})
}

fn key(sub: &str, aio: &str) -> String {
    format!(r#"{{"aio_id":"{aio}","component":"DataFrameAIO","subcomponent":"{sub}"}}"#)
}

/// One call of the table's callback, as dash-renderer sends it.
struct Call<'a> {
    aio: &'a str,
    page: u64,
    size: u64,
    sort_by: Value,
    filter: &'a str,
    source: Value,
    changed: &'a str,
}

impl Call<'_> {
    fn body(&self) -> Value {
        let m = |sub: &str| {
            format!(r#"{{"aio_id":["MATCH"],"component":"DataFrameAIO","subcomponent":"{sub}"}}"#)
        };
        let output = format!(
            "..{t}.data...{t}.columns...{t}.page_count...{c}.children...{g}.children..",
            t = m("table"),
            c = m("count"),
            g = m("message")
        );
        let table = id("table", self.aio);
        let dep = |i: &Value, p: &str, v: Value| json!({"id": i, "property": p, "value": v});
        let changed: Vec<String> = match self.changed {
            "" => vec![],
            "source" => vec![format!("{}.data", key("source", self.aio))],
            prop => vec![format!("{}.{prop}", key("table", self.aio))],
        };
        json!({
            "output": output,
            "outputs": [
                {"id": table, "property": "data"},
                {"id": table, "property": "columns"},
                {"id": table, "property": "page_count"},
                {"id": id("count", self.aio), "property": "children"},
                {"id": id("message", self.aio), "property": "children"},
            ],
            "inputs": [
                dep(&table, "page_current", json!(self.page)),
                dep(&table, "page_size", json!(self.size)),
                dep(&table, "sort_by", self.sort_by.clone()),
                dep(&table, "filter_query", json!(self.filter)),
                dep(&id("source", self.aio), "data", self.source.clone()),
            ],
            "changedPropIds": changed,
        })
    }
}

fn sales_call<'a>() -> Call<'a> {
    Call {
        aio: "sales",
        page: 0,
        size: 3,
        sort_by: json!([]),
        filter: "",
        source: json!({"source": "registered", "aio_id": "sales"}),
        changed: "",
    }
}

async fn answer(router: &Router, call: &Call<'_>) -> Value {
    let (status, body) = post(router, &call.body()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["response"].clone()
}

fn column(resp: &Value, aio: &str, name: &str) -> Vec<Value> {
    resp[key("table", aio)]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("data: {resp}"))
        .iter()
        .map(|r| r[name].clone())
        .collect()
}

#[tokio::test]
async fn the_layout_carries_the_ids_and_custom_actions() {
    let layout = serde_json::to_value(
        DataFrameTable::new("x", sales().lazy())
            .page_size(20)
            .sort_mode(SortMode::Multi)
            .into_component(),
    )
    .expect("json");
    let parts = layout["props"]["children"].as_array().expect("children");
    let table = parts
        .iter()
        .find(|c| c["type"] == "DataTable")
        .expect("a DataTable");
    assert_eq!(
        table["props"]["id"],
        json!({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": "x"})
    );
    for action in ["page_action", "sort_action", "filter_action"] {
        assert_eq!(table["props"][action], "custom");
    }
    assert_eq!(table["props"]["page_size"], 20);
    assert_eq!(table["props"]["sort_mode"], "multi");
    let subs: Vec<&str> = parts
        .iter()
        .filter_map(|c| c["props"]["id"]["subcomponent"].as_str())
        .collect();
    assert_eq!(subs, ["source", "message", "table", "count"]);
}

#[tokio::test]
async fn first_page_then_paging_sorting_and_filtering() {
    let (router, _) = app().await;
    let first = answer(&router, &sales_call()).await;
    let t = key("table", "sales");
    assert_eq!(
        column(&first, "sales", "units"),
        [json!(10), json!(60), json!(30)]
    );
    assert_eq!(first[&t]["page_count"], 3);
    assert_eq!(first[key("count", "sales")]["children"], "7 rows");
    assert_eq!(first[key("message", "sales")]["children"], "");
    let cols = first[&t]["columns"]
        .as_array()
        .expect("columns on the first call");
    assert_eq!(
        cols[1],
        json!({"name": "units", "id": "units", "type": "numeric"})
    );
    assert_eq!(cols[2]["format"], json!({"specifier": ",.2f"}));
    assert_eq!(cols[0]["type"], "text");

    // Page 3 of 3 holds the seventh row; columns are not resent.
    let last = answer(
        &router,
        &Call {
            page: 2,
            changed: "page_current",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(column(&last, "sales", "units"), [json!(70)]);
    assert!(last[&t].get("columns").is_none(), "{last}");

    // Multi-column sort: region ascending, then units descending.
    let sorted = answer(
        &router,
        &Call {
            sort_by: json!([{"column_id": "region", "direction": "asc"}, {"column_id": "units", "direction": "desc"}]),
            changed: "sort_by",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(
        column(&sorted, "sales", "region"),
        ["East", "North", "North"]
    );
    assert_eq!(
        column(&sorted, "sales", "units"),
        [json!(30), json!(70), json!(55)]
    );

    // The two-clause filter of the issue's explorer check.
    let filtered = answer(
        &router,
        &Call {
            filter: r#"{region} eq "North" && {units} > 50"#,
            changed: "filter_query",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(column(&filtered, "sales", "units"), [json!(55), json!(70)]);
    assert_eq!(filtered[key("count", "sales")]["children"], "2 rows");
    assert_eq!(filtered[&t]["page_count"], 1);
    // A filter DataTable's column boxes write (`s` prefixes).
    let boxes = answer(
        &router,
        &Call {
            filter: "{region} scontains ou && {price} s> 5",
            changed: "filter_query",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(column(&boxes, "sales", "units"), [json!(5)]);
}

#[tokio::test]
async fn an_invalid_query_leaves_the_rows_and_explains() {
    let (router, _) = app().await;
    let resp = answer(
        &router,
        &Call {
            filter: "{units} > ",
            changed: "filter_query",
            ..sales_call()
        },
    )
    .await;
    let t = key("table", "sales");
    assert!(resp.get(&t).is_none(), "rows unchanged: {resp}");
    assert!(resp.get(key("count", "sales")).is_none());
    let message = resp[key("message", "sales")]["children"]
        .as_str()
        .expect("message");
    assert!(message.starts_with("Invalid filter query:"), "{message}");
    assert!(message.contains("character 10"), "{message}");
    let resp = answer(
        &router,
        &Call {
            filter: "{units} gt",
            ..sales_call()
        },
    )
    .await;
    assert!(resp.get(&t).is_none());
    // A value the column cannot hold is no error: no rows.
    let resp = answer(
        &router,
        &Call {
            filter: "{units} > abc",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(resp[key("count", "sales")]["children"], "0 rows");
    assert_eq!(resp[key("message", "sales")]["children"], "");
}

#[tokio::test]
async fn a_stored_source_and_a_gone_one() {
    let (router, store) = app().await;
    let call = Call {
        aio: "kept",
        size: 2,
        source: json!({"source": "stored", "name": "kept"}),
        ..sales_call()
    };
    let gone = answer(&router, &call).await;
    let message = gone[key("message", "kept")]["children"]
        .as_str()
        .expect("message");
    assert!(message.contains("is gone"), "{message}");
    put_frame(&store, "kept", sales().head(Some(3)), None)
        .await
        .expect("put");
    let resp = answer(&router, &call).await;
    assert_eq!(resp[key("count", "kept")]["children"], "3 rows");
    assert_eq!(resp[key("table", "kept")]["page_count"], 2);
}

#[tokio::test]
async fn the_app_swaps_the_source_through_a_serverside_frame() {
    let (router, _) = app().await;
    let (status, swapped) = post(
        &router,
        &json!({
            "output": format!("{}.data", key("source", "sales")),
            "outputs": {"id": id("source", "sales"), "property": "data"},
            "inputs": [{"id": "pick", "property": "value", "value": "South"}],
            "changedPropIds": ["pick.value"],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{swapped}");
    let ss_key = swapped["response"][key("source", "sales")]["data"].clone();
    assert!(
        ss_key.as_str().is_some_and(|k| k.starts_with("dash-ss:")),
        "{swapped}"
    );

    let resp = answer(
        &router,
        &Call {
            source: ss_key.clone(),
            changed: "source",
            sort_by: json!([{"column_id": "units", "direction": "desc"}]),
            ..sales_call()
        },
    )
    .await;
    assert_eq!(column(&resp, "sales", "region"), ["South", "South"]);
    assert_eq!(column(&resp, "sales", "units"), [json!(60), json!(5)]);
    assert_eq!(resp[key("count", "sales")]["children"], "2 rows");
    assert!(
        resp[key("table", "sales")]["columns"].is_array(),
        "a new source resends columns"
    );
    // The next page request carries the same key and reads the frame from the store again.
    let again = answer(
        &router,
        &Call {
            source: ss_key,
            filter: "{units} < 10",
            changed: "filter_query",
            ..sales_call()
        },
    )
    .await;
    assert_eq!(column(&again, "sales", "units"), [json!(5)]);
}
