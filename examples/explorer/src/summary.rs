//! What the charts show, computed once at start-up for each dropdown choice.

use std::collections::BTreeMap;

use polars::prelude::*;

/// Points of the scatter chart per selection.
pub const SCATTER_POINTS: usize = 100_000;

/// The charts' data for one selection ("All" or a region).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// `YYYY-MM`, in order.
    pub months: Vec<String>,
    /// Total revenue of each month, rounded to cents.
    pub revenue: Vec<f64>,
    /// Units of the first [`SCATTER_POINTS`] rows.
    pub units: Vec<i64>,
    /// Prices of the same rows.
    pub price: Vec<f64>,
}

/// `(name, summary)` for "All" and then each region of `regions`.
pub fn summarise(df: &DataFrame, regions: &[&str]) -> Result<Vec<(String, Summary)>, PolarsError> {
    let months = month_labels(df.column("date")?)?;
    let region = df.column("region")?.cast(&DataType::String)?;
    let region = region.str()?;
    let units = df.column("units")?.cast(&DataType::Int64)?;
    let units = units.i64()?;
    let price = df.column("price")?.cast(&DataType::Float64)?;
    let price = price.f64()?;
    let revenue = df.column("revenue")?.cast(&DataType::Float64)?;
    let revenue = revenue.f64()?;

    let names: Vec<String> = std::iter::once("All")
        .chain(regions.iter().copied())
        .map(str::to_owned)
        .collect();
    let mut totals: Vec<BTreeMap<&str, f64>> = vec![BTreeMap::new(); names.len()];
    let mut summaries = vec![Summary::default(); names.len()];
    for i in 0..df.height() {
        let (Some(month), Some(r), Some(u), Some(p), Some(rev)) = (
            months.get(i).and_then(Option::as_deref),
            region.get(i),
            units.get(i),
            price.get(i),
            revenue.get(i),
        ) else {
            continue;
        };
        let picked = std::iter::once(0).chain(regions.iter().position(|x| *x == r).map(|k| k + 1));
        for s in picked {
            *totals[s].entry(month).or_default() += rev;
            let summary = &mut summaries[s];
            if summary.units.len() < SCATTER_POINTS {
                summary.units.push(u);
                summary.price.push(p);
            }
        }
    }
    for (summary, totals) in summaries.iter_mut().zip(totals) {
        for (month, total) in totals {
            summary.months.push(month.to_owned());
            summary.revenue.push((total * 100.0).round() / 100.0);
        }
    }
    Ok(names.into_iter().zip(summaries).collect())
}

/// `YYYY-MM` of each row: from a date column, or the first 7 characters of a text one.
fn month_labels(column: &Column) -> Result<Vec<Option<String>>, PolarsError> {
    match column.dtype() {
        DataType::Date => {
            let days = column.cast(&DataType::Int32)?;
            Ok(days
                .i32()?
                .iter()
                .map(|d| {
                    d.map(|d| {
                        let (y, m, _) = civil(d);
                        format!("{y:04}-{m:02}")
                    })
                })
                .collect())
        }
        _ => {
            let text = column.cast(&DataType::String)?;
            Ok(text
                .str()?
                .iter()
                .map(|s| s.and_then(|s| s.get(..7)).map(str::to_owned))
                .collect())
        }
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01.
fn civil(days: i32) -> (i32, u32, u32) {
    // Eras of 400 years (146,097 days) from 0000-03-01, so leap days fall at era ends.
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(18_262), (2020, 1, 1));
        assert_eq!(civil(18_262 + 59), (2020, 2, 29));
        assert_eq!(civil(18_262 + 1826), (2024, 12, 31));
        assert_eq!(civil(-1), (1969, 12, 31));
    }

    #[test]
    fn monthly_totals_and_scatter_points_per_region() {
        let df = df!(
            "date" => ["2024-01-05", "2024-01-20", "2024-02-01"],
            "region" => ["North", "West", "North"],
            "product" => ["P01", "P02", "P03"],
            "units" => [1i64, 2, 3],
            "price" => [1.5, 2.0, 3.0],
            "revenue" => [1.5, 4.0, 9.0],
        )
        .unwrap();
        let all = summarise(&df, &["North", "West"]).unwrap();
        assert_eq!(all[0].0, "All");
        assert_eq!(all[0].1.months, ["2024-01", "2024-02"]);
        assert_eq!(all[0].1.revenue, [5.5, 9.0]);
        assert_eq!(all[1].1.revenue, [1.5, 9.0]);
        assert_eq!(all[2].1.months, ["2024-01"]);
        assert_eq!(all[2].1.units, [2]);
        assert_eq!(all[1].1.price, [1.5, 3.0]);
    }
}
