"""Python twin of the dash-rs `hello` example (Dash 4.4.1).

Run: `python hello.py` (HOST/PORT env), `gunicorn hello:server`, or with
`DASH_BACKEND=fastapi` under uvicorn (`uvicorn hello:server`). See `_backend.py`.
"""

from dash import Input, Output, State, dcc, html

from _backend import make_app, serve

app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        html.H1("Hello Dash", id="title"),
        dcc.Input(id="name", value="world", type="text"),
        html.Div(id="greeting"),
        html.Button("Click", id="btn", n_clicks=0),
        html.Div(id="clicks"),
    ]
)


def display_name(name):
    """The name to greet: "stranger" when the input is empty or missing."""
    return name if name else "stranger"


@app.callback(Output("greeting", "children"), Input("name", "value"))
def greet(name):
    return f"Hello, {display_name(name)}!"


@app.callback(
    Output("clicks", "children"),
    Input("btn", "n_clicks"),
    State("name", "value"),
)
def count_clicks(n_clicks, name):
    n = n_clicks if n_clicks is not None else 0
    return f"{n} clicks by {display_name(name)}"


if __name__ == "__main__":
    serve(app)
