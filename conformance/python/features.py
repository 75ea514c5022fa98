"""Python twin of the dash-rs `features` example (Dash 4.4.1): every callback feature.

Same layout and callbacks as `examples/features/src/main.rs`; it serves the same assets folder
(`examples/features/assets`), and its inline clientside function is byte-identical, so both
servers name it by the same SHA-256.

Run: `python features.py` (HOST/PORT env), `gunicorn features:server`, or with
`DASH_BACKEND=fastapi` under uvicorn. See `_backend.py`.
"""

import os

import dash
from dash import (
    ALL,
    ALLSMALLER,
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    dcc,
    html,
    no_update,
    set_props,
)
from dash.exceptions import PreventUpdate

from _backend import backend_name, serve

HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "features", "assets"))

if backend_name() == "flask":
    app = dash.Dash(__name__, assets_folder=ASSETS, title="Features")
else:
    app = dash.Dash(__name__, assets_folder=ASSETS, title="Features", backend=backend_name())
server = app.server


# ---------------------------------------------------------------------------------------
# Named inputs, state and outputs


@app.callback(
    output=dict(full=Output("full", "children"), initials=Output("initials", "children")),
    inputs=dict(form=dict(first=Input("first", "value"), last=Input("last", "value"))),
    state=dict(sep=State("sep", "value")),
)
def names(sep, form):
    first = form["first"] or ""
    last = form["last"] or ""
    initials = f"{first[0]}{last[0]}" if first and last else no_update
    return dict(full=f"{first}{' ' if sep is None else sep}{last}", initials=initials)


# ---------------------------------------------------------------------------------------
# A grouped (tuple) input and a trigger (a plain Input whose value is ignored)


@app.callback(
    Output("sum", "children"),
    inputs=[(Input("x", "value"), Input("y", "value")), Input("go", "n_clicks")],
)
def total(xy, _go):
    x, y = xy
    return (x or 0) + (y or 0)


# ---------------------------------------------------------------------------------------
# Pattern-matching ids


@app.callback(
    Output({"type": "label", "index": MATCH}, "style"),
    Input({"type": "done", "index": MATCH}, "value"),
    State({"type": "done", "index": ALLSMALLER}, "value"),
)
def strike(done, before):
    return {"done": bool(done), "before": len(before)}


@app.callback(
    Output({"type": "cum", "index": MATCH}, "children"),
    Input({"type": "num", "index": MATCH}, "value"),
    Input({"type": "num", "index": ALLSMALLER}, "value"),
)
def running_total(this, earlier):
    return (this or 0) + sum(v for v in earlier if v is not None)


@app.callback(
    Output({"type": "out", "index": ALL}, "children"),
    Input({"type": "in", "index": ALL}, "value"),
)
def echo_all(values):
    return [no_update if v is None else v for v in values]


@app.callback(
    Output("filled", "children"),
    Input("count-btn", "n_clicks"),
    State({"type": "in", "index": ALL}, "value"),
)
def filled(_n_clicks, values):
    count = sum(1 for v in values if v)
    return f"{count} of {len(values)} filled"


# ---------------------------------------------------------------------------------------
# running


@app.callback(
    Output("slow", "children"),
    Input("run", "n_clicks"),
    running=[
        (Output("run", "disabled"), True, False),
        (Output("slow", "style"), {"opacity": 0.5}, {}),
    ],
)
def slow(n_clicks):
    return f"ran {n_clicks or 0}"


# ---------------------------------------------------------------------------------------
# Clientside callbacks (byte-identical to the Rust example's JavaScript)

app.clientside_callback(
    "function(value) { return (value || '').toUpperCase(); }",
    Output("upper", "children"),
    Input("text", "value"),
)

app.clientside_callback(
    ClientsideFunction(namespace="text", function_name="lower"),
    Output("lower", "children"),
    Input("text", "value"),
)


