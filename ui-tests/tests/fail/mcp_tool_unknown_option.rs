use dash_runtime::prelude::*;

#[mcp_tool(title = "Revenue")]
fn revenue(region: String) -> f64 {
    region.len() as f64
}

fn main() {}
