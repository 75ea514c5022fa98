"""The app of `dash-bench-slow` (Dash 4.4.1): one synchronous callback that blocks for a
second, like a database call, and one cheap callback. Twin of the Rust app that
`dash-bench-slow serve` runs (bench/src/bin/slow.rs).

Run: `gunicorn slow:server`, or with `DASH_BACKEND=fastapi` under uvicorn
(`uvicorn slow:server`); `python slow.py` serves on HOST/PORT. The backend glue is the
conformance twins' `_backend.py` (conformance/python must be on PYTHONPATH).
"""

import time

from dash import Input, Output, dcc, html

from _backend import make_app, serve

app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        dcc.Input(id="slow-in"),
        html.Div(id="slow-out"),
        dcc.Input(id="cheap-in"),
        html.Div(id="cheap-out"),
    ]
)


@app.callback(
    Output("slow-out", "children"),
    Input("slow-in", "value"),
    prevent_initial_call=True,
)
def slow_query(value):
    time.sleep(1)  # blocking work, like a database call
    return f"slow {value or ''}"


@app.callback(Output("cheap-out", "children"), Input("cheap-in", "value"))
def cheap(value):
    return f"cheap {value or ''}"


if __name__ == "__main__":
    serve(app)
