//! `dash-bench-dataframe`: one page request of a DataFrame table over the explorer's
//! 1,000,000 rows, sorted by two columns and filtered by two clauses, against dash-rs's
//! DataFrame All-in-One (polars) and Python Dash 4.4.1 with the Dash docs' pandas recipe for
//! backend paging, sorting and filtering.
//!
//! The rows are `explorer::data::generate(explorer::data::GENERATED_ROWS)`, written once per
//! run to a CSV that both servers read: the dash-rs app of this binary (`serve`) with
//! `explorer::data::load` (what the explorer does with `EXPLORER_DATA=<csv>`) into
//! `DataFrameTable::new("sales", ..)` with the explorer's settings (20 rows a page, multi-column
//! sort), and `bench/python/dataframe_pandas.py` with `pandas.read_csv`. Before the load, both
//! answer the measured request and two others, and the answers must hold the same rows.
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-dataframe -- --write docs/benchmarks.md
//! ```

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dash_bench::dataframe::{self as table, PageAnswer, TableState};
use dash_bench::loadgen::{self, LoadSpec};
use dash_bench::report::millis;
use dash_bench::stats::{nearest_rank, Summary};
use dash_bench::{doc, probe, python};
use dash_dataframe::{DataFrameTable, SortMode};
use dash_e2e::app::{free_port, target_dir, workspace_root, RunningApp};
use dash_e2e::python::PythonServer;
use dash_runtime::prelude::*;
use hyper::{Method, StatusCode};
use polars::prelude::IntoLazy;

type Error = dash_bench::error::RunError;

const USAGE: &str = "\
usage: dash-bench-dataframe [options]

