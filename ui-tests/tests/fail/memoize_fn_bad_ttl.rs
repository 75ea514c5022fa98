use dash_runtime::prelude::*;

// `ttl` is a duration above zero; `#[memoize]` has no other option.
#[memoize(ttl = "an hour")]
fn a(n: u32) -> u32 {
    n
}

#[memoize(ttl = "0ms")]
fn b(n: u32) -> u32 {
    n
}

#[memoize(expire = "1h")]
fn c(n: u32) -> u32 {
    n
}

fn main() {}