# ---------------------------------------------------------------------------------------
# set_props: without outputs, and beside outputs


@app.callback(Input("ping", "n_clicks"), prevent_initial_call=True)
def ping(n_clicks):
    n = n_clicks or 0
    if n % 2 == 1:
        set_props("ping-out", {"children": f"ping {n}"})


@app.callback(Output("side-main", "children"), Input("side-in", "value"))
def side(value):
    value = value or ""
    set_props("side-note", {"children": f"note {value}"})
    # A second call for the same id merges; a pattern id is stringified.
    set_props("side-note", {"title": value})
    set_props({"type": "label", "index": 0}, {"title": f"side {value}"})
    return f"main {value}"


@app.callback(Output("guard-out", "children"), Input("guard-in", "value"))
def guard(value):
    """`PreventUpdate` after `set_props`: nothing is sent, the side updates included."""
    set_props("guard-note", {"children": "guard ran"})
    if value is None or value == "stop":
        raise PreventUpdate
    return f"guarded {value}"


@app.callback(Output("which", "data"), Input({"type": "pick", "index": ALL}, "n_clicks"))
def which(clicks):
    """The callback context: which pattern-matched button fired."""
    return {"triggered_id": dash.ctx.triggered_id, "buttons": len(clicks)}


# ---------------------------------------------------------------------------------------
# Patch: every operation


@app.callback(
    Output("patch-store", "data"),
    Output("patch-list", "children"),
    Input("patch-btn", "n_clicks"),
    prevent_initial_call=True,
)
def patch_all(n_clicks):
    n = n_clicks or 0
    data = Patch()
    data["count"] += n
    data["count"] -= 1
    data["count"] *= 2
    data["count"] /= 4
    data["label"] += "!"
    data["meta"].update({"clicks": n})
    data["meta"]["last"] = n
    data["items"].append(n)
    data["items"].prepend(-n)
    data["items"].insert(1, "inserted")
    data["items"].extend([n, n + 1])
    data["items"].remove(n + 1)
    data["items"].reverse()
    data["items"][-1] = "last"
    del data["obsolete"]
    data["trash"].clear()

    items = Patch()
    items.append(html.Li(f"item {n}"))
    items.prepend(html.Li("first"))
    items.insert(1, html.Li("second"))
    items.extend([html.Li("x"), html.Li("y")])
    items.remove(html.Li("x"))
    del items[0]
    items[0] = html.Li("replaced")
    items.reverse()
    return data, items


# ---------------------------------------------------------------------------------------
# allow_duplicate: two callbacks write items.children


@app.callback(
    Output("items", "children"),
    Input("add-item", "n_clicks"),
    prevent_initial_call=True,
)
def add_item(n_clicks):
    if n_clicks is None:
        raise PreventUpdate
    patch = Patch()
    patch.append(html.Li(f"item {n_clicks}"))
    patch[0]["props"]["children"] += "!"
    return patch


@app.callback(
    Output("items", "children", allow_duplicate=True),
    Input("clear-items", "n_clicks"),
    prevent_initial_call=True,
)
def clear_items(_n_clicks):
    patch = Patch()
    patch.clear()
    return patch


# ---------------------------------------------------------------------------------------
# on_error per callback


def fallback(err):
    """Reports the error beside the output and shows "failed"."""
    set_props("error-log", {"children": f"error: {err}"})
    return "failed"


def quietly(err):
    """Reports the error and leaves the output unchanged."""
    set_props("error-log", {"children": f"quiet: {err}"})


@app.callback(Output("risky", "children"), Input("risky-in", "value"), on_error=fallback)
def risky(value):
    if value == "panic":
        raise RuntimeError("risky panicked")
    if value == "err":
        raise ValueError("risky failed")
    if value == "stop":
        # Not an error: on_error is not called, the answer is 204.
        raise PreventUpdate
    return f"ok {value or ''}"


