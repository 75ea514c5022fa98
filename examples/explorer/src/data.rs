//! The sales data: a CSV or Parquet file, or a million generated rows.

use std::path::Path;

use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Rows generated when no file is given.
pub const GENERATED_ROWS: usize = 1_000_000;

/// The regions of the generated data (and of the dropdown, after "All").
pub const REGIONS: [&str; 4] = ["North", "South", "East", "West"];

/// Days from 2020-01-01 to 2024-12-31, both included.
const DAYS: usize = 1827;

/// Why the data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read or parsed.
    #[error("reading {path}: {source}")]
    Read {
        /// The file named by `EXPLORER_DATA`.
        path: String,
        /// What polars said.
        source: PolarsError,
    },
    /// The file is neither `.csv` nor `.parquet`.
    #[error("{0}: EXPLORER_DATA must name a .csv or .parquet file")]
    Kind(String),
    /// A column the app needs is missing or of the wrong type.
    #[error("the data needs columns date, region, product, units, price and revenue: {0}")]
    Columns(PolarsError),
}

/// The file named by `path` (`.csv` or `.parquet`).
pub fn load(path: &Path) -> Result<DataFrame, DataError> {
    let name = path.display().to_string();
    let read = |source| DataError::Read {
        path: name.clone(),
        source,
    };
    let kind = path.extension().and_then(|e| e.to_str());
    if !matches!(kind, Some("csv" | "parquet")) {
        return Err(DataError::Kind(name));
    }
    let at = PlRefPath::try_from_path(path).map_err(read)?;
    let lf = match kind {
        Some("csv") => LazyCsvReader::new(at)
            .with_has_header(true)
            .with_try_parse_dates(true)
            .finish()
            .map_err(read)?,
        _ => LazyFrame::scan_parquet(at, Default::default()).map_err(read)?,
    };
    let df = lf.collect().map_err(read)?;
    for column in ["date", "region", "product", "units", "price", "revenue"] {
        df.column(column).map_err(DataError::Columns)?;
    }
    Ok(df)
}

/// `rows` rows of sales, the same on every run: dates spread evenly from 2020-01-01 to
/// 2024-12-31, random regions, products, units (1 to 100) and prices (2 decimals), and
/// revenue = units × price rounded to cents.
pub fn generate(rows: usize) -> DataFrame {
    let mut rng = StdRng::seed_from_u64(2020);
    // 2020-01-01 as days since 1970-01-01.
    const EPOCH_2020: i32 = 18_262;
    let mut date = Vec::with_capacity(rows);
    let mut region = Vec::with_capacity(rows);
    let mut product = Vec::with_capacity(rows);
    let mut units = Vec::with_capacity(rows);
    let mut price = Vec::with_capacity(rows);
    let mut revenue = Vec::with_capacity(rows);
    let products: Vec<String> = (1..=20).map(|p| format!("P{p:02}")).collect();
    for i in 0..rows {
        let day = (i * DAYS / rows.max(1)) as i32;
        date.push(EPOCH_2020 + day);
        region.push(REGIONS[rng.random_range(0..REGIONS.len())]);
        product.push(products[rng.random_range(0..products.len())].as_str());
        let n: i64 = rng.random_range(1..=100);
        let cents: i64 = rng.random_range(100..=10_000);
        units.push(n);
        price.push(cents as f64 / 100.0);
        revenue.push((n * cents) as f64 / 100.0);
    }
    let date = Series::new("date".into(), date)
        .cast(&DataType::Date)
        .unwrap_or_else(|_| Series::new_empty("date".into(), &DataType::Date));
    DataFrame::new_infer_height(vec![
        date.into(),
        Column::new("region".into(), region),
        Column::new("product".into(), product),
        Column::new("units".into(), units),
        Column::new("price".into(), price),
        Column::new("revenue".into(), revenue),
    ])
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rows_cover_the_five_years_and_are_the_same_each_run() {
        let df = generate(10_000);
        assert_eq!(df.height(), 10_000);
        let dates = df.column("date").unwrap().cast(&DataType::Int32).unwrap();
        let dates = dates.i32().unwrap();
        assert_eq!(dates.get(0), Some(18_262), "2020-01-01");
        assert_eq!(dates.get(9_999), Some(18_262 + 1826), "2024-12-31");
        assert!(df.equals(&generate(10_000)));
        let units = df.column("units").unwrap().i64().unwrap();
        assert!(units.into_no_null_iter().all(|u| (1..=100).contains(&u)));
        let price = df.column("price").unwrap().f64().unwrap();
        let revenue = df.column("revenue").unwrap().f64().unwrap();
        for i in 0..100 {
            let expected = units.get(i).unwrap() as f64 * price.get(i).unwrap();
            assert!((revenue.get(i).unwrap() - expected).abs() < 0.006);
        }
    }

    #[test]
    fn csv_and_parquet_files_load_as_the_same_rows() {
        let mut df = generate(500);
        let dir = std::env::temp_dir().join(format!("explorer-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("sales.csv");
        CsvWriter::new(std::fs::File::create(&csv).unwrap())
            .finish(&mut df)
            .unwrap();
        let parquet = dir.join("sales.parquet");
        ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
            .finish(&mut df)
            .unwrap();
        for path in [&csv, &parquet] {
            let loaded = load(path).unwrap();
            assert!(loaded.equals(&df), "{}: {loaded}", path.display());
        }
        let missing = load(&dir.join("none.csv")).unwrap_err();
        assert!(missing.to_string().contains("none.csv"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_of_another_kind_are_refused() {
        let err = load(Path::new("sales.xlsx")).unwrap_err();
        assert!(err.to_string().contains(".csv or .parquet"), "{err}");
    }
}
