//! Browser end-to-end tests: the example apps in headless Chromium, through the real Dash
//! front end, read the way a person would read them.
//!
//! `DASH_E2E_HELLO_CMD` / `DASH_E2E_CALC_CMD` (a shell command serving on `$HOST:$PORT`)
//! replace the Rust example, e.g. to run the same test against a Python Dash twin.

use dash_e2e::scenario::{assert_no_callback_errors, launch, run, save_screenshot, start, WAIT};

#[test]
fn hello_greets_and_counts_clicks() {
    let app = start("hello");
    let browser = launch();
    run("hello", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;

        let greeting = b.wait_for_text("#greeting", "Hello, world!", WAIT)?;
        println!("#greeting reads {greeting:?}");
        let heading = b.wait_for_text("#title", "Hello Dash", WAIT)?;
        println!("#title reads {heading:?}");
        let clicks = b.wait_for_text("#clicks", "0 clicks by world", WAIT)?;
        println!("#clicks reads {clicks:?}");

        b.type_into("#name", "Rustacean")?;
        let greeting = b.wait_for_text("#greeting", "Hello, Rustacean!", WAIT)?;
        println!("after typing: #greeting reads {greeting:?}");

        b.find("#btn")?.click()?;
        let clicks = b.wait_for_text("#clicks", "1 clicks by Rustacean", WAIT)?;
        println!("after one click: #clicks reads {clicks:?}");
        b.find("#btn")?.click()?;
        let clicks = b.wait_for_text("#clicks", "2 clicks by Rustacean", WAIT)?;
        println!("after two clicks: #clicks reads {clicks:?}");

        let title = b.wait_for_title("Dash", WAIT)?;
        println!("page title {title:?}");
        assert_no_callback_errors(b)?;

        save_screenshot(b, "hello")
    });
}

#[test]
fn calc_squares_cubes_and_parity() {
    let app = start("calc");
    let browser = launch();
    run("calc", &app, &browser, |b| {
        b.goto(&format!("{}/", app.url()))?;

        let square = b.wait_for_text("#square", "9", WAIT)?;
        let cube = b.wait_for_text("#cube", "27", WAIT)?;
        let parity = b.wait_for_text("#parity", "odd", WAIT)?;
        println!("for 3: #square {square:?}, #cube {cube:?}, #parity {parity:?}");

        b.type_into("input[type=number]", "-2")?;
        let cube = b.wait_for_text("#cube", "-8", WAIT)?;
        let parity = b.wait_for_text("#parity", "even", WAIT)?;
        // A negative number leaves the square as it was.
        let square = b.text("#square")?;
        println!("for -2: #square {square:?}, #cube {cube:?}, #parity {parity:?}");
        if square != "9" {
            return Err(format!("#square should still read \"9\" for -2, reads {square:?}").into());
        }

        let title = b.wait_for_title("Dash", WAIT)?;
        println!("page title {title:?}");
        assert_no_callback_errors(b)?;

        save_screenshot(b, "calc")
    });
}
