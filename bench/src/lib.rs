//! The shared pieces of the `dash-bench` binaries: the load generator, statistics, the
//! servers under test, the markdown report and `docs/benchmarks.md` handling.
//!
//! - `dash-bench` (`src/main.rs`): the greeting benchmark and the soak (`--soak SECS`);
//! - `dash-bench-background` (`src/bin/background.rs`): background callbacks;
//! - `dash-bench-slow` (`src/bin/slow.rs`): slow synchronous callbacks next to cheap ones;
//! - `dash-bench-store` (`src/bin/store.rs`): server-side data (a 1-million-row frame via
//!   `dcc.Store` versus `Serverside`, store get/put latency);
//! - `dash-bench-dataframe` (`src/bin/dataframe.rs`): a DataFrame page request over the
//!   explorer's 1,000,000 rows, dash-rs's All-in-One against pandas;
//! - `dash-bench-figure` (`src/bin/figure.rs`): a 1,000,000-point scattergl answer, typed
//!   arrays against plain JSON and plotly.py.

pub mod bare;
pub mod cli;
pub mod dataframe;
pub mod doc;
pub mod error;
pub mod greeting;
pub mod loadgen;
pub mod probe;
pub mod procfs;
pub mod python;
pub mod report;
pub mod soak;
pub mod stats;
pub mod store;
pub mod targets;
