//! `dash-bench-figure`: a callback answering a `dcc.Graph`'s `figure` with a
//! 1,000,000-point scattergl (x = 0..n, y = sin(x / 1000)): the bytes of the HTTP answer and
//! the time from request to whole answer, for dash-rs's `Figure` with typed arrays (the
//! default), dash-rs with `Figure::plain_json()`, dash-rs with `TypedArray`s put into the
//! trace directly, and Python Dash 4.4.1 with plotly.py + numpy
//! (`bench/python/figure_numpy.py`). Every answer is decoded and checked: 1,000,000 points,
//! x = 0..n, y = sin(x / 1000).
//!
//! ```text
//! cargo run --release -p dash-bench --bin dash-bench-figure -- --write docs/benchmarks.md
//! ```

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dash_bench::stats::nearest_rank;
use dash_bench::{doc, loadgen, probe, python};
use dash_e2e::app::{free_port, workspace_root, RunningApp};
use dash_e2e::python::PythonServer;
use dash_runtime::figure::{Figure, TypedArray};
use dash_runtime::prelude::*;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};

type Error = dash_bench::error::RunError;

/// Points of the scatter.
const POINTS: usize = 1_000_000;

const USAGE: &str = "\
usage: dash-bench-figure [options]

A callback answering dcc.Graph.figure with a 1,000,000-point scattergl (x = 0..n,
y = sin(x / 1000)): bytes of the HTTP answer (no compression) and time from request to whole
answer, one request at a time, for dash-rs Figure (typed arrays, the default), dash-rs
Figure::plain_json(), dash-rs with TypedArray in the trace, and Python Dash 4.4.1 with
plotly.py + numpy under gunicorn. 127.0.0.1 only; prints a markdown table. The Python side
runs in a venv of its own, target/data-bench-venv (bench/python/requirements-data.txt),
made on first use.

options:
  --rounds N        measured requests per target, after one unmeasured (default 10, 1-50)
  --targets LIST    comma-separated subset of: typed,direct,plain,python (default all)
  --workers N       gunicorn workers (default 2, 1-8)
  --threads N       threads per gunicorn gthread worker (default 4, 1-64)
  --note TEXT       a line for the report (repeatable)
  --write FILE      also write the section to FILE (replacing an earlier one)
  -h, --help        this text

Subcommand used internally: `serve` (the dash-rs app).";

/// The section of the results file (`<!-- dash-bench-figure -->`).
const SECTION: &str = "figure";

/// Timeout of one request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(120);

fn usage(message: String) -> Error {
    Error::Usage {
        message,
        usage: USAGE,
    }
}

// ---------------------------------------------------------------------------------------
// The dash-rs app

fn xs(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}

fn ys(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 / 1000.0).sin()).collect()
}

/// The trace as an app writes it: the numbers as JSON arrays in the trace.
fn scatter(n: usize) -> Value {
    json!({"type": "scattergl", "mode": "markers", "x": xs(n), "y": ys(n)})
}

/// The default `Figure` of `n` points.
fn typed_figure(n: usize) -> Figure {
    Figure::new().trace(scatter(n))
}

/// The same, every array as JSON numbers.
fn plain_figure(n: usize) -> Figure {
    Figure::new().trace(scatter(n)).plain_json()
}

/// `TypedArray`s in the trace.
fn direct_figure(n: usize) -> Figure {
    Figure::new().trace(json!({
        "type": "scattergl",
        "mode": "markers",
        "x": TypedArray::from(xs(n)),
        "y": TypedArray::from(ys(n)),
    }))
}

/// The default `Figure`: arrays of 64 or more numbers go out as typed arrays.
#[callback(
    output = Output("graph", "figure"),
    inputs = [Input("draw", "n_clicks")],
    prevent_initial_call = true,
)]
fn draw(_clicks: Option<u64>) -> Figure {
    typed_figure(POINTS)
}

/// The same figure with every array as JSON numbers.
#[callback(
    output = Output("graph-plain", "figure"),
    inputs = [Input("draw-plain", "n_clicks")],
    prevent_initial_call = true,
)]
fn draw_plain(_clicks: Option<u64>) -> Figure {
    plain_figure(POINTS)
}

