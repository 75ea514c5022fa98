//! Element-wise polars UDFs for the JavaScript conversions DataTable's operators use, and the
//! text form of temporal columns (what the browser receives, so what it filters).

use polars::prelude::*;

use crate::js;

fn boolean_field(_: &Schema, f: &Field) -> PolarsResult<Field> {
    Ok(Field::new(f.name().clone(), DataType::Boolean))
}

fn float_field(_: &Schema, f: &Field) -> PolarsResult<Field> {
    Ok(Field::new(f.name().clone(), DataType::Float64))
}

fn string_field(_: &Schema, f: &Field) -> PolarsResult<Field> {
    Ok(Field::new(f.name().clone(), DataType::String))
}

fn finish<T: PolarsDataType>(name: &PlSmallStr, ca: ChunkedArray<T>) -> Column
where
    ChunkedArray<T>: IntoSeries,
{
    ca.with_name(name.clone()).into_series().into_column()
}

/// `f` of each string (`null` stays `null`) as a float.
pub fn str_to_f64(e: Expr, f: fn(&str) -> Option<f64>, null: Option<f64>) -> Expr {
    e.map(
        move |c: Column| {
            let s = c.as_materialized_series().cast(&DataType::String)?;
            let out: Float64Chunked = s.str()?.iter().map(|v| v.map_or(null, f)).collect();
            Ok(finish(c.name(), out))
        },
        float_field,
    )
}

/// `f` of each float as a string (`null` stays `null`).
pub fn f64_to_str(e: Expr, f: fn(f64) -> String) -> Expr {
    e.map(
        move |c: Column| {
            let s = c.as_materialized_series().cast(&DataType::Float64)?;
            let out: StringChunked = s.f64()?.iter().map(|v| v.map(f)).collect();
            Ok(finish(c.name(), out))
        },
        string_field,
    )
}

/// JavaScript's `String(bool)` of each boolean.
pub fn bool_to_str(e: Expr) -> Expr {
    e.map(
        |c: Column| {
            let s = c.as_materialized_series();
            let out: StringChunked = s
                .bool()?
                .iter()
                .map(|v| v.map(|b| if b { "true" } else { "false" }))
                .collect();
            Ok(finish(c.name(), out))
        },
        string_field,
    )
}

/// `f` of each string as an optional string.
pub fn str_to_str(e: Expr, f: fn(&str) -> Option<String>) -> Expr {
    e.map(
        move |c: Column| {
            let s = c.as_materialized_series().cast(&DataType::String)?;
            let out: StringChunked = s.str()?.iter().map(|v| v.and_then(f)).collect();
            Ok(finish(c.name(), out))
        },
        string_field,
    )
}

/// `f` of each float (`null` is `false`).
pub fn f64_test(e: Expr, f: fn(f64) -> bool) -> Expr {
    e.map(
        move |c: Column| {
            let s = c.as_materialized_series().cast(&DataType::Float64)?;
            let out: BooleanChunked = s.f64()?.iter().map(|v| Some(v.is_some_and(f))).collect();
            Ok(finish(c.name(), out))
        },
        boolean_field,
    )
}

/// A predicate on two strings, the second a constant (`null` is `false`).
pub fn str_test_const<F>(e: Expr, constant: String, constant_first: bool, f: F) -> Expr
where
    F: Fn(&str, &str) -> bool + Send + Sync + 'static,
{
    e.map(
        move |c: Column| {
            let s = c.as_materialized_series().cast(&DataType::String)?;
            let k = constant.as_str();
            let out: BooleanChunked = s
                .str()?
                .iter()
                .map(|v| Some(v.is_some_and(|v| if constant_first { f(k, v) } else { f(v, k) })))
                .collect();
            Ok(finish(c.name(), out))
        },
        boolean_field,
    )
}

/// A predicate on two string columns (`null` on either side is `false`).
pub fn str_test_pair<F>(left: Expr, right: Expr, f: F) -> Expr
where
    F: Fn(&str, &str) -> bool + Send + Sync + 'static,
{
    left.map_many(
        move |cols: &mut [Column]| {
            let name = cols[0].name().clone();
            let a = cols[0].as_materialized_series().cast(&DataType::String)?;
            let b = cols[1].as_materialized_series().cast(&DataType::String)?;
            let out: BooleanChunked = a
                .str()?
                .iter()
                .zip(b.str()?.iter())
                .map(|pair| match pair {
                    (Some(x), Some(y)) => Some(f(x, y)),
                    _ => Some(false),
                })
                .collect();
            Ok(finish(&name, out))
        },
        &[right],
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Boolean)),
    )
}

/// A temporal column as the text the browser receives.
pub fn temporal_to_str(e: Expr) -> Expr {
    e.map(
        |c: Column| {
            let out = format_temporal(c.as_materialized_series())?;
            Ok(finish(c.name(), out))
        },
        string_field,
    )
}

/// Dates as `YYYY-MM-DD`, datetimes as `YYYY-MM-DD HH:MM:SS` (fractional seconds only when
/// there are any; time zones shown as their UTC instant), times as `HH:MM:SS`. Other columns
/// are cast to strings.
pub fn format_temporal(s: &Series) -> PolarsResult<StringChunked> {
    match s.dtype() {
        DataType::Date => {
            let days = s.to_physical_repr().cast(&DataType::Int32)?;
            Ok(days
                .i32()?
                .iter()
                .map(|d| d.map(|d| format_date(i64::from(d))))
                .collect())
        }
        DataType::Datetime(unit, _) => {
            let per_sec: i64 = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            let v = s.to_physical_repr().cast(&DataType::Int64)?;
            Ok(v.i64()?
                .iter()
                .map(|t| {
                    t.map(|t| {
                        let secs = t.div_euclid(per_sec);
                        let frac = t.rem_euclid(per_sec);
                        let day = secs.div_euclid(86_400);
                        let mut out = format_date(day);
                        out.push(' ');
                        push_time(&mut out, secs.rem_euclid(86_400), frac, per_sec);
                        out
                    })
                })
                .collect())
        }
        DataType::Time => {
            let v = s.to_physical_repr().cast(&DataType::Int64)?;
            Ok(v.i64()?
                .iter()
                .map(|t| {
                    t.map(|ns| {
                        let mut out = String::with_capacity(18);
                        push_time(
                            &mut out,
                            ns.div_euclid(1_000_000_000),
                            ns.rem_euclid(1_000_000_000),
                            1_000_000_000,
                        );
                        out
                    })
                })
                .collect())
        }
        _ => Ok(s.cast(&DataType::String)?.str()?.clone()),
    }
}

fn format_date(days: i64) -> String {
    let (y, m, d) = js::civil_from_days(days);
    if y < 0 {
        format!("-{:04}-{m:02}-{d:02}", -y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn push_time(out: &mut String, secs_of_day: i64, frac: i64, per_sec: i64) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    );
    if frac != 0 {
        let width = per_sec.ilog10() as usize;
        let digits = format!("{frac:0width$}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}
