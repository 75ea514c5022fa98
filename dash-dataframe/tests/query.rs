//! Query → polars: each operator, case prefixes, nulls, sorting with nulls and paging, and a
//! property test against a row-by-row evaluator written straight from DataTable's rules
//! over the JSON records the browser would hold.

use dash_dataframe::columns::records;
use dash_dataframe::filter::{self, Case, Filter, Operand, RelOp, Test};
use dash_dataframe::js;
use dash_dataframe::query::{run, SortBy, TableQuery};
use polars::prelude::*;
use proptest::prelude::*;
use serde_json::Value;

mod strategies;
mod support;
use support::frame;

fn ids(query: &str) -> Vec<i64> {
    ids_of(&frame(), query)
}

fn ids_of(df: &DataFrame, query: &str) -> Vec<i64> {
    let q = TableQuery::new(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .page(0, 1000);
    let page = run(df.clone().lazy(), &q).unwrap_or_else(|e| panic!("{query}: {e}"));
    let col = page.frame.column("id").expect("id");
    col.i64().expect("i64").into_no_null_iter().collect()
}

#[test]
fn equality_follows_javascript() {
    assert_eq!(ids("{i} eq 5"), [6]);
    assert_eq!(
        ids("{i} = \"5\""),
        [6],
        "numeric strings compare as numbers"
    );
    assert_eq!(
        ids("{s} eq 5"),
        [0, 1, 2, 6],
        "\"5\", \"5.0\", \" 5 \", \"0x5\""
    );
    assert_eq!(ids("{s} eq \"abc\""), [3]);
    assert_eq!(ids("{name} eq apple"), Vec::<i64>::new());
    assert_eq!(ids("{name} ieq apple"), [0]);
    assert_eq!(ids("{name} seq Apple"), [0]);
    assert_eq!(ids("{name} eq \"\""), [3]);
    assert_eq!(
        ids("{b} eq true"),
        Vec::<i64>::new(),
        "a boolean never equals text"
    );
    assert_eq!(ids("{b} ieq TRUE"), [0, 3, 5]);
    assert_eq!(
        ids("{n} eq {i}"),
        [1, 6],
        "2 = 2, 5 = 5; NaN is null in JSON"
    );
    assert_eq!(ids("{n} eq {nope}"), Vec::<i64>::new());
    assert_eq!(
        ids("{name} eq {name}"),
        [0, 1, 2, 3, 4, 5, 6, 7],
        "null === null"
    );
    assert_eq!(ids("{d} eq 2020-01-01"), [0, 4], "dates are their ISO text");
}

#[test]
fn inequality_is_strict() {
    assert_eq!(ids("{i} ne 5"), [0, 1, 2, 3, 4, 5, 7], "null !== 5");
    assert_eq!(ids("{i} ne \"5\""), [0, 1, 2, 3, 4, 5, 6, 7], "5 !== \"5\"");
    assert_eq!(
        ids("{name} ine APPLE"),
        [1, 3, 4, 5, 6, 7],
        "null never matches an i op"
    );
}

#[test]
fn ordering_follows_javascript() {
    assert_eq!(
        ids("{n} < 2"),
        [0, 2, 3, 4, 7],
        "null is 0, NaN (null in JSON) too"
    );
    assert_eq!(ids("{n} > 2"), [5, 6]);
    assert_eq!(ids("{n} >= 2"), [1, 5, 6]);
    assert_eq!(ids("{n} le -3"), [3]);
    assert_eq!(ids("{i} gt 4"), [0, 6, 7]);
    assert_eq!(ids("{i} lt 0"), [4]);
    assert_eq!(ids("{s} < 1"), [4, 5], "\"\" and null are 0; abc is NaN");
    assert_eq!(
        ids("{name} < \"b\""),
        [0, 3, 4, 5, 6, 7],
        "strings compare as strings; null < \"b\" is 0 < NaN"
    );
    assert_eq!(
        ids("{name} < 6"),
        [2, 3, 6],
        "text and a number: numbers (null, \"\" are 0)"
    );
    assert_eq!(
        ids("{i} ilt 3"),
        [1, 4, 7],
        "i: as text, \"-3\" and \"11\" sort before \"3\""
    );
    assert_eq!(ids("{d} > 2020-12-31"), [3, 7]);
    assert_eq!(ids("{b} > 0"), [0, 3, 5]);
    assert_eq!(ids("5 < {i}"), [0, 7]);
}

#[test]
fn contains_needs_a_string() {
    assert_eq!(ids("{name} contains pp"), [0, 4]);
    assert_eq!(ids("{name} icontains APP"), [0, 4]);
    assert_eq!(ids("{name} contains \"\""), [0, 1, 3, 4, 5, 6, 7]);
    assert_eq!(
        ids("{n} contains 5"),
        Vec::<i64>::new(),
        "number and number: never"
    );
    assert_eq!(ids("{n} contains \"5\""), [0, 5, 6], "1.5, 15, 5 as text");
    assert_eq!(ids("{b} contains \"ru\""), [0, 3, 5]);
    assert_eq!(ids("{d} contains \"-01-\""), [0, 3, 4, 5, 7]);
}

#[test]
fn datestartswith_normalises() {
    assert_eq!(ids("{d} datestartswith 2020"), [0, 1, 4]);
    assert_eq!(
        ids("{d} datestartswith 2020-1"),
        [0, 4],
        "2020-1 is 2020-01"
    );
    assert_eq!(ids("{d} datestartswith \"1969-12\""), [6]);
    assert_eq!(ids("{s} datestartswith 2020-01-15"), [7]);
    assert_eq!(
        ids("{s} datestartswith 5"),
        Vec::<i64>::new(),
        "5 is no date"
    );
    assert_eq!(ids("{d} datestartswith nonsense"), Vec::<i64>::new());
    assert_eq!(ids("{i} datestartswith 7"), Vec::<i64>::new());
}

#[test]
fn unary_tests() {
    assert_eq!(ids("{name} is blank"), [2, 3]);
    assert_eq!(ids("{name} is nil"), [2]);
    assert_eq!(ids("{nope} is nil"), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(ids("{n} is num"), [0, 1, 3, 5, 6, 7], "NaN is null in JSON");
    assert_eq!(ids("{s} is str"), [0, 1, 2, 3, 4, 6, 7]);
    assert_eq!(ids("{d} is str"), [0, 1, 3, 4, 5, 6, 7]);
    assert_eq!(ids("{b} is bool"), [0, 1, 3, 4, 5, 7]);
    assert_eq!(ids("{i} is even"), [1, 5]);
    assert_eq!(ids("{i} is odd"), [0, 2, 6, 7], "-3 % 2 is -1: not odd");
    assert_eq!(ids("{i} is prime"), [0, 1, 2, 6, 7]);
    assert_eq!(ids("{n} is prime"), [1, 6]);
    assert_eq!(ids("{name} is object"), Vec::<i64>::new());
    assert_eq!(ids("\"x\" is str"), [0, 1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn logic_and_precedence() {
    assert_eq!(ids("{i} > 4 && {b} eq {b}"), [0, 6, 7]);
    assert_eq!(ids("{i} eq 2 || {i} eq 3 && {b} is nil"), [1, 2]);
    assert_eq!(ids("({i} eq 2 || {i} eq 3) && {b} is nil"), [2]);
    assert_eq!(ids("!({name} is blank)"), [0, 1, 4, 5, 6, 7]);
    assert_eq!(ids("not {name} is blank and {i} < 5"), [1, 4, 5]);
    assert_eq!(ids(""), [0, 1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn sorting_puts_nulls_last_both_ways() {
    let sorted = |sort: Vec<SortBy>| {
        let q = TableQuery::new("").expect("q").sort_by(sort).page(0, 100);
        let page = run(frame().lazy(), &q).expect("run");
        page.frame
            .column("id")
            .expect("id")
            .i64()
            .expect("i64")
            .into_no_null_iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(sorted(vec![SortBy::asc("n")]), [3, 7, 0, 1, 6, 5, 2, 4]);
    assert_eq!(sorted(vec![SortBy::desc("n")]), [5, 6, 1, 0, 7, 3, 2, 4]);
    assert_eq!(sorted(vec![SortBy::asc("name")]), [3, 7, 6, 0, 5, 4, 1, 2]);
    // Ties keep their order; the second key breaks them.
    assert_eq!(
        sorted(vec![SortBy::desc("b"), SortBy::asc("i")]),
        [5, 0, 3, 4, 1, 7, 2, 6]
    );
    assert_eq!(sorted(vec![SortBy::asc("nope")]), [0, 1, 2, 3, 4, 5, 6, 7]);
    let dir: Vec<SortBy> =
        serde_json::from_value(serde_json::json!([{"column_id": "i", "direction": "none"}]))
            .expect("sort_by");
    assert_eq!(sorted(dir), [4, 1, 2, 5, 6, 0, 7, 3]);
}

#[test]
fn paging_edges() {
    let page = |current, size, query: &str| {
        let q = TableQuery::new(query)
            .expect("q")
            .sort_by(vec![SortBy::asc("id")])
            .page(current, size);
        run(frame().lazy(), &q).expect("run")
    };
    let p = page(0, 3, "");
    assert_eq!((p.frame.height(), p.total_rows, p.page_count), (3, 8, 3));
    let p = page(2, 3, "");
    assert_eq!((p.frame.height(), p.total_rows), (2, 8));
    let p = page(9, 3, "{i} > 4");
    assert_eq!((p.frame.height(), p.total_rows, p.page_count), (0, 3, 1));
    let p = page(0, 3, "{i} > 100");
    assert_eq!((p.frame.height(), p.total_rows, p.page_count), (0, 0, 1));
    let p = page(1, 0, "");
    assert_eq!(
        (p.frame.height(), p.page_count),
        (1, 8),
        "page_size 0 acts as 1"
    );
    let p = page(usize::MAX, usize::MAX, "");
    assert_eq!(p.frame.height(), 0);
}

#[test]
fn temporal_values_go_out_as_text() {
    let data =
        serde_json::to_value(records(&frame().head(Some(1))).expect("records")).expect("json");
    assert_eq!(data[0]["d"], "2020-01-01");
    assert_eq!(data[0]["n"], 1.5);
    let nan = serde_json::to_value(records(&frame().slice(4, 1)).expect("records")).expect("json");
    assert_eq!(nan[0]["n"], Value::Null);
}

// ---- The oracle: DataTable's evaluation, row by row, on the JSON records. ----

#[derive(Clone, Debug)]
enum J {
    Undef,
    V(Value),
}

fn resolve(row: &serde_json::Map<String, Value>, o: &Operand) -> J {
    match o {
        Operand::Column(c) => row.get(c).cloned().map_or(J::Undef, J::V),
        Operand::Text(t) => J::V(Value::String(t.clone())),
        Operand::Number(n) => J::V(Value::from(*n)),
    }
}

fn nullish(v: &J) -> bool {
    matches!(v, J::Undef | J::V(Value::Null))
}

fn is_numeric(v: &J) -> Option<f64> {
    match v {
        J::V(Value::Number(n)) => n.as_f64(),
        J::V(Value::String(s)) => js::numeric_string(s),
        _ => None,
    }
}

fn to_number(v: &J) -> Option<f64> {
    match v {
        J::Undef => None,
        J::V(Value::Null) => Some(0.0),
        J::V(Value::Bool(b)) => Some(f64::from(u8::from(*b))),
        J::V(Value::Number(n)) => n.as_f64(),
        J::V(Value::String(s)) => js::string_to_number(s).filter(|v| !v.is_nan()),
        J::V(_) => None,
    }
}

/// `toString()`; None where it throws.
fn to_str(v: &J) -> Option<String> {
    match v {
        J::V(Value::Bool(b)) => Some(b.to_string()),
        J::V(Value::Number(n)) => n.as_f64().map(js::number_to_string),
        J::V(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn strict(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Undef, J::Undef) => true,
        (J::V(x), J::V(y)) => match (x, y) {
            (Value::Number(p), Value::Number(q)) => p.as_f64() == q.as_f64(),
            (Value::Array(_) | Value::Object(_), _) => false,
            _ => x == y,
        },
        _ => false,
    }
}

fn eval(row: &serde_json::Map<String, Value>, f: &Filter) -> bool {
    match f {
        Filter::Or(a, b) => eval(row, a) || eval(row, b),
        Filter::And(a, b) => eval(row, a) && eval(row, b),
        Filter::Not(a) => !eval(row, a),
        Filter::Is { operand, test } => {
            let v = resolve(row, operand);
            let num = match &v {
                J::V(Value::Number(n)) => n.as_f64(),
                _ => None,
            };
            match test {
                Test::Blank => nullish(&v) || matches!(&v, J::V(Value::String(s)) if s.is_empty()),
                Test::Nil => nullish(&v),
                Test::Num => num.is_some(),
                Test::Str => matches!(v, J::V(Value::String(_))),
                Test::Bool => matches!(v, J::V(Value::Bool(_))),
                Test::Object => matches!(v, J::V(Value::Array(_) | Value::Object(_))),
                Test::Even => num.is_some_and(|n| n % 2.0 == 0.0),
                Test::Odd => num.is_some_and(|n| n % 2.0 == 1.0),
                Test::Prime => num.is_some_and(js::is_prime),
            }
        }
        Filter::Compare {
            left,
            op,
            case,
            right,
        } => {
            let (l, r) = (resolve(row, left), resolve(row, right));
            let i = *case == Case::Insensitive;
            let upper = |v: &J| to_str(v).map(|s| js::upper(&s));
            let cmp = |a: std::cmp::Ordering| match op {
                RelOp::Lt => a.is_lt(),
                RelOp::Le => a.is_le(),
                RelOp::Gt => a.is_gt(),
                RelOp::Ge => a.is_ge(),
                RelOp::Ne => a.is_ne(),
                _ => a.is_eq(),
            };
            match op {
                RelOp::Eq => {
                    if let (Some(a), Some(b)) = (is_numeric(&l), is_numeric(&r)) {
                        a == b
                    } else if i {
                        matches!((upper(&l), upper(&r)), (Some(a), Some(b)) if a == b)
                    } else {
                        strict(&l, &r)
                    }
                }
                _ if i && *op != RelOp::Contains && *op != RelOp::DateStartsWith => {
                    matches!((upper(&l), upper(&r)), (Some(a), Some(b)) if cmp(a.cmp(&b)))
                }
                RelOp::Ne => !strict(&l, &r),
                RelOp::Lt | RelOp::Le | RelOp::Gt | RelOp::Ge => match (&l, &r) {
                    (J::V(Value::String(a)), J::V(Value::String(b))) => {
                        cmp(a.as_str().cmp(b.as_str()))
                    }
                    _ => match (to_number(&l), to_number(&r)) {
                        (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(cmp),
                        _ => false,
                    },
                },
                RelOp::Contains => {
                    let stringy = |v: &J| matches!(v, J::V(Value::String(_)));
                    !nullish(&l)
                        && !nullish(&r)
                        && (stringy(&l) || stringy(&r))
                        && match (
                            if i { upper(&l) } else { to_str(&l) },
                            if i { upper(&r) } else { to_str(&r) },
                        ) {
                            (Some(a), Some(b)) => a.contains(&b),
                            _ => false,
                        }
                }
                RelOp::DateStartsWith => {
                    let date = |v: &J| match v {
                        J::V(Value::String(s)) => js::normalize_date(s),
                        J::V(Value::Number(n)) => n
                            .as_f64()
                            .and_then(|n| js::normalize_date(&js::number_to_string(n))),
                        _ => None,
                    };
                    matches!((date(&l), date(&r)), (Some(a), Some(b)) if a.starts_with(&b))
                }
            }
        }
    }
}

fn oracle(df: &DataFrame, f: &Filter) -> Vec<i64> {
    let rows = serde_json::to_value(records(df).expect("records")).expect("json");
    rows.as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| {
            let row = r.as_object().expect("row");
            eval(row, f).then(|| row["id"].as_i64().expect("id"))
        })
        .collect()
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        3 => prop::sample::select(vec!["name", "n", "i", "s", "b", "d", "nope"]).prop_map(|c| Operand::Column(c.to_owned())),
        2 => prop::sample::select(vec!["5", "5.0", "", "apple", "APPLE", "2020", "2020-01", "true", "abc", "b", "0x5", " 5 ", "pp"]).prop_map(|t| Operand::Text(t.to_owned())),
        2 => prop::sample::select(vec![0.0, 1.5, 2.0, 5.0, -3.0, 15.0, 2020.0, 7.0]).prop_map(Operand::Number),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn polars_agrees_with_datatable_rules(f in strategies::filters(operand().boxed(), 3, 12)) {
        let df = frame();
        let text = f.to_string();
        let parsed = filter::parse(&text).expect("canonical text parses");
        prop_assert_eq!(parsed.filter.as_ref(), Some(&f));
        prop_assert_eq!(ids_of(&df, &text), oracle(&df, &f), "query: {}", text);
    }
}
