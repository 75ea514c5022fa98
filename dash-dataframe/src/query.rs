//! Filter, sort and page a `LazyFrame` the way DataTable's native filtering and sorting
//! would show it.
//!
//! DataTable filters the JSON values of `data`; so does this module, on a view of each
//! column as the browser receives it: numbers (integers, floats and decimals; NaN and
//! infinities are `null`, as in JSON), strings (text columns, and date/datetime/time
//! columns as ISO text), booleans, and objects (lists and structs). On that view each
//! operator applies DataTable's JavaScript rules:
//!
//! | operator | rule |
//! |---|---|
//! | `eq` | numeric equality when both sides are numeric (`5`, `"5"`, `"5.0"`, `" 5 "`, `"0x5"` are all 5), else strict equality (`null eq null` is true between two columns) |
//! | `ne` | strict inequality, no numeric conversion: `{n} ne "5"` is true for the number 5, and for `null` |
//! | `lt le gt ge` | two strings compare as strings; anything else as numbers, with `null` as 0 (`{n} < 5` is true for `null`), text that is no number as NaN (never true) |
//! | `contains` | both sides non-null and one a string; substring of their string forms (`{n} contains "5"` is true for 15; `{n} contains 5` is never true) |
//! | `datestartswith` | both sides normalised as dates (numbers as their text); the left starts with the right |
//! | `i` prefix | `eq` still compares numbers numerically; otherwise both sides as upper-cased strings (so `{n} ilt 10` compares `"9"` and `"10"` as text); a `null` side never matches |
//! | `is blank` / `nil` | `null`, a missing column, or (blank only) `""` |
//! | `is num` / `str` / `bool` / `object` | the JSON type of the value (date columns are strings) |
//! | `is even` / `odd` | a number `n % 2` is 0 / is 1 (negative odd numbers are not odd) |
//! | `is prime` | DataTable's test: non-integers from 2 up count as prime |
//!
//! Where DataTable itself would throw (an `i` operator on a `null` value, which stops the
//! native table's filtering altogether), the row simply does not match.
//!
//! Sorting follows DataTable's native `sort_by`: columns in order, each ascending or
//! descending, nulls (and NaN) last in both directions, ties kept in their original order.
//!
//! ```
//! use dash_dataframe::query::{run, SortBy, TableQuery};
//! use polars::prelude::*;
//!
//! let df = df!("name" => ["b", "a", "c"], "n" => [Some(2.0), None, Some(1.0)]).unwrap();
//! let q = TableQuery::new("{n} < 2")
//!     .unwrap()
//!     .sort_by(vec![SortBy::desc("name")])
//!     .page(0, 10);
//! let page = run(df.lazy(), &q).unwrap();
//! // null counts as 0 for `<`, as in DataTable.
//! assert_eq!(page.total_rows, 2);
//! assert_eq!(page.frame.column("name").unwrap().str().unwrap().get(0), Some("c"));
//! ```

use polars::prelude::*;
use serde::{Deserialize, Deserializer, Serialize};

use crate::filter::{self, Case, Filter, Operand, ParseError, Query, RelOp, Test};
use crate::js;
use crate::udf;

/// Why a table query could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The filter query is invalid.
    #[error("invalid filter query: {0}")]
    Filter(#[from] ParseError),
    /// polars failed (reading the source, or running the query).
    #[error("the data could not be queried: {0}")]
    Polars(#[from] PolarsError),
}

/// One entry of DataTable's `sort_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortBy {
    /// The column id.
    pub column_id: String,
    /// The direction.
    pub direction: Direction,
}

impl SortBy {
    /// Ascending by `column_id`.
    pub fn asc(column_id: impl Into<String>) -> Self {
        SortBy {
            column_id: column_id.into(),
            direction: Direction::Asc,
        }
    }

    /// Descending by `column_id`.
    pub fn desc(column_id: impl Into<String>) -> Self {
        SortBy {
            column_id: column_id.into(),
            direction: Direction::Desc,
        }
    }
}

/// A sort direction. DataTable sorts descending only for `"desc"`; anything else (`"asc"`,
/// `"none"`) sorts ascending, and so does this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

impl<'de> Deserialize<'de> for Direction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(if v.as_str() == Some("desc") {
            Direction::Desc
        } else {
            Direction::Asc
        })
    }
}