@app.callback(
    Output("quiet", "children"),
    Input("quiet-in", "value"),
    on_error=quietly,
    prevent_initial_call=True,
)
def quiet(value):
    if value == "err":
        raise ValueError("quiet failed")
    return f"ok {value or ''}"


# ---------------------------------------------------------------------------------------
# Layout


def section(title, children):
    return html.Div([html.H3(title), html.Div(children)])


def done(index):
    return html.Div(
        [
            dcc.Checklist(
                id={"type": "done", "index": index},
                options=[{"label": "", "value": "done"}],
                value=[],
            ),
            html.Span(f"task {index}", id={"type": "label", "index": index}),
        ]
    )


def number(index):
    return html.Div(
        [
            dcc.Input(id={"type": "num", "index": index}, type="number", value=index + 1),
            html.Div(id={"type": "cum", "index": index}),
        ]
    )


def echo(index):
    return html.Div(
        [
            dcc.Input(id={"type": "in", "index": index}, value=""),
            html.Div(id={"type": "out", "index": index}),
        ]
    )


app.layout = html.Div(
    [
        html.H1("Callback features"),
        section(
            "Named arguments",
            [
                dcc.Input(id="first", value="Ada"),
                dcc.Input(id="last", value="Lovelace"),
                dcc.Input(id="sep", value=" "),
                html.Div(id="full"),
                html.Div(id="initials"),
            ],
        ),
        section(
            "Grouped input and trigger",
            [
                dcc.Input(id="x", type="number", value=1),
                dcc.Input(id="y", type="number", value=2),
                html.Button("Go", id="go", n_clicks=0),
                html.Div(id="sum"),
            ],
        ),
        section(
            "Pattern matching",
            [
                html.Div([done(0), done(1), done(2)]),
                html.Div([number(0), number(1), number(2)]),
                html.Div([echo(0), echo(1)]),
                html.Div(
                    [
                        html.Button("Pick 0", id={"type": "pick", "index": 0}, n_clicks=0),
                        html.Button("Pick 1", id={"type": "pick", "index": 1}, n_clicks=0),
                    ]
                ),
                dcc.Store(id="which"),
                html.Button("Count", id="count-btn", n_clicks=0),
                html.Div(id="filled"),
            ],
        ),
        section(
            "Running",
            [html.Button("Run", id="run", n_clicks=0), html.Div(id="slow")],
        ),
        section(
            "Clientside",
            [dcc.Input(id="text", value="Hello"), html.Div(id="upper"), html.Div(id="lower")],
        ),
        section(
            "set_props",
            [
                html.Button("Ping", id="ping", n_clicks=0),
                html.Div(id="ping-out"),
                dcc.Input(id="side-in", value="a"),
                html.Div(id="side-main"),
                html.Div(id="side-note"),
                dcc.Input(id="guard-in", value="go"),
                html.Div(id="guard-out"),
                html.Div(id="guard-note"),
            ],
        ),
        section(
            "Patch",
            [
                html.Button("Patch", id="patch-btn", n_clicks=0),
                dcc.Store(
                    id="patch-store",
                    data={
                        "count": 1,
                        "label": "x",
                        "meta": {},
                        "items": [],
                        "obsolete": True,
                        "trash": [1, 2],
                    },
                ),
                html.Ul([html.Li("a")], id="patch-list"),
            ],
        ),
        section(
            "allow_duplicate",
            [
                html.Button("Add", id="add-item", n_clicks=0),
                html.Button("Clear", id="clear-items", n_clicks=0),
                html.Ul([], id="items"),
            ],
        ),
        section(
            "on_error",
            [
                dcc.Input(id="risky-in", value="fine"),
                html.Div(id="risky"),
                dcc.Input(id="quiet-in", value=""),
                html.Div(id="quiet"),
                html.Div(id="error-log"),
            ],
        ),
    ]
)


if __name__ == "__main__":
    serve(app)
