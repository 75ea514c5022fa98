"""The Python Dash 4.4.1 side of `dash-bench-dataframe`: a DataTable paged, sorted and
filtered on the server with pandas, following the Dash docs' DataTable recipe "Python-driven
filtering, sorting and paging" (`page_action`, `sort_action` and `filter_action` set to
"custom"; the filter query split into `{column} op value` clauses joined by ` && `, each a
pandas boolean mask; then `sort_values` and `iloc` for the page). Our own implementation of
that recipe, not the docs' code.

It has the ids and the callback shape of the dash-rs DataFrame All-in-One
(dash-dataframe/src/aio.rs): `{"component": "DataFrameAIO", "subcomponent": ..., "aio_id":
...}`, one MATCH callback with the outputs table.data, table.columns, table.page_count,
count.children and message.children, and the inputs page_current, page_size, sort_by,
filter_query and source.data; so `dash-bench-dataframe` sends both the same request.

The rows: the CSV named by DATAFRAME_BENCH_CSV (written by `dash-bench-dataframe` from
`explorer::data::generate`), read once per process with `pandas.read_csv`.

Run: `gunicorn dataframe_pandas:server`; `python dataframe_pandas.py` serves on HOST/PORT.
The backend glue is the conformance twins' `_backend.py` (conformance/python must be on
PYTHONPATH).
"""

import math
import os

import pandas as pd
from dash import MATCH, Input, Output, ctx, dash_table, dcc, html, no_update

from _backend import make_app, serve

AIO_ID = "sales"
PAGE_SIZE = 20

FRAME = pd.read_csv(os.environ["DATAFRAME_BENCH_CSV"])


def aio(subcomponent, aio_id=AIO_ID):
    return {"component": "DataFrameAIO", "subcomponent": subcomponent, "aio_id": aio_id}


app = make_app(__name__)
server = app.server

app.layout = html.Div(
    [
        dcc.Store(id=aio("source"), data={"source": "registered", "aio_id": AIO_ID}),
        html.Div(id=aio("message"), children=""),
        dash_table.DataTable(
            id=aio("table"),
            columns=[],
            data=[],
            page_action="custom",
            page_current=0,
            page_size=PAGE_SIZE,
            page_count=1,
            sort_action="custom",
            sort_mode="multi",
            sort_by=[],
            filter_action="custom",
            filter_query="",
        ),
        html.Div(id=aio("count"), children=""),
    ]
)

# Longest spelling first, so that `>=` is not read as `>`.
OPERATORS = [
    (("ge", ">="), "ge"),
    (("le", "<="), "le"),
    (("ne", "!="), "ne"),
    (("lt", "<"), "lt"),
    (("gt", ">"), "gt"),
    (("eq", "="), "eq"),
    (("contains",), "contains"),
    (("datestartswith",), "datestartswith"),
]


def parse_value(text):
    """A clause's value: quoted text as it is, else a number when it reads as one."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        quote = text[0]
        return text[1:-1].replace("\\" + quote, quote)
    try:
        return float(text)
    except ValueError:
        return text


def parse_clause(clause):
    """`{column} op value` as (column, pandas operator, value), or None."""
    for spellings, operator in OPERATORS:
        for spelling in spellings:
            word = f" {spelling} " if spelling.isalpha() else spelling
            at = clause.find(word)
            if at < 0:
                continue
            name = clause[:at].strip()
            if not (name.startswith("{") and name.endswith("}")):
                continue
            return name[1:-1], operator, parse_value(clause[at + len(word) :])
    return None


def filtered(frame, query):
    """The rows of `frame` that every clause of `query` keeps (one boolean mask)."""
    keep = pd.Series(True, index=frame.index)
    for clause in (query or "").split(" && "):
        if not clause.strip():
            continue
        parsed = parse_clause(clause)
        if parsed is None:
            continue
        name, operator, value = parsed
        values = frame[name]
        if operator == "contains":
            keep &= values.astype(str).str.contains(str(value), regex=False)
        elif operator == "datestartswith":
            keep &= values.astype(str).str.startswith(str(value))
        else:
            keep &= getattr(values, operator)(value)
    return frame[keep]


@app.callback(
    Output(aio("table", MATCH), "data"),
    Output(aio("table", MATCH), "columns"),
    Output(aio("table", MATCH), "page_count"),
    Output(aio("count", MATCH), "children"),
    Output(aio("message", MATCH), "children"),
    Input(aio("table", MATCH), "page_current"),
    Input(aio("table", MATCH), "page_size"),
    Input(aio("table", MATCH), "sort_by"),
    Input(aio("table", MATCH), "filter_query"),
    Input(aio("source", MATCH), "data"),
)
def refresh(page_current, page_size, sort_by, filter_query, _source):
    rows = filtered(FRAME, filter_query)
    if sort_by:
        rows = rows.sort_values(
            [s["column_id"] for s in sort_by],
            ascending=[s.get("direction") != "desc" for s in sort_by],
            na_position="last",
            kind="stable",
        )
    size = int(page_size or PAGE_SIZE)
    start = int(page_current or 0) * size
    page = rows.iloc[start : start + size]
    triggered = ctx.triggered_id
    with_columns = triggered is None or triggered.get("subcomponent") == "source"
    columns = [{"name": c, "id": c} for c in FRAME.columns] if with_columns else no_update
    return (
        page.to_dict("records"),
        columns,
        max(1, math.ceil(len(rows) / size)),
        f"{len(rows)} rows",
        "",
    )


if __name__ == "__main__":
    serve(app)