/// What a DataTable asks for: its `filter_query`, `sort_by`, `page_current` and `page_size`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableQuery {
    /// The parsed filter.
    pub filter: Query,
    /// The sort, most significant first.
    pub sort_by: Vec<SortBy>,
    /// The page, from 0.
    pub page_current: usize,
    /// Rows per page (at least 1).
    pub page_size: usize,
}

impl Default for TableQuery {
    fn default() -> Self {
        TableQuery {
            filter: Query::default(),
            sort_by: Vec::new(),
            page_current: 0,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// DataTable's default `page_size`.
pub const DEFAULT_PAGE_SIZE: usize = 250;

impl TableQuery {
    /// A query with this filter, unsorted, first page of [`DEFAULT_PAGE_SIZE`] rows.
    pub fn new(filter_query: &str) -> Result<Self, ParseError> {
        Ok(TableQuery {
            filter: filter::parse(filter_query)?,
            ..TableQuery::default()
        })
    }

    /// Sorted by `sort_by`.
    pub fn sort_by(mut self, sort_by: Vec<SortBy>) -> Self {
        self.sort_by = sort_by;
        self
    }

    /// Page `page_current` (from 0) of `page_size` rows.
    pub fn page(mut self, page_current: usize, page_size: usize) -> Self {
        self.page_current = page_current;
        self.page_size = page_size.max(1);
        self
    }
}

/// One page of a table query's answer.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's rows, every column of the source.
    pub frame: DataFrame,
    /// Rows after filtering.
    pub total_rows: usize,
    /// Pages of `page_size` rows (at least 1, so an empty table still has its page).
    pub page_count: usize,
}

const ROWS: &str = "__dash_dataframe_rows__";

/// Filter, sort and page `lf` in one lazy query (a second, counting one only when the page
/// asked for lies past the end).
pub fn run(mut lf: LazyFrame, q: &TableQuery) -> Result<Page, QueryError> {
    let schema = lf.collect_schema()?;
    let filtered = match &q.filter.filter {
        Some(f) => lf.filter(filter_expr(f, &schema)),
        None => lf,
    };
    let size = q.page_size.max(1);
    let offset = i64::try_from(q.page_current.saturating_mul(size)).unwrap_or(i64::MAX);
    let len = IdxSize::try_from(size).unwrap_or(IdxSize::MAX);
    let counted = filtered.clone().with_column(len_expr().alias(ROWS));
    let mut frame = sort(counted, &q.sort_by, &schema)
        .slice(offset, len)
        .collect()?;
    let total_rows = if frame.height() > 0 {
        let rows = frame.column(ROWS)?.cast(&DataType::UInt64)?;
        rows.u64()?.get(0).unwrap_or(0) as usize
    } else {
        let n = filtered.select([len_expr()]).collect()?;
        let c = n.columns()[0].cast(&DataType::UInt64)?;
        c.u64()?.get(0).unwrap_or(0) as usize
    };
    frame.drop_in_place(ROWS)?;
    Ok(Page {
        frame,
        total_rows,
        page_count: total_rows.div_ceil(size).max(1),
    })
}

fn len_expr() -> Expr {
    polars::prelude::len()
}

/// `lf` sorted as DataTable's native `sort_by` would (unknown columns are ignored).
pub fn sort(lf: LazyFrame, sort_by: &[SortBy], schema: &Schema) -> LazyFrame {
    let mut keys = Vec::new();
    let mut descending = Vec::new();
    for s in sort_by {
        let Some(dtype) = schema.get(s.column_id.as_str()) else {
            continue;
        };
        if dtype.is_nested() {
            continue; // objects have no order in DataTable's comparison
        }
        let c = col(s.column_id.as_str());
        keys.push(if dtype.is_float() { finite(c) } else { c });
        descending.push(s.direction == Direction::Desc);
    }
    if keys.is_empty() {
        return lf;
    }
    lf.sort_by_exprs(
        keys,
        SortMultipleOptions::default()
            .with_order_descending_multi(descending)
            .with_nulls_last(true)
            .with_maintain_order(true),
    )
}

/// A float column with NaN and infinities as `null` (what JSON makes of them).
fn finite(e: Expr) -> Expr {
    let e = e.cast(DataType::Float64);
    when(e.clone().is_finite()).then(e).otherwise(null_f64())
}

fn null_f64() -> Expr {
    lit(Null {}).cast(DataType::Float64)
}

/// The JSON type a column's values have in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Text,
    Bool,
    Object,
}

fn kind_of(dtype: &DataType) -> Kind {
    if dtype.is_numeric() || matches!(dtype, DataType::Null) {
        Kind::Number
    } else if dtype.is_bool() {
        Kind::Bool
    } else if dtype.is_nested() {
        Kind::Object
    } else {
        Kind::Text
    }
}

/// One side of a comparison, as DataTable sees it.
#[derive(Clone)]
enum Side {
    /// A column the frame does not have: `undefined`.
    Undefined,
    Num(f64),
    Str(String),
    Col {
        view: Expr,
        kind: Kind,
    },
}

fn side(operand: &Operand, schema: &Schema) -> Side {
    match operand {
        Operand::Number(n) => Side::Num(*n),
        Operand::Text(s) => Side::Str(s.clone()),
        Operand::Column(name) => match schema.get(name.as_str()) {
            None => Side::Undefined,
            Some(dtype) => {
                let c = col(name.as_str());
                let kind = kind_of(dtype);
                let view = match kind {
                    Kind::Number if dtype.is_float() => finite(c),
                    Kind::Number => c.cast(DataType::Float64),
                    Kind::Text if dtype.is_temporal() => udf::temporal_to_str(c),
                    Kind::Text if *dtype != DataType::String => c.cast(DataType::String),
                    _ => c,
                };
                Side::Col { view, kind }
            }
        },
    }
}

/// A per-row value or a constant (`None`: no value, e.g. `NaN` or "would throw").
enum V {
    Const(Option<String>),
    Expr(Expr),
}

enum N {
    Const(Option<f64>),
    Expr(Expr),
}

impl N {
    fn expr(self) -> Expr {
        match self {
            N::Const(Some(n)) => lit(n),
            N::Const(None) => null_f64(),
            N::Expr(e) => e,
        }
    }
}

fn yes(b: bool) -> Expr {
    lit(b)
}

/// `fast-isnumeric`: the number when the value is numeric.
fn numeric(s: &Side) -> N {
    match s {
        Side::Undefined => N::Const(None),
        Side::Num(n) => N::Const(Some(*n)),
        Side::Str(t) => N::Const(js::numeric_string(t)),
        Side::Col { view, kind } => match kind {
            Kind::Number => N::Expr(view.clone()),
            Kind::Text => N::Expr(udf::str_to_f64(view.clone(), js::numeric_string, None)),
            Kind::Bool | Kind::Object => N::Const(None),
        },
    }
}

/// `Number(value)` as `<` uses it: `null` is 0, `undefined` and non-numbers NaN.
fn to_number(s: &Side) -> N {
    match s {
        Side::Undefined => N::Const(None),
        Side::Num(n) => N::Const(Some(*n)),
        Side::Str(t) => N::Const(js::string_to_number(t).filter(|v| !v.is_nan())),
        Side::Col { view, kind } => N::Expr(match kind {
            Kind::Number => view.clone().fill_null(lit(0.0)),
            Kind::Text => udf::str_to_f64(view.clone(), js::string_to_number, Some(0.0)),
            Kind::Bool => view.clone().cast(DataType::Float64).fill_null(lit(0.0)),
            Kind::Object => when(view.clone().is_null())
                .then(lit(0.0))
                .otherwise(null_f64()),
        }),
    }
}

/// `value.toString()`; `None` where it would throw (`null`) or for objects. With `dates`,
/// what `normalizeDate` accepts: strings, and numbers as their text (not booleans).
fn to_text(s: &Side, dates: bool) -> V {
    match s {
        Side::Undefined => V::Const(None),
        Side::Num(n) => V::Const(Some(js::number_to_string(*n))),
        Side::Str(t) => V::Const(Some(t.clone())),
        Side::Col { view, kind } => match kind {
            Kind::Number => V::Expr(udf::f64_to_str(view.clone(), js::number_to_string)),
            Kind::Text => V::Expr(view.clone()),
            Kind::Bool if !dates => V::Expr(udf::bool_to_str(view.clone())),
            Kind::Bool | Kind::Object => V::Const(None),
        },
    }
}

fn is_null(s: &Side) -> Expr {
    match s {
        Side::Undefined => yes(true),
        Side::Num(_) | Side::Str(_) => yes(false),
        Side::Col { view, .. } => view.clone().is_null(),
    }
}

fn is_text(s: &Side) -> bool {
    matches!(
        s,
        Side::Str(_)
            | Side::Col {
                kind: Kind::Text,
                ..
            }
    )
}

/// A predicate on the text of both sides (`false` when either has none).
fn text_test<F>(a: V, b: V, f: F) -> Expr
where
    F: Fn(&str, &str) -> bool + Send + Sync + 'static,
{
    match (a, b) {
        (V::Const(Some(x)), V::Const(Some(y))) => yes(f(&x, &y)),
        (V::Const(None), _) | (_, V::Const(None)) => yes(false),
        (V::Expr(e), V::Const(Some(y))) => udf::str_test_const(e, y, false, f),
        (V::Const(Some(x)), V::Expr(e)) => udf::str_test_const(e, x, true, f),
        (V::Expr(x), V::Expr(y)) => udf::str_test_pair(x, y, f),
    }
}

fn map_text(v: V, f: fn(&str) -> Option<String>) -> V {
    match v {
        V::Const(c) => V::Const(c.as_deref().and_then(f)),
        V::Expr(e) => V::Expr(udf::str_to_str(e, f)),
    }
}

/// `a === b`.
fn strict_eq(a: &Side, b: &Side) -> Expr {
    match (a, b) {
        (Side::Undefined, Side::Undefined) => yes(true),
        (Side::Undefined, _) | (_, Side::Undefined) => yes(false),
        (Side::Num(x), Side::Num(y)) => yes(x == y),
        (Side::Str(x), Side::Str(y)) => yes(x == y),
        (Side::Num(_), Side::Str(_)) | (Side::Str(_), Side::Num(_)) => yes(false),
        (Side::Col { view, kind }, Side::Num(n)) | (Side::Num(n), Side::Col { view, kind }) => {
            if *kind == Kind::Number {
                view.clone().eq(lit(*n)).fill_null(lit(false))
            } else {
                yes(false)
            }
        }
        (Side::Col { view, kind }, Side::Str(t)) | (Side::Str(t), Side::Col { view, kind }) => {
            if *kind == Kind::Text {
                view.clone().eq(lit(t.as_str())).fill_null(lit(false))
            } else {
                yes(false)
            }
        }
        (Side::Col { view: x, kind: kx }, Side::Col { view: y, kind: ky }) => {
            let both_null = x.clone().is_null().and(y.clone().is_null());
            if kx == ky && *kx != Kind::Object {
                x.clone().eq(y.clone()).fill_null(lit(false)).or(both_null)
            } else {
                both_null
            }
        }
    }
}

fn num_cmp(a: N, b: N, op: RelOp) -> Expr {
    if let (N::Const(x), N::Const(y)) = (&a, &b) {
        return yes(match (x, y) {
            (Some(x), Some(y)) => cmp_holds(x.partial_cmp(y), op),
            _ => false,
        });
    }
    let (a, b) = (a.expr(), b.expr());
    let e = match op {
        RelOp::Lt => a.lt(b),
        RelOp::Le => a.lt_eq(b),
        RelOp::Gt => a.gt(b),
        RelOp::Ge => a.gt_eq(b),
        RelOp::Eq => a.eq(b),
        _ => a.neq(b),
    };
    e.fill_null(lit(false))
}

fn cmp_holds(o: Option<std::cmp::Ordering>, op: RelOp) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (o, op),
        (Some(Less), RelOp::Lt | RelOp::Le)
            | (Some(Equal), RelOp::Le | RelOp::Ge | RelOp::Eq)
            | (Some(Greater), RelOp::Gt | RelOp::Ge)
    )
}

