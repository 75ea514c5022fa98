"""Every other path."""

import dash
from dash import dcc, html

dash.register_page(__name__, name="Not found")


def layout(**_query):
    return html.Div([html.H2("Page not found", id="not-found"), dcc.Link("Go home", href="/")])