/// `TypedArray`s built from the vectors and put into the trace: no JSON array in between.
#[callback(
    output = Output("graph-direct", "figure"),
    inputs = [Input("draw-direct", "n_clicks")],
    prevent_initial_call = true,
)]
fn draw_direct(_clicks: Option<u64>) -> Figure {
    direct_figure(POINTS)
}

fn serve_app() -> Result<(), Error> {
    Dash::new()
        .title("Figure benchmark")
        .serve_locally(false)
        .layout(html::div((
            html::button("Draw").id("draw"),
            dcc::Graph::new().id("graph"),
            html::button("Draw (plain JSON)").id("draw-plain"),
            dcc::Graph::new().id("graph-plain"),
            html::button("Draw (TypedArray)").id("draw-direct"),
            dcc::Graph::new().id("graph-direct"),
        )))
        .run()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Options

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Typed,
    Direct,
    Plain,
    Python,
}

impl Target {
    const ALL: [Target; 4] = [Target::Typed, Target::Plain, Target::Direct, Target::Python];

    fn parse(name: &str) -> Option<Target> {
        match name {
            "typed" => Some(Target::Typed),
            "direct" => Some(Target::Direct),
            "plain" => Some(Target::Plain),
            "python" => Some(Target::Python),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Target::Typed => "dash-rs, `Figure` (typed arrays, the default)",
            Target::Plain => "dash-rs, `Figure::plain_json()`",
            Target::Direct => "dash-rs, `TypedArray` put into the trace",
            Target::Python => "Python Dash 4.4.1, plotly.py + numpy (gunicorn)",
        }
    }

    /// The graph and button ids.
    fn ids(self) -> (&'static str, &'static str) {
        match self {
            Target::Typed | Target::Python => ("graph", "draw"),
            Target::Plain => ("graph-plain", "draw-plain"),
            Target::Direct => ("graph-direct", "draw-direct"),
        }
    }

    fn description(self, o: &Options) -> String {
        match self {
            Target::Typed => "the app of `bench/src/bin/figure.rs` (`dash-bench-figure serve`): \
                              `Figure::new().trace(json!({\"type\": \"scattergl\", \"mode\": \
                              \"markers\", \"x\": xs, \"y\": ys}))` with `xs: Vec<u32>` (0..n) \
                              and `ys: Vec<f64>`, built anew for every request; the arrays \
                              become JSON values in the trace and typed arrays when the answer \
                              is written"
                .into(),
            Target::Plain => "the same app and trace with `.plain_json()`: JSON numbers".into(),
            Target::Direct => "the same app: `\"x\": TypedArray::from(xs), \"y\": \
                               TypedArray::from(ys)` in the trace, so no JSON array of a \
                               million values is built"
                .into(),
            Target::Python => format!(
                "`bench/python/figure_numpy.py`: `x = np.arange(n)`, `go.Figure(go.Scattergl(x=x, \
                 y=np.sin(x / 1000), mode=\"markers\"))` built anew for every request, \
                 serialised by Dash (plotly.py's `to_json_plotly`); under gunicorn ({} \
                 `gthread` workers × {} threads), in `target/data-bench-venv` ({})",
                o.workers,
                o.threads,
                python::data_requirements().join(", ")
            ),
        }
    }
}

#[derive(Debug)]
struct Options {
    rounds: usize,
    targets: Vec<Target>,
    workers: usize,
    threads: usize,
    notes: Vec<String>,
    write: Option<String>,
}

