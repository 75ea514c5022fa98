use dash_runtime::prelude::*;

struct Db;

impl Db {
    // `self` cannot be part of the cache key.
    #[memoize]
    fn load(&self, n: u32) -> u32 {
        n
    }
}

fn main() {}
