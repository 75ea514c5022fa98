"""The Python twin of `dash-bench-realtime`: Dash 4.4.1 on the FastAPI backend (the only
backend here that speaks websockets), served by uvicorn in this one process.

- `greet`: the `hello` greeting (`name.value` -> `greeting.children`) with `websocket=True`,
  so it answers over `_dash-ws-callback` as well as over `POST /_dash-update-component`;
- `echo`: a trivial background callback (it returns its input) on DiskcacheManager. Dash's
  renderer always polls background callbacks over HTTP, whatever `websocket` says; the flag
  is set only so that the benchmark can show what the server answers when one is sent over
  the websocket anyway.

Run: `python realtime.py` (HOST/PORT env, default 127.0.0.1:8050; BENCH_DISKCACHE_DIR for the
job cache, default a new temporary directory).
"""

import os
import tempfile

import dash
import diskcache
import uvicorn
from dash import DiskcacheManager, Input, Output, dcc, html

# The benchmark passes a directory it removes afterwards.
cache_dir = os.environ.get("BENCH_DISKCACHE_DIR") or tempfile.mkdtemp(
    prefix="dash-bench-realtime-"
)
manager = DiskcacheManager(diskcache.Cache(cache_dir))

app = dash.Dash(__name__, backend="fastapi")
server = app.server

app.layout = html.Div(
    [
        dcc.Input(id="name", value="world", type="text"),
        html.Div(id="greeting"),
        dcc.Input(id="in"),
        html.Div(id="out"),
    ]
)


@app.callback(Output("greeting", "children"), Input("name", "value"), websocket=True)
def greet(name):
    return f"Hello, {name if name else 'stranger'}!"


@app.callback(
    Output("out", "children"),
    Input("in", "value"),
    background=True,
    manager=manager,
    interval=100,
    websocket=True,
    prevent_initial_call=True,
)
def echo(value):
    return value


if __name__ == "__main__":
    # Dash's own `run` re-launches uvicorn by module path; serving the ASGI app directly
    # keeps one process that the benchmark can stop.
    uvicorn.run(
        app.server,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        log_level="warning",
    )
