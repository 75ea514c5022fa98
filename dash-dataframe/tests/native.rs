//! The cases of `tests/native/queries.txt` (for the browser comparison against native
//! DataTable) hold for dash-dataframe, on the data of `tests/native/data.json`.
//!
//! `DASH_DATAFRAME_BLESS=1` rewrites `data.json` and `columns.json` from the frame.

mod support;

use dash_dataframe::columns::{columns, records};
use dash_dataframe::query::{run, SortBy, TableQuery};
use polars::prelude::*;
use support::frame;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/native");

fn shown(query: &TableQuery) -> Vec<i64> {
    let page = run(frame().lazy(), query).expect("runs");
    let ids = page.frame.column("id").expect("id");
    ids.i64().expect("i64").into_no_null_iter().collect()
}

fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().expect("an id"))
        .collect()
}

#[test]
fn the_data_files_are_the_frame() {
    let data = serde_json::to_string_pretty(&records(&frame()).expect("records")).expect("json");
    let cols = serde_json::to_string_pretty(&columns(&frame())).expect("json");
    if std::env::var_os("DASH_DATAFRAME_BLESS").is_some() {
        std::fs::write(format!("{DIR}/data.json"), format!("{data}\n")).expect("write");
        std::fs::write(format!("{DIR}/columns.json"), format!("{cols}\n")).expect("write");
    }
    let on_disk = |name: &str| std::fs::read_to_string(format!("{DIR}/{name}")).expect("read");
    assert_eq!(on_disk("data.json").trim_end(), data);
    assert_eq!(on_disk("columns.json").trim_end(), cols);
}

#[test]
fn every_case_holds() {
    let text = std::fs::read_to_string(format!("{DIR}/queries.txt")).expect("queries.txt");
    let mut wrong = Vec::new();
    let mut cases = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut fields = line.split('\t');
        let (kind, arg) = (fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        let expected = fields.next().unwrap_or("");
        let expected = expected.split('#').next().unwrap_or("").trim();
        cases += 1;
        let got = match kind {
            "FILTER" => match TableQuery::new(arg) {
                Err(e) if expected == "INVALID" => {
                    assert!(!e.to_string().is_empty());
                    continue;
                }
                Err(e) => format!("error: {e}"),
                Ok(_) if expected == "INVALID" => "valid".to_owned(),
                Ok(q) => {
                    let want = parse_ids(
                        expected
                            .trim_start_matches("EXTENSION")
                            .trim_start_matches("THROWS"),
                    );
                    let got = shown(&q.page(0, 100));
                    if got == want {
                        continue;
                    }
                    format!("{got:?}")
                }
            },
            "SORT" => {
                let sort_by: Vec<SortBy> = serde_json::from_str(arg).expect("sort_by JSON");
                let got = shown(&TableQuery::default().sort_by(sort_by).page(0, 100));
                if got == parse_ids(expected) {
                    continue;
                }
                format!("{got:?}")
            }
            other => panic!("unknown case kind {other}"),
        };
        wrong.push(format!("{kind} {arg:?}: expected {expected:?}, got {got}"));
    }
    assert!(cases >= 40, "{cases} cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
