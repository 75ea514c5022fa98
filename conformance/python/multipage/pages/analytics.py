"""`/analytics`: pick a metric."""

import dash
from dash import Input, Output, callback, dcc, html

dash.register_page(__name__, path="/analytics", name="Analytics", order=1)


def layout(**_query):
    return html.Div(
        [
            html.H2("Analytics"),
            dcc.Dropdown(id="metric", options=["sales", "users"], value="sales"),
            html.Div(id="metric-out"),
        ]
    )


@callback(Output("metric-out", "children"), Input("metric", "value"))
def metric(value):
    return f"Metric: {value or ''}"
