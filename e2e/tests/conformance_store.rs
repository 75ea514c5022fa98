//! Conformance: the `store` example against its Python Dash 4.4.1 twin
//! (`conformance/python/store.py`), where `square` is memoized with flask-caching's
//! `memoize` and dash-rs memoizes it with `#[callback(memoize = "60s")]`.
//!
//! Compared: `_dash-config`, `_dash-layout`, `_dash-dependencies`, and the answers of both
//! servers to `square` for several values, each sent twice: the first answer is computed
//! (dash-rs's metrics show a memo miss), the second comes from the memo (a hit), and all of
//! them must equal Python's, so a memoized answer equals the unmemoized one. `stats` without
//! data and `visits` on a first visit are compared too. `load` is not: Python's answer is a
//! random cache key and dash-rs's a signed store key, equal in role but not in value.
//!
//! The twin runs on Flask whatever `DASH_CONFORMANCE_BACKEND` says: flask-caching and
//! `flask.session` are Flask extensions.
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_store --no-capture`.

use std::time::{SystemTime, UNIX_EPOCH};

use dash_e2e::conformance_support::{arg, Case, Pair, Report};
use dash_e2e::python::PythonServer;
use serde_json::{json, Value};

const SQUARE: &str = "square.children";
const METRICS: &str = "/_dash-metrics";

/// The sum of the samples of `family` whose labels name the callback `square`.
fn square_counter(pair: &Pair, family: &str) -> f64 {
    let text = pair.rust.get(METRICS).text();
    text.lines()
        .filter(|line| line.starts_with(&format!("{family}{{")))
        .filter(|line| line.contains(r#"kind="callback""#) && line.contains("square"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn square_case(name: String, n: Value) -> Case {
    Case::new(name, SQUARE)
        .inputs([arg(n)])
        .changed(["n.value"])
}

#[test]
fn conformance_store_memoized_answers_equal_unmemoized_ones() {
    let pair = Pair::start_on(
        "store",
        PythonServer::FlaskDev,
        &[("DASH_METRICS_PATH", METRICS)],
    );
    let mut report = Report::new(format!(
        "store (memoize): Rust vs {} with flask-caching",
        pair.python_label
    ));
    let deps = pair.layout_and_dependencies(&mut report, &[]);

    // The store keeps memo entries for 60 s across restarts of the example: values from the
    // clock make this run's first requests new keys, so they are computed.
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 100_000) as i64;
    let values = [
        ("whole number", json!(1_000 + seed)),
        ("fraction", json!(seed as f64 + 0.5)),
        ("negative", json!(-7 - seed)),
    ];
    for (what, n) in values {
        let (hits, misses) = (
            square_counter(&pair, "dash_memo_hits_total"),
            square_counter(&pair, "dash_memo_misses_total"),
        );
        pair.run_cases(
            &deps,
            &[square_case(
                format!("square, {what} ({n}), computed"),
                n.clone(),
            )],
            &mut report,
        );
        let after_first = square_counter(&pair, "dash_memo_misses_total");
        assert_eq!(
            after_first - misses,
            1.0,
            "the first request for n = {n} must be computed (one memo miss)"
        );
        pair.run_cases(
            &deps,
            &[square_case(
                format!("square, {what} ({n}), memoized"),
                n.clone(),
            )],
            &mut report,
        );
        let after_second = square_counter(&pair, "dash_memo_hits_total");
        assert_eq!(
            after_second - hits,
            1.0,
            "the second request for n = {n} must be answered from the memo (one hit)"
        );
    }

    // `n` cleared: both compute square(None) once and answer the memo the second time.
    let hits = square_counter(&pair, "dash_memo_hits_total");
    for round in ["first", "second"] {
        pair.run_cases(
            &deps,
            &[square_case(format!("square, n null, {round}"), Value::Null)],
            &mut report,
        );
    }
    assert!(
        square_counter(&pair, "dash_memo_hits_total") > hits,
        "the second request with n null must be a memo hit"
    );

    let other = [
        Case::new("stats, no data loaded", "stats.children")
            .inputs([arg(Value::Null)])
            .changed(Vec::<String>::new()),
        Case::new(
            "visits, a first visit (no cookie)",
            "session-visits.children",
        )
        .inputs([arg(json!("/"))])
        .changed(Vec::<String>::new()),
    ];
    pair.run_cases(&deps, &other, &mut report);
    report.notes.push(
        "each square case waits 1 s when computed (both servers) and answers at once from \
         the memo; dash-rs's dash_memo_misses_total / dash_memo_hits_total confirmed which"
            .to_owned(),
    );
    report.finish();
}
