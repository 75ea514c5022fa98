"""dash-extensions 2.0.6 side of `dash-bench-store` (bench/src/bin/store.rs), on Dash 4.4.1.

Two uses, from the venv that `dash-bench-store` makes for it (dash-extensions is not in the
conformance venv):

* the app, `gunicorn store_extensions:server`: `ServersideOutputTransform` with a
  `FileSystemBackend` in `$STORE_BENCH_FS_DIR`. Clicking `load` returns a 1,000,000-row frame
  (columns `x` = 0..n as floats and `y` = sin(x / 1000), lists of floats) wrapped in
  `Serverside`, so the `dcc.Store` `frame` receives a reference to it; clicking `go` sends that
  reference back as State, the transform loads the frame from the backend and the callback
  answers "rows: <n>, mean y: <6 decimals>". Same callbacks as bench/python/store_plain.py.
* `python store_extensions.py latency DIR SIZE:RUNS [SIZE:RUNS ...]`: times the backend's
  `set` and `get` (the calls the transform makes) for values of SIZE random bytes, RUNS times
  each with a fresh key, and prints one JSON line per size:
  `{"size": SIZE, "set_us": [...], "get_us": [...]}`. The files are deleted afterwards.
"""

import json
import math
import os
import sys
import time
import uuid

from dash import Input, Output, State, dcc, html
from dash_extensions.enrich import (
    DashProxy,
    FileSystemBackend,
    Serverside,
    ServersideOutputTransform,
)

ROWS = 1_000_000


def generate(rows):
    x = [float(i) for i in range(rows)]
    return {"x": x, "y": [math.sin(v / 1000) for v in x]}


def summary(frame):
    y = frame.get("y") or []
    mean = sum(y) / len(y) if y else 0.0
    return f"rows: {len(y)}, mean y: {mean:.6f}"


def make_app(cache_dir):
    backend = FileSystemBackend(cache_dir=cache_dir)
    app = DashProxy(__name__, transforms=[ServersideOutputTransform(backends=[backend])])
    app.layout = html.Div(
        [
            html.Button("Load data", id="load"),
            dcc.Store(id="frame"),
            html.Button("Stats", id="go"),
            html.Div(id="stats"),
        ]
    )

    @app.callback(Output("frame", "data"), Input("load", "n_clicks"), prevent_initial_call=True)
    def load(_clicks):
        return Serverside(generate(ROWS))

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

    return app


def latency(cache_dir, specs):
    backend = FileSystemBackend(cache_dir=cache_dir)
    for spec in specs:
        size, runs = (int(part) for part in spec.split(":"))
        set_us, get_us = [], []
        for _ in range(runs):
            value = os.urandom(size)
            key = str(uuid.uuid4())
            started = time.perf_counter()
            backend.set(key, value)
            set_us.append(round((time.perf_counter() - started) * 1e6))
            started = time.perf_counter()
            back = backend.get(key, ignore_expired=True)
            get_us.append(round((time.perf_counter() - started) * 1e6))
            if back != value:
                raise SystemExit(f"value of {size} bytes did not round-trip")
            backend.delete(key)
        print(json.dumps({"size": size, "set_us": set_us, "get_us": get_us}), flush=True)


if len(sys.argv) > 1 and sys.argv[1] == "latency":
    if len(sys.argv) < 4:
        raise SystemExit("usage: store_extensions.py latency DIR SIZE:RUNS [SIZE:RUNS ...]")
    latency(sys.argv[2], sys.argv[3:])
else:
    app = make_app(os.environ.get("STORE_BENCH_FS_DIR", "file_system_backend"))
    server = app.server

    if __name__ == "__main__":
        app.run(
            host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "8050")),
            debug=False,
        )
