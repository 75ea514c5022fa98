"""Python twin of the dash-rs `store` example (Dash 4.4.1, Flask only).

What the Dash documentation recommends for server-side data, written the Python way:

* `load` keeps the generated frame in a flask-caching cache and puts only its key in the
  `dcc.Store` (dash-rs: a `Serverside` output, a signed key);
* `square` is memoized with flask-caching's `memoize` for 60 s (dash-rs:
  `#[callback(memoize = "60s")]`);
* `visits` counts page loads in Flask's signed session cookie (dash-rs: `Dash::sessions`).

Flask only: flask-caching and `flask.session` are Flask extensions, so `DASH_BACKEND=fastapi`
is refused. Run: `python store.py` (HOST/PORT env) or `gunicorn store:server`.
"""

import math
import os
import time
import uuid

import flask
from dash import Input, Output, dcc, html
from flask_caching import Cache

from _backend import backend_name, make_app, serve

if backend_name() != "flask":
    raise SystemExit("the store twin needs Flask (flask-caching, flask.session)")

ROWS = 1_000_000

app = make_app(__name__)
server = app.server
# Signs the session cookie; a twin for tests, so a key from the environment or a fresh one.
server.secret_key = os.environ.get("DASH_SECRET_KEY") or os.urandom(32)
# One process (Flask's threaded development server): an in-process cache is shared by every
# request. Under gunicorn with several workers use a shared backend (FileSystemCache, Redis).
cache = Cache(server, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600})

app.title = "Server-side data"
app.layout = html.Div(
    [
        dcc.Location(id="url"),
        html.H1("Server-side data"),
        html.Button("Load data", id="load"),
        dcc.Store(id="frame"),
        html.Div(id="stats"),
        dcc.Input(id="n", type="number", value=3),
        html.Div(id="square"),
        html.Div(id="session-visits"),
    ]
)


def generate(rows):
    """Columns `x` (0..rows) and `y` = sin(x / 1000)."""
    x = [float(i) for i in range(rows)]
    return {"x": x, "y": [math.sin(v / 1000.0) for v in x]}


def summary(frame):
    y = frame["y"]
    mean = sum(y) / len(y) if y else 0.0
    return f"rows: {len(y)}, mean y: {mean:.6f}"


def format_number(v):
    """Whole numbers without a fraction (`9`, not `9.0`), like the Rust example."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


@app.callback(
    Output("frame", "data"),
    Input("load", "n_clicks"),
    prevent_initial_call=True,
)
def load(_clicks):
    key = uuid.uuid4().hex
    cache.set(key, generate(ROWS))
    return key


@app.callback(Output("stats", "children"), Input("frame", "data"))
def stats(key):
    frame = cache.get(key) if key else None
    return summary(frame) if frame is not None else "no data loaded"


@app.callback(Output("square", "children"), Input("n", "value"))
@cache.memoize(timeout=60)
def square(n):
    time.sleep(1)
    n = 0.0 if n is None else n
    return f"square: {format_number(n * n)}"


@app.callback(Output("session-visits", "children"), Input("url", "pathname"))
def visits(_path):
    count = flask.session.get("visits", 0) + 1
    flask.session["visits"] = count
    return f"visits this session: {count}"


if __name__ == "__main__":
    serve(app)
