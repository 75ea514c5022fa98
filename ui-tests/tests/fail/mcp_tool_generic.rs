use dash_runtime::prelude::*;

// An MCP tool's arguments are read from JSON by their types: they must be concrete.
#[mcp_tool]
fn first<T: serde::de::DeserializeOwned>(items: Vec<T>) -> usize {
    items.len()
}

fn main() {}
