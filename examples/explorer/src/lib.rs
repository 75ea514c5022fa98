//! The `explorer` reference app's data: the sales frame (generated or from a file) and the
//! summaries its charts show. The app itself is `src/main.rs`; the benchmarks reuse this to
//! give Python Dash the very same rows.

pub mod data;
pub mod summary;
