use dash_runtime::prelude::*;

// A job followed over the websocket is cancelled by the page going away, not by inputs.
#[callback(
    output = Output("result", "children"),
    inputs = [Input("run", "n_clicks")],
    background = true,
    websocket = true,
    cancel = Input("stop", "n_clicks"),
)]
async fn job(_n: Option<u64>) -> String {
    String::new()
}

fn main() {}