fn parse(args: &[String]) -> Result<Option<Options>, Error> {
    let mut o = Options {
        rounds: 10,
        targets: Target::ALL.to_vec(),
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
        let number = |name: &str, v: String, min: usize, max: usize| -> Result<usize, Error> {
            match v.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(usage(format!("{name} takes a number from {min} to {max}"))),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--rounds" => o.rounds = number(arg, value(arg)?, 1, 50)?,
            "--workers" => o.workers = number(arg, value(arg)?, 1, 8)?,
            "--threads" => o.threads = number(arg, value(arg)?, 1, 64)?,
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
    dash_bench::error::exit_code("dash-bench-figure", result)
}

// ---------------------------------------------------------------------------------------
// Targets

fn start(target: Target, o: &Options) -> Result<RunningApp, Error> {
    let failed = |message: String| Error::Start {
        target: target.label().to_owned(),
        message,
    };
    match target {
        Target::Python => {
            let venv = python::data_venv("dash-bench-figure").map_err(failed)?;
            let env: [(&str, OsString); 0] = [];
            python::start_in(
                &venv,
                "figure_numpy",
                PythonServer::Gunicorn {
                    workers: o.workers,
                    threads: o.threads,
                },
                &env,
            )
            .map_err(failed)
        }
        _ => {
            let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
            let port = free_port().map_err(|e| failed(e.to_string()))?;
            let mut cmd = Command::new(exe);
            cmd.arg("serve")
                .current_dir(workspace_root())
                .env("RUST_LOG", "warn");
            RunningApp::start_command(cmd, port).map_err(|e| failed(e.to_string()))
        }
    }
}

/// The body dash-renderer sends for a click on `button` whose callback fills `graph.figure`.
fn request_body(graph: &str, button: &str, clicks: usize) -> Bytes {
    Bytes::from(
        json!({
            "output": format!("{graph}.figure"),
            "outputs": {"id": graph, "property": "figure"},
            "inputs": [{"id": button, "property": "n_clicks", "value": clicks}],
            "changedPropIds": [format!("{button}.n_clicks")],
            "parsedChangedPropsIds": [format!("{button}.n_clicks")],
        })
        .to_string(),
    )
}

/// How an array travelled: `typed array u4 (1,333,336 B of base64)` or `JSON numbers`.
fn wire_form(array: &Value) -> String {
    match (
        array.get("dtype").and_then(Value::as_str),
        array.get("bdata").and_then(Value::as_str),
    ) {
        (Some(dtype), Some(bdata)) => {
            format!("typed array `{dtype}`, {} of base64", bytes(bdata.len()))
        }
        _ if array.is_array() => "JSON numbers".to_owned(),
        _ => format!("{}…", &array.to_string()[..40.min(array.to_string().len())]),
    }
}

/// Check the answer holds the scatter of `n` points; how x and y travelled.
fn check(body: &[u8], graph: &str, n: usize) -> Result<(String, String), String> {
    let shown = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    let mut answer: Value =
        serde_json::from_slice(body).map_err(|e| format!("{e}: {}", shown()))?;
    let figure = answer
        .get_mut("response")
        .and_then(|r| r.get_mut(graph))
        .and_then(|g| g.get_mut("figure"))
        .map(Value::take)
        .ok_or_else(shown)?;
    let trace = figure
        .get("data")
        .and_then(|d| d.get(0))
        .ok_or_else(shown)?;
    let forms = (
        wire_form(trace.get("x").unwrap_or(&Value::Null)),
        wire_form(trace.get("y").unwrap_or(&Value::Null)),
    );
    if trace.get("type").and_then(Value::as_str) != Some("scattergl") {
        return Err(format!(
            "not a scattergl: {}",
            trace.get("type").unwrap_or(&Value::Null)
        ));
    }
    let figure: Figure = serde_json::from_value(figure).map_err(|e| e.to_string())?;
    let x = figure.numbers(0, "x").ok_or("no numbers in x")?;
    let y = figure.numbers(0, "y").ok_or("no numbers in y")?;
    if x.len() != n || y.len() != n {
        return Err(format!("{} x and {} y values, not {n}", x.len(), y.len()));
    }
    for i in [0, 1, 999, 1000, 123_456, n.saturating_sub(1)]
        .into_iter()
        .filter(|&i| i < n)
    {
        let want = (i as f64 / 1000.0).sin();
        if x[i] != i as f64 || (y[i] - want).abs() > 1e-12 {
            return Err(format!(
                "point {i}: ({}, {}), not ({i}, {want})",
                x[i], y[i]
            ));
        }
    }
    Ok(forms)
}

/// What one target did.
struct Measured {
    target: Target,
    bytes: usize,
    /// `\u002f` escapes in the answer (a `/` of base64 written as 6 bytes).
    escapes: usize,
    times: Vec<Duration>,
    forms: (String, String),
}

fn measure(target: Target, o: &Options) -> Result<Measured, Error> {
    let wrong = |message: String| Error::Wrong {
        target: target.label().to_owned(),
        message,
    };
    eprintln!("dash-bench-figure: starting {}", target.label());
    let app = start(target, o)?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, app.port()));
    let (graph, button) = target.ids();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let result = runtime.block_on(async {
        let (_, index) = loadgen::send_once(addr, Method::GET, "/", None)
            .await
            .map_err(|e| format!("GET /: {e}"))?;
        let path = match probe::end_id(&String::from_utf8_lossy(&index)) {
            Some(end_id) => format!("/_dash-update-component?endId={end_id}"),
            None => "/_dash-update-component".to_owned(),
        };
        let mut times = Vec::new();
        let mut size = 0;
        let mut escapes = 0;
        let mut forms = (String::new(), String::new());
        for round in 0..=o.rounds {
            let body = request_body(graph, button, round + 1);
            let started = Instant::now();
            let (status, answer) = tokio::time::timeout(
                HTTP_TIMEOUT,
                loadgen::send_once(addr, Method::POST, &path, Some(body)),
            )
            .await
            .map_err(|_| format!("no answer within {} s", HTTP_TIMEOUT.as_secs()))?
            .map_err(|e| e.to_string())?;
            let took = started.elapsed();
            if status != StatusCode::OK {
                return Err(format!(
                    "{status} {}",
                    String::from_utf8_lossy(&answer[..answer.len().min(300)])
                ));
            }
            // Every answer is checked, after the clock stopped.
            forms = check(&answer, graph, POINTS)?;
            size = size.max(answer.len());
            escapes = answer.windows(6).filter(|w| *w == b"\\u002f").count();
            if round > 0 {
                times.push(took);
            }
        }
        Ok::<_, String>((size, escapes, times, forms))
    });
    let (size, escapes, times, forms) =
        result.map_err(|m| wrong(format!("{m}\nserver output:\n{}", app.output())))?;
    eprintln!(
        "dash-bench-figure: {}: {}, p50 {}",
        target.label(),
        bytes(size),
        short(median(&times))
    );
    drop(app);
    Ok(Measured {
        target,
        bytes: size,
        escapes,
        times,
        forms,
    })
}

