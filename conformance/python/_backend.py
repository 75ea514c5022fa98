"""Shared start-up glue for the Python twins of the dash-rs example apps.

Each twin builds a `dash.Dash` app on the backend named by the environment variable
`DASH_BACKEND` (`flask`, the default, or `fastapi`) and exposes its server as `server`:

* Flask:   `python hello.py`, or `gunicorn -w 2 hello:server`
* FastAPI: `DASH_BACKEND=fastapi python hello.py`, or
           `DASH_BACKEND=fastapi uvicorn --workers 2 hello:server`

`python <twin>.py` listens on HOST/PORT (default 127.0.0.1:8050), like the Rust examples.
"""

import os

import dash


def backend_name():
    """The backend chosen through DASH_BACKEND, lower-cased."""
    name = os.environ.get("DASH_BACKEND", "flask").strip().lower()
    if name not in ("flask", "fastapi"):
        raise SystemExit(f"DASH_BACKEND must be 'flask' or 'fastapi', not {name!r}")
    return name


def make_app(module_name, **options):
    """A Dash app on the chosen backend (Flask uses Dash's default); `options` go to
    `dash.Dash` (e.g. `external_stylesheets`)."""
    name = backend_name()
    if name == "flask":
        return dash.Dash(module_name, **options)
    return dash.Dash(module_name, backend=name, **options)


def serve(app):
    """Serve `app` on HOST/PORT until interrupted (development servers, no debug)."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    if backend_name() == "fastapi":
        # Dash's own `run` re-launches uvicorn in a subprocess by module path; serving the
        # ASGI app directly keeps one process that the caller can stop.
        import uvicorn

        uvicorn.run(app.server, host=host, port=port, log_level="warning")
    else:
        app.run(host=host, port=port, debug=False)
