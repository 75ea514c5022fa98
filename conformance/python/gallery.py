"""Python twin of the dash-rs `gallery` example (Dash 4.4.1 with dash-bootstrap-components
2.0.4, dash-ag-grid 35.3.0 and dash-mantine-components 2.8.1).

The grid's infinite row model is answered from a pandas frame, the way the dash-ag-grid
documentation does it (sort with `sort_values`, filter the `number` model, slice).

Run: `python gallery.py` (HOST/PORT env), `gunicorn gallery:server`, or with
`DASH_BACKEND=fastapi` under uvicorn. See `_backend.py`.
"""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, html

from _backend import make_app, serve

ROWS = 100_000

frame = pd.DataFrame({"id": range(ROWS)})
frame["name"] = "row " + frame["id"].astype(str)
frame["score"] = (frame["id"] * 37) % 101

# dash-rs serves the same Bootstrap CSS from its npm package (`.theme(dbc::themes::BOOTSTRAP)`).
app = make_app(__name__, external_stylesheets=[dbc.themes.BOOTSTRAP])
server = app.server
app.title = "Component libraries"
app.layout = html.Div(
    [
        html.H1("Component libraries"),
        html.H2("Bootstrap"),
        dbc.Button("Open", id="open", color="primary"),
        dbc.Modal(
            [
                dbc.ModalHeader(dbc.ModalTitle("A modal")),
                dbc.ModalBody("Hello from the modal"),
            ],
            id="modal",
            is_open=False,
        ),
        dbc.Button("Save", id="save", color="success"),
        dbc.Alert("Not saved yet", id="alert", color="info"),
        html.H2("Mantine"),
        dmc.MantineProvider(
            [
                dmc.Select(
                    id="fruit",
                    label="Fruit",
                    placeholder="Pick one",
                    data=["Apple", "Banana", "Cherry"],
                ),
                dmc.Text("", id="fruit-out"),
            ]
        ),
        html.H2("AG Grid"),
        dag.AgGrid(
            id="grid",
            rowModelType="infinite",
            columnDefs=[
                {"field": "id"},
                {"field": "name"},
                {"field": "score", "filter": "agNumberColumnFilter"},
            ],
            defaultColDef={"sortable": True},
            dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}},
        ),
        html.Div(id="grid-selected"),
    ]
)


@app.callback(
    Output("modal", "is_open"),
    Input("open", "n_clicks"),
    State("modal", "is_open"),
    prevent_initial_call=True,
)
def toggle_modal(_clicks, is_open):
    return not bool(is_open)


@app.callback(
    Output("alert", "children"),
    Input("save", "n_clicks"),
    prevent_initial_call=True,
)
def save(clicks):
    return f"Saved {clicks or 0} times"


@app.callback(Output("fruit-out", "children"), Input("fruit", "value"))
def fruit(value):
    return f"Fruit: {value or 'none'}"


NUMBER_TESTS = {
    "equals": lambda s, v: s == v,
    "notEqual": lambda s, v: s != v,
    "lessThan": lambda s, v: s < v,
    "lessThanOrEqual": lambda s, v: s <= v,
    "greaterThan": lambda s, v: s > v,
    "greaterThanOrEqual": lambda s, v: s >= v,
}


@app.callback(
    Output("grid", "getRowsResponse"),
    Input("grid", "getRowsRequest"),
    prevent_initial_call=True,
)
def grid_block(request):
    request = request or {}
    rows = frame
    for column, model in (request.get("filterModel") or {}).items():
        rows = rows[NUMBER_TESTS[model["type"]](rows[column], model["filter"])]
    for sort in reversed(request.get("sortModel") or []):
        rows = rows.sort_values(
            sort["colId"], ascending=sort["sort"] == "asc", kind="stable"
        )
    start, end = request.get("startRow", 0), request.get("endRow", 0)
    return {
        "rowData": rows.iloc[start:end].to_dict("records"),
        "rowCount": len(rows),
    }


@app.callback(Output("grid-selected", "children"), Input("grid", "selectedRows"))
def selected(rows):
    return f"Selected: {rows[0]['name'] if rows else 'none'}"


if __name__ == "__main__":
    serve(app)
