use dash_runtime::prelude::*;

const NAME: TypedId<dcc::Input> = TypedId::new("name");
const GREETING: TypedId<html::Div> = TypedId::new("greeting");
const TICKER: TypedId<dcc::Interval> = TypedId::new("ticker");

#[callback(output = Output(GREETING, "children"), inputs = [Input(NAME, "value")])]
fn flag(name: Option<String>) -> bool {
    name.is_some()
}

#[callback(
    output = [Output(TICKER, "disabled"), Output(GREETING, "className")],
    inputs = [Input(NAME, "value")],
)]
fn pair(name: Option<String>) -> Result<(String, Update<u32>), PreventUpdate> {
    let name = name.ok_or(PreventUpdate)?;
    Ok((name, Update::NoUpdate))
}

fn main() {}
