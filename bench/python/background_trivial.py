"""The trivial background callback of `dash-bench-background`, on Dash 4.4.1's
DiskcacheManager (Flask development server, threaded). HOST/PORT env, default 127.0.0.1:8050.
"""

import os
import tempfile

import dash
import diskcache
from dash import DiskcacheManager, Input, Output, dcc, html

manager = DiskcacheManager(diskcache.Cache(tempfile.mkdtemp(prefix="dash-bench-diskcache-")))

app = dash.Dash(__name__)
app.layout = html.Div([dcc.Input(id="in"), html.Div(id="out")])


@app.callback(
    Output("out", "children"),
    Input("in", "value"),
    background=True,
    manager=manager,
    interval=100,
    prevent_initial_call=True,
)
def echo(value):
    return value


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=False,
    )