fn str_cmp(op: RelOp) -> fn(&str, &str) -> bool {
    match op {
        RelOp::Lt => |a, b| a < b,
        RelOp::Le => |a, b| a <= b,
        RelOp::Gt => |a, b| a > b,
        RelOp::Ge => |a, b| a >= b,
        RelOp::Eq => |a, b| a == b,
        _ => |a, b| a != b,
    }
}

fn compare(l: &Side, op: RelOp, case: Case, r: &Side) -> Expr {
    let insensitive = case == Case::Insensitive;
    match op {
        RelOp::Eq => {
            let numeric_eq = num_cmp(numeric(l), numeric(r), RelOp::Eq);
            let other = if insensitive {
                text_test(to_text(l, false), to_text(r, false), |a, b| {
                    js::upper(a) == js::upper(b)
                })
            } else {
                strict_eq(l, r)
            };
            numeric_eq.or(other)
        }
        RelOp::Ne if !insensitive => strict_eq(l, r).not(),
        RelOp::Ne | RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge if insensitive => {
            let f = str_cmp(op);
            text_test(to_text(l, false), to_text(r, false), move |a, b| {
                f(&js::upper(a), &js::upper(b))
            })
        }
        RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge | RelOp::Ne => {
            let numbers = num_cmp(to_number(l), to_number(r), op);
            if is_text(l) && is_text(r) {
                // Two strings compare as strings; a `null` side makes it numeric.
                let strings = text_test(to_text(l, false), to_text(r, false), str_cmp(op));
                let a_null = is_null(l).or(is_null(r));
                strings.or(a_null.and(numbers))
            } else {
                numbers
            }
        }
        RelOp::Contains => {
            if !(is_text(l) || is_text(r)) {
                return yes(false);
            }
            if insensitive {
                text_test(to_text(l, false), to_text(r, false), |a, b| {
                    js::upper(a).contains(&js::upper(b))
                })
            } else {
                text_test(to_text(l, false), to_text(r, false), |a, b| a.contains(b))
            }
        }
        RelOp::DateStartsWith => text_test(
            map_text(to_text(l, true), js::normalize_date),
            map_text(to_text(r, true), js::normalize_date),
            |a, b| a.starts_with(b),
        ),
    }
}