One _dash-update-component request of a DataFrame table over the explorer's rows: page 0 of
20, sorted by region (asc) then revenue (desc), filtered by `{units} > 50 && {price} < 20`,
under closed-loop keep-alive load, against dash-rs (the DataFrame All-in-One, polars) and
Python Dash 4.4.1 (the Dash docs' pandas recipe for backend paging, under gunicorn). Both
read the same CSV, written from explorer::data::generate; their answers are compared first.
127.0.0.1 only; prints a markdown table. The Python side runs in a venv of its own,
target/data-bench-venv (bench/python/requirements-data.txt), made on first use.

options:
  --connections LIST  comma-separated connection counts, one measurement each (default 1,8;
                      each 1 to 64)
  --duration SECS     measured seconds per measurement (default 10, 1 to 60)
  --warmup SECS       unmeasured seconds before each measurement (default 2, 0 to 30)
  --rows N            rows generated (default 1000000, 1000 to 5000000)
  --sequential N      requests of each query shape one at a time, after one unmeasured
                      (default 10, 1 to 100)
  --targets LIST      comma-separated subset of: rust,python (default both)
  --workers N         gunicorn workers (default 2, 1 to 8)
  --threads N         threads per gunicorn gthread worker (default 4, 1 to 64)
  --note TEXT         a line for the report (repeatable)
  --write FILE        also write the section to FILE (replacing an earlier one)
  -h, --help          this text

Subcommand used internally: `serve` (the dash-rs app; the CSV in DATAFRAME_BENCH_CSV).";

/// The section of the results file (`<!-- dash-bench-dataframe -->`).
const SECTION: &str = "dataframe";

/// The environment variable naming the CSV, for both apps.
const CSV_ENV: &str = "DATAFRAME_BENCH_CSV";

/// The Python app, in `bench/python`.
const PYTHON_APP: &str = "dataframe_pandas";

/// Timeout of one probe request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

fn usage(message: String) -> Error {
    Error::Usage {
        message,
        usage: USAGE,
    }
}

// ---------------------------------------------------------------------------------------
// The dash-rs app

/// The explorer's table over the CSV in `DATAFRAME_BENCH_CSV`, read as the explorer reads
/// `EXPLORER_DATA`.
fn serve_app() -> Result<(), Error> {
    let path = std::env::var_os(CSV_ENV).ok_or_else(|| Error::Start {
        target: "dash-rs".into(),
        message: format!("{CSV_ENV} is not set"),
    })?;
    let df = explorer::data::load(Path::new(&path)).map_err(|e| Error::Start {
        target: "dash-rs".into(),
        message: e.to_string(),
    })?;
    Dash::new()
        .title("DataFrame benchmark")
        .serve_locally(false)
        .layout(html::div(
            DataFrameTable::new(table::AIO_ID, df.lazy())
                .page_size(20)
                .sort_mode(SortMode::Multi),
        ))
        .run()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Rust,
    Python,
}

impl Target {
    fn parse(name: &str) -> Option<Target> {
        match name {
            "rust" => Some(Target::Rust),
            "python" => Some(Target::Python),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Target::Rust => "dash-rs, DataFrame All-in-One (polars)",
            Target::Python => "Python Dash 4.4.1, pandas recipe (gunicorn)",
        }
    }

    fn description(self, o: &Options) -> String {
        match self {
            Target::Rust => "the app of `bench/src/bin/dataframe.rs` (`dash-bench-dataframe \
                             serve`): `explorer::data::load(<csv>)` (what the explorer does with \
                             `EXPLORER_DATA=<csv>`) into `DataFrameTable::new(\"sales\", \
                             df.lazy()).page_size(20).sort_mode(SortMode::Multi)`, the \
                             explorer's table; its `refresh` callback runs the filter, sort and \
                             page as one polars lazy query (polars' thread pool: one thread a \
                             core)"
                .into(),
            Target::Python => format!(
                "`bench/python/dataframe_pandas.py`: the same ids and the same MATCH callback \
                 (5 outputs, 5 inputs); the frame read once with `pandas.read_csv(<csv>)`; the \
                 Dash docs' recipe \"Python-driven filtering, sorting and paging\" in our own \
                 code: the query split on ` && ` into `{{column}} op value` clauses, one pandas \
                 boolean mask per clause, `sort_values(columns, ascending=[..], \
                 na_position=\"last\", kind=\"stable\")` (pandas sorts by several columns \
                 stably anyway), `iloc` for the page, `to_dict(\"records\")`; under gunicorn \
                 ({} `gthread` workers × {} threads, `--preload`: the CSV is read once, before \
                 the workers fork), in \
                 `target/data-bench-venv` ({})",
                o.workers,
                o.threads,
                python::data_requirements().join(", ")
            ),
        }
    }
}

#[derive(Debug)]
struct Options {
    connections: Vec<usize>,
    duration: Duration,
    warmup: Duration,
    rows: usize,
    sequential: usize,
    targets: Vec<Target>,
    workers: usize,
    threads: usize,
    notes: Vec<String>,
    write: Option<String>,
}

fn number(name: &str, v: &str, min: usize, max: usize) -> Result<usize, Error> {
    match v.trim().parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(usage(format!("{name} takes a number from {min} to {max}"))),
    }
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        connections: vec![1, 8],
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(2),
        rows: explorer::data::GENERATED_ROWS,
        sequential: 10,
        targets: vec![Target::Rust, Target::Python],
        workers: 2,
        threads: 4,
        notes: Vec::new(),
        write: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--connections" => {
                let v = value(arg)?;
                o.connections = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| number(arg, s, 1, 64))
                    .collect::<Result<_, _>>()?;
                if o.connections.is_empty() {
                    return Err(usage("--connections is empty".into()));
                }
            }
            "--duration" => {
                o.duration = Duration::from_secs(number(arg, &value(arg)?, 1, 60)? as u64)
            }
            "--warmup" => o.warmup = Duration::from_secs(number(arg, &value(arg)?, 0, 30)? as u64),
            "--rows" => o.rows = number(arg, &value(arg)?, 1000, 5_000_000)?,
            "--sequential" => o.sequential = number(arg, &value(arg)?, 1, 100)?,
            "--workers" => o.workers = number(arg, &value(arg)?, 1, 8)?,
            "--threads" => o.threads = number(arg, &value(arg)?, 1, 64)?,
            "--targets" => {
                let v = value(arg)?;
                let mut targets = Vec::new();
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let t = Target::parse(name)
                        .ok_or_else(|| usage(format!("unknown target {name:?}")))?;
                    if !targets.contains(&t) {
                        targets.push(t);
                    }
                }
                if targets.is_empty() {
                    return Err(usage("--targets is empty".into()));
                }
                o.targets = targets;
            }
            "--note" => o.notes.push(value(arg)?),
            "--write" => o.write = Some(value(arg)?),
            other => return Err(usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Some(o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve_app(),
        _ => match parse(&args) {
            Ok(None) => {
                println!("{USAGE}");
                Ok(())
            }
            Ok(Some(options)) => benchmark(&options, &args),
            Err(e) => Err(e),
        },
    };
    dash_bench::error::exit_code("dash-bench-dataframe", result)
}

