//! `mcp = false`, doc comments, typed parameters and `#[mcp_tool]` functions compile.

use dash_runtime::prelude::*;
use schemars::JsonSchema;

#[derive(serde::Deserialize, JsonSchema)]
struct Query {
    region: String,
}

/// Shows the region.
#[callback(output = Output("out", "children"), inputs = [Input("q", "data")])]
fn show(query: Query) -> String {
    query.region
}

#[callback(output = Output("hidden", "children"), inputs = [Input("q", "data")], mcp = false)]
fn hidden(_q: serde_json::Value) -> String {
    String::new()
}

/// Not `JsonSchema`: the tool accepts any value for it.
struct Opaque;
impl<'de> serde::Deserialize<'de> for Opaque {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Opaque)
    }
}

#[callback(output = Output("opaque", "children"), inputs = [Input("q", "data")])]
fn opaque(_o: Opaque) -> String {
    String::new()
}

/// Adds two numbers.
#[mcp_tool]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[mcp_tool(name = "fetch_regions")]
async fn regions(prefix: Option<String>) -> Result<Vec<String>, String> {
    Ok(vec![prefix.unwrap_or_default()])
}

fn main() {}
