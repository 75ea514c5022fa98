//! The DataFrame All-in-One: a DataTable over a polars `LazyFrame`, paged, sorted and
//! filtered on the server with DataTable's own filter grammar and native semantics.
//!
//! - [`filter`]: DataTable's filter-query grammar, parsed into a [`filter::Query`].
//! - [`query`]: a query (filter, `sort_by`, page) run as a polars lazy query, with the rows
//!   native DataTable filtering and sorting would show.
//! - [`columns`]: a `DataFrame` as DataTable `columns` and `data`.
//! - [`DataFrameTable`]: the component, whose callbacks register themselves.

#![warn(missing_docs)]

pub mod ag_grid;
mod aio;
pub mod columns;
pub mod filter;
pub mod js;
pub mod query;
mod udf;

#[doc(hidden)]
pub use aio::SourceData;
pub use aio::{
    put_frame, register_frame, AioId, DataFrameTable, SortMode, Source, SourceError, SourceRef,
    COMPONENT, STORE_PREFIX,
};
