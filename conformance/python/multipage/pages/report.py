"""`/report/<report_id>`: the path variable arrives as a keyword argument."""

import dash
from dash import html

dash.register_page(
    __name__,
    path_template="/report/<report_id>",
    name="Report",
    title=lambda report_id: f"Report {report_id}",
    order=2,
)


def layout(report_id=None, **_query):
    return html.Div(html.H2(f"Report {report_id}", id="report-title"))
