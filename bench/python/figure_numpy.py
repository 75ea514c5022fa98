"""The Python Dash 4.4.1 side of `dash-bench-figure`: a click on `draw` answers the
`dcc.Graph` `graph`'s `figure` with a 1,000,000-point scattergl built with plotly.py and
numpy (x = 0..n, y = sin(x / 1000)), which plotly.py serialises as base64 typed arrays.
Twin of the typed-array callback of the dash-rs app that `dash-bench-figure serve` runs
(bench/src/bin/figure.rs).

Run: `gunicorn figure_numpy:server`; `python figure_numpy.py` serves on HOST/PORT. The
backend glue is the conformance twins' `_backend.py` (conformance/python must be on
PYTHONPATH).
"""

import numpy as np
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

from _backend import make_app, serve

POINTS = 1_000_000

app = make_app(__name__)
server = app.server

app.layout = html.Div([html.Button("Draw", id="draw"), dcc.Graph(id="graph")])


@app.callback(Output("graph", "figure"), Input("draw", "n_clicks"), prevent_initial_call=True)
def draw(_clicks):
    x = np.arange(POINTS)
    return go.Figure(go.Scattergl(x=x, y=np.sin(x / 1000), mode="markers"))


if __name__ == "__main__":
    serve(app)