fn test(s: &Side, t: Test) -> Expr {
    let kind = match s {
        Side::Col { kind, .. } => Some(*kind),
        _ => None,
    };
    let present = || is_null(s).not();
    match t {
        Test::Nil => is_null(s),
        Test::Blank => match s {
            Side::Str(x) => yes(x.is_empty()),
            Side::Col {
                view,
                kind: Kind::Text,
            } => view
                .clone()
                .is_null()
                .or(view.clone().eq(lit("")).fill_null(lit(false))),
            _ => is_null(s),
        },
        Test::Num => match s {
            Side::Num(_) => yes(true),
            _ => yes(kind == Some(Kind::Number)).and(present()),
        },
        Test::Str => match s {
            Side::Str(_) => yes(true),
            _ => yes(kind == Some(Kind::Text)).and(present()),
        },
        Test::Bool => yes(kind == Some(Kind::Bool)).and(present()),
        Test::Object => yes(kind == Some(Kind::Object)).and(present()),
        Test::Even | Test::Odd | Test::Prime => {
            let f: fn(f64) -> bool = match t {
                Test::Even => |n| n % 2.0 == 0.0,
                Test::Odd => |n| n % 2.0 == 1.0,
                _ => js::is_prime,
            };
            match s {
                Side::Num(n) => yes(f(*n)),
                Side::Col {
                    view,
                    kind: Kind::Number,
                } => udf::f64_test(view.clone(), f),
                _ => yes(false),
            }
        }
    }
}

/// The polars predicate of `filter` over a frame with `schema`: `true` for the rows
/// DataTable's native filtering keeps. Never fails: a column the frame lacks is
/// `undefined`, a value a column cannot hold simply does not match.
pub fn filter_expr(filter: &Filter, schema: &Schema) -> Expr {
    match filter {
        Filter::Or(a, b) => filter_expr(a, schema).or(filter_expr(b, schema)),
        Filter::And(a, b) => filter_expr(a, schema).and(filter_expr(b, schema)),
        Filter::Not(a) => filter_expr(a, schema).not(),
        Filter::Compare {
            left,
            op,
            case,
            right,
        } => compare(&side(left, schema), *op, *case, &side(right, schema)),
        Filter::Is { operand, test: t } => test(&side(operand, schema), *t),
    }
}
