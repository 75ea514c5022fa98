use std::collections::BTreeMap;

use dash_runtime::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Summary {
    rows: usize,
    by_region: BTreeMap<String, f64>,
}

#[memoize(ttl = "1h")]
fn summary(region: &str, (from, to): (u16, u16), mut scale: f64) -> Result<Summary, std::io::Error> {
    scale *= 2.0;
    let mut by_region = BTreeMap::new();
    by_region.insert(region.to_owned(), scale);
    Ok(Summary { rows: usize::from(to - from), by_region })
}

#[memoize]
async fn rate<'a>(currency: &'a str) -> f64 {
    currency.len() as f64
}

#[memoize(ttl = "30s")]
fn nothing() {}

#[callback(
    output = [Output("sum", "children"), Output("rate", "children")],
    inputs = [Input("region", "value")],
    memoize = "10m",
    memoize_by = ["session", "header:X-Tenant", "cookie:theme"],
)]
async fn summarise(region: Option<String>) -> (String, f64) {
    let region = region.unwrap_or_default();
    let rows = summary(&region, (2000, 2024), 1.0).map(|s| s.rows).unwrap_or(0);
    (format!("{rows} rows"), rate(&region).await)
}

#[callback(output = Output("plain", "children"), inputs = [Input("n", "value")], memoize = "1h30m")]
fn plain(n: Option<u32>) -> u32 {
    nothing();
    n.unwrap_or(0)
}

fn main() {
    assert_eq!(summary("eu", (2000, 2001), 1.0).map(|s| s.rows).ok(), Some(1));
}