// ---------------------------------------------------------------------------------------
// Report

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    nearest_rank(&sorted, 50.0)
}

/// `0.42 ms`, `12.3 ms`, `2.80 s`.
fn short(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else if m < 1000.0 {
        format!("{m:.1} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// `137 B`, `5.3 MB` (decimal units).
fn bytes(n: usize) -> String {
    if n < 10_000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

fn results_table(measured: &[Measured]) -> String {
    let typed = measured
        .iter()
        .find(|m| m.target == Target::Typed)
        .map(|m| m.bytes);
    let mut out = String::from(
        "| target | HTTP answer | vs dash-rs typed | x on the wire | y on the wire | `/` sent as \
         `\\u002f` | time p50 | time max | requests |\n|---|---:|---:|---|---|---:|---:|---:|---:|\n",
    );
    for m in measured {
        out.push_str(&format!(
            "| {} | {} ({} bytes) | {} | {} | {} | {} | {} | {} | {} |\n",
            m.target.label(),
            bytes(m.bytes),
            m.bytes,
            typed.map_or("–".to_owned(), |t| format!(
                "{:.2}×",
                m.bytes as f64 / t as f64
            )),
            m.forms.0,
            m.forms.1,
            m.escapes,
            short(median(&m.times)),
            short(m.times.iter().max().copied().unwrap_or_default()),
            m.times.len(),
        ));
    }
    out
}

fn section(measured: &[Measured], o: &Options, command: &str, conditions: &[String]) -> String {
    let mut s = format!("{}\n## 1M-point scatter answer\n\n", doc::marker(SECTION));
    s.push_str(
        "A callback answering a `dcc.Graph`'s `figure` with a 1,000,000-point scattergl \
         (x = 0..n, y = sin(x / 1000)): how big the answer is and how long it takes.\n\n",
    );
    s.push_str(&format!(
        "- date (UTC): {}\n- command: `{command}`\n",
        doc::utc_now()
    ));
    s.push_str(&format!(
        "- request: a click (`POST /_dash-update-component`, the body dash-renderer sends: \
         `n_clicks` of the button → `figure` of the graph); one unmeasured request, then {} \
         measured, one after another, each on a new connection; the figure is built anew for \
         every request; 127.0.0.1 only\n",
        o.rounds
    ));
    s.push_str(
        "- HTTP answer: the body's bytes, without compression (the client sends no \
         `Accept-Encoding`); time: from sending the request to the whole answer received, \
         p50 nearest-rank and max; every answer is then decoded (typed arrays too) and \
         checked: 1,000,000 points, x = 0..n, y = sin(x / 1000)\n",
    );
    s.push_str(
        "- `/` sent as `\\u002f`: how often the answer writes a `/` as the 6-byte escape \
         `\\u002f`; plotly.py's `to_json_plotly` (which Dash uses for every answer) replaces \
         `<`, `>` and `/` so that the JSON is safe inside HTML, and base64 is 1/64 slashes. \
         The base64 sizes in the x and y columns are of the decoded strings\n",
    );
    s.push_str("- targets:\n");
    for m in measured {
        s.push_str(&format!(
            "  - **{}**: {}\n",
            m.target.label(),
            m.target.description(o)
        ));
    }
    s.push_str(&format!(
        "- machine: {} logical CPUs, shared by the client (one thread), the server and \
         whatever else ran (other engineers' builds and tests)\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    for c in conditions {
        s.push_str(&format!("- {c}\n"));
    }
    s.push('\n');
    s.push_str(&results_table(measured));
    s.push_str(
        "\nAbsolute numbers move between runs (the machine is shared and small); compare the \
         rows of one run.\n",
    );
    s
}

fn benchmark(o: &Options, args: &[String]) -> Result<(), Error> {
    let command = doc::command(Some("dash-bench-figure"), args);
    let load_before = doc::load_average();
    let mut measured = Vec::new();
    for &target in &o.targets {
        measured.push(measure(target, o)?);
    }
    println!("{}", results_table(&measured));
    if let Some(path) = &o.write {
        let mut conditions = Vec::new();
        if let (Some(before), Some(after)) = (load_before, doc::load_average()) {
            conditions.push(format!(
                "load average (1/5/15 min) before the run: {before}; after: {after}"
            ));
        }
        conditions.extend(o.notes.iter().cloned());
        doc::write_section(path, SECTION, &section(&measured, o, &command, &conditions)).map_err(
            |source| Error::Write {
                path: path.clone(),
                source,
            },
        )?;
        eprintln!("dash-bench-figure: wrote the figure section of {path}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_options() {
        let body: Value = serde_json::from_slice(&request_body("graph", "draw", 2)).expect("JSON");
        assert_eq!(body["output"], "graph.figure");
        assert_eq!(body["inputs"][0]["value"], 2);
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Ok(Some(o)) = parse(&args(&["--targets", "plain,python", "--rounds", "3"])) else {
            panic!("valid arguments");
        };
        assert_eq!(o.targets, [Target::Plain, Target::Python]);
        assert_eq!(o.rounds, 3);
        assert!(parse(&args(&["--targets", "svg"])).is_err());
    }

    #[test]
    fn the_callbacks_answer_the_scatter() {
        let answer = |figure: Figure| {
            json!({"multi": true, "response": {"graph": {"figure": figure}}})
                .to_string()
                .into_bytes()
        };
        let (x, y) = check(&answer(typed_figure(2000)), "graph", 2000).expect("typed");
        assert!(x.starts_with("typed array `u2`"), "{x}");
        assert!(y.starts_with("typed array `f8`"), "{y}");
        let (x, _) = check(&answer(plain_figure(2000)), "graph", 2000).expect("plain");
        assert_eq!(x, "JSON numbers");
        assert!(check(&answer(direct_figure(2000)), "graph", 2000).is_ok());
        assert!(check(&answer(direct_figure(2000)), "graph", 3000).is_err());
        let one = answer(Figure::new().trace(json!({"type": "scattergl", "x": [1]})));
        assert!(check(&one, "graph", 2000).is_err());
    }
}
