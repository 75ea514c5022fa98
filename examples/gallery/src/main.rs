//! `gallery`: component libraries from their own crates. Depending on
//! `dash-bootstrap-components` and `dash-mantine-components` is all it takes: the runtime
//! fetches each package's pinned wheel, serves its scripts and checks the layout against
//! its components.
//!
//! Run with `cargo run --release -p gallery` and open <http://127.0.0.1:8050/>.

use dash_bootstrap_components as dbc;
use dash_mantine_components as dmc;
use dash_runtime::prelude::*;

/// "Open" toggles the modal.
#[callback(
    output = Output("modal", "is_open"),
    inputs = [Input("open", "n_clicks")],
    state = [State("modal", "is_open")],
    prevent_initial_call = true,
)]
fn toggle_modal(_clicks: Option<u64>, is_open: Option<bool>) -> bool {
    !is_open.unwrap_or(false)
}

/// "Save" counts into the alert.
#[callback(
    output = Output("alert", "children"),
    inputs = [Input("save", "n_clicks")],
    prevent_initial_call = true,
)]
fn save(clicks: Option<u64>) -> String {
    saved_text(clicks.unwrap_or(0))
}

/// The Mantine select's choice.
#[callback(output = Output("fruit-out", "children"), inputs = [Input("fruit", "value")])]
fn fruit(value: Option<String>) -> String {
    fruit_text(value.as_deref())
}

fn saved_text(n: u64) -> String {
    format!("Saved {n} times")
}

fn fruit_text(value: Option<&str>) -> String {
    format!(
        "Fruit: {}",
        value.filter(|v| !v.is_empty()).unwrap_or("none")
    )
}

fn layout() -> html::Div {
    html::div((
        html::h1("Component libraries"),
        html::h2("Bootstrap"),
        dbc::button("Open").id("open").color("primary"),
        dbc::modal((
            dbc::modal_header(dbc::modal_title("A modal")),
            dbc::modal_body("Hello from the modal"),
        ))
        .id("modal")
        .is_open(false),
        dbc::button("Save").id("save").color("success"),
        dbc::alert("Not saved yet").id("alert").color("info"),
        html::h2("Mantine"),
        dmc::mantine_provider((
            dmc::Select::new()
                .id("fruit")
                .label("Fruit")
                .placeholder("Pick one")
                .data(["Apple", "Banana", "Cherry"]),
            dmc::text("").id("fruit-out"),
        )),
    ))
}

fn main() -> Result<(), dash_runtime::Error> {
    Dash::new()
        .title("Component libraries")
        .layout(layout())
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(saved_text(2), "Saved 2 times");
        assert_eq!(fruit_text(None), "Fruit: none");
        assert_eq!(fruit_text(Some("")), "Fruit: none");
        assert_eq!(fruit_text(Some("Cherry")), "Fruit: Cherry");
    }

    #[test]
    fn the_layout_uses_the_libraries_namespaces() {
        let json = serde_json::to_value(layout()).expect("layout JSON");
        let text = json.to_string();
        assert!(text.contains(r#""namespace":"dash_bootstrap_components""#));
        assert!(text.contains(r#""namespace":"dash_mantine_components""#));
    }
}
