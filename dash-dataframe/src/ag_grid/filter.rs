//! AG Grid's `filterModel` as one polars predicate (see the module doc of
//! [`ag_grid`](super) for the rules).

use std::collections::BTreeMap;

use polars::prelude::*;
use serde_json::Value;

use super::request::{ColumnFilter, Condition, FilterOperator};
use super::GridError;
use crate::{js, udf};

/// The predicate of a whole filter model (`None` when nothing is filtered): every column's
/// filter must hold.
pub fn filter_model_expr(
    model: &BTreeMap<String, ColumnFilter>,
    schema: &Schema,
) -> Result<Option<Expr>, GridError> {
    let mut all: Option<Expr> = None;
    for (column, filter) in model {
        let Some(dtype) = schema.get(column.as_str()) else {
            return Err(GridError::UnknownColumn(column.clone()));
        };
        let predicate = column_filter(column, dtype, filter)?;
        all = Some(match all {
            Some(e) => e.and(predicate),
            None => predicate,
        });
    }
    Ok(all)
}

fn column_filter(column: &str, dtype: &DataType, filter: &ColumnFilter) -> Result<Expr, GridError> {
    let (operator, conditions): (FilterOperator, Vec<&Condition>) = match filter {
        ColumnFilter::Single(c) => (FilterOperator::And, vec![c]),
        ColumnFilter::Pair {
            operator,
            condition1,
            condition2,
        } => (*operator, vec![condition1, condition2]),
        ColumnFilter::Combined {
            operator,
            conditions,
            ..
        } => (*operator, conditions.iter().collect()),
    };
    let inherited = match filter {
        ColumnFilter::Combined { filter_type, .. } => filter_type.as_deref(),
        _ => None,
    };
    let mut out: Option<Expr> = None;
    for c in conditions {
        let e = condition(column, dtype, c, inherited)?;
        out = Some(match (out, operator) {
            (None, _) => e,
            (Some(acc), FilterOperator::And) => acc.and(e),
            (Some(acc), FilterOperator::Or) => acc.or(e),
        });
    }
    Ok(out.unwrap_or_else(|| lit(true)))
}

fn condition(
    column: &str,
    dtype: &DataType,
    c: &Condition,
    inherited: Option<&str>,
) -> Result<Expr, GridError> {
    let filter_type = c.filter_type.as_deref().or(inherited).unwrap_or("text");
    let kind = c.kind.as_deref().unwrap_or(match filter_type {
        "text" => "contains",
        _ => "equals",
    });
    let unsupported = |what: String| GridError::Unsupported {
        column: column.to_owned(),
        what,
    };
    match filter_type {
        "text" => text_condition(column, dtype, kind, c)
            .ok_or_else(|| unsupported(format!("text filter type `{kind}`"))),
        "number" => number_condition(column, dtype, kind, c),
        "date" => date_condition(column, dtype, kind, c),
        other => Err(unsupported(format!("filter type `{other}`"))),
    }
}

/// The cell as the text the browser shows (numbers as JavaScript writes them).
fn text_of(column: &str, dtype: &DataType) -> Expr {
    let c = col(column);
    if dtype.is_primitive_numeric() {
        udf::f64_to_str(c, js::number_to_string)
    } else if dtype.is_bool() {
        udf::bool_to_str(c)
    } else if dtype.is_temporal() {
        udf::temporal_to_str(c)
    } else {
        c.cast(DataType::String)
    }
}

/// `null`, or (text) blank after trimming.
fn is_blank(column: &str, dtype: &DataType) -> Expr {
    let c = col(column);
    if matches!(dtype, DataType::String) {
        c.clone()
            .is_null()
            .or(udf::str_test_const(c, String::new(), false, |v, _| {
                v.trim().is_empty()
            }))
    } else {
        c.is_null()
    }
}

