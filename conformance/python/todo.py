"""Python twin of the dash-rs `todo` example (Dash 4.4.1).

Pattern-matching ids (`MATCH`, `ALL`), `Patch` partial updates and two callbacks writing one
property (`allow_duplicate`), with the same layout and callbacks as
`examples/todo/src/main.rs`.

Run: `python todo.py` (HOST/PORT env), `gunicorn todo:server`, or with
`DASH_BACKEND=fastapi` under uvicorn (`uvicorn todo:server`). See `_backend.py`.
"""

from dash import ALL, MATCH, Input, Output, Patch, State, dcc, html
from dash.exceptions import PreventUpdate

from _backend import make_app, serve

app = make_app(__name__)
app.title = "Todo"
server = app.server


def item(index, text):
    """One row of the list, numbered by the click that added it."""
    return html.Div(
        [
            dcc.Checklist(
                id={"type": "done", "index": index},
                options=[{"label": "", "value": "done"}],
                value=[],
                inline=True,
            ),
            html.Span(text, id={"type": "label", "index": index}),
        ],
        id={"type": "item", "index": index},
    )


@app.callback(
    Output("list", "children"),
    Output("new-item", "value"),
    Input("add", "n_clicks"),
    State("new-item", "value"),
    prevent_initial_call=True,
)
def add(n_clicks, text):
    if not text:
        raise PreventUpdate
    patch = Patch()
    patch.append(item(n_clicks or 0, text))
    return patch, ""


@app.callback(
    Output({"type": "label", "index": MATCH}, "style"),
    Input({"type": "done", "index": MATCH}, "value"),
)
def strike(done):
    return {"textDecoration": "line-through"} if done else {}


@app.callback(
    Output("summary", "children"),
    Input({"type": "done", "index": ALL}, "value"),
)
def summary(done):
    checked = sum(1 for d in done if d)
    return f"{checked} of {len(done)} done"


@app.callback(
    Output("list", "children", allow_duplicate=True),
    Input("clear", "n_clicks"),
    State({"type": "done", "index": ALL}, "value"),
    prevent_initial_call=True,
)
def clear_done(_n_clicks, done):
    patch = Patch()
    # Delete from the end so earlier positions stay valid.
    for position in reversed([i for i, d in enumerate(done) if d]):
        del patch[position]
    return patch


app.layout = html.Div(
    [
        html.H1("Todo"),
        dcc.Input(id="new-item", value=""),
        html.Button("Add", id="add", n_clicks=0),
        html.Button("Clear done", id="clear", n_clicks=0),
        html.Div(id="list", children=[]),
        html.Div(id="summary"),
    ]
)


if __name__ == "__main__":
    serve(app)
