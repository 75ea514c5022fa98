"""The plain Python Dash 4.4.1 app of `dash-bench-store`: what an app does without
dash-extensions. Clicking `load` puts a 1,000,000-row frame (columns `x` = 0..n as floats
and `y` = sin(x / 1000), lists of floats, no pandas) into the `dcc.Store` `frame` as JSON;
clicking `go` sends it back as State and answers "rows: <n>, mean y: <6 decimals>".
Twin of the JSON half of the Rust app that `dash-bench-store serve` runs
(bench/src/bin/store.rs).

Run: `gunicorn store_plain:server`; `python store_plain.py` serves on HOST/PORT. The backend
glue is the conformance twins' `_backend.py` (conformance/python must be on PYTHONPATH).
"""

import math

from dash import Input, Output, State, dcc, html

from _backend import make_app, serve

ROWS = 1_000_000

app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        html.Button("Load data", id="load"),
        dcc.Store(id="frame"),
        html.Button("Stats", id="go"),
        html.Div(id="stats"),
    ]
)


def generate(rows):
    x = [float(i) for i in range(rows)]
    return {"x": x, "y": [math.sin(v / 1000) for v in x]}


def summary(frame):
    y = frame.get("y") or []
    mean = sum(y) / len(y) if y else 0.0
    return f"rows: {len(y)}, mean y: {mean:.6f}"


@app.callback(Output("frame", "data"), Input("load", "n_clicks"), prevent_initial_call=True)
def load(_clicks):
    return generate(ROWS)


@app.callback(
    Output("stats", "children"),
    Input("go", "n_clicks"),
    State("frame", "data"),
    prevent_initial_call=True,
)
def stats(_clicks, frame):
    if frame is None:
        return "no data loaded"
    return summary(frame)


if __name__ == "__main__":
    serve(app)
