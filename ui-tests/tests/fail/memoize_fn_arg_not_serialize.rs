use dash_runtime::prelude::*;

struct Query {
    region: String,
}

// Arguments form the cache key: they must implement `Serialize`.
#[memoize(ttl = "1h")]
fn load(query: Query, year: u16) -> Vec<u32> {
    vec![query.region.len() as u32, u32::from(year)]
}

fn main() {}