// ---------------------------------------------------------------------------------------
// Targets

fn start(target: Target, o: &Options, csv: &Path) -> Result<RunningApp, Error> {
    let failed = |message: String| Error::Start {
        target: target.label().to_owned(),
        message,
    };
    match target {
        Target::Rust => {
            let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
            let port = free_port().map_err(|e| failed(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.arg("serve")
                .current_dir(workspace_root())
                .env(CSV_ENV, csv)
                .env("RUST_LOG", "warn");
            RunningApp::start_command(cmd, port).map_err(|e| failed(e.to_string()))
        }
        Target::Python => {
            let venv = python::data_venv("dash-bench-dataframe").map_err(failed)?;
            let env: [(&str, OsString); 2] = [
                (CSV_ENV, csv.as_os_str().to_owned()),
                ("GUNICORN_CMD_ARGS", "--preload".into()),
            ];
            python::start_in(
                &venv,
                PYTHON_APP,
                PythonServer::Gunicorn {
                    workers: o.workers,
                    threads: o.threads,
                },
                &env,
            )
            .map_err(failed)
        }
    }
}

/// The request path (with dash-renderer's `?endId=` when the index page has one).
async fn update_path(addr: SocketAddr) -> Result<String, String> {
    let (_, index) = tokio::time::timeout(
        HTTP_TIMEOUT,
        loadgen::send_once(addr, Method::GET, "/", None),
    )
    .await
    .map_err(|_| "GET /: no answer".to_owned())?
    .map_err(|e| format!("GET /: {e}"))?;
    Ok(match probe::end_id(&String::from_utf8_lossy(&index)) {
        Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
        None => "/_dash-update-component".to_owned(),
    })
}

/// One request for `state`; its answer and how long it took.
async fn ask(
    addr: SocketAddr,
    path: &str,
    state: &TableState,
) -> Result<(PageAnswer, Duration), String> {
    let body = Bytes::from(table::request_body(state).to_string());
    let started = Instant::now();
    let (status, answer) = tokio::time::timeout(
        HTTP_TIMEOUT,
        loadgen::send_once(addr, Method::POST, path, Some(body)),
    )
    .await
    .map_err(|_| format!("POST {path}: no answer"))?
    .map_err(|e| format!("POST {path}: {e}"))?;
    let took = started.elapsed();
    if status != StatusCode::OK {
        return Err(format!(
            "POST {path}: {status} {}",
            String::from_utf8_lossy(&answer[..answer.len().min(400)])
        ));
    }
    let page = table::page_answer(&answer)?;
    if !page.message.is_empty() {
        return Err(format!("the table says: {}", page.message));
    }
    Ok((page, took))
}

/// The query shapes: each is answered by both targets (and the answers compared), then
/// timed one request at a time. The measured request first.
fn checked_states() -> Vec<(&'static str, TableState)> {
    vec![
        (
            "two-column sort + two-clause filter, page 0 (the measured request)",
            TableState::measured(),
        ),
        (
            "the same sort and filter, page 2000",
            TableState::measured().on_page(2000),
        ),
        (
            "the two-clause filter only, page 0",
            TableState::measured().without_sort(),
        ),
        (
            "the two-column sort only (all rows), page 0",
            TableState::measured().without_filter(),
        ),
        ("no sort, no filter, page 0", TableState::plain(20)),
    ]
}

/// What one target did.
struct Measured {
    target: Target,
    answers: Vec<PageAnswer>,
    first_call: Duration,
    /// Per shape of [`checked_states`]: the sequential requests' times.
    sequential: Vec<Vec<Duration>>,
    runs: Vec<(usize, Summary)>,
}

fn measure(target: Target, o: &Options, csv: &Path) -> Result<Measured, Error> {
    let wrong = |message: String| Error::Wrong {
        target: target.label().to_owned(),
        message,
    };
    eprintln!("dash-bench-dataframe: starting {}", target.label());
    let started = Instant::now();
    let app = start(target, o, csv)?;
    eprintln!(
        "dash-bench-dataframe: {} answers GET / after {:.1} s",
        target.label(),
        started.elapsed().as_secs_f64()
    );
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, app.port()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let (path, answers, first_call, sequential) = runtime
        .block_on(async {
            let path = update_path(addr).await?;
            let mut answers = Vec::new();
            let mut first_call = Duration::ZERO;
            let mut sequential = Vec::new();
            for (i, (what, state)) in checked_states().iter().enumerate() {
                let (page, took) = ask(addr, &path, state).await?;
                if i == 0 {
                    first_call = took;
                }
                let mut times = Vec::with_capacity(o.sequential);
                for _ in 0..o.sequential {
                    let (again, took) = ask(addr, &path, state).await?;
                    if again != page {
                        return Err(format!("{what}: a later answer differs from the first"));
                    }
                    times.push(took);
                }
                eprintln!(
                    "dash-bench-dataframe: {what}: p50 {}",
                    millis(median(&times))
                );
                answers.push(page);
                sequential.push(times);
            }
            Ok::<_, String>((path, answers, first_call, sequential))
        })
        .map_err(|m| wrong(format!("{m}\nserver output:\n{}", app.output())))?;
    drop(runtime);
    let body = Bytes::from(table::request_body(&TableState::measured()).to_string());
    let mut runs = Vec::new();
    for &connections in &o.connections {
        eprintln!(
            "dash-bench-dataframe: {connections} connections, {} s warm-up + {} s against {}",
            o.warmup.as_secs(),
            o.duration.as_secs(),
            target.label()
        );
        let summary = loadgen::run(&LoadSpec {
            addr,
            path_and_query: path.clone(),
            body: body.clone(),
            connections,
            warmup: o.warmup,
            duration: o.duration,
        })
        .map_err(|e| wrong(e.to_string()))?;
        eprintln!(
            "dash-bench-dataframe: {} requests ({:.1}/s), {} errors, p50 {}",
            summary.requests,
            summary.throughput(),
            summary.errors,
            millis(summary.p50)
        );
        runs.push((connections, summary));
    }
    drop(app);
    Ok(Measured {
        target,
        answers,
        first_call,
        sequential,
        runs,
    })
}

// ---------------------------------------------------------------------------------------
// Report

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    nearest_rank(&sorted, 50.0)
}

/// One request at a time: p50 and max per query shape and target.
fn shapes_table(measured: &[Measured]) -> String {
    let mut out = String::from("| query | rows after the filter |");
    let mut rule = String::from("|---|---:|");
    for m in measured {
        out.push_str(&format!(" {} p50 | max |", m.target.label()));
        rule.push_str("---:|---:|");
    }
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for (i, (what, _)) in checked_states().iter().enumerate() {
        let count = measured
            .first()
            .and_then(|m| m.answers.get(i))
            .map_or("–".to_owned(), |a| a.count.clone());
        out.push_str(&format!("| {what} | {count} |"));
        for m in measured {
            let times = m.sequential.get(i).map_or(&[][..], Vec::as_slice);
            out.push_str(&format!(
                " {} | {} |",
                millis(median(times)),
                millis(times.iter().max().copied().unwrap_or_default())
            ));
        }
        out.push('\n');
    }
    out
}

fn results_table(measured: &[Measured]) -> String {
    let mut out = String::from(
        "| target | connections | requests | errors | req/s | p50 | p99 |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for m in measured {
        for (connections, s) in &m.runs {
            out.push_str(&format!(
                "| {} | {connections} | {} | {} | {:.1} | {} | {} |\n",
                m.target.label(),
                s.requests,
                s.errors,
                s.throughput(),
                millis(s.p50),
                millis(s.p99),
            ));
        }
    }
    out
}

/// The lines of the report that say what both answered.
fn agreement(measured: &[Measured]) -> Vec<String> {
    let Some(first) = measured.first() else {
        return Vec::new();
    };
    let both = measured.len() > 1;
    let mut lines = Vec::new();
    for (i, (what, _)) in checked_states().iter().enumerate() {
        let Some(a) = first.answers.get(i) else {
            continue;
        };
        let page = match a.rows.first() {
            Some(first) => format!(
                "{} rows on the page, the first `{}`",
                a.rows.len(),
                table::row_line(first)
            ),
            None => "no row on the page".to_owned(),
        };
        lines.push(format!(
            "{what}: `{}`, page_count {}, {page}{}",
            a.count,
            a.page_count,
            if both {
                "; the same from both targets (every row, all six columns)"
            } else {
                ""
            }
        ));
    }
    lines
}

fn section(
    measured: &[Measured],
    o: &Options,
    command: &str,
    csv: (&Path, u64),
    conditions: &[String],
) -> String {
    let mut s = format!(
        "{}\n## DataFrame page request over 1M rows\n\n",
        doc::marker(SECTION)
    );
    s.push_str(
        "One `POST /_dash-update-component` of a DataFrame table: the request dash-renderer \
         sends after the user typed a filter into a table with a two-column sort, answered \
         with one page of 20 rows.\n\n",
    );
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    s.push_str(&format!(
        "- data: `explorer::data::generate({})` (the explorer's rows: date, region, product, \
         units, price, revenue), written once per run with polars' `CsvWriter` to `{}` ({:.1} \
         MB); both servers read that file\n",
        o.rows,
        csv.0
            .strip_prefix(workspace_root())
            .unwrap_or(csv.0)
            .display(),
        csv.1 as f64 / 1e6,
    ));
    s.push_str(
        "- request: the table callback's 5 outputs (`table.data`, `table.columns`, \
         `table.page_count`, `count.children`, `message.children`, MATCH ids) for \
         `page_current` 0, `page_size` 20, `sort_by` `[{\"column_id\":\"region\",\
         \"direction\":\"asc\"},{\"column_id\":\"revenue\",\"direction\":\"desc\"}]`, \
         `filter_query` `{units} > 50 && {price} < 20`, the source's `data`, triggered by \
         `filter_query` (so neither recomputes `columns`); every request filters and sorts \
         the whole frame anew (no caching on either side)\n",
    );
    s.push_str(&format!(
        "- load: keep-alive HTTP/1.1 connections, closed loop (each sends the next request \
         when the previous answer is complete), {} s warm-up then {} s measured per row; \
         latency from sending the request to the whole answer, p50/p99 nearest-rank over the \
         measured phase; 127.0.0.1 only\n",
        o.warmup.as_secs(),
        o.duration.as_secs(),
    ));
    s.push_str("- targets:\n");
    for m in measured {
        s.push_str(&format!(
            "  - **{}**: {} (first answer of the measured request after start-up: {})\n",
            m.target.label(),
            m.target.description(o),
            millis(m.first_call),
        ));
    }
    s.push_str("- same answers, checked before the load:\n");
    for line in agreement(measured) {
        s.push_str(&format!("  - {line}\n"));
    }
    s.push_str(&format!(
        "- machine: {} logical CPUs, shared by the load generator (one thread), the server \
         and whatever else ran (other engineers' builds and tests); runs on this shared \
         2-core machine move by more than the differences within a row\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    for c in conditions {
        s.push_str(&format!("- {c}\n"));
    }
    s.push('\n');
    s.push_str(&results_table(measured));
    s.push_str(&format!(
        "\n### Query shapes, one request at a time\n\nThe measured request and variants of \
         it, each sent {} times one after another (after the unmeasured request whose answer \
         was compared), on a new connection each; p50 (nearest rank) and max, from sending \
         the request to the whole answer. Every answer equals the first.\n\n",
        o.sequential
    ));
    s.push_str(&shapes_table(measured));
    s.push_str(
        "\nAbsolute numbers move between runs (the machine is shared and small); compare the \
         rows of one run.\n",
    );
    s
}

fn benchmark(o: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-dataframe"), args);
    let load_before = doc::load_average();
    let csv = target_dir()
        .map_err(|e| Error::Start {
            target: "the data".into(),
            message: e.to_string(),
        })?
        .join("dash-bench-data")
        .join(format!("explorer-sales-{}.csv", o.rows));
    let started = Instant::now();
    let df = explorer::data::generate(o.rows);
    table::write_csv(&df, &csv).map_err(|message| Error::Start {
        target: "the data".into(),
        message,
    })?;
    drop(df);
    let csv_bytes = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "dash-bench-dataframe: {} rows to {} ({:.1} MB) in {:.1} s",
        o.rows,
        csv.display(),
        csv_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let mut measured: Vec<Measured> = Vec::new();
    for &target in &o.targets {
        let m = measure(target, o, &csv)?;
        if let Some(first) = measured.first() {
            for (i, (what, _)) in checked_states().iter().enumerate() {
                if let (Some(a), Some(b)) = (first.answers.get(i), m.answers.get(i)) {
                    table::same_page(a, b).map_err(|message| Error::Wrong {
                        target: m.target.label().to_owned(),
                        message: format!(
                            "answered {what} differently from {}: {message}",
                            first.target.label()
                        ),
                    })?;
                }
            }
        }
        measured.push(m);
    }
    let results = results_table(&measured);
    println!("{results}\n{}", shapes_table(&measured));
    for line in agreement(&measured) {
        println!("- {line}");
    }
    if let Some(path) = &o.write {
        let mut conditions = Vec::new();
        if let (Some(before), Some(after)) = (load_before, doc::load_average()) {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after: {after}"
            ));
        }
        conditions.extend(o.notes.iter().cloned());
        let text = section(&measured, o, &command, (&csv, csv_bytes), &conditions);
        doc::write_section(path, SECTION, &text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        eprintln!("dash-bench-dataframe: wrote the DataFrame section of {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options() {
        let Ok(Some(o)) = parse(&args(&[])) else {
            panic!("defaults");
        };
        assert_eq!(o.connections, [1, 8]);
        assert_eq!(o.rows, 1_000_000);
        let Ok(Some(o)) = parse(&args(&["--connections", "4", "--targets", "python"])) else {
            panic!("valid arguments");
        };
        assert_eq!(o.connections, [4]);
        assert_eq!(o.targets, [Target::Python]);
        assert!(parse(&args(&["--connections", "0"])).is_err());
        assert!(parse(&args(&["--targets", "go"])).is_err());
        assert!(parse(&args(&["--duration", "600"])).is_err());
    }

    #[test]
    fn pinned_requirements() {
        let r = python::data_requirements();
        for name in ["dash==4.4.1", "pandas==", "numpy==", "plotly=="] {
            assert!(r.iter().any(|l| l.starts_with(name)), "{name} in {r:?}");
        }
        assert!(r.iter().all(|l| l.contains("==")));
    }
}
