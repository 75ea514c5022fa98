//! Conformance with the Python answer to the same problem: the backend filtering, sorting
//! and paging recipe of Dash's DataTable documentation (pandas), run by the conformance venv's
//! Python on the same rows, must show the same page as dash-dataframe for every query in the
//! part of the grammar the recipe understands (`{col} op value` clauses joined by ` && `, with
//! `eq ne lt le gt ge` and their symbols, `contains`, `datestartswith`; multi-column sorts).

use std::io::Write;
use std::process::{Command, Stdio};

use dash_dataframe::filter;
use dash_dataframe::query::{run, Direction, SortBy, TableQuery};
use dash_e2e::python::ensure_venv;
use polars::prelude::*;
use serde_json::{json, Value};

const ROWS: usize = 300;

/// The rows, the same for both sides: ids, four regions, twenty products, units 1 to 100,
/// prices with cents, revenue, and ISO dates through 2020.
fn rows() -> Vec<Value> {
    let regions = ["North", "South", "East", "West"];
    (0..ROWS)
        .map(|i| {
            let units = (i * 37 % 100 + 1) as i64;
            let cents = (i * 7919 % 9901 + 100) as i64;
            let day = i * 366 / ROWS;
            let (month, dom) = month_day(day);
            json!({
                "id": i as i64,
                "region": regions[i * 7 % 4],
                "product": format!("P{:02}", i * 13 % 20 + 1),
                "units": units,
                "price": cents as f64 / 100.0,
                "revenue": (units * cents) as f64 / 100.0,
                "date": format!("2020-{month:02}-{dom:02}"),
            })
        })
        .collect()
}

/// Month and day of day `day` (from 0) of the leap year 2020.
fn month_day(mut day: usize) -> (usize, usize) {
    let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (m, len) in lengths.iter().enumerate() {
        if day < *len {
            return (m + 1, day + 1);
        }
        day -= len;
    }
    (12, 31)
}

