//! `/`: a click counter and two independent All-in-One counters.

use dash_runtime::prelude::*;

#[page(path = "/", name = "Home", order = 0, redirect_from = ["/old-home"])]
fn home() -> html::Div {
    html::div((
        html::h2("Home"),
        html::button("Click me").id("home-btn"),
        html::Div::new().id("home-out"),
        html::h3("Counters"),
        counter_aio::counter("left", "Left"),
        counter_aio::counter("right", "Right"),
    ))
}

#[callback(output = Output("home-out", "children"), inputs = [Input("home-btn", "n_clicks")])]
fn home_clicks(n_clicks: Option<u64>) -> String {
    format!("Home clicks: {}", n_clicks.unwrap_or(0))
}
