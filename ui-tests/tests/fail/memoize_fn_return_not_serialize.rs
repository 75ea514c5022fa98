use dash_runtime::prelude::*;

struct Frame {
    rows: Vec<f64>,
}

// The value is stored and read back: `Serialize + DeserializeOwned` (for a `Result`, its
// `Ok` type).
#[memoize(ttl = "1h")]
fn load(n: usize) -> Result<Frame, std::io::Error> {
    Ok(Frame { rows: vec![0.0; n] })
}

fn main() {}
