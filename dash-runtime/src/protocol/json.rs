//! Dash-JSON details.

use serde::Serialize;

/// JSON safe to embed in an HTML `<script>`: `<`, `>` and `/` escaped as Dash does.
///
/// ```
/// let s = dash_runtime::protocol::html_safe_json(&serde_json::json!({"a": "</script>"}));
/// assert_eq!(s, r#"{"a":"\u003c\u002fscript\u003e"}"#);
/// ```
pub fn html_safe_json<T: Serialize + ?Sized>(value: &T) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '/' => out.push_str("\\u002f"),
            c => out.push(c),
        }
    }
    out
}
