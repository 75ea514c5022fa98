"""Python twin of the dash-rs `multipage` example (Dash 4.4.1, `use_pages=True`).

One file per page under `pages/` (Home at `/` with a click counter and two All-in-One
counters, `/analytics`, `/report/<report_id>`, and `not_found_404.py`), and a navigation bar
with a `dcc.Link` per page from `dash.page_registry` (id `nav-<name in lower case>`), as in
`examples/multipage`.

Run from this directory: `python app.py` (HOST/PORT env; `_backend.py` of the parent
directory must be importable, e.g. `PYTHONPATH=..`), optionally with `DASH_BACKEND=fastapi`.
"""

import os

import dash
from dash import dcc, html

from _backend import backend_name, serve

HERE = os.path.dirname(os.path.abspath(__file__))
OPTIONS = dict(use_pages=True, pages_folder=os.path.join(HERE, "pages"), title="Multipage")

if backend_name() == "flask":
    app = dash.Dash(__name__, **OPTIONS)
else:
    app = dash.Dash(__name__, backend=backend_name(), **OPTIONS)
server = app.server


def navbar():
    """A `dcc.Link` per page (the 404 page aside), with id `nav-<name in lower case>`."""
    return html.Nav(
        [
            dcc.Link(
                page["name"],
                id=f"nav-{page['name'].lower()}",
                href=page["path"],
                style={"marginRight": "1em"},
            )
            for page in dash.page_registry.values()
            if page["module"].split(".")[-1] != "not_found_404"
        ]
    )


app.layout = html.Div([navbar(), html.Hr(), dash.page_container])


if __name__ == "__main__":
    serve(app)
