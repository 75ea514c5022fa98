//! `explorer`: charts and a DataFrame over a million rows of sales.
//!
//! A region dropdown drives a monthly revenue line (built with the `plotly` crate), a
//! 100,000-point price/units scatter (sent as typed arrays) and the DataFrame All-in-One
//! (paged, sorted and filtered on the server by polars); clicking a month of the line shows
//! it below.
//!
//! Run with `cargo run --release -p explorer` and open <http://127.0.0.1:8050/>;
//! `EXPLORER_DATA=sales.parquet` (or `.csv`) shows a file of your own with the same columns.

use std::collections::HashMap;
use std::sync::OnceLock;

use dash_dataframe::{register_frame, DataFrameTable, SortMode, SourceRef};
use dash_runtime::figure::plotly::common::{Marker, Mode, Title};
use dash_runtime::figure::plotly::layout::Axis;
use dash_runtime::figure::plotly::{Layout, Plot, Scatter};
use dash_runtime::figure::{ClickData, Figure};
use dash_runtime::prelude::*;
use polars::prelude::*;

use explorer::data::{self, REGIONS};
use explorer::summary::{self, Summary};

/// What the callbacks read: the charts' data and the table's source per dropdown choice.
struct Explorer {
    summaries: HashMap<String, Summary>,
    sources: HashMap<String, SourceRef>,
}

static EXPLORER: OnceLock<Explorer> = OnceLock::new();

fn explorer() -> Result<&'static Explorer, CallbackError> {
    EXPLORER
        .get()
        .ok_or_else(|| CallbackError::new("the data is not loaded yet"))
}

/// The choice's charts and the table's rows.
#[callback(
    output = [
        Output("revenue-graph", "figure"),
        Output("scatter", "figure"),
        Output({"component": "DataFrameAIO", "subcomponent": "source", "aio_id": "sales"}, "data"),
    ],
    inputs = [Input("region", "value")],
)]
fn select(region: Option<String>) -> Result<(Figure, Figure, SourceRef), CallbackError> {
    let explorer = explorer()?;
    let region = region.unwrap_or_else(|| "All".to_owned());
    let (Some(summary), Some(source)) = (
        explorer.summaries.get(&region),
        explorer.sources.get(&region),
    ) else {
        return Err(CallbackError::new(format!("no region named {region:?}")));
    };
    Ok((
        revenue_figure(&region, summary),
        scatter_figure(&region, summary),
        source.clone(),
    ))
}

/// The month clicked on the revenue line.
#[callback(
    output = Output("clicked", "children"),
    inputs = [Input("revenue-graph", "clickData")],
)]
fn clicked(click: Option<ClickData>) -> String {
    match click.as_ref().and_then(|c| c.points.first()) {
        // The months make a date axis, so plotly reports the month's first day
        // ("2024-03-01"): show the month, as the chart's data has it.
        Some(point) => format!(
            "Clicked: {} {:.2}",
            point.x_str().map_or("?", |x| x.get(..7).unwrap_or(x)),
            point.y_f64().unwrap_or(f64::NAN)
        ),
        None => "Clicked: nothing".to_owned(),
    }
}

fn revenue_figure(region: &str, summary: &Summary) -> Figure {
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(summary.months.clone(), summary.revenue.clone())
            .mode(Mode::LinesMarkers)
            .name("revenue"),
    );
    plot.set_layout(
        Layout::new()
            .title(Title::with_text(format!("Revenue per month: {region}")))
            .x_axis(Axis::new().title("month"))
            .y_axis(Axis::new().title("revenue")),
    );
    Figure::from(&plot)
}

fn scatter_figure(region: &str, summary: &Summary) -> Figure {
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(summary.units.clone(), summary.price.clone())
            .mode(Mode::Markers)
            .marker(Marker::new().size(3).opacity(0.3))
            .web_gl_mode(true)
            .name("rows"),
    );
    plot.set_layout(
        Layout::new()
            .title(Title::with_text(format!(
                "Price against units: {} rows of {region}",
                summary.units.len()
            )))
            .x_axis(Axis::new().title("units"))
            .y_axis(Axis::new().title("price")),
    );
    Figure::from(&plot)
}

fn layout(df: &DataFrame) -> html::Div {
    let options: Vec<&str> = std::iter::once("All").chain(REGIONS).collect();
    html::div((
        html::h1("Sales explorer"),
        dcc::Dropdown::new()
            .id("region")
            .options(options)
            .value("All")
            .clearable(false),
        dcc::Graph::new()
            .id("revenue-graph")
            .config(serde_json::json!({"displaylogo": false})),
        html::Div::new().id("clicked").children("Clicked: nothing"),
        dcc::Graph::new()
            .id("scatter")
            .config(serde_json::json!({"displaylogo": false})),
        DataFrameTable::new("sales", df.clone().lazy())
            .page_size(20)
            .sort_mode(SortMode::Multi),
    ))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let df = match std::env::var_os("EXPLORER_DATA") {
        Some(path) => data::load(std::path::Path::new(&path))?,
        None => data::generate(data::GENERATED_ROWS),
    };
    let mut sources = HashMap::new();
    for region in std::iter::once("All").chain(REGIONS) {
        let view = match region {
            "All" => df.clone().lazy(),
            _ => df.clone().lazy().filter(col("region").eq(lit(region))),
        };
        sources.insert(
            region.to_owned(),
            register_frame(format!("sales/{region}"), view),
        );
    }
    let summaries = summary::summarise(&df, &REGIONS)?.into_iter().collect();
    let layout = layout(&df);
    let _ = EXPLORER.set(Explorer { summaries, sources });
    Dash::new().title("Sales explorer").layout(layout).run()?;
    Ok(())
}
