use dash_runtime::prelude::*;

const BUTTON: TypedId<html::Button> = TypedId::new("button");
const GREETING: TypedId<html::Div> = TypedId::new("greeting");
const TICKER: TypedId<dcc::Interval> = TypedId::new("ticker");

#[callback(
    output = Output(GREETING, "children"),
    inputs = [Input(BUTTON, "n_clicks")],
    state = [State(TICKER, "disabled")],
)]
fn clicked(n: Option<String>, disabled: Option<u32>) -> String {
    format!("{n:?} {disabled:?}")
}

fn main() {}
