//! The real DataTable as the oracle of dash-dataframe's filter and sort engine: every case
//! of `dash-dataframe/tests/native/queries.txt` is shown by a `dash_table.DataTable` with
//! `filter_action='native'` and `sort_action='native'` (the `native-table` example) in
//! headless Chromium, and the ids it displays, in display order, must be the case's
//! expected ids: the same ids `dash-dataframe/tests/native.rs` checks our engine against.
//!
//! One page load, then the cases in sequence: each goes into the `case` store through
//! `dash_clientside.set_props`, a callback copies it into the table and names the `id`
//! column `id #<n>`, and the test waits for that header before it reads the `id` cells
//! (header and cells come from one render of the table). The page's uncaught errors are
//! collected case by case: a `THROWS` case must throw (and leave the rows of the case
//! before), any other may only log DataTable's filter-row complaint about a non-column.
//!
//! `DASH_E2E_NATIVE_QUERIES=<file>` runs the cases of another file in the same format (to
//! ask the browser about new queries); the coverage checks then do not apply.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Instant;

use dash_e2e::browser::Browser;
use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start, WAIT};
use serde_json::{json, Value};

/// The cases, shared with dash-dataframe's own test of them.
const QUERIES: &str = include_str!("../../dash-dataframe/tests/native/queries.txt");

/// Every row id of `data.json`, in data order: what native DataTable shows for a query it
/// rejects.
const ALL_ROWS: &str = "0,1,2,3,4,5,6,7";

/// The operators of DataTable's filter grammar that the cases must cover (as written in
/// any letter case; `i` and `s` variants are listed on their own in the summary).
const REQUIRED: &[&str] = &[
    "eq",
    "=",
    "ne",
    "!=",
    "lt",
    "<",
    "le",
    "<=",
    "gt",
    ">",
    "ge",
    ">=",
    "contains",
    "datestartswith",
    "is blank",
    "is nil",
    "is num",
    "is str",
    "is bool",
    "is even",
    "is odd",
    "is prime",
    "is object",
    "&&",
    "and",
    "||",
    "or",
    "!",
];

/// What DataTable logs when an `i` operator meets a null (`null.toString()`).
const NULL_TO_STRING: &str = "Cannot read properties of null (reading 'toString')";

/// What DataTable's filter row logs for a query on an operand that is no column (`{nope}`,
/// `5 < {i}`): it does not affect the filtering.
fn is_filter_row_message(message: &str) -> bool {
    message.contains("Error: column ") && message.ends_with(" not found")
}

/// One line of `queries.txt`.
#[derive(Debug)]
struct Case {
    /// 1-based number among the cases (shown in the `id` header while it is displayed).
    n: usize,
    /// `FILTER` or `SORT`.
    kind: String,
    /// The filter query, or the `sort_by` JSON.
    arg: String,
    /// The expected field as written (`INVALID`, `EXTENSION 0,1`, `THROWS 0`, `3,5`, empty).
    expected: String,
}

impl Case {
    /// The first word of the expected field when it is a keyword.
    fn keyword(&self) -> Option<&str> {
        let word = self.expected.split(' ').next()?;
        ["INVALID", "EXTENSION", "THROWS"]
            .contains(&word)
            .then_some(word)
    }

    /// What native DataTable must show, given what it showed for the case before: every
    /// row for a query it rejects, the rows before for a query it throws on.
    fn want(&self, before: &str) -> String {
        match self.keyword() {
            Some("INVALID" | "EXTENSION") => ALL_ROWS.to_owned(),
            Some(_) => before.to_owned(),
            None => self.expected.replace(' ', ""),
        }
    }

    /// The summary row this case counts under.
    fn class(&self) -> String {
        match (self.kind.as_str(), self.keyword()) {
            ("SORT", _) => "SORT".to_owned(),
            (_, Some(keyword)) => format!("FILTER {keyword}"),
            _ => "FILTER".to_owned(),
        }
    }

    /// The `case` store's value for it.
    fn store_value(&self) -> Value {
        match self.kind.as_str() {
            "SORT" => {
                let sort_by: Value = serde_json::from_str(&self.arg).expect("sort_by JSON");
                json!({"n": self.n, "filter_query": "", "sort_by": sort_by})
            }
            _ => json!({"n": self.n, "filter_query": self.arg, "sort_by": []}),
        }
    }
}

