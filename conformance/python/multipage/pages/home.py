"""`/`: a click counter and two independent All-in-One counters."""

import dash
from dash import Input, Output, callback, html

from counter_aio import counter

dash.register_page(__name__, path="/", name="Home", order=0, redirect_from=["/old-home"])


def layout(**_query):
    return html.Div(
        [
            html.H2("Home"),
            html.Button("Click me", id="home-btn"),
            html.Div(id="home-out"),
            html.H3("Counters"),
            counter("left", "Left"),
            counter("right", "Right"),
        ]
    )


@callback(Output("home-out", "children"), Input("home-btn", "n_clicks"))
def home_clicks(n_clicks):
    return f"Home clicks: {n_clicks or 0}"
