"""Python twin of the dash-rs `calc` example (Dash 4.4.1).

Run: `python calc.py` (HOST/PORT env), `gunicorn calc:server`, or with
`DASH_BACKEND=fastapi` under uvicorn (`uvicorn calc:server`). See `_backend.py`.
"""

from dash import Input, Output, dcc, html, no_update
from dash.exceptions import PreventUpdate

from _backend import make_app, serve

app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        dcc.Input(id="num", type="number", value=3),
        html.Div(id="square"),
        html.Div(id="cube"),
        html.Div(id="parity"),
    ]
)


@app.callback(
    [Output("square", "children"), Output("cube", "children")],
    Input("num", "value"),
)
def powers(num):
    if num is None:
        raise PreventUpdate
    if num < 0:
        return no_update, num**3
    return num**2, num**3


@app.callback(Output("parity", "children"), Input("num", "value"))
def parity(num):
    if isinstance(num, bool) or not isinstance(num, int):
        return no_update
    return "even" if num % 2 == 0 else "odd"


if __name__ == "__main__":
    serve(app)