/// The cases of a file in the format of `queries.txt`.
fn cases(text: &str) -> Vec<Case> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let mut fields = line.split('\t');
            let kind = fields.next().unwrap_or_default().to_owned();
            let arg = fields.next().unwrap_or_default().to_owned();
            let expected = fields.next().unwrap_or_default();
            let expected = expected.split('#').next().unwrap_or_default().trim();
            assert!(
                kind == "FILTER" || kind == "SORT",
                "unknown case kind in {line:?}"
            );
            Case {
                n: i + 1,
                kind,
                arg,
                expected: expected.to_owned(),
            }
        })
        .collect()
}

/// The operators of a filter query, as written (`is` joined to its operand: `is blank`):
/// the query with its `{column}` names, quoted values and escapes blanked out, split into
/// words.
fn operators(query: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = query.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                chars.by_ref().find(|&c| c == '}');
                plain.push(' ');
            }
            '"' | '\'' | '`' => {
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
                plain.push(' ');
            }
            '\\' => {
                chars.next();
                plain.push('_');
            }
            '(' | ')' => plain.push(' '),
            c => plain.push(c),
        }
    }
    const RELATIONAL: &[&str] = &[
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "contains",
        "datestartswith",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
    ];
    const LOGICAL: &[&str] = &["and", "or", "not", "&&", "||", "!"];
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut ops = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let lower = word.to_ascii_lowercase();
        let bare = lower
            .strip_prefix(['i', 's'])
            .filter(|rest| RELATIONAL.contains(rest))
            .unwrap_or(&lower);
        if lower == "is" && i + 1 < words.len() {
            ops.push(format!("{word} {}", words[i + 1]));
            i += 1;
        } else if RELATIONAL.contains(&bare) || LOGICAL.contains(&lower.as_str()) {
            ops.push(word.to_owned());
        }
        i += 1;
    }
    ops
}

/// Records the page's uncaught errors (DataTable's included) in `window.__errors`.
const CAPTURE_ERRORS: &str = r#"
    window.__errors = [];
    window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
"#;

/// Reads the `id` header, the `id` cells in display order (joined by commas) and the errors
/// recorded since the last read.
const READ_TABLE: &str = r#"
    const name = document.querySelector(
        '#native th.dash-header[data-dash-column="id"] .column-header-name');
    const cells = document.querySelectorAll('#native td.dash-cell[data-dash-column="id"]');
    const errors = window.__errors.splice(0);
    return {
        header: name ? name.textContent.trim() : null,
        ids: Array.from(cells, (c) => c.textContent.trim()).join(","),
        errors,
    };
"#;

/// What the table showed for a case.
struct Shown {
    /// The `id` cells, in display order, joined by commas.
    ids: String,
    /// The page's uncaught errors while it showed the case.
    errors: Vec<String>,
}

