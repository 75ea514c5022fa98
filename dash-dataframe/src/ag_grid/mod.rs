//! AG Grid's infinite row model over a polars `LazyFrame`: a `getRowsRequest` (rows
//! `startRow..endRow`, `sortModel`, `filterModel`) answered with a `getRowsResponse`
//! (`rowData`, `rowCount`), filtered, sorted and sliced in one lazy query.
//!
//! Filters follow AG Grid's own (client-side) semantics for its three provided filters, so a
//! grid behaves the same whichever row model it uses:
//!
//! | filter | types | rule |
//! |---|---|---|
//! | `text` | `contains` `notContains` `equals` `notEqual` `startsWith` `endsWith` | case-insensitive, on the cell's text; an empty cell matches only `notContains` and `notEqual` |
//! | `number` | `equals` `notEqual` `lessThan` `lessThanOrEqual` `greaterThan` `greaterThanOrEqual` `inRange` | numeric; `inRange` excludes both ends; an empty cell never matches |
//! | `date` | `equals` `notEqual` `lessThan` `greaterThan` `inRange` | on the date part (`YYYY-MM-DD`) of the cell's ISO text; an empty cell never matches |
//! | any | `blank` `notBlank` | `null` (and for text `""`) / anything else |
//!
//! A column's filter may combine conditions (`operator` `AND`/`OR` with `conditions`, or the
//! older `condition1`/`condition2`); filters of different columns all apply. Sorting follows
//! `sortModel` in order, nulls last. Rows go out as the DataFrame component's records
//! (numbers stay numbers, dates become ISO text).
//!
//! ```
//! use dash_dataframe::ag_grid::{get_rows, GetRowsRequest};
//! use polars::prelude::*;
//!
//! let df = df!("id" => [0i64, 1, 2, 3], "score" => [10.0, 99.5, 100.0, 42.0]).unwrap();
//! let request: GetRowsRequest = serde_json::from_value(serde_json::json!({
//!     "startRow": 0, "endRow": 100,
//!     "sortModel": [{"colId": "score", "sort": "desc"}],
//!     "filterModel": {"score": {"filterType": "number", "type": "greaterThan", "filter": 40}},
//! })).unwrap();
//! let response = get_rows(df.lazy(), &request).unwrap();
//! assert_eq!(response.row_count, Some(3));
//! let json = serde_json::to_value(&response).unwrap();
//! assert_eq!(json["rowData"][0], serde_json::json!({"id": 2, "score": 100.0}));
//! ```

mod filter;
mod request;

pub use filter::filter_model_expr;
pub use request::{
    ColumnFilter, Condition, FilterOperator, GetRowsRequest, GetRowsResponse, SortModelItem,
};

use polars::prelude::*;

use crate::columns::records;
use crate::query::{sort, Direction, SortBy};

/// Why a `getRowsRequest` could not be answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GridError {
    /// The filter model names a column the data does not have.
    #[error("the filter model names the column `{0}`, which the data does not have")]
    UnknownColumn(String),
    /// A filter type or condition this helper does not implement (AG Grid's Enterprise
    /// `set` and `multi` filters, or a custom filter).
    #[error("unsupported filter on `{column}`: {what}")]
    Unsupported {
        /// The column.
        column: String,
        /// What was asked for.
        what: String,
    },
    /// A condition lacks its value or has one of the wrong type.
    #[error("bad filter on `{column}`: {reason}")]
    BadFilter {
        /// The column.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// `startRow` is after `endRow`.
    #[error("startRow {start} is after endRow {end}")]
    BadRange {
        /// `startRow`.
        start: usize,
        /// `endRow`.
        end: usize,
    },
    /// polars failed.
    #[error("the data could not be queried: {0}")]
    Polars(#[from] PolarsError),
}

const ROWS: &str = "__dash_ag_grid_rows__";

/// Answers one `getRowsRequest` from `lf`: the rows `startRow..endRow` after filtering and
/// sorting, and the number of rows after filtering (so the grid knows where the data ends).
pub fn get_rows(mut lf: LazyFrame, request: &GetRowsRequest) -> Result<GetRowsResponse, GridError> {
    if request.start_row > request.end_row {
        return Err(GridError::BadRange {
            start: request.start_row,
            end: request.end_row,
        });
    }
    let schema = lf.collect_schema()?;
    let filtered = match filter_model_expr(&request.filter_model, &schema)? {
        Some(predicate) => lf.filter(predicate),
        None => lf,
    };
    let sort_by: Vec<SortBy> = request
        .sort_model
        .iter()
        .map(|s| SortBy {
            column_id: s.col_id.clone(),
            direction: if s.sort.eq_ignore_ascii_case("desc") {
                Direction::Desc
            } else {
                Direction::Asc
            },
        })
        .collect();
    let offset = i64::try_from(request.start_row).unwrap_or(i64::MAX);
    let rows = IdxSize::try_from(request.end_row - request.start_row).unwrap_or(IdxSize::MAX);
    let mut frame = sort(
        filtered.clone().with_column(len().alias(ROWS)),
        &sort_by,
        &schema,
    )
    .slice(offset, rows)
    .collect()?;
    let total = if frame.height() > 0 {
        let rows = frame.column(ROWS)?.cast(&DataType::UInt64)?;
        rows.u64()?.get(0).unwrap_or(0) as usize
    } else {
        let n = filtered.select([len()]).collect()?;
        let c = n.columns()[0].cast(&DataType::UInt64)?;
        c.u64()?.get(0).unwrap_or(0) as usize
    };
    frame.drop_in_place(ROWS)?;
    Ok(GetRowsResponse {
        row_data: records(&frame)?,
        row_count: Some(total),
    })
}

#[cfg(test)]
mod tests;
