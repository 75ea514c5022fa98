"""Python twin of the dash-rs `progress` example (Dash 4.4.1): a background callback with a
progress bar, a disabled button while it runs and a cancel button, on Dash's
DiskcacheManager.

Run: `python progress.py` (HOST/PORT env). The diskcache lives in `DASH_DISKCACHE_DIR`, or in a
fresh temporary directory. See `_backend.py`.
"""

import os
import tempfile
import time

import diskcache
from dash import DiskcacheManager, Input, Output, html

from _backend import make_app, serve

cache_dir = os.environ.get("DASH_DISKCACHE_DIR") or tempfile.mkdtemp(prefix="dash-rs-progress-")
manager = DiskcacheManager(diskcache.Cache(cache_dir))

app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        html.Div(
            [
                html.P(id="paragraph_id", children=["Button not clicked"]),
                html.Progress(id="progress_bar", value="0", max="10"),
            ]
        ),
        html.Button(id="button_id", children="Run Job!"),
        html.Button(id="cancel_button_id", children="Cancel Running Job!"),
    ]
)

STEPS = 10


@app.callback(
    Output("paragraph_id", "children"),
    Input("button_id", "n_clicks"),
    background=True,
    manager=manager,
    running=[
        (Output("button_id", "disabled"), True, False),
        (Output("cancel_button_id", "disabled"), False, True),
        (Output("paragraph_id", "style"), {"visibility": "hidden"}, {"visibility": "visible"}),
        (Output("progress_bar", "style"), {"visibility": "visible"}, {"visibility": "hidden"}),
    ],
    cancel=[Input("cancel_button_id", "n_clicks")],
    progress=[Output("progress_bar", "value"), Output("progress_bar", "max")],
    prevent_initial_call=True,
)
def update_progress(set_progress, n_clicks):
    for step in range(1, STEPS + 1):
        time.sleep(0.2)
        set_progress((step, STEPS))
    return [f"Clicked {n_clicks} times"]


if __name__ == "__main__":
    serve(app)
