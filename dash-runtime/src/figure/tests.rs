use serde_json::{json, Value};

use super::*;

fn wire(figure: &Figure) -> Value {
    serde_json::to_value(figure).unwrap()
}

#[test]
fn short_arrays_stay_json_and_long_numeric_arrays_become_typed() {
    let xs: Vec<f64> = (0..100).map(|i| f64::from(i) / 4.0).collect();
    let figure = Figure::new().trace(json!({
        "type": "scatter", "x": xs, "y": [1, 2, 3], "text": vec!["a"; 100],
    }));
    let trace = &wire(&figure)["data"][0];
    assert_eq!(trace["x"]["dtype"], "f8");
    assert_eq!(trace["y"], json!([1, 2, 3]));
    assert_eq!(trace["text"], json!(vec!["a"; 100]));
    // And back, as the browser would send it in State.
    let back: Figure = serde_json::from_value(wire(&figure)).unwrap();
    assert_eq!(back.numbers(0, "x"), Some(xs));
    assert_eq!(back.traces()[0]["y"], json!([1, 2, 3]));
}

#[test]
fn integers_take_the_narrowest_exact_type() {
    let small: Vec<i64> = (0..200).map(|i| i % 100).collect();
    let wide: Vec<i64> = (0..200).map(|i| i * 100_000).collect();
    let negative: Vec<i64> = (0..200).map(|i| -i).collect();
    let figure = Figure::new().trace(json!({"x": small, "y": wide, "z": negative}));
    let trace = &wire(&figure)["data"][0];
    assert_eq!(trace["x"]["dtype"], "u1");
    assert_eq!(trace["y"]["dtype"], "u4");
    assert_eq!(trace["z"]["dtype"], "i2");
}

#[test]
fn gaps_and_mixed_values_stay_json() {
    let mut with_gap: Vec<Value> = (0..100).map(Value::from).collect();
    with_gap[50] = Value::Null;
    let figure = Figure::new().trace(json!({"y": with_gap.clone()}));
    assert_eq!(wire(&figure)["data"][0]["y"], Value::Array(with_gap));
}

#[test]
fn matrices_get_a_shape_and_ragged_rows_stay_lists() {
    let z: Vec<Vec<f64>> = (0..10)
        .map(|r| (0..10).map(|c| f64::from(r * c)).collect())
        .collect();
    let figure = Figure::new().trace(json!({"type": "heatmap", "z": z}));
    let sent = wire(&figure);
    assert_eq!(sent["data"][0]["z"]["shape"], "10,10");
    let back: Figure = serde_json::from_value(sent).unwrap();
    assert_eq!(back.traces()[0]["z"], json!(z));

    let ragged: Vec<Vec<f64>> = (0..70).map(|r| vec![0.5; 1 + r % 3]).collect();
    let figure = Figure::new().trace(json!({"type": "heatmap", "z": ragged}));
    assert_eq!(wire(&figure)["data"][0]["z"], json!(ragged));
}

#[test]
fn selectedpoints_and_layout_are_never_encoded() {
    let indices: Vec<usize> = (0..100).collect();
    let figure = Figure::new()
        .trace(json!({"y": indices, "selectedpoints": indices}))
        .layout(json!({"xaxis": {"tickvals": indices}}));
    let sent = wire(&figure);
    assert_eq!(sent["data"][0]["selectedpoints"], json!(indices));
    assert_eq!(sent["layout"]["xaxis"]["tickvals"], json!(indices));
    assert_eq!(sent["data"][0]["y"]["dtype"], "u1");
}

#[test]
fn plain_json_and_thresholds() {
    let xs: Vec<f64> = (0..100).map(f64::from).collect();
    let plain = Figure::new().trace(json!({"x": xs})).plain_json();
    assert!(wire(&plain)["data"][0]["x"].is_array());
    let low = Figure::new()
        .trace(json!({"x": [1.5, 2.5]}))
        .typed_arrays(2);
    assert_eq!(wire(&low)["data"][0]["x"]["dtype"], "f8");
}

#[test]
fn frames_only_when_present_and_encoded_like_traces() {
    let figure = Figure::new();
    assert!(wire(&figure).get("frames").is_none());
    let ys: Vec<f64> = (0..80).map(f64::from).collect();
    let figure = Figure::new().frames(vec![json!({"name": "f0", "data": [{"y": ys}]})]);
    let sent = wire(&figure);
    assert_eq!(sent["frames"][0]["data"][0]["y"]["dtype"], "f8");
    assert_eq!(sent["frames"][0]["name"], "f0");
}

#[test]
fn a_typed_array_put_into_a_trace_is_sent_as_it_is() {
    let figure = Figure::new()
        .plain_json()
        .trace(json!({"x": TypedArray::from(vec![1.0f32, 2.0])}));
    assert_eq!(wire(&figure)["data"][0]["x"]["dtype"], "f4");
}

#[test]
fn figures_from_the_browser() {
    let empty: Figure = serde_json::from_value(Value::Null).unwrap();
    assert!(empty.traces().is_empty());
    let partial: Figure = serde_json::from_value(json!({"data": [{"y": [1]}]})).unwrap();
    assert!(partial.layout_value().is_empty());
    let err = serde_json::from_value::<Figure>(json!({"data": {"y": 1}})).unwrap_err();
    assert!(err.to_string().contains("list of traces"), "{err}");
    let bad_spec = json!({"data": [{"y": {"dtype": "f8", "bdata": "AAA"}}]});
    let kept: Figure = serde_json::from_value(bad_spec).unwrap();
    assert_eq!(kept.traces()[0]["y"]["dtype"], "f8");
}

