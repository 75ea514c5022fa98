use dash_runtime::prelude::*;

const NAME: TypedId<dcc::Input> = TypedId::new("name");
const GREETING: TypedId<html::Div> = TypedId::new("greeting");

#[callback(output = Output(GREETING, "children"), inputs = [Input(NAME, "valeu")])]
fn misspelt(name: Option<String>) -> String {
    name.unwrap_or_default()
}

// `dcc.Input` takes no `data-*` properties (`html.Div` does).
#[callback(output = Output(NAME, "data-state"), inputs = [Input(GREETING, "n_clicks")])]
fn no_wildcards(n: Option<u32>) -> String {
    n.unwrap_or_default().to_string()
}

fn main() {}
