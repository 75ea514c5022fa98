//! `/analytics`: pick a metric.

use dash_runtime::prelude::*;

#[page(path = "/analytics", name = "Analytics", order = 1)]
fn analytics() -> html::Div {
    html::div((
        html::h2("Analytics"),
        dcc::Dropdown::new()
            .id("metric")
            .options(["sales", "users"])
            .value("sales"),
        html::Div::new().id("metric-out"),
    ))
}

#[callback(output = Output("metric-out", "children"), inputs = [Input("metric", "value")])]
fn metric(value: Option<String>) -> String {
    format!("Metric: {}", value.unwrap_or_default())
}
