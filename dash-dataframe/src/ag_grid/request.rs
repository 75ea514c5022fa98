//! The JSON AG Grid's infinite row model sends (`getRowsRequest`) and expects back
//! (`getRowsResponse`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::columns::Records;

/// dash-ag-grid's `getRowsRequest` prop: which rows the grid wants, sorted and filtered how.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRowsRequest {
    /// The first row wanted.
    #[serde(default)]
    pub start_row: usize,
    /// The first row not wanted.
    #[serde(default)]
    pub end_row: usize,
    /// The sort, most significant column first.
    #[serde(default)]
    pub sort_model: Vec<SortModelItem>,
    /// Each filtered column's filter.
    #[serde(default)]
    pub filter_model: BTreeMap<String, ColumnFilter>,
}

/// One column of the `sortModel`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SortModelItem {
    /// The column id.
    pub col_id: String,
    /// `asc` or `desc`.
    pub sort: String,
}

/// One column's filter: a single condition or several combined.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ColumnFilter {
    /// `{"filterType": .., "operator": "AND", "conditions": [..]}` (AG Grid 29 and later).
    Combined {
        /// The filter type of the conditions.
        #[serde(rename = "filterType")]
        filter_type: Option<String>,
        /// How the conditions combine.
        operator: FilterOperator,
        /// The conditions.
        conditions: Vec<Condition>,
    },
    /// `{"operator": "OR", "condition1": .., "condition2": ..}` (older AG Grid).
    Pair {
        /// How the conditions combine.
        operator: FilterOperator,
        /// The first condition.
        condition1: Condition,
        /// The second condition.
        condition2: Condition,
    },
    /// One condition.
    Single(Condition),
}

/// `AND` or `OR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FilterOperator {
    /// Every condition.
    And,
    /// Any condition.
    Or,
}

/// One filter condition, as AG Grid's provided filters write it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// `text`, `number`, `date` (or `set` and others this helper refuses).
    pub filter_type: Option<String>,
    /// `contains`, `equals`, `greaterThan`, `inRange`, `blank`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The value (text and number filters).
    pub filter: Option<Value>,
    /// The upper bound of `inRange` (number filter).
    pub filter_to: Option<Value>,
    /// The value of a date filter (`YYYY-MM-DD hh:mm:ss`).
    pub date_from: Option<String>,
    /// The upper bound of a date `inRange`.
    pub date_to: Option<String>,
}

/// dash-ag-grid's `getRowsResponse` prop.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRowsResponse {
    /// The rows asked for.
    pub row_data: Records,
    /// All rows after filtering; `None` while unknown (the grid keeps asking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_count: Option<usize>,
}
