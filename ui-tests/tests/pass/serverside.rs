//! `Serverside` values on stores: string ids, typed `dcc.Store` ids, optional and wildcard
//! inputs, tuples of outputs, and a component the app declares store-like.

use dash_runtime::callback::StoreLike;
use dash_runtime::ids::TypedComponent;
use dash_runtime::prelude::*;
use std::time::Duration;

const FRAME: TypedId<dcc::Store> = TypedId::new("frame");
const GO: TypedId<html::Button> = TypedId::new("go");

#[callback(output = Output("raw", "data"), inputs = [Input(GO, "n_clicks")])]
fn load(_n: Option<u32>) -> Serverside<Vec<f64>> {
    Serverside::new(vec![1.0, 2.0]).ttl(Duration::from_secs(60))
}

#[callback(
    output = [Output(FRAME, "data"), Output("status", "children")],
    inputs = [Input("raw", "data")],
)]
fn derive(raw: Option<Serverside<Vec<f64>>>) -> Result<(Serverside<f64>, String), PreventUpdate> {
    let raw = raw.ok_or(PreventUpdate)?;
    let total: f64 = raw.iter().sum();
    Ok((Serverside::new(total), format!("{} rows", raw.len())))
}

#[callback(
    output = Output("parts", "children"),
    inputs = [Input({"type": "part", "index": ALL}, "data")],
    state = [State(FRAME, "data")],
)]
async fn parts(parts: Vec<Option<Serverside<String>>>, total: Option<Serverside<f64>>) -> String {
    format!("{} parts, total {:?}", parts.len(), total.map(Serverside::into_inner))
}

#[callback(
    output = Output("bg", "children"),
    inputs = [Input(FRAME, "data")],
    background = true,
    prevent_initial_call = true,
)]
async fn in_background(total: Serverside<f64>) -> String {
    total.to_string()
}

/// A component of the app's own library that keeps JSON in `data`, declared store-like.
pub struct Cache;

pub struct CacheProps {
    pub data: dash_runtime::ids::Prop<dash_runtime::ids::AnyProp>,
}

impl TypedComponent for Cache {
    type Props = CacheProps;
    const PROP_KINDS: CacheProps = CacheProps {
        data: dash_runtime::ids::Prop::new(),
    };
    const PROP_NAMES: &'static [&'static str] = &["id", "data"];
    const WILDCARD_PREFIXES: &'static [&'static str] = &[];
}

impl StoreLike for Cache {}

const CACHE: TypedId<Cache> = TypedId::new("cache");

#[callback(output = Output(CACHE, "data"), inputs = [Input(FRAME, "data")])]
fn cache(total: Serverside<f64>) -> Serverside<f64> {
    total
}

fn main() {}
