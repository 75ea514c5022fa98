use dash_runtime::prelude::*;

// The key and the stored value need concrete types.
#[memoize]
fn first<T: serde::Serialize + Clone>(items: Vec<T>) -> usize {
    items.len()
}

#[memoize]
fn total(items: impl IntoIterator<Item = u32>) -> u32 {
    items.into_iter().sum()
}

fn main() {}
