//! Browser end-to-end test of assets hot reload: the `hello` example with hot reload on and
//! an assets folder in a temporary directory. Editing the stylesheet restyles the open page
//! without a navigation; adding a script reloads the page.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use dash_e2e::app::{build_release_binary, free_port, workspace_root, RunningApp};
use dash_e2e::browser::{Browser, BrowserError};
use dash_e2e::scenario::{launch, run_with, save_screenshot, start_or};
use serde_json::Value;

/// Bound for each wait on the page (the renderer polls `_reload-hash` every 3 s).
const WAIT: Duration = Duration::from_secs(30);

/// A temporary assets folder, removed on drop.
struct Assets(PathBuf);

impl Drop for Assets {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The computed colour of `#title` (`rgb(r, g, b)`), or an empty string before it renders.
fn title_color(b: &Browser) -> Result<String, BrowserError> {
    let v = b.execute(
        "const e = document.getElementById('title'); return e ? getComputedStyle(e).color : '';",
        vec![],
    )?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// Waits until the page's reloader has its first `_reload-hash` answer.
fn wait_for_baseline(b: &Browser) -> Result<(), BrowserError> {
    b.wait_for("the reloader's first answer", WAIT, |b| {
        let status = b.execute(
            "const s = window.store && window.store.getState(); \
             return s && s.reloadRequest ? s.reloadRequest.status : null;",
            vec![],
        )?;
        Ok((status == 200).then_some(()))
    })
}

#[test]
fn stylesheet_edits_restyle_the_open_page_and_scripts_reload_it() {
    let assets = Assets(std::env::temp_dir().join(format!("dash-e2e-hot-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&assets.0);
    std::fs::create_dir_all(&assets.0).expect("assets folder");
    let css = assets.0.join("style.css");
    std::fs::write(&css, "#title { color: rgb(200, 0, 0); }\n").expect("stylesheet");
    // Set for the whole process (the only test of this binary), so that a command given in
    // DASH_E2E_HOT_RELOAD_CMD (e.g. an already built `hello`) gets them too.
    std::env::set_var("DASH_HOT_RELOAD", "true");
    std::env::set_var("DASH_ASSETS_FOLDER", &assets.0);
    let app = start_or("hot_reload", || {
        let mut cmd = Command::new(build_release_binary("hello")?);
        cmd.current_dir(workspace_root());
        RunningApp::start_command(cmd, free_port()?)
    });
    let browser = launch();
    // On failure: the page's stylesheet links and the reloader's last answer.
    let context = |b: &Browser| {
        let script = "return {links: Array.from(document.querySelectorAll('link')).map(l => \
                      l.href + (l.disabled ? ' (disabled)' : '')), \
                      reload: window.store && window.store.getState().reloadRequest};";
        match b.execute(script, vec![]) {
            Ok(v) => format!("page state: {v}\n"),
            Err(e) => format!("(page state unavailable: {e})\n"),
        }
    };
    run_with("hot_reload", &app, &browser, context, |b| {
        b.goto(&format!("{}/", app.url()))?;
        b.wait_for("the first colour", WAIT, |b| {
            Ok((title_color(b)? == "rgb(200, 0, 0)").then_some(()))
        })?;
        // A mark that survives only as long as the page is not reloaded.
        b.execute("window.__hotReloadMark = 'kept'; return null;", vec![])?;
        // The reloader's first answer (3 s after load) is its baseline: a change made before
        // it is not seen as one (as with Python Dash).
        wait_for_baseline(b)?;

        std::fs::write(&css, "#title { color: rgb(0, 0, 200); }\n")?;
        let color = b.wait_for("the new colour", WAIT, |b| {
            let c = title_color(b)?;
            Ok((c == "rgb(0, 0, 200)").then_some(c))
        })?;
        println!("after the stylesheet edit: #title color {color}");
        let mark = b.execute("return window.__hotReloadMark || null;", vec![])?;
        assert_eq!(
            mark,
            Value::from("kept"),
            "the page was reloaded for a CSS edit"
        );
        save_screenshot(b, "hot_reload-css")?;

        std::fs::write(assets.0.join("extra.js"), "window.__extraLoaded = true;\n")?;
        b.wait_for("the page reload for a new script", WAIT, |b| {
            let v = b.execute(
                "return [window.__hotReloadMark || null, window.__extraLoaded || null];",
                vec![],
            )?;
            Ok((v == serde_json::json!([null, true])).then_some(()))
        })?;
        println!("after adding a script: the page reloaded and ran it");
        wait_for_baseline(b)?;
        std::fs::remove_file(assets.0.join("extra.js"))?;
        b.wait_for("the page reload for a removed script", WAIT, |b| {
            let v = b.execute("return window.__extraLoaded || null;", vec![])?;
            Ok(v.is_null().then_some(()))
        })?;
        println!("after removing it: the page reloaded without it");
        Ok(())
    });
}
