//! dash-browser against a small app served in-process: the real dash-renderer in headless
//! Chromium. Every wait is bounded by `WAIT`, which is only how long to keep polling.

use std::time::Duration;

use dash_browser::{AppServer, Browser};
use dash_runtime::prelude::*;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[callback(
    output = Output("echo", "children"),
    inputs = [Input("text", "value")],
    blocking = false,
)]
fn shout(text: Option<String>) -> String {
    format!("{}!", text.unwrap_or_default().to_uppercase())
}

clientside_callback! {
    output = Output("logged", "children"),
    inputs = [Input("text", "value")],
    js = "function(value) { console.error('dash-browser saw ' + value); return 'logged ' + value; }",
}

#[callback(
    output = Output("failed", "children"),
    inputs = [Input("fail", "n_clicks")],
    prevent_initial_call = true,
)]
fn fail(_clicks: Option<u64>) -> Result<String, CallbackError> {
    Err(CallbackError::new("the fail button always fails"))
}

fn app() -> Dash {
    Dash::new()
        .title("dash-browser test")
        .debug(true)
        .layout(html::div((
            dcc::Input::new().id("text").value("hi").r#type("text"),
            html::Div::new().id("echo"),
            html::Div::new().id("logged"),
            html::button("Fail").id("fail").n_clicks(0),
            html::Div::new().id("failed"),
        )))
}

fn screenshot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"))
}

#[test]
fn types_into_an_input_and_reads_the_callbacks_answer() -> TestResult {
    let app = AppServer::start(app())?;
    assert!(app.is_serving());
    let b = Browser::launch()?;
    b.goto(&app.url())?;
    b.wait_for_title("dash-browser test", WAIT)?;
    assert_eq!(b.current_url()?, app.url());
    b.wait_for_text("#echo", "HI!", WAIT)?;

    b.type_into("#text", "dash")?;
    b.wait_for_text("#echo", "DASH!", WAIT)?;
    let input = b.find("#text")?;
    assert_eq!(input.property("value")?, json!("dash"));
    assert_eq!(input.attribute("type")?.as_deref(), Some("text"));
    assert!(input.is_displayed()?);
    assert_eq!(
        b.execute(
            "return arguments[0].value + arguments[1];",
            vec![input.script_arg(), json!("?")]
        )?,
        json!("dash?")
    );
    assert!(b.callback_errors()?.is_empty());
    assert!(b.renderer_errors()?.is_empty());

    // A reload starts from the layout again.
    b.refresh()?;
    b.wait_for_text("#echo", "HI!", WAIT)?;

    let path = screenshot_path("types_into_an_input");
    let _ = std::fs::remove_file(&path);
    b.screenshot(&path)?;
    let png = std::fs::read(&path)?;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG: {path:?}");
    Ok(())
}

#[test]
fn reads_console_errors_of_a_clientside_callback() -> TestResult {
    let app = AppServer::start(app())?;
    let b = Browser::launch()?;
    b.goto(&app.url())?;
    b.wait_for_text("#logged", "logged hi", WAIT)?;
    b.type_into("#text", "x")?;
    b.wait_for_text("#logged", "logged x", WAIT)?;

    let mut errors = Vec::new();
    b.wait_for("the clientside callback's console.error", WAIT, |b| {
        errors.extend(b.console_errors()?);
        Ok(errors
            .iter()
            .any(|e| e.message.contains("dash-browser saw x"))
            .then_some(()))
    })?;
    assert!(errors.iter().all(|e| e.is_error()), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("dash-browser saw hi")),
        "the initial call logged too: {errors:?}"
    );
    // Handed out once: the next read has only what came since.
    assert!(!b
        .console_errors()?
        .iter()
        .any(|e| e.message.contains("dash-browser saw")));
    Ok(())
}

#[test]
fn shows_a_failing_callback_and_goes_back() -> TestResult {
    let app = AppServer::start(app())?;
    let b = Browser::launch()?;
    b.goto(&app.url_of("/"))?;
    b.wait_for_text("#echo", "HI!", WAIT)?;
    b.click("#fail")?;
    let shown = b.wait_for("the error UI", WAIT, |b| {
        let shown = b.callback_errors()?;
        Ok((!shown.is_empty()).then_some(shown))
    })?;
    let stored = b.renderer_errors()?;
    assert!(
        stored.iter().any(|e| e.starts_with("backEnd: ")),
        "dash-renderer's store: {stored:?} (the page showed {shown:?})"
    );

    // History: a second page, then back to the app.
    b.goto("about:blank")?;
    b.wait_for_url("about:blank", WAIT)?;
    b.back()?;
    b.wait_for_url(&app.url(), WAIT)?;
    b.wait_for_element("#echo", WAIT)?;
    Ok(())
}

#[test]
fn a_wait_that_never_holds_times_out_with_what_it_saw() -> TestResult {
    let app = AppServer::start(app())?;
    let b = Browser::launch()?;
    b.goto(&app.url())?;
    b.wait_for_text("#echo", "HI!", WAIT)?;
    let err = b
        .wait_for_text("#echo", "never", Duration::from_millis(500))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("timed out") && text.contains("\"HI!\""),
        "{text}"
    );
    let missing = b
        .find("#no-such-element")
        .err()
        .ok_or("found #no-such-element")?;
    assert!(missing.is_transient(), "{missing}");
    Ok(())
}