fn frame(rows: &[Value]) -> DataFrame {
    let text = |k: &str| -> Vec<String> {
        rows.iter()
            .map(|r| r[k].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let int = |k: &str| -> Vec<i64> { rows.iter().map(|r| r[k].as_i64().unwrap_or(0)).collect() };
    let float =
        |k: &str| -> Vec<f64> { rows.iter().map(|r| r[k].as_f64().unwrap_or(0.0)).collect() };
    df!(
        "id" => int("id"),
        "region" => text("region"),
        "product" => text("product"),
        "units" => int("units"),
        "price" => float("price"),
        "revenue" => float("revenue"),
        "date" => text("date"),
    )
    .expect("frame")
}

/// `(filter_query, sort_by as (column, ascending), page_current, page_size)`.
type Case = (&'static str, Vec<(&'static str, bool)>, usize, usize);

fn cases() -> Vec<Case> {
    let all = ROWS;
    let by_id = vec![("id", true)];
    vec![
        ("{units} eq 50", by_id.clone(), 0, all),
        ("{units} = 50", by_id.clone(), 0, all),
        ("{units} ne 50", by_id.clone(), 0, all),
        ("{units} != 50", by_id.clone(), 0, all),
        ("{units} lt 10", by_id.clone(), 0, all),
        ("{units} < 10", by_id.clone(), 0, all),
        ("{units} le 10", by_id.clone(), 0, all),
        ("{units} <= 10", by_id.clone(), 0, all),
        ("{units} gt 90", by_id.clone(), 0, all),
        ("{units} > 90", by_id.clone(), 0, all),
        ("{units} ge 90", by_id.clone(), 0, all),
        ("{units} >= 90", by_id.clone(), 0, all),
        ("{price} lt 5.5", by_id.clone(), 0, all),
        ("{price} >= 95.25", by_id.clone(), 0, all),
        ("{revenue} gt 5000", by_id.clone(), 0, all),
        ("{region} eq North", by_id.clone(), 0, all),
        (r#"{region} eq "West""#, by_id.clone(), 0, all),
        ("{region} = 'East'", by_id.clone(), 0, all),
        ("{region} ne South", by_id.clone(), 0, all),
        ("{product} lt P05", by_id.clone(), 0, all),
        ("{product} ge P18", by_id.clone(), 0, all),
        ("{region} contains or", by_id.clone(), 0, all),
        (r#"{product} contains "1""#, by_id.clone(), 0, all),
        ("{date} datestartswith 2020-03", by_id.clone(), 0, all),
        ("{region} eq North && {units} > 50", by_id.clone(), 0, all),
        (
            "{units} >= 20 && {units} < 40 && {price} > 50",
            by_id.clone(),
            0,
            all,
        ),
        (
            "{date} datestartswith 2020-11 && {region} ne West",
            by_id.clone(),
            0,
            all,
        ),
        ("", vec![("units", false), ("id", true)], 0, 20),
        ("", vec![("region", true), ("revenue", false)], 0, 20),
        (
            "",
            vec![("product", true), ("units", true), ("id", false)],
            2,
            15,
        ),
        (
            "{units} > 50 && {price} < 20",
            vec![("region", true), ("revenue", false)],
            0,
            20,
        ),
        (
            "{region} eq North && {units} > 50",
            vec![("revenue", false)],
            1,
            20,
        ),
        ("{units} gt 100", by_id.clone(), 0, all),
        ("", by_id, 14, 20),
    ]
}

/// Where the recipe and DataTable part ways, with what DataTable's native filtering shows
/// (dash-dataframe follows DataTable): `datestartswith` normalises its value as a date
/// (`2020-12-3` is 3 December; `2020-0` is no date and matches nothing) where the recipe
/// compares text prefixes.
fn divergences() -> Vec<(&'static str, Vec<i64>)> {
    vec![
        ("{date} datestartswith 2020-12-3", vec![277]),
        ("{date} datestartswith 2020-0", vec![]),
    ]
}

fn ours(df: &DataFrame, query: &str, sort: &[(&str, bool)], page: usize, size: usize) -> Vec<i64> {
    let q = TableQuery {
        filter: filter::parse(query).expect("a query the recipe understands parses"),
        sort_by: sort
            .iter()
            .map(|(c, asc)| SortBy {
                column_id: (*c).to_owned(),
                direction: if *asc {
                    Direction::Asc
                } else {
                    Direction::Desc
                },
            })
            .collect(),
        page_current: 0,
        page_size: 1,
    }
    .page(page, size);
    let answer = run(df.clone().lazy(), &q).expect("runs");
    let ids = answer.frame.column("id").expect("id");
    ids.i64().expect("i64").into_no_null_iter().collect()
}

fn recipe(rows: &[Value]) -> Vec<Vec<i64>> {
    let venv = ensure_venv().expect("the conformance venv (scripts/setup-python)");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/recipe/recipe.py");
    let cases: Vec<Value> = all_cases()
        .iter()
        .map(|(query, sort, page, size)| {
            let sort: Vec<Value> = sort
                .iter()
                .map(|(c, asc)| json!({"column_id": c, "direction": if *asc { "asc" } else { "desc" }}))
                .collect();
            json!({"filter": query, "sort_by": sort, "page_current": page, "page_size": size})
        })
        .collect();
    let mut child = Command::new(venv.join("bin").join("python"))
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let request = json!({"rows": rows, "cases": cases}).to_string();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.as_bytes())
        .expect("the request is written");
    let out = child.wait_with_output().expect("python ends");
    assert!(
        out.status.success(),
        "the recipe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON list of id lists")
}

/// The cases, then the divergences (all rows, by id).
fn all_cases() -> Vec<Case> {
    let mut cases = cases();
    for (query, _) in divergences() {
        cases.push((query, vec![("id", true)], 0, ROWS));
    }
    cases
}

#[test]
fn pages_equal_the_pandas_recipe_where_the_grammars_overlap() {
    let rows = rows();
    let df = frame(&rows);
    let theirs = recipe(&rows);
    let cases = cases();
    assert_eq!(theirs.len(), cases.len() + divergences().len());
    let mut mismatches = Vec::new();
    println!(
        "{:<52} {:>6} {:>6}  first ids",
        "filter_query / sort_by / page", "rows", "same"
    );
    for ((query, sort, page, size), expected) in cases.iter().zip(&theirs) {
        let got = ours(&df, query, sort, *page, *size);
        let same = &got == expected;
        let label = format!("{query:?} {sort:?} p{page}");
        println!(
            "{:<52} {:>6} {:>6}  {:?}",
            label.chars().take(52).collect::<String>(),
            got.len(),
            if same { "yes" } else { "NO" },
            &got[..got.len().min(5)]
        );
        if !same {
            mismatches.push(format!(
                "{label}: recipe {expected:?}, dash-dataframe {got:?}"
            ));
        }
    }
    assert!(
        theirs.iter().filter(|ids| !ids.is_empty()).count() >= cases.len() - 2,
        "nearly every case should show rows, or the comparison says little"
    );
    for ((query, native), recipe) in divergences().iter().zip(&theirs[cases.len()..]) {
        let got = ours(&df, query, &[("id", true)], 0, ROWS);
        println!(
            "divergence {query:?}: recipe shows {} rows, DataTable and dash-dataframe {got:?}",
            recipe.len()
        );
        if &got != native || recipe == native {
            mismatches.push(format!(
                "divergence {query:?}: native DataTable {native:?}, dash-dataframe {got:?}, recipe {recipe:?}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
