"""An All-in-One counter, the twin of `examples/counter-aio`: a button and a display whose
ids hold the caller's instance key; one MATCH callback serves every instance."""

from dash import MATCH, Input, Output, callback, html

COMPONENT = "CounterAIO"


def counter_id(subcomponent, aio_id):
    """The id of `subcomponent` (`button` or `display`) in instance `aio_id`."""
    return {"component": COMPONENT, "subcomponent": subcomponent, "aio_id": aio_id}


def counter(aio_id, label):
    """A counter instance."""
    return html.Div(
        [
            html.Button(f"{label} +1", id=counter_id("button", aio_id), n_clicks=0),
            html.Span("0 clicks", id=counter_id("display", aio_id)),
        ],
        className="counter-aio",
    )


@callback(
    Output(counter_id("display", MATCH), "children"),
    Input(counter_id("button", MATCH), "n_clicks"),
)
def count(n_clicks):
    n = n_clicks or 0
    return f"{n} click{'' if n == 1 else 's'}"