fn text_condition(column: &str, dtype: &DataType, kind: &str, c: &Condition) -> Option<Expr> {
    match kind {
        "blank" => return Some(is_blank(column, dtype)),
        "notBlank" => return Some(is_blank(column, dtype).not()),
        _ => {}
    }
    let needle = match &c.filter {
        Some(Value::String(s)) => s.to_lowercase(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    let test: fn(&str, &str) -> bool = match kind {
        "contains" => |v, k| v.to_lowercase().contains(k),
        "notContains" => |v, k| !v.to_lowercase().contains(k),
        "equals" => |v, k| v.to_lowercase() == k,
        "notEqual" => |v, k| v.to_lowercase() != k,
        "startsWith" => |v, k| v.to_lowercase().starts_with(k),
        "endsWith" => |v, k| v.to_lowercase().ends_with(k),
        _ => return None,
    };
    let matched = udf::str_test_const(text_of(column, dtype), needle, false, test);
    // AG Grid lets an empty cell through only the negative conditions.
    Some(if matches!(kind, "notContains" | "notEqual") {
        col(column).is_null().or(matched)
    } else {
        matched
    })
}

fn number(column: &str, v: Option<&Value>, what: &str) -> Result<f64, GridError> {
    let bad = |reason: String| GridError::BadFilter {
        column: column.to_owned(),
        reason,
    };
    match v {
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| bad(format!("{what} is not a number"))),
        Some(Value::String(s)) => {
            js::string_to_number(s).ok_or_else(|| bad(format!("{what} {s:?} is not a number")))
        }
        Some(other) => Err(bad(format!("{what} {other} is not a number"))),
        None => Err(bad(format!("{what} is missing"))),
    }
}

fn number_condition(
    column: &str,
    dtype: &DataType,
    kind: &str,
    c: &Condition,
) -> Result<Expr, GridError> {
    match kind {
        "blank" => return Ok(is_blank(column, dtype)),
        "notBlank" => return Ok(is_blank(column, dtype).not()),
        _ => {}
    }
    let cell = if dtype.is_primitive_numeric() {
        col(column).cast(DataType::Float64)
    } else {
        udf::str_to_f64(col(column), js::string_to_number, None)
    };
    let v = number(column, c.filter.as_ref(), "the value")?;
    let e = match kind {
        "equals" => cell.eq(lit(v)),
        "notEqual" => cell.neq(lit(v)),
        "lessThan" => cell.lt(lit(v)),
        "lessThanOrEqual" => cell.lt_eq(lit(v)),
        "greaterThan" => cell.gt(lit(v)),
        "greaterThanOrEqual" => cell.gt_eq(lit(v)),
        "inRange" => {
            let to = number(column, c.filter_to.as_ref(), "filterTo")?;
            let (lo, hi) = if v <= to { (v, to) } else { (to, v) };
            cell.clone().gt(lit(lo)).and(cell.lt(lit(hi)))
        }
        other => {
            return Err(GridError::Unsupported {
                column: column.to_owned(),
                what: format!("number filter type `{other}`"),
            })
        }
    };
    // An empty cell never matches a comparison.
    Ok(e.fill_null(lit(false)))
}

/// The `YYYY-MM-DD` part of AG Grid's `dateFrom`/`dateTo` (`YYYY-MM-DD hh:mm:ss`).
fn date_part(column: &str, v: Option<&String>, what: &str) -> Result<String, GridError> {
    let bad = |reason: String| GridError::BadFilter {
        column: column.to_owned(),
        reason,
    };
    let v = v.ok_or_else(|| bad(format!("{what} is missing")))?;
    let day = v.get(..10).unwrap_or(v);
    let ok = day.len() == 10
        && day.char_indices().all(|(i, ch)| {
            if i == 4 || i == 7 {
                ch == '-'
            } else {
                ch.is_ascii_digit()
            }
        });
    if ok {
        Ok(day.to_owned())
    } else {
        Err(bad(format!("{what} {v:?} is not a YYYY-MM-DD date")))
    }
}

fn date_condition(
    column: &str,
    dtype: &DataType,
    kind: &str,
    c: &Condition,
) -> Result<Expr, GridError> {
    match kind {
        "blank" => return Ok(is_blank(column, dtype)),
        "notBlank" => return Ok(is_blank(column, dtype).not()),
        _ => {}
    }
    let from = date_part(column, c.date_from.as_ref(), "dateFrom")?;
    let day = |v: &str| v.get(..10).unwrap_or(v).to_owned();
    let text = text_of(column, dtype);
    let test = |f: fn(&str, &str) -> bool, k: String| {
        udf::str_test_const(text.clone(), k, false, move |v, k| f(&day(v), k))
    };
    Ok(match kind {
        "equals" => test(|v, k| v == k, from),
        "notEqual" => test(|v, k| v != k, from),
        "lessThan" => test(|v, k| v < k, from),
        "greaterThan" => test(|v, k| v > k, from),
        "inRange" => {
            let to = date_part(column, c.date_to.as_ref(), "dateTo")?;
            let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
            test(|v, k| v > k, lo).and(test(|v, k| v < k, hi))
        }
        other => {
            return Err(GridError::Unsupported {
                column: column.to_owned(),
                what: format!("date filter type `{other}`"),
            })
        }
    })
}
