//! `/report/<report_id>`: the path variable arrives as a parameter.

use dash_runtime::prelude::*;

#[page(
    path_template = "/report/<report_id>",
    name = "Report",
    title = "Report {report_id}",
    order = 2
)]
fn report(report_id: String) -> html::Div {
    html::div(html::h2(format!("Report {report_id}")).id("report-title"))
}
