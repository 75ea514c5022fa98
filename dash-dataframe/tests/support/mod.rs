//! The small data set of the query tests and the native-DataTable comparison.

use polars::prelude::*;

/// Eight rows: text with nulls, `""` and mixed case; floats with null and NaN; integers;
/// numeric-looking text; booleans; dates.
pub fn frame() -> DataFrame {
    let days = |d: &[Option<i32>]| {
        Series::new("d".into(), d)
            .cast(&DataType::Date)
            .expect("dates")
    };
    let mut df = df!(
        "id" => [0i64, 1, 2, 3, 4, 5, 6, 7],
        "name" => [Some("Apple"), Some("banana"), None, Some(""), Some("apple pie"), Some("Cherry"), Some("5"), Some("10")],
        "n" => [Some(1.5), Some(2.0), None, Some(-3.0), Some(f64::NAN), Some(15.0), Some(5.0), Some(0.0)],
        "i" => [Some(7i64), Some(2), Some(3), None, Some(-3), Some(4), Some(5), Some(11)],
        "s" => [Some("5"), Some("5.0"), Some(" 5 "), Some("abc"), Some(""), None, Some("0x5"), Some("2020-01-15")],
        "b" => [Some(true), Some(false), None, Some(true), Some(false), Some(true), None, Some(false)],
    )
    .expect("frame");
    let d = days(&[
        Some(18262),
        Some(18293),
        None,
        Some(18628),
        Some(18262),
        Some(0),
        Some(-1),
        Some(19000),
    ]);
    df.with_column(d.with_name("d".into()).into_column())
        .expect("d");
    df
}