#[test]
fn relayout_events() {
    let reset: RelayoutData =
        serde_json::from_value(json!({"xaxis.autorange": true, "yaxis.autorange": true})).unwrap();
    assert_eq!(reset.axes["xaxis"].autorange, Some(true));
    assert_eq!(reset.range_f64("xaxis"), None);
    let first: RelayoutData = serde_json::from_value(json!({"autosize": true})).unwrap();
    assert!(first.is_autosize_only());
    let listed: RelayoutData = serde_json::from_value(json!({
        "xaxis.range": ["2024-01-01", "2024-03-01"], "dragmode": "pan",
        "scene.camera": {"eye": {"x": 1}}, "xaxis2.range[0]": 3
    }))
    .unwrap();
    assert_eq!(
        listed.axes["xaxis"].range,
        Some((json!("2024-01-01"), json!("2024-03-01")))
    );
    assert_eq!(listed.dragmode.as_deref(), Some("pan"));
    assert!(listed.extra.contains_key("scene.camera"));
    assert_eq!(listed.axes["xaxis2"].extra["range[0]"], 3);
    let none: RelayoutData = serde_json::from_value(Value::Null).unwrap();
    assert!(none.is_autosize_only());
}

#[test]
fn click_hover_and_selection_events() {
    let heatmap: ClickData = serde_json::from_value(json!({"points": [
        {"curveNumber": 1, "pointNumber": [2, 3], "x": 3, "y": 2, "z": 0.5}
    ]}))
    .unwrap();
    let point = &heatmap.points[0];
    assert_eq!(point.curve_number, 1);
    assert_eq!(point.index(), None);
    assert_eq!(point.z, Some(json!(0.5)));
    let pie: HoverData = serde_json::from_value(json!({"points": [
        {"curveNumber": 0, "pointNumber": 1, "label": "b", "value": 5, "percent": 0.5}
    ]}))
    .unwrap();
    assert_eq!(pie.points[0].index(), Some(1));
    assert_eq!(pie.points[0].extra["label"], "b");
    let lasso: SelectedData = serde_json::from_value(json!({
        "points": [{"curveNumber": 0, "pointIndex": 4, "x": 1, "y": 1, "customdata": ["id-4", 7]},
                   {"curveNumber": 1, "pointIndex": 9}],
        "lassoPoints": {"x": [0, 1, 1], "y": [0, 0, 1]}
    }))
    .unwrap();
    assert_eq!(lasso.indices(0), vec![4]);
    assert_eq!(lasso.lasso_points.as_ref().unwrap().x.len(), 3);
    assert_eq!(
        lasso.points[0].customdata_as::<(String, u32)>(),
        Some(("id-4".into(), 7))
    );
    assert!(lasso.range.is_empty());
}

#[test]
fn extend_data_lists_every_key_for_every_trace() {
    let update = ExtendData::new()
        .points(2, "y", [1])
        .points(0, "x", [5, 6])
        .points(0, "y", [7, 8]);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!([{"x": [[5, 6], []], "y": [[7, 8], [1]]}, [0, 2]])
    );
    assert!(ExtendData::new().is_empty());
}

#[test]
fn figure_patches_apply_where_plotly_keeps_things() {
    let patch: crate::patch::Patch = FigurePatch::new()
        .extend(1, "marker.size", [3])
        .restyle(0, "line.color", "red")
        .add_trace(json!({"y": [1]}))
        .remove_trace(2)
        .autorange("yaxis")
        .into();
    let ops = serde_json::to_value(&patch).unwrap()["operations"].clone();
    let locations: Vec<Value> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|op| json!([op["operation"], op["location"]]))
        .collect();
    assert_eq!(
        locations,
        vec![
            json!(["Extend", ["data", 1, "marker", "size"]]),
            json!(["Assign", ["data", 0, "line", "color"]]),
            json!(["Append", ["data"]]),
            json!(["Delete", ["data", 2]]),
            json!(["Assign", ["layout", "yaxis", "autorange"]]),
        ]
    );
}

#[cfg(feature = "plotly")]
#[test]
fn plotly_plots_split_figure_and_config() {
    use plotly::common::Mode;
    use plotly::{Layout, Plot, Scatter};
    let mut plot = Plot::new();
    let ys: Vec<f64> = (0..500).map(|i| f64::from(i).sin()).collect();
    plot.add_trace(Scatter::new((0..500).collect::<Vec<i32>>(), ys.clone()).mode(Mode::Lines));
    plot.set_layout(Layout::new().title("Waves"));
    let graph = crate::components::dcc::Graph::new().id("g").plot(&plot);
    let props = &serde_json::to_value(&graph).unwrap()["props"];
    let figure = &props["figure"];
    assert!(figure.get("frames").is_none(), "{figure}");
    assert!(figure.get("config").is_none());
    assert_eq!(figure["data"][0]["x"]["dtype"], "u2");
    assert_eq!(figure["data"][0]["y"]["dtype"], "f8");
    assert_eq!(figure["layout"]["title"]["text"], "Waves");
    let back: Figure = serde_json::from_value(figure.clone()).unwrap();
    assert_eq!(back.numbers(0, "y"), Some(ys));
}
