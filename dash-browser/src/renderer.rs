//! What dash-renderer shows and keeps when a callback fails.

use serde_json::Value;

/// The error UI of dash-renderer's dev tools (apps run with debug on): the error count badge,
/// the error list's titles and items, and the error cards. A page whose callbacks all
/// succeeded shows none of it.
pub const ERROR_UI: &str =
    ".test-devtools-error-count, .dash-fe-error__title, .dash-fe-error-item, .dash-error-card";

/// Reads the errors in dash-renderer's store as `"<kind>: <message>[ <html>]"` strings.
pub(crate) const STORE_ERRORS_SCRIPT: &str = r#"
    const state = window.store && window.store.getState && window.store.getState();
    if (!state || !state.error) { return []; }
    const describe = (kind) => (state.error[kind] || []).map((e) => {
        const err = e.error || {};
        const text = err.message || String(err);
        const html = err.html ? " " + String(err.html).slice(0, 400) : "";
        return kind + ": " + text + html;
    });
    return describe("frontEnd").concat(describe("backEnd"));
"#;

/// The strings of [`STORE_ERRORS_SCRIPT`]'s answer (anything else reads as none).
pub(crate) fn error_strings(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