/// Shows `case` and reads the table once it shows the case, and still does at the next
/// poll (so that what it logs while rendering it is in).
fn shown(b: &Browser, case: &Case) -> Result<Shown, Box<dyn Error>> {
    b.execute(
        "window.dash_clientside.set_props('case', {data: arguments[0]});",
        vec![case.store_value()],
    )?;
    let header = format!("id #{}", case.n);
    let mut errors = Vec::new();
    let mut seen: Option<String> = None;
    let mut last = Value::Null;
    let ids = b
        .wait_for(&format!("the table to show case {}", case.n), WAIT, |b| {
            last = b.execute(READ_TABLE, vec![])?;
            errors.extend(
                last["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| e.as_str().unwrap_or_default().to_owned()),
            );
            let ids = (last["header"] == header.as_str())
                .then(|| last["ids"].as_str().unwrap_or_default().to_owned());
            let stable = ids.is_some() && ids == seen;
            seen = ids;
            Ok(stable.then(|| seen.clone().unwrap_or_default()))
        })
        .map_err(|e| format!("{e} (the table read {last})"))?;
    Ok(Shown { ids, errors })
}

/// Tallies of cases and matches.
#[derive(Default)]
struct Tally(BTreeMap<String, (usize, usize)>);

impl Tally {
    fn add(&mut self, key: &str, ok: bool) {
        let entry = self.0.entry(key.to_owned()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(ok);
    }

    fn print(&self, title: &str) {
        println!("  {title:<24} {:>5} {:>7}", "cases", "matched");
        for (key, (n, ok)) in &self.0 {
            println!("  {key:<24} {n:>5} {ok:>7}");
        }
    }
}

#[test]
fn native_datatable_shows_the_expected_rows_of_every_case() {
    let (text, source) = match std::env::var("DASH_E2E_NATIVE_QUERIES") {
        Ok(path) if !path.is_empty() => (
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
            path,
        ),
        _ => (QUERIES.to_owned(), "queries.txt".to_owned()),
    };
    let cases = cases(&text);
    if source == "queries.txt" {
        assert!(cases.len() >= 40, "only {} cases", cases.len());
        let ops: Vec<String> = cases
            .iter()
            .filter(|c| c.kind == "FILTER")
            .flat_map(|c| operators(&c.arg))
            .collect();
        let missing: Vec<&&str> = REQUIRED
            .iter()
            .filter(|op| !ops.iter().any(|k| k.eq_ignore_ascii_case(op)))
            .collect();
        assert!(missing.is_empty(), "no case uses {missing:?}");
    }

    let app = start("native-table");
    let browser = launch();
    run("native-table", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;
        b.wait_for("the table's id header", WAIT, |b| {
            Ok((!b
                .text("#native th.dash-header[data-dash-column=\"id\"]")?
                .is_empty())
            .then_some(()))
        })?;
        b.execute(CAPTURE_ERRORS, vec![])?;
        let started = Instant::now();
        let mut before = ALL_ROWS.to_owned();
        let (mut kinds, mut ops) = (Tally::default(), Tally::default());
        let (mut wrong, mut notes) = (Vec::new(), Vec::new());
        for case in &cases {
            let Shown { ids, errors } = shown(b, case)?;
            let want = case.want(&before);
            let throws = case.keyword() == Some("THROWS");
            let threw = errors.iter().any(|e| e.contains(NULL_TO_STRING));
            let unexpected: Vec<&String> = errors
                .iter()
                .filter(|e| !(is_filter_row_message(e) || throws && e.contains(NULL_TO_STRING)))
                .collect();
            let mut problems = Vec::new();
            if ids != want {
                problems.push(format!("expected [{want}], the browser showed [{ids}]"));
            }
            if throws && !threw {
                problems.push("DataTable did not throw".to_owned());
            }
            if !unexpected.is_empty() {
                problems.push(format!("DataTable threw {unexpected:?}"));
            }
            let ok = problems.is_empty();
            kinds.add(&case.class(), ok);
            if case.kind == "FILTER" {
                for op in operators(&case.arg) {
                    ops.add(&op, ok);
                }
            }
            let label = format!(
                "case {} {} {:?} ({:?})",
                case.n, case.kind, case.arg, case.expected
            );
            if !ok {
                wrong.push(format!("{label}: {}", problems.join("; ")));
            } else if !errors.is_empty() {
                notes.push(format!("{label}: DataTable threw {errors:?}"));
            }
            before = ids;
        }
        println!(
            "native DataTable vs {source}: {} cases in {:.1?}",
            cases.len(),
            started.elapsed()
        );
        kinds.print("kind");
        ops.print("filter operator");
        for note in &notes {
            println!("note: {note}");
        }
        save_screenshot(b, "native-table")?;
        if !wrong.is_empty() {
            return Err(format!(
                "{} of {} cases differ from native DataTable:\n{}",
                wrong.len(),
                cases.len(),
                wrong.join("\n")
            )
            .into());
        }
        assert_no_callback_errors(b)
    });
}

#[test]
fn operators_are_read_outside_names_and_values() {
    assert_eq!(operators("{a eq b} eq 'x && y'"), ["eq"]);
    assert_eq!(
        operators("!({name} IS BLANK) || {i} Ieq 2"),
        ["!", "IS BLANK", "||", "Ieq"]
    );
    assert_eq!(
        operators("{name} eq apple\\ pie and 5 i< {i}"),
        ["eq", "and", "i<"]
    );
    assert!(operators("").is_empty());
}
