"""Python twin of the dash-rs `live` example (Dash 4.4.1, FastAPI backend: only the FastAPI
and Quart backends speak websockets): a persistent no-input, no-output callback streaming
`set_props`, a websocket callback reading the page with `get_prop`, and a background
callback with progress on Dash's DiskcacheManager.

Run: `DASH_BACKEND=fastapi python live.py` (HOST/PORT env). See `_backend.py`.
"""

import asyncio
import os
import tempfile
import time

import diskcache
from dash import DiskcacheManager, Input, Output, callback_context, dcc, html, set_props

from _backend import make_app, serve

cache_dir = os.environ.get("DASH_DISKCACHE_DIR") or tempfile.mkdtemp(prefix="dash-rs-live-")
manager = DiskcacheManager(diskcache.Cache(cache_dir))

app = make_app(__name__, title="Live")
server = app.server

STEPS = 10

app.layout = html.Div(
    [
        html.H1("Live", id="title"),
        html.Div(id="ticker"),
        html.Div(
            [
                dcc.Input(id="name", value="Ada", type="text"),
                html.Button("Ask", id="ask"),
                html.Div(id="answer"),
            ]
        ),
        html.Div(
            [
                html.Button("Run", id="run"),
                html.Progress(id="bar", value="0", max=str(STEPS)),
                html.Div(id="result"),
            ]
        ),
    ]
)


@app.callback(websocket=True, persistent=True)
async def ticker():
    k = 1
    while True:
        set_props("ticker", {"children": f"tick {k}"})
        k += 1
        await asyncio.sleep(0.1)


@app.callback(
    Output("answer", "children"),
    Input("ask", "n_clicks"),
    websocket=True,
    prevent_initial_call=True,
)
async def ask(_clicks):
    name = await callback_context.websocket.get_prop("name", "value")
    return f"Asked {name or ''}"


@app.callback(
    Output("result", "children"),
    Input("run", "n_clicks"),
    background=True,
    manager=manager,
    websocket=True,
    progress=Output("bar", "value"),
    running=[(Output("run", "disabled"), True, False)],
    prevent_initial_call=True,
)
def run(set_progress, clicks):
    for step in range(1, STEPS + 1):
        time.sleep(0.1)
        set_progress(str(step))
    return f"Done {clicks or 0}"


if __name__ == "__main__":
    serve(app)
